from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BODY = (
    "Depot fire\nBy Ana Lima | Coast Wire\n\nFirefighters battled a blaze at the Northgate depot "
    "for five hours on Tuesday, officials said. About 300 homes were evacuated."
)


def run(
    *args: str, stdin: str | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "storycheck.cli", *args],
        capture_output=True,
        text=True,
        input=stdin,
        timeout=120,
        cwd=cwd,
    )


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    d = tmp_path / "corpus"
    d.mkdir()
    (d / "a.txt").write_text(BODY, encoding="utf-8")
    (d / "bad.json").write_text("{broken", encoding="utf-8")
    (d / "img.html").write_bytes(b"\x89PNG\r\n\x1a\nxxxx")
    return d


def test_ingest_ls_show(corpus: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "s.db")
    res = run("ingest", str(corpus), "--db", db)
    assert res.returncode == 0
    assert "Depot fire" in res.stdout
    lines = [line for line in res.stderr.splitlines() if line.startswith("storycheck:")]
    assert len(lines) == 2
    assert any("bad.json: malformed JSON" in line for line in lines)
    assert any("img.html: binary file" in line for line in lines)
    assert "Traceback" not in res.stderr
    listed = json.loads(run("ls", "--db", db, "--json").stdout)
    assert [a["title"] for a in listed] == ["Depot fire"]
    assert listed[0]["outlet"] == "Coast Wire"
    shown = run("show", listed[0]["id"][:6], "--db", db)
    assert shown.returncode == 0
    assert "[  1] Firefighters battled" in shown.stdout
    shown_json = json.loads(run("--json", "show", listed[0]["id"], "--db", db).stdout)
    assert shown_json["sentences"][1]["text"] == "About 300 homes were evacuated."


def test_exit_codes(corpus: Path, tmp_path: Path) -> None:
    assert run("ingest", str(corpus / "bad.json"), "--no-store").returncode == 2
    assert run("ingest", str(corpus), "--no-store", "--strict", "-q").returncode == 1
    assert run("ingest", str(corpus / "a.txt"), "--no-store", "--strict", "-q").returncode == 0
    missing = run("ingest", str(tmp_path / "nope.txt"), "--no-store")
    assert missing.returncode == 2
    assert "nope.txt: no such file or directory" in missing.stderr
    assert run("show", "deadbeef", "--db", str(tmp_path / "x.db")).returncode == 2


def test_stdin_and_json_output(tmp_path: Path) -> None:
    res = run("ingest", "-", "--no-store", "--json", stdin=BODY)
    assert res.returncode == 0
    payload = json.loads(res.stdout)
    assert payload["articles"][0]["title"] == "Depot fire"
    assert payload["new"] == 1


def test_quiet_prints_no_summary(corpus: Path) -> None:
    res = run("ingest", str(corpus / "a.txt"), "--no-store", "-q")
    assert "articles from" not in res.stderr


def test_help_everywhere() -> None:
    for args in ([], ["ingest"], ["ls"], ["show"], ["analyze"], ["audit"]):
        res = run(*args, "--help")
        assert res.returncode == 0 and "Usage" in res.stdout


def test_read_only_commands_refuse_a_missing_store(tmp_path: Path) -> None:
    """`--db typo.db` used to create an empty store and list nothing."""
    typo = tmp_path / "typo.db"
    for args in (["ls"], ["show", "abc"], ["stories"]):
        res = run(*args, "--db", str(typo))
        assert res.returncode == 2, (args, res.stderr)
        assert "typo.db: no such store" in res.stderr
        assert "Traceback" not in res.stderr
    assert not typo.exists()


def test_counts_are_in_words(corpus: Path) -> None:
    res = run("ingest", str(corpus / "a.txt"), "--no-store")
    assert "1 article from 1 input" in res.stderr, res.stderr


def test_unusable_store_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage" * 1000)
    res = run("ls", "--db", str(bad))
    assert res.returncode == 2
    assert "not a usable storycheck store" in res.stderr
    assert "Traceback" not in res.stderr


SOURCES = {
    "a.txt": (
        "Depot fire\nBy Ana Lima | Coast Wire\n\nFirefighters battled a blaze at the Northgate "
        "depot for five hours on Tuesday, officials said. About 300 homes were evacuated."
    ),
    "b.txt": (
        "Northgate blaze\nBy Tom Reyes | Harbour News\n\nA fire at the Northgate depot burned "
        "for five hours on Tuesday. About 300 homes were evacuated as a precaution."
    ),
}
DRAFT = (
    "Northgate depot fire\n\nA fire at the Northgate depot burned for five hours on Tuesday. "
    "“We have never seen anything like it,” said fire chief Mara Olsen. "
    "About 900 homes were evacuated. "
    "The depot will be demolished next spring, the owners announced."
)


def test_analyze_writes_reports_by_suffix_and_audit(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for name, text in SOURCES.items():
        (src / name).write_text(text, encoding="utf-8")
    html, md = tmp_path / "r.html", tmp_path / "r.md"
    res = run("analyze", str(src), "-o", str(html), "-o", str(md), "--length", "short", "-q")
    if res.returncode == 2 and "model" in res.stderr.lower():
        pytest.skip(res.stderr)
    assert res.returncode == 0, res.stderr
    assert html.read_text().startswith("<!doctype html>") and "## Sources" in md.read_text()
    bad = run("analyze", str(src), "-o", str(tmp_path / "r.pdf"))
    assert bad.returncode == 2 and "unknown report format" in bad.stderr
    assert "Traceback" not in bad.stderr
    draft = tmp_path / "draft.txt"
    draft.write_text(DRAFT, encoding="utf-8")
    # the README's form: several sources after one --against
    sources = [str(src / name) for name in SOURCES]
    res = run("audit", str(draft), "--against", *sources, "--json", "-o", str(tmp_path / "a.html"))
    assert res.returncode == 0, res.stderr
    doc = json.loads(res.stdout)
    assert doc["schema"] == "storycheck.audit/1"
    assert len(doc["sources"]) == len(SOURCES)
    verdicts = {s["text"][:20]: s["verdict"] for s in doc["sentences"]}
    assert verdicts["A fire at the Northg"] == "supported"
    assert verdicts["“We have never seen "] == "not_found"
    assert verdicts["The depot will be de"] == "not_found"
    assert verdicts["About 900 homes were"] == "contradicted"  # the sources say 300
    contra = next(s for s in doc["sentences"] if s["verdict"] == "contradicted")
    assert any("300" in e["text"] for e in contra["evidence"])
    assert doc["summary"] == {"sentences": 4, "supported": 1, "contradicted": 1, "not_found": 2}
    assert (tmp_path / "a.html").read_text().startswith("<!doctype html>")
    missing = run("audit", str(tmp_path / "nope.txt"), "--against", str(src))
    assert missing.returncode == 2 and "nope.txt" in missing.stderr


def test_live_progress_shows_story_stage_and_elapsed_time() -> None:
    import io

    from rich.console import Console

    from storycheck.cli import Output, _Stages

    out = Output()
    buffer = io.StringIO()
    out.err = Console(file=buffer, force_terminal=True, width=100)
    with _Stages(out) as live:
        live("reading inputs")
        live("story 2/3: Port fire (5 articles)")
        live("checking entailment")
        assert live.progress is not None
        task = live.progress.tasks[0]
        assert task.description == "story 2/3 · checking entailment"
        live("warning: LLM writer failed (timeout); using the extractive brief")
    assert "storycheck: warning: LLM writer failed" in buffer.getvalue()
    # not a terminal (a pipe, CI): nothing is drawn
    quiet = Output()
    quiet.err = Console(file=io.StringIO(), force_terminal=False)
    with _Stages(quiet) as live:
        live("checking entailment")
        assert live.progress is None
