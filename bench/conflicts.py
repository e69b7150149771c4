"""Real-news disagreements: the cross-check's conflicts against a gold annotation.

Run: ``python -m bench.conflicts [--fast] [--out DIR] [--sets A,B]``; prints one JSON object
(``{"skipped": ...}`` when ``../shared/data/conflicts`` is absent).

Data: ``../shared/data/conflicts/`` — real ECB+ reports, one folder per event, with a gold
list of every disagreement between the reports of one event (see its ``GUIDE.md``). Each
folder is analysed as ``storycheck analyze DIR --no-store`` would (stories grouped, no
brief), the report/1 JSON is written to ``--out`` and scored by the set's own
``score.py``: recall of gold conflicts, precision of the conflicts the reports list.
``--fast`` runs every other set (13 of 25) for the CI gate.
Also reported: the fact table's share of analyze time (``facts_seconds``).
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import SHARED_DATA, machine
from storycheck.pipeline import AnalyzeOptions, analyze
from storycheck.report.jsonreport import build_report

FAST_STEP = 2
_LINE = re.compile(r"recall (\d+)/(\d+) = ([\d.]+), precision (\d+)/(\d+) = ([\d.]+)")
_PER_SET = re.compile(r"^\s+(\S+): (\d+)/(\d+)$")


def score(reports: list[Path], gold: Path, scorer: Path) -> dict[str, Any]:
    """Run the data set's scorer on ``reports``; its numbers as a dict."""
    done = subprocess.run(
        [sys.executable, str(scorer), *map(str, reports), str(gold), "-v"],
        capture_output=True,
        text=True,
        check=False,
    )
    found = _LINE.search(done.stdout)
    if found is None:
        return {"error": (done.stdout + done.stderr)[-400:]}
    per_set = {
        m.group(1): [int(m.group(2)), int(m.group(3))]
        for line in done.stdout.splitlines()
        if (m := _PER_SET.match(line))
    }
    return {
        "recall": float(found.group(3)),
        "found": int(found.group(1)),
        "gold": int(found.group(2)),
        "precision": float(found.group(6)),
        "right": int(found.group(4)),
        "reported": int(found.group(5)),
        "per_set": per_set,
        "missed": [ln.strip() for ln in done.stdout.splitlines() if ln.startswith("  missed")],
        "unmatched": [
            ln.strip() for ln in done.stdout.splitlines() if ln.startswith("  unmatched")
        ],
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--fast", action="store_true", help=f"every {FAST_STEP}nd set only")
    ap.add_argument("--sets", default="", help="comma-separated set names")
    ap.add_argument("--out", type=Path, default=None, help="keep the report JSON here")
    ap.add_argument("--data", type=Path, default=SHARED_DATA / "conflicts")
    ap.add_argument("--details", action="store_true", help="list missed and unmatched")
    args = ap.parse_args(argv)
    root: Path = args.data
    if not (root / "corpus").is_dir() or not (root / "score.py").is_file():
        print(json.dumps({"skipped": f"{root} not found"}))
        return 0
    sets = sorted(p.name for p in (root / "corpus").iterdir() if p.is_dir())
    if args.sets:
        wanted = set(args.sets.split(","))
        sets = [s for s in sets if s in wanted]
    elif args.fast:
        sets = sets[::FAST_STEP]
    out = args.out or Path(tempfile.mkdtemp(prefix="storycheck-conflicts-"))
    out.mkdir(parents=True, exist_ok=True)
    gold = out / "gold"
    gold.mkdir(exist_ok=True)
    options = AnalyzeOptions(brief=None)
    reports: list[Path] = []
    seconds: dict[str, float] = {}
    facts_seconds = 0.0
    articles = 0
    start = time.perf_counter()
    for name in sets:
        t0 = time.perf_counter()
        result = analyze([str(root / "corpus" / name)], options)
        report = build_report(result.checks, models=result.models)
        path = out / f"{name}.json"
        path.write_text(json.dumps(report), encoding="utf-8")
        reports.append(path)
        (gold / f"{name}.json").write_bytes((root / "gold" / f"{name}.json").read_bytes())
        seconds[name] = round(time.perf_counter() - t0, 1)
        facts_seconds += result.timings.get("facts", 0.0)
        articles += len(report["articles"])
    total = time.perf_counter() - start
    scored = score(reports, gold, root / "score.py")
    if not args.details:
        scored.pop("missed", None)
        scored.pop("unmatched", None)
    print(
        json.dumps(
            {
                "benchmark": "conflicts",
                "machine": machine(),
                "sets": len(sets),
                "articles": articles,
                "seconds": round(total, 1),
                "articles_per_second": round(articles / total, 2) if total else 0.0,
                "facts_seconds": round(facts_seconds, 2),
                "facts_share": round(facts_seconds / total, 4) if total else 0.0,
                "reports": str(out),
                **scored,
            }
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
