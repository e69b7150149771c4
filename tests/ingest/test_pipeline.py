from __future__ import annotations

import json
from pathlib import Path

import pytest

from storycheck.ingest import IngestOptions, ingest

PARAS = [
    "Firefighters battled a blaze at the Northgate chemical depot for five hours on Tuesday, "
    "officials said, after flames spread from a storage shed to two warehouses.",
    "About 300 homes were evacuated as a precaution, and twelve people were treated for smoke "
    "inhalation at the regional hospital, according to fire chief Ana Ruiz.",
    "The depot's owner, Calder Logistics, said it was cooperating with investigators and that "
    "no hazardous material had leaked into the harbour.",
    "Residents were allowed to return home on Wednesday morning once air-quality tests came back "
    "normal, the city council said in a statement.",
]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_syndicated_copy_is_one_source_with_all_outlets(tmp_path: Path) -> None:
    original = "Depot fire\nBy Ana Lima | Coast Wire\n\n" + "\n\n".join(PARAS)
    copy = "Depot blaze\nBy Ana Lima | Bay Times\n\n" + "\n\n".join(PARAS[:3]) + "\n\n" + PARAS[3]
    copy = copy.replace("on Tuesday, officials said", "on Tuesday, officials confirmed")
    other = "Council votes on budget\n\n" + "The city council approved a budget of 40 million. " * 5
    write(tmp_path / "a.txt", original)
    write(tmp_path / "b.txt", copy)
    write(tmp_path / "c.txt", other)
    result = ingest([str(tmp_path)])
    assert len(result.articles) == 2
    merged = next(a for a in result.articles if a.title == "Depot fire")
    assert merged.outlets == ("Coast Wire", "Bay Times")
    assert merged.duplicate_sources == (str(tmp_path / "b.txt"),)
    assert "syndicated" in merged.flags
    assert result.merged == 1


def test_exact_duplicate_files_collapse(tmp_path: Path) -> None:
    text = "Depot fire\n\n" + "\n\n".join(PARAS)
    write(tmp_path / "a.txt", text)
    write(
        tmp_path / "b.json",
        json.dumps({"title": "Depot fire", "outlet": "X", "text": "\n\n".join(PARAS)}),
    )
    result = ingest([str(tmp_path / "a.txt"), str(tmp_path / "b.json")])
    assert len(result.articles) == 1


def test_bad_inputs_are_reported_and_others_processed(tmp_path: Path) -> None:
    good = write(tmp_path / "good.txt", "Depot fire\n\n" + "\n\n".join(PARAS))
    (tmp_path / "bin.html").write_bytes(b"%PDF-1.4 \x00\x01")
    write(tmp_path / "empty.txt", "")
    write(tmp_path / "bad.json", "{not json")
    write(tmp_path / "lines.jsonl", json.dumps({"title": "A", "text": PARAS[0]}) + "\n{bad\n")
    result = ingest([str(tmp_path), str(tmp_path / "missing.txt")])
    reasons = {Path(p.source).name.split("#")[0]: p.reason for p in result.problems}
    assert "PDF" in reasons["bin.html"]
    assert "empty" in reasons["empty.txt"]
    assert "malformed JSON" in reasons["bad.json"]
    assert "line 2" in reasons["lines.jsonl"]
    assert "no such file" in reasons["missing.txt"]
    assert {a.source for a in result.articles} == {str(good), str(tmp_path / "lines.jsonl#1")}


def test_non_english_is_kept_and_flagged(tmp_path: Path) -> None:
    text = (
        "Incendie au dépôt\n\nLes pompiers ont combattu un incendie au dépôt chimique pendant cinq "
        "heures mardi, selon les autorités. Environ trois cents foyers ont été évacués par "
        "précaution et douze personnes ont été soignées."
    )
    write(tmp_path / "fr.txt", text)
    (article,) = ingest([str(tmp_path / "fr.txt")]).articles
    assert article.language == "fr"
    assert "non-english" in article.flags


def test_sentence_spans_map_to_article_text(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "Depot fire\n\n" + "\n\n".join(PARAS))
    (article,) = ingest([str(tmp_path / "a.txt")], IngestOptions(segmenter="pysbd")).articles
    assert len(article.sentences) >= 4
    for s in article.sentences:
        assert article.text[s.start : s.end] == s.text


def test_seeds_integration(seeds_dir: Path) -> None:
    result = ingest([str(seeds_dir)])
    assert not result.problems
    assert len(result.articles) == 5
    by_name = {Path(a.source).name[:3]: a for a in result.articles}
    assert by_name["001"].title is not None and by_name["001"].title.startswith("Navigating")
    assert by_name["003"].title is not None and by_name["003"].title.startswith("Trump's Return")
    assert by_name["000"].title is None and by_name["002"].title is None
    junk = ("Failed to load", "Must Read", "Picture credit", "Related Sources", "russian ukraine")
    for article in result.articles:
        assert article.language == "en"
        for marker in junk:
            assert marker not in article.text, (article.source, marker)
        for s in article.sentences:
            assert article.text[s.start : s.end] == s.text
    assert by_name["004"].text.rstrip().endswith("territory.")
    assert by_name["001"].text.rstrip().endswith("alone.")


def test_concurrent_ingests_of_the_same_inputs_count_each_article_once(tmp_path: Path) -> None:
    """#17: two ingests of the same files at once both counted the articles as new, so the
    summaries' new + known did not add up."""
    import contextlib
    from collections.abc import Iterator

    from storycheck.ingest import Ingestor
    from storycheck.store import Store

    corpus = tmp_path / "in"
    corpus.mkdir()
    for n in range(3):
        (corpus / f"{n}.txt").write_text(
            f"Story {n} headline\n\nThe council in town {n} voted on the plan on Tuesday. "
            f"It passed by {n + 5} votes to two after a long debate about roads.",
            encoding="utf-8",
        )
    db = tmp_path / "store.db"
    first_store, second_store = Store(db), Store(db)
    first, second = Ingestor(IngestOptions(), first_store), Ingestor(IngestOptions(), second_store)
    original = first_store.transaction
    ran_second: list[object] = []

    @contextlib.contextmanager
    def interleaved() -> Iterator[None]:
        # the second ingest runs to the end while the first is about to commit its first input
        if not ran_second:
            ran_second.append(second.run([str(corpus)]))
        with original():
            yield

    first_store.transaction = interleaved  # type: ignore[method-assign]
    try:
        result = first.run([str(corpus)])
    finally:
        first.close()
        second.close()
        first_store.close()
        second_store.close()
    other = ran_second[0]
    assert other.new == 3 and other.known == 0  # type: ignore[attr-defined]
    assert result.new + result.known == 3
    assert result.new == 0 and result.known == 3


def test_a_reader_bug_on_one_input_does_not_end_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """#17: an unexpected error while reading one input ended the whole run (exit 3)."""
    from storycheck.ingest import pipeline

    good = tmp_path / "good.txt"
    good.write_text("Budget passes\n\nThe council approved the budget on Tuesday.", "utf-8")
    bad = tmp_path / "bad.md"
    bad.write_text("# Title\n\nSome text that the reader will choke on.", "utf-8")

    def broken(text: str, source: str, **_: object) -> object:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(pipeline, "read_markdown", broken)
    result = ingest([str(bad), str(good)])
    assert [a.title for a in result.articles] == ["Budget passes"]
    assert any(
        "RecursionError" in p.reason and p.source.endswith("bad.md") for p in result.problems
    )
