"""The narrative review checked as an outsider would (issue 15, "Done when"): a bloc built from
docs/formats.md alone (outsider.py), imported into an empty database, and the review generated
there in a child process states each figure the bloc was built with, attached to the right body
and form. The sentences are PARSED for their numbers and bodies (not compared with a wording),
and the figures the review keeps (its snapshot) are checked too. Dataset 1 is the example
report's; dataset 2 has other sizes. SQLite file or a fresh PostgreSQL database."""

import json
import re
from collections import defaultdict

from ktgs.core.choices import DisciplineForm
from ktgs.ops.tests.helpers import ktgs
from ktgs.reports.tests.outsider import (
    BLOC_BTV,
    BLOC_UBKT,
    CELL,
    GRASSROOTS_COMMITTEE,
    PROVINCE_BTV,
    PROVINCE_UBKT,
    Bloc,
    build,
)
from ktgs.reports.tests.test_outsider_dataset import EXAMPLE, OTHER

REVIEW = (
    "import django, json, sys; django.setup(); "
    "from ktgs.reports.tests.outsider import review; "
    "print(json.dumps(review(sys.argv[1], sys.argv[2])))"
)
# The names the dataset records (Thuộc tính «Tên gọi tắt của cấp ủy»: Tỉnh ủy, Đảng ủy Khối), as
# the reports derive the bodies' names from them; the grassroots bodies make one group.
NAMES = {
    PROVINCE_BTV: "BTV Tỉnh ủy",
    PROVINCE_UBKT: "UBKT Tỉnh ủy",
    BLOC_BTV: "BTV Đảng ủy Khối",
    BLOC_UBKT: "UBKT Đảng ủy Khối",
    GRASSROOTS_COMMITTEE: "đảng ủy, chi bộ cơ sở",
    CELL: "đảng ủy, chi bộ cơ sở",
}
FORMS = {label.lower(): value for value, label in DisciplineForm.choices}
NUMBER = r"(\d{1,3}(?:\.\d{3})*)"


def n(text: str) -> int:
    return int(text.replace(".", ""))


def generate(bloc: Bloc, tmp_path, empty_database) -> dict:
    data_dir, url = empty_database
    path = build(bloc, tmp_path / f"{bloc.prefix}.xlsx")
    ktgs("setting", "in-use-since", "01/01/2024", data_dir=data_dir, database_url=url)
    ktgs("import", str(path), data_dir=data_dir, database_url=url)
    args = ("-c", REVIEW, f"{bloc.prefix}.K", bloc.end.isoformat())
    return json.loads(ktgs(*args, data_dir=data_dir, database_url=url).stdout)


def expected_discipline(bloc: Bloc) -> dict:
    """{body name: {"org"|"member": {form: n}}} as the bloc was built."""
    out: dict = defaultdict(lambda: {"org": defaultdict(int), "member": defaultdict(int)})
    for body, form, subject, count in bloc.discipline:
        out[NAMES[body]][subject][FORMS[form.lower()]] += count
    return {name: {k: dict(v) for k, v in parts.items() if v} for name, parts in out.items()}


def parse_forms(text: str, total: int) -> dict:
    """ "(cách chức)" → {removal: total}; "(11 cảnh cáo, 04 khiển trách)" → each."""
    if text.strip() in FORMS:
        return {FORMS[text.strip()]: total}
    pairs = re.findall(rf"{NUMBER} ({'|'.join(FORMS)})", text)
    assert pairs and sum(n(x) for x, _ in pairs) == total, text
    return {FORMS[form]: n(x) for x, form in pairs}


def parse_discipline(text: str, names: list[str]) -> tuple[tuple[int, int], dict]:
    """((organisations, members) of the total, {body: {"org"|"member": {form: n}}})."""
    head, _, parts = text.partition("trong đó:")
    orgs = re.search(rf"{NUMBER} tổ chức đảng", head)
    members = re.search(rf"{NUMBER} đảng viên", head)
    total = (n(orgs.group(1)) if orgs else 0, n(members.group(1)) if members else 0)
    where = sorted((parts.index(name), name) for name in set(names) if name in parts)
    bodies = {}
    for i, (at, name) in enumerate(where):
        segment = parts[at : where[i + 1][0] if i + 1 < len(where) else len(parts)]
        found = {}
        for count, what, forms in re.findall(
            rf"{NUMBER} (tổ chức đảng|đảng viên) \(([^)]*)\)", segment
        ):
            kind = "org" if what == "tổ chức đảng" else "member"
            found[kind] = parse_forms(forms, n(count))
        bodies[name] = found
    return total, bodies


def committee_members(text: str) -> int:
    m = re.search(rf"{NUMBER} đảng viên là cấp ủy viên", text) or re.search(
        rf"trong đó {NUMBER} cấp ủy viên", text
    )
    return n(m.group(1))


def check(bloc: Bloc, got: dict, *, own: tuple[int, int]) -> None:
    paragraphs = got["paragraphs"]

    # the overview: TCCSĐ, đảng bộ cơ sở with their chi bộ, chi bộ cơ sở, members
    text = paragraphs["tong_quan"]["text"]
    assert n(re.search(rf"{NUMBER} TCCSĐ", text).group(1)) == bloc.committees + bloc.base_cells
    assert n(re.search(rf"{NUMBER} đảng bộ cơ sở", text).group(1)) == bloc.committees
    assert n(re.search(rf"{NUMBER} chi bộ trực thuộc", text).group(1)) == bloc.cells
    assert n(re.search(rf"{NUMBER} chi bộ cơ sở", text).group(1)) == bloc.base_cells
    assert n(re.search(rf"{NUMBER} đảng viên", text).group(1)) == bloc.members

    # inspections: the unit's own bodies together, then the committee and the UBKT apart
    text = paragraphs["kiem_tra_giam_sat"]["text"]
    head, _, split = text.partition("(Trong đó, ")
    assert n(re.search(rf"{NUMBER} tổ chức đảng", head).group(1)) == own[0]
    assert committee_members(head) == own[1]
    committee, _, ubkt = split.partition("; ")
    for part, name, (orgs, on_committees) in (
        (committee, "Đảng ủy Khối", bloc.committee_inspected),
        (ubkt, "UBKT Đảng ủy Khối", bloc.ubkt_inspected),
    ):
        assert part.startswith(name), part
        assert n(re.search(rf"{NUMBER} tổ chức đảng", part).group(1)) == orgs
        assert committee_members(part) == on_committees

    # discipline: the total, then each deciding body in order of level, with its forms
    text = paragraphs["ky_luat"]["text"]
    expected = expected_discipline(bloc)
    total, bodies = parse_discipline(text, list(NAMES.values()))
    orgs = sum(sum(v.get("org", {}).values()) for v in expected.values())
    members = sum(sum(v.get("member", {}).values()) for v in expected.values())
    assert total == (orgs, members)
    assert bodies == expected
    order = [name for name in dict.fromkeys(NAMES.values()) if name in expected]
    parts = text.partition("trong đó:")[2]
    assert sorted(bodies, key=parts.index) == order  # province, bloc (BTV, UBKT), grassroots

    # the snapshot: each figure the paragraph was written from, by body and form
    snapshot: dict = defaultdict(lambda: defaultdict(dict))
    for f in paragraphs["ky_luat"]["figures"]:
        body = f["params"].get("co_quan")
        if f["value"] and body not in (None, "tat_ca"):
            name = got["bodies"][body]
            name = NAMES[CELL] if not body.isdigit() else name
            kind = "org" if f["key"] == "kyluat.to_chuc" else "member"
            snapshot[name][kind][f["params"]["hinh_thuc"]] = f["value"]
    assert {k: dict(v) for k, v in snapshot.items()} == expected


def test_the_example_reports_review(tmp_path, empty_database):
    got = generate(EXAMPLE, tmp_path, empty_database)
    check(EXAMPLE, got, own=(36, 163))


def test_another_bloc_states_its_own_figures(tmp_path, empty_database):
    got = generate(OTHER, tmp_path, empty_database)
    check(OTHER, got, own=(12, 37))
