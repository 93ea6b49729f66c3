"""Official KTGS figures (docs/counting.md): the demo's example-report figures, a hand-built
fixture counted by hand, the committee/standing split, the drill-down and its "hạn chế" rows."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ktgs.core.choices import InspectionKind
from ktgs.core.models import Dated, Secrecy
from ktgs.inspections import counting, services
from ktgs.inspections.choices import ConclusionResult
from ktgs.inspections.models import InspectionSubject
from ktgs.inspections.services import SubjectInput
from ktgs.orgs.models import Body, CommitteeSeat, Member, OrgUnit, Term
from ktgs.rules.choices import Step

pytestmark = pytest.mark.django_db
REFERENCE = date(2023, 6, 30)
ROW_INSPECTION = r'data-inspection="(\d+)"'


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


def body(code: str, kind: str) -> Body:
    return Body.objects.select_related("unit__kind").get(unit__code=code, kind=kind)


def term_start() -> date:
    return Term.objects.get(unit__code="HA.DBK", name="2020–2025").starts_on


def demo_counts(split: bool = False) -> counting.Counts:
    return counting.count(unit("HA.DBK"), term_start(), REFERENCE, split=split)


def params(code: str, start: date, end: date, **more) -> dict:
    return {
        "don-vi": code,
        "tu": start.strftime("%d/%m/%Y"),
        "den": end.strftime("%d/%m/%Y"),
    } | more


# --- the demo: the example report's figures ------------------------------------------------------


def test_demo_gives_the_example_reports_figures():
    figures = demo_counts()
    bloc = unit("HA.DBK")
    committee = figures.row(f"cu-{bloc.pk}")
    ubkt = figures.row(str(body("HA.DBK", "inspection").pk))
    assert (committee.organisations, committee.committee_members) == (19, 114)
    assert (ubkt.organisations, ubkt.committee_members) == (17, 49)
    # "36 tổ chức đảng và 163 đảng viên là cấp ủy viên": the sum of the two rows
    assert (figures.own_total.organisations, figures.own_total.committee_members) == (36, 163)
    # members who were not committee members are subjects too, but not among the 114 / 49
    assert committee.members > 114 and ubkt.members > 49
    assert ubkt.violations > 0 and ubkt.inspections > 0 and committee.supervisions > 0
    # grassroots bodies' own inspections are rows of their own, below the bloc's
    others = [r for r in figures.rows if not r.own]
    assert others and figures.total.organisations > 36
    assert [r.own for r in figures.rows[:2]] == [True, True]


def test_split_separates_committee_and_standing_committee():
    merged, split = demo_counts(), demo_counts(split=True)
    bloc = unit("HA.DBK")
    committee = split.row(str(body("HA.DBK", "committee").pk))
    standing = split.row(str(body("HA.DBK", "standing").pk))
    assert split.row(f"cu-{bloc.pk}") is None and merged.row(f"cu-{bloc.pk}") is not None
    group = merged.row(f"cu-{bloc.pk}")
    # each body alone counts no more than the two together; an organisation met by both
    # bodies counts once merged and once per body split
    assert committee.organisations <= 19 and standing.organisations <= 19
    assert committee.organisations + standing.organisations > group.organisations
    assert committee.inspections + standing.inspections == group.inspections
    assert split.row(str(body("HA.DBK", "inspection").pk)).committee_members == 49


def test_counts_page_shows_the_figures_and_links_each_number(client_as):
    page = client_as("inspector").get(
        reverse("counting:counts"), params("HA.DBK", term_start(), REFERENCE)
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert ">19</a>" in html and ">114</a>" in html and ">17</a>" in html and ">49</a>" in html
    assert ">36</a>" in html and ">163</a>" in html
    assert "chi-so=cap-uy-vien" in html and reverse("counting:list") in html


def _drill(client, key: str, metric: str, start=None, end=REFERENCE, code="HA.DBK", **more):
    return client.get(
        reverse("counting:list"),
        params(code, start or term_start(), end, **{"co-quan": key, "chi-so": metric}, **more),
    )


def test_drill_down_lists_exactly_the_inspections_counted(client_as):
    client = client_as("ubkt_leader")  # clearance tối mật: every row shown in full
    bloc = unit("HA.DBK")
    for key, metric, expected in (
        (f"cu-{bloc.pk}", "cap-uy-vien", 114),
        (f"cu-{bloc.pk}", "to-chuc", 19),
        (str(body("HA.DBK", "inspection").pk), "cap-uy-vien", 49),
        (str(body("HA.DBK", "inspection").pk), "to-chuc", 17),
    ):
        page = _drill(client, key, metric)
        html = page.content.decode()
        assert page.status_code == 200
        shown = {int(pk) for pk in re.findall(ROW_INSPECTION, html)}
        subjects = InspectionSubject.objects.filter(
            inspection__voided_at__isnull=True,
            inspection__unit=bloc,
            inspection__decided_on__range=(term_start(), REFERENCE),
            inspection__body__kind__in=["committee", "standing"]
            if key.startswith("cu-")
            else ["inspection"],
        )
        if metric == "cap-uy-vien":
            subjects = subjects.filter(committee_unit__isnull=False)
        else:
            subjects = subjects.filter(member__isnull=True)
        assert shown == set(subjects.values_list("inspection_id", flat=True))
        assert f"<h1>{expected} " in html
        distinct = subjects.values("member_id" if metric == "cap-uy-vien" else "unit_id")
        assert distinct.distinct().count() == expected


def test_drill_down_of_inspections_by_kind(client_as):
    client = client_as("ubkt_leader")
    bloc = unit("HA.DBK")
    figures = demo_counts()
    ubkt = figures.row(str(body("HA.DBK", "inspection").pk))
    html = _drill(client, ubkt.key, "giam-sat").content.decode()
    assert len(set(re.findall(ROW_INSPECTION, html))) == ubkt.supervisions
    html = _drill(client, "own", "ktgs_duty").content.decode()
    ids = set(re.findall(ROW_INSPECTION, html))
    assert len(ids) == figures.own_total.by_kind["ktgs_duty"] > 0
    assert bloc.name in html


def _rows(html: str, marker: str) -> list[str]:
    """The table rows of `html` that carry `marker` (their data-inspection attribute)."""
    rows = [chunk.split("</tr>")[0] for chunk in html.split("<tr")[1:]]
    found = [row for row in rows if marker in row]
    assert found, marker
    return found


def test_restricted_rows_are_listed_and_counted_without_name(client_as):
    """The inspector (clearance mật) sees the bloc UBKT's tối mật inspections as "hạn chế"."""
    ubkt = str(body("HA.DBK", "inspection").pk)
    secret = InspectionSubject.objects.filter(
        inspection__unit__code="HA.DBK",
        inspection__secrecy=Secrecy.SECRET,
        inspection__decided_on__range=(term_start(), REFERENCE),
        committee_unit__isnull=False,
    ).select_related("inspection")
    assert secret.exists()
    leader = _drill(client_as("ubkt_leader"), ubkt, "cap-uy-vien").content.decode()
    inspector = _drill(client_as("inspector"), ubkt, "cap-uy-vien").content.decode()
    assert "<h1>49 " in leader and "<h1>49 " in inspector
    assert set(re.findall(ROW_INSPECTION, leader)) == set(re.findall(ROW_INSPECTION, inspector))
    for s in secret:
        mine = f'data-inspection="{s.inspection_id}">'
        assert any(s.name in row for row in _rows(leader, mine))
        for row in _rows(inspector, mine):
            assert "hạn chế" in row and s.name not in row and s.inspection.topic not in row
            assert reverse("inspections:detail", args=[s.inspection_id]) not in row
    assert inspector.count("hạn chế</span></td>") == secret.count()


# --- a hand-built fixture on HA.DBK.003 in 2026 ----------------------------------------------------

DAY1, DAY2, DAY3, DAY4, LATE = (
    date(2026, 2, 2),
    date(2026, 3, 2),
    date(2026, 3, 16),
    date(2026, 4, 6),
    date(2026, 7, 10),
)
START, END = date(2026, 1, 1), date(2026, 6, 30)


def _secretary(cell: str, day: date) -> Member:
    seat = CommitteeSeat.objects.filter(
        Dated.q_on(day), body__unit__code=cell, body__kind="committee", role="secretary"
    )
    return seat.select_related("member").get().member


def _plain(cell: str) -> Member:
    return (
        Member.objects.live()
        .filter(current_unit__code=cell, seats__isnull=True)
        .order_by("code")
        .first()
    )


@pytest.fixture
def hand_built(db):
    """Five decisions of HA.DBK.003's bodies (counted by hand in the tests below):

    A  standing committee, compliance, 02/02/2026: chi bộ .01, secretary of .01, a plain member
    B  committee, thematic supervision, 02/03/2026: chi bộ .01 (again), chi bộ .02, secretary of
       .01 (again), secretary of .02
    C  UBKT, on signs of violation, tối mật, 16/03/2026: secretary of .02 → violation
    D  UBKT, thematic supervision, 06/04/2026: chi bộ .03 — voided
    E  UBKT, party finance, 10/07/2026 (after the range): chi bộ .04
    """
    c1, c2 = _secretary("HA.DBK.003.01", DAY1), _secretary("HA.DBK.003.02", DAY1)
    plain = _plain("HA.DBK.003.01")
    cell = {n: unit(f"HA.DBK.003.0{n}") for n in (1, 2, 3, 4)}

    def make(kind_body, kind, day, number, subjects, **kw):
        return services.inspection_create(
            body=body("HA.DBK.003", kind_body),
            kind=kind,
            decided_on=day,
            decision_number=number,
            topic=f"Số liệu tự dựng {number}",
            subjects=subjects,
            **kw,
        )

    made = {
        "A": make(
            "standing",
            InspectionKind.COMPLIANCE,
            DAY1,
            "61-QĐ/ĐU",
            [SubjectInput(unit=cell[1]), SubjectInput(member=c1), SubjectInput(member=plain)],
        ),
        "B": make(
            "committee",
            InspectionKind.SUPERVISION_THEMATIC,
            DAY2,
            "62-QĐ/ĐU",
            [
                SubjectInput(unit=cell[1]),
                SubjectInput(unit=cell[2]),
                SubjectInput(member=c1),
                SubjectInput(member=c2),
            ],
        ),
        "C": make(
            "inspection",
            InspectionKind.SIGNS_OF_VIOLATION,
            DAY3,
            "63-QĐ/UBKTĐU",
            [SubjectInput(member=c2)],
            secrecy=Secrecy.SECRET,
        ),
        "D": make(
            "inspection",
            InspectionKind.SUPERVISION_THEMATIC,
            DAY4,
            "64-QĐ/UBKTĐU",
            [SubjectInput(unit=cell[3])],
        ),
        "E": make(
            "inspection", InspectionKind.FINANCE, LATE, "65-QĐ/UBKTĐU", [SubjectInput(unit=cell[4])]
        ),
    }
    services.step_record(made["C"].steps.get(step=Step.ANNOUNCEMENT), done_on=date(2026, 3, 20))
    services.subject_conclude(
        made["C"].subjects.get(),
        result=ConclusionResult.VIOLATION,
        concluded_on=date(2026, 4, 20),
    )
    services.inspection_void(made["D"], reason="Nhập nhầm")
    assert made["A"].subjects.get(member=plain).committee_unit_id is None
    assert made["B"].subjects.get(member=c2).committee_unit_id is not None
    return made


def _figures(row) -> tuple:
    return (
        row.organisations,
        row.committee_members,
        row.members,
        row.inspections,
        row.supervisions,
        row.violations,
    )


def test_hand_built_fixture_counted_by_hand(hand_built):
    u = unit("HA.DBK.003")
    figures = counting.count(u, START, END)
    ubkt = str(body("HA.DBK.003", "inspection").pk)
    # cấp ủy (committee + standing): chi bộ .01 and .02; secretaries of .01 and .02 (each once);
    # members also the plain one; A is an inspection, B a supervision
    assert _figures(figures.row(f"cu-{u.pk}")) == (2, 2, 3, 1, 1, 0)
    # UBKT: C only (D voided, E after the range); one committee member, one violation
    assert _figures(figures.row(ubkt)) == (0, 1, 1, 1, 0, 1)
    assert _figures(figures.own_total) == (2, 3, 4, 2, 1, 1)
    assert [r.key for r in figures.rows] == [f"cu-{u.pk}", ubkt]
    assert figures.own_total.by_kind == {
        "compliance": 1,
        "supervision_thematic": 1,
        "signs_of_violation": 1,
    }
    split = counting.count(u, START, END, split=True)
    standing = split.row(str(body("HA.DBK.003", "standing").pk))
    committee = split.row(str(body("HA.DBK.003", "committee").pk))
    assert _figures(standing) == (1, 1, 2, 1, 0, 0)
    assert _figures(committee) == (2, 2, 2, 0, 1, 0)
    # the whole year: E counts, D never
    year = counting.count(u, START, date(2026, 12, 31))
    assert _figures(year.row(ubkt)) == (1, 1, 1, 2, 0, 1)


def test_hand_built_fixture_is_inside_the_blocs_total_only(hand_built):
    """HA.DBK.003's bodies are rows of the bloc's subtree, not of the bloc's own bodies."""
    bloc = unit("HA.DBK")
    before = counting.count(bloc, START, END)
    row = before.row(f"cu-{unit('HA.DBK.003').pk}")
    assert row is not None and not row.own
    hand_built["A"].refresh_from_db()
    services.inspection_void(hand_built["A"], reason="Nhập nhầm")
    after = counting.count(bloc, START, END)
    assert after.own_total == before.own_total
    assert after.total.inspections == before.total.inspections - 1


def test_hand_built_drill_down_and_restricted_row(hand_built, client_as):
    u = unit("HA.DBK.003")
    ubkt = str(body("HA.DBK.003", "inspection").pk)
    for role, shown in (("ubkt_leader", True), ("inspector", False)):
        html = _drill(
            client_as(role), ubkt, "vi-pham", start=START, end=END, code=u.code
        ).content.decode()
        c = hand_built["C"]
        assert re.findall(ROW_INSPECTION, html) == [str(c.pk)]
        assert "<h1>01 " in html
        assert (c.subjects.get().name in html) is shown
        assert ("hạn chế</span></td>" in html) is not shown
    html = _drill(
        client_as("inspector"), f"cu-{u.pk}", "dang-vien", start=START, end=END, code=u.code
    ).content.decode()
    assert set(re.findall(ROW_INSPECTION, html)) == {
        str(hand_built["A"].pk),
        str(hand_built["B"].pk),
    }
    assert "<h1>03 " in html


def test_counts_page_uses_a_fixed_number_of_queries(client_as):
    client = client_as("inspector")
    args = params("HA.DBK.003", START, END)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("counting:counts"), args).status_code == 200
        return len(ctx)

    def supervise(n: int) -> None:
        services.inspection_create(
            body=body("HA.DBK.003", "inspection" if n % 2 else "committee"),
            kind=InspectionKind.SUPERVISION_THEMATIC,
            decided_on=date(2026, 2, 2 + n),
            decision_number=f"{70 + n}-QĐ/ĐU",
            topic="Giám sát chuyên đề",
            subjects=[SubjectInput(unit=unit(f"HA.DBK.003.0{n % 3 + 1}"))],
        )

    supervise(0)
    one = queries()
    for n in range(1, 8):
        supervise(n)
    assert queries() == one
    bloc = params("HA.DBK", term_start(), REFERENCE)
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("counting:counts"), bloc)
    assert len(ctx) == one  # the bloc, with its 100 demo inspections: the same


def test_defaults_bad_dates_and_access(client_as):
    page = client_as("inspector").get(reverse("counting:counts"))
    html = page.content.decode()
    assert page.status_code == 200
    # the user's top unit (HA.DBK), from the start of its committee's current term to today
    current = Term.objects.get(unit__code="HA.DBK", name="2025–2030").starts_on
    bloc = OrgUnit.objects.get(code="HA.DBK")
    assert f'value="{bloc.name} (HA.DBK)"' in html and current.strftime("%d/%m/%Y") in html
    page = client_as("inspector").get(reverse("counting:counts"), {"tu": "31/02/2026"})
    assert page.status_code == 200 and "không hợp lệ" in page.content.decode()
    page = client_as("inspector").get(
        reverse("counting:counts"), {"tu": "01/06/2026", "den": "01/01/2026"}
    )
    assert "sau «Đến ngày»" in page.content.decode()
    # the system administrator reads the figures but not the rows behind them
    admin = client_as("sysadmin")
    page = admin.get(reverse("counting:counts"), params("HA.DBK", term_start(), REFERENCE))
    assert page.status_code == 200 and ">114<" in page.content.decode()
    assert reverse("counting:list") not in page.content.decode()
    assert _drill(admin, "own", "cap-uy-vien").status_code == 403
    # a unit typed outside the scope (the province above, a sibling bloc) is no 404: the
    # message next to the field, the figures of the user's top unit
    province = OrgUnit.objects.get(code="HA")
    for typed in ("HA", "HA.CQD", province.name):
        page = client_as("inspector").get(reverse("counting:counts"), {"don-vi": typed})
        html = page.content.decode()
        assert page.status_code == 200, typed
        assert re.search(r'<p class="field-error" id="id_don_vi_error" role="alert">', html)
        assert f"của <strong>{bloc.name}</strong>" in html, typed
        assert f"<strong>{province.name}</strong>" not in html
        assert "don-vi=HA&" not in html and "don-vi=HA.CQD" not in html
    # the rows behind a number are opened from links carrying a code: there it is a 404
    assert (
        client_as("inspector")
        .get(reverse("counting:list"), {"don-vi": "HA.CQD", "chi-so": "kiem-tra"})
        .status_code
        == 404
    )
