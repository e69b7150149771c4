"""Peak memory of `storycheck analyze` by article count, of ingesting one huge text, and
the time of sentence splitting by paragraph length (it was quadratic, #17).

Run: ``python -m bench.memory [--sizes 5,10,18]``; prints ONE JSON object. Each run is a
fresh ``python -m storycheck.cli analyze`` child process (``--no-store``, models loaded
in it); its peak resident memory comes from ``wait4`` (``ru_maxrss``), its wall time from
the clock. Articles: the example corpus (``examples/corpus``) then the five seeds
(``../shared/seeds`` when present), copied into a temporary folder per size. The huge
text is one 10 MB paragraph of one repeated sentence (``storycheck ingest --no-store``),
the input that made sentence splitting quadratic (#17).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import REPO, machine

SEEDS = REPO.parent / "shared" / "seeds"
ARTICLE_SUFFIXES = (".txt", ".md", ".html", ".json")


def _articles() -> list[Path]:
    found = sorted(
        p for p in (REPO / "examples" / "corpus").rglob("*") if p.suffix in ARTICLE_SUFFIXES
    )
    if SEEDS.is_dir():
        found += sorted(SEEDS.glob("*.txt"))
    return found


def _run(args: list[str]) -> dict[str, Any]:
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "storycheck.cli", *args],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(proc.pid, 0)
    return {
        "exit_code": os.waitstatus_to_exitcode(status),
        "wall_s": round(time.perf_counter() - start, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--sizes", default="5,10,all", help="article counts to analyze (all: every article)"
    )
    parser.add_argument("--huge-mb", type=float, default=10.0)
    args = parser.parse_args(argv)
    articles = _articles()
    out: dict[str, Any] = {"machine": machine(), "analyze": [], "ingest_huge_text": None}
    with tempfile.TemporaryDirectory() as tmp:
        sizes = [len(articles) if s == "all" else int(s) for s in args.sizes.split(",")]
        for size in sorted(set(sizes)):
            if size > len(articles):
                continue
            folder = Path(tmp) / f"n{size}"
            folder.mkdir()
            for n, path in enumerate(articles[:size]):
                shutil.copy(path, folder / f"{n:03d}_{path.name}")
            run = _run(["analyze", str(folder), "--no-store", "--quiet"])
            out["analyze"].append({"articles": size, **run})
            print(f"[bench.memory] analyze {size}: {run}", file=sys.stderr, flush=True)
        huge = Path(tmp) / "huge.txt"
        sentence = "The council said the vote passed. "
        huge.write_text(
            "Headline\n\n" + sentence * int(args.huge_mb * 2**20 / len(sentence)), encoding="utf-8"
        )
        run = _run(["ingest", str(huge), "--no-store", "--quiet", "--max-mb", "50"])
        out["ingest_huge_text"] = {"mb": args.huge_mb, **run}
    out["segment_one_paragraph"] = segment_times()
    print(json.dumps(out, indent=1))


def segment_times(sizes: tuple[int, ...] = (1_000, 10_000, 100_000)) -> list[dict[str, Any]]:
    """Seconds to split one paragraph of n sentences, and sentences per second."""
    from storycheck.ingest.segment import sentence_spans

    rows = []
    for n in sizes:
        text = "The council said the vote passed on Tuesday. " * n
        start = time.perf_counter()
        spans = sentence_spans(text)
        elapsed = time.perf_counter() - start
        assert len(spans) == n
        rows.append({"sentences": n, "seconds": round(elapsed, 3), "per_s": round(n / elapsed)})
    return rows


if __name__ == "__main__":
    main()
