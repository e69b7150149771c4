"""Premise windowing and the combination of window scores (no model needed)."""

from __future__ import annotations

import re

import numpy as np
import pytest

from storycheck.models.base import combine_windows
from storycheck.models.windows import premise_windows, split_sentences


def word_offsets(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


def test_split_sentences_basic_and_abbreviations() -> None:
    text = (
        "Mr. Smith arrived in the U.S. on Monday. He met Dr. Jones at 5 p.m. local time!  "
        "Was it planned? Nobody knows.\n\nA new paragraph starts here"
    )
    assert sentences(text) == [
        "Mr. Smith arrived in the U.S. on Monday.",
        "He met Dr. Jones at 5 p.m. local time!",
        "Was it planned?",
        "Nobody knows.",
        "A new paragraph starts here",
    ]


def test_split_sentences_quotes_initials_and_empty() -> None:
    assert sentences('"We will win," he said. J. K. Rowling agreed.') == [
        '"We will win," he said.',
        "J. K. Rowling agreed.",
    ]
    assert sentences("") == []
    assert sentences("   ") == []
    assert sentences("no final stop") == ["no final stop"]


def test_premise_that_fits_is_used_whole() -> None:
    premise = "One two three. Four five six."
    assert premise_windows(premise, word_offsets(premise), 50) == [premise]


def test_long_premise_is_packed_with_one_sentence_overlap() -> None:
    parts = [f"Sentence {i} has exactly six words." for i in range(10)]
    premise = " ".join(parts)
    windows = premise_windows(premise, word_offsets(premise), 13)
    assert windows[0] == " ".join(parts[:2])
    assert windows[1] == " ".join(parts[1:3])
    assert windows[-1].endswith(parts[-1])
    covered = " ".join(windows)
    assert all(p in covered for p in parts)
    assert all(len(w.split()) <= 13 for w in windows)


def test_sentence_mode_slides_k_sentences() -> None:
    parts = ["Aa bb cc.", "Dd ee ff.", "Gg hh ii.", "Jj kk ll."]
    premise = " ".join(parts)
    ones = premise_windows(premise, word_offsets(premise), 100, sentences=1)
    assert ones == parts
    twos = premise_windows(premise, word_offsets(premise), 100, sentences=2)
    assert twos == ["Aa bb cc. Dd ee ff.", "Dd ee ff. Gg hh ii.", "Gg hh ii. Jj kk ll."]
    # a window never exceeds the budget, even if k sentences would
    tight = premise_windows(premise, word_offsets(premise), 4, sentences=2)
    assert tight == parts


def test_sentence_longer_than_budget_is_chunked() -> None:
    premise = " ".join(f"w{i}" for i in range(25)) + "."
    windows = premise_windows(premise, word_offsets(premise), 10, overlap_tokens=2)
    assert all(len(w.split()) <= 10 for w in windows)
    assert windows[0].startswith("w0 ") and windows[-1].endswith("w24.")
    assert len(windows) >= 3


def test_empty_premise_gives_one_window() -> None:
    assert premise_windows("", [], 10) == [""]
    assert premise_windows("  ", [], 10, sentences=1) == ["  "]


def test_combine_windows_max_entail_max_contradict() -> None:
    probs = np.array(
        [
            [0.1, 0.8, 0.1],  # pair 0, window 0
            [0.7, 0.2, 0.1],  # pair 0, window 1: entails
            [0.2, 0.3, 0.5],  # pair 1, only window
            [0.9, 0.0, 0.1],  # pair 2: one window entails strongly ...
            [0.0, 0.1, 0.9],  # ... another contradicts strongly
        ],
        dtype=np.float32,
    )
    owners = np.array([0, 0, 1, 2, 2])
    out = combine_windows(probs, owners, 3)
    assert out.shape == (3, 3)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, atol=1e-6)
    np.testing.assert_allclose(out[0], [0.7, 0.2, 0.1], atol=1e-6)
    np.testing.assert_allclose(out[1], probs[2], atol=1e-6)
    np.testing.assert_allclose(out[2], [0.5, 0.0, 0.5], atol=1e-6)


@pytest.mark.parametrize("n_windows", [1, 3, 7])
def test_combine_windows_rows_are_distributions(n_windows: int) -> None:
    rng = np.random.default_rng(n_windows)
    raw = rng.random((n_windows * 4, 3)).astype(np.float32)
    probs = raw / raw.sum(axis=1, keepdims=True)
    owners = np.repeat(np.arange(4), n_windows)
    out = combine_windows(probs, owners, 4)
    assert (out >= 0).all()
    np.testing.assert_allclose(out.sum(axis=1), 1.0, atol=1e-5)


def test_onnx_backend_windows_a_premise_longer_than_the_model(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Token offsets for windowing cover the whole premise, not the truncated encoding."""
    import pytest

    pytest.importorskip("onnxruntime")
    from storycheck.models.nli import OnnxCrossEncoderNLI
    from tests.models.test_nli import build_toy_model

    build_toy_model(tmp_path / "toy")
    model = OnnxCrossEncoderNLI(tmp_path / "toy", max_length=16)
    premise = " ".join(["the mayor said the bridge cost nothing ."] * 6) + " euros"
    windows = model.windows(premise, "the bridge")
    assert len(windows) > 1
    assert windows[-1][0].endswith("euros")
    assert all(n <= 16 for _, _, n in windows)
