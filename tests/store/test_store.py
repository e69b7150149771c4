from __future__ import annotations

import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from storycheck.ingest import ingest
from storycheck.store import Store
from storycheck.store.sqlite import StoreError

ARTICLE = (
    "Harbour fire {n}\nBy Reporter {n} | Outlet {n}\nPublished: 2025-03-0{d}\n\n"
    "Crews fought fire number {n} at pier {n} for {h} hours on the night of the storm, officials "
    "said. About {n}00 residents of district {n} were told to stay indoors while engineers from "
    "company {n} checked the tanks. The mayor of town {n} promised an inquiry into blaze {n}."
)


def make_corpus(directory: Path, count: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        text = ARTICLE.format(n=n, d=n % 9 + 1, h=n % 7 + 2)
        (directory / f"a{n:05d}.txt").write_text(text, encoding="utf-8")


def test_round_trip(tmp_path: Path) -> None:
    make_corpus(tmp_path / "c", 3)
    with Store(tmp_path / "s.db") as store:
        result = ingest([str(tmp_path / "c")], store=store)
        stored = {a.id: a for a in store.articles()}
    assert len(stored) == 3
    for article in result.articles:
        again = stored[article.id]
        assert again == article
        assert again.sentences and all(
            again.text[s.start : s.end] == s.text for s in again.sentences
        )


def test_second_run_only_processes_new_inputs(tmp_path: Path) -> None:
    make_corpus(tmp_path / "c", 4)
    db = tmp_path / "s.db"
    with Store(db) as store:
        first = ingest([str(tmp_path / "c")], store=store)
    assert (first.new, first.known) == (4, 0)
    make_corpus(tmp_path / "c2", 6)  # 4 identical to the first corpus' texts, 2 new
    with Store(db) as store:
        second = ingest([str(tmp_path / "c")], store=store)
        assert (second.new, second.known) == (0, 4)
        assert len(second.articles) == 4
        third = ingest([str(tmp_path / "c2")], store=store)
        assert store.count() == 6
    assert third.new == 2  # the other four have the same text: exact duplicates, merged


def test_prefix_lookup(tmp_path: Path) -> None:
    make_corpus(tmp_path / "c", 2)
    with Store(tmp_path / "s.db") as store:
        result = ingest([str(tmp_path / "c")], store=store)
        article = result.articles[0]
        found = store.get_article(article.id[:6])
        assert found is not None and found.id == article.id
        assert store.get_article("zzzzzz") is None


def test_transaction_rolls_back(tmp_path: Path) -> None:
    make_corpus(tmp_path / "c", 1)
    article = ingest([str(tmp_path / "c")]).articles[0]
    with Store(tmp_path / "s.db") as store:
        with pytest.raises(RuntimeError), store.transaction():
            store.put_article(article)
            raise RuntimeError("boom")
        assert store.count() == 0


def test_not_a_store(tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(StoreError, match="not a usable storycheck store"):
        Store(bad)


def test_killed_ingest_leaves_a_readable_store_and_rerun_completes(tmp_path: Path) -> None:
    total = 1500
    make_corpus(tmp_path / "c", total)
    db = tmp_path / "s.db"
    cmd = [
        sys.executable,
        "-m",
        "storycheck.cli",
        "ingest",
        str(tmp_path / "c"),
        "--db",
        str(db),
        "-q",
    ]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    stored = 0
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        if not db.exists():
            continue
        try:
            with sqlite3.connect(db, timeout=5) as conn:
                stored = conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0]
        except sqlite3.OperationalError:
            continue
        if stored >= 20:
            proc.send_signal(signal.SIGKILL)
            break
    proc.wait(timeout=30)
    if proc.returncode == 0:
        pytest.skip("ingest finished before it could be killed on this machine")
    assert proc.returncode == -signal.SIGKILL
    with Store(db) as store:
        assert store.integrity_ok()
        partial = store.count()
        assert 20 <= partial < total
    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr
    with Store(db) as store:
        assert store.count() == total
        assert store.integrity_ok()
