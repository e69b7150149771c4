"""Making a fixed ONNX input axis dynamic by editing the protobuf in place."""

from __future__ import annotations

import pytest

from storycheck.models._onnxpatch import _fields, make_axis_dynamic


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        if n:
            out.append(byte | 0x80)
        else:
            out.append(byte)
            return bytes(out)


def field(number: int, payload: bytes) -> bytes:
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def dim_value(n: int) -> bytes:
    return field(1, varint(1 << 3 | 0) + varint(n))


def dim_param(name: str) -> bytes:
    return field(1, field(2, name.encode()))


def tiny_model(dims: list[bytes]) -> bytes:
    shape = b"".join(dims)
    tensor = varint(1 << 3 | 0) + varint(7) + field(2, shape)  # elem_type int64, shape
    value_info = field(1, b"input_ids") + field(2, field(1, tensor))
    graph = field(1, b"node-bytes") + field(11, value_info) + field(2, b"graph-name")
    return varint(1 << 3 | 0) + varint(7) + field(7, graph)  # ir_version, graph


def test_fixed_axis_becomes_symbolic_with_same_length() -> None:
    model = tiny_model([dim_param("batch"), dim_value(160)])
    patched = make_axis_dynamic(model, axis=1, name="s")
    assert patched is not None
    assert len(patched) == len(model)
    assert patched == tiny_model([dim_param("batch"), dim_param("s")])


def test_nothing_to_patch_returns_none() -> None:
    assert make_axis_dynamic(tiny_model([dim_param("batch"), dim_param("seq")])) is None
    assert make_axis_dynamic(tiny_model([dim_param("batch")])) is None
    assert make_axis_dynamic(b"") is None


def test_short_varint_cannot_be_rewritten_in_place() -> None:
    # dim_value 5 is 2 bytes: no room for a dim_param with a name
    assert make_axis_dynamic(tiny_model([dim_param("b"), dim_value(5)])) is None


def test_truncated_message_raises() -> None:
    with pytest.raises(ValueError):
        list(_fields(field(7, b"abc")[:-1], 0, 4))
