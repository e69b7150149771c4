"""The example corpus and its gold file agree (every evidence string is in its file)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def test_gold_file_is_consistent_with_the_corpus() -> None:
    res = subprocess.run(
        [sys.executable, str(EXAMPLES / "check_gold.py")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert res.returncode == 0, res.stdout + res.stderr
    assert "OK" in res.stdout
