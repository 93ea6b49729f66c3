"""Search, counts and pages at national scale (issue 19, docs/decisions/0012): the member
search finds the same members with and without the trigram index (both engines), the index is
what PostgreSQL uses when it must not scan, and the capped count counts no more than it says."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ktgs.accounts.access import visible_to
from ktgs.core import keyset
from ktgs.core.vietnamese import fold
from ktgs.demo.layout import DEMO_REFERENCE_DATE
from ktgs.orgs import areas, selectors, trigram, views
from ktgs.orgs.models import AREA_LENGTH, Member, OrgUnit, area_of
from ktgs.orgs.services import member_name_keys

pytestmark = pytest.mark.django_db

# common, rarer, inside a word, across two words, a code's start, none
FRAGMENTS = ["nguyen van", "thi", "kieu", "uye", "n th", "van an", "xyzq"]


def postgresql() -> bool:
    return connection.vendor == "postgresql"


def by_python(scope, text: str) -> list[str]:
    """What the search must find, computed from every visible member's name in Python."""
    key = fold(text)
    rows = scope.visible(Member.objects.live().filter(current_unit__isnull=False))
    found = [
        (sort_key, code)
        for code, sort_key, name in rows.values_list("code", "sort_key", "full_name")
        if key in fold(name) or code in {text.strip(), text.strip().upper()}
    ]
    return [code for _sort, code in sorted(found)]


def by_selector(scope, text: str) -> list[str]:
    return list(selectors.member_list(scope=scope, q=text).values_list("code", flat=True))


def forced(*settings: str):
    """The planner told not to scan the table (nor walk another index): PostgreSQL only."""
    with connection.cursor() as cursor:
        for setting in settings:
            cursor.execute(f"SET LOCAL {setting} = off")


def plan(text: str, scope) -> str:
    sql, params = selectors.member_list(scope=scope, q=text).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(line for (line,) in cursor.fetchall())


@pytest.mark.parametrize("text", FRAGMENTS)
def test_the_search_finds_what_a_plain_filter_finds(cast, text):
    scope = visible_to(cast["inspector"])
    expected = by_python(scope, text)
    assert by_selector(scope, text) == expected
    if text != "xyzq":
        assert expected, f"the demo has members matching {text!r}"


def test_a_member_code_is_found_as_typed_or_in_capitals(cast):
    scope = visible_to(cast["inspector"])
    member = scope.visible(Member.objects.live().filter(current_unit__isnull=False)).first()
    for typed in (member.code, member.code.lower(), f"  {member.code} "):
        assert member.code in by_selector(scope, typed), typed


FILLER = 20_000  # members added on PostgreSQL, so that the planner weighs a national table


@pytest.fixture(scope="class")
def large(demo, django_db_blocker):
    """On PostgreSQL, the demo's members and FILLER more (common names, none with the rare
    fragments), then ANALYZE: the planner sees a table where scanning costs. Made once for the
    tests of `TestATableOfNationalWeight` and rolled back after them; what a test changes (an
    index dropped, a planner setting) is rolled back with the test's own savepoint."""
    if not postgresql():
        pytest.skip("SQLite has no trigram index: it scans (decision 0012), tested above")
    names = [("Nguyễn", "Văn", "Hùng"), ("Trần", "Thị", "Lan"), ("Lê", "Minh", "Tuấn")]
    with django_db_blocker.unblock(), transaction.atomic():
        rows = []
        for n in range(FILLER):
            family, middle, given = names[n % 3]
            full, search, sort = member_name_keys(family, middle, given)
            rows.append(
                Member(
                    code=f"ZZ{n:07d}",
                    family_name=family,
                    middle_name=middle,
                    given_name=given,
                    full_name=full,
                    search_key=search,
                    sort_key=sort,
                    birth_date=date(1980, 1, 1),
                    sex="M",
                    admitted_on=date(2010, 1, 1),
                    current_unit=demo.cell,
                    area=area_of(demo.cell.path),  # a bulk write sets it (`Member.area`)
                )
            )
        Member.objects.bulk_create(rows, batch_size=5000)
        with connection.cursor() as cursor:
            # the trigram index's pending entries merged, as autovacuum does after a bulk load:
            # the planner weighs a GIN index by its pending list, which the bulk load filled
            cursor.execute("SELECT gin_clean_pending_list('orgs_member_search_trgm')")
            cursor.execute("ANALYZE orgs_member")
            cursor.execute("ANALYZE orgs_orgunit")
        yield
        transaction.set_rollback(True)


RARE = ["kieu", "xuyen", "xyzq"]


def read_by_index(plan_text: str) -> bool:
    """The members are found through an index that holds their folded key — the trigram index,
    or one of the name walks read alone (an index-only scan: no member row read to test a key;
    at this size the planner may take either, by a few percent of cost) — never the table."""
    return "Seq Scan on orgs_member" not in plan_text and (
        "orgs_member_search_trgm" in plan_text
        or "Index Only Scan using orgs_member_name_walk" in plan_text
        or "Index Only Scan using orgs_member_cell_walk" in plan_text
        or "Index Only Scan using orgs_member_area_walk" in plan_text
    )


@pytest.mark.usefixtures("large")
class TestATableOfNationalWeight:
    """PostgreSQL's plans on a members table of national weight (`large`, made once)."""

    @pytest.mark.parametrize("text", RARE)
    def test_postgresql_plans_a_rare_fragment_on_an_index_of_the_keys(
        self, cast, text, monkeypatch
    ):
        """At tens of thousands of members, unforced, the planner finds a rare fragment through
        an index of the keys — the page's rows and its capped count alike — in a large subtree
        that is not an area (the bloc, its area key set aside; a whole area is walked alone:
        below)."""
        monkeypatch.setattr(areas, "AREA_LENGTH", -1)
        scope = visible_to(cast["inspector"])
        assert read_by_index(plan(text, scope)), plan(text, scope)
        rows = selectors.member_list(scope=scope, q=text).order_by().values("pk")[:101]
        sql, params = rows.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN SELECT count(*) FROM (" + sql + ") AS capped", params)
            counted = "\n".join(line for (line,) in cursor.fetchall())
        assert read_by_index(counted), counted

    @pytest.mark.parametrize("text", FRAGMENTS)
    def test_postgresql_finds_the_same_with_the_index_and_without_it(self, cast, text, monkeypatch):
        # a large subtree that is not an area (the bloc, its area key set aside): the trigram index
        monkeypatch.setattr(areas, "AREA_LENGTH", -1)
        scope = visible_to(cast["inspector"])
        expected = by_python(scope, text)
        # the trigram index wherever the planner can take it: no scan of the table, nor a walk of
        # another index (they are bitmap scans only then)
        forced("enable_seqscan", "enable_indexscan", "enable_indexonlyscan")
        if text in RARE:
            assert "orgs_member_search_trgm" in plan(text, scope)
        assert by_selector(scope, text) == expected
        trigram.drop(connection)  # rolled back with the test's transaction
        assert trigram.missing(connection)
        assert "orgs_member_search_trgm" not in plan(text, scope)
        assert by_selector(scope, text) == expected

    @pytest.mark.parametrize("text", FRAGMENTS)
    def test_postgresql_searches_a_whole_area_by_its_walk_alone(self, cast, text):
        """The bloc's search (an area: `Member.area`) is written for the walk of the area's index
        in name order, never through the trigram index, and finds what the plain filter finds.
        Which index the planner walks depends on the area's share of the table: here the bloc is
        the whole table; at the nation tier a province is 1/55 of it and the area's index is walked
        (docs/decisions/0012, docs/benchmarks.md)."""
        scope = visible_to(cast["inspector"])
        assert len(scope.roots[0]) == AREA_LENGTH
        forced("enable_seqscan", "enable_bitmapscan")
        ids = selectors.member_list(scope=scope, q=text).values_list("pk", flat=True)[:51]
        sql, params = ids.query.sql_with_params()  # the page's ids, as keyset._fetch asks them
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            shown = "\n".join(line for (line,) in cursor.fetchall())
        assert '"area" =' in str(ids.query) and "orgs_member_search_trgm" not in shown, shown
        assert by_selector(scope, text) == by_python(scope, text)


def test_the_unit_keys_find_the_same_with_and_without_the_indexes(cast):
    """The picker's unit keys: `search_key` and `place_key` through their trigram indexes on
    PostgreSQL, as a plain Python filter finds them (both engines)."""
    units = OrgUnit.objects.live()
    for text in ("van phong", "y te", "so", "chi bo"):
        expected = sorted(
            code
            for code, key, place in units.values_list("code", "search_key", "place_key")
            if text in key or text in place
        )

        def found(text=text):
            rows = units.filter(search_key__contains=text) | units.filter(place_key__contains=text)
            return sorted(rows.values_list("code", flat=True))

        if postgresql():
            forced("enable_seqscan", "enable_indexscan")
        assert found() == expected and expected, text
        if postgresql():
            trigram.drop(connection)
            assert found() == expected, text
            trigram.install(connection)


def test_the_indexes_come_back_with_migrate_when_the_extension_allows(cast):
    if not postgresql():
        assert trigram.missing(connection) == [] and trigram.install(connection) == ""
        return
    trigram.drop(connection)
    assert len(trigram.missing(connection)) == 3
    assert trigram.install(connection) == ""
    assert trigram.missing(connection) == []


# --- the name walk of a large subtree ----------------------------------------------------------


def codes(rows) -> list[str]:
    return list(rows.values_list("code", flat=True))


@pytest.mark.parametrize(
    "asked",
    [
        {},
        {"status": "full"},
        {"status": "probationary", "day": DEMO_REFERENCE_DATE},
        {"unit": "HA.DBK.001"},
        {"unit": "HA.DBK.001", "subtree": False},
        {"committee_only": True},
        {"q": "van"},
    ],
)
def test_the_walked_list_holds_the_same_members_in_the_same_order(cast, asked, monkeypatch):
    scope = visible_to(cast["inspector"])  # the bloc: an area (one level below the root)
    if "unit" in asked:
        unit = OrgUnit.objects.get(code=asked["unit"])
        if asked.get("subtree") is False:  # a cell of it, where members are registered
            unit = OrgUnit.objects.filter(
                path__startswith=unit.path, kind__is_cell=True, current_members__isnull=False
            ).first()
        asked = {**asked, "unit": unit}
    by_area = selectors.member_list(scope=scope, walk=True, **asked)
    assert ('"area" =' in str(by_area.query)) == ("unit" not in asked)
    assert codes(selectors.member_list(scope=scope, **asked)) == codes(by_area)
    monkeypatch.setattr(areas, "AREA_LENGTH", -1)  # no list is an area's: the other forms
    walked = selectors.member_list(scope=scope, walk=True, **asked)
    joined = selectors.member_list(scope=scope, **asked)
    assert codes(walked) == codes(joined) == codes(by_area) and codes(joined)
    hashed = '"current_unit_id" IS NULL' in str(walked.query)
    # only a list without a typed name or committee filter, over a large subtree, is walked
    assert hashed == (
        "q" not in asked and "committee_only" not in asked and asked.get("subtree", 1)
    )


def test_a_small_subtree_or_one_outside_the_scope_is_not_walked(cast, monkeypatch):
    scope = visible_to(cast["inspector"])
    cell = OrgUnit.objects.get(code="HA.DBK.001")
    assert selectors.walks_well([cell.path])
    monkeypatch.setattr(selectors, "WALK_SHARE", 1)  # now: only the whole register walks
    assert not selectors.walks_well([cell.path])
    rows = selectors.member_list(scope=scope, unit=cell, walk=True)
    assert '"current_unit_id" IS NULL' not in str(rows.query)
    outside = (
        OrgUnit.objects.exclude(path__startswith=scope.roots[0])
        .exclude(path__in=[scope.roots[0][:i] for i in range(len(scope.roots[0]))])
        .first()
    )
    if outside is not None:  # a unit beyond the scope: nothing listed, walked or not
        assert not codes(selectors.member_list(scope=scope, unit=outside, walk=True))


# --- the capped count ---------------------------------------------------------------------


def test_the_capped_count_reads_at_most_cap_plus_one_rows():
    rows = Member.objects.live()
    total = rows.count()
    assert keyset.capped_count(rows, 10) == keyset.Capped(10, True)
    assert keyset.capped_count(rows, total) == keyset.Capped(total, False)
    assert keyset.capped_count(rows, total - 1) == keyset.Capped(total - 1, True)
    with CaptureQueriesContext(connection) as ctx:
        keyset.capped_count(rows, 10)
    (sql,) = [q["sql"] for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    assert "LIMIT 11" in sql and sql.upper().startswith("SELECT COUNT(*)")


@pytest.mark.parametrize("cap", [60, 10_000])
def test_a_typed_names_first_page_counts_in_its_walk(cast, client_as, settings, cap):
    """The first page of a search walks its ids on to the cap and counts them there: the same
    figure as the count, no COUNT query; a later page counts as before."""
    settings.KTGS_SEARCH_COUNT_CAP = cap
    client = client_as("inspector")
    url = reverse("orgs:member_list")
    client.get(url, {"q": "thi"})
    with CaptureQueriesContext(connection) as ctx:
        first = client.get(url, {"q": "thi"})
    page = first.context["page"]
    assert page.has_next and len(page.object_list) == views.PAGE_SIZE
    searched = selectors.member_list(scope=visible_to(cast["inspector"]), q="thi")
    counted = keyset.capped_count(searched, cap)
    assert page.count == counted and counted.more == (cap == 60)
    assert not [q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]
    with CaptureQueriesContext(connection) as ctx:
        second = client.get(url, {"q": "thi", "sau": page.last_id})
    assert second.context["page"].count == counted
    assert [q for q in ctx.captured_queries if "COUNT(" in q["sql"].upper()]


def test_the_capped_count_runs_without_parallel_workers_and_leaves_the_setting_as_it_was():
    if not postgresql():
        pytest.skip("PostgreSQL's parallel workers")
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        (before,) = cursor.fetchone()
    with CaptureQueriesContext(connection) as ctx:
        assert keyset.capped_count(Member.objects.live(), 10) == keyset.Capped(10, True)
    sent = [q["sql"] for q in ctx.captured_queries]
    at = sent.index("SET LOCAL max_parallel_workers_per_gather = 0")
    assert sent[at + 1].upper().startswith("SELECT COUNT(*)")
    assert sent[at + 2].startswith("ROLLBACK TO SAVEPOINT")
    with connection.cursor() as cursor:  # rolled back with the savepoint, here inside a test's
        cursor.execute("SHOW max_parallel_workers_per_gather")  # transaction as in a request's
        assert cursor.fetchone() == (before,) and before != "0"


def test_the_page_says_more_than_the_cap(client_as, settings):
    settings.KTGS_COUNT_CAP, settings.KTGS_SEARCH_COUNT_CAP = 2000, 500
    client = client_as("inspector")
    listed = client.get(reverse("orgs:member_list")).content.decode()
    assert "<strong>hơn 2.000</strong> đảng viên" in listed
    # a typed name is counted to a lower cap: "type more" rather than count every Nguyễn
    searched = client.get(reverse("orgs:member_list"), {"q": "thi"}).content.decode()
    assert "<strong>hơn 500</strong> đảng viên" in searched
