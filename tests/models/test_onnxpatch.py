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


def test_added_outputs_are_appended_to_the_graph_only() -> None:
    from storycheck.models._onnxpatch import add_float_outputs

    model = tiny_model([dim_param("batch"), dim_value(160)])
    patched = add_float_outputs(model, ["hidden/state", "pooled"])
    graph = [(f, s, e) for f, _, s, e in _fields(patched, 0, len(patched)) if f == 7]
    assert len(graph) == 1
    _, start, end = graph[0]
    outputs = [patched[s:e] for f, _, s, e in _fields(patched, start, end) if f == 12]
    assert [o[2 : 2 + o[1]] for o in outputs] == [b"hidden/state", b"pooled"]
    # everything that was in the graph before is still there, byte for byte
    old_graph = next(model[s:e] for f, _, s, e in _fields(model, 0, len(model)) if f == 7)
    assert patched[start:end].startswith(old_graph)
    # a name that is already an output is not added twice
    assert add_float_outputs(patched, ["pooled"]) == patched


def test_added_outputs_need_a_graph() -> None:
    from storycheck.models._onnxpatch import add_float_outputs

    with pytest.raises(ValueError):
        add_float_outputs(b"", ["x"])


def test_added_output_runs_in_onnxruntime() -> None:
    onnx = pytest.importorskip("onnx")
    ort = pytest.importorskip("onnxruntime")
    import numpy as np
    from onnx import TensorProto, helper

    from storycheck.models._onnxpatch import add_float_outputs

    graph = helper.make_graph(
        [
            helper.make_node("Mul", ["x", "two"], ["hidden"]),
            helper.make_node("ReduceSum", ["hidden", "axes"], ["y"], keepdims=0),
        ],
        "g",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n"])],
        [
            helper.make_tensor("two", TensorProto.FLOAT, [1], [2.0]),
            helper.make_tensor("axes", TensorProto.INT64, [1], [1]),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    session = ort.InferenceSession(
        add_float_outputs(model.SerializeToString(), ["hidden"]),
        providers=["CPUExecutionProvider"],
    )
    x = np.arange(6, dtype=np.float32).reshape(2, 3)
    y, hidden = session.run(["y", "hidden"], {"x": x})
    np.testing.assert_allclose(hidden, 2 * x)
    np.testing.assert_allclose(y, (2 * x).sum(axis=1))
    assert onnx.load_from_string(add_float_outputs(model.SerializeToString(), ["hidden"]))
