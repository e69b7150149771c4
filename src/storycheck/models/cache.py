"""An on-disk cache of sentence embeddings, keyed by model id and text hash.

One SQLite file (``<cache>/embeddings/vectors.sqlite3``, see
:func:`storycheck.models._deps.cache_root`) holds float32 vectors as raw bytes, so a
cached vector comes back bit-identical. The database runs in WAL mode, so several
processes can read and write it at once; a cache that cannot be opened or written
(read-only home, full disk) is switched off with one warning instead of failing the run.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
import warnings
from collections.abc import Iterable, Sequence
from pathlib import Path

from storycheck.models._deps import cache_root

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    model TEXT NOT NULL,
    key BLOB NOT NULL,
    dim INTEGER NOT NULL,
    vec BLOB NOT NULL,
    PRIMARY KEY (model, key)
) WITHOUT ROWID
"""

# SQLite's default limit on host parameters is 999 in old builds.
_CHUNK = 500


def text_key(text: str) -> bytes:
    """The cache key of one text: a 128-bit BLAKE2b digest of its UTF-8 bytes."""
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


def default_cache_path() -> Path:
    return cache_root() / "embeddings" / "vectors.sqlite3"


class EmbeddingCache:
    """Vectors by ``(model_id, text_key)``; safe to share between threads and processes."""

    def __init__(self, path: Path | str | None = None) -> None:
        self.path = Path(path) if path is not None else default_cache_path()
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        self.disabled = False

    def _connect(self) -> sqlite3.Connection | None:
        if self.disabled:
            return None
        if self._conn is not None and self._pid == os.getpid():
            return self._conn
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(self.path, timeout=30.0, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute(_SCHEMA)
            conn.commit()
        except (OSError, sqlite3.Error) as exc:
            self._disable(exc)
            return None
        self._conn = conn
        self._pid = os.getpid()
        return conn

    def _disable(self, exc: BaseException) -> None:
        self.disabled = True
        warnings.warn(
            f"embedding cache at {self.path} switched off: {exc}", RuntimeWarning, stacklevel=3
        )

    def get_many(self, model_id: str, keys: Sequence[bytes]) -> dict[bytes, bytes]:
        """The stored vectors (raw float32 bytes) for those of ``keys`` that are cached."""
        found: dict[bytes, bytes] = {}
        if not keys:
            return found
        with self._lock:
            conn = self._connect()
            if conn is None:
                return found
            try:
                for start in range(0, len(keys), _CHUNK):
                    chunk = keys[start : start + _CHUNK]
                    marks = ",".join("?" * len(chunk))
                    rows = conn.execute(
                        f"SELECT key, vec FROM vectors WHERE model = ? AND key IN ({marks})",
                        (model_id, *chunk),
                    )
                    for key, vec in rows:
                        found[bytes(key)] = bytes(vec)
            except sqlite3.Error as exc:
                self._disable(exc)
        return found

    def put_many(self, model_id: str, items: Iterable[tuple[bytes, int, bytes]]) -> None:
        """Store ``(key, dim, vector_bytes)`` rows; existing rows are replaced."""
        rows = [(model_id, key, dim, vec) for key, dim, vec in items]
        if not rows:
            return
        with self._lock:
            conn = self._connect()
            if conn is None:
                return
            try:
                with conn:
                    conn.executemany(
                        "INSERT OR REPLACE INTO vectors (model, key, dim, vec) VALUES (?, ?, ?, ?)",
                        rows,
                    )
            except sqlite3.Error as exc:
                self._disable(exc)

    def count(self, model_id: str | None = None) -> int:
        """How many vectors are stored (for one model, or in all)."""
        with self._lock:
            conn = self._connect()
            if conn is None:
                return 0
            if model_id is None:
                row = conn.execute("SELECT COUNT(*) FROM vectors").fetchone()
            else:
                row = conn.execute(
                    "SELECT COUNT(*) FROM vectors WHERE model = ?", (model_id,)
                ).fetchone()
            return int(row[0])

    def clear(self, model_id: str | None = None) -> None:
        with self._lock:
            conn = self._connect()
            if conn is None:
                return
            with conn:
                if model_id is None:
                    conn.execute("DELETE FROM vectors")
                else:
                    conn.execute("DELETE FROM vectors WHERE model = ?", (model_id,))

    def close(self) -> None:
        with self._lock:
            if self._conn is not None and self._pid == os.getpid():
                self._conn.close()
            self._conn = None


_default: EmbeddingCache | None = None
_default_lock = threading.Lock()


def default_cache() -> EmbeddingCache:
    """The process-wide cache at :func:`default_cache_path` (re-resolved if the env changed)."""
    global _default
    with _default_lock:
        path = default_cache_path()
        if _default is None or _default.path != path:
            _default = EmbeddingCache(path)
        return _default
