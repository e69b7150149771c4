"""The PostgreSQL story store against a real server.

Uses ``$STORYCHECK_PG_DSN`` when set; otherwise starts a throwaway cluster on 127.0.0.1
with the local PostgreSQL binaries (as the ``postgres`` user when running as root).
Skips cleanly when psycopg or a server is not available.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from bench.grouping import bcubed
from bench.storygen import generate

from storycheck.models import ModelUnavailableError, get_fast_embedder
from storycheck.store import Store
from storycheck.stories import update_store

psycopg = pytest.importorskip("psycopg")


def _pg_bin() -> Path | None:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def pg_dsn() -> Iterator[str]:
    dsn = os.environ.get("STORYCHECK_PG_DSN")
    if dsn:
        yield dsn
        return
    bindir = _pg_bin()
    if bindir is None:
        pytest.skip("no PostgreSQL server binaries (apt-get install postgresql)")
    root = os.geteuid() == 0
    prefix: list[str] = []
    if root:
        if shutil.which("runuser") is None:
            pytest.skip("running as root without runuser: cannot start PostgreSQL")
        prefix = ["runuser", "-u", "postgres", "--"]
    tmp = Path(tempfile.mkdtemp(prefix="storycheck-pg-"))
    data = tmp / "data"
    if root:
        shutil.chown(tmp, "postgres")
    port = _free_port()
    user = "postgres" if root else os.environ.get("USER", "postgres")
    try:
        subprocess.run(
            [*prefix, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", user],
            check=True,
            capture_output=True,
            timeout=120,
        )
        subprocess.run(
            [
                *prefix,
                str(bindir / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                f"-h 127.0.0.1 -p {port} -k {tmp}",
                "-l",
                str(tmp / "log"),
                "-w",
                "start",
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    except (subprocess.SubprocessError, OSError) as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        pytest.skip(f"could not start a PostgreSQL server: {exc}")
    dsn = f"postgresql://{user}@127.0.0.1:{port}/postgres"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                psycopg.connect(dsn, connect_timeout=3).close()
                break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.3)
        yield dsn
    finally:
        subprocess.run(
            [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
            capture_output=True,
            timeout=60,
            check=False,
        )
        shutil.rmtree(tmp, ignore_errors=True)


def test_postgres_store_matches_sqlite_and_is_incremental(pg_dsn: str, tmp_path: Path) -> None:
    from storycheck.store.postgres import PostgresStoryStore

    try:
        embedder = get_fast_embedder()
    except ModelUnavailableError as exc:
        pytest.skip(f"fast embedder not installed: {exc}")
    corpus = generate(500, seed=21)
    articles = [a for a, _ in corpus]
    with PostgresStoryStore(pg_dsn) as pg:
        with pg._conn.transaction(), pg._conn.cursor() as cur:
            cur.execute("TRUNCATE sc_stories, sc_story_articles, sc_story_terms, sc_story_meta")
        assert pg.load_story_state() is None
        update_store(pg, articles[:300], embedder=embedder)
    with PostgresStoryStore(pg_dsn) as pg:
        pg_stories = update_store(pg, articles, embedder=embedder)
        assert pg.grouped_article_ids() == {a.id for a in articles}
        some = pg_stories[0]
        assert pg.story_articles(some.id) == list(some.article_ids)
    with Store(tmp_path / "s.db") as lite:
        update_store(lite, articles[:300], embedder=embedder)
        lite_stories = update_store(lite, articles, embedder=embedder)
    # the same runs on either backend give the same stories
    assert pg_stories == lite_stories
    owner = {i: s.id for s in pg_stories for i in s.article_ids}
    gold = [label for _, label in corpus]
    assert bcubed([owner[a.id] for a in articles], gold)["f1"] >= 0.9
