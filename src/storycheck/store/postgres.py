"""Story-grouping state on PostgreSQL, for teams sharing one server.

The same :class:`storycheck.stories.StoryBackend` interface as the SQLite store (stories,
assignments, embeddings, term frequencies, the ANN index), so ``update_store`` works with
either::

    from storycheck.store.postgres import PostgresStoryStore
    with PostgresStoryStore("postgresql://user@host/db") as store:
        stories = update_store(store, articles)

Needs ``pip install 'storycheck[postgres]'`` (psycopg 3). Vectors are stored as
``bytea`` (float32): candidate search runs in the usearch index that is stored beside
them, so the server needs no extension — pgvector is not packaged for Debian 12 (the
distribution CI uses), and nothing here would use its operators. Every save is one
transaction; two writers are serialised by a transaction-level advisory lock.
"""

from __future__ import annotations

import json
from typing import Any

from storycheck.model import Story
from storycheck.store.sqlite import assignment_row, story_record, story_row
from storycheck.stories.state import ArticleRecord, SavedState, StateDelta

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sc_stories (
    id TEXT PRIMARY KEY,
    seq INTEGER NOT NULL,
    size INTEGER NOT NULL,
    title TEXT NOT NULL,
    keywords TEXT NOT NULL,
    first_seen TEXT,
    last_seen TEXT,
    vec_sum BYTEA NOT NULL,
    profile TEXT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE TABLE IF NOT EXISTS sc_story_articles (
    article_id TEXT PRIMARY KEY,
    key INTEGER NOT NULL UNIQUE,
    story_id TEXT NOT NULL,
    title TEXT NOT NULL,
    published TEXT,
    vector BYTEA NOT NULL,
    terms TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS sc_story_articles_story ON sc_story_articles(story_id, key);
CREATE TABLE IF NOT EXISTS sc_story_terms (term TEXT PRIMARY KEY, df INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sc_story_meta (key TEXT PRIMARY KEY, value BYTEA);
"""

_LOCK = 0x5C57  # advisory lock id for writers


class PostgresStoryStore:
    """Story-grouping state in PostgreSQL tables prefixed ``sc_``."""

    def __init__(self, dsn: str, *, connect_timeout: float = 10.0) -> None:
        import psycopg

        self._conn: Any = psycopg.connect(dsn, connect_timeout=int(connect_timeout))
        with self._conn.transaction(), self._conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
            cur.execute(_SCHEMA)

    def __enter__(self) -> PostgresStoryStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._conn.close()

    def load_story_state(self) -> SavedState | None:
        with self._conn.cursor() as cur:
            cur.execute("SELECT key, value FROM sc_story_meta")
            meta = {k: bytes(v) if v is not None else None for k, v in cur.fetchall()}
            if "n_docs" not in meta:
                self._conn.rollback()
                return None
            cur.execute(
                "SELECT id, seq, size, title, keywords, first_seen, last_seen, vec_sum, profile "
                "FROM sc_stories"
            )
            stories = [story_record(row) for row in cur.fetchall()]
            cur.execute(
                "SELECT key, article_id, title, published, story_id FROM sc_story_articles "
                "ORDER BY key"
            )
            articles = [
                ArticleRecord(key, aid, title, _dt(pub), sid)
                for key, aid, title, pub, sid in cur.fetchall()
            ]
            cur.execute("SELECT term, df FROM sc_story_terms")
            df = {t: int(n) for t, n in cur.fetchall()}
        self._conn.rollback()
        n_docs, dim = meta["n_docs"], meta.get("dim")
        return SavedState(
            stories=stories,
            articles=articles,
            df=df,
            n_docs=int((n_docs or b"0").decode()),
            index_blob=meta.get("index"),
            dim=int((dim or b"0").decode()),
        )

    def save_story_state(self, delta: StateDelta) -> None:
        with self._conn.transaction(), self._conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (_LOCK,))
            for old, new in delta.merged:
                cur.execute(
                    "UPDATE sc_story_articles SET story_id=%s WHERE story_id=%s", (new, old)
                )
            cur.executemany("DELETE FROM sc_stories WHERE id=%s", [(s,) for s in delta.removed])
            cur.executemany(
                """INSERT INTO sc_stories
                (id, seq, size, title, keywords, first_seen, last_seen, vec_sum, profile)
                VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s)
                ON CONFLICT (id) DO UPDATE SET size=EXCLUDED.size, title=EXCLUDED.title,
                    keywords=EXCLUDED.keywords, first_seen=EXCLUDED.first_seen,
                    last_seen=EXCLUDED.last_seen, vec_sum=EXCLUDED.vec_sum,
                    profile=EXCLUDED.profile, updated_at=now()""",
                [story_row(rec) for rec in delta.stories],
            )
            cur.executemany(
                """INSERT INTO sc_story_articles VALUES (%s,%s,%s,%s,%s,%s,%s)
                ON CONFLICT (article_id) DO UPDATE SET story_id=EXCLUDED.story_id""",
                [assignment_row(*new) for new in delta.new_articles],
            )
            cur.executemany(
                """INSERT INTO sc_story_terms VALUES (%s,%s)
                ON CONFLICT (term) DO UPDATE SET df=EXCLUDED.df""",
                list(delta.df.items()),
            )
            cur.executemany(
                """INSERT INTO sc_story_meta VALUES (%s,%s)
                ON CONFLICT (key) DO UPDATE SET value=EXCLUDED.value""",
                [
                    ("n_docs", str(delta.n_docs).encode()),
                    ("dim", str(delta.dim).encode()),
                    ("index", delta.index_blob),
                ],
            )

    def stories(self) -> list[Story]:
        with self._conn.cursor() as cur:
            cur.execute("SELECT article_id, story_id FROM sc_story_articles ORDER BY key")
            members: dict[str, list[str]] = {}
            for aid, sid in cur.fetchall():
                members.setdefault(sid, []).append(aid)
            cur.execute(
                "SELECT id, title, keywords, first_seen, last_seen FROM sc_stories ORDER BY seq"
            )
            rows = cur.fetchall()
        self._conn.rollback()
        out = [
            Story(
                id=sid,
                title=title,
                article_ids=tuple(members.get(sid, ())),
                keywords=tuple(json.loads(keywords)),
                first_seen=_dt(first),
                last_seen=_dt(last),
            )
            for sid, title, keywords, first, last in rows
        ]
        return sorted(out, key=lambda s: -len(s.article_ids))

    def story_articles(self, story_id: str) -> list[str]:
        with self._conn.cursor() as cur:
            cur.execute(
                "SELECT article_id FROM sc_story_articles WHERE story_id=%s ORDER BY key",
                (story_id,),
            )
            rows = cur.fetchall()
        self._conn.rollback()
        return [r[0] for r in rows]

    def grouped_article_ids(self) -> set[str]:
        with self._conn.cursor() as cur:
            cur.execute("SELECT article_id FROM sc_story_articles")
            rows = cur.fetchall()
        self._conn.rollback()
        return {r[0] for r in rows}


def _dt(value: str | None) -> Any:
    from datetime import datetime

    return datetime.fromisoformat(value) if value else None
