"""The embedded article store, on SQLite.

Why SQLite and not DuckDB: ingest writes row by row in many small transactions while
readers (the CLI, later the web server) read concurrently; SQLite in WAL mode does
exactly that, ships with Python (no dependency), and its journal guarantees that a
process killed mid-write leaves the last committed state. DuckDB shines at columnar
analytics over large scans, which storycheck does not need at this layer.

Tables: ``articles`` (one row per independent article, keyed by content hash), its
``sentences`` (spans only; the text is sliced from the article), and ``inputs`` (the hash
of each input's bytes → the articles it produced), which lets a rerun skip everything
it has already read.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from storycheck.model import Article, Sentence, SourceFormat

SCHEMA_VERSION = 1

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    id TEXT PRIMARY KEY,
    content_hash TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    format TEXT NOT NULL,
    title TEXT,
    outlet TEXT,
    author TEXT,
    published TEXT,
    url TEXT,
    language TEXT,
    text TEXT NOT NULL,
    paragraphs TEXT NOT NULL,
    outlets TEXT NOT NULL,
    duplicate_sources TEXT NOT NULL,
    removed_lines TEXT NOT NULL,
    flags TEXT NOT NULL,
    minhash BLOB,
    added_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sentences (
    article_id TEXT NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start INTEGER NOT NULL,
    end INTEGER NOT NULL,
    paragraph INTEGER NOT NULL,
    PRIMARY KEY (article_id, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS inputs (
    raw_hash TEXT NOT NULL,
    source TEXT NOT NULL,
    article_ids TEXT NOT NULL,
    added_at TEXT NOT NULL,
    PRIMARY KEY (raw_hash, source)
);
CREATE INDEX IF NOT EXISTS articles_published ON articles(published);
"""

_ARTICLE_COLUMNS = (
    "id, content_hash, source, format, title, outlet, author, published, url, language, text, "
    "paragraphs, outlets, duplicate_sources, removed_lines, flags"
)


def default_db_path() -> Path:
    """``$STORYCHECK_DB`` or ``.storycheck/storycheck.db`` in the working directory."""
    return Path(os.environ.get("STORYCHECK_DB", ".storycheck/storycheck.db"))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class StoreError(Exception):
    """The store file cannot be opened or is not a storycheck store."""


class Store:
    """An SQLite-backed store of articles. Use as a context manager or call ``close``."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if str(path) != ":memory:":
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute("PRAGMA foreign_keys=ON")
            self._conn.execute("PRAGMA busy_timeout=10000")
            self._conn.executescript(_SCHEMA)
            row = self._conn.execute("SELECT value FROM meta WHERE key='schema'").fetchone()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{path}: not a usable storycheck store ({exc})") from None
        if row is None:
            self._conn.execute("INSERT INTO meta VALUES ('schema', ?)", (str(SCHEMA_VERSION),))
        elif int(row[0]) > SCHEMA_VERSION:
            raise StoreError(f"{path}: made by a newer storycheck (schema {row[0]})")
        self._lock = threading.RLock()
        self._depth = 0

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all (nesting joins the outer one)."""
        with self._lock:
            outer = self._depth == 0
            if outer:
                self._conn.execute("BEGIN IMMEDIATE")
            self._depth += 1
            try:
                yield
            except BaseException:
                self._depth -= 1
                if outer:
                    self._conn.execute("ROLLBACK")
                raise
            self._depth -= 1
            if outer:
                self._conn.execute("COMMIT")

    # writing -------------------------------------------------------------------------------

    def put_article(self, article: Article, signature: np.ndarray | None = None) -> None:
        """Insert or update an article (and its sentences); a None signature keeps the old."""
        blob = None if signature is None else np.asarray(signature, dtype=np.uint64).tobytes()
        with self.transaction():
            self._conn.execute(
                f"""INSERT INTO articles ({_ARTICLE_COLUMNS}, minhash, added_at)
                VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)
                ON CONFLICT(id) DO UPDATE SET
                    title=excluded.title, outlet=excluded.outlet, author=excluded.author,
                    published=excluded.published, url=excluded.url, outlets=excluded.outlets,
                    duplicate_sources=excluded.duplicate_sources, flags=excluded.flags,
                    minhash=COALESCE(excluded.minhash, articles.minhash)""",
                (
                    article.id,
                    article.content_hash,
                    article.source,
                    article.format.value,
                    article.title,
                    article.outlet,
                    article.author,
                    article.published.isoformat() if article.published else None,
                    article.url,
                    article.language,
                    article.text,
                    json.dumps(article.paragraphs),
                    json.dumps(article.outlets),
                    json.dumps(article.duplicate_sources),
                    json.dumps(article.removed_lines),
                    json.dumps(article.flags),
                    blob,
                    _now(),
                ),
            )
            self._conn.execute("DELETE FROM sentences WHERE article_id=?", (article.id,))
            self._conn.executemany(
                "INSERT INTO sentences VALUES (?,?,?,?,?)",
                [(article.id, s.index, s.start, s.end, s.paragraph) for s in article.sentences],
            )

    def record_input(self, raw_hash: str, source: str, article_ids: Sequence[str]) -> None:
        with self.transaction():
            self._conn.execute(
                "INSERT OR REPLACE INTO inputs VALUES (?,?,?,?)",
                (raw_hash, source, json.dumps(list(article_ids)), _now()),
            )

    # reading --------------------------------------------------------------------------------

    def input_articles(self, raw_hash: str, source: str) -> list[str] | None:
        """Article ids an already-ingested input produced, or None if it is new."""
        row = self._conn.execute(
            "SELECT article_ids FROM inputs WHERE raw_hash=? AND source=?", (raw_hash, source)
        ).fetchone()
        return None if row is None else list(json.loads(row[0]))

    def signatures(self) -> Iterator[tuple[str, np.ndarray]]:
        for article_id, blob in self._conn.execute(
            "SELECT id, minhash FROM articles WHERE minhash IS NOT NULL ORDER BY rowid"
        ):
            yield article_id, np.frombuffer(blob, dtype=np.uint64)

    def _sentences(self, article_id: str, text: str) -> tuple[Sentence, ...]:
        rows = self._conn.execute(
            "SELECT idx, start, end, paragraph FROM sentences WHERE article_id=? ORDER BY idx",
            (article_id,),
        ).fetchall()
        return tuple(Sentence(article_id, i, s, e, text[s:e], p) for i, s, e, p in rows)

    def _article(self, row: Sequence[Any]) -> Article:
        (
            aid,
            chash,
            source,
            fmt,
            title,
            outlet,
            author,
            published,
            url,
            language,
            text,
            paragraphs,
            outlets,
            dups,
            removed,
            flags,
        ) = row
        return Article(
            id=aid,
            source=source,
            format=SourceFormat(fmt),
            text=text,
            paragraphs=tuple(json.loads(paragraphs)),
            sentences=self._sentences(aid, text),
            content_hash=chash,
            title=title,
            outlet=outlet,
            author=author,
            published=datetime.fromisoformat(published) if published else None,
            url=url,
            language=language,
            outlets=tuple(json.loads(outlets)),
            duplicate_sources=tuple(json.loads(dups)),
            removed_lines=tuple(json.loads(removed)),
            flags=tuple(json.loads(flags)),
        )

    def get_article(self, article_id: str) -> Article | None:
        """An article by id or by a unique id prefix (at least 4 characters)."""
        row = self._conn.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id=?", (article_id,)
        ).fetchone()
        if row is None and len(article_id) >= 4:
            rows = self._conn.execute(
                f"SELECT {_ARTICLE_COLUMNS} FROM articles WHERE id LIKE ? LIMIT 2",
                (article_id.replace("%", "").replace("_", "") + "%",),
            ).fetchall()
            row = rows[0] if len(rows) == 1 else None
        return None if row is None else self._article(row)

    def get_articles(self, article_ids: Iterable[str]) -> list[Article]:
        found = (self.get_article(a) for a in article_ids)
        return [a for a in found if a is not None]

    def articles(self) -> list[Article]:
        """All articles, oldest first (by publication date, then by insertion)."""
        rows = self._conn.execute(
            f"SELECT {_ARTICLE_COLUMNS} FROM articles ORDER BY published IS NULL, published, rowid"
        ).fetchall()
        return [self._article(row) for row in rows]

    def count(self) -> int:
        return int(self._conn.execute("SELECT COUNT(*) FROM articles").fetchone()[0])

    def integrity_ok(self) -> bool:
        return bool(self._conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok")
