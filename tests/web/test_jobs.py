"""The job machinery: database, dispatcher, failure handling, restarts, worker crashes."""

from __future__ import annotations

import os
import signal
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from storycheck.web import WebSettings, create_app
from storycheck.web.jobs import (
    DONE,
    FAILED,
    INTERRUPTED,
    QUEUED,
    Job,
    JobDB,
    JobRunner,
    run_job,
    stage_fraction,
)

from .conftest import ARTICLES, BASE, CORPUS, wait_for


def test_progress_only_moves_forward(tmp_path: Path) -> None:
    db = JobDB(tmp_path / "jobs.sqlite3")
    job = db.create("analyze", {"files": ["a.txt"]})
    assert db.get(job.id) == job and job.status == QUEUED
    db.start(job.id)
    for message in ("reading inputs", "embedding", "parsing", "something new"):
        db.progress(job.id, message)
    stored = db.get(job.id)
    assert stored is not None
    assert stored.log == ("reading inputs", "embedding", "parsing", "something new")
    assert stored.fraction == stage_fraction("embedding", 0.0) > stage_fraction("parsing", 0.0)
    assert stage_fraction("writing the brief of Some story", 0.0) > stored.fraction
    db.close()


def _runner(
    db: JobDB,
    handlers: dict[str, Callable[[Job, Callable[[str], None]], None]],
    finished: list[str] | None = None,
) -> JobRunner:
    done = finished if finished is not None else []
    return JobRunner(
        db,
        lambda job_id: run_job(db, handlers, job_id),
        db.path.parent / "uploads",
        on_finish=lambda: done.append("finished"),
    )


def _wait(db: JobDB, job_id: str) -> Job:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        job = db.get(job_id)
        assert job is not None
        if not job.active:
            return job
        time.sleep(0.01)
    raise AssertionError("job did not end")


def test_a_failing_job_does_not_stop_the_worker(tmp_path: Path) -> None:
    db = JobDB(tmp_path / "jobs.sqlite3")

    def broken(job: Job, progress: Callable[[str], None]) -> None:
        progress("parsing")
        raise ValueError("bad input")

    def fine(job: Job, progress: Callable[[str], None]) -> None:
        progress("parsing")
        db.finish(job.id, result={"n": job.params["n"]}, articles=int(job.params["n"]))

    finished: list[str] = []
    runner = _runner(db, {"broken": broken, "fine": fine}, finished)
    runner.start()
    try:
        jobs = [db.create("broken", {}), db.create("fine", {"n": 3}), db.create("nope", {})]
        for job in jobs:
            runner.submit(job)
        ended = [_wait(db, job.id) for job in jobs]
    finally:
        runner.stop()
    assert [j.status for j in ended] == [FAILED, DONE, FAILED]
    assert len(finished) == 3
    assert ended[0].error == "ValueError: bad input"
    assert ended[1].articles == 3 and db.result(ended[1].id) == '{"n": 3}'
    assert ended[2].error == "unknown job kind 'nope'"
    db.close()


def test_restart_fails_running_jobs_and_reruns_queued_ones(tmp_path: Path) -> None:
    db = JobDB(tmp_path / "jobs.sqlite3")
    queued = db.create("fine", {})
    running = db.create("fine", {})
    db.start(running.id)
    (tmp_path / "uploads" / running.id).mkdir(parents=True)

    def fine(job: Job, progress: Callable[[str], None]) -> None:
        db.finish(job.id, articles=1)

    runner = _runner(db, {"fine": fine})
    runner.start()
    try:
        rerun = _wait(db, queued.id)
    finally:
        runner.stop()
    assert rerun.status == DONE
    crashed = db.get(running.id)
    assert crashed is not None and crashed.status == FAILED and crashed.error == INTERRUPTED
    assert not (tmp_path / "uploads" / running.id).exists()
    db.close()


def test_a_crashed_worker_process_fails_one_job(tmp_path: Path) -> None:
    """Kill the worker process mid-job: that job fails, the next one runs in a new process."""
    settings = WebSettings(data_dir=tmp_path, job_process=True)
    with TestClient(create_app(settings), base_url=BASE) as client:
        executor = client.app.state.web.executor  # type: ignore[attr-defined]
        files = [
            ("files", (p.name, p.read_bytes(), "text/plain"))
            for p in sorted((CORPUS / "kessmouth-port-fire").glob("*.txt"))
        ]
        job = client.post("/api/jobs/upload", files=files).json()
        deadline = time.monotonic() + 60
        while (
            executor.pid is None
            or client.get(f"/api/jobs/{job['id']}").json()["status"] != "running"
        ):
            assert time.monotonic() < deadline, "the job did not start"
            time.sleep(0.05)
        first = executor.pid
        os.kill(first, signal.SIGKILL)
        ended = wait_for(client, job["id"])
        assert ended["status"] == "failed", ended
        assert "worker" in ended["error"] and "exited" in ended["error"]
        # the next job runs in a new process (a quick one: a refused private URL)
        again = client.post("/api/jobs", json={"urls": ["http://127.0.0.1:9/a"]}).json()
        ended = wait_for(client, again["id"])
        assert ended["error"] == "no usable articles were read", ended
        assert executor.pid not in (None, first)


def test_start_removes_upload_folders_of_jobs_that_will_not_run(tmp_path: Path) -> None:
    """#17: kill -9 between a job's end and its cleanup left web-uploads/<job>/ forever."""
    db = JobDB(tmp_path / "jobs.sqlite3")
    done = db.create("fine", {})
    db.start(done.id)
    db.finish(done.id, articles=1)
    waiting = db.create("slow", {})
    uploads = tmp_path / "uploads"
    for name in (done.id, "no-such-job", waiting.id):
        (uploads / name).mkdir(parents=True)
        (uploads / name / "a.txt").write_text("x", encoding="utf-8")
    seen: list[bool] = []

    def slow(job: Job, progress: Callable[[str], None]) -> None:
        seen.append((uploads / job.id / "a.txt").is_file())  # its upload is still there
        db.finish(job.id, articles=1)

    runner = _runner(db, {"slow": slow})
    runner.start()
    try:
        _wait(db, waiting.id)
    finally:
        runner.stop()
    assert seen == [True]
    assert not (uploads / done.id).exists() and not (uploads / "no-such-job").exists()
    db.close()


def test_a_result_that_arrives_after_the_job_ended_is_dropped(tmp_path: Path) -> None:
    """#17: a stale worker flipped a job a restarted server had marked interrupted back to
    done and overwrote its story."""
    db = JobDB(tmp_path / "jobs.sqlite3")
    job = db.create("fine", {})
    db.start(job.id)
    failed, _ = db.recover()  # the server restarted while the job ran
    assert failed == [job.id]
    assert db.finish(job.id, articles=5, result={"late": True}) is False
    after = db.get(job.id)
    assert after is not None and after.status == FAILED and after.error == INTERRUPTED
    assert db.result(job.id) is None
    fresh = db.create("fine", {})
    assert db.finish(fresh.id, articles=1) is True
    db.close()


def _running(pid: int) -> bool:
    """True while ``pid`` runs (a zombie nobody reaped yet counts as ended)."""
    stat = Path(f"/proc/{pid}/stat")
    if stat.parent.parent.is_dir() and Path("/proc/self").exists():
        try:
            return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except OSError:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def _orphan(report: Any) -> None:
    """The grandchild: guard itself against its parent's death, then wait forever."""
    from storycheck.web.executor import _die_with

    _die_with(os.getppid())
    report.put(os.getpid())
    time.sleep(120)


def _server(report: Any) -> None:
    """The "server": start a worker, then wait to be killed."""
    import multiprocessing

    child = multiprocessing.get_context("spawn").Process(target=_orphan, args=(report,))
    child.start()
    time.sleep(120)


def test_a_worker_dies_with_its_server_even_after_kill_9(tmp_path: Path) -> None:
    """#17: after kill -9 of `serve` its worker was re-parented and kept running."""
    import multiprocessing
    import signal

    ctx = multiprocessing.get_context("spawn")
    report = ctx.Queue()
    server = ctx.Process(target=_server, args=(report,))
    server.start()
    worker_pid = report.get(timeout=60)
    os.kill(server.pid, signal.SIGKILL)
    server.join(10)
    deadline = time.monotonic() + 15
    alive = True
    while time.monotonic() < deadline:
        if not _running(worker_pid):
            alive = False
            break
        time.sleep(0.2)
    if alive:
        os.kill(worker_pid, signal.SIGKILL)
    assert not alive, "the worker outlived its server"


def test_stopping_with_queued_jobs_starts_none_of_them(tmp_path: Path) -> None:
    """#17: SIGTERM with queued jobs let the dispatcher take the next one and spawn a fresh
    worker that ran it after shutdown."""
    import threading

    from storycheck.web.executor import ProcessExecutor, WorkerDiedError
    from storycheck.web.jobs import QUEUED

    db = JobDB(tmp_path / "jobs.sqlite3")
    release = threading.Event()
    started: list[str] = []

    def slow(job: Job, progress: Callable[[str], None]) -> None:
        started.append(job.id)
        release.wait(10)
        db.finish(job.id, articles=1)

    runner = _runner(db, {"slow": slow})
    runner.start()
    jobs = [db.create("slow", {}) for _ in range(3)]
    for job in jobs:
        runner.submit(job)
    deadline = time.monotonic() + 10
    while not started and time.monotonic() < deadline:
        time.sleep(0.01)
    runner.halt()
    release.set()
    runner.stop()
    assert started == [jobs[0].id]
    for job in jobs[1:]:
        left = db.get(job.id)
        assert left is not None and left.status == QUEUED  # runs after the next start
    db.close()

    executor = ProcessExecutor(WebSettings(data_dir=tmp_path))
    executor.stop()
    with pytest.raises(WorkerDiedError, match="stopping"):
        executor("any-job")


def test_cancel_ends_queued_and_running_jobs_only(tmp_path: Path) -> None:
    from storycheck.web.jobs import CANCELLED

    db = JobDB(tmp_path / "jobs.sqlite3")
    queued, running, ended = (db.create("fine", {}) for _ in range(3))
    db.start(running.id)
    db.start(ended.id)
    db.finish(ended.id, articles=1)
    assert db.cancel(queued.id) and db.cancel(running.id)
    assert not db.cancel(ended.id) and not db.cancel("no-such-job")
    for job_id in (queued.id, running.id):
        job = db.get(job_id)
        assert job is not None and job.status == FAILED and job.error == CANCELLED
    assert db.finish(running.id, articles=3) is False  # its worker's late result is dropped
    db.close()


def test_a_job_cancelled_while_queued_never_runs(tmp_path: Path) -> None:
    db = JobDB(tmp_path / "jobs.sqlite3")
    ran: list[str] = []

    def fine(job: Job, progress: Callable[[str], None]) -> None:
        ran.append(job.id)
        db.finish(job.id, articles=1)

    first, second = db.create("fine", {}), db.create("fine", {})
    db.cancel(first.id)
    runner = _runner(db, {"fine": fine})
    runner.start()
    try:
        _wait(db, second.id)
    finally:
        runner.stop()
    assert ran == [second.id]
    db.close()


def test_the_queue_is_bounded_in_all_and_per_client(tmp_path: Path) -> None:
    from storycheck.web.jobs import QueueFullError

    db = JobDB(tmp_path / "jobs.sqlite3")
    db.create("fine", {}, client="10.0.0.1", limits=(3, 2))
    db.create("fine", {}, client="10.0.0.1", limits=(3, 2))
    with pytest.raises(QueueFullError, match="at most 2"):
        db.create("fine", {}, client="10.0.0.1", limits=(3, 2))
    db.create("fine", {}, client="10.0.0.2", limits=(3, 2))
    with pytest.raises(QueueFullError, match="queue is full"):
        db.create("fine", {}, client="10.0.0.3", limits=(3, 2))
    db.close()


def test_a_full_queue_is_answered_429(tmp_path: Path) -> None:
    settings = WebSettings(data_dir=tmp_path, max_jobs_per_client=0)
    with TestClient(create_app(settings), base_url=BASE) as client:
        text = "The council voted on Tuesday to approve the budget. It passed seven to two."
        response = client.post("/api/jobs", json={"articles": [{"title": "T", "text": text}]})
        assert response.status_code == 429, response.text
        assert "try again later" in response.json()["detail"]
        uploads = settings.uploads_dir
        assert not (uploads.is_dir() and any(uploads.iterdir()))  # its inputs were removed


def test_cancel_through_the_api(client: TestClient) -> None:
    """#17: a web job could not be cancelled."""
    text = "The council voted on Tuesday to approve the budget. The vote passed by seven to two."
    response = client.post("/api/jobs", json={"articles": [{"title": "Budget", "text": text}]})
    assert response.status_code == 202
    job_id = response.json()["id"]
    cancelled = client.post(f"/api/jobs/{job_id}/cancel")
    assert cancelled.status_code == 200, cancelled.text
    assert cancelled.json()["status"] == "failed" and cancelled.json()["error"] == "cancelled"
    assert client.post(f"/api/jobs/{job_id}/cancel").status_code == 409
    assert client.post("/api/jobs/nope0000/cancel").status_code == 404
    time.sleep(2)  # a worker that had started it must not flip it back
    assert client.get(f"/api/jobs/{job_id}").json()["status"] == "failed"


def test_cancelling_a_running_job_stops_its_worker(client: TestClient) -> None:
    """The worker process of a cancelled running job is stopped (the next job gets a
    fresh one); the job stays cancelled."""
    web = client.app.state.web  # type: ignore[attr-defined]
    articles = [{"title": a["title"], "text": a["text"]} for a in ARTICLES]
    response = client.post("/api/jobs", json={"articles": articles})
    job_id = response.json()["id"]
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        status = client.get(f"/api/jobs/{job_id}").json()["status"]
        if status != "queued":
            break
        time.sleep(0.05)
    if status != "running" or web.executor.pid is None:
        pytest.skip(f"the job was {status} before it could be cancelled while running")
    pid = web.executor.pid
    cancelled = client.post(f"/api/jobs/{job_id}/cancel")
    if cancelled.status_code == 409:
        pytest.skip("the job ended before it could be cancelled")
    assert cancelled.status_code == 200
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and _running(pid):
        time.sleep(0.1)
    assert not _running(pid), "the cancelled job's worker kept running"
    time.sleep(1)
    job = client.get(f"/api/jobs/{job_id}").json()
    assert job["status"] == "failed" and job["error"] == "cancelled"
    # the next job still runs (on a fresh worker)
    nxt = client.post("/api/jobs", json={"articles": articles[:2]}).json()["id"]
    assert wait_for(client, nxt)["status"] == "done"
