"""Batch runs: the local process pool and Ray (local mode, 2 CPUs) give the same stories."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from storycheck.cli import app
from storycheck.stories.batch import BatchOptions, run_batch

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO / "examples" / "corpus"


def _groups(out: Path) -> set[frozenset[str]]:
    data = json.loads((out / "stories.json").read_text(encoding="utf-8"))
    return {frozenset(s["sources"]) for s in data["stories"]}


def test_local_engine_groups_and_checks(tmp_path: Path) -> None:
    result = run_batch(
        [str(CORPUS / "misc"), str(CORPUS / "kessmouth-port-fire")],
        tmp_path,
        BatchOptions(engine="local", workers=2),
    )
    assert [len(s.article_ids) for s in result.stories] == [5, 1]
    assert len(result.reports) == 2
    listing = json.loads((tmp_path / "stories.json").read_text(encoding="utf-8"))
    in_topics = sorted(sid for t in listing["topics"] for sid in t["story_ids"])
    assert in_topics == sorted(s.id for s in result.stories)
    report = json.loads(result.reports[0].read_text(encoding="utf-8"))
    assert report["stories"][0]["id"] in {s.id for s in result.stories}


def test_ray_engine_matches_local(tmp_path: Path) -> None:
    ray = pytest.importorskip("ray")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        local = run_batch(
            [str(CORPUS)], tmp_path / "local", BatchOptions(check=False, workers=1, chunk_size=4)
        )
        distributed = run_batch(
            [str(CORPUS)],
            tmp_path / "ray",
            BatchOptions(engine="ray", check=False, chunk_size=4),
        )
        assert _groups(tmp_path / "ray") == _groups(tmp_path / "local")
        assert [s.id for s in distributed.stories] == [s.id for s in local.stories]
        assert len(distributed.stories) == 3
        # and one story's cross-check through Ray
        checked = run_batch(
            [str(CORPUS / "misc")], tmp_path / "ray-check", BatchOptions(engine="ray")
        )
        assert len(checked.reports) == 1
    finally:
        ray.shutdown()


def test_batch_cli(tmp_path: Path) -> None:
    res = CliRunner().invoke(
        app, ["batch", str(CORPUS), "--out", str(tmp_path), "--no-check", "--json"]
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["stories"] == 3
    bad = CliRunner().invoke(app, ["batch", str(CORPUS), "--out", str(tmp_path), "--engine", "x"])
    assert bad.exit_code == 2
