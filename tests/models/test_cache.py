"""The embedding cache and the shared Embedder logic, with a counting fake model."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import ClassVar

import numpy as np
import numpy.typing as npt
import pytest

from storycheck.models.base import Embedder
from storycheck.models.cache import EmbeddingCache, default_cache, text_key


class CountingEmbedder(Embedder):
    """A deterministic fake model that records every text it is asked to embed."""

    cache_by_default: ClassVar[bool] = True

    def __init__(self, cache: EmbeddingCache | bool | None = None, model_id: str = "fake") -> None:
        super().__init__(model_id, cache=cache)
        self._dim = 8
        self.calls: list[list[str]] = []
        self.loads = 0

    def _load(self) -> None:
        self.loads += 1

    def _embed(self, texts: list[str], batch_size: int) -> npt.NDArray[np.float32]:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), 8), dtype=np.float32)
        for row, text in enumerate(texts):
            for i, ch in enumerate(text):
                out[row, (ord(ch) + i) % 8] += 1.0
        return out * 3.0  # not normalised: the base class must normalise


def test_text_key_is_stable_and_distinct() -> None:
    assert text_key("a") == text_key("a")
    assert text_key("a") != text_key("a ")
    assert len(text_key("x" * 10_000)) == 16
    assert text_key("\ud800 lone surrogate")  # does not raise


def test_cache_round_trip(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "v.sqlite3")
    vec = np.arange(4, dtype=np.float32)
    cache.put_many("m", [(b"k1", 4, vec.tobytes())])
    got = cache.get_many("m", [b"k1", b"k2"])
    assert list(got) == [b"k1"]
    np.testing.assert_array_equal(np.frombuffer(got[b"k1"], dtype=np.float32), vec)
    assert cache.get_many("other-model", [b"k1"]) == {}
    assert cache.count("m") == 1
    cache.clear("m")
    assert cache.count() == 0


def test_cache_many_keys_beyond_sqlite_parameter_limit(tmp_path: Path) -> None:
    cache = EmbeddingCache(tmp_path / "v.sqlite3")
    rows = [(i.to_bytes(4, "big"), 1, np.float32(i).tobytes()) for i in range(2_345)]
    cache.put_many("m", rows)
    got = cache.get_many("m", [k for k, _, _ in rows])
    assert len(got) == 2_345


def test_encode_normalises_dedupes_and_keeps_order() -> None:
    model = CountingEmbedder(cache=False)
    out = model.encode(["b", "a", "b", "ccc"], batch_size=2)
    assert out.shape == (4, 8) and out.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(out, axis=1), 1.0, rtol=1e-6)
    np.testing.assert_array_equal(out[0], out[2])
    assert sorted(model.calls[0]) == ["a", "b", "ccc"]  # "b" embedded once
    assert model.encode([]).shape == (0, 8)
    with pytest.raises(TypeError):
        model.encode("not a list")


def test_cache_hit_returns_identical_vectors_without_calling_the_model() -> None:
    texts = ["The minister resigned.", "Floods hit the city.", "The minister resigned."]
    first = CountingEmbedder()
    v1 = first.encode(texts)
    assert len(first.calls) == 1
    second = CountingEmbedder()  # a new process would start like this
    v2 = second.encode(texts)
    assert second.calls == []
    assert second.loads == 0  # the model was not even loaded
    np.testing.assert_array_equal(v1, v2)
    # a partly cached request computes only the new text
    v3 = second.encode(["Floods hit the city.", "A new sentence."])
    assert second.calls == [["A new sentence."]]
    np.testing.assert_array_equal(v3[0], v1[1])
    # another model id does not share vectors
    other = CountingEmbedder(model_id="fake-v2")
    other.encode(texts)
    assert len(other.calls) == 1
    assert default_cache().count("fake") == 3


def test_use_cache_false_bypasses_the_cache() -> None:
    model = CountingEmbedder()
    model.encode(["x"])
    model.encode(["x"], use_cache=False)
    assert model.calls == [["x"], ["x"]]


def test_unwritable_cache_is_switched_off_with_a_warning(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    cache = EmbeddingCache(blocker / "sub" / "v.sqlite3")
    model = CountingEmbedder(cache=cache)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out = model.encode(["a", "b"])
        out2 = model.encode(["a", "b"])
    assert cache.disabled
    assert any("switched off" in str(w.message) for w in caught)
    np.testing.assert_array_equal(out, out2)
    assert len(model.calls) == 2


def test_cache_dir_follows_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("STORYCHECK_CACHE_DIR", str(tmp_path / "elsewhere"))
    assert default_cache().path == tmp_path / "elsewhere" / "embeddings" / "vectors.sqlite3"
