"""Where jobs run: in the dispatcher thread, or in a worker process (the default).

A worker process keeps the models' CPU work (and the GIL) away from the web server, so
pages and API calls stay fast while an analysis runs, and a crash in native code (an
ONNX or spaCy fault, running out of memory) fails one job instead of the server. The
process is started on the first job, loads the models once and serves every job after
that; it runs at a lower CPU priority than the server. Progress and results go through
the job database, so the process only reports "finished" back.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
from collections.abc import Callable
from multiprocessing.context import SpawnProcess
from multiprocessing.queues import Queue
from typing import Any

from storycheck.web.settings import WebSettings


class WorkerDiedError(RuntimeError):
    """The worker process ended while it was running a job."""


def _die_with(parent: int) -> None:
    """End this process once ``parent`` (the server) is gone, however it died (kill -9
    too): a watchdog thread exits when the process is re-parented. (Linux's
    PR_SET_PDEATHSIG fires when the *thread* that started the worker ends, not the
    server, so it is not used.) A worker left running held 0.5-1 GB and wrote results for
    jobs a restarted server had already marked interrupted.
    """
    import threading
    import time

    def watch() -> None:
        while True:
            if os.getppid() != parent:
                os._exit(1)
            time.sleep(0.5)

    if os.getppid() != parent:
        os._exit(1)  # the server died before the watchdog started
    threading.Thread(target=watch, name="storycheck-parent-watch", daemon=True).start()


def _child(
    settings: WebSettings, inbox: Queue[Any], outbox: Queue[Any], parent: int | None = None
) -> None:
    from storycheck.web.work import execute_job

    if parent is not None and hasattr(os, "getppid"):
        _die_with(parent)
    with contextlib.suppress(OSError):
        os.nice(5)
    while True:
        job_id = inbox.get()
        if job_id is None:
            return
        execute_job(settings, str(job_id))
        outbox.put(job_id)


class InlineExecutor:
    """Runs each job in the calling (dispatcher) thread of the server process."""

    def __init__(self, settings: WebSettings) -> None:
        self.settings = settings

    def __call__(self, job_id: str) -> None:
        from storycheck.web.work import execute_job

        execute_job(self.settings, job_id)

    @property
    def pid(self) -> int | None:
        return None

    def cancel(self, job_id: str) -> None:
        """A job running in the server's own thread cannot be stopped; it ends as cancelled
        and its result is dropped."""
        del job_id

    def stop(self) -> None:
        return None


class ProcessExecutor:
    """Runs each job in one long-lived worker process (restarted if it dies)."""

    def __init__(
        self,
        settings: WebSettings,
        poll: float = 0.5,
        cancelled: Callable[[str], bool] | None = None,
    ) -> None:
        self.settings = settings
        self.poll = poll
        #: Asked every ``poll`` seconds while a job runs: True stops the worker (a cancelled
        #: job); the next job starts a fresh one.
        self.cancelled = cancelled or (lambda _job_id: False)
        self._ctx = multiprocessing.get_context("spawn")
        self._proc: SpawnProcess | None = None
        self._inbox: Queue[Any] | None = None
        self._outbox: Queue[Any] | None = None
        self._closed = False
        #: The job the worker is running, if any.
        self.current: str | None = None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None and self._proc.is_alive() else None

    def _ensure(self) -> tuple[SpawnProcess, Queue[Any], Queue[Any]]:
        if self._closed:
            raise WorkerDiedError("the server is stopping")
        if (
            self._proc is None
            or not self._proc.is_alive()
            or self._inbox is None
            or self._outbox is None
        ):
            self._inbox, self._outbox = self._ctx.Queue(), self._ctx.Queue()
            self._proc = self._ctx.Process(
                target=_child,
                args=(self.settings, self._inbox, self._outbox, os.getpid()),
                name="storycheck-job-worker",
                daemon=True,
            )
            self._proc.start()
        return self._proc, self._inbox, self._outbox

    def cancel(self, job_id: str) -> None:
        """Stop the worker now if it is running ``job_id`` (the job was cancelled); the
        dispatcher's poll then returns and the next job starts a fresh worker."""
        proc = self._proc
        if self.current == job_id and proc is not None and proc.is_alive():
            proc.kill()

    def __call__(self, job_id: str) -> None:
        proc, inbox, outbox = self._ensure()
        self.current = job_id
        try:
            self._wait(proc, inbox, outbox, job_id)
        finally:
            self.current = None

    def _wait(self, proc: SpawnProcess, inbox: Queue[Any], outbox: Queue[Any], job_id: str) -> None:
        inbox.put(job_id)
        while True:
            try:
                if outbox.get(timeout=self.poll) == job_id:
                    return
            except queue.Empty:
                if self.cancelled(job_id):
                    self._proc = None
                    proc.kill()
                    proc.join(5)
                    return
                if not proc.is_alive():
                    self._proc = None
                    raise WorkerDiedError(
                        f"the worker process exited with code {proc.exitcode}"
                    ) from None

    def stop(self, timeout: float = 2.0) -> None:
        self._closed = True
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if self._inbox is not None:
            with contextlib.suppress(Exception):
                self._inbox.put(None)
        proc.join(timeout)
        if proc.is_alive():
            proc.terminate()
            proc.join(timeout)
