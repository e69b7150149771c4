"""The head's generated "copy" training pairs (train/nli/head.copies)."""

from __future__ import annotations

from train.nli.head import copies

SENTENCES = [
    ("g1", "On Monday, the council approved a budget of 12 million euros for the bridge."),
    ("g2", "The museum, which opened in 1998, reported record visitor numbers."),
]


def test_copies_pair_a_sentence_with_itself_a_shorter_copy_and_a_changed_number() -> None:
    pairs = copies(SENTENCES, share=1.0, seed=3)
    kinds = {(p.source, p.premise[:10]): p for p in pairs}
    identity = kinds[("copy-identity", "On Monday,")]
    assert identity.hypothesis == identity.premise and identity.label == "entailment"
    clause = kinds[("copy-clause", "On Monday,")]
    assert clause.hypothesis.startswith("The council approved a budget of 12 million euros")
    assert clause.label == "entailment"
    number = kinds[("copy-number", "On Monday,")]
    assert number.label == "contradiction"
    assert "12 million" not in number.hypothesis and "million euros" in number.hypothesis
    # a year is not a number to change; a long lead-in is not dropped
    assert ("copy-number", "The museum") not in kinds
    assert ("copy-clause", "The museum") not in kinds
    assert all(p.split == "train" for p in pairs)


def test_copies_share_and_seed_are_respected() -> None:
    assert copies(SENTENCES, share=0.0, seed=1) == []
    assert copies(SENTENCES, share=0.5, seed=7) == copies(SENTENCES, share=0.5, seed=7)
