"""The stacked NLI combiner: coefficients file, math, registry names, the shipped stack."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from storycheck.models import ModelUnavailableError
from storycheck.models.base import CONTRADICT, ENTAIL, NEUTRAL, NLI
from tests.models.test_nli import CONTRADICTION, ENTAILMENT, NEUTRAL_PAIR, build_toy_model

PAIRS = [
    ("the mayor said the bridge cost nothing", "the bridge cost euros"),
    ("the mayor said", "the bridge cost a euros the the bridge"),
]


def toy(directory: Path) -> NLI:
    pytest.importorskip("onnxruntime")
    from storycheck.models.nli import OnnxCrossEncoderNLI

    build_toy_model(directory)
    return OnnxCrossEncoderNLI(directory)


def write_stack(
    path: Path, members: list[object], coef: list[list[float]], **extra: object
) -> Path:
    data = {
        "format": "storycheck-stacked-nli/1",
        "members": members,
        "floor": 1e-4,
        "coef": coef,
        "intercept": [0.0, 0.0, 0.0],
        **extra,
    }
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_identity_stack_returns_the_first_member(tmp_path: Path) -> None:
    from storycheck.models.nli import StackedNLI

    a, b = toy(tmp_path / "a"), toy(tmp_path / "b")
    eye = np.vstack([np.eye(3), np.zeros((3, 3))])
    stack = StackedNLI([a, b], eye, np.zeros(3))
    np.testing.assert_allclose(stack.relations(PAIRS), a.relations(PAIRS), atol=1e-5)
    assert stack.relations([]).shape == (0, 3)


def test_stack_weights_move_the_decision(tmp_path: Path) -> None:
    from storycheck.models.nli import StackedNLI

    a = toy(tmp_path / "a")
    base = a.relations(PAIRS)
    # a large intercept on contradiction wins whatever the member says
    stack = StackedNLI([a], np.eye(3), np.array([0.0, 0.0, 50.0]))
    out = stack.relations(PAIRS)
    assert out.dtype == np.float32 and out.shape == (2, 3)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, atol=1e-5)
    assert (out.argmax(axis=1) == CONTRADICT).all()
    assert not (base.argmax(axis=1) == CONTRADICT).all()


def test_bad_coefficients_are_rejected(tmp_path: Path) -> None:
    from storycheck.models.nli import StackedNLI

    a = toy(tmp_path / "a")
    with pytest.raises(ValueError, match="coef must be"):
        StackedNLI([a, a], np.eye(3), np.zeros(3))
    with pytest.raises(ValueError, match="floor"):
        StackedNLI([a], np.eye(3), np.zeros(3), floor=0.0)
    bad = tmp_path / "bad.json"
    bad.write_text('{"format": "something-else"}', encoding="utf-8")
    with pytest.raises(ModelUnavailableError, match="not a storycheck-stacked-nli/1"):
        StackedNLI.from_file(bad, [a])
    short = write_stack(tmp_path / "short.json", ["x"], [[1.0, 0.0, 0.0]])
    with pytest.raises(ModelUnavailableError, match="bad stack coefficients"):
        StackedNLI.from_file(short, [a])


def test_stack_file_through_the_registry(tmp_path: Path) -> None:
    from storycheck.models import is_available, registry
    from storycheck.models.nli import StackedNLI

    pytest.importorskip("onnxruntime")
    build_toy_model(tmp_path / "a")
    build_toy_model(tmp_path / "b")
    first = f"onnx-nli:{tmp_path / 'a'}"
    second = {"name": f"onnx-nli:{tmp_path / 'b'}", "window_sentences": 1}
    eye = np.vstack([np.eye(3), np.zeros((3, 3))]).tolist()
    path = write_stack(tmp_path / "stack.json", [first, second], eye)
    assert is_available(f"stacked:{path}") == (True, "")
    model = registry.create(f"stacked:{path}")
    assert isinstance(model, StackedNLI)
    assert model.members[1].window_sentences == 1 and model.members[0].window_sentences is None
    # the member with options is its own instance, the plain one is the shared instance
    assert model.members[0] is registry.get(first)
    assert model.members[1] is not registry.get(second["name"])
    np.testing.assert_allclose(
        model.relations(PAIRS), registry.get(first).relations(PAIRS), atol=1e-5
    )
    missing = write_stack(tmp_path / "missing.json", [f"onnx-nli:{tmp_path / 'nope'}"], eye)
    ok, reason = is_available(f"stacked:{missing}")
    assert not ok and "no directory" in reason
    ok, reason = is_available(f"stacked:{tmp_path / 'absent.json'}")
    assert not ok and "no stack file" in reason
    bad_option = write_stack(
        tmp_path / "opt.json", [{"name": first, "threads": 3}], np.eye(3).tolist()
    )
    with pytest.raises(ValueError, match="unsupported member option"):
        registry.create(f"stacked:{bad_option}")


def test_shipped_stack_if_available() -> None:
    pytest.importorskip("onnxruntime")
    from storycheck.models import get_nli, is_available
    from storycheck.models.registry import news_nli_dir, stacked_nli_file

    ok, reason = is_available("stacked")
    if not ok:
        pytest.skip(reason)
    data = json.loads(stacked_nli_file().read_text(encoding="utf-8"))
    # the coefficients belong to the shipped news-nli weights: refit after retraining
    fitted = data["fit"]["members"]["news-nli model.onnx sha256"]
    shipped = hashlib.sha256((news_nli_dir() / "model.onnx").read_bytes()).hexdigest()
    assert fitted == shipped, "news-nli changed: run python -m train.nli.stack"
    model = get_nli("stacked")
    probs = model.relations([CONTRADICTION, ENTAILMENT, NEUTRAL_PAIR])
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    assert probs[0].argmax() == CONTRADICT
    assert probs[1].argmax() == ENTAIL
    assert probs[2].argmax() == NEUTRAL
