"""A float64 numpy evaluation of an ONNX graph: the yardstick for onnxruntime's answers.

onnxruntime picks its matrix kernels by CPU (AVX2, AVX-512, VNNI, NEON), so a model's
outputs can depend on the machine. :func:`reference_outputs` runs the same graph,
from the same weights, with ``onnx``'s reference evaluator (plain numpy, one op at a
time) after promoting every float tensor to float64. It shares no kernel with
onnxruntime, so agreement within a small tolerance shows that onnxruntime computed
what the graph means on this CPU (the test suite and ``storycheck models check
--verify`` use it). It is slow (seconds per pair): a check, not a backend.

Two ops get their own numpy versions here: ``DequantizeLinear`` (the evaluator knows
only newer opset versions of it) and ``GatherElements`` (its version wants index and
data of equal size on the non-gathered axes; the ONNX spec and DeBERTa's exported
relative-attention gathers allow a smaller index).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from storycheck.models._deps import PIP_CORE, require


def _float64_model(model_bytes: bytes) -> Any:
    onnx = require("onnx", PIP_CORE)
    from onnx import TensorProto, numpy_helper

    from storycheck.models._dequant import topological

    model = onnx.load_from_string(model_bytes)

    def promote(tensor: Any) -> None:
        if tensor.data_type in (TensorProto.FLOAT, TensorProto.FLOAT16):
            array = numpy_helper.to_array(tensor).astype(np.float64)
            tensor.CopyFrom(numpy_helper.from_array(array, tensor.name))

    def walk(graph: Any) -> None:
        for tensor in graph.initializer:
            promote(tensor)
        for node in graph.node:
            for attr in node.attribute:
                if attr.type == onnx.AttributeProto.TENSOR:
                    promote(attr.t)
                elif attr.name == "to" and attr.i in (TensorProto.FLOAT, TensorProto.FLOAT16):
                    attr.i = TensorProto.DOUBLE
                elif attr.type == onnx.AttributeProto.GRAPH:
                    walk(attr.g)
        for value in [*graph.output, *graph.value_info]:
            if value.type.tensor_type.elem_type in (TensorProto.FLOAT, TensorProto.FLOAT16):
                value.type.tensor_type.elem_type = TensorProto.DOUBLE

    walk(model.graph)
    known = {i.name for i in model.graph.input} | {t.name for t in model.graph.initializer}
    ordered = topological(list(model.graph.node), known)
    del model.graph.node[:]
    model.graph.node.extend(ordered)
    del model.graph.value_info[:]
    return model


def _custom_ops() -> list[type]:
    require("onnx", PIP_CORE)
    from onnx.reference.op_run import OpRun

    class DequantizeLinear(OpRun):
        op_domain = ""

        def _run(
            self,
            x: npt.NDArray[Any],
            scale: npt.NDArray[Any],
            zero_point: npt.NDArray[Any] | None = None,
            axis: int | None = None,
            block_size: int | None = None,
            output_dtype: int | None = None,
            precision: int | None = None,
        ) -> tuple[npt.NDArray[np.float64]]:
            s = scale.astype(np.float64)
            z = zero_point.astype(np.float64) if zero_point is not None else np.zeros_like(s)
            if s.ndim == 1 and x.ndim > 1:
                shape = [1] * x.ndim
                shape[(axis if axis is not None else 1) % x.ndim] = -1
                s, z = s.reshape(shape), z.reshape(shape)
            return ((x.astype(np.float64) - z) * s,)

    class GatherElements(OpRun):
        op_domain = ""

        def _run(
            self, data: npt.NDArray[Any], indices: npt.NDArray[Any], axis: int | None = None
        ) -> tuple[npt.NDArray[Any]]:
            where = (axis or 0) % data.ndim
            index = np.where(indices < 0, indices + data.shape[where], indices)
            view = data[
                tuple(slice(None) if d == where else slice(0, n) for d, n in enumerate(index.shape))
            ]
            return (np.take_along_axis(view, index, axis=where),)

    return [DequantizeLinear, GatherElements]


class ReferenceGraph:
    """One ONNX graph prepared for float64 evaluation (build once, run many times)."""

    def __init__(self, model_bytes: bytes) -> None:
        onnx = require("onnx", PIP_CORE)
        from onnx.reference import ReferenceEvaluator

        self._model = _float64_model(model_bytes)
        self.inputs = tuple(i.name for i in self._model.graph.input)
        self.outputs = tuple(o.name for o in self._model.graph.output)
        self._evaluator = ReferenceEvaluator(self._model, new_ops=_custom_ops())
        del onnx

    def run(
        self, feeds: Mapping[str, npt.NDArray[Any]], outputs: Sequence[str] | None = None
    ) -> list[npt.NDArray[np.float64]]:
        """The graph's ``outputs`` (default: all) for the inputs ``feeds``, in float64."""
        wanted = list(outputs) if outputs is not None else None
        feed = {k: v for k, v in feeds.items() if k in self.inputs}
        results = self._evaluator.run(wanted, feed)
        return [np.asarray(r, dtype=np.float64) for r in results]


def reference_outputs(
    model_bytes: bytes,
    feeds: Mapping[str, npt.NDArray[Any]],
    outputs: Sequence[str] | None = None,
) -> list[npt.NDArray[np.float64]]:
    """Run ``model_bytes`` once in float64 numpy (see the module doc)."""
    return ReferenceGraph(model_bytes).run(feeds, outputs)


#: Fixed inputs for :func:`verify_model` (short, so the float64 run takes seconds).
VERIFY_PAIRS: tuple[tuple[str, str], ...] = (
    (
        "The council voted 7-2 on Tuesday to approve the new budget after a long debate.",
        "The budget was approved by the council.",
    ),
    (
        "Rescuers said at least 14 people died when the bridge collapsed in the storm.",
        "Nobody was hurt when the bridge collapsed.",
    ),
)


@dataclass(frozen=True)
class Verification:
    """How far onnxruntime's outputs are from the float64 reference on this CPU."""

    max_abs_diff: float
    tolerance: float
    outputs: int
    seconds: float

    @property
    def ok(self) -> bool:
        return self.max_abs_diff <= self.tolerance


def verify_model(model: Any, *, tolerance: float = 1e-3) -> Verification | None:
    """Run an ONNX-backed model's session and the float64 reference of the same graph on
    :data:`VERIFY_PAIRS` (texts for embedders) and compare every output.

    Returns None for a model that runs no ONNX graph (WordLlama, spaCy, torch).
    """
    import time

    from storycheck.models._onnx import feed, pad_batch
    from storycheck.models.embedders import MiniLMOnnxEmbedder
    from storycheck.models.nli import _CompositeNLI, _OnnxPairModel

    if isinstance(model, _CompositeNLI):
        results = [verify_model(m, tolerance=tolerance) for m in model.members]
        found = [r for r in results if r is not None]
        return max(found, key=lambda r: r.max_abs_diff) if found else None
    if isinstance(model, _OnnxPairModel):
        model.load()
        _, _, feeds = next(model._batches(list(VERIFY_PAIRS)))
        graph: bytes = model.session_graph()
    elif isinstance(model, MiniLMOnnxEmbedder):
        model.load()
        texts = [text for pair in VERIFY_PAIRS for text in pair]
        ids, mask, types = pad_batch(model._tokenizer.encode_batch(texts), model._pad)
        feeds = feed(model._info, ids, mask, types)
        graph = model.session_graph().read_bytes()
    else:
        return None
    names = [str(o.name) for o in model._session.get_outputs()]
    start = time.perf_counter()
    expected = ReferenceGraph(graph).run(feeds, names)
    seconds = time.perf_counter() - start
    got = model._session.run(names, feeds)
    worst = 0.0
    for ours, ref in zip(got, expected, strict=True):
        worst = max(worst, float(np.max(np.abs(np.asarray(ours, dtype=np.float64) - ref))))
    return Verification(
        max_abs_diff=worst, tolerance=tolerance, outputs=len(names), seconds=round(seconds, 2)
    )
