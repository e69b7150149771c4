"""Draw the benchmark plots of docs/benchmarks.md from a combined ``bench.run`` JSON.

Run: ``python -m bench.plots [bench/results/full.json] [--out docs/img]`` (needs
matplotlib: ``pip install -e '.[bench]'``). One PNG per task whose benchmark is in the
file: storycheck's figure next to the published ones on the same data and metric.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from bench.common import REPO

OURS = "#d95f02"
THEIRS = "#7570b3"


def _result(combined: Mapping[str, Any], name: str) -> dict[str, Any] | None:
    record = combined.get("benchmarks", {}).get(name)
    result = record.get("result") if isinstance(record, Mapping) else None
    if not isinstance(result, dict) or "skipped" in result:
        return None
    return result


def _bars(
    ax: Any, rows: Sequence[tuple[str, float, bool]], title: str, xlabel: str, lo: float = 0.0
) -> None:
    """Horizontal bars, best at the top; storycheck's bars in the accent colour."""
    rows = sorted(rows, key=lambda r: r[1])
    ax.barh(
        [r[0] for r in rows],
        [r[1] for r in rows],
        color=[OURS if r[2] else THEIRS for r in rows],
    )
    for i, (_, value, _) in enumerate(rows):
        ax.text(value, i, f" {value:.3f}", va="center", fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_xlim(lo, 1.0)
    ax.tick_params(labelsize=8)


def plot_grounding(result: Mapping[str, Any], out: Path) -> Path:
    import matplotlib.pyplot as plt

    sets = result["sets"]
    panels = [
        ("wice", "balanced_accuracy", "WiCE test: balanced accuracy"),
        ("frank", "balanced_accuracy", "FRANK test: balanced accuracy"),
        ("qags-c", "roc_auc", "QAGS-C: ROC-AUC"),
        ("qags-x", "roc_auc", "QAGS-X: ROC-AUC"),
    ]
    panels = [p for p in panels if p[0] in sets]
    fig, axes = plt.subplots(len(panels), 1, figsize=(7, 2.1 * len(panels)))
    axes = [axes] if len(panels) == 1 else list(axes)
    for ax, (name, key, title) in zip(axes, panels, strict=True):
        data = sets[name]
        value = data.get(key, data.get("balanced_accuracy"))
        rows = [("storycheck", float(value), True)]
        rows += [
            (k, float(v), False) for k, v in data.get("published", {}).items() if k != "metric"
        ]
        _bars(ax, rows, title, data.get("published", {}).get("metric", key), lo=0.4)
    fig.tight_layout()
    path = out / "grounding.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_contradiction(result: Mapping[str, Any], out: Path) -> Path:
    import matplotlib.pyplot as plt

    sets = result["sets"]
    fig, axes = plt.subplots(1, len(sets), figsize=(5 * len(sets), 3.2))
    axes = [axes] if len(sets) == 1 else list(axes)
    for ax, (name, data) in zip(axes, sets.items(), strict=True):
        systems = data["systems"]
        names = list(systems)
        xs = range(len(names))
        ax.bar(
            [x - 0.2 for x in xs],
            [systems[n]["precision"] for n in names],
            0.4,
            label="precision",
            color=THEIRS,
        )
        ax.bar(
            [x + 0.2 for x in xs],
            [systems[n]["recall"] for n in names],
            0.4,
            label="recall",
            color=OURS,
        )
        ax.set_xticks(list(xs), names, rotation=30, ha="right", fontsize=8)
        ax.set_ylim(0, 1)
        ax.set_title(f"{name}: refute pairs ({data['refute']} of {data['pairs']})", fontsize=10)
        ax.legend(fontsize=8)
    fig.tight_layout()
    path = out / "contradiction.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_extraction(result: Mapping[str, Any], out: Path) -> Path:
    import matplotlib.pyplot as plt

    rows = [
        (f"storycheck {k}", float(v["f1"]), k == "ingest")
        for k, v in result["systems"].items()
        if k != "trafilatura"
    ]
    rows.append(("trafilatura (run here)", float(result["systems"]["trafilatura"]["f1"]), False))
    rows += [(f"{k} (published)", float(v), False) for k, v in result["published_f1"].items()]
    fig, ax = plt.subplots(figsize=(7, 2.8))
    _bars(ax, rows, "ScrapingHub article extraction: F1", "F1 (4-token shingles)", lo=0.85)
    fig.tight_layout()
    path = out / "extraction.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_grouping(result: Mapping[str, Any], out: Path) -> Path:
    import matplotlib.pyplot as plt

    ecb = result.get("ecbplus_test_36_45", {})
    rows: list[tuple[str, float, bool]] = []
    if ecb:
        rows.append(("storycheck, ECB+ event", float(ecb["event"]["f1"]), True))
        rows.append(("TF-IDF + agglomerative, ECB+ event (0.857-0.870)", 0.870, False))
        rows.append(("storycheck topic level, ECB+ topic", float(ecb["topic"]["f1"]), True))
        rows.append(("TF-IDF + agglomerative, ECB+ topic", 0.952, False))
    if "neus_test" in result:
        rows.append(("storycheck, NeuS stories", float(result["neus_test"]["f1"]), True))
    fig, ax = plt.subplots(figsize=(7, 0.45 * len(rows) + 1.2))
    _bars(ax, rows, "Story grouping: B³-F1 (ECB+ topics 36-45, NeuS test)", "B³-F1", lo=0.5)
    fig.tight_layout()
    path = out / "grouping.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_brief(result: Mapping[str, Any], out: Path) -> Path:
    import matplotlib.pyplot as plt

    systems = dict(result["rouge"])
    names = list(systems)
    metrics = ("rouge1", "rouge2", "rougeL")
    fig, ax = plt.subplots(figsize=(7, 3))
    width = 0.8 / len(names)
    others = iter((THEIRS, "#1b9e77", "#999999", "#e7298a"))
    for n, name in enumerate(names):
        ax.bar(
            [m + n * width for m in range(len(metrics))],
            [systems[name][k] for k in metrics],
            width,
            label=name,
            color=OURS if name == "storycheck" else next(others, "#666666"),
        )
    ax.set_xticks([m + 0.4 - width / 2 for m in range(len(metrics))], metrics)
    ax.set_title(f"NeuS {result.get('split', 'test')}: ROUGE ({result.get('stories')} stories)")
    ax.legend(fontsize=8)
    fig.tight_layout()
    path = out / "brief.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def plot_resources(combined: Mapping[str, Any], out: Path) -> Path:
    import matplotlib.pyplot as plt

    records = {
        k: v
        for k, v in combined.get("benchmarks", {}).items()
        if v.get("result") and v.get("wall_s") is not None
    }
    names = list(records)
    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 0.35 * len(names) + 1.5))
    left.barh(names, [records[n]["wall_s"] for n in names], color=THEIRS)
    left.set_title("wall time per benchmark (s)", fontsize=10)
    right.barh(names, [records[n]["peak_rss_mb"] for n in names], color=OURS)
    right.set_title("peak memory (MB)", fontsize=10)
    for ax in (left, right):
        ax.tick_params(labelsize=8)
        ax.invert_yaxis()
    fig.tight_layout()
    path = out / "resources.png"
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def main(argv: Sequence[str] | None = None) -> int:
    import json

    import matplotlib

    matplotlib.use("Agg")
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "results", nargs="?", type=Path, default=REPO / "bench" / "results" / "full.json"
    )
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "img")
    args = parser.parse_args(argv)
    combined = json.loads(args.results.read_text(encoding="utf-8"))
    args.out.mkdir(parents=True, exist_ok=True)
    drawn = []
    for name, draw in (
        ("grounding", plot_grounding),
        ("contradiction", plot_contradiction),
        ("extraction", plot_extraction),
        ("grouping", plot_grouping),
        ("brief", plot_brief),
    ):
        result = _result(combined, name)
        if result is not None:
            drawn.append(draw(result, args.out))
    drawn.append(plot_resources(combined, args.out))
    for path in drawn:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
