"""Make a fixed sequence length in an ONNX model's inputs dynamic, without the ``onnx`` package.

Some exported models (the aegis NLI model among them) declare their inputs as
``[batch, 160]``. onnxruntime then refuses shorter inputs, so every pair is padded to
160 tokens and most of the work is spent on padding. The graph itself has no shape
constants tied to 160, so renaming the fixed dimension to a symbolic one is enough.

This walks the protobuf wire format just far enough to find ``graph.input[*]`` and
replaces the ``dim_value`` field of the chosen axis by a ``dim_param`` field of *the same
byte length*, so no enclosing length prefix changes and the rest of the file is copied
untouched. Field numbers are from ``onnx.proto``: ModelProto.graph = 7, GraphProto.input
= 11, ValueInfoProto.type = 2, TypeProto.tensor_type = 1, TypeProto.Tensor.shape = 2,
TensorShapeProto.dim = 1, Dimension.dim_value = 1 / dim_param = 2.

The caller must check the result (onnxruntime loads it and reports a symbolic axis; the
tests compare its outputs with the original model's).
"""

from __future__ import annotations

from collections.abc import Iterator

_GRAPH = 7
_GRAPH_INPUT = 11
_VALUE_INFO_TYPE = 2
_TYPE_TENSOR = 1
_TENSOR_SHAPE = 2
_SHAPE_DIM = 1
_DIM_VALUE = 1

_VARINT = 0
_FIXED64 = 1
_LEN = 2
_FIXED32 = 5


def _read_varint(buf: bytes | bytearray, pos: int) -> tuple[int, int]:
    result = 0
    shift = 0
    while True:
        byte = buf[pos]
        pos += 1
        result |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return result, pos
        shift += 7
        if shift > 63:
            raise ValueError("malformed varint")


def _fields(buf: bytes | bytearray, start: int, end: int) -> Iterator[tuple[int, int, int, int]]:
    """Yield ``(field_number, key_start, value_start, value_end)`` for each field in a span.

    For length-delimited fields the value span is the payload; for varints it is the
    varint's own bytes.
    """
    pos = start
    while pos < end:
        key_start = pos
        key, pos = _read_varint(buf, pos)
        field, wire = key >> 3, key & 7
        if wire == _VARINT:
            _, nxt = _read_varint(buf, pos)
        elif wire == _FIXED64:
            nxt = pos + 8
        elif wire == _LEN:
            length, pos = _read_varint(buf, pos)
            nxt = pos + length
        elif wire == _FIXED32:
            nxt = pos + 4
        else:
            raise ValueError(f"unsupported protobuf wire type {wire}")
        if nxt > end:
            raise ValueError("truncated protobuf message")
        yield field, key_start, pos, nxt
        pos = nxt


def _only(buf: bytes | bytearray, start: int, end: int, field: int) -> tuple[int, int] | None:
    for f, _, vs, ve in _fields(buf, start, end):
        if f == field:
            return vs, ve
    return None


def make_axis_dynamic(model: bytes, *, axis: int = 1, name: str = "sequence") -> bytes | None:
    """Return a copy of ``model`` with input dimension ``axis`` made symbolic.

    Only graph inputs whose ``axis`` has a fixed ``dim_value`` are changed. Returns
    ``None`` when nothing could be changed (no such input, or a length that cannot be
    rewritten in place).
    """
    buf = bytearray(model)
    graph = _only(buf, 0, len(buf), _GRAPH)
    if graph is None:
        return None
    changed = 0
    for field, _, vs, ve in _fields(buf, graph[0], graph[1]):
        if field != _GRAPH_INPUT:
            continue
        type_span = _only(buf, vs, ve, _VALUE_INFO_TYPE)
        tensor = type_span and _only(buf, type_span[0], type_span[1], _TYPE_TENSOR)
        shape = tensor and _only(buf, tensor[0], tensor[1], _TENSOR_SHAPE)
        if not shape:
            continue
        dims = [(s, e) for f, _, s, e in _fields(buf, shape[0], shape[1]) if f == _SHAPE_DIM]
        if axis >= len(dims):
            continue
        dim_start, dim_end = dims[axis]
        for f, key_start, _, value_end in _fields(buf, dim_start, dim_end):
            if f != _DIM_VALUE:
                continue
            total = value_end - key_start  # key byte + varint bytes
            text_len = total - 2  # key byte + one length byte + the name
            if not 0 < text_len < 128:
                return None
            label = (name * (text_len // max(len(name), 1) + 1))[:text_len].encode("ascii")
            buf[key_start:value_end] = bytes([(2 << 3) | _LEN, text_len]) + label
            changed += 1
    return bytes(buf) if changed else None


_GRAPH_OUTPUT = 12
_VALUE_INFO_NAME = 1
_TENSOR_ELEM_TYPE = 1
_FLOAT = 1


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte = value & 0x7F
        value >>= 7
        if value:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def _len_field(field: int, payload: bytes) -> bytes:
    return _varint((field << 3) | _LEN) + _varint(len(payload)) + payload


def add_float_outputs(model: bytes, names: list[str]) -> bytes:
    """Return a copy of ``model`` whose graph also outputs the float tensors ``names``.

    An intermediate tensor (a node's output, e.g. a pooled hidden state) becomes a graph
    output: a ``ValueInfoProto`` with the name and element type float (no shape, which
    onnxruntime infers) is appended to ``graph.output``. Only the graph's own length
    prefix changes; every other byte is copied. Names that are already outputs are
    skipped. Raises ``ValueError`` when the bytes hold no graph.
    """
    buf = bytes(model)
    span = None
    for field, key_start, vs, ve in _fields(buf, 0, len(buf)):
        if field == _GRAPH:
            span = (key_start, vs, ve)
    if span is None:
        raise ValueError("no graph in the ONNX model")
    key_start, vs, ve = span
    existing: set[str] = set()
    for field, _, s, e in _fields(buf, vs, ve):
        if field == _GRAPH_OUTPUT:
            found = _only(buf, s, e, _VALUE_INFO_NAME)
            if found is not None:
                existing.add(buf[found[0] : found[1]].decode("utf-8", "replace"))
    extra = b""
    for name in names:
        if name in existing:
            continue
        tensor = _varint((_TENSOR_ELEM_TYPE << 3) | _VARINT) + _varint(_FLOAT)
        type_proto = _len_field(_TYPE_TENSOR, tensor)
        value_info = _len_field(_VALUE_INFO_NAME, name.encode("utf-8")) + _len_field(
            _VALUE_INFO_TYPE, type_proto
        )
        extra += _len_field(_GRAPH_OUTPUT, value_info)
    graph = buf[vs:ve] + extra
    return buf[:key_start] + _len_field(_GRAPH, graph) + buf[ve:]
