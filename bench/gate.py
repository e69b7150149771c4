"""The CI quality gate: run the fast benchmarks and fail when a key figure drops.

Run: ``python -m bench.gate`` (``make gate``; ``.ci/run`` runs it through ``make test``).
``bench/baseline.json`` pins a floor for each key figure, addressed by a dotted path into
a benchmark's JSON (``"grounding": {"sets.wice.balanced_accuracy": 0.55}``). The gate
runs ``python -m bench.<name> --fast`` (the whole benchmark if it has no ``--fast``, e.g.
grouping, which takes seconds) for each benchmark that has floors, compares, prints
one line per figure and exits 1 if any figure is below its floor, missing, or its
benchmark failed. When ``../shared/data`` is absent it prints why and exits 0 (users and
forks have no data; the figures cannot be measured there).

Floors sit a little under the measured ``--fast`` numbers: raise them when storycheck
improves, never lower them to make a change pass.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.common import SHARED_DATA

BASELINE = Path(__file__).resolve().parent / "baseline.json"


@dataclass(frozen=True)
class Check:
    """One figure against its floor."""

    benchmark: str
    path: str
    floor: float
    value: float | None
    status: str  # "ok", "drop", "missing", "failed", "skipped"

    @property
    def passed(self) -> bool:
        return self.status in ("ok", "skipped")

    def line(self) -> str:
        shown = "—" if self.value is None else f"{self.value:.4g}"
        return f"{self.status:>7}  {self.benchmark}.{self.path} = {shown} (floor {self.floor:g})"


def lookup(result: Mapping[str, Any], path: str) -> float | None:
    """The number at a dotted path in a benchmark's JSON, or None if absent or not numeric."""
    node: Any = result
    for part in path.split("."):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    if isinstance(node, bool) or not isinstance(node, int | float):
        return None
    value = float(node)
    return None if math.isnan(value) else value


def load_floors(path: Path = BASELINE) -> dict[str, dict[str, float]]:
    """``{benchmark: {dotted path: floor}}`` from baseline.json (keys starting with ``_``
    are comments)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    floors = data.get("floors", {})
    out: dict[str, dict[str, float]] = {}
    for bench, figures in floors.items():
        if bench.startswith("_"):
            continue
        out[bench] = {k: float(v) for k, v in figures.items() if not k.startswith("_")}
    return out


def compare(
    benchmark: str, record: Mapping[str, Any] | None, floors: Mapping[str, float]
) -> list[Check]:
    """Check one benchmark's run record (from :func:`bench.run.run_one`) against its floors.

    A run that exited non-zero or printed no JSON fails every figure; a benchmark that
    reports ``"skipped"`` (its data is absent) skips them.
    """
    result = record.get("result") if record is not None else None
    if record is None or record.get("exit_code") != 0 or not isinstance(result, Mapping):
        return [Check(benchmark, p, f, None, "failed") for p, f in floors.items()]
    if "skipped" in result:
        return [Check(benchmark, p, f, None, "skipped") for p, f in floors.items()]
    checks = []
    for path, floor in floors.items():
        value = lookup(result, path)
        if value is None:
            status = "missing"
        elif value < floor:
            status = "drop"
        else:
            status = "ok"
        checks.append(Check(benchmark, path, floor, value, status))
    return checks


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=SHARED_DATA, help="shared data folder")
    parser.add_argument("--baseline", type=Path, default=BASELINE)
    parser.add_argument("--only", default=None, help="comma-separated benchmarks to gate")
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(f"gate: skipped: benchmark data not found at {args.data}")
        return 0
    from bench.run import available, run_one

    floors = load_floors(args.baseline)
    wanted = [b.strip() for b in args.only.split(",")] if args.only else list(floors)
    present = set(available())
    checks: list[Check] = []
    total = 0.0
    for bench in wanted:
        if bench not in floors:
            continue
        if bench not in present:
            checks.append(Check(bench, "(script)", 0.0, None, "failed"))
            continue
        record = run_one(bench, fast=True)
        total += float(record["wall_s"])
        print(f"gate: {bench}: {record['wall_s']} s, {record['peak_rss_mb']} MB", flush=True)
        if record["exit_code"] != 0:
            for line in record.get("stderr_tail", []):
                print(f"gate:   {line}", flush=True)
        checks.extend(compare(bench, record, floors[bench]))
    for check in checks:
        print(f"gate: {check.line()}")
    failed = [c for c in checks if not c.passed]
    if failed:
        print(f"gate: FAILED: {len(failed)} of {len(checks)} figures ({total:.0f} s)")
        return 1
    print(f"gate: passed: {len(checks)} figures ({total:.0f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
