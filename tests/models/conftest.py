"""Fixtures for the model tests: an isolated cache and config, and skip helpers.

Every test runs with ``STORYCHECK_CACHE_DIR`` in a temporary folder, no config file and
no ``STORYCHECK_*`` model variables, and with the registry's instances cleared, so
tests never read or write the user's cache. Model-backed tests skip cleanly when the
package that ships the weights is not installed; hub tests (``@pytest.mark.network``)
run only with ``STORYCHECK_NETWORK_TESTS=1``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from storycheck.models import registry

MODEL_ENV = (
    "STORYCHECK_EMBEDDER",
    "STORYCHECK_FAST_EMBEDDER",
    "STORYCHECK_NLI",
    "STORYCHECK_PARSER",
    "STORYCHECK_CONFIG",
    "STORYCHECK_THREADS",
)


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("STORYCHECK_CACHE_DIR", str(tmp_path / "cache"))
    for name in MODEL_ENV:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("STORYCHECK_CONFIG", str(tmp_path / "no-config.toml"))
    registry.clear_instances()
    yield
    registry.clear_instances()


HERE = Path(__file__).resolve().parent


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("STORYCHECK_NETWORK_TESTS") == "1":
        return
    skip = pytest.mark.skip(reason="needs internet: set STORYCHECK_NETWORK_TESTS=1")
    for item in items:
        if "network" in item.keywords and HERE in Path(str(item.path)).resolve().parents:
            item.add_marker(skip)
