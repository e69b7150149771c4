"""Fit the ``stacked`` NLI combiner: a logistic regression over member models' log-probabilities.

Run from the repo root with the project venv (it needs storycheck's models, not torch)::

    python -m train.nli.stack            # writes src/storycheck/models/weights/stacked-nli.json

Fitting data: the synthetic template pairs (``data/nli/train_synth.jsonl``, written by
``python -m train.nli.synth``). The shipped ``news-nli`` weights never saw them, so the
members' scores on them are out-of-sample, unlike their scores on the news *train* split
(which news-nli was trained on). The news **dev** split is left out of the fit and gives
an honest estimate; the news test split is never read. ``--fit-on synth,dev`` adds dev
(then dev numbers are in-sample and reported as such).

The model is a multinomial logistic regression (3 classes, features = each member's
``log(max(p, floor))``), L2 penalty ``--l2`` on the weights (not the intercepts), fitted by
Newton's method with numpy.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
from bench.nli import LABELS, load, metrics

from train.nli import data as D

OUT = D.REPO / "src" / "storycheck" / "models" / "weights" / "stacked-nli.json"


def fit_logreg(
    x: np.ndarray, y: np.ndarray, l2: float, iterations: int = 50
) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression by Newton's method; returns (coef (k, 3), intercept (3,)).

    Loss: mean cross-entropy + ``l2 * ||coef||^2 / n``.
    """
    n, k = x.shape
    x1 = np.hstack([x, np.ones((n, 1))])
    w = np.zeros((k + 1, 3))
    onehot = np.eye(3)[y]
    penalty = np.full((k + 1) * 3, 2.0 * l2 / n)
    penalty[-3:] = 1e-8  # intercepts: (almost) unpenalised, kept identifiable
    for _ in range(iterations):
        z = x1 @ w
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        grad = (x1.T @ (p - onehot) / n).ravel() + penalty * w.ravel()
        s = np.einsum("ic,cd->icd", p, np.eye(3)) - np.einsum("ic,id->icd", p, p)
        hess = np.einsum("ij,ik,icd->jckd", x1, x1, s).reshape((k + 1) * 3, (k + 1) * 3) / n
        hess += np.diag(penalty)
        step = np.linalg.solve(hess, grad)
        w -= step.reshape(k + 1, 3)
        if float(np.abs(step).max()) < 1e-9:
            break
    return w[:-1], w[-1]


def features(probs: Sequence[np.ndarray], floor: float) -> np.ndarray:
    return np.hstack([np.log(np.clip(p.astype(np.float64), floor, 1.0)) for p in probs])


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def main(argv: list[str] | None = None) -> None:
    from storycheck.models import get_nli
    from storycheck.models.registry import create, news_nli_dir

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument(
        "--members",
        default="news-nli,aegis-nli@whole",
        help="registry names; NAME@whole scores whole premises, NAME@N windows N sentences",
    )
    ap.add_argument("--fit-on", default="synth", help="synth and/or dev, comma-separated")
    ap.add_argument("--l2", type=float, default=1.0)
    ap.add_argument("--floor", type=float, default=1e-4)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args(argv)
    specs = [n.strip() for n in args.members.split(",") if n.strip()]
    names = [spec.split("@")[0] for spec in specs]
    entries: list[Any] = []
    models = []
    for spec, name in zip(specs, names, strict=True):
        if "@" in spec:
            option = spec.split("@", 1)[1]
            window = None if option == "whole" else int(option)
            model = create(name)
            model.window_sentences = window
            entries.append({"name": name, "window_sentences": window})
        else:
            model = get_nli(name)
            entries.append(name)
        models.append(model)

    synth = D.load_synth()
    dev = load("dev")
    parts = {p.strip() for p in args.fit_on.split(",") if p.strip()}
    if not parts <= {"synth", "dev"}:
        raise SystemExit("--fit-on takes synth and/or dev")
    synth_pairs = [(p.premise, p.hypothesis) for p in synth]
    dev_pairs = [(r["premise"], r["hypothesis"]) for r in dev]
    print(f"[stack] scoring {len(synth_pairs)} synth + {len(dev_pairs)} dev pairs", file=sys.stderr)
    synth_probs = [m.relations(synth_pairs) for m in models] if "synth" in parts else []
    dev_probs = [m.relations(dev_pairs) for m in models]

    xs, ys = [], []
    if "synth" in parts:
        xs.append(features(synth_probs, args.floor))
        ys.append(np.array([D.LABEL2ID[p.label] for p in synth]))
    if "dev" in parts:
        xs.append(features(dev_probs, args.floor))
        ys.append(np.array([D.LABEL2ID[r["label"]] for r in dev]))
    coef, intercept = fit_logreg(np.vstack(xs), np.concatenate(ys), args.l2)

    gold = [r["label"] for r in dev]
    phen = [r["phenomenon"] for r in dev]
    dev_x = features(dev_probs, args.floor)
    stacked = [LABELS[i] for i in (dev_x @ coef + intercept).argmax(1)]
    mean = [LABELS[i] for i in np.mean(dev_probs, axis=0).argmax(1)]
    report: dict[str, Any] = {
        "news_dev": {
            "in_sample": "dev" in parts,
            "stacked": metrics(gold, stacked, phen),
            "mean_of_members": metrics(gold, mean, phen),
            **{
                n: metrics(gold, [LABELS[i] for i in p.argmax(1)], phen)
                for n, p in zip(specs, dev_probs, strict=True)
            },
        }
    }
    member_info: dict[str, Any] = {n: m.model_id for n, m in zip(specs, models, strict=True)}
    if "news-nli" in names:
        member_info["news-nli model.onnx sha256"] = sha256(news_nli_dir() / "model.onnx")
    out = {
        "format": "storycheck-stacked-nli/1",
        "labels": list(LABELS),
        "members": entries,
        "feature": "log(max(p, floor)) of each member's P(entail), P(neutral), P(contradict)",
        "floor": args.floor,
        "coef": [[round(float(v), 6) for v in row] for row in coef],  # rows: member x class
        "intercept": [round(float(v), 6) for v in intercept],
        "fit": {
            "command": "python -m train.nli.stack "
            + " ".join(argv if argv is not None else sys.argv[1:]),
            "data": sorted(parts),
            "pairs": int(sum(len(y) for y in ys)),
            "l2": args.l2,
            "members": member_info,
            "news_dev_macro_f1": report["news_dev"]["stacked"]["macro_f1"],
            "news_dev_in_sample": "dev" in parts,
        },
    }
    args.out.write_text(json.dumps(out, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(report, indent=1))
    print(f"[stack] wrote {args.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
