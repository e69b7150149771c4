"""Same verdicts on every CPU: precision, agreement and speed of the default ONNX models.

Run: ``python -m bench.numerics [--pairs 600]``; prints ONE JSON object:

* ``cpu``: this machine's features (AVX2 / AVX-512 / VNNI) and each default model's
  precision and kernel path (:mod:`storycheck.models.cpu`);
* ``reference``: each ONNX model's largest output difference from a float64 numpy
  evaluation of its own graph (:mod:`storycheck.models.reference`) on fixed inputs;
* ``int8_vs_fp32``: the aegis encoder run as shipped (dynamic int8) and as storycheck's
  fp32 rewrite, on the news NLI dev + test pairs: how often the head's class agrees
  and the mean absolute probability difference (on a CPU without VNNI the int8 graph
  saturates; with VNNI the two differ only by activation rounding);
* ``speed``: NLI sentence pairs per second (one premise sentence, one hypothesis, from
  the news NLI set), fp32 batched by length vs int8 run one pair at a time (the only
  way int8 gives a pair the same score whatever its batch mates), with the distribution
  of pair lengths in tokens.

``--write-reference`` instead writes ``tests/models/data/numerics_reference.json``: the
float64 evaluator's NLI probabilities and MiniLM vectors on fixed inputs, which the test
suite compares onnxruntime's answers with on every machine. Rerun it whenever the NLI
head or a default model changes (the test says so when the file is stale).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
REFERENCE = REPO / "tests" / "models" / "data" / "numerics_reference.json"

#: Fixed inputs of the stored reference: short premises (one NLI window each), all three
#: relations, numbers, names, negation.
REFERENCE_PAIRS: tuple[tuple[str, str], ...] = (
    (
        "The city council voted 7-2 on Tuesday to approve the new transit budget.",
        "The council approved the transit budget.",
    ),
    (
        "The city council voted 7-2 on Tuesday to approve the new transit budget.",
        "The council rejected the transit budget.",
    ),
    (
        "Officials said at least 14 people were killed when the bridge collapsed.",
        "At least 40 people died in the collapse.",
    ),
    (
        "Officials said at least 14 people were killed when the bridge collapsed.",
        "The bridge had been inspected last spring.",
    ),
    (
        "The minister met the envoys in Moscow for five hours. No agreement was reached.",
        "The talks in Moscow ended without a deal.",
    ),
    (
        "The minister met the envoys in Moscow for five hours. No agreement was reached.",
        "The envoys signed a peace agreement in Moscow.",
    ),
    (
        "The company reported revenue of $4.2 billion for the quarter, up 8 percent.",
        "Quarterly revenue rose 8 percent to $4.2 billion.",
    ),
    (
        "The company reported revenue of $4.2 billion for the quarter, up 8 percent.",
        "The company's chief executive resigned.",
    ),
    (
        "A magnitude 6.1 earthquake struck off the coast early on Sunday.",
        "The earthquake had a magnitude of 7.4.",
    ),
    (
        "The spokesman for the ministry, Anna Berg, said the talks would resume in June.",
        "Anna Berg said talks would resume in June.",
    ),
    (
        "The spokesman for the ministry, Anna Berg, said the talks would resume in June.",
        "Anna Berg said the talks were cancelled for good.",
    ),
    ("Heavy rain flooded dozens of homes in the valley.", "Homes in the valley were flooded."),
)

REFERENCE_TEXTS: tuple[str, ...] = (
    "The city council voted 7-2 on Tuesday to approve the new transit budget.",
    "Officials said at least 14 people were killed when the bridge collapsed.",
    "A magnitude 6.1 earthquake struck off the coast early on Sunday.",
    "Heavy rain flooded dozens of homes in the valley.",
    "The talks in Moscow ended without a deal.",
    "Quarterly revenue rose 8 percent to $4.2 billion.",
)


def log(message: str) -> None:
    print(f"[bench.numerics] {message}", file=sys.stderr, flush=True)


def _head_digest() -> str:
    from storycheck.models.registry import head_nli_file

    return hashlib.sha256(head_nli_file().read_bytes()).hexdigest()


def write_reference(path: Path = REFERENCE) -> dict[str, Any]:
    """Compute the stored reference with the float64 evaluator (no onnxruntime output)."""
    from storycheck.models import get_embedder, get_nli
    from storycheck.models._onnx import feed, pad_batch
    from storycheck.models.embedders import MiniLMOnnxEmbedder
    from storycheck.models.nli import HeadNLI
    from storycheck.models.reference import ReferenceGraph

    nli = get_nli("news-nli-deberta")
    assert isinstance(nli, HeadNLI)
    nli.load()
    for premise, hypothesis in REFERENCE_PAIRS:
        if len(nli.windows(premise, hypothesis)) != 1:
            raise SystemExit(f"reference pair needs one window: {premise!r}")
    graph = ReferenceGraph(nli.session_graph())
    features = []
    for pair in REFERENCE_PAIRS:  # one at a time: unpadded, as the float64 truth
        _, mask, inputs = next(nli._batches([pair]))
        pooled, tokens = graph.run(inputs, nli._outputs)
        weights = mask[:, : tokens.shape[1], None].astype(np.float64)
        mean = (tokens * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
        features.append(np.hstack([pooled, mean])[0])
    x = np.asarray(features, dtype=np.float64)
    z = ((x - nli._mean) / nli._scale) @ nli._coef + nli._intercept
    z -= z.max(axis=1, keepdims=True)
    probs = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
    log(f"NLI reference done ({len(REFERENCE_PAIRS)} pairs)")

    embedder = get_embedder("minilm-onnx")
    assert isinstance(embedder, MiniLMOnnxEmbedder)
    embedder.load()
    egraph = ReferenceGraph(embedder.session_graph().read_bytes())
    vectors = []
    for text in REFERENCE_TEXTS:
        ids, mask, types = pad_batch(embedder._tokenizer.encode_batch([text]), embedder._pad)
        (hidden,) = egraph.run(feed(embedder._info, ids, mask, types), ["last_hidden_state"])
        pooled = hidden[0].mean(axis=0)
        vectors.append(pooled / np.linalg.norm(pooled))
    log("embedder reference done")
    data = {
        "about": "float64 numpy evaluation (storycheck.models.reference) of the default models' "
        "own graphs; written by python -m bench.numerics --write-reference",
        "nli": {
            "model_id": nli.model_id,
            "head_sha256": _head_digest(),
            "precision": nli.precision,
            "tolerance": 2e-3,
            "pairs": [list(p) for p in REFERENCE_PAIRS],
            "probabilities": [[round(float(v), 7) for v in row] for row in probs],
        },
        "embedder": {
            "model_id": embedder.model_id,
            "tolerance": 1e-4,
            "texts": list(REFERENCE_TEXTS),
            "vectors": [[round(float(v), 7) for v in row] for row in vectors],
        },
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    return {"written": str(path)}


def _news_pairs(splits: tuple[str, ...]) -> list[dict[str, Any]]:
    from bench.nli import load

    rows: list[dict[str, Any]] = []
    for split in splits:
        rows.extend(load(split))
    return rows


def measure(n_pairs: int) -> dict[str, Any]:
    from storycheck.models import get_embedder, get_nli
    from storycheck.models.cpu import cpu_info
    from storycheck.models.nli import HeadNLI
    from storycheck.models.reference import verify_model

    cpu = cpu_info()
    out: dict[str, Any] = {
        "cpu": {"arch": cpu.arch, "model": cpu.model, **cpu.features()},
        "models": {},
        "reference": {},
    }
    nli = get_nli("news-nli-deberta")
    embedder = get_embedder("minilm-onnx")
    assert isinstance(nli, HeadNLI)
    for name, model in (("news-nli-deberta", nli), ("minilm-onnx", embedder)):
        found = model.numerics()
        out["models"][name] = {
            "precision": found.precision,
            "kernel": found.kernel,
            "cpu_independent": found.cpu_independent,
        }
        checked = verify_model(model)
        if checked is not None:
            out["reference"][name] = {"max_abs_diff": checked.max_abs_diff, "ok": checked.ok}
    int8 = HeadNLI(
        nli.model_path, nli.tokenizer_path, nli.head_path, model_id="int8", precision="int8"
    )
    checked = verify_model(int8)
    if checked is not None:
        out["reference"]["news-nli-deberta@int8"] = {
            "max_abs_diff": checked.max_abs_diff,
            "ok": checked.ok,
        }

    rows = _news_pairs(("dev", "test"))
    pairs = [(r["premise"], r["hypothesis"]) for r in rows]
    log(f"int8 vs fp32 on {len(pairs)} news NLI pairs")
    p32 = nli.relations(pairs)
    p8 = int8.relations(pairs)
    out["int8_vs_fp32"] = {
        "pairs": len(pairs),
        "same_class": round(float((p32.argmax(1) == p8.argmax(1)).mean()), 4),
        "mean_abs_prob_diff": round(float(np.abs(p32 - p8).mean()), 4),
        "max_abs_prob_diff": round(float(np.abs(p32 - p8).max()), 4),
    }

    train = _news_pairs(("train", "dev", "test"))
    sentence_pairs = []
    for row in train:
        first = re.split(r"(?<=[.!?])\s+", row["premise"].strip())[0]
        sentence_pairs.append((first, row["hypothesis"]))
    sentence_pairs = sentence_pairs[:n_pairs]
    lengths = [len(nli._tokenizer.encode(a, b).ids) for a, b in sentence_pairs]
    speed: dict[str, Any] = {
        "pairs": len(sentence_pairs),
        "tokens_per_pair": {
            "p10": float(np.percentile(lengths, 10)),
            "p50": float(np.percentile(lengths, 50)),
            "p90": float(np.percentile(lengths, 90)),
            "max": int(max(lengths)),
        },
    }
    for name, model in (("fp32_batched", nli), ("int8_one_at_a_time", int8)):
        model.relations(sentence_pairs[:16])
        start = time.perf_counter()
        model.relations(sentence_pairs)
        elapsed = time.perf_counter() - start
        speed[name] = round(len(sentence_pairs) / elapsed, 1)
        log(f"{name}: {speed[name]} pairs/s")
    out["speed"] = speed
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--pairs", type=int, default=600, help="sentence pairs for the speed run")
    parser.add_argument("--write-reference", action="store_true")
    args = parser.parse_args(argv)
    result = write_reference() if args.write_reference else measure(args.pairs)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
