"""The grounding checker: windows over source sentences, one batched NLI call, max over windows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pytest

from storycheck.models import NLI, ModelUnavailableError, get_nli
from storycheck.verify.grounding import (
    Grounder,
    closest_windows,
    content_words,
    source_sentences,
    source_windows,
    verbatim,
)


def test_source_sentences_split_lines_then_sentences() -> None:
    text = "Title line without stop\nThe mayor spoke. Dr. Lee agreed!\n\n  Last one"
    assert source_sentences(text) == [
        "Title line without stop",
        "The mayor spoke.",
        "Dr. Lee agreed!",
        "Last one",
    ]


def test_windows_cover_every_sentence_and_end_at_the_last() -> None:
    text = " ".join(f"Sentence number {i} is here." for i in range(7))
    windows = source_windows(text, window=3, stride=2)
    assert windows[0].startswith("Sentence number 0")
    assert windows[-1].endswith("Sentence number 6 is here.")
    assert all(w.count("Sentence number") == 3 for w in windows)
    covered = {i for i in range(7) for w in windows if f"number {i} " in w}
    assert covered == set(range(7))


def test_short_source_is_one_window() -> None:
    assert source_windows("Only one sentence here.", window=2, stride=1) == [
        "Only one sentence here."
    ]
    assert source_windows("", window=2, stride=1) == [""]


def test_bad_parameters_are_rejected() -> None:
    with pytest.raises(ValueError):
        source_windows("a. b.", window=0, stride=1)
    with pytest.raises(ValueError):
        Grounder(window=2, stride=0)
    with pytest.raises(ValueError):
        Grounder(threshold=1.5)


class _Recording(NLI):
    """The real NLI model, recording which pairs it was asked about."""

    def __init__(self, inner: NLI) -> None:
        super().__init__(inner.model_id, max_length=inner.max_length)
        self.inner = inner
        self.calls: list[list[tuple[str, str]]] = []

    def _load(self) -> None:
        self.inner.load()

    def _token_offsets(self, text: str) -> list[tuple[int, int]]:
        return self.inner._token_offsets(text)

    def _predict(self, pairs: list[tuple[str, str]]) -> Any:
        return self.inner._predict(pairs)

    def relations(self, pairs: Sequence[tuple[str, str]], batch_size: int | None = None) -> Any:
        self.calls.append(list(pairs))
        return self.inner.relations(pairs, batch_size)


@pytest.fixture(scope="module")
def nli() -> NLI:
    try:
        model = get_nli("news-nli")
        model.load()
    except ModelUnavailableError as exc:
        pytest.skip(str(exc))
    return model


FILLER = [
    "The council met on Tuesday evening in the town hall.",
    "Several residents asked about parking near the market.",
    "The library will extend its opening hours in spring.",
    "A local bakery won a regional prize for its bread.",
    "Road works on the bypass are due to finish next month.",
    "The school choir performed at the harvest festival.",
]


def test_support_found_deep_inside_a_long_source(nli: NLI) -> None:
    fact = "The fire destroyed the old mill on Friday. Nobody was injured."
    source = " ".join([*FILLER, fact, *FILLER])
    claim = "Nobody was injured in the fire."
    unrelated = "The mayor resigned after a corruption scandal."
    grounder = Grounder(nli, window=2, stride=1, threshold=0.5, top_k=None)
    scores = grounder.scores([(source, claim), (source, unrelated)])
    assert scores.shape == (2, 3)
    assert np.all(scores >= 0)
    assert np.all(scores[:, 1] <= 1.0 - scores[:, 0] + 1e-6)
    assert scores[0, 0] > 0.5
    assert scores[0, 0] > scores[1, 0] + 0.3
    assert grounder.supported([(source, claim), (source, unrelated)]).tolist() == [True, False]


def test_contradiction_is_the_max_over_windows(nli: NLI) -> None:
    source = " ".join([*FILLER[:3], "Officials said 12 people died in the crash.", *FILLER[3:]])
    claim = "Officials said nobody died in the crash."
    scores = Grounder(nli).scores([(source, claim)])
    assert scores[0, 2] > scores[0, 0]


def test_one_sentence_source_matches_the_model(nli: NLI) -> None:
    pair = ("The bridge reopened on Monday after repairs.", "Traffic crosses the bridge again.")
    grounder = Grounder(nli)
    assert np.allclose(grounder.scores([pair]), nli.relations([pair]), atol=1e-5)
    assert grounder.support([pair]).shape == (1,)


def test_all_pairs_go_to_the_model_once_without_duplicates(nli: NLI) -> None:
    recording = _Recording(nli)
    source = " ".join(FILLER)
    claim = "The choir sang at the festival."
    pairs = [(source, claim), (source, claim), (FILLER[0], "A council meeting took place.")]
    scores = Grounder(recording, window=2, stride=1, top_k=None, sentences=0).scores(pairs)
    assert len(recording.calls) == 1
    sent = recording.calls[0]
    assert len(sent) == len(set(sent)) == len(FILLER) - 1 + 1
    assert np.allclose(scores[0], scores[1])


def test_closest_single_sentence_is_scored_beside_the_windows(nli: NLI) -> None:
    recording = _Recording(nli)
    source = " ".join(FILLER)
    claim = "The library will open for longer in spring."  # closest to FILLER[2]
    Grounder(recording, window=3, stride=1, top_k=1, sentences=1).scores([(source, claim)])
    premises = [premise for premise, _ in recording.calls[0]]
    assert FILLER[2] in premises  # the sentence itself, not only a window around it
    assert any(FILLER[2] in p and p != FILLER[2] for p in premises)
    with pytest.raises(ValueError):
        Grounder(nli, sentences=-1)


def test_empty_input_and_single_pair_misuse(nli: NLI) -> None:
    grounder = Grounder(nli)
    assert grounder.scores([]).shape == (0, 3)
    with pytest.raises(TypeError):
        grounder.scores(("source", "claim"))


def test_entail_and_contradict_are_the_window_maxima(nli: NLI) -> None:
    source = " ".join([*FILLER[:2], "The fire destroyed the old mill. Nobody was hurt.", *FILLER])
    claim = "Nobody was hurt in the fire."
    windows = source_windows(source, window=2, stride=1)
    per_window = nli.relations([(w, claim) for w in windows])
    scores = Grounder(nli, window=2, stride=1, top_k=None).scores([(source, claim)])
    assert scores[0, 0] == pytest.approx(float(per_window[:, 0].max()), abs=1e-5)
    assert scores[0, 2] == pytest.approx(float(per_window[:, 2].max()), abs=1e-5)


def test_closest_windows_keep_the_most_overlapping_in_source_order() -> None:
    windows = [
        "The council met on Tuesday.",
        "The old mill burned down on Friday night.",
        "A bakery won a prize.",
        "Firefighters said the mill fire started in the roof.",
    ]
    claim = "The mill burned on Friday."
    assert closest_windows(windows, claim, 2) == [windows[1], windows[3]]
    assert closest_windows(windows, claim, 10) == windows
    assert "the" not in content_words("The mill")


def test_top_k_limits_the_windows_sent_to_the_model(nli: NLI) -> None:
    recording = _Recording(nli)
    source = " ".join([*FILLER, "The old mill burned down on Friday night.", *FILLER])
    claim = "The old mill was destroyed by a fire."
    scores = Grounder(recording, window=1, stride=1, top_k=3).scores([(source, claim)])
    assert len(recording.calls[0]) == 3
    assert any("mill" in premise for premise, _ in recording.calls[0])
    full = Grounder(nli, window=1, stride=1, top_k=None).scores([(source, claim)])
    assert scores[0, 0] == pytest.approx(float(full[0, 0]), abs=1e-5)


def test_default_model_follows_a_configured_nli(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Any
) -> None:
    monkeypatch.setenv("STORYCHECK_CONFIG", str(tmp_path / "absent.toml"))
    monkeypatch.setenv("STORYCHECK_NLI", "news-nli")
    try:
        assert Grounder().nli is get_nli("news-nli")
    except ModelUnavailableError as exc:
        pytest.skip(str(exc))
    monkeypatch.delenv("STORYCHECK_NLI")
    assert Grounder().nli is get_nli()


def test_a_claim_copied_from_the_source_is_supported_without_the_model(nli: NLI) -> None:
    recording = _Recording(nli)
    source = " ".join(FILLER[:4]) + " “We will rebuild,” the mayor said on Monday."
    copied = '"We will rebuild", the Mayor said on Monday'
    other = "The mayor said nothing."
    scores = Grounder(recording).scores([(source, copied), (source, other)])
    assert scores[0].tolist() == [1.0, 0.0, 0.0]
    assert all(claim == other for call in recording.calls for _, claim in call)


@pytest.mark.parametrize(
    ("claim", "source", "expected"),
    [
        ("The bridge reopened.", "The bridge reopened on Monday.", True),
        ("he won", "She won the vote.", False),
        ("Trump won", "Trump won't attend.", False),
        ("  ", "Anything.", False),
        ("the “final” offer", 'It was the "final" offer.', True),
    ],
)
def test_verbatim_matches_whole_words_in_a_row(claim: str, source: str, expected: bool) -> None:
    assert verbatim(claim, source) is expected
