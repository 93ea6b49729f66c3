"""KTGS benchmark: a province-sized dataset, page timings and the member import rate.

Run it as `bash bench/run.sh [--members N] [--requests R]` (docs/benchmarks.md). It is a script,
not a test: it prints figures and ratios, it asserts no time limit.

What it does, in a throwaway data folder (and throwaway PostgreSQL databases when DATABASE_URL
points to PostgreSQL; SQLite files otherwise):

 1. `ktgs migrate` and `ktgs demo --members N` into database A (the bloc with N members).
 2. Pages, in-process through Django's test Client as the demo inspector (`kiemtravien`, whose
    scope is the whole bloc): the member search, the member list (first page, a deep page, the
    last page, a filtered page), the tree (root page, htmx expansions) and the name pickers'
    suggestions (`orgs:pick`, a member's and a unit's name fragment). For each, the queries of one
    request, then the median and p95 of R timed requests (server time: the full request through
    the middleware stack, templates included, no network). Beside the pickers, their suggestion
    query written by hand in SQL, timed alone, and the ratio; on PostgreSQL the query's plan.
    Beside the member list's pages (first, middle, last — keyset pages — and the search's first
    and last), the SQL by hand of their rows and capped count, and the ratio; the tree's
    «Xem thêm» when the bloc has more children than a chunk.
 3. The period report (issue 14): a term's worth of records added to database A (inspections,
    supervisions and discipline decisions of every grassroots organisation, `step_records`; the
    demo alone has the example report's ~90), then the full report of the bloc over its
    2020–2025 term — the page `/bao-cao/HA.DBK/?ky=nhiem-ky…` through the test Client, and
    `tables.compute` of every shipped table with one `indicators.Context` — beside the same
    figures by hand-written SQL aggregates (three statements), timed alone in the same process,
    and the ratio. Every cell of the report is checked equal to the hand-written SQL's figure
    first: the script stops, naming the cells, when one differs.
 4. The members of database A exported in the interchange format (`ktgs.exchange.exporter`),
    then imported into a fresh database B (the unit sheets first, untimed; then "Đảng viên" and
    "Sinh hoạt", members and memberships, in one .zip, timed): rows per second. Beside it,
    PostgreSQL `COPY` of the same two CSV files into scratch tables of text columns, in the same
    run, and the ratio import / COPY. Without a PostgreSQL server, or before ktgs.exchange
    exists, the script says the figure is not available instead of printing one.

The parent process never loads Django: each step runs in a child process with its own
environment (KTGS_DATA_DIR, DATABASE_URL), and hands back its figures as JSON on stdout.
"""

import argparse
import contextlib
import json
import math
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime
from itertools import pairwise
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
BENCH_USER = "kiemtravien"  # the demo inspector: the whole bloc in scope, no second factor
SEARCH = "nguyen van"
# the name pickers' suggestions (issue 13): a common fragment of a member's name, of a unit's
PICK_MEMBER = "nguyen van"
PICK_UNIT = "van phong"
# and a rarer one (far fewer members): on PostgreSQL the common fragment walks the name
# order and stops at a screenful, the rare one is looked up through the trigram index
PICK_RARE = "kieu thi"
# and one that matches nobody (a typo): where no index serves, every key in scope is read
PICK_NONE = "nguyen xyz"
BASE_COMMITTEE = "HA.DBK.001"
NOT_YET = "not available yet"


class Transcript:
    """What a run prints, line by line, kept to be written to bench/results/ at its end."""

    def __init__(self) -> None:
        self.lines: list[str] = []

    def __call__(self, line: str = "") -> None:
        print(line, flush=True)
        self.lines.append(line)

    def load(self, when: str) -> None:
        self(f"load average at {when}: " + " ".join(f"{x:.2f}" for x in os.getloadavg()))

    def write(self, name: str) -> Path:
        RESULTS.mkdir(exist_ok=True)
        (RESULTS / name).write_text("\n".join(self.lines) + "\n", encoding="utf-8")
        return RESULTS / name


def database_url() -> tuple[str, bool]:
    """DATABASE_URL, and whether it names a PostgreSQL server."""
    url = os.environ.get("DATABASE_URL", "")
    return url, url.startswith(("postgres://", "postgresql://"))


# --- the parent process ------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=150_000, help="members of the bloc")
    parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
    parser.add_argument(
        "--keep", action="store_true", help="keep the data folder and databases afterwards"
    )
    parser.add_argument(
        "--no-import", action="store_true", help="pages only: skip the export and import"
    )
    parser.add_argument(
        "--demo-records",
        action="store_true",
        help="period report on the demo's records only (no term's worth of records added)",
    )
    parser.add_argument(
        "--analyze",
        action="store_true",
        help="on SQLite, run ANALYZE after the load (PostgreSQL is always analysed)",
    )
    parser.add_argument(
        "--copy-url",
        default="",
        help="PostgreSQL URL for the COPY reference when the app runs on SQLite "
        "(default: DATABASE_URL when it is PostgreSQL)",
    )
    parser.add_argument(
        "--tier",
        choices=("bloc", "nation"),
        default="bloc",
        help="nation: generate `ktgs demo --tier nation --scale F` and measure the load and the "
        "export's peak memory at two sizes (no pages yet)",
    )
    parser.add_argument("--scale", type=float, default=0.01, help="with --tier nation")
    parser.add_argument(
        "--report-on",
        default="",
        metavar="CODE",
        help="no dataset built: the period report of unit CODE in the database DATABASE_URL "
        "names as it is (e.g. a province of the nation tier), against the hand-written SQL",
    )
    parser.add_argument("--user", default=BENCH_USER, help="with --report-on: whose page")
    args = parser.parse_args(argv)
    if args.tier == "nation":
        return nation_main(args)
    if args.report_on:
        return report_on_main(args)

    url, on_postgres = database_url()
    copy_url = args.copy_url or (url if on_postgres else "")
    work = Path(tempfile.mkdtemp(prefix="ktgs-bench-"))
    dbs = Databases(work, url if on_postgres else "")
    say = Transcript()

    engine = "PostgreSQL" if on_postgres else "SQLite"
    say(f"KTGS benchmark, {datetime.now():%d/%m/%Y %H:%M}, {engine}, {os.cpu_count()} CPU")
    say(f"members: {args.members:,}; timed requests per page: {args.requests}")
    say.load("start")
    try:
        env_a = dbs.create("a")
        started = time.perf_counter()
        child(["migrate", "-v0"], env_a, ktgs=True)
        migrated = time.perf_counter()
        child(["demo", "--members", str(args.members)], env_a, ktgs=True, quiet=True)
        built = time.perf_counter()
        say(f"dataset: migrate {migrated - started:.1f} s, demo {built - migrated:.1f} s")
        if dbs.url or args.analyze:
            # On PostgreSQL autovacuum would analyse the tables within a minute or so of the
            # bulk load: do it now, so that the plans are those of a database in service.
            # SQLite never analyses by itself: without --analyze it runs as KTGS ships.
            dbs.analyze("a")
            say("ANALYZE run after the load")

        pages = child_json(["pages", "--requests", str(args.requests)], env_a)
        say()
        say(pages["context"])
        say(f"{'page':<44} {'queries':>7} {'median ms':>10} {'p95 ms':>8} {'rows':>7}")
        for row in pages["rows"]:
            say(
                f"{row['name']:<44} {row['queries']:>7} {row['median']:>10.1f} "
                f"{row['p95']:>8.1f} {row['rows']:>7}"
            )
        say(picker_lines(pages["rows"]))

        say()
        if args.demo_records:
            say("term records: the demo's only (--demo-records)")
        else:
            added = child_json(["records"], env_a)
            say(added.get("line") or f"term records: {NOT_YET} ({added.get('why')})")
            if dbs.url or args.analyze:
                dbs.analyze("a")
        report = child_json(["report", "--requests", str(args.requests)], env_a)
        for line in report_lines(report):
            say(line)

        say()
        if args.no_import:
            say("member CSV import: skipped (--no-import)")
        else:
            import_part(dbs, env_a, copy_url, say)
        say.load("end")
    finally:
        if args.keep:
            say(f"kept: {work} {dbs.describe()}")
        else:
            dbs.drop_all()
            shutil.rmtree(work, ignore_errors=True)
    print(f"(also written to {say.write('latest.txt')})")
    return 0


# --- the nation tier (issue 19): generation rate and the export's memory ------------------------

# The export is measured at the scale asked for and at a fifth of it: its peak memory (the
# export child's maximum resident set, less the same process's after Django started) should not
# grow with the data when the export streams.
NATION_SMALLER = 5


def nation_main(args) -> int:
    url, on_postgres = database_url()
    work = Path(tempfile.mkdtemp(prefix="ktgs-bench-"))
    dbs = Databases(work, url if on_postgres else "")
    say = Transcript()

    engine = "PostgreSQL" if on_postgres else "SQLite"
    say(
        f"KTGS benchmark, nation tier, {datetime.now():%d/%m/%Y %H:%M}, {engine}, {os.cpu_count()} CPU"
    )
    say.load("start")
    exports, cpus = [], []
    try:
        for name, scale in (("a", args.scale), ("b", args.scale / NATION_SMALLER)):
            env = dbs.create(name)
            child(["migrate", "-v0"], env, ktgs=True)
            started = time.perf_counter()
            made = child_json(["generate", "--scale", f"{scale:g}"], env)
            seconds = time.perf_counter() - started
            child_cpu, server = made["cpu"], made["server_cpu"]
            cpus.append((scale, child_cpu + server))
            rows = child_json(["rows"], env)
            say(
                f"scale {scale:g}: generated in {seconds:.1f} s (CPU: generator {child_cpu:.1f} s, "
                f"database server {server:.1f} s): {rows['members']:,} members, "
                f"{rows['total']:,} rows in all, {rows['total'] / seconds:,.0f} rows/s; "
                f"{rows['subjects']:,} inspection subjects and {rows['decisions']:,} decisions"
            )
            if name == "a":
                full = seconds * (1 / scale)
                say(f"  linear estimate of the full nation: {full / 60:.0f} min")
            exported = child_json(["export", "--out", str(work / f"export-{name}")], env)
            exports.append((scale, exported))
            say(
                f"  export (CSV, every sheet): {exported['seconds']:.1f} s, "
                f"{sum(exported['rows'].values()):,} member and membership rows; peak memory "
                f"{exported['peak_mb']:.0f} MB above Django's {exported['base_mb']:.0f} MB"
            )
            if name == "a" and not args.keep:
                dbs.drop_all()
                dbs.created.clear()
        (big, a), (small, b) = exports
        marginal = (cpus[0][1] - cpus[1][1]) / (big - small)
        say(
            f"CPU per unit of scale (the difference of the two runs, fixed costs out): {marginal:.0f}"
            f" s: the full nation on a quiet machine in about {marginal / 60:.0f} min if the "
            "generator and the server never overlap"
        )
        say(
            f"export peak memory: {a['peak_mb']:.0f} MB at scale {big:g}, {b['peak_mb']:.0f} MB at "
            f"scale {small:g} (× {a['peak_mb'] / max(b['peak_mb'], 1):.1f} for × {NATION_SMALLER} "
            "the data)"
        )
        say.load("end")
    finally:
        if args.keep:
            say(f"kept: {work} {dbs.describe()}")
        else:
            dbs.drop_all()
            shutil.rmtree(work, ignore_errors=True)
    say.write("latest-nation.txt")
    return 0


def step_generate(scale: float) -> dict:
    """`ktgs demo --tier nation --scale F` in this process, then the CPU it used and the CPU its
    PostgreSQL session used (the server process of the same connection, read from /proc when
    the server runs on this machine; parallel index-build workers not counted)."""
    import resource

    setup_django()
    import io

    from django.core.management import call_command
    from django.db import connection

    call_command("demo", "--tier", "nation", "--scale", str(scale), stdout=io.StringIO())
    usage = resource.getrusage(resource.RUSAGE_SELF)
    server = 0.0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backend = cursor.fetchone()[0]
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()
            server = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return {"cpu": usage.ru_utime + usage.ru_stime, "server_cpu": server}


def step_rows() -> dict:
    """Rows in the tables the nation tier writes (exact counts)."""
    setup_django()
    from ktgs.demo.nation import TABLES
    from ktgs.discipline.models import Decision
    from ktgs.inspections.models import InspectionSubject
    from ktgs.orgs.models import Member

    counts = {m.__name__: m.objects.count() for m in TABLES}
    return {
        "total": sum(counts.values()),
        "members": counts[Member.__name__],
        "subjects": counts[InspectionSubject.__name__],
        "decisions": counts[Decision.__name__],
    }


def picker_lines(rows: list[dict]) -> str:
    """Each picker endpoint against its suggestion query by hand (median ratio), and on
    PostgreSQL the plan of the query it ran."""
    by_name = {row["name"]: row for row in rows}
    out = []
    for row in rows:
        page = by_name.get(row.get("reference", ""))
        if page is not None:
            out.append(
                f"ratio {page['name']} / SQL by hand (median): "
                f"{page['median'] / max(row['median'], 1e-6):,.1f}"
            )
    out += [f"plan of {row['name']}: {row['plan']}" for row in rows if row.get("plan")]
    return "\n".join(out)


def import_part(dbs: "Databases", env_a: dict, copy_url: str, say) -> None:
    """Export A's members, import them into a fresh B, COPY them: print the three lines."""
    exported = child_json(["export", "--out", str(dbs.work / "export")], env_a)
    if exported.get("members_csv") is None:
        say(f"member CSV import: {NOT_YET} ({exported['why']})")
        return
    files = [Path(p) for p in exported["member_files"]]
    rows = sum(exported["rows"].values())
    size = sum(p.stat().st_size for p in files) / 1e6
    say(
        f"member CSV (export of A, {exported['seconds']:.1f} s): "
        + " + ".join(f"{name} {n:,} rows" for name, n in exported["rows"].items())
        + f" = {rows:,} rows, {size:.1f} MB"
    )
    imported = run_import_step(dbs, exported)
    copied = copy_reference(copy_url, files)
    say(import_lines(imported, copied, rows))


def run_import_step(dbs: "Databases", exported: dict) -> dict:
    env_b = dbs.create("b")
    child(["migrate", "-v0"], env_b, ktgs=True)
    return child_json(["import", "--dir", exported["dir"]], env_b)


def import_lines(imported: dict, copied: dict, rows: int) -> str:
    out = []
    if imported.get("seconds") is None:
        out.append(f"import (ktgs.exchange run_import): {NOT_YET} ({imported['why']})")
        import_rate = None
    else:
        import_rate = rows / imported["seconds"]
        out.append(
            f"import (run_import, members .zip): {imported['seconds']:.1f} s, "
            f"{import_rate:,.0f} rows/s\n  ({imported['note']})"
        )
    if copied.get("seconds") is None:
        out.append(f"PostgreSQL COPY reference: {NOT_YET} ({copied['why']})")
        copy_rate = None
    else:
        copy_rate = rows / copied["seconds"]
        out.append(
            f"PostgreSQL COPY (same CSV, text columns): {copied['seconds']:.2f} s, "
            f"{copy_rate:,.0f} rows/s"
        )
    if import_rate and copy_rate:
        out.append(
            f"ratio import / COPY: {import_rate / copy_rate:.3f} "
            f"(COPY is {copy_rate / import_rate:,.0f}x faster)"
        )
    return "\n".join(out)


class Databases:
    """Throwaway databases: SQLite files in the work folder, or PostgreSQL databases named
    ktgs_bench_<name> on the server of `url` (created afresh, dropped at the end)."""

    def __init__(self, work: Path, url: str):
        self.work, self.url, self.created = work, url, []

    def create(self, name: str) -> dict:
        env = dict(os.environ, KTGS_DATA_DIR=str(self.work / name), KTGS_DEBUG="0")
        env.pop("KTGS_AUDIT_HEAD_DIR", None)
        if self.url:
            db = f"ktgs_bench_{name}"
            self._admin(f'DROP DATABASE IF EXISTS "{db}"', f'CREATE DATABASE "{db}"')
            self.created.append(db)
            env["DATABASE_URL"] = with_database(self.url, db)
        else:
            env.pop("DATABASE_URL", None)
        return env

    def drop_all(self) -> None:
        for db in self.created:
            self._admin(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')

    def analyze(self, name: str) -> None:
        if not self.url:
            import sqlite3

            with contextlib.closing(sqlite3.connect(self.work / name / "ktgs.sqlite3")) as c:
                c.execute("ANALYZE")
            return
        import psycopg

        with psycopg.connect(with_database(self.url, f"ktgs_bench_{name}"), autocommit=True) as c:
            c.execute("ANALYZE")

    def describe(self) -> str:
        return ", ".join(self.created)

    def _admin(self, *statements: str) -> None:
        import psycopg

        with psycopg.connect(self.url, autocommit=True) as conn:
            for sql in statements:
                conn.execute(sql)


def with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


def child(args: list[str], env: dict, *, ktgs: bool = False, quiet: bool = False) -> str:
    cmd = [sys.executable, "-m", "ktgs", *args] if ktgs else [sys.executable, __file__, *args]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"step failed: {' '.join(args)}")
    if not quiet and done.stderr.strip():
        sys.stderr.write(done.stderr)
    return done.stdout


def child_json(args: list[str], env: dict) -> dict:
    return json.loads(child(args, env).strip().splitlines()[-1])


def copy_reference(url: str, files: list[Path]) -> dict:
    """Seconds for PostgreSQL to COPY the CSV files, each into a temporary table of text
    columns (one per CSV column), in one transaction."""
    if not url:
        return {"seconds": None, "why": "no PostgreSQL: set DATABASE_URL or --copy-url"}
    import csv

    import psycopg

    tables = []
    for index, path in enumerate(files):
        with path.open(encoding="utf-8-sig", newline="") as f:
            width = len(next(csv.reader(f)))
        data = path.read_bytes()
        tables.append((f"bench_copy_{index}", width, data.removeprefix(b"\xef\xbb\xbf")))
    with psycopg.connect(url) as conn:
        for table, width, _data in tables:
            columns = ", ".join(f"c{i} text" for i in range(width))
            conn.execute(f"CREATE TEMP TABLE {table} ({columns})")
        conn.commit()
        started = time.perf_counter()
        for table, _width, data in tables:
            sql = f"COPY {table} FROM STDIN (FORMAT csv, HEADER true)"
            with conn.cursor() as cur, cur.copy(sql) as copy:
                copy.write(data)
        conn.commit()
        seconds = time.perf_counter() - started
        copied = sum(
            conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table, *_ in tables
        )
    return {"seconds": seconds, "rows": copied}


# --- child steps (Django loaded) ---------------------------------------------------------------


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def step_pages(requests: int) -> dict:
    setup_django()
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment, teardown_test_environment
    from django.urls import reverse

    from ktgs.accounts.models import User
    from ktgs.orgs.models import Member, OrgUnit

    user = User.objects.get(username=BENCH_USER)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    bloc = OrgUnit.objects.get(code="HA.DBK")
    committee = OrgUnit.objects.get(code=BASE_COMMITTEE)
    in_bloc = Member.objects.filter(current_unit__path__startswith=bloc.path).count()
    in_order = Member.objects.live().filter(current_unit__path__startswith=bloc.path)
    middle = in_order.order_by("sort_key", "code").values_list("pk", "sort_key", "code")[
        in_bloc // 2
    ]
    htmx = {"HTTP_HX_REQUEST": "true"}
    search = SEARCH.replace(" ", "+")
    cases = [
        (LIST_PAGES["search"], f"/dang-vien/?q={search}", {}),
        (LIST_PAGES["search_last"], f"/dang-vien/?q={search}&cuoi=1", {}),
        (LIST_PAGES["first"], "/dang-vien/", {}),
        (LIST_PAGES["middle"], f"/dang-vien/?sau={middle[0]}", {}),
        (LIST_PAGES["last"], "/dang-vien/?cuoi=1", {}),
        (
            f"member list, {BASE_COMMITTEE} + chính thức",
            f"/dang-vien/?don_vi={BASE_COMMITTEE}&trang_thai=full",
            {},
        ),
        (
            f"member list, {BASE_COMMITTEE} + search, last",
            f"/dang-vien/?don_vi={BASE_COMMITTEE}&q=thi&cuoi=1",
            {},
        ),
        ("tree page (roots opened)", "/to-chuc/", {}),
        ("tree: expand HA.DBK (htmx)", f"/to-chuc/cay/{bloc.pk}/", htmx),
        (f"tree: expand {BASE_COMMITTEE} (htmx)", f"/to-chuc/cay/{committee.pk}/", htmx),
        *tree_more(bloc, htmx),
        (
            f"picker: members ?q={PICK_MEMBER}",
            reverse("orgs:pick", args=["dang-vien"]) + f"?q={PICK_MEMBER.replace(' ', '+')}",
            htmx,
        ),
        (
            f"picker: members ?q={PICK_RARE}",
            reverse("orgs:pick", args=["dang-vien"]) + f"?q={PICK_RARE.replace(' ', '+')}",
            htmx,
        ),
        (
            f"picker: members ?q={PICK_NONE}",
            reverse("orgs:pick", args=["dang-vien"]) + f"?q={PICK_NONE.replace(' ', '+')}",
            htmx,
        ),
        (
            f"picker: units ?q={PICK_UNIT}",
            reverse("orgs:pick", args=["don-vi"]) + f"?q={PICK_UNIT.replace(' ', '+')}",
            htmx,
        ),
    ]
    rows = []
    for name, url, headers in cases:
        # One request counted (queries; rows shown, read from the template context, which
        # the test environment's instrumentation provides), then the timed ones without it.
        queries: list[str] = []
        counter = QueryCounter(queries)
        setup_test_environment()
        try:
            with connection.execute_wrapper(counter):
                response = client.get(url, **headers)
        finally:
            teardown_test_environment()
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")
        shown = shown_rows(response.context)
        times = []
        for _ in range(requests):
            started = time.perf_counter()
            client.get(url, **headers)
            times.append((time.perf_counter() - started) * 1000)
        rows.append(
            {
                "name": name,
                "url": url,
                "queries": len(queries),
                "median": statistics.median(times),
                "p95": percentile(times, 0.95),
                "rows": shown,
            }
        )
        if name.startswith("picker:"):
            rows[-1]["plan"] = suggestion_plan(counter.statements)
    rows.extend(picker_by_hand(requests, bloc.path, user.clearance))
    rows.extend(list_by_hand(requests, bloc.path, user.clearance, middle[1:]))
    context = (
        f"pages as {BENCH_USER} (scope HA.DBK: {in_bloc:,} members, "
        f"{OrgUnit.objects.count():,} units), Django test Client in-process, DEBUG off"
    )
    return {"context": context, "rows": rows}


class QueryCounter:
    """An execute wrapper that notes each SQL statement sent."""

    def __init__(self, sink: list[str]):
        self.sink = sink
        self.statements: list[tuple[str, object]] = []  # with their parameters

    def __call__(self, execute, sql, params, many, context):
        self.sink.append(sql)
        self.statements.append((sql, params))
        return execute(sql, params, many, context)


def shown_rows(context) -> int:
    """Members on the page, or tree nodes shown (children of each opened root)."""
    if context is None:
        return 0
    if (page := context.get("page")) is not None:
        return len(page.object_list)
    if (opened := context.get("opened")) is not None:
        return sum(1 + len(children) for _node, children in opened)
    if (nodes := context.get("nodes")) is not None:
        return len(nodes)
    if (suggested := context.get("rows")) is not None:  # a picker's suggestions
        return len(suggested)
    return 0


def suggestion_plan(statements: list[tuple[str, object]]) -> str:
    """On PostgreSQL, the plan of the suggestion query a picker request ran (the statement on
    `search_key`), as its scan nodes and indexes, one line; "" on SQLite."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return ""
    found = [(sql, params) for sql, params in statements if "search_key" in sql]
    if not found:
        return "no statement on search_key"
    sql, params = found[0]
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        plan = [line for (line,) in cursor.fetchall()]
    nodes = [
        line.strip().removeprefix("->").strip().split("  (")[0] for line in plan if "Scan" in line
    ]
    return "; ".join(nodes)


# The pickers' suggestion queries written by hand: the screenful (one more, for "còn nữa")
# of the inspector's scope matching the folded words, without the ORM, the view, the template
# or the middleware. Same filters and order as `ktgs.orgs.picking` (member_rows, unit_rows).
HAND_MEMBERS = """
SELECT m.code, m.full_name, m.birth_date, c.name, c.path
FROM orgs_member m JOIN orgs_orgunit c ON c.id = m.current_unit_id
WHERE m.voided_at IS NULL AND {within} AND m.secrecy IN ({levels}) {words}
ORDER BY m.sort_key, m.code
LIMIT %s
"""
HAND_UNITS = """
SELECT u.code, u.name, u.path, u.kind_id
FROM orgs_orgunit u
WHERE u.voided_at IS NULL AND u.closed_on IS NULL AND u.path LIKE %s {words}
ORDER BY u.path
LIMIT %s
"""


def tree_more(bloc, htmx: dict) -> list[tuple]:
    """The bloc's «Xem thêm» (its second chunk of children), when it has more than a chunk."""
    from django.db.models.functions import Length

    from ktgs.orgs.models import PATH_STEP
    from ktgs.orgs.selectors import CHILDREN_ORDER, TREE_CHUNK, live_units

    children = (
        live_units()
        .annotate(path_len=Length("path"))
        .filter(path__startswith=bloc.path, path_len=len(bloc.path) + PATH_STEP)
        .order_by(*CHILDREN_ORDER)
        .values_list("pk", flat=True)
    )
    after = list(children[TREE_CHUNK - 1 : TREE_CHUNK + 1])
    if len(after) < 2:
        return []
    return [
        (f"tree: «Xem thêm» of {bloc.code} (htmx)", f"/to-chuc/cay/{bloc.pk}/?sau={after[0]}", htmx)
    ]


# The member list's pages (keyset pages, a capped count: docs/decisions/0012), each beside the
# hand-written SQL of what it must read: its rows (one more, for "Trang sau") and the count
# capped at KTGS_COUNT_CAP + 1 — two statements, no ORM, view, template or middleware.
LIST_PAGES = {
    "search": f"member search ?q={SEARCH}",
    "search_last": f"member search ?q={SEARCH}, last page",
    "first": "member list, first page",
    "middle": "member list, middle page (?sau=)",
    "last": "member list, last page (?cuoi=1)",
}
# the page's ids in name order first (what the name index answers alone), then those rows; the
# members of the scope's root by its area key when the root is an area (`Member.area`: a
# province of the nation, a bloc), else by their cell's path (`within`)
HAND_LIST = """
WITH page AS (
  SELECT m.id, m.sort_key, m.code
  FROM orgs_member m {join}
  WHERE m.voided_at IS NULL AND {within} AND m.secrecy IN ({levels}) {search} {after}
  ORDER BY m.sort_key {direction}, m.code {direction}
  LIMIT %s
)
SELECT m.id, m.code, m.full_name, m.birth_date, m.admitted_on, m.official_on, m.secrecy,
       c.code, c.name
FROM page JOIN orgs_member m ON m.id = page.id JOIN orgs_orgunit c ON c.id = m.current_unit_id
ORDER BY page.sort_key {direction}, page.code {direction}
"""
HAND_COUNT = """
SELECT count(*) FROM (
  SELECT m.id FROM orgs_member m {join}
  WHERE m.voided_at IS NULL AND {within} AND m.secrecy IN ({levels}) {search}
  LIMIT %s
) AS capped
"""


def within(root: str) -> tuple[dict, str]:
    """The hand-written condition for "registered under `root`": its `{join}` and `{within}`
    fragments, and the one parameter they take."""
    from ktgs.orgs.models import AREA_LENGTH

    if len(root) == AREA_LENGTH:
        return {"join": "", "within": "m.area = %s"}, root
    return {
        "join": "JOIN orgs_orgunit c ON c.id = m.current_unit_id",
        "within": "c.path LIKE %s",
    }, root + "%"


def list_by_hand(requests: int, root: str, clearance: str, middle: tuple) -> list[dict]:
    """The member list's pages by hand-written SQL (rows + capped count), timed as the pages."""
    from django.db import connection

    from ktgs.core.keyset import count_cap, search_count_cap
    from ktgs.core.models import levels_up_to
    from ktgs.orgs.views import PAGE_SIZE

    levels = list(levels_up_to(clearance))
    marks = ", ".join(["%s"] * len(levels))
    searched = "AND (m.search_key LIKE %s OR m.code IN (%s, %s))"
    search_params = [f"%{SEARCH}%", SEARCH, SEARCH.upper()]
    after = "AND m.sort_key >= %s AND (m.sort_key <> %s OR m.code > %s)"
    cases = {
        "search": (searched, search_params, "", [], "ASC"),
        "search_last": (searched, search_params, "", [], "DESC"),
        "first": ("", [], "", [], "ASC"),
        "middle": ("", [], after, [middle[0], middle[0], middle[1]], "ASC"),
        "last": ("", [], "", [], "DESC"),
    }
    under, under_param = within(root)
    out = []
    for key, (search, s_params, cursor_sql, c_params, direction) in cases.items():
        statements = [
            (
                HAND_LIST.format(
                    **under, levels=marks, search=search, after=cursor_sql, direction=direction
                ),
                [under_param, *levels, *s_params, *c_params, PAGE_SIZE + 1],
            ),
            (
                HAND_COUNT.format(**under, levels=marks, search=search),
                [
                    under_param,
                    *levels,
                    *s_params,
                    (search_count_cap() if search else count_cap()) + 1,
                ],
            ),
        ]
        times = []
        with connection.cursor() as cursor:
            cursor.execute(*statements[0])
            shown = min(len(cursor.fetchall()), PAGE_SIZE)
            for _ in range(requests):
                started = time.perf_counter()
                for sql, params in statements:
                    cursor.execute(sql, params)
                    cursor.fetchall()
                times.append((time.perf_counter() - started) * 1000)
        out.append(
            {
                "name": f"SQL by hand: {LIST_PAGES[key]}",
                "url": "",
                "queries": len(statements),
                "median": statistics.median(times),
                "p95": percentile(times, 0.95),
                "rows": shown,
                "reference": LIST_PAGES[key],
            }
        )
    return out


def picker_by_hand(requests: int, root: str, clearance: str) -> list[dict]:
    """The two picker queries by hand-written SQL, timed as the pages are (one statement
    each): the reference for the ratio endpoint / SQL."""
    from django.db import connection

    from ktgs.core.models import levels_up_to
    from ktgs.orgs.picking import SCREENFUL

    levels = list(levels_up_to(clearance))
    out = []
    for name, template, text, prefix, extra in (
        ("members", HAND_MEMBERS, PICK_MEMBER, "m", levels),
        ("units", HAND_UNITS, PICK_UNIT, "u", []),
    ):
        words = text.split()
        under, under_param = within(root) if prefix == "m" else ({}, root + "%")
        sql = template.format(
            within=under.get("within", ""),
            levels=", ".join(["%s"] * len(extra)),
            words=" ".join(f"AND {prefix}.search_key LIKE %s" for _ in words),
        )
        params = [under_param, *extra, *(f"%{w}%" for w in words), SCREENFUL + 1]
        times = []
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            shown = len(cursor.fetchall())
            for _ in range(requests):
                started = time.perf_counter()
                cursor.execute(sql, params)
                cursor.fetchall()
                times.append((time.perf_counter() - started) * 1000)
        out.append(
            {
                "name": f"picker SQL by hand: {name} ?q={text}",
                "url": "",
                "queries": 1,
                "median": statistics.median(times),
                "p95": percentile(times, 0.95),
                "rows": min(shown, SCREENFUL),
                "reference": f"picker: {name} ?q={text}",
            }
        )
    return out


# --- a term's worth of records (inspections, supervisions, discipline) -------------------------

# The demo writes the example report's records (the bloc's bodies, four grassroots organisations:
# ~90 inspections and ~45 decisions over the 2020–2025 term, whatever its size). A province's
# term has far more: the bench adds, for the term holding the demo's reference date, what every
# grassroots organisation's bodies would do in it — each year its committee one inspection and one
# supervision of one of its cells (the cell and two of its members; the first a committee member),
# its UBKT (if any) one inspection of its KTGS duties — and discipline decisions on
# DISCIPLINE_SHARE of the members (grassroots committees and UBKTs; the bloc's UBKT now and then).
DISCIPLINE_SHARE = 1 / 300


def step_records() -> dict:
    setup_django()
    import random
    from datetime import timedelta

    from django.utils import timezone

    from ktgs.core import bulk
    from ktgs.core.choices import DisciplineForm, InspectionKind
    from ktgs.demo.layout import DEMO_REFERENCE_DATE
    from ktgs.discipline.models import Decision
    from ktgs.inspections.choices import ConclusionResult
    from ktgs.inspections.models import Inspection, InspectionSubject
    from ktgs.orgs.choices import BodyKind
    from ktgs.orgs.models import Body, Member, OrgUnit, UnitLink
    from ktgs.reports.periods import term_on, unit_terms

    rng = random.Random("ktgs-bench/records")
    now = timezone.now()
    bloc = OrgUnit.objects.get(code="HA.DBK")
    term = term_on(unit_terms(bloc), DEMO_REFERENCE_DATE)
    if term is None:
        return {"why": "the bloc has no term holding the demo's reference date"}
    start = term.starts_on
    end = term.ends_on - timedelta(days=1) if term.ends_on else timezone.localdate()
    units = {
        pk: (name, grassroots, level)
        for pk, name, grassroots, level in OrgUnit.objects.filter(
            voided_at__isnull=True, closed_on__isnull=True, path__startswith=bloc.path
        ).values_list("pk", "name", "kind__is_grassroots", "kind__level")
    }
    parent = dict(
        UnitLink.objects.filter(ends_on__isnull=True, unit_id__in=units).values_list(
            "unit_id", "parent_id"
        )
    )

    def grassroots_of(pk):
        while pk is not None and pk in units and not units[pk][1]:
            pk = parent.get(pk)
        return pk if pk in units else None

    members_of: dict[int, list[tuple]] = {}
    for row in Member.objects.filter(voided_at__isnull=True, current_unit_id__in=units).values_list(
        "pk", "current_unit_id", "full_name", "official_on"
    ):
        members_of.setdefault(row[1], []).append(row)
    cells_of: dict[int, list[int]] = {}
    for pk in members_of:
        org = grassroots_of(pk)
        if org is not None and org != bloc.pk:
            cells_of.setdefault(org, []).append(pk)
    bodies = {
        (unit_id, kind): pk
        for pk, unit_id, kind in Body.objects.filter(unit_id__in=cells_of).values_list(
            "pk", "unit_id", "kind"
        )
    }
    bloc_ubkt = Body.objects.filter(unit=bloc, kind=BodyKind.INSPECTION).first()

    def day_in(year: int):
        first, last = max(start, date(year, 1, 1)), min(end, date(year, 12, 31))
        return first + timedelta(days=rng.randint(0, max(0, (last - first).days)))

    inspections, subjects = [], []  # subjects: (index of the inspection, row)
    for org, cells in sorted(cells_of.items()):
        committee = bodies.get((org, BodyKind.COMMITTEE))
        ubkt = bodies.get((org, BodyKind.INSPECTION))
        for year in range(start.year, end.year + 1):
            plans = [(committee, InspectionKind.COMPLIANCE, 2)]
            plans.append((committee, InspectionKind.SUPERVISION_THEMATIC, 2))
            if ubkt:
                plans.append((ubkt, InspectionKind.KTGS_DUTY, 1))
            for body, kind, n_members in plans:
                if body is None:
                    continue
                cell = rng.choice(cells)
                day = day_in(year)
                inspections.append(
                    dict(
                        kind=kind,
                        body_id=body,
                        unit_id=org,
                        topic="Kiểm tra, giám sát theo chương trình năm (dữ liệu đo tốc độ)",
                        legal_basis="Quy định 22-QĐ/TW",
                        decision_number=f"{len(inspections) + 1}-QĐ/BENCH",
                        decided_on=day,
                        concluded_on=day + timedelta(days=45),
                        created_at=now,
                    )
                )
                index = len(inspections) - 1
                result = lambda: (  # noqa: E731
                    ConclusionResult.VIOLATION
                    if rng.random() < 0.05
                    else rng.choice(
                        (ConclusionResult.NO_SHORTCOMING, ConclusionResult.SHORTCOMINGS)
                    )
                )
                if cell != org:  # a grassroots cell inspects its members only
                    subjects.append(
                        (index, dict(unit_id=cell, name=units[cell][0], result=result()))
                    )
                people = rng.sample(members_of[cell], min(n_members, len(members_of[cell])))
                for n, (pk, unit_id, name, _official) in enumerate(people):
                    row = dict(unit_id=unit_id, member_id=pk, name=name, result=result())
                    if n == 0:  # sat on the grassroots committee on the decision date
                        row.update(committee_unit_id=org, committee_level=units[org][2])
                    subjects.append((index, row))
    forms = [DisciplineForm.REPRIMAND] * 14 + [DisciplineForm.WARNING] * 5
    forms += [DisciplineForm.REMOVAL, DisciplineForm.EXPULSION]
    decisions = []
    everyone = [(org, cell) for org, cells in sorted(cells_of.items()) for cell in cells]
    members_total = sum(len(members_of[cell]) for _org, cell in everyone)
    for n in range(round(members_total * DISCIPLINE_SHARE)):
        org, cell = rng.choice(everyone)
        pk, _unit, name, official = rng.choice(members_of[cell])
        day = start + timedelta(days=rng.randint(0, (end - start).days))
        if bloc_ubkt is not None and n % 10 == 0:
            body = bloc_ubkt.pk
        else:
            body = bodies.get((org, BodyKind.INSPECTION)) if n % 3 == 0 else None
            body = body or bodies.get((org, BodyKind.COMMITTEE))
        if body is None:
            continue
        decisions.append(
            dict(
                body_id=body,
                subject_unit_id=cell,
                member_id=pk,
                subject_name=name,
                subject_kind="full" if official and official <= day else "probationary",
                form=rng.choice(forms),
                number=f"{n + 1}-QĐ/BENCH",
                signed_on=day,
                effective_on=day,
                basis="Quy định 69-QĐ/TW",
                created_at=now,
            )
        )
    first_id = (Inspection.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    bulk.insert(Inspection, inspections)
    ids = list(
        Inspection.objects.filter(pk__gte=first_id).order_by("pk").values_list("pk", flat=True)
    )
    if len(ids) != len(inspections):
        return {"why": "the inspections written could not be read back in order"}
    bulk.insert(
        InspectionSubject,
        (dict(row, inspection_id=ids[index]) for index, row in subjects),
    )
    bulk.insert(Decision, decisions)
    return {
        "line": f"term records added (bench, {start:%d/%m/%Y}–{end:%d/%m/%Y}): "
        f"{len(inspections):,} inspections and supervisions of {len(cells_of):,} grassroots "
        f"organisations, {len(subjects):,} subjects, {len(decisions):,} discipline decisions"
    }


# --- the period report (issue 14): the page, the computation, the same figures by hand ---------


def step_report(requests: int, unit_code: str = "HA.DBK", username: str = BENCH_USER) -> dict:
    """The full period report of the bloc over a term: the page `/bao-cao/<code>/` (through the
    test Client, as the other pages), the computation alone (`tables.compute` of every shipped
    table with one `indicators.Context`), and the same figures by hand-written SQL aggregates,
    timed alone. Stops (SystemExit) when a figure by hand differs from the report's."""
    setup_django()
    from django.db import connection
    from django.test import Client

    from ktgs.accounts.models import User
    from ktgs.demo.layout import DEMO_REFERENCE_DATE
    from ktgs.discipline.models import Decision
    from ktgs.inspections.models import Inspection, InspectionSubject
    from ktgs.orgs.models import OrgUnit
    from ktgs.reports import indicators, tables
    from ktgs.reports.periods import UnitPeriods, term_on, unit_terms

    bloc = OrgUnit.objects.get(code=unit_code)
    term = term_on(unit_terms(bloc), DEMO_REFERENCE_DATE)
    if term is None:
        return {"why": "the bloc has no term holding the demo's reference date"}
    period = UnitPeriods(bloc).term(term)
    start, end = period.start, period.end
    before = period.previous()
    every = tables.load_tables()
    # compared: the tables with a hand-written SQL reference; the others are named in the output
    # and left out of the computation timed against it (the page still computes them all)
    readers = {t.key: hand_reader(t) for t in every}
    shipped = [t for t in every if readers[t.key]]
    missing = [t.key for t in every if not readers[t.key]]
    if not shipped:
        return {"why": "no shipped table has a hand-written SQL reference"}

    # what the period holds (a term's worth of records?)
    in_bloc = {"unit__path__startswith": bloc.path, "decided_on__range": (start, end)}
    held = {
        "inspections": Inspection.objects.filter(voided_at__isnull=True, **in_bloc).count(),
        "subjects": InspectionSubject.objects.filter(
            inspection__voided_at__isnull=True,
            **{f"inspection__{k}": v for k, v in in_bloc.items()},
        ).count(),
        "decisions": Decision.objects.filter(
            voided_at__isnull=True,
            subject_unit__path__startswith=bloc.path,
            signed_on__range=(start, end),
        ).count(),
    }

    def compute_all(ctx_start, ctx_end):
        ctx = indicators.Context(bloc, ctx_start, ctx_end)
        return [tables.compute(t, ctx) for t in shipped]

    # equality: every cell of every shipped table against the figures by hand
    computed = compute_all(start, end)
    by_hand = hand_report(connection, bloc, start, end)
    wrong = []
    for c in computed:
        for row in c.rows:
            for column, cell in zip(c.table.columns, row.cells, strict=True):
                expected = readers[c.table.key](by_hand, row.key, column.key)
                if expected != cell.value:
                    wrong.append(
                        f"{c.table.key} [{row.key} × {column.key}]: report {cell.value}, "
                        f"SQL by hand {expected}"
                    )
    if wrong:
        raise SystemExit(
            "period report: the hand-written SQL does not give the report's figures "
            f"({len(wrong)} cells differ):\n  " + "\n  ".join(wrong[:20])
        )
    cells = sum(len(r.cells) for c in computed for r in c.rows)

    user = User.objects.get(username=username)
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    url = f"/bao-cao/{bloc.code}/?{urlencode(period.params())}"

    def timed(fn) -> tuple[list[float], int]:
        return timed_n(fn, requests)

    def timed_n(fn, count: int) -> tuple[list[float], int]:
        queries: list[str] = []
        with connection.execute_wrapper(QueryCounter(queries)):
            fn()
        times, cpu = [], []
        for _ in range(count):
            started, started_cpu = time.perf_counter(), time.process_time()
            fn()
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - started_cpu) * 1000)
        cpu_times[fn] = cpu
        return times, len(queries)

    cpu_times: dict = {}

    def page():
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}")

    def computation():
        return compute_all(start, end)

    def reference():
        return hand_report(connection, bloc, start, end)

    # the computation and the reference alternated, so that the load of the machine weighs on
    # both alike; each timed `requests` times in all
    compute_times, hand_times = [], []
    compute_queries = hand_queries = 0
    compute_cpu, hand_cpu = [], []
    rounds = max(1, min(requests, 5))
    for n in range(rounds):
        share = requests // rounds + (1 if n < requests % rounds else 0)
        for fn, times, cpu in (
            (computation, compute_times, compute_cpu),
            (reference, hand_times, hand_cpu),
        ):
            more, queries = timed_n(fn, share)
            times += more
            cpu += cpu_times.pop(fn)
            if fn is computation:
                compute_queries = queries
            else:
                hand_queries = queries
    page_times, page_queries = timed(page)
    page_cpu = cpu_times.pop(page)
    periods = [(start, end)] + ([(before.start, before.end)] if before else [])
    both_times, both_queries = timed(
        lambda: [hand_report(connection, bloc, s, e) for s, e in periods]
    )

    def row(name, times, queries, cpu=None):
        return {
            "name": name,
            "queries": queries,
            "median": statistics.median(times),
            "p95": percentile(times, 0.95),
            "cpu": statistics.median(cpu) if cpu else None,
        }

    previous_text = (
        f"the previous term {before.start:%d/%m/%Y}–{before.end:%d/%m/%Y} beside it"
        if before
        else "no previous term recorded"
    )
    return {
        "vendor": connection.vendor,
        "context": f"period report of {bloc.code}, term {term.name} "
        f"({start:%d/%m/%Y}–{end:%d/%m/%Y}; {previous_text}): {len(shipped)} tables compared, "
        f"{cells} cells; the period holds {held['inspections']:,} inspections and supervisions "
        f"({held['subjects']:,} subjects) and {held['decisions']:,} discipline decisions",
        "url": url,
        "rows": [
            row("report page (its periods, template)", page_times, page_queries, page_cpu),
            row(
                "tables.compute, every table, one Context",
                compute_times,
                compute_queries,
                compute_cpu,
            ),
            row("the same figures by hand-written SQL", hand_times, hand_queries, hand_cpu),
            row(f"SQL by hand for the page's {len(periods)} period(s)", both_times, both_queries),
        ],
        "equal": f"every cell ({cells}) equals the hand-written SQL's figure",
        "uncompared": missing,
    }


def report_on_main(args) -> int:
    """`--report-on CODE`: step 3 alone, on an existing database (its records as they are)."""
    env = dict(os.environ, KTGS_DEBUG="0")
    say = Transcript()
    say(
        f"KTGS period report, {datetime.now():%d/%m/%Y %H:%M}, {os.cpu_count()} CPU, "
        f"existing database; timed requests: {args.requests}"
    )
    say.load("start")
    report = child_json(
        ["report", "--requests", str(args.requests), "--unit", args.report_on, "--user", args.user],
        env,
    )
    for line in report_lines(report):
        say(line)
    say.load("end")
    say.write(f"report-{args.report_on}.txt")
    return 0


def report_lines(report: dict) -> list[str]:
    if report.get("why"):
        return [f"period report vs SQL by hand: {NOT_YET} ({report['why']})"]
    out = [report["context"], f"page: {report['url']}; {report['equal']}"]
    if report.get("uncompared"):
        out.append(
            "not compared (no hand-written SQL reference yet; computed by the page, not by the "
            f"timed computation): {', '.join(report['uncompared'])}"
        )
    out.append(
        f"{'period report':<46} {'queries':>7} {'median ms':>10} {'p95 ms':>8} {'CPU ms':>8}"
    )
    rows = report["rows"]
    for r in rows:
        cpu = f"{r['cpu']:>8.1f}" if r.get("cpu") is not None else f"{'':>8}"
        out.append(f"{r['name']:<46} {r['queries']:>7} {r['median']:>10.1f} {r['p95']:>8.1f} {cpu}")
    page, compute, hand, both = (r["median"] for r in rows)
    out.append(
        f"ratio computation / SQL by hand (medians): {compute / max(hand, 1e-6):.2f}x (goal <= 1.2x)"
    )
    if report.get("vendor") == "sqlite" and rows[1].get("cpu") and rows[2].get("cpu"):
        # SQLite runs in the process: its CPU time is the statements' too, and the load of a
        # shared machine disturbs it far less than the wall time (on PostgreSQL the server's
        # work is not in it)
        out.append(
            "ratio computation / SQL by hand, CPU time of the process (medians): "
            f"{rows[1]['cpu'] / max(rows[2]['cpu'], 1e-6):.2f}x"
        )
    out.append(f"ratio page / SQL by hand for its periods (medians): {page / max(both, 1e-6):.2f}x")
    return out


# The report's figures written by hand: one statement per family, the same rules as the counting
# modules (docs/counting.md, docs/discipline-counting.md) and the organisation overview
# (`orgs.asof.glance_on`), for the unit's subtree over [start, end].

# The place of a performing body relative to the unit (its own, a grassroots level below, a level
# between) and its side (committee, standing committee or cell meeting; UBKT; other): "place:side",
# the group of rows the report's body groups sum (cap_uy = own:committee, ubkt_cac_cap =
# *:inspection, ...).
HAND_PLACE_SIDE = """(CASE WHEN b.unit_id = %(unit)s THEN 'own'
      WHEN k.level IN ('base', 'below_base') THEN 'grassroots' ELSE 'between' END
    || ':' || CASE WHEN b.kind IN ('committee', 'standing', 'cell_meeting') THEN 'committee'
      WHEN b.kind = 'inspection' THEN 'inspection' ELSE 'other' END)"""

# Inspections and supervisions: per performing row (a body; a unit's committee and standing
# committee merged), its figures (distinct subjects per row), summed per place and side.
HAND_KTGS = """
WITH ins AS (
  SELECT i.id, i.kind, b.unit_id AS owner,
    CASE WHEN b.kind IN ('committee', 'standing') THEN 0 ELSE i.body_id END AS g,
    HAND_PLACE_SIDE AS grp
  FROM inspections_inspection i
  JOIN orgs_orgunit iu ON iu.id = i.unit_id
  JOIN orgs_body b ON b.id = i.body_id
  JOIN orgs_orgunit bu ON bu.id = b.unit_id
  JOIN orgs_orgkind k ON k.id = bu.kind_id
  WHERE i.voided_at IS NULL AND iu.path LIKE %(path)s
    AND i.decided_on >= %(start)s AND i.decided_on <= %(end)s
), per_row AS (
  SELECT ins.grp, ins.owner, ins.g,
    COUNT(DISTINCT CASE WHEN s.member_id IS NULL THEN s.unit_id END) AS orgs,
    COUNT(DISTINCT CASE WHEN s.committee_unit_id IS NOT NULL THEN s.member_id END) AS cuv,
    COUNT(DISTINCT s.member_id) AS members,
    SUM(CASE WHEN s.result IN %(violations)s THEN 1 ELSE 0 END) AS violations
  FROM ins JOIN inspections_inspectionsubject s ON s.inspection_id = ins.id
  GROUP BY ins.grp, ins.owner, ins.g
)
SELECT grp, 'cases', SUM(CASE WHEN kind IN %(supervision)s THEN 0 ELSE 1 END),
  SUM(CASE WHEN kind IN %(supervision)s THEN 1 ELSE 0 END), 0, 0
FROM ins GROUP BY grp
UNION ALL
SELECT grp, 'subjects', SUM(orgs), SUM(cuv), SUM(members), SUM(violations)
FROM per_row GROUP BY grp
""".replace("HAND_PLACE_SIDE", HAND_PLACE_SIDE)

# Discipline: standing decisions on subjects in the subtree, per deciding body (the bodies of
# grassroots levels other than the unit's own: two rows, 0 for committees and cells, -1 for
# UBKTs), whether it is the unit's own and a UBKT, and sanction.
HAND_DISCIPLINE = """
SELECT CASE WHEN k.level IN ('base', 'below_base') AND b.unit_id <> %(unit)s
            THEN (CASE WHEN b.kind = 'inspection' THEN -1 ELSE 0 END)
            ELSE d.body_id END AS g,
  CASE WHEN b.unit_id = %(unit)s THEN 1 ELSE 0 END AS own,
  CASE WHEN b.kind = 'inspection' THEN 1 ELSE 0 END AS ubkt,
  d.form,
  SUM(CASE WHEN d.subject_kind = 'organisation' THEN 1 ELSE 0 END),
  SUM(CASE WHEN d.subject_kind <> 'organisation' THEN 1 ELSE 0 END),
  SUM(CASE WHEN d.subject_kind <> 'organisation' AND d.committee_unit_id IS NOT NULL
      THEN 1 ELSE 0 END)
FROM discipline_decision d
JOIN orgs_orgunit su ON su.id = d.subject_unit_id
JOIN orgs_body b ON b.id = d.body_id
JOIN orgs_orgunit bu ON bu.id = b.unit_id
JOIN orgs_orgkind k ON k.id = bu.kind_id
WHERE d.voided_at IS NULL AND su.path LIKE %(path)s
  AND d.signed_on >= %(start)s AND d.signed_on <= %(end)s
  AND NOT EXISTS (SELECT 1 FROM discipline_decision r
                  WHERE r.replaces_id = d.id AND r.voided_at IS NULL)
  AND NOT EXISTS (SELECT 1 FROM discipline_appeal a
                  WHERE a.decision_id = d.id AND a.outcome = 'annulled')
GROUP BY 1, 2, 3, 4
"""

# Per kind of inspection or supervision (the grassroots form PTDL): the cases, and per performing
# row and kind its distinct subjects, outcomes (subject rows) and cases with a subject in violation,
# summed per kind.
HAND_KINDS = """
WITH ins AS (
  SELECT i.id, i.kind, i.unit_id AS owner,
    CASE WHEN b.kind IN ('committee', 'standing') THEN 0 ELSE i.body_id END AS g,
    HAND_PLACE_SIDE AS grp
  FROM inspections_inspection i
  JOIN orgs_orgunit iu ON iu.id = i.unit_id
  JOIN orgs_body b ON b.id = i.body_id
  JOIN orgs_orgunit bu ON bu.id = b.unit_id
  JOIN orgs_orgkind k ON k.id = bu.kind_id
  WHERE i.voided_at IS NULL AND iu.path LIKE %(path)s
    AND i.decided_on >= %(start)s AND i.decided_on <= %(end)s
), per_row AS (
  SELECT ins.kind, ins.grp,
    COUNT(DISTINCT CASE WHEN s.member_id IS NULL THEN s.unit_id END) AS orgs,
    COUNT(DISTINCT s.member_id) AS members,
    COUNT(DISTINCT CASE WHEN s.committee_unit_id IS NOT NULL THEN s.member_id END) AS cuv,
    SUM(CASE WHEN s.result = 'no_shortcoming' THEN 1 ELSE 0 END) AS good,
    SUM(CASE WHEN s.result = 'shortcomings' THEN 1 ELSE 0 END) AS shortcomings,
    SUM(CASE WHEN s.result = 'violation' THEN 1 ELSE 0 END) AS plain,
    SUM(CASE WHEN s.result = 'signs_of_violation' THEN 1 ELSE 0 END) AS signs,
    COUNT(DISTINCT CASE WHEN s.result IN %(violations)s THEN s.inspection_id END) AS cases_vp
  FROM ins JOIN inspections_inspectionsubject s ON s.inspection_id = ins.id
  GROUP BY ins.kind, ins.grp, ins.owner, ins.g
)
SELECT kind, grp, 'cases', COUNT(*), 0, 0, 0, 0, 0, 0, 0 FROM ins GROUP BY kind, grp
UNION ALL
SELECT kind, grp, 'subjects', SUM(orgs), SUM(members), SUM(good), SUM(shortcomings),
  SUM(plain), SUM(signs), SUM(cases_vp), SUM(cuv)
FROM per_row GROUP BY kind, grp
""".replace("HAND_PLACE_SIDE", HAND_PLACE_SIDE)

# Follow-ups (of live inspections performed in the subtree, decided by the end, not cancelled):
# done in the range, pending on the last day; appeals to the subtree's bodies: resolved in the
# range per outcome, and those not resolved on the last day ("ton").
HAND_FOLLOW_UPS_APPEALS = """
SELECT 'follow_up', SUM(CASE WHEN f.status = 'done' AND f.done_on >= %(start)s
                              AND f.done_on <= %(end)s THEN 1 ELSE 0 END),
  SUM(CASE WHEN f.status = 'done' AND f.done_on IS NOT NULL AND f.done_on <= %(end)s
      THEN 0 ELSE 1 END)
FROM inspections_followup f
JOIN inspections_inspection i ON i.id = f.inspection_id
JOIN orgs_orgunit iu ON iu.id = i.unit_id
WHERE i.voided_at IS NULL AND iu.path LIKE %(path)s AND i.decided_on <= %(end)s
  AND f.status <> 'cancelled'
UNION ALL
SELECT a.outcome, COUNT(*), 0
FROM discipline_appeal a
JOIN discipline_decision d ON d.id = a.decision_id
JOIN orgs_body rb ON rb.id = a.resolver_id
JOIN orgs_orgunit ru ON ru.id = rb.unit_id
WHERE d.voided_at IS NULL AND ru.path LIKE %(path)s AND a.outcome <> ''
  AND a.resolved_on >= %(start)s AND a.resolved_on <= %(end)s
GROUP BY a.outcome
UNION ALL
SELECT 'ton', COUNT(*), 0
FROM discipline_appeal a
JOIN discipline_decision d ON d.id = a.decision_id
JOIN orgs_body rb ON rb.id = a.resolver_id
JOIN orgs_orgunit ru ON ru.id = rb.unit_id
WHERE d.voided_at IS NULL AND ru.path LIKE %(path)s AND a.filed_on <= %(end)s
  AND (a.outcome = '' OR a.resolved_on > %(end)s)
"""

# The organisation overview on the last day: the subtree that day (links holding), its units
# present that day, and the memberships holding that day.
HAND_ORGS = """
WITH RECURSIVE sub(id) AS (
  SELECT CAST(%(unit)s AS BIGINT)
  UNION SELECT l.unit_id FROM orgs_unitlink l JOIN sub ON l.parent_id = sub.id
  WHERE l.starts_on <= %(end)s AND (l.ends_on IS NULL OR l.ends_on > %(end)s)
), present AS (
  SELECT u.id, k.is_grassroots, k.is_cell
  FROM sub JOIN orgs_orgunit u ON u.id = sub.id JOIN orgs_orgkind k ON k.id = u.kind_id
  WHERE u.voided_at IS NULL AND u.established_on <= %(end)s
    AND (u.closed_on IS NULL OR u.closed_on > %(end)s)
)
SELECT
  (SELECT COUNT(*) FROM present WHERE is_grassroots = %(yes)s AND id <> %(unit)s),
  (SELECT COUNT(*) FROM present
   WHERE is_grassroots = %(yes)s AND is_cell = %(yes)s AND id <> %(unit)s),
  (SELECT COUNT(*) FROM present WHERE is_cell = %(yes)s AND is_grassroots = %(no)s),
  (SELECT COUNT(*) FROM present WHERE id = %(unit)s),
  COUNT(*),
  SUM(CASE WHEN m.official_on <= %(end)s THEN 1 ELSE 0 END)
FROM orgs_membership ms JOIN orgs_member m ON m.id = ms.member_id
WHERE ms.unit_id IN (SELECT id FROM sub) AND m.voided_at IS NULL
  AND ms.starts_on <= %(end)s AND (ms.ends_on IS NULL OR ms.ends_on > %(end)s)
"""


def hand_report(connection, unit, start, end) -> dict:
    """The report's figures by the five statements above (no ORM)."""
    from ktgs.inspections.choices import SUPERVISION_KINDS, VIOLATION_RESULTS

    params = {
        "unit": unit.pk,
        "path": unit.path + "%",
        "start": start,
        "end": end,
        "supervision": tuple(str(k) for k in SUPERVISION_KINDS),
        "violations": tuple(str(r) for r in VIOLATION_RESULTS),
        "yes": True,
        "no": False,
    }
    ktgs: dict[str, dict] = {}
    discipline: dict[tuple[int, str], tuple[int, int, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(expand_in(HAND_KTGS, params), params)
        for grp, what, a, b, c, d in cursor.fetchall():
            figures = ktgs.setdefault(grp, {})
            if what == "cases":
                figures.update(cases=int(a or 0), supervisions=int(b or 0))
            else:
                figures.update(
                    orgs=int(a or 0), cuv=int(b or 0), members=int(c or 0), violations=int(d or 0)
                )
        cursor.execute(HAND_DISCIPLINE, params)
        for g, own, ubkt, form, orgs, members, cuv in cursor.fetchall():
            discipline[int(g), int(own), int(ubkt), form] = (
                int(orgs or 0),
                int(members or 0),
                int(cuv or 0),
            )
        kinds: dict[tuple[str, str], dict] = {}
        cursor.execute(expand_in(HAND_KINDS, params), params)
        names = ("orgs", "members", "good", "shortcomings", "plain", "signs", "cases_vp", "cuv")
        for kind, grp, what, *values in cursor.fetchall():
            figures = kinds.setdefault((kind, grp), {})
            if what == "cases":
                figures["cases"] = int(values[0] or 0)
            else:
                figures.update({n: int(v or 0) for n, v in zip(names, values, strict=False)})
        cursor.execute(HAND_FOLLOW_UPS_APPEALS, params)
        follow_ups, appeals = {"done": 0, "pending": 0}, {}
        for what, a, b in cursor.fetchall():
            if what == "follow_up":
                follow_ups = {"done": int(a or 0), "pending": int(b or 0)}
            else:
                appeals[what] = int(a or 0)
        cursor.execute(HAND_ORGS, params)
        grassroots, gr_cells, sub_cells, present, members, full = cursor.fetchone()
    if not present:  # the unit did not exist on the last day: no overview
        grassroots = gr_cells = sub_cells = members = full = 0
    orgs = {
        "tccsd": grassroots,
        "chi_bo_co_so": gr_cells,
        "dang_bo_co_so": grassroots - gr_cells,
        "chi_bo_truc_thuoc": sub_cells,
        "dang_vien": members,
        "chinh_thuc": int(full or 0),
        "du_bi": members - int(full or 0),
    }
    return {
        "ktgs": ktgs,
        "ky_luat": discipline,
        "to_chuc": orgs,
        "kinds": kinds,
        "follow_ups": follow_ups,
        "appeals": appeals,
    }


def expand_in(sql: str, params: dict) -> str:
    """`IN %(name)s` with a tuple parameter: spelt out as one placeholder per value (the
    parameter's items become %(name_0)s, … in `params`)."""
    for name, value in list(params.items()):
        if isinstance(value, tuple):
            names = []
            for i, item in enumerate(value):
                params[f"{name}_{i}"] = item
                names.append(f"%({name}_{i})s")
            sql = sql.replace(f"IN %({name})s", f"IN ({', '.join(names)})")
    return sql


KTGS_COLUMNS = {
    "cuoc_kt": "cases",
    "cuoc_gs": "supervisions",
    "to_chuc": "orgs",
    "dang_vien": "members",
    "cap_uy_vien": "cuv",
    "vi_pham": "violations",
}
# The report's body groups (`chu_the`) as the (place, side) of the rows they sum; None: any.
HAND_GROUPS = {
    "tat_ca": (None, None),
    "cua_don_vi": ("own", None),
    "cap_uy": ("own", "committee"),
    "ubkt": ("own", "inspection"),
    "cap_uy_co_so": ("grassroots", "committee"),
    "ubkt_co_so": ("grassroots", "inspection"),
    "cap_uy_cac_cap": (None, "committee"),
    "ubkt_cac_cap": (None, "inspection"),
}


def _in_hand_group(group: str, grp: str) -> bool:
    place, side = grp.split(":")
    want_place, want_side = HAND_GROUPS[group]
    return want_place in (None, place) and want_side in (None, side)


def _hand_ktgs_group(by_hand: dict, group: str, what: str) -> int:
    return sum(f.get(what, 0) for g, f in by_hand["ktgs"].items() if _in_hand_group(group, g))


def _hand_kind_group(by_hand: dict, group: str, kinds: tuple | None, what: str) -> int:
    return sum(
        f.get(what, 0)
        for (kind, g), f in by_hand["kinds"].items()
        if (kinds is None or kind in kinds) and _in_hand_group(group, g)
    )


def _hand_ktgs(by_hand: dict, row: str, column: str) -> int:
    return _hand_ktgs_group(by_hand, "tat_ca" if row == "tong" else row, KTGS_COLUMNS[column])


DISCIPLINE_FORMS = {"kt": "reprimand", "cc": "warning", "cch": "removal", "ktr": "expulsion"}
# The deciding bodies' groups (`co_quan`) over the rows by hand (g, own, ubkt).
HAND_DECIDERS = {
    "tat_ca": lambda g, own, ubkt: True,
    "cap_uy": lambda g, own, ubkt: own and not ubkt,
    "ubkt": lambda g, own, ubkt: own and ubkt,
    "co_so": lambda g, own, ubkt: g <= 0,
    "co_so_cap_uy": lambda g, own, ubkt: g == 0,
    "co_so_ubkt": lambda g, own, ubkt: g == -1,
}
DISCIPLINE_TALLIES = {"to_chuc": 0, "dang_vien": 1, "cap_uy_vien": 2}


def _hand_decisions(by_hand: dict, rule, tally: int, form: str | None) -> int:
    return sum(
        v[tally]
        for (g, own, ubkt, f), v in by_hand["ky_luat"].items()
        if rule(g, own, ubkt) and (not form or f == form)
    )


def _hand_discipline(by_hand: dict, row: str, column: str) -> int:
    if row == "tong":
        rule = HAND_DECIDERS["tat_ca"]
    else:  # "co_quan:<body id>" or "co_quan:co-so" (the grassroots row, keys 0 and -1)
        key = row.split(":", 1)[1]
        rule = HAND_DECIDERS["co_so"] if key == "co-so" else (lambda g, o, u: g == int(key))
    if column in ("to_chuc", "cap_uy_vien"):
        return _hand_decisions(by_hand, rule, DISCIPLINE_TALLIES[column], None)
    return _hand_decisions(by_hand, rule, 1, DISCIPLINE_FORMS.get(column))  # "dv_tong": any


# The indicators the QĐ 357 forms use, by hand: (by_hand, resolved params) -> the figure.
HAND_SUBJECTS = {"to_chuc": "orgs", "dang_vien": "members", "cap_uy_vien": "cuv"}
HAND_APPEALS = {"giai_quyet": None, "ton": "ton"}


def _hand_subjects(by_hand: dict, p: dict) -> int:
    what = HAND_SUBJECTS[p["doi_tuong"]]
    if not p["loai"]:  # distinct per body across kinds
        return _hand_ktgs_group(by_hand, p["chu_the"], what)
    return _hand_kind_group(by_hand, p["chu_the"], (p["loai"],), what)


def _hand_cases(by_hand: dict, p: dict) -> int:
    if not p["loai"]:
        return sum(_hand_ktgs_group(by_hand, p["chu_the"], w) for w in ("cases", "supervisions"))
    return _hand_kind_group(by_hand, p["chu_the"], (p["loai"],), "cases")


def _hand_appeals(by_hand: dict, p: dict) -> int:
    appeals, state = by_hand["appeals"], p["ket_qua"]
    if state == "giai_quyet":
        return sum(n for outcome, n in appeals.items() if outcome != "ton")
    return appeals.get(state, 0)


HAND_INDICATORS = {
    "ktgs.doi_tuong": _hand_subjects,
    "ktgs.cuoc": _hand_cases,
    "ktgs.cuoc_vi_pham": lambda by_hand, p: _hand_kind_group(
        by_hand, p["chu_the"], (p["loai"],) if p["loai"] else None, "cases_vp"
    ),
    **{
        f"kyluat.{name}": (
            lambda by_hand, p, tally=tally: _hand_decisions(
                by_hand, HAND_DECIDERS[p["co_quan"]], tally, p["hinh_thuc"]
            )
        )
        for name, tally in DISCIPLINE_TALLIES.items()
    },
    "kyluat.khieu_nai": _hand_appeals,
}


def _hand_cell(by_hand: dict, table, row_key: str, column_key: str) -> int | None:
    """A cell of a table of plain rows and columns (no expanded row) read from the figures by
    hand, by `tables.compute`'s rules: a cell of an indicator from its parameters (the row's over
    the column's), a total without parameters of its own the sum of its parts. None: a cell whose
    indicator has no reference here (named as differing)."""
    from ktgs.reports import indicators

    rows = {r.key: r for r in table.rows}
    columns = {c.key: c for c in table.columns}
    row, column = rows[row_key], columns[column_key]
    if row.sum and not (row.params or row.indicator):
        parts = [_hand_cell(by_hand, table, k, column_key) for k in row.sum]
        return None if None in parts else sum(parts)
    key = row.indicator or column.indicator
    if column.sum and not key:
        parts = [_hand_cell(by_hand, table, row_key, k) for k in column.sum]
        return None if None in parts else sum(parts)
    if not key or key not in HAND_INDICATORS:
        return None
    p = indicators.get(key).resolved({**column.params, **row.params})
    return HAND_INDICATORS[key](by_hand, p)


def _hand_orgs(by_hand: dict, row: str, column: str) -> int:
    return by_hand["to_chuc"][row]


# The grassroots form PTDL (4_ptdl.toml): each row as (kinds, what of their figures, only the
# unit's own committee side or every body).
PTDL_KINDS = {
    "a_tcd_kt": (("compliance",), ("orgs",)),
    "a_dv_kt": (("compliance",), ("members",)),
    "a_kl_tot": (("compliance",), ("good",)),
    "a_kl_chuatot": (("compliance",), ("shortcomings", "plain")),
    "b_tcd_dhvp": (("signs_of_violation",), ("orgs",)),
    "b_dv_dhvp": (("signs_of_violation",), ("members",)),
    "b_kl_chua": (("signs_of_violation",), ("shortcomings", "plain")),
    "c_so_cuoc": (("supervision_thematic",), ("cases",)),
    "c_so_tc": (("supervision_thematic",), ("orgs",)),
    "c_so_dv": (("supervision_thematic",), ("members",)),
    "c_kl_tot": (("supervision_thematic",), ("good",)),
    "c_kl_hanche": (("supervision_thematic",), ("shortcomings",)),
    "c_dau_hieu": (("supervision_thematic",), ("signs",)),
    "i_so_cuoc": (("finance", "party_fees"), ("cases",)),
    "i_tai_chinh": (("finance",), ("cases",)),
    "i_dang_phi": (("party_fees",), ("cases",)),
    "i_co_vp": (("finance", "party_fees"), ("cases_vp",)),
    "i_co_vp_tai_chinh": (("finance",), ("cases_vp",)),
    "i_co_vp_dang_phi": (("party_fees",), ("cases_vp",)),
    "j_dv_du_kt": (("compliance",), ("members",), 1),
}
PTDL_FORMS = {
    "f_khien_trach": "reprimand",
    "f_canh_cao": "warning",
    "f_cach_chuc": "removal",
    "f_khai_tru": "expulsion",
    "f_tong": None,
}


def _hand_ptdl(by_hand: dict, row: str, column: str) -> int:
    if row in PTDL_KINDS:
        kinds, what, *own = PTDL_KINDS[row]
        group = "cap_uy" if own else "tat_ca"
        return sum(_hand_kind_group(by_hand, group, kinds, w) for w in what)
    if row in PTDL_FORMS:
        return _hand_decisions(by_hand, HAND_DECIDERS["tat_ca"], 1, PTDL_FORMS[row])
    done, pending = by_hand["follow_ups"]["done"], by_hand["follow_ups"]["pending"]
    appeals = by_hand["appeals"]
    return {
        "g_so_nd": done + pending,
        "g_hoan_thanh": done,
        "g_chua": pending,
        "h_kn_gq": sum(n for outcome, n in appeals.items() if outcome != "ton"),
        "h_kn_doi_hts": appeals.get("changed", 0),
    }.get(row)  # a row without a reference here: None, named as differing


# The shipped tables (ktgs/reports/data/*.toml) and how to read each cell from the figures by
# hand: a table not listed here makes the comparison "not available".
HAND_TABLES = {
    "ktgs_chu_the": _hand_ktgs,
    "ky_luat": _hand_discipline,
    "to_chuc": _hand_orgs,
    "ptdl": _hand_ptdl,
}


def hand_reader(table):
    """How to read the table's cells from the figures by hand: its entry in HAND_TABLES, or for
    a table of plain rows (none expanded) whose every indicator is in HAND_INDICATORS (the QĐ 357
    forms) the generic `_hand_cell`; None when the table has no reference."""
    if table.key in HAND_TABLES:
        return HAND_TABLES[table.key]
    used = {r.indicator or c.indicator for r in table.rows for c in table.columns} - {""}
    if any(getattr(r, "expand", "") for r in table.rows) or not used <= set(HAND_INDICATORS):
        return None
    return lambda by_hand, row, column: _hand_cell(by_hand, table, row, column)


def _rss_mb() -> float:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def step_export(out: Path) -> dict:
    """Export database A in the interchange format (CSV, one file per sheet) into `out`, and
    the peak resident memory the export added to this process (its high-water mark, less the
    one after Django started and connected)."""
    setup_django()
    from django.db import connection

    connection.ensure_connection()
    base = _rss_mb()
    try:
        from ktgs.exchange.exporter import export_csv
        from ktgs.exchange.format import MEMBERS, MEMBERSHIPS
    except ImportError as error:
        return {"members_csv": None, "why": f"ktgs.exchange: {error}"}

    started = time.perf_counter()
    export_csv(out)
    seconds = time.perf_counter() - started
    member_files = [out / f"{MEMBERS.name}.csv", out / f"{MEMBERSHIPS.name}.csv"]
    missing = [p.name for p in member_files if not p.is_file()]
    if missing:
        return {"members_csv": None, "why": f"the export has no {', '.join(missing)}"}
    return {
        "dir": str(out),
        "seconds": seconds,
        "base_mb": base,
        "peak_mb": _rss_mb() - base,
        "members_csv": str(member_files[0]),
        "member_files": [str(p) for p in member_files],
        "rows": {p.name: csv_rows(p) for p in member_files},
    }


def csv_rows(path: Path) -> int:
    import csv

    with path.open(encoding="utf-8-sig", newline="") as f:
        return sum(1 for _ in csv.reader(f)) - 1


def step_import(folder: Path) -> dict:
    """Into the fresh database B: the sheets about units (no member column) first, untimed;
    then members and memberships ("Đảng viên" and "Sinh hoạt", in one .zip as a user would
    upload them), timed, with the time of each phase the importer reports."""
    setup_django()
    try:
        from ktgs.exchange.format import MEMBERS, MEMBERSHIPS, SHEETS
        from ktgs.exchange.importer import HANDLERS, run_import
    except ImportError as error:
        return {"seconds": None, "why": f"ktgs.exchange.importer: {error}"}

    # The organisation sheets only (the first handler's): the inspection and discipline sheets
    # of the export need their subjects and members, which are not what is measured here.
    org_sheets = HANDLERS[0].sheets
    unit_sheets = [
        s.name
        for s in SHEETS.values()
        if s.name in org_sheets and not any(c.field == "member" for c in s.columns)
    ]
    units_zip = zipped(folder, unit_sheets, folder / "bench-units.zip")
    result = run_import(units_zip, file_name=units_zip.name)
    if not result.ok:
        return {"seconds": None, "why": "the units did not import: " + problems_text(result)}

    members_zip = zipped(folder, [MEMBERS.name, MEMBERSHIPS.name], folder / "bench-members.zip")
    phases: dict[str, float] = {}
    started = time.perf_counter()

    def progress(phase: str, done: int, total: int) -> None:
        phases.setdefault(phase, time.perf_counter() - started)

    result = run_import(members_zip, file_name=members_zip.name, progress=progress)
    seconds = time.perf_counter() - started
    if not result.ok or not result.written:
        return {"seconds": None, "why": "the members did not import: " + problems_text(result)}
    created = sum(c.get("created", 0) for c in result.counts.values())
    marks = sorted(phases.items(), key=lambda item: item[1]) + [("end", seconds)]
    split = ", ".join(
        f"{name} {later - at:.1f} s" for (name, at), (_next, later) in pairwise(marks)
    )
    return {
        "seconds": seconds,
        "created": created,
        "zip_mb": members_zip.stat().st_size / 1e6,
        "note": f"{created:,} rows created, .zip {members_zip.stat().st_size / 1e6:.1f} MB; "
        f"phases: {split}",
    }


def zipped(folder: Path, sheets: list[str], target: Path) -> Path:
    """The sheets' CSV files (those with at least one row) in one .zip."""
    import zipfile

    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in sheets:
            path = folder / f"{name}.csv"
            if path.is_file() and csv_rows(path) > 0:
                archive.write(path, path.name)
    return target


def problems_text(result) -> str:
    shown = "; ".join(
        f"{p.sheet} row {p.row} {p.column or ''}: {p.message}" for p in result.problems[:3]
    )
    return f"{len(result.problems)} problems ({shown})"


def child_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="step", required=True)
    pages = sub.add_parser("pages")
    pages.add_argument("--requests", type=int, default=30)
    sub.add_parser("records")
    report = sub.add_parser("report")
    report.add_argument("--requests", type=int, default=30)
    report.add_argument("--unit", default="HA.DBK")
    report.add_argument("--user", default=BENCH_USER)
    export = sub.add_parser("export")
    export.add_argument("--out", type=Path, required=True)
    sub.add_parser("rows")
    generate = sub.add_parser("generate")
    generate.add_argument("--scale", type=float, required=True)
    imp = sub.add_parser("import")
    imp.add_argument("--dir", type=Path, required=True)
    args = parser.parse_args(argv)
    if args.step == "pages":
        result = step_pages(args.requests)
    elif args.step == "records":
        result = step_records()
    elif args.step == "report":
        result = step_report(args.requests, args.unit, args.user)
    elif args.step == "export":
        result = step_export(args.out)
    elif args.step == "rows":
        result = step_rows()
    elif args.step == "generate":
        result = step_generate(args.scale)
    else:
        result = step_import(args.dir)
    print(json.dumps(result, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    steps = ("pages", "records", "report", "export", "import", "rows", "generate")
    if len(sys.argv) > 1 and sys.argv[1] in steps:
        sys.exit(child_main(sys.argv[1:]))
    sys.exit(main())
