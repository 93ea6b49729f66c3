"""Background import jobs, their progress kept in a small JSON file outside the database.

A job is a private folder `DATA_DIR/jobs/<id>/` (owner-only, 0700) holding the uploaded file,
`state.json` (0600, rewritten atomically: temporary file, fsync, rename) and, when the file has
errors, the problem report `bao-cao-loi.xlsx`. The web page starts the job in a detached child
process (`python -m ktgs.exchange.worker ID`, docs/decisions/0006-background-jobs.md) and polls
the state; the child holds an exclusive lock on `lock` while it runs, so a job whose state says
"running" but whose lock is free has died (server restarted, process killed): its outcome is
read from the database (`settle_dead`: the import's audit event names the job), never
half-written: the import writes in one transaction.

KTGS_IMPORT_THROTTLE_MS (tests only): sleep that many milliseconds after each progress report,
so that a test can watch intermediate values. Never set it in production.
"""

import contextlib
import fcntl
import json
import logging
import os
import re
import secrets
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

from django.conf import settings

from ktgs.core.diskfaults import is_full

log = logging.getLogger(__name__)

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
PHASES = {"doc": "Đọc tệp", "kiemtra": "Kiểm tra dữ liệu", "ghi": "Ghi vào cơ sở dữ liệu"}
STATE_FILE, LOCK_FILE, REPORT_FILE, LOG_FILE = (
    "state.json",
    "lock",
    "bao-cao-loi.xlsx",
    "worker.log",
)
SHOWN_PROBLEMS = 50  # the page lists this many; the report holds them all
KEEP_DAYS = 7  # finished jobs (and their problem reports) are removed after a week
UPLOAD_KEEP_MINUTES = 60  # a partial upload or a download folder untouched this long is removed
START_GRACE = 60  # seconds a queued job may wait for its process before it counts as dead
WRITE_EVERY = 0.25  # seconds between two progress writes within one phase
JOB_ID = re.compile(r"[0-9a-f]{32}")
STALE_MESSAGE = (
    "Việc nhập dữ liệu đã dừng giữa chừng (máy chủ khởi động lại hoặc tiến trình bị dừng). "
    "Không có dữ liệu nào được ghi; đồng chí hãy nhập lại tệp."
)
DISK_FULL_MESSAGE = (
    "Ổ đĩa máy chủ đã đầy khi nhập tệp; không có dữ liệu nào được ghi. Đồng chí hãy báo quản trị "
    "hệ thống giải phóng chỗ trống rồi nhập lại."
)
CRASH_MESSAGE = (
    "Có lỗi không mong đợi khi nhập dữ liệu; không có dữ liệu nào được ghi. "
    "Đồng chí hãy báo quản trị hệ thống (mã việc: {id})."
)


def jobs_dir() -> Path:
    path = Path(settings.DATA_DIR) / "jobs"
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def job_dir(job_id: str) -> Path | None:
    """The folder of job `job_id`, or None for an id that is malformed or unknown."""
    if not JOB_ID.fullmatch(job_id or ""):
        return None
    path = jobs_dir() / job_id
    return path if (path / STATE_FILE).is_file() else None


def private_upload_dir() -> Path:
    """Where uploads are written while they arrive (same disk as the jobs: a rename moves them)."""
    path = jobs_dir() / "tai-len"
    path.mkdir(mode=0o700, exist_ok=True)
    return path


# --- the state file --------------------------------------------------------------------------


def write_state(folder: Path, state: dict) -> None:
    """Replace `folder/state.json` atomically: a reader sees the old or the new state, whole."""
    state = {**state, "updated": time.time()}
    tmp = folder / f".{STATE_FILE}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump(state, out, ensure_ascii=False)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, folder / STATE_FILE)
    except OSError:  # a full disk: the old state stays whole, no temporary file is left
        tmp.unlink(missing_ok=True)
        raise


def read_state(folder: Path) -> dict:
    return json.loads((folder / STATE_FILE).read_text(encoding="utf-8"))


def _process_alive(folder: Path) -> bool:
    """Does a process hold the job's lock? (The lock goes when the process ends, however.)"""
    try:
        fd = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def job_state(job_id: str, *, owner_id: int) -> dict | None:
    """The state of the user's job, with a dead job shown as failed; None when the job does not
    exist or belongs to someone else (the page answers 404 either way)."""
    folder = job_dir(job_id)
    if folder is None:
        return None
    state = read_state(folder)
    if state.get("owner_id") != owner_id:
        return None
    if state["state"] in (QUEUED, RUNNING) and not _process_alive(folder):
        state = read_state(folder)  # the process writes its last state before it lets go
    if state["state"] in (QUEUED, RUNNING) and not _process_alive(folder):
        waited = time.time() - state.get("created", 0)
        if state["state"] == RUNNING or waited > START_GRACE:
            state = settle_dead(folder, state)
    return state


def settle_dead(folder: Path, state: dict) -> dict:
    """The final state of a job whose worker died, read from the database, not from the state
    file (written after the commit, it may say "running" for an import that was committed just
    before the worker was killed): the import's audit event names the job. Present: done, with
    the event's counts; absent: nothing was written. Marked for recovery (`recover()`: fresh
    statistics after a load that may have been rolled back). While PostgreSQL still runs the
    dead worker's statement or commit, the job is left as it is (asked again on the next poll)."""
    if _backend_busy(state["id"]):
        return state
    outcome = _committed_outcome(folder, state["id"])
    state = {**state, **(outcome or {"state": FAILED, "message": STALE_MESSAGE})}
    state["recover"] = True
    _drop_upload(folder, state)  # the file (citizen IDs) goes at once, not in a week
    try:
        write_state(folder, state)
    except OSError as exc:  # the disk that stopped the job is still full
        if not is_full(exc):
            raise
        state["message"] = DISK_FULL_MESSAGE
    return state


def recover() -> list[str]:
    """At a worker's start: settle the jobs whose worker died (their outcome from the database)
    and, once for all of them, refresh the statistics of the tables an import writes (VACUUM
    ANALYZE on PostgreSQL: a killed COPY leaves dead rows). The ids of the jobs recovered."""
    from ktgs.core.db import recover_statistics
    from ktgs.exchange.importer import written_tables

    recovered = []
    for state_file in jobs_dir().glob(f"*/{STATE_FILE}"):
        folder = state_file.parent
        with contextlib.suppress(OSError, ValueError, KeyError):
            state = read_state(folder)
            dead = state["state"] in (QUEUED, RUNNING) and not _process_alive(folder)
            if dead and (state["state"] == RUNNING or _waited(state) > START_GRACE):
                state = settle_dead(folder, state)
            if state.get("recover"):
                recovered.append((folder, state))
    if recovered:
        recover_statistics(written_tables())
        for folder, state in recovered:
            write_state(folder, {**state, "recover": False})
    return [state["id"] for _folder, state in recovered]


def _waited(state: dict) -> float:
    return time.time() - state.get("created", 0)


def limit_worker_session(job_id: str) -> None:
    """The worker's database session named after its job (a job page sees it still running on
    the server) with a statement timeout (KTGS_IMPORT_STATEMENT_TIMEOUT, default 15 minutes)."""
    from ktgs.core.db import limit_session

    timeout = getattr(settings, "KTGS_IMPORT_STATEMENT_TIMEOUT", "15min")
    limit_session(_app_name(job_id), timeout)


def _import_event(job_id: str):
    from ktgs.audit.models import AuditEvent
    from ktgs.exchange.importer import ACTION

    return AuditEvent.objects.filter(action=ACTION, details__job=job_id).first()


def _backend_busy(job_id: str) -> bool:
    """Does PostgreSQL still run a session of the job's worker (named after the job)?"""
    from django.db import connection

    if connection.vendor != "postgresql":
        return False  # SQLite: a dead process's transaction is gone with it
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")  # kept per transaction otherwise
        cursor.execute(
            "SELECT 1 FROM pg_stat_activity WHERE application_name = %s", [_app_name(job_id)]
        )
        return cursor.fetchone() is not None


def _app_name(job_id: str) -> str:
    return f"ktgs-import-{job_id}"


def report_path(job_id: str, *, owner_id: int) -> Path | None:
    state = job_state(job_id, owner_id=owner_id)
    if state is None or not state.get("report"):
        return None
    path = jobs_dir() / job_id / REPORT_FILE
    return path if path.is_file() else None


# --- creating and starting a job ---------------------------------------------------------------


def purge_old(days: int = KEEP_DAYS, *, upload_minutes: int = UPLOAD_KEEP_MINUTES) -> int:
    """Remove what the jobs leave on the disk (files that name people); how many were removed.

    * jobs finished (or found dead) more than `days` ago, with their folder and report;
    * the uploaded file of a job found dead (server restarted, process killed) at once;
    * uploads left half-written in `tai-len/` (the web server killed while a file arrived),
      download folders `tai-ve-*` and job folders without a state file (killed while being
      created), untouched for `upload_minutes`.

    Runs when a job is created, when a worker starts and from `ktgs jobs purge` (daily timer)."""
    now, removed = time.time(), 0
    for folder in jobs_dir().iterdir():
        with contextlib.suppress(OSError, ValueError, KeyError, TypeError):
            if (folder / STATE_FILE).is_file():
                removed += _purge_job(folder, now - days * 86400)
            elif _is_stray(folder) and _untouched(folder) < now - upload_minutes * 60:
                _remove(folder)
                removed += 1
    return removed + _purge_partial_uploads(now - upload_minutes * 60)


def purge_quietly() -> None:
    """`purge_old()` where a failure to clean must not fail the caller (the worker)."""
    try:
        purge_old()
    except Exception:
        log.exception("purge of old import jobs failed")


def _purge_job(folder: Path, limit: float) -> int:
    state = read_state(folder)
    old = state["updated"] < limit
    if state["state"] in (QUEUED, RUNNING):  # a dead one is failed now, its file removed
        state = job_state(folder.name, owner_id=state.get("owner_id")) or state
    if state["state"] not in (DONE, FAILED):
        return 0  # still running (its process holds the lock), or not started yet
    _drop_upload(folder, state)
    if old:
        shutil.rmtree(folder)
    return int(old)


def _is_stray(folder: Path) -> bool:
    return folder.name.startswith("tai-ve-") or bool(JOB_ID.fullmatch(folder.name))


def _untouched(path: Path) -> float:
    """The last change to `path` or anything directly in it (a file still written is fresh)."""
    times = [path.stat().st_mtime]
    if path.is_dir():
        times += [child.stat().st_mtime for child in path.iterdir()]
    return max(times)


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def _purge_partial_uploads(limit: float) -> int:
    removed = 0
    for partial in private_upload_dir().iterdir():
        with contextlib.suppress(OSError):
            if _untouched(partial) < limit:
                _remove(partial)
                removed += 1
    return removed


def _drop_upload(folder: Path, state: dict) -> None:
    with contextlib.suppress(OSError, KeyError, TypeError):
        (folder / state["stored"]).unlink(missing_ok=True)


def create_job(*, owner_id: int, upload: Path, file_name: str, ip: str | None = None) -> str:
    """Move the uploaded file into a new private job folder; the job waits to be started. The
    owner and `ip` (the address the upload came from) are kept in its state: the detached
    worker names them in every audit event of the import."""
    purge_old()
    job_id = secrets.token_hex(16)
    folder = jobs_dir() / job_id
    try:
        _store_upload(folder, upload, file_name, owner_id=owner_id, ip=ip)
    except OSError:  # a full disk: no half-made job (with the citizen IDs of the file) stays
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return job_id


def _store_upload(folder: Path, upload: Path, file_name: str, *, owner_id: int, ip) -> None:
    folder.mkdir(mode=0o700)
    suffix = Path(file_name).suffix.lower()
    stored = folder / f"tep-nhap{suffix}"
    os.replace(upload, stored)
    os.chmod(stored, 0o600)
    write_state(
        folder,
        {
            "id": folder.name,
            "owner_id": owner_id,
            "ip": ip,
            "file_name": file_name,
            "stored": stored.name,
            "state": QUEUED,
            "phase": "",
            "done": 0,
            "total": 0,
            "created": time.time(),
        },
    )


def remove(job_id: str) -> None:
    """Remove a job that could not be started (its folder holds the uploaded file)."""
    if JOB_ID.fullmatch(job_id):
        shutil.rmtree(jobs_dir() / job_id, ignore_errors=True)


def start(job_id: str) -> None:
    """Run the job in a detached child process ("subprocess", the default) or, in tests that
    need the result at once, here and now (KTGS_JOB_RUNNER = "inline")."""
    if getattr(settings, "KTGS_JOB_RUNNER", "subprocess") == "inline":
        run(job_id)
        return
    folder = jobs_dir() / job_id
    with (folder / LOG_FILE).open("ab") as out:
        child = subprocess.Popen(
            [sys.executable, "-m", "ktgs.exchange.worker", job_id],
            cwd=settings.BASE_DIR,
            env={**os.environ, "DJANGO_SETTINGS_MODULE": _settings_module()},
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a restart of the web worker does not kill the import
            close_fds=True,
        )
    # Reap the child when it ends, so it does not linger as a zombie of the web process.
    threading.Thread(target=child.wait, daemon=True).start()


def _settings_module() -> str:
    return os.environ.get("DJANGO_SETTINGS_MODULE") or "config.settings"


# --- running a job (in the child process) ------------------------------------------------------


class Progress:
    """The `progress(phase, done, total)` callback: writes the state at most every WRITE_EVERY
    seconds within a phase (always on a new phase and at the end of one)."""

    def __init__(self, folder: Path, state: dict) -> None:
        self.folder, self.state, self.last = folder, state, 0.0
        self.throttle = int(os.environ.get("KTGS_IMPORT_THROTTLE_MS", "0") or 0) / 1000

    def __call__(self, phase: str, done: int, total: int) -> None:
        now = time.monotonic()
        changed = phase != self.state.get("phase") or done >= total
        self.state.update(phase=phase, done=done, total=total)
        if changed or now - self.last >= WRITE_EVERY or self.throttle:
            write_state(self.folder, self.state)
            self.last = now
        if self.throttle:
            time.sleep(self.throttle)


def run(job_id: str) -> dict:
    """Run the import of job `job_id` to its end and leave the outcome in its state file."""
    folder = jobs_dir() / job_id
    lock = os.open(folder / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(lock)
        raise RuntimeError(f"job {job_id} is already running") from None
    state = read_state(folder)
    try:
        state.update(state=RUNNING, pid=os.getpid())
        write_state(folder, state)
        state.update(_outcome(folder, state))
    except Exception as exc:
        log.exception("import job %s failed", job_id)
        state.update(state=FAILED, message=_failure_message(exc, folder, job_id))
        with contextlib.suppress(Exception):  # failed after its commit (ANALYZE)? done, then
            state.update(_committed_outcome(folder, job_id))
    finally:
        _drop_upload(folder, state)  # the data is in the database or refused; frees the disk
        _write_last_state(folder, state)
        fcntl.flock(lock, fcntl.LOCK_UN)
        os.close(lock)
    return state


def _committed_outcome(folder: Path, job_id: str) -> dict:
    """The outcome when the import's audit event shows it committed; empty when it did not."""
    event = _import_event(job_id)
    if event is None:
        return {}
    return {
        **_finished(folder, True, [], event.details.get("counts", {})),
        "sha256": event.details.get("sha256"),
        "warning_count": event.details.get("warnings", 0),
        "warnings": [],
        "message": "",
    }


def _failure_message(exc: Exception, folder: Path, job_id: str) -> str:
    if not is_full(exc):
        return CRASH_MESSAGE.format(id=job_id)
    (folder / REPORT_FILE).unlink(missing_ok=True)  # a half-written report that names people
    return DISK_FULL_MESSAGE


def _write_last_state(folder: Path, state: dict) -> None:
    """The outcome, even on a disk that is full: when no temporary file can be made, the state
    file is overwritten in place (its blocks are reused), so the page does not say "stopped"."""
    try:
        write_state(folder, state)
    except OSError as exc:
        log.error("job state not written (%s); overwriting it in place", exc)
        with contextlib.suppress(OSError), (folder / STATE_FILE).open("r+", encoding="utf-8") as f:
            f.truncate(0)
            json.dump({**state, "updated": time.time()}, f, ensure_ascii=False)


def _outcome(folder: Path, state: dict) -> dict:
    from ktgs.accounts.access import visible_to
    from ktgs.accounts.models import User
    from ktgs.audit.context import Actor, current_actor
    from ktgs.audit.probing import THROTTLED, throttled
    from ktgs.exchange.errors import FileRefused
    from ktgs.exchange.importer import Problem, run_import
    from ktgs.exchange.reach import outside_reach
    from ktgs.orgs.lookups import refuse

    user = User.objects.filter(pk=state["owner_id"]).first()
    path, name = folder / state["stored"], state["file_name"]
    progress = Progress(folder, state)
    try:
        progress("doc", 0, 1)
        scope = visible_to(user)
        if throttled(scope.user_id):
            return {"state": FAILED, "message": THROTTLED}
        outside = outside_reach(path, name, scope, Problem)
        if outside:
            token = (
                current_actor.set(Actor(id=user.pk, name=user.get_username(), ip=state.get("ip")))
                if user is not None
                else None
            )
            try:
                refuse(scope, "import", len(outside))
            finally:
                if token is not None:
                    current_actor.reset(token)
            return _finished(folder, False, outside, {})
        result = run_import(
            path,
            file_name=name,
            user=user,
            ip=state.get("ip"),
            progress=progress,
            job_id=state["id"],
        )
    except FileRefused as refused:
        return {"state": FAILED, "message": str(refused)}
    return {
        **_finished(folder, result.ok, result.problems, result.counts),
        "sha256": result.sha256,
        "warning_count": len(result.warnings),
        "warnings": [_shown(w) for w in result.warnings[:SHOWN_PROBLEMS]],
    }


def _shown(p) -> dict:
    return {"sheet": p.sheet, "row": p.row, "column": p.column, "message": p.message, "fix": p.fix}


def _finished(folder: Path, ok: bool, problems: list, counts: dict) -> dict:
    """The outcome of a job that ran to its end; the problems (all of them) go to the report."""
    from ktgs.exchange.report import write_problem_report

    outcome = {
        "state": DONE,
        "ok": ok,
        "counts": counts,
        "problem_count": len(problems),
        "problems": [_shown(p) for p in problems[:SHOWN_PROBLEMS]],
        "report": None,
    }
    if problems:
        write_problem_report(problems, folder / REPORT_FILE)
        os.chmod(folder / REPORT_FILE, 0o600)
        outcome["report"] = REPORT_FILE
    return outcome
