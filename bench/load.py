"""KTGS under concurrent load (issue 19): gunicorn on 127.0.0.1, `locust` clients in a closed loop.

Run it as `bash bench/load.sh [--members N | --demo "…"] [--users 8] [--seconds 60]`
(docs/benchmarks.md, «Tải đồng thời»). It prints figures, it asserts no limit.

 1. A throwaway database (PostgreSQL when DATABASE_URL points to a server, SQLite otherwise;
    or `--existing`: the database DATABASE_URL names, already loaded — e.g. the nation tier,
    generated once), migrated and loaded with `ktgs demo` (its options in `--demo`), analysed.
 2. gunicorn (`--workers`, default 3) serving it on a free port of 127.0.0.1, DEBUG off.
 3. `locust` headless, `--users` clients spawned at once, each with a session of the demo inspector
    and looping over the pages of bench/locustfile.py: first with 1 s of think time (a busy
    office), then without (the stress figure), `--seconds` each after a short warm-up.
 4. Per page: requests, failures, median and p95 as the client measured them (network and
    queueing included); requests per second; the CPU seconds of the server (gunicorn and its
    workers) and of the load tool itself, and the load tool's share of the machine — on a
    2-core machine the clients compete with the server, which this share makes visible.
"""

import argparse
import contextlib
import csv
import json
import os
import resource
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import ROOT, Databases, Transcript, child, database_url  # noqa: E402  (bench/bench.py)

LOCUSTFILE = Path(__file__).resolve().parent / "locustfile.py"
BARE = "reference: signed-in, no rows"  # the locustfile's page of that name
REFERENCES = Path(__file__).resolve().parent / "references.py"
TICKS = os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=150_000, help="members of the demo bloc")
    parser.add_argument("--demo", default="", help="options of `ktgs demo` instead of --members")
    parser.add_argument("--existing", action="store_true", help="use DATABASE_URL as it is")
    parser.add_argument("--users", type=int, default=8, help="concurrent clients")
    parser.add_argument("--seconds", type=int, default=60, help="measured seconds per run")
    parser.add_argument("--warmup", type=int, default=10, help="seconds before measuring")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers")
    parser.add_argument("--user", default="kiemtravien", help="whose pages (no second factor)")
    parser.add_argument("--keep", action="store_true", help="keep the throwaway database")
    args = parser.parse_args(argv)
    if shutil.which("locust", path=str(Path(sys.executable).parent)) is None:
        raise SystemExit("locust is missing: bash bench/load.sh installs it (.[load]).")

    url, on_postgres = database_url()
    work = Path(tempfile.mkdtemp(prefix="ktgs-load-"))
    dbs = Databases(work, url if on_postgres else "")
    say = Transcript()

    engine = "PostgreSQL" if on_postgres else "SQLite"
    say(f"KTGS load, {datetime.now():%d/%m/%Y %H:%M}, {engine}, {os.cpu_count()} CPU")
    say.load("start")
    server = None
    try:
        if args.existing:
            env = dict(os.environ, KTGS_DEBUG="0")  # its data folder (keys) if given
            env.setdefault("KTGS_DATA_DIR", str(work / "data"))
        else:
            env = dbs.create("load")
            started = time.perf_counter()
            child(["migrate", "-v0"], env, ktgs=True)
            demo = shlex.split(args.demo) if args.demo else ["--members", str(args.members)]
            child(["demo", *demo], env, ktgs=True, quiet=True)
            say(f"dataset: ktgs demo {' '.join(demo)} in {time.perf_counter() - started:.0f} s")
            if dbs.url:
                dbs.analyze("load")
        say(child(["shell", "-v0", "-c", SIZE], env, ktgs=True).strip())
        port = free_port()
        server = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                "config.wsgi:application",
                f"--workers={args.workers}",
                f"--bind=127.0.0.1:{port}",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=env,
        )
        host = f"http://127.0.0.1:{port}"
        wait_for(host + "/dang-nhap/")
        say(
            f"gunicorn, {args.workers} workers; {args.users} clients (locust), "
            f"{args.seconds} s measured per run, after a {args.warmup} s warm-up run"
        )
        sessions = child(
            ["shell", "-c", SESSIONS % (args.user, args.users)], env, ktgs=True
        ).strip()
        run_locust(args, host, env, sessions, 0.0, args.warmup, work, server.pid)  # warm-up
        measured = {}
        for think, title in ((1.0, "busy office: 1 s think time"), (0.0, "stress: no think time")):
            say()
            say(f"== {title} ==")
            lines_run, measured[think] = run_locust(
                args, host, env, sessions, think, args.seconds, work, server.pid
            )
            for line in lines_run:
                say(line)
        server.terminate()
        server.wait(timeout=30)
        server = None
        say()
        say("== each page beside the hand-written SQL of its rows (bench/references.py) ==")
        for line in reference_lines(args, env, measured[1.0]):
            say(line)
        say.load("end")
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        if args.keep or args.existing:
            say(f"kept: {work} {dbs.describe()}")
        else:
            dbs.drop_all()
            shutil.rmtree(work, ignore_errors=True)
    print(f"(also written to {say.write('load-latest.txt')})")
    return 0


# one signed-in session per client for the benchmark user (default: the demo inspector)
SESSIONS = (
    "from django.test import Client; from ktgs.accounts.models import User; "
    "u = User.objects.get(username=%r); cs = [Client() for _ in range(%d)]; "
    "[c.force_login(u) for c in cs]; print(','.join(c.cookies['sessionid'].value for c in cs))"
)
SIZE = (
    "from ktgs.orgs.models import Member, OrgUnit; "
    "print(f'database: {Member.objects.count():,} members, {OrgUnit.objects.count():,} units')"
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise SystemExit(
                    f"the server did not answer {url} within {seconds:.0f} s"
                ) from None
            time.sleep(0.5)


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) of gunicorn's master and its live workers, from /proc."""
    total = 0.0
    pids = [pid]
    with contextlib.suppress(OSError):  # gone: the master alone
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime
    return total


def run_locust(
    args, host: str, env: dict, sessions: str, think: float, seconds: int, work: Path, pid: int
) -> list[str]:
    """One locust run of `seconds` (statistics reset once every client is spawned)."""
    prefix = work / f"locust-{int(think * 1000)}-{seconds}"
    client_env = dict(env, KTGS_LOAD_THINK=str(think), KTGS_LOAD_SESSIONS=sessions)
    cmd = [
        str(Path(sys.executable).parent / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        f"--users={args.users}",
        f"--spawn-rate={args.users}",
        f"--run-time={seconds}s",
        f"--host={host}",
        f"--csv={prefix}",
        "--reset-stats",  # once every client is spawned (and signed in)
        "--only-summary",
        "--loglevel=WARNING",
    ]
    before_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    server_before = server_cpu(pid)
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, env=client_env, capture_output=True, text=True)
    wall = time.perf_counter() - started
    server_used = server_cpu(pid) - server_before
    after_children = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_used = (after_children.ru_utime - before_children.ru_utime) + (
        after_children.ru_stime - before_children.ru_stime
    )
    if done.returncode not in (0, 1):  # 1: some requests failed, reported below
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit("locust failed")
    rows = list(csv.DictReader((prefix.with_name(prefix.name + "_stats.csv")).open()))
    out = [f"{'page':<30} {'requests':>8} {'failed':>6} {'median ms':>9} {'p95 ms':>7}"]
    total = None
    pages = {}
    for row in rows:
        if row["Name"] == "Aggregated":
            total = row
            continue
        pages[row["Name"]] = (float(row["50%"]), float(row["95%"]))
        out.append(
            f"{row['Name']:<30} {row['Request Count']:>8} {row['Failure Count']:>6} "
            f"{row['50%']:>9} {row['95%']:>7}"
        )
    if total is not None:
        out.append(
            f"{'all pages':<30} {total['Request Count']:>8} {total['Failure Count']:>6} "
            f"{total['50%']:>9} {total['95%']:>7}   {float(total['Requests/s']):.1f} requests/s"
        )
    cores = os.cpu_count() or 1
    out.append(
        f"CPU over {wall:.0f} s: server {server_used:.1f} s, load tool {client_used:.1f} s "
        f"({client_used / (wall * cores):.0%} of {cores} cores)"
    )
    return out, pages


def reference_lines(args, env: dict, pages: dict) -> list[str]:
    """Each page's median and p95 (1 s think time) beside the hand-written SQL of its rows,
    timed alone on the same database once the server has stopped, and the ratios."""
    done = subprocess.run(
        [
            sys.executable,
            str(REFERENCES),
            f"--user={args.user}",
            f"--search={os.environ.get('KTGS_LOAD_SEARCH', 'nguyen van')}",
            f"--pick={os.environ.get('KTGS_LOAD_PICK', 'nguyen van')}",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        raise SystemExit("bench/references.py failed")
    found = json.loads(done.stdout.strip().splitlines()[-1])
    bare = pages.get(BARE, (0.0, 0.0))
    out = [
        f"scope {found['scope']}; unit page and tree: {found['unit']}; member page: "
        f"{found['member']} (the locust clients open units and members of the same scope)",
        f"{'page':<26} {'page p50':>8} {'p95':>6} {'SQL p50':>8} {'p95':>6} {'rows':>5} "
        f"{'ratio p50':>9} {'ratio p95':>9} {'beyond bare p95':>15}",
    ]
    for name, ref in found["pages"].items():
        if name not in pages:
            continue
        p50, p95 = pages[name]
        sql95 = max(ref["p95"], 1e-3)
        out.append(
            f"{name:<26} {p50:>8.0f} {p95:>6.0f} {ref['median']:>8.1f} {ref['p95']:>6.1f} "
            f"{ref['rows']:>5} {p50 / max(ref['median'], 1e-3):>8.1f}x "
            f"{p95 / sql95:>8.1f}x {(p95 - bare[1]) / sql95:>14.1f}x"
        )
    out += [
        "(page: at the client under the clients above, network and queueing included; SQL: "
        "the statements alone, one connection, no other load)",
        f"(beyond bare: (page p95 − {bare[1]:.0f} ms) ÷ SQL p95, where {bare[1]:.0f} ms is the "
        f"p95 of «{BARE}», a signed-in request that reads no row of its own — what every page "
        "pays first: session, user, second factor, scope, template)",
    ]
    return out


if __name__ == "__main__":
    sys.exit(main())
