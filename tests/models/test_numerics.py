"""Same numbers on every CPU: the fp32 rewrite of dynamic int8 graphs, the CPU report,
and the default models against a float64 numpy evaluation of their own graphs.

The float64 reference (:mod:`storycheck.models.reference`) runs the graph with onnx's
numpy evaluator, which shares no kernel with onnxruntime; stored reference outputs
(``data/numerics_reference.json``, written by ``python -m bench.numerics
--write-reference`` from that evaluator) pin the whole path — tokenizer, windows, graph,
head — so a CPU that computes differently fails here, on any machine.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from onnx import TensorProto, helper, numpy_helper  # noqa: E402

from storycheck.models._dequant import (  # noqa: E402
    DequantizeError,
    dequantize_model,
    fp32_copy,
    is_dynamic_int8,
    topological,
)
from storycheck.models.cpu import (  # noqa: E402
    FP32,
    INT8_DYNAMIC,
    CpuInfo,
    _linux_flags,
    graph_precision,
    numerics,
)

REFERENCE = Path(__file__).parent / "data" / "numerics_reference.json"


def _int8_matmul_graph(weight: np.ndarray, zero: int, scale: float) -> bytes:
    """X (n, k) float -> DynamicQuantizeLinear -> MatMulInteger(W int8) -> Cast -> Mul -> Y,
    the pattern onnxruntime's quantize_dynamic writes, plus a Relu after it."""
    nodes = [
        helper.make_node("DynamicQuantizeLinear", ["x"], ["x_q", "x_scale", "x_zp"]),
        helper.make_node("MatMulInteger", ["x_q", "w_q", "x_zp", "w_zp"], ["y_int"]),
        helper.make_node("Cast", ["y_int"], ["y_float"], to=TensorProto.FLOAT),
        helper.make_node("Mul", ["x_scale", "w_scale"], ["scales"]),
        helper.make_node("Mul", ["y_float", "scales"], ["y_lin"]),
        helper.make_node("Relu", ["y_lin"], ["y"]),
    ]
    graph = helper.make_graph(
        nodes,
        "tiny",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n", weight.shape[0]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["n", weight.shape[1]])],
        initializer=[
            numpy_helper.from_array(weight.astype(np.int8), "w_q"),
            numpy_helper.from_array(np.array(zero, dtype=np.int8), "w_zp"),
            numpy_helper.from_array(np.array(scale, dtype=np.float32), "w_scale"),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    return bytes(model.SerializeToString())


def _run(model: bytes, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(model, providers=["CPUExecutionProvider"])
    return np.asarray(session.run(None, {"x": x})[0])


def test_dequantize_rewrites_matmulinteger_to_exact_fp32() -> None:
    rng = np.random.default_rng(0)
    weight = rng.integers(-128, 128, size=(16, 5))
    graph = _int8_matmul_graph(weight, zero=3, scale=0.02)
    assert is_dynamic_int8(graph)
    rewritten = dequantize_model(graph)
    assert not is_dynamic_int8(rewritten)
    assert b"DynamicQuantizeLinear" not in rewritten
    # large outlier activations: where u8 x s8 16-bit pair sums would saturate
    x = rng.normal(size=(4, 16)).astype(np.float32) * 50
    expected = np.maximum(x.astype(np.float64) @ ((weight - 3) * 0.02), 0)
    np.testing.assert_allclose(_run(rewritten, x), expected, rtol=1e-5, atol=1e-4)
    # a row's output does not depend on its batch mates any more
    alone = _run(rewritten, x[:1])
    np.testing.assert_allclose(alone, _run(rewritten, x)[:1], rtol=0, atol=1e-6)


def test_dequantize_leaves_other_graphs_alone_and_refuses_unknown_patterns() -> None:
    plain = helper.make_model(
        helper.make_graph(
            [helper.make_node("Relu", ["x"], ["y"])],
            "plain",
            [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2])],
            [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2])],
        )
    ).SerializeToString()
    assert dequantize_model(plain) == plain
    model = onnx.load_from_string(_int8_matmul_graph(np.ones((4, 2)), 0, 1.0))
    del model.graph.node[2]  # drop the Cast: no longer the known pattern
    with pytest.raises(DequantizeError):
        dequantize_model(model.SerializeToString())


def test_fp32_copy_is_cached_by_content(tmp_path: Path) -> None:
    source = tmp_path / "tiny_int8.onnx"
    source.write_bytes(_int8_matmul_graph(np.eye(3, dtype=np.int64), 0, 0.5))
    first = fp32_copy(source, cache=tmp_path / "cache")
    assert first.is_file() and not is_dynamic_int8(first.read_bytes())
    mtime = first.stat().st_mtime_ns
    assert fp32_copy(source, cache=tmp_path / "cache") == first
    assert first.stat().st_mtime_ns == mtime
    source.write_bytes(_int8_matmul_graph(2 * np.eye(3, dtype=np.int64), 0, 0.5))
    assert fp32_copy(source, cache=tmp_path / "cache") != first


def test_fp32_copy_falls_back_to_the_temp_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tempfile

    source = tmp_path / "tiny_int8.onnx"
    source.write_bytes(_int8_matmul_graph(np.eye(3, dtype=np.int64), 0, 0.25))
    blocked = tmp_path / "not-a-dir"
    blocked.write_text("a file where the cache folder should be", encoding="utf-8")
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))
    copy = fp32_copy(source, cache=blocked / "fp32")
    assert copy.parent.parent == tmp_path / "tmp" and copy.is_file()
    assert fp32_copy(source, cache=blocked / "fp32") == copy  # reused, not rewritten


def test_topological_puts_producers_first_including_subgraph_reads() -> None:
    branch = helper.make_graph(
        [helper.make_node("Identity", ["a"], ["out_then"])],
        "then",
        [],
        [helper.make_tensor_value_info("out_then", TensorProto.FLOAT, [1])],
    )
    use = helper.make_node("If", ["cond"], ["z"], then_branch=branch, else_branch=branch)
    make_a = helper.make_node("Relu", ["x"], ["a"])
    make_cond = helper.make_node("Cast", ["x0"], ["cond"], to=TensorProto.BOOL)
    ordered = topological([use, make_a, make_cond], {"x", "x0"})
    names = [n.op_type for n in ordered]
    assert names.index("Relu") < names.index("If")
    assert names.index("Cast") < names.index("If")


# --- the CPU report ------------------------------------------------------------------


def test_linux_cpuinfo_flags_are_read() -> None:
    text = "processor\t: 0\nmodel name\t: Test CPU\nflags\t\t: fpu sse avx2 avx512f avx512_vnni\n"
    model, flags = _linux_flags(text)
    assert model == "Test CPU"
    assert {"avx2", "avx512f", "avx512_vnni"} <= flags


@pytest.mark.parametrize(
    ("arch", "flags", "independent", "warned", "kernel"),
    [
        ("x86_64", {"avx2"}, False, True, "saturate"),
        ("x86_64", {"avx2", "avx512f"}, False, True, "saturate"),
        ("x86_64", {"avx2", "avx512f", "avx512_vnni"}, False, True, "VNNI"),
        ("x86_64", {"avx2", "avx_vnni"}, False, True, "VNNI"),
        ("aarch64", {"asimddp"}, False, True, "NEON"),
    ],
)
def test_int8_paths_are_never_called_portable(
    arch: str, flags: set[str], independent: bool, warned: bool, kernel: str
) -> None:
    cpu = CpuInfo(arch=arch, model="x", flags=frozenset(flags))
    found = numerics(INT8_DYNAMIC, cpu)
    assert found.cpu_independent is independent
    assert (found.warning is not None) is warned
    assert kernel in found.kernel
    fp32 = numerics(FP32, cpu)
    assert fp32.cpu_independent and fp32.warning is None


def test_graph_precision_reads_the_ops() -> None:
    assert graph_precision(_int8_matmul_graph(np.eye(2, dtype=np.int64), 0, 1.0)) == INT8_DYNAMIC
    assert graph_precision(b"\x08\x07MatMul") == FP32


# --- the default models against the float64 reference --------------------------------


def _default_nli():  # type: ignore[no-untyped-def]
    from storycheck.models import get_nli
    from storycheck.models._deps import ModelUnavailableError

    try:
        model = get_nli("news-nli-deberta")
        model.load()
    except ModelUnavailableError as exc:
        pytest.skip(str(exc))
    return model


def test_default_nli_runs_fp32_and_is_batch_independent() -> None:
    model = _default_nli()
    found = model.numerics()
    assert found.precision == FP32 and found.cpu_independent
    assert not model.batch_dependent
    pair = ("The mayor said the bridge will reopen on Friday.", "The bridge reopens Friday.")
    mates = [
        (
            "A long premise about something else entirely, with many words in it so that "
            "the batch is padded far beyond the short pair, and then some more words.",
            "Something else happened.",
        )
    ] * 5
    alone = model.relations([pair])
    batched = model.relations([*mates, pair])[-1:]
    np.testing.assert_allclose(alone, batched, atol=1e-5)


@pytest.mark.slow
def test_default_nli_graph_matches_float64_numpy() -> None:
    from storycheck.models.reference import verify_model

    checked = verify_model(_default_nli(), tolerance=1e-3)
    assert checked is not None
    assert checked.max_abs_diff <= 1e-3, checked


@pytest.mark.slow
def test_default_embedder_graph_matches_float64_numpy() -> None:
    from storycheck.models import get_embedder
    from storycheck.models._deps import ModelUnavailableError
    from storycheck.models.embedders import MiniLMOnnxEmbedder
    from storycheck.models.reference import verify_model

    try:
        model = get_embedder("minilm-onnx")
        model.load()
    except ModelUnavailableError as exc:
        pytest.skip(str(exc))
    assert isinstance(model, MiniLMOnnxEmbedder)
    assert model.numerics().cpu_independent
    checked = verify_model(model, tolerance=1e-3)
    assert checked is not None and checked.ok, checked


def _stored() -> dict[str, object]:
    if not REFERENCE.is_file():
        pytest.skip(f"{REFERENCE} is absent")
    data: dict[str, object] = json.loads(REFERENCE.read_text(encoding="utf-8"))
    return data


def test_default_nli_matches_stored_float64_probabilities() -> None:
    stored = _stored()["nli"]
    assert isinstance(stored, dict)
    model = _default_nli()
    if stored["model_id"] != model.model_id or stored["head_sha256"] != _head_digest():
        pytest.fail(
            "numerics_reference.json is stale: run python -m bench.numerics --write-reference"
        )
    pairs = [tuple(p) for p in stored["pairs"]]  # type: ignore[union-attr]
    got = model.relations(pairs)  # type: ignore[arg-type]
    expected = np.asarray(stored["probabilities"], dtype=np.float64)
    np.testing.assert_allclose(got, expected, atol=float(stored["tolerance"]))  # type: ignore[arg-type]
    assert [int(i) for i in got.argmax(axis=1)] == [int(i) for i in expected.argmax(axis=1)]


def test_default_embedder_matches_stored_float64_vectors() -> None:
    from storycheck.models import get_embedder
    from storycheck.models._deps import ModelUnavailableError

    stored = _stored()["embedder"]
    assert isinstance(stored, dict)
    try:
        model = get_embedder("minilm-onnx")
        vectors = model.encode(list(stored["texts"]), use_cache=False)  # type: ignore[call-overload]
    except ModelUnavailableError as exc:
        pytest.skip(str(exc))
    expected = np.asarray(stored["vectors"], dtype=np.float64)
    np.testing.assert_allclose(vectors, expected, atol=float(stored["tolerance"]))  # type: ignore[arg-type]


def _head_digest() -> str:
    import hashlib

    from storycheck.models.registry import head_nli_file

    return hashlib.sha256(head_nli_file().read_bytes()).hexdigest()
