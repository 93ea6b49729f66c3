"""The hand-written SQL beside each page of the load run (issue 19): `bench/load.py` runs this in
a child process against the same database, after the clients stop, and prints each page's
median and p95 beside its reference's and the ratio page / SQL.

    python bench/references.py --user kiemtravien --search "nguyen van" --pick "nguyen van"

For each page of bench/locustfile.py, the statements that read the rows the page shows, written
by hand: the member list's rows and its capped count (the count only when the rows run past a
page, as the page does), the picker's suggestions and their cells' parents, a unit's and a
member's own rows with their history (the «Diễn biến» section: inspections, cases, decisions,
suspensions), a tree node's children with their stored counts. They are timed alone, one
connection, `--requests` times each (median, p95). What the page adds above its reference is
Django: the session, access, the ORM and the template. The unit and member chosen are the
first the scope's pages show (the root unit of the scope, the first member in name order), so
nothing depends on the demo's names.
"""

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench import HAND_COUNT, HAND_LIST, within  # noqa: E402  (the member list's rows, count)

PICKED = """
WITH page AS (
  SELECT m.id, m.sort_key, m.code
  FROM orgs_member m {join}
  WHERE m.voided_at IS NULL AND {within} AND m.secrecy IN ({levels}) {words}
  ORDER BY m.sort_key, m.code
  LIMIT %s
)
SELECT m.code, m.full_name, m.birth_date, c.name, c.path
FROM page JOIN orgs_member m ON m.id = page.id JOIN orgs_orgunit c ON c.id = m.current_unit_id
ORDER BY page.sort_key, page.code
"""
NAMES_OF = "SELECT path, name FROM orgs_orgunit WHERE path IN ({paths})"
CHILDREN = """
SELECT u.id, u.code, u.name, u.path, k.name, n.members, n.sub_members, n.sub_kinds
FROM orgs_orgunit u JOIN orgs_orgkind k ON k.id = u.kind_id
LEFT JOIN orgs_unitcount n ON n.unit_id = u.id
WHERE u.path LIKE %s AND length(u.path) = %s AND u.voided_at IS NULL AND u.closed_on IS NULL
ORDER BY u.sort_key, u.id
LIMIT %s
"""
UNIT = """
SELECT u.id, u.code, u.name, u.path, u.established_on, k.name, k.is_grassroots,
       n.members, n.sub_members, n.sub_pending, n.sub_kinds
FROM orgs_orgunit u JOIN orgs_orgkind k ON k.id = u.kind_id
LEFT JOIN orgs_unitcount n ON n.unit_id = u.id
WHERE u.code = %s
"""
ANCESTORS = "SELECT code, name FROM orgs_orgunit WHERE path IN ({paths}) ORDER BY path"
HEAD = """
SELECT m.code, m.full_name, h.starts_on FROM orgs_headofunit h
JOIN orgs_member m ON m.id = h.member_id
WHERE h.unit_id = %s AND h.starts_on <= CURRENT_DATE
  AND (h.ends_on IS NULL OR h.ends_on >= CURRENT_DATE)
"""
SEATS = """
SELECT b.kind, b.name, s.role, m.code, m.full_name FROM orgs_committeeseat s
JOIN orgs_body b ON b.id = s.body_id JOIN orgs_member m ON m.id = s.member_id
WHERE {who} AND s.starts_on <= CURRENT_DATE AND (s.ends_on IS NULL OR s.ends_on >= CURRENT_DATE)
ORDER BY b.kind, s.role, m.sort_key
"""
BODIES = "SELECT id, kind, name FROM orgs_body WHERE unit_id = %s ORDER BY kind"
SUBJECTS = """
SELECT s.id, s.name, s.result, s.concluded_on, i.id, i.kind, i.topic, i.decided_on,
       i.concluded_on, i.secrecy, b.name
FROM inspections_inspectionsubject s JOIN inspections_inspection i ON i.id = s.inspection_id
JOIN orgs_body b ON b.id = i.body_id
WHERE s.{who} = %s AND i.voided_at IS NULL AND i.secrecy IN ({levels})
ORDER BY i.decided_on DESC, s.id DESC
LIMIT %s
"""
CASES = """
SELECT c.id, c.opened_on, c.subject_kind, b.name FROM discipline_disciplinecase c
JOIN orgs_body b ON b.id = c.body_id
WHERE c.{who} = %s AND c.voided_at IS NULL AND c.secrecy IN ({levels})
ORDER BY c.opened_on DESC, c.id DESC
LIMIT %s
"""
DECISIONS = """
SELECT d.id, d.form, d.number, d.signed_on, d.effective_on, d.subject_name, b.name
FROM discipline_decision d JOIN orgs_body b ON b.id = d.body_id
WHERE d.{who} = %s AND d.voided_at IS NULL AND d.secrecy IN ({levels})
ORDER BY d.signed_on DESC, d.id DESC
LIMIT %s
"""
SUSPENSIONS = """
SELECT s.id, s.starts_on, s.ends_on, b.name FROM discipline_suspension s
JOIN orgs_body b ON b.id = s.body_id
WHERE s.{who} = %s AND s.secrecy IN ({levels})
ORDER BY s.starts_on DESC, s.id DESC
LIMIT %s
"""
MEMBER = """
SELECT m.id, m.code, m.full_name, m.birth_date, m.sex, m.citizen_id, m.admitted_on,
       m.official_on, m.secrecy, c.code, c.name, c.path
FROM orgs_member m JOIN orgs_orgunit c ON c.id = m.current_unit_id
WHERE m.code = %s
"""
MEMBERSHIPS = """
SELECT s.starts_on, s.ends_on, s.end_reason, u.code, u.name FROM orgs_membership s
JOIN orgs_orgunit u ON u.id = s.unit_id WHERE s.member_id = %s ORDER BY s.starts_on
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--user", required=True)
    parser.add_argument("--search", required=True)
    parser.add_argument("--pick", required=True)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    print(json.dumps(references(args), ensure_ascii=False))
    return 0


def references(args) -> dict:
    from django.db import connection

    from ktgs.accounts.access import RECORDS_VIEW, visible_to
    from ktgs.accounts.models import User
    from ktgs.core.keyset import count_cap, search_count_cap
    from ktgs.core.vietnamese import fold
    from ktgs.discipline.story import LIMIT
    from ktgs.orgs.models import PATH_STEP, OrgUnit
    from ktgs.orgs.picking import SCREENFUL, words
    from ktgs.orgs.selectors import TREE_CHUNK
    from ktgs.orgs.views import PAGE_SIZE

    scope = visible_to(User.objects.get(username=args.user))
    (root,) = scope.roots_for(RECORDS_VIEW)[:1] or ("",)
    unit = OrgUnit.objects.get(path=root)
    levels = list(scope.secrecy_levels)
    marks = ", ".join(["%s"] * len(levels))
    under, under_param = within(root)
    key = fold(args.search)
    searched = "AND (m.search_key LIKE %s OR m.code IN (%s, %s))"
    search_params = [f"%{key}%", args.search.strip(), args.search.strip().upper()]

    def ancestors(path: str) -> list[str]:
        return [path[:i] for i in range(PATH_STEP, len(path) + 1, PATH_STEP)]

    def member_list(search: str, params: list, direction: str, cap: int):
        def run(cursor):
            cursor.execute(
                HAND_LIST.format(
                    **under, levels=marks, search=search, after="", direction=direction
                ),
                [under_param, *levels, *params, PAGE_SIZE + 1],
            )
            rows = cursor.fetchall()
            if len(rows) > PAGE_SIZE:  # the page counts only a list longer than itself
                cursor.execute(
                    HAND_COUNT.format(**under, levels=marks, search=search),
                    [under_param, *levels, *params, cap + 1],
                )
                cursor.fetchall()
            return min(len(rows), PAGE_SIZE)

        return run

    def picker(cursor):
        ws = words(args.pick)
        cursor.execute(
            PICKED.format(
                **under, levels=marks, words=" ".join("AND m.search_key LIKE %s" for _ in ws)
            ),
            [under_param, *levels, *(f"%{w}%" for w in ws), SCREENFUL + 1],
        )
        rows = cursor.fetchall()
        parents = sorted({path[:-PATH_STEP] for *_rest, path in rows})
        if parents:
            cursor.execute(NAMES_OF.format(paths=", ".join(["%s"] * len(parents))), parents)
            cursor.fetchall()
        return min(len(rows), SCREENFUL)

    def children(cursor, path: str) -> int:
        cursor.execute(CHILDREN, [path + "%", len(path) + PATH_STEP, TREE_CHUNK + 1])
        return len(cursor.fetchall())

    def story(cursor, who: str, pk: int) -> int:
        shown = 0
        for sql, column in (
            (SUBJECTS, who if who == "member_id" else "unit_id"),
            (CASES, who if who == "member_id" else "subject_unit_id"),
            (DECISIONS, who if who == "member_id" else "subject_unit_id"),
            (SUSPENSIONS, who if who == "member_id" else "subject_unit_id"),
        ):
            cursor.execute(sql.format(who=column, levels=marks), [pk, *levels, LIMIT])
            shown += len(cursor.fetchall())
        return shown

    def unit_page(cursor):
        cursor.execute(UNIT, [unit.code])
        (pk, *_rest) = cursor.fetchone()
        paths = ancestors(unit.path)
        cursor.execute(ANCESTORS.format(paths=", ".join(["%s"] * len(paths))), paths)
        cursor.fetchall()
        cursor.execute(HEAD, [pk])
        cursor.fetchall()
        cursor.execute(BODIES, [pk])
        cursor.fetchall()
        cursor.execute(SEATS.format(who="b.unit_id = %s"), [pk])
        cursor.fetchall()
        return 1 + children(cursor, unit.path) + story(cursor, "unit_id", pk)

    with connection.cursor() as cursor:
        cursor.execute(
            HAND_LIST.format(**under, levels=marks, search="", after="", direction="ASC"),
            [under_param, *levels, 1],
        )
        first = cursor.fetchone()
    member_code = first[1] if first else ""

    def member_page(cursor):
        cursor.execute(MEMBER, [member_code])
        row = cursor.fetchone()
        if row is None:
            return 0
        pk, path = row[0], row[-1]
        parents = ancestors(path)
        cursor.execute(ANCESTORS.format(paths=", ".join(["%s"] * len(parents))), parents)
        cursor.fetchall()
        cursor.execute(MEMBERSHIPS, [pk])
        cursor.fetchall()
        cursor.execute(SEATS.format(who="s.member_id = %s"), [pk])
        cursor.fetchall()
        return 1 + story(cursor, "member_id", pk)

    def tree_expand(cursor):
        return children(cursor, unit.path)

    def tree_page(cursor):
        cursor.execute(UNIT, [unit.code])
        cursor.fetchall()
        return 1 + children(cursor, unit.path)

    cases = {
        "member search": member_list(searched, search_params, "ASC", search_count_cap()),
        "member list, first page": member_list("", [], "ASC", count_cap()),
        "member list, last page": member_list("", [], "DESC", count_cap()),
        "unit page": unit_page,
        "member page": member_page,
        "picker suggestions": picker,
        "tree: expand a node": tree_expand,
        "tree page": tree_page,
    }
    out = {}
    with connection.cursor() as cursor:
        for name, run in cases.items():
            shown = run(cursor)  # once untimed: the rows it shows
            times = []
            for _ in range(args.requests):
                started = time.perf_counter()
                run(cursor)
                times.append((time.perf_counter() - started) * 1000)
            times.sort()
            out[name] = {
                "median": statistics.median(times),
                "p95": times[min(len(times) - 1, round(0.95 * (len(times) - 1)))],
                "rows": shown,
            }
    return {
        "scope": f"{unit.code} ({unit.name})",
        "unit": unit.code,
        "member": member_code,
        "pages": out,
    }


if __name__ == "__main__":
    sys.exit(main())
