"""Run the benchmark suite: each benchmark in its own process, one combined JSON.

Run: ``python -m bench.run --all`` (every benchmark that exists), ``python -m bench.run
--fast`` (the CI subset: each script's ``--fast`` mode, where it has one), ``python -m
bench.run grounding contradiction`` (named ones), ``--gate`` (compare with
``bench/baseline.json`` and exit 1 on a drop; see :mod:`bench.gate`).

Each benchmark runs as ``python -m bench.<name> [--fast]``; its stdout must be one JSON
object. Recorded per benchmark: the parsed result, wall time, the child's peak resident
memory (``ru_maxrss`` of that process from ``wait4``) and its exit code. The combined
object is printed and written to ``--out`` (default ``bench/results/<fast|full>.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from bench.common import REPO, machine

BENCH_DIR = Path(__file__).resolve().parent
#: Benchmarks in run order (cheap first); a name whose script is absent is skipped.
KNOWN = (
    "ingest",
    "extraction",
    "models",
    "numerics",
    "memory",
    "nli",
    "grounding",
    "contradiction",
    "conflicts",
    "grouping",
    "stories",
    "brief",
    "citations",
    "verify",
    "web",
)
DEFAULT_TIMEOUT = 3600.0


def available(bench_dir: Path = BENCH_DIR) -> list[str]:
    """The benchmarks of :data:`KNOWN` whose script exists, in run order.

    Other modules in ``bench/`` are helpers (``common``, ``storygen``, ``plots``) or need
    arguments (``gold_eval``); a new benchmark is added to :data:`KNOWN`.
    """
    return [n for n in KNOWN if (bench_dir / f"{n}.py").is_file()]


def supports_fast(name: str, bench_dir: Path = BENCH_DIR) -> bool:
    """Whether ``bench/<name>.py`` declares a ``--fast`` option."""
    path = bench_dir / f"{name}.py"
    return path.is_file() and '"--fast"' in path.read_text(encoding="utf-8")


def parse_output(stdout: str) -> dict[str, Any] | None:
    """The JSON object a benchmark printed (the last one if it printed several lines)."""
    text = stdout.strip()
    if not text:
        return None
    try:
        value = json.loads(text)
        return value if isinstance(value, dict) else None
    except json.JSONDecodeError:
        pass
    start = text.rfind("\n{")
    while start != -1:
        try:
            value = json.loads(text[start + 1 :])
            return value if isinstance(value, dict) else None
        except json.JSONDecodeError:
            start = text.rfind("\n{", 0, start)
    return None


def run_one(
    name: str, *, fast: bool, timeout: float = DEFAULT_TIMEOUT, extra: Sequence[str] = ()
) -> dict[str, Any]:
    """Run ``python -m bench.<name>`` in a child process and measure it."""
    command = [sys.executable, "-m", f"bench.{name}"]
    used_fast = fast and supports_fast(name)
    if used_fast:
        command.append("--fast")
    command.extend(extra)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(command, cwd=REPO, stdout=out, stderr=err)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode("utf-8", "replace")
        stderr = err.read().decode("utf-8", "replace")
    record: dict[str, Any] = {
        "command": " ".join(["python", *command[1:]]),
        "fast": used_fast,
        "exit_code": proc.returncode,
        "wall_s": round(wall, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
        "result": parse_output(stdout),
    }
    if proc.returncode != 0 or record["result"] is None:
        record["stderr_tail"] = stderr.strip().splitlines()[-5:]
    return record


def run_all(names: Sequence[str], *, fast: bool, timeout: float) -> dict[str, Any]:
    combined: dict[str, Any] = {"fast": fast, "machine": machine(), "benchmarks": {}}
    for name in names:
        print(f"bench: running {name}{' --fast' if fast else ''}", file=sys.stderr, flush=True)
        record = run_one(name, fast=fast, timeout=timeout)
        combined["benchmarks"][name] = record
        print(
            f"bench: {name}: exit {record['exit_code']}, {record['wall_s']} s, "
            f"{record['peak_rss_mb']} MB",
            file=sys.stderr,
            flush=True,
        )
    combined["total_wall_s"] = round(sum(r["wall_s"] for r in combined["benchmarks"].values()), 1)
    return combined


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "names", nargs="*", help="benchmarks to run (default with --all: every one)"
    )
    parser.add_argument("--all", action="store_true", help="run every benchmark present")
    parser.add_argument("--fast", action="store_true", help="each script's --fast subset")
    parser.add_argument("--gate", action="store_true", help="run the CI gate (bench.gate)")
    parser.add_argument("--out", type=Path, default=None, help="write the combined JSON here")
    parser.add_argument("--timeout", type=float, default=DEFAULT_TIMEOUT, help="per benchmark, s")
    args = parser.parse_args(argv)
    if args.gate:
        from bench.gate import main as gate_main

        return gate_main([])
    names = list(args.names) or available()
    if not args.names and not args.all and not args.fast:
        parser.error("name benchmarks, or pass --all or --fast")
    unknown = [n for n in names if n not in available()]
    if unknown:
        parser.error(f"no such benchmark: {', '.join(unknown)} (have: {', '.join(available())})")
    combined = run_all(names, fast=args.fast, timeout=args.timeout)
    text = json.dumps(combined, indent=2)
    out = args.out or BENCH_DIR / "results" / ("fast.json" if args.fast else "full.json")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")
    print(text)
    return 0 if all(r["exit_code"] == 0 for r in combined["benchmarks"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
