"""The CI gate's logic (floors, lookups, skips) and the runner's plumbing, without models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bench.common import balanced_accuracy, best_threshold, precision_recall, roc_auc, spread
from bench.gate import Check, compare, load_floors, lookup
from bench.run import available, parse_output, supports_fast

from bench import gate

RESULT: dict[str, Any] = {
    "bench": "grounding",
    "sets": {"wice": {"balanced_accuracy": 0.61, "roc_auc": float("nan")}},
    "flags": [0.5, True],
    "name": "x",
}


def _record(result: dict[str, Any] | None, exit_code: int = 0) -> dict[str, Any]:
    return {"exit_code": exit_code, "result": result, "wall_s": 1.0, "peak_rss_mb": 10.0}


def test_lookup_follows_dotted_paths() -> None:
    assert lookup(RESULT, "sets.wice.balanced_accuracy") == pytest.approx(0.61)
    assert lookup(RESULT, "flags.0") == pytest.approx(0.5)


@pytest.mark.parametrize(
    "path",
    [
        "sets.frank.balanced_accuracy",
        "sets.wice",
        "name",
        "flags.1",
        "flags.7",
        "sets.wice.roc_auc",
    ],
)
def test_lookup_gives_none_for_absent_or_non_numeric(path: str) -> None:
    assert lookup(RESULT, path) is None


def test_compare_marks_ok_drop_and_missing() -> None:
    floors = {
        "sets.wice.balanced_accuracy": 0.60,
        "flags.0": 0.51,
        "sets.frank.balanced_accuracy": 0.7,
    }
    checks = {c.path: c for c in compare("grounding", _record(RESULT), floors)}
    assert checks["sets.wice.balanced_accuracy"].status == "ok"
    assert checks["flags.0"].status == "drop"
    assert checks["sets.frank.balanced_accuracy"].status == "missing"
    assert [c.passed for c in checks.values()] == [True, False, False]


def test_equal_to_the_floor_passes() -> None:
    (check,) = compare("g", _record({"a": 0.5}), {"a": 0.5})
    assert check.status == "ok"


def test_failed_run_fails_every_figure_and_skipped_run_skips() -> None:
    floors = {"a": 0.1, "b": 0.2}
    assert {c.status for c in compare("g", _record({"a": 1.0}, exit_code=1), floors)} == {"failed"}
    assert {c.status for c in compare("g", _record(None), floors)} == {"failed"}
    assert {c.status for c in compare("g", None, floors)} == {"failed"}
    skipped = compare("g", _record({"skipped": "data not found"}), floors)
    assert {c.status for c in skipped} == {"skipped"}
    assert all(c.passed for c in skipped)


def test_check_line_shows_value_and_floor() -> None:
    line = Check("grounding", "sets.wice.balanced_accuracy", 0.6, 0.5812, "drop").line()
    assert "drop" in line and "0.5812" in line and "floor 0.6" in line


def test_load_floors_ignores_comment_keys(tmp_path: Path) -> None:
    path = tmp_path / "baseline.json"
    path.write_text(
        json.dumps({"_note": "x", "floors": {"_c": {}, "g": {"_why": "y", "a.b": 0.5}}}),
        encoding="utf-8",
    )
    assert load_floors(path) == {"g": {"a.b": 0.5}}


def test_gate_skips_cleanly_without_data(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert gate.main(["--data", str(tmp_path / "absent")]) == 0
    assert "skipped" in capsys.readouterr().out


def test_gate_fails_when_a_gated_benchmark_does_not_exist(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text(json.dumps({"floors": {"no_such_bench": {"x": 0.1}}}), encoding="utf-8")
    assert gate.main(["--data", str(tmp_path), "--baseline", str(baseline)]) == 1
    assert "FAILED" in capsys.readouterr().out


def test_repository_baseline_names_existing_benchmarks() -> None:
    floors = load_floors()
    assert floors
    assert supports_fast("grounding") and supports_fast("contradiction")
    for bench, figures in floors.items():
        assert bench in available()
        assert figures and all(isinstance(f, float) for f in figures.values())


def test_parse_output_takes_the_json_object() -> None:
    assert parse_output('{"a": 1}') == {"a": 1}
    assert parse_output('note\n{\n  "a": 2\n}\n') == {"a": 2}
    assert parse_output("") is None
    assert parse_output("[1, 2]") is None
    assert parse_output("not json") is None


def test_metrics_on_small_cases() -> None:
    gold = [True, True, False, False]
    assert roc_auc(gold, [0.9, 0.8, 0.1, 0.2]) == pytest.approx(1.0)
    assert roc_auc(gold, [0.1, 0.2, 0.9, 0.8]) == pytest.approx(0.0)
    assert roc_auc(gold, [0.5, 0.5, 0.5, 0.5]) == pytest.approx(0.5)
    assert roc_auc(gold, [0.9, 0.5, 0.5, 0.1]) == pytest.approx(0.875)
    assert balanced_accuracy(gold, [True, False, False, False]) == pytest.approx(0.75)
    assert best_threshold(gold, [0.9, 0.8, 0.1, 0.2]) == pytest.approx(0.5)
    assert precision_recall(gold, [True, False, True, False])["precision"] == 0.5
    assert spread(list(range(10)), 3) == [0, 3, 6]
