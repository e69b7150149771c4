"""The server's shared state: settings, job database, worker, caches and templates."""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape

from storycheck.report.links import http_url
from storycheck.store import Store
from storycheck.web.jobs import JobDB, JobRunner
from storycheck.web.settings import WebSettings
from storycheck.words import plural

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True, slots=True)
class Cached:
    """A response body kept ready to send, plain and gzip-compressed."""

    body: bytes
    gz: bytes
    etag: str

    @classmethod
    def of(cls, body: bytes) -> Cached:
        digest = hashlib.sha256(body).hexdigest()[:32]
        return cls(body=body, gz=gzip.compress(body, compresslevel=6, mtime=0), etag=f'"{digest}"')


class ResponseCache:
    """A small thread-safe LRU of rendered responses (stories are immutable once stored)."""

    def __init__(self, entries: int) -> None:
        self.entries = max(1, entries)
        self._items: OrderedDict[str, Cached] = OrderedDict()
        self._lock = threading.Lock()

    def peek(self, key: str) -> Cached | None:
        """The cached item, if any (cheap enough for the event loop)."""
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
            return hit

    def get(self, key: str, make: Callable[[], bytes | None]) -> Cached | None:
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit
        body = make()
        if body is None:
            return None
        item = Cached.of(body)
        with self._lock:
            self._items[key] = item
            while len(self._items) > self.entries:
                self._items.popitem(last=False)
        return item

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


def make_templates() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(HERE / "templates")),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["http_url"] = http_url  # only http(s) article URLs become links
    env.filters["pct"] = lambda v: "—" if v is None else f"{float(v) * 100:.0f} %"
    env.filters["when"] = lambda v: (v or "")[:19].replace("T", " ")
    env.filters["plural"] = plural  # {{ n | plural("story") }} → "1 story" / "2 stories"
    return env


class WebState:
    """Everything the routes share; one per app."""

    def __init__(self, settings: WebSettings) -> None:
        from storycheck.web.executor import InlineExecutor, ProcessExecutor
        from storycheck.web.work import uploads_pattern

        self.settings = settings
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        settings.uploads_dir.mkdir(parents=True, exist_ok=True)
        self.db = JobDB(settings.jobs_path)
        self.cache = ResponseCache(settings.cache_entries)
        self.unpath = uploads_pattern(settings.uploads_dir)
        self.executor = (
            ProcessExecutor(settings, cancelled=self._cancelled)
            if settings.job_process
            else InlineExecutor(settings)
        )
        self.runner = JobRunner(
            self.db, self.executor, settings.uploads_dir, on_finish=self.cache.clear
        )
        self.templates = make_templates()
        self._stores = threading.local()
        self._all_stores: list[Store] = []
        self._lock = threading.Lock()

    def store(self) -> Store:
        """This thread's connection to the article store."""
        store: Store | None = getattr(self._stores, "store", None)
        if store is None:
            store = Store(self.settings.store_path)
            self._stores.store = store
            with self._lock:
                self._all_stores.append(store)
        return store

    def _cancelled(self, job_id: str) -> bool:
        job = self.db.get(job_id)
        return job is not None and not job.active

    def start(self) -> None:
        self.runner.start()

    def stop(self) -> None:
        # first no new job, then the worker, then the dispatcher: stopping the worker
        # first let the dispatcher take the next queued job and spawn a fresh worker
        self.runner.halt()
        self.executor.stop()
        self.runner.stop()
        with self._lock:
            for store in self._all_stores:
                store.close()
            self._all_stores.clear()
        self._stores = threading.local()
        self.db.close()
