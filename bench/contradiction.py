"""Contradiction detection on claim-evidence pairs nobody here wrote.

Run: ``python -m bench.contradiction [--fast] [--nli NAME]``; prints one JSON object
(``{"skipped": ...}`` when ``../shared/data`` is absent).

Data: the held-out *test* claims of Climate-FEVER and Factcheck-GPT (subtask 3), as
defined by ``train/nli/data.py`` (``claim_split``: sha1 of the claim mod 10, buckets
8-9; the NLI model never trains or tunes on them). Every evidence pair of those claims
is scored; the positives are the REFUTES / refute pairs, the negatives everything else
(supports and not-enough-info / irrelevant). Premise = evidence, hypothesis = claim.

Systems, each a yes/no "contradicts" decision:

* ``nli_argmax``: the NLI's most likely class is contradiction (one direction);
* ``nli_threshold``: one-direction ``P(contradict) >= VerifyOptions.contradict``;
* ``two_way``: also holds the other way round (premise = claim, hypothesis = evidence)
  and that direction does not entail (``P(entail) < VerifyOptions.entail``): the
  confirmation cross-check applies (``_confirm_contradictions``);
* ``crosscheck``: ``two_way`` and embedding similarity ``>= contradict_similarity``, or
  the structured number/date rule of ``bench.nli`` (what cross-check adds on top of NLI);
* ``grounder``: the Grounder's window-max ``P(contradict) >= VerifyOptions.contradict``.

Reported per set: precision, recall, F1 of each system and ROC-AUC of one-direction
``P(contradict)`` for refute vs the rest.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from bench.common import SHARED_DATA, machine, precision_recall, roc_auc, spread
from bench.nli import rule_contradiction
from storycheck.models import get_embedder, get_nli
from storycheck.verify import VerifyOptions
from storycheck.verify.grounding import Grounder

#: Pairs per set under ``--fast`` (spread over the held-out pairs, label mix kept).
FAST = {"climatefever": 200, "factcheckgpt": 100}


def load(name: str, data: Path = SHARED_DATA) -> list[tuple[str, str, bool]]:
    """(evidence, claim, is_refute) for the held-out test claims of one set."""
    from train.nli.data import load_climatefever, load_factcheckgpt

    if name == "climatefever":
        pairs = load_climatefever({"test"}, data / "climatefever" / "climate-fever.jsonl")
    elif name == "factcheckgpt":
        pairs = load_factcheckgpt(
            {"test"}, data / "factcheckgpt" / "subtask3_claim_evidence_stance.jsonl"
        )
    else:
        raise ValueError(f"unknown set {name!r}")
    return [(p.premise, p.hypothesis, p.label == "contradiction") for p in pairs]


def evaluate(
    name: str, rows: Sequence[tuple[str, str, bool]], nli_name: str | None
) -> dict[str, Any]:
    opts = VerifyOptions()
    nli = get_nli(nli_name) if nli_name else get_nli()
    gold = [r[2] for r in rows]
    pairs = [(e, c) for e, c, _ in rows]
    start = time.perf_counter()
    forward = nli.relations(pairs)
    suspects = [i for i, p in enumerate(forward) if float(p[2]) >= opts.contradict]
    reverse = np.zeros_like(forward)
    if suspects:
        reverse[suspects] = nli.relations([(pairs[i][1], pairs[i][0]) for i in suspects])
    embedder = get_embedder()
    left = embedder.encode([e for e, _ in pairs], use_cache=False)
    right = embedder.encode([c for _, c in pairs], use_cache=False)
    similarity = np.sum(left * right, axis=1)
    rules = np.array([rule_contradiction(e, c) for e, c in pairs])
    grounder = Grounder(nli).scores(pairs)
    seconds = time.perf_counter() - start
    one_way = forward[:, 2] >= opts.contradict
    two_way = one_way & (reverse[:, 2] >= opts.contradict) & (reverse[:, 0] < opts.entail)
    systems = {
        "nli_argmax": np.argmax(forward, axis=1) == 2,
        "nli_threshold": one_way,
        "two_way": two_way,
        "crosscheck": (two_way & (similarity >= opts.contradict_similarity)) | rules,
        "grounder": grounder[:, 2] >= opts.contradict,
    }
    return {
        "pairs": len(rows),
        "refute": int(sum(gold)),
        "roc_auc_p_contradict": round(roc_auc(gold, forward[:, 2]), 4),
        "systems": {k: precision_recall(gold, list(v)) for k, v in systems.items()},
        "seconds": round(seconds, 1),
        "pairs_per_s": round(len(rows) / seconds, 1) if seconds else None,
    }


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--fast", action="store_true", help="small deterministic subset (CI)")
    parser.add_argument("--nli", default=None, help="NLI model name (default: storycheck's)")
    parser.add_argument("--data", type=Path, default=SHARED_DATA)
    args = parser.parse_args(argv)
    if not args.data.is_dir():
        print(json.dumps({"bench": "contradiction", "skipped": f"data not found: {args.data}"}))
        return
    opts = VerifyOptions()
    out: dict[str, Any] = {
        "bench": "contradiction",
        "fast": args.fast,
        "nli": (get_nli(args.nli) if args.nli else get_nli()).model_id,
        "thresholds": {
            "contradict": opts.contradict,
            "entail": opts.entail,
            "contradict_similarity": opts.contradict_similarity,
        },
        "split": "held-out test claims (train/nli/data.py claim_split buckets 8-9)",
        "machine": machine(),
        "sets": {},
    }
    for name in ("climatefever", "factcheckgpt"):
        rows = load(name, args.data)
        if not rows:
            out["sets"][name] = {"skipped": f"no {name} data under {args.data}"}
            continue
        if args.fast:
            rows = spread(rows, FAST[name])
        out["sets"][name] = evaluate(name, rows, args.nli)
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
