"""Background jobs: a small SQLite database of jobs and results, and one worker thread.

A request that starts an analysis or an audit only writes its inputs and a ``queued`` job
row, then returns; the worker runs jobs one at a time (the machine's cores go to the
models) and records progress as it goes, so clients poll ``GET /api/jobs/{id}``. Results —
the report/1 document of the job, one per story, and audit results — are stored in the
same database, so they outlive the job and the server process.
"""

from __future__ import annotations

import json
import queue
import secrets
import shutil
import sqlite3
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    status TEXT NOT NULL,
    created TEXT NOT NULL,
    started TEXT,
    finished TEXT,
    stage TEXT NOT NULL DEFAULT '',
    fraction REAL NOT NULL DEFAULT 0,
    log TEXT NOT NULL DEFAULT '[]',
    problems TEXT NOT NULL DEFAULT '[]',
    error TEXT,
    params TEXT NOT NULL DEFAULT '{}',
    story_ids TEXT NOT NULL DEFAULT '[]',
    articles INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS jobs_created ON jobs(created);
CREATE TABLE IF NOT EXISTS results (
    job_id TEXT PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
    body TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS stories (
    id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL,
    title TEXT NOT NULL,
    created TEXT NOT NULL,
    articles INTEGER NOT NULL,
    claims INTEGER NOT NULL,
    conflicts INTEGER NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS stories_created ON stories(created);
"""

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
INTERRUPTED = "interrupted: the server stopped while this job was running"
CANCELLED = "cancelled"


class QueueFullError(RuntimeError):
    """No more jobs are accepted now (in all, or from this client)."""


# Where each stage message puts the progress bar (stages repeat per story; never goes back).
STAGE_FRACTIONS: Mapping[str, float] = {
    "queued": 0.0,
    "reading inputs": 0.05,
    "grouping stories": 0.15,
    "parsing": 0.2,
    "embedding": 0.45,
    "checking entailment": 0.6,
    "structured checks": 0.8,
    "writing the brief": 0.9,
    "writing report": 0.95,
    "auditing": 0.3,
}


def stage_fraction(message: str, default: float) -> float:
    """The progress a stage message stands for (by its leading words), else ``default``."""
    for stage, fraction in STAGE_FRACTIONS.items():
        if message == stage or message.startswith(stage + " "):
            return fraction
    return default


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


def new_job_id() -> str:
    return secrets.token_hex(8)


@dataclass(frozen=True, slots=True)
class Job:
    """One job row as clients see it."""

    id: str
    kind: str
    status: str
    created: str
    started: str | None = None
    finished: str | None = None
    stage: str = ""
    fraction: float = 0.0
    log: tuple[str, ...] = ()
    problems: tuple[dict[str, Any], ...] = ()
    error: str | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    story_ids: tuple[str, ...] = ()
    articles: int = 0

    @property
    def finished_ok(self) -> bool:
        return self.status == DONE

    @property
    def active(self) -> bool:
        return self.status in (QUEUED, RUNNING)


@dataclass(frozen=True, slots=True)
class StoryRow:
    """A stored story report: its headline numbers (the body is fetched separately)."""

    id: str
    job_id: str
    title: str
    created: str
    articles: int
    claims: int
    conflicts: int


_JOB_COLUMNS = (
    "id, kind, status, created, started, finished, stage, fraction, log, problems, error, "
    "params, story_ids, articles"
)


def _job(row: Sequence[Any]) -> Job:
    return Job(
        id=row[0],
        kind=row[1],
        status=row[2],
        created=row[3],
        started=row[4],
        finished=row[5],
        stage=row[6],
        fraction=float(row[7]),
        log=tuple(json.loads(row[8])),
        problems=tuple(json.loads(row[9])),
        error=row[10],
        params=json.loads(row[11]),
        story_ids=tuple(json.loads(row[12])),
        articles=int(row[13]),
    )


class JobDB:
    """Jobs, results and story reports in one SQLite file (WAL; a connection per thread)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        path.parent.mkdir(parents=True, exist_ok=True)
        self._local = threading.local()
        self._all: list[sqlite3.Connection] = []
        self._guard = threading.Lock()
        self._conn().executescript(_SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(str(self.path), isolation_level=None, check_same_thread=False)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA busy_timeout=10000")
            conn.execute("PRAGMA foreign_keys=ON")
            self._local.conn = conn
            with self._guard:
                self._all.append(conn)
        return conn

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def close(self) -> None:
        with self._guard:
            for conn in self._all:
                conn.close()
            self._all.clear()
        self._local = threading.local()

    # jobs -------------------------------------------------------------------------------

    def create(
        self,
        kind: str,
        params: Mapping[str, Any],
        job_id: str | None = None,
        *,
        client: str | None = None,
        limits: tuple[int, int] | None = None,
    ) -> Job:
        """Queue a job. With ``limits`` (in all, per client) a full queue raises
        :class:`QueueFullError`; the count and the insert are one transaction."""
        job_id = job_id or new_job_id()
        params = {**params, "_client": client} if client is not None else dict(params)
        with self._tx() as conn:
            if limits is not None:
                total, per_client = limits
                active = conn.execute(
                    "SELECT COUNT(*) FROM jobs WHERE status IN (?, ?)", (QUEUED, RUNNING)
                ).fetchone()[0]
                if active >= total:
                    raise QueueFullError(f"the job queue is full ({active} jobs waiting)")
                if client is not None:
                    mine = sum(
                        1
                        for (raw,) in conn.execute(
                            "SELECT params FROM jobs WHERE status IN (?, ?)", (QUEUED, RUNNING)
                        )
                        if json.loads(raw).get("_client") == client
                    )
                    if mine >= per_client:
                        raise QueueFullError(
                            f"you have {mine} jobs waiting or running (at most {per_client})"
                        )
            conn.execute(
                "INSERT INTO jobs (id, kind, status, created, stage, params) VALUES (?,?,?,?,?,?)",
                (job_id, kind, QUEUED, now(), "queued", json.dumps(dict(params))),
            )
        job = self.get(job_id)
        assert job is not None
        return job

    def get(self, job_id: str) -> Job | None:
        row = (
            self._conn()
            .execute(f"SELECT {_JOB_COLUMNS} FROM jobs WHERE id=?", (job_id,))
            .fetchone()
        )
        return None if row is None else _job(row)

    def jobs(self, limit: int = 50) -> list[Job]:
        rows = (
            self._conn()
            .execute(f"SELECT {_JOB_COLUMNS} FROM jobs ORDER BY created DESC LIMIT ?", (limit,))
            .fetchall()
        )
        return [_job(r) for r in rows]

    def queue_position(self, job: Job) -> int:
        """How many queued or running jobs were created before ``job``."""
        row = (
            self._conn()
            .execute(
                "SELECT COUNT(*) FROM jobs WHERE status IN (?,?) AND created < ?",
                (QUEUED, RUNNING, job.created),
            )
            .fetchone()
        )
        return int(row[0])

    def start(self, job_id: str) -> None:
        with self._tx() as conn:
            conn.execute(
                "UPDATE jobs SET status=?, started=?, stage=? WHERE id=?",
                (RUNNING, now(), "starting", job_id),
            )

    def progress(self, job_id: str, message: str) -> None:
        """Append a stage message; the progress fraction only ever moves forward."""
        with self._tx() as conn:
            row = conn.execute("SELECT log, fraction FROM jobs WHERE id=?", (job_id,)).fetchone()
            if row is None:
                return
            log = list(json.loads(row[0]))
            log.append(message)
            fraction = max(float(row[1]), stage_fraction(message, float(row[1])))
            conn.execute(
                "UPDATE jobs SET stage=?, fraction=?, log=? WHERE id=?",
                (message, fraction, json.dumps(log[-200:]), job_id),
            )

    def finish(
        self,
        job_id: str,
        *,
        error: str | None = None,
        problems: Sequence[Mapping[str, Any]] = (),
        story_ids: Sequence[str] = (),
        articles: int = 0,
        result: Any = None,
        stories: Sequence[tuple[StoryRow, str]] = (),
    ) -> bool:
        """Mark a job done (or failed, with ``error``) and store its results atomically.

        Only a job still queued or running can finish: a result that arrives after the job
        ended (a stale worker finishing a job a restarted server marked interrupted) is
        dropped, story reports included. Returns whether it was stored.
        """
        status = FAILED if error else DONE
        with self._tx() as conn:
            updated = conn.execute(
                "UPDATE jobs SET status=?, finished=?, stage=?, fraction=?, error=?, problems=?, "
                "story_ids=?, articles=? WHERE id=? AND status IN (?, ?)",
                (
                    status,
                    now(),
                    status,
                    1.0,
                    error,
                    json.dumps([dict(p) for p in problems]),
                    json.dumps(list(story_ids)),
                    articles,
                    job_id,
                    QUEUED,
                    RUNNING,
                ),
            )
            if updated.rowcount == 0:
                return False
            if result is not None:
                conn.execute(
                    "INSERT OR REPLACE INTO results VALUES (?,?)",
                    (job_id, json.dumps(result, ensure_ascii=False)),
                )
            for row, body in stories:
                conn.execute(
                    "INSERT OR REPLACE INTO stories VALUES (?,?,?,?,?,?,?,?)",
                    (
                        row.id,
                        row.job_id,
                        row.title,
                        row.created,
                        row.articles,
                        row.claims,
                        row.conflicts,
                        body,
                    ),
                )
        return True

    def cancel(self, job_id: str) -> bool:
        """End a queued or running job as failed with :data:`CANCELLED`; False if it had
        already ended. A running job's worker is stopped by the executor, which polls."""
        with self._tx() as conn:
            updated = conn.execute(
                "UPDATE jobs SET status=?, error=?, finished=?, stage=? "
                "WHERE id=? AND status IN (?, ?)",
                (FAILED, CANCELLED, now(), FAILED, job_id, QUEUED, RUNNING),
            )
            return updated.rowcount > 0

    def recover(self) -> tuple[list[str], list[str]]:
        """After a restart: jobs left running are marked failed, queued ones stay queued.

        Returns (failed ids, queued ids in creation order) so the queued can be re-run.
        """
        with self._tx() as conn:
            running = [r[0] for r in conn.execute("SELECT id FROM jobs WHERE status=?", (RUNNING,))]
            conn.execute(
                "UPDATE jobs SET status=?, error=?, finished=?, stage=? WHERE status=?",
                (FAILED, INTERRUPTED, now(), FAILED, RUNNING),
            )
            queued = [
                r[0]
                for r in conn.execute(
                    "SELECT id FROM jobs WHERE status=? ORDER BY created", (QUEUED,)
                )
            ]
        return running, queued

    # results ----------------------------------------------------------------------------

    def result(self, job_id: str) -> str | None:
        """A job's result document (JSON text), if it has one."""
        row = self._conn().execute("SELECT body FROM results WHERE job_id=?", (job_id,)).fetchone()
        return None if row is None else str(row[0])

    def stories(self, limit: int = 200) -> list[StoryRow]:
        rows = (
            self._conn()
            .execute(
                "SELECT id, job_id, title, created, articles, claims, conflicts FROM stories "
                "ORDER BY created DESC, title LIMIT ?",
                (limit,),
            )
            .fetchall()
        )
        return [StoryRow(*r) for r in rows]

    def story(self, story_id: str) -> StoryRow | None:
        row = (
            self._conn()
            .execute(
                "SELECT id, job_id, title, created, articles, claims, conflicts FROM stories "
                "WHERE id=?",
                (story_id,),
            )
            .fetchone()
        )
        return None if row is None else StoryRow(*row)

    def story_body(self, story_id: str) -> str | None:
        """The story's report/1 document (JSON text)."""
        row = self._conn().execute("SELECT body FROM stories WHERE id=?", (story_id,)).fetchone()
        return None if row is None else str(row[0])


Work = Callable[[Job, Callable[[str], None]], None]


def run_job(db: JobDB, handlers: Mapping[str, Work], job_id: str) -> None:
    """Run one queued job with the handler of its kind; a failure is recorded, not raised.

    A handler gets the job and a progress callback and calls ``JobDB.finish`` itself (with
    its results); if it raises, the job is marked failed with the error's message.
    """
    job = db.get(job_id)
    if job is None or job.status != QUEUED:
        return
    handler = handlers.get(job.kind)
    if handler is None:
        db.finish(job_id, error=f"unknown job kind {job.kind!r}")
        return
    db.start(job_id)
    try:
        handler(job, lambda message: db.progress(job_id, message))
    except Exception as exc:  # a failed job must never stop the worker
        db.finish(job_id, error=f"{type(exc).__name__}: {exc}")


class JobRunner:
    """One dispatcher thread handing queued jobs, in order, to ``execute`` (a job id → runs it).

    ``execute`` runs the job in this thread or in a worker process; if it raises (the
    process died), a job left unfinished is marked failed. ``on_finish`` runs after each.
    """

    def __init__(
        self,
        db: JobDB,
        execute: Callable[[str], None],
        uploads_dir: Path,
        on_finish: Callable[[], None] | None = None,
    ) -> None:
        self.db = db
        self.execute = execute
        self.uploads_dir = uploads_dir
        self.on_finish = on_finish or (lambda: None)
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._halted = threading.Event()
        self.current: str | None = None

    def start(self) -> None:
        failed, queued = self.db.recover()
        # uploads are kept only for jobs still to run: a folder of a finished, failed or
        # unknown job was left by a server killed between a job's end and its cleanup
        keep = set(queued)
        if self.uploads_dir.is_dir():
            for child in self.uploads_dir.iterdir():
                if child.name not in keep:
                    shutil.rmtree(child, ignore_errors=True)
        for job_id in failed:
            shutil.rmtree(self.uploads_dir / job_id, ignore_errors=True)
        for job_id in queued:
            self._queue.put(job_id)
        self._thread = threading.Thread(target=self._loop, name="storycheck-jobs", daemon=True)
        self._thread.start()

    def halt(self) -> None:
        """Start no further job (queued ones stay queued in the database and run after the
        next start); the one running, if any, is left to its executor."""
        self._halted.set()

    def stop(self, timeout: float = 5.0) -> None:
        self.halt()
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join(timeout)
            self._thread = None

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def submit(self, job: Job) -> None:
        self._queue.put(job.id)

    def _loop(self) -> None:
        while True:
            job_id = self._queue.get()
            if job_id is None or self._halted.is_set():
                return  # shutting down: a queued job must not start a fresh worker
            waiting = self.db.get(job_id)
            if waiting is None or not waiting.active:  # cancelled while queued
                shutil.rmtree(self.uploads_dir / job_id, ignore_errors=True)
                continue
            self.current = job_id
            try:
                self.execute(job_id)
            except Exception as exc:
                job = self.db.get(job_id)
                if job is not None and job.active:
                    self.db.finish(job_id, error=f"the job worker stopped: {exc}")
            finally:
                self.current = None
                shutil.rmtree(self.uploads_dir / job_id, ignore_errors=True)
                self.on_finish()
