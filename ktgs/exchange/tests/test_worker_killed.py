"""Issue 12, end to end on PostgreSQL: the REAL detached import worker killed with SIGKILL in its
write phase, then the same file imported again, which completes in the time of a clean run.

The worker is a child process with its own connection, so it cannot see the test database (each
test lives inside its own transaction) and `transactional_db` is forbidden here (conftest.py).
Everything therefore runs in child processes against throwaway databases of the same cluster: one
migrated with a small demo (`ktgs demo --members 100`: the units and the demo users), cloned
(CREATE DATABASE ... TEMPLATE, with a copy of its data folder and audit head) into a database for
a clean run and one for the killed run. Jobs are created and started as the upload page does
(`jobs.create_job` + `jobs.start`, the default "subprocess" runner: `python -m
ktgs.exchange.worker ID`).

The killed run sets KTGS_IMPORT_THROTTLE_MS (tests only), which sleeps after each progress
report: its write phase lasts several seconds, so the kill lands reliably inside the write
transaction, after the members and their memberships were sent to the server. The clean run and
the re-run are not throttled. SQLite: skipped (one process, no server session to outlive it).
"""

import json
import os
import shutil
import signal
import time
import uuid
from datetime import date, timedelta

import pytest

from ktgs.exchange.jobs import STALE_MESSAGE
from ktgs.exchange.tests.test_views import members_book
from ktgs.ops.tests.helpers import engine, ktgs, migrated

pytestmark = pytest.mark.skipif(
    engine() != "postgresql",
    reason="PostgreSQL only: a killed worker's server session and its rollback",
)

MEMBERS = 4000
CELLS = ["HA.DBK.001.01", "HA.DBK.001.02", "HA.DBK.001.03", "HA.DBK.001.04"]
OWNER = "kiemtravien"  # the demo's inspector of HA.DBK: may import into its cells
THROTTLE_MS = "300"  # the killed run: 9 write steps, each followed by this sleep
KILL_AT_STEP = 5  # the worker reports ("ghi", 5, 9) once units, members, memberships are sent
WAIT = 40  # seconds, at most, for any one wait of this test

START_JOB = """
import shutil, sys, django
django.setup()
from ktgs.accounts.models import User
from ktgs.exchange import jobs
owner = User.objects.get(username=sys.argv[1])
upload = jobs.private_upload_dir() / "dang-tai.xlsx"
shutil.copyfile(sys.argv[2], upload)
job = jobs.create_job(owner_id=owner.pk, upload=upload, file_name="dang-vien.xlsx", ip="127.0.0.1")
jobs.start(job)
print(job, owner.pk)
"""

WAIT_JOB = """
import json, sys, time, django
django.setup()
from ktgs.exchange import jobs
job, owner, deadline = sys.argv[1], int(sys.argv[2]), time.monotonic() + float(sys.argv[3])
seen = set()
while True:
    state = jobs.job_state(job, owner_id=owner)
    seen.add(state["state"])
    if state["state"] not in (jobs.QUEUED, jobs.RUNNING) or time.monotonic() > deadline:
        break
    time.sleep(0.1)
print(json.dumps({**state, "seen": sorted(seen)}))
"""


def _file(tmp_path):
    """MEMBERS new members (NV9…), each with a membership in one of the demo's first cells."""
    rows, lives = [], []
    for i in range(MEMBERS):
        code = f"NV9{i:05d}"
        born = date(1960, 1, 1) + timedelta(days=i * 7 % 12000)
        joined = date(2000, 1, 1) + timedelta(days=i % 5000)
        rows.append(
            [
                code,
                ["Nguyễn", "Trần", "Lê", "Phạm"][i % 4],
                ["Văn", "Thị", "Hữu", "Minh"][i // 4 % 4],
                f"Tên{i}",
                born.strftime("%d/%m/%Y"),
                "Nữ" if i % 2 else "Nam",
                joined.strftime("%d/%m/%Y"),
                (joined + timedelta(days=365)).strftime("%d/%m/%Y"),
            ]
        )
        lives.append([code, CELLS[i % len(CELLS)], joined.strftime("%d/%m/%Y")])
    path = tmp_path / "dang-vien.xlsx"
    path.write_bytes(members_book(rows, lives))
    return path


@pytest.fixture
def databases(tmp_path):
    """make(name) -> (data folder, DATABASE_URL) of a fresh clone of a migrated database with a
    small demo; every database made is dropped at the end."""
    from ktgs.ops.tests.test_backup_postgres import Server

    server, prefix = Server(), f"ktgs_killed_{uuid.uuid4().hex[:8]}"
    made = [f"{prefix}_tmpl"]
    base_dir = tmp_path / "tmpl"
    base_dir.mkdir()
    try:
        base_url = server.url(made[0])
        migrated(base_dir, base_url)  # creates the database
        ktgs("demo", "--members", "100", data_dir=base_dir, database_url=base_url)

        def make(role: str):
            name = f"{prefix}_{role}"
            with server.connect() as conn:
                conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{made[0]}"')
            made.append(name)
            data_dir = tmp_path / role
            shutil.copytree(base_dir, data_dir)  # the audit head goes with the database,
            heads = data_dir / "audit-head"  # named after it (ktgs.audit.head.head_path)
            (heads / f"postgresql-{made[0]}.json").rename(heads / f"postgresql-{name}.json")
            return data_dir, server.url(name)

        yield make, server
    finally:
        for name in made:
            server.drop(name)


def _start(data_dir, url, path, **env):
    out = ktgs("-c", START_JOB, OWNER, str(path), data_dir=data_dir, database_url=url, **env)
    job, owner = out.stdout.split()
    return job, int(owner)


def _wait(data_dir, url, job, owner) -> dict:
    out = ktgs("-c", WAIT_JOB, job, str(owner), str(WAIT), data_dir=data_dir, database_url=url)
    return json.loads(out.stdout)


def _run_to_end(data_dir, url, path) -> tuple[dict, float]:
    """A job run by the real worker to its end: its final state, and its duration as the job
    page shows it (from the upload stored to the last state written by the worker)."""
    job, owner = _start(data_dir, url, path)
    state = _wait(data_dir, url, job, owner)
    assert state["state"] == "done" and state["ok"], (state, _log(data_dir, job))
    return state, state["updated"] - state["created"]


def _log(data_dir, job) -> str:
    path = data_dir / "jobs" / job / "worker.log"
    return path.read_text(errors="replace")[-3000:] if path.is_file() else ""


def _read_state(folder):
    try:
        return json.loads((folder / "state.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _wait_for_write_step(folder) -> dict:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        state = _read_state(folder)
        if state.get("state") not in (None, "queued", "running"):
            pytest.fail(f"the job ended before it could be killed: {state}")
        if state.get("phase") == "ghi" and state.get("done", 0) >= KILL_AT_STEP:
            return state
        time.sleep(0.02)
    pytest.fail(f"the job never reached its write phase: {_read_state(folder)}")


def _scalar(url: str, sql: str, *params):
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        return conn.execute(sql, params).fetchone()[0]


def test_a_worker_killed_while_writing_leaves_nothing_and_the_next_import_runs_as_fast(
    tmp_path, databases
):
    make, _server = databases
    path = _file(tmp_path)

    # The reference: the same file, imported by the worker on a fresh database.
    clean_dir, clean_url = make("clean")
    clean, clean_seconds = _run_to_end(clean_dir, clean_url, path)
    created = clean["counts"]["Đảng viên"]["created"]
    assert created == MEMBERS

    # The killed run: SIGKILL once the write transaction holds the members and memberships.
    data_dir, url = make("killed")
    members_before = _scalar(url, "SELECT count(*) FROM orgs_member")
    memberships_before = _scalar(url, "SELECT count(*) FROM orgs_membership")
    job, owner = _start(data_dir, url, path, KTGS_IMPORT_THROTTLE_MS=THROTTLE_MS)
    folder = data_dir / "jobs" / job
    state = _wait_for_write_step(folder)
    app_name = f"ktgs-import-{job}"
    in_transaction = "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s AND xact_start IS NOT NULL"
    assert _scalar(url, in_transaction, app_name), "the worker's write transaction is open"
    os.kill(state["pid"], signal.SIGKILL)

    # The job page: "running" while PostgreSQL still runs the dead worker's session, then
    # settled as nothing written, once the server has ended it.
    settled = _wait(data_dir, url, job, owner)
    print(f"\nkilled at {state['phase']} {state['done']}/{state['total']}; seen {settled['seen']}")
    assert settled["state"] == "failed", (settled, _log(data_dir, job))
    assert settled["message"] == STALE_MESSAGE
    assert settled["recover"] is True
    assert not (folder / settled["stored"]).exists(), "the uploaded file is removed at once"
    assert not _scalar(
        url, "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", app_name
    )
    assert _scalar(url, "SELECT count(*) FROM orgs_member") == members_before
    assert _scalar(url, "SELECT count(*) FROM orgs_member WHERE code LIKE 'NV9%%'") == 0
    assert _scalar(url, "SELECT count(*) FROM orgs_membership") == memberships_before
    assert not _scalar(
        url,
        "SELECT count(*) FROM audit_auditevent WHERE action = %s AND details->>'job' = %s",
        "exchange.import.done",
        job,
    )
    verified = ktgs("audit", "verify", data_dir=data_dir, database_url=url, check=False)
    assert verified.returncode == 0, verified.stdout + verified.stderr

    # The same file again: the next worker recovers (VACUUM ANALYZE), then imports everything.
    again, again_seconds = _run_to_end(data_dir, url, path)
    print(f"\nclean run {clean_seconds:.2f} s; re-run after the kill {again_seconds:.2f} s")
    assert again["counts"]["Đảng viên"]["created"] == MEMBERS
    assert _scalar(url, "SELECT count(*) FROM orgs_member WHERE code LIKE 'NV9%%'") == MEMBERS
    assert _read_state(folder)["recover"] is False, "the dead job was recovered"
    assert again_seconds <= 3 * clean_seconds + 5, (clean_seconds, again_seconds)
    verified = ktgs("audit", "verify", data_dir=data_dir, database_url=url, check=False)
    assert verified.returncode == 0, verified.stdout + verified.stderr
