"""Grounding quality: does a source support a claim? (storycheck.verify.grounding.Grounder)

Run: ``python -m bench.grounding [--fast] [--sets wice,frank,qags-c,qags-x] [--nli NAME]``;
prints one JSON object (``{"skipped": ...}`` when ``../shared/data`` is absent).

Data (``../shared/data``, see its README):

* WiCE test (358 claims, long cited web pages, ~120 sentences): supported = 1, partially
  or not supported = 0 (the LLM-AggreFact binarisation). The evidence sentences are the
  source; the Grounder windows them and takes the max over windows.
* FRANK test (1,575 summaries of CNN/DM and BBC articles): consistent when
  ``Factuality == 1.0``.
* QAGS-C / QAGS-X (235 / 239 summaries): consistent when every summary sentence has a
  majority of "yes" votes.

A multi-sentence summary is scored per sentence and the summary's score is the minimum
(it is consistent only if every sentence is supported). Metrics: balanced accuracy at
the Grounder's own threshold (the one storycheck uses, chosen on WiCE dev + FRANK
valid), balanced accuracy at a per-set threshold chosen on that set's dev split (WiCE
dev, FRANK valid; QAGS has no dev split, so none), ROC-AUC, and claims/s (summary
sentences per second of wall time, models loaded beforehand).

``--split dev`` scores WiCE dev and FRANK valid instead; ``--tune`` chooses the
Grounder's window, top_k and threshold on them (the test parts are never used for
tuning): every candidate window is scored once, then each setting is evaluated offline;
the objective is the mean balanced accuracy of WiCE dev and FRANK valid at one shared
threshold. ``--fast`` scores a deterministic spread-out subset (CI gate).
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import (
    SHARED_DATA,
    balanced_accuracy,
    best_threshold,
    dev_half,
    machine,
    roc_auc,
    spread,
)
from storycheck.models import get_nli
from storycheck.verify.grounding import (
    Grounder,
    closest_windows,
    source_sentences,
)

SETS = ("wice", "frank", "qags-c", "qags-x")
#: Subset sizes of ``--fast`` (items per set).
FAST = {"wice": 120, "frank": 200, "qags-c": 60, "qags-x": 120}
#: Per-set thresholds chosen on WiCE dev / FRANK valid (``--split dev`` prints them).
DEV_THRESHOLDS: dict[str, float] = {"wice": 0.61, "frank": 0.60}
PUBLISHED = {
    "wice": {
        "metric": "balanced accuracy (LLM-AggreFact)",
        "Bespoke-MiniCheck-7B": 0.830,
        "GPT-4-turbo": 0.804,
        "HHEM-2.1": 0.759,
        "MiniCheck-Flan-T5-L": 0.722,
        "AlignScore": 0.660,
        "SummaC-ZS": 0.628,
    },
    "frank": {
        "metric": "balanced accuracy (SummaC paper)",
        "QuestEval": 0.821,
        "SummaC-Conv": 0.816,
        "SummaC-ZS": 0.790,
    },
    "qags-c": {"metric": "ROC-AUC (TRUE)", "TrueTeacher T5-11B": 0.894},
    "qags-x": {"metric": "ROC-AUC (TRUE)", "TrueTeacher T5-11B": 0.894},
}


@dataclass(frozen=True)
class Item:
    """One labelled example: a source, the claim sentences, consistent or not."""

    source: str
    claims: tuple[str, ...]
    label: bool


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]


def load_wice(split: str, data: Path = SHARED_DATA, part: str | None = None) -> list[Item]:
    """WiCE claims with their full cited evidence (``split`` = dev or test; ``part`` =
    fit or tune keeps that half of dev)."""
    rows = _jsonl(data / "wice" / f"claim_{split}.jsonl")
    return [
        Item("\n".join(r["evidence"]), (r["claim"],), r["label"] == "supported")
        for r in rows
        if part is None or dev_half(r["claim"]) == part
    ]


def _lines(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(x) for x in value]
    parsed = ast.literal_eval(str(value))
    return [str(x) for x in parsed]


def load_frank(split: str, data: Path = SHARED_DATA, part: str | None = None) -> list[Item]:
    """FRANK summaries (``split`` = test or valid) against their source article."""
    folder = data / "frank"
    rows = json.loads((folder / "human_annotations.json").read_text(encoding="utf-8"))
    articles: dict[str, dict[str, Any]] = {}
    items: list[Item] = []
    for row in rows:
        if row["split"] != split:
            continue
        if part is not None and dev_half(row["hash"]) != part:
            continue
        h = row["hash"]
        if h not in articles:
            articles[h] = json.loads((folder / "articles" / f"{h}.json").read_text("utf-8"))
        article = articles[h]
        source = "\n".join(_lines(article["article_lines"]))
        summary = [s.strip() for s in _lines(article[f"{row['model_name']}_lines"]) if s.strip()]
        items.append(Item(source, tuple(summary), float(row["Factuality"]) == 1.0))
    return items


def load_qags(which: str, data: Path = SHARED_DATA) -> list[Item]:
    """QAGS-C (``cnndm``) or QAGS-X (``xsum``): consistent when every sentence has a
    majority of yes votes."""
    items = []
    for row in _jsonl(data / "qags" / f"mturk_{which}.jsonl"):
        sentences = row["summary_sentences"]
        if isinstance(sentences, str):
            sentences = ast.literal_eval(sentences)
        claims: list[str] = []
        ok = True
        for s in sentences:
            votes = [r["response"] == "yes" for r in s["responses"]]
            ok = ok and sum(votes) * 2 > len(votes)
            claims.append(str(s["sentence"]))
        items.append(Item(str(row["article"]), tuple(claims), ok))
    return items


def load(
    name: str, split: str = "test", data: Path = SHARED_DATA, part: str | None = None
) -> list[Item]:
    """A set's items; ``part`` (fit / tune) keeps one half of a dev split."""
    if part is not None and split != "dev":
        raise ValueError("only dev splits have halves")
    if name == "wice":
        return load_wice("dev" if split == "dev" else "test", data, part)
    if name == "frank":
        return load_frank("valid" if split == "dev" else "test", data, part)
    if name in ("qags-c", "qags-x"):
        if split == "dev":
            raise ValueError("QAGS has no dev split")
        return load_qags("cnndm" if name == "qags-c" else "xsum", data)
    raise ValueError(f"unknown set {name!r}")


def item_scores(grounder: Grounder, items: Sequence[Item]) -> np.ndarray:
    """Per item: the minimum over its claim sentences of the support (one NLI call)."""
    pairs = [(item.source, claim) for item in items for claim in item.claims]
    owners = np.repeat(np.arange(len(items)), [len(item.claims) for item in items])
    support = grounder.support(pairs)
    out = np.full(len(items), np.inf)
    np.minimum.at(out, owners, support)
    out[np.isinf(out)] = 0.0
    return out


def evaluate(
    grounder: Grounder, name: str, items: Sequence[Item], dev_threshold: float | None
) -> dict[str, Any]:
    n_claims = sum(len(item.claims) for item in items)
    start = time.perf_counter()
    scores = item_scores(grounder, items)
    seconds = time.perf_counter() - start
    gold = np.array([item.label for item in items])
    result: dict[str, Any] = {
        "n": len(items),
        "positives": int(gold.sum()),
        "claims": n_claims,
        "balanced_accuracy": round(balanced_accuracy(gold, scores >= grounder.threshold), 4),
        "roc_auc": round(roc_auc(gold, scores), 4),
        "seconds": round(seconds, 1),
        "claims_per_s": round(n_claims / seconds, 2) if seconds > 0 else None,
    }
    if dev_threshold is not None:
        result["dev_threshold"] = dev_threshold
        result["balanced_accuracy_dev_threshold"] = round(
            balanced_accuracy(gold, scores >= dev_threshold), 4
        )
    result["best_threshold_here"] = round(best_threshold(gold, scores), 4)
    result["published"] = PUBLISHED.get(name, {})
    result["_scores"] = [round(float(s), 5) for s in scores]
    result["_gold"] = [bool(g) for g in gold]
    return result


TUNE_WINDOWS = (1, 2, 3)
TUNE_TOP_K = (1, 2, 3, 4, 6)
TUNE_THRESHOLDS = tuple(round(0.05 * i, 2) for i in range(1, 20))


def tune(
    nli_name: str | None, n_wice: int, n_frank: int, data: Path, part: str | None = "tune"
) -> dict[str, Any]:
    """Grid search of window x top_k x threshold on WiCE dev and FRANK valid."""
    nli = get_nli(nli_name) if nli_name else get_nli()
    sets = {
        "wice": spread(load("wice", "dev", data, part), n_wice),
        "frank": spread(load("frank", "dev", data, part), n_frank),
    }
    cap = max(TUNE_TOP_K)
    rows: list[dict[str, Any]] = []
    for window in TUNE_WINDOWS:
        units: dict[tuple[str, str], int] = {}
        # per set, item, claim: the candidate windows' unit ids, closest first
        plan: dict[str, list[list[list[int]]]] = {}
        for name, items in sets.items():
            plan[name] = []
            for item in items:
                sentences = source_sentences(item.source)
                texts = [
                    " ".join(sentences[s : s + window])
                    for s in range(max(1, len(sentences) - window + 1))
                ]
                per_claim = []
                for claim in item.claims:
                    chosen = closest_windows(texts, claim, cap)
                    wanted = _content_rank(chosen, claim)
                    per_claim.append([units.setdefault((t, claim), len(units)) for t in wanted])
                plan[name].append(per_claim)
        start = time.perf_counter()
        entail = np.asarray(nli.relations(list(units)))[:, 0]
        seconds = time.perf_counter() - start
        for k in TUNE_TOP_K:
            scores = {
                name: np.array(
                    [min(float(entail[ids[:k]].max()) for ids in item) for item in plan[name]]
                )
                for name in sets
            }
            gold = {name: np.array([it.label for it in items]) for name, items in sets.items()}
            per_t = {
                name: [balanced_accuracy(gold[name], scores[name] >= t) for t in TUNE_THRESHOLDS]
                for name in sets
            }
            mean = np.mean([per_t[name] for name in sets], axis=0)
            best = int(np.argmax(mean))
            row: dict[str, Any] = {
                "window": window,
                "top_k": k,
                "threshold": TUNE_THRESHOLDS[best],
                "mean_balanced_accuracy": round(float(mean[best]), 4),
            }
            for name in sets:
                own = best_threshold(gold[name], scores[name])
                row[name] = {
                    "balanced_accuracy": round(per_t[name][best], 4),
                    "roc_auc": round(roc_auc(gold[name], scores[name]), 4),
                    "own_threshold": round(own, 3),
                }
            rows.append(row)
        rows[-1]["nli_seconds"] = round(seconds, 1)
    rows.sort(key=lambda r: -r["mean_balanced_accuracy"])
    return {
        "bench": "grounding-tune",
        "nli": nli.model_id,
        "dev": {name: len(items) for name, items in sets.items()},
        "best": rows[0],
        "rows": rows,
    }


def _content_rank(windows: Sequence[str], claim: str) -> list[str]:
    """``windows`` ordered as ``closest_windows`` ranks them (most overlap first), so the
    first k of the list are exactly what ``top_k=k`` keeps."""
    order: list[str] = []
    for k in range(1, len(windows) + 1):
        for text in closest_windows(windows, claim, k):
            if text not in order:
                order.append(text)
    return order


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fast", action="store_true", help="small deterministic subset (CI)")
    parser.add_argument("--sets", default=",".join(SETS), help="comma-separated: " + ",".join(SETS))
    parser.add_argument("--split", choices=("test", "dev"), default="test")
    parser.add_argument(
        "--dev-part",
        choices=("all", "fit", "tune"),
        default="tune",
        help="with --split dev: the half of WiCE dev / FRANK valid to use (the NLI head "
        "trains on the fit half)",
    )
    parser.add_argument("--nli", default=None, help="NLI model name (default: storycheck's)")
    parser.add_argument("--window", type=int, default=None)
    parser.add_argument("--stride", type=int, default=None)
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--top-k", type=int, default=None, dest="top_k")
    parser.add_argument("--limit", type=int, default=None, help="at most N items per set")
    parser.add_argument("--scores", action="store_true", help="include per-item scores")
    parser.add_argument("--tune", action="store_true", help="choose settings on the dev splits")
    parser.add_argument("--tune-size", default="100,150", help="WiCE dev, FRANK valid items")
    parser.add_argument("--data", type=Path, default=SHARED_DATA)
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(json.dumps({"bench": "grounding", "skipped": f"data not found: {args.data}"}))
        return
    if args.tune:
        n_wice, n_frank = (int(x) for x in args.tune_size.split(","))
        part = None if args.dev_part == "all" else args.dev_part
        print(json.dumps(tune(args.nli, n_wice, n_frank, args.data, part), indent=2))
        return
    options: dict[str, Any] = {}
    for key in ("window", "stride", "threshold", "top_k"):
        if getattr(args, key) is not None:
            options[key] = getattr(args, key)
    nli = get_nli(args.nli) if args.nli else get_nli()
    grounder = Grounder(nli, **options)
    nli.load()
    grounder.support([("The council met on Tuesday.", "The council met.")])  # warm up
    out: dict[str, Any] = {
        "bench": "grounding",
        "fast": args.fast,
        "split": args.split,
        "dev_part": args.dev_part if args.split == "dev" else None,
        "nli": nli.model_id,
        "window": grounder.window,
        "stride": grounder.stride,
        "threshold": grounder.threshold,
        "top_k": grounder.top_k,
        "sentences": grounder.sentences,
        "machine": machine(),
        "sets": {},
    }
    names = [s.strip() for s in args.sets.split(",") if s.strip()]
    for name in names:
        if args.split == "dev" and name.startswith("qags"):
            continue
        try:
            part = args.dev_part if args.split == "dev" and args.dev_part != "all" else None
            items = load(name, args.split, args.data, part)
        except FileNotFoundError as exc:
            out["sets"][name] = {"skipped": f"data not found: {exc.filename}"}
            continue
        n = args.limit if args.limit is not None else (FAST[name] if args.fast else None)
        items = spread(items, n)
        threshold = DEV_THRESHOLDS.get(name) if args.split == "test" else None
        result = evaluate(grounder, name, items, threshold)
        print(
            f"grounding: {name}: {len(items)} items, {result['seconds']} s",
            file=sys.stderr,
            flush=True,
        )
        if not args.scores:
            result.pop("_scores")
            result.pop("_gold")
        out["sets"][name] = result
    measured = [r for r in out["sets"].values() if "skipped" not in r]
    total_claims = sum(r["claims"] for r in measured)
    total_seconds = sum(r["seconds"] for r in measured)
    out["claims_per_s"] = round(total_claims / total_seconds, 2) if total_seconds else None
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
