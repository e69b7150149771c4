"""The embedded article store, on SQLite.

Why SQLite and not DuckDB: ingest writes row by row in many small transactions while
readers (the CLI, later the web server) read concurrently; SQLite in WAL mode does
exactly that, ships with Python (no dependency), and its journal guarantees that a
process killed mid-write leaves the last committed state. DuckDB shines at columnar
analytics over large scans, which storycheck does not need at this layer.

Tables: ``articles`` (one row per independent article, keyed by content hash), its
``sentences`` (spans only; the text is sliced from the article), and ``inputs`` (the hash
of each input's bytes → the articles it produced), which lets a rerun skip everything
it has already read. Story grouping (:mod:`storycheck.stories`) keeps ``stories`` (running
sums, title, keywords, date range), ``story_articles`` (each grouped article's story,
embedding and terms), ``story_terms`` (document frequencies) and ``story_meta`` (the
serialised ANN index), so new articles are grouped without touching old ones.
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
import numpy.typing as npt

from storycheck.model import Article, Sentence, SourceFormat, Story
from storycheck.stories.state import ArticleRecord, SavedState, StateDelta, StoryRecord

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
CREATE TABLE IF NOT EXISTS stories (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    size INTEGER NOT NULL,
    title TEXT NOT NULL,
    keywords TEXT NOT NULL,
    first_seen TEXT,
    last_seen TEXT,
    vec_sum BLOB NOT NULL,
    profile TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS story_articles (
    article_id TEXT PRIMARY KEY,
    key INTEGER NOT NULL UNIQUE,
    story_id TEXT NOT NULL,
    title TEXT NOT NULL,
    published TEXT,
    vector BLOB NOT NULL,
    terms TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS story_articles_story ON story_articles(story_id, key);
CREATE TABLE IF NOT EXISTS story_terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS story_meta (key TEXT PRIMARY KEY, value BLOB);
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

    def has_article(self, article_id: str) -> bool:
        """Whether an article with this id is stored (cheap: no sentences are read)."""
        row = self._conn.execute("SELECT 1 FROM articles WHERE id=?", (article_id,)).fetchone()
        return row is not None

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

    # stories ------------------------------------------------------------------------------

    def load_story_state(self) -> SavedState | None:
        """The saved story-grouping state, or None when nothing was grouped yet."""
        meta = dict(self._conn.execute("SELECT key, value FROM story_meta").fetchall())
        if "n_docs" not in meta:
            return None
        stories = [
            story_record(row)
            for row in self._conn.execute(
                "SELECT id, seq, size, title, keywords, first_seen, last_seen, vec_sum, profile "
                "FROM stories"
            )
        ]
        articles = [
            ArticleRecord(key, aid, title, _dt(pub), sid)
            for key, aid, title, pub, sid in self._conn.execute(
                "SELECT key, article_id, title, published, story_id FROM story_articles "
                "ORDER BY key"
            )
        ]
        df = dict(self._conn.execute("SELECT term, df FROM story_terms").fetchall())
        blob = meta.get("index")
        return SavedState(
            stories=stories,
            articles=articles,
            df=df,
            n_docs=int(meta["n_docs"]),
            index_blob=bytes(blob) if blob is not None else None,
            dim=int(meta.get("dim") or 0),
        )

    def save_story_state(self, delta: StateDelta) -> None:
        """Write one grouping run's changes in one transaction."""
        with self.transaction():
            for old, new in delta.merged:
                self._conn.execute(
                    "UPDATE story_articles SET story_id=? WHERE story_id=?", (new, old)
                )
            self._conn.executemany(
                "DELETE FROM stories WHERE id=?", [(sid,) for sid in delta.removed]
            )
            self._conn.executemany(
                "INSERT OR REPLACE INTO stories VALUES (?,?,?,?,?,?,?,?,?,?)",
                [(*story_row(rec), _now()) for rec in delta.stories],
            )
            self._conn.executemany(
                "INSERT OR REPLACE INTO story_articles VALUES (?,?,?,?,?,?,?)",
                [assignment_row(*new) for new in delta.new_articles],
            )
            self._conn.executemany(
                "INSERT OR REPLACE INTO story_terms VALUES (?,?)", list(delta.df.items())
            )
            self._conn.executemany(
                "INSERT OR REPLACE INTO story_meta VALUES (?,?)",
                [
                    ("n_docs", str(delta.n_docs)),
                    ("dim", str(delta.dim)),
                    ("index", delta.index_blob),
                ],
            )

    def stories(self) -> list[Story]:
        """All grouped stories, largest first, then oldest."""
        members: dict[str, list[str]] = {}
        for aid, sid in self._conn.execute(
            "SELECT article_id, story_id FROM story_articles ORDER BY key"
        ):
            members.setdefault(sid, []).append(aid)
        out = [
            Story(
                id=sid,
                title=title,
                article_ids=tuple(members.get(sid, ())),
                keywords=tuple(json.loads(keywords)),
                first_seen=_dt(first),
                last_seen=_dt(last),
            )
            for sid, title, keywords, first, last in self._conn.execute(
                "SELECT id, title, keywords, first_seen, last_seen FROM stories ORDER BY seq"
            )
        ]
        return sorted(out, key=lambda s: -len(s.article_ids))

    def story_articles(self, story_id: str) -> list[str]:
        rows = self._conn.execute(
            "SELECT article_id FROM story_articles WHERE story_id=? ORDER BY key", (story_id,)
        ).fetchall()
        return [r[0] for r in rows]

    def grouped_article_ids(self) -> set[str]:
        return {r[0] for r in self._conn.execute("SELECT article_id FROM story_articles")}


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def story_row(rec: StoryRecord) -> tuple[Any, ...]:
    """A story record as a row: id, seq, size, title, keywords, first, last, sums, profile."""
    return (
        rec.id,
        rec.seq,
        rec.size,
        rec.title,
        json.dumps(list(rec.keywords)),
        rec.first_seen.isoformat() if rec.first_seen else None,
        rec.last_seen.isoformat() if rec.last_seen else None,
        np.asarray(rec.vec_sum, dtype=np.float64).tobytes(),
        json.dumps(rec.profile),
    )


def assignment_row(
    rec: ArticleRecord, vec: npt.NDArray[np.float32], terms: dict[str, float]
) -> tuple[Any, ...]:
    """A newly assigned article as a row: id, key, story, title, published, vector, terms."""
    return (
        rec.article_id,
        rec.key,
        rec.story_id,
        rec.title,
        rec.published.isoformat() if rec.published else None,
        np.asarray(vec, dtype=np.float32).tobytes(),
        json.dumps(terms),
    )


def story_record(row: Sequence[Any]) -> StoryRecord:
    """The inverse of :func:`story_row`."""
    sid, seq, size, title, keywords, first, last, vec_sum, profile = row
    return StoryRecord(
        id=sid,
        seq=int(seq),
        size=int(size),
        vec_sum=np.frombuffer(bytes(vec_sum), dtype=np.float64).copy(),
        profile=dict(json.loads(profile)),
        first_seen=_dt(first) if isinstance(first, str) or first is None else first,
        last_seen=_dt(last) if isinstance(last, str) or last is None else last,
        title=title,
        keywords=tuple(json.loads(keywords)),
    )
