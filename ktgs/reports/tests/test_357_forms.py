"""The QĐ 357 forms as far as the records fill them (`data/2x_357_*.toml`, `3x_357_*.toml`;
statistical-forms.md §2): each loads, is a sourced reconstruction, reconciles on the demo, and
gives the figures the records and the counting pages give for the same thing. Expected values are
independent ORM queries or the counting pages' own figures, never the table's output again."""

import io
import re
from datetime import date

import pytest
from django.db.models import Q
from django.urls import reverse
from openpyxl import load_workbook

from ktgs.core.choices import DisciplineSubject, InspectionKind
from ktgs.discipline import counting as discipline_counting
from ktgs.discipline.choices import AppealOutcome
from ktgs.discipline.models import Appeal
from ktgs.inspections.models import Inspection
from ktgs.orgs.choices import BodyKind, Level
from ktgs.orgs.models import Body
from ktgs.reports import tables
from ktgs.reports.indicators import Context
from ktgs.reports.tests.test_more_indicators import END, _standing, ctx, start, subjects

COMMITTEE_SIDE = (BodyKind.COMMITTEE, BodyKind.STANDING, BodyKind.CELL_MEETING)
GRASSROOTS = (Level.BASE, Level.BELOW_BASE)
DECISION_ROW = r'data-decision="(\d+)"'


def forms() -> list[tables.Table]:
    """This app's own QĐ 357 forms (the letters app ships and tests GQTC_DV, GQTC_TCD and
    XU_LY_DON_THU: ktgs/letters/tests/test_figures357.py)."""
    return [t for t in tables.load_tables(tables.DATA_DIR) if t.key.startswith("qd357_")]


def form(key: str) -> tables.Table:
    return next(t for t in forms() if t.key == f"qd357_{key}")


def grid(key: str, c: Context | None = None) -> dict:
    t = form(key)
    done = tables.compute(t, c or ctx())
    keys = [col.key for col in t.columns]
    return {
        r.key: dict(zip(keys, [cell.value for cell in r.cells], strict=True)) for r in done.rows
    }


def distinct_members(rows) -> int:
    return rows.filter(member__isnull=False).values("member_id").distinct().count()


def distinct_orgs(rows) -> int:
    return rows.filter(member__isnull=True).values("unit_id").distinct().count()


def by_own(rows, kinds):
    return rows.filter(inspection__unit__code="HA.DBK", inspection__body__kind__in=kinds)


# --- every form: loads, is a reconstruction, every cell sourced, totals reconcile ------------------


@pytest.mark.django_db
def test_every_form_is_a_sourced_reconstruction_and_reconciles(demo):
    shipped = forms()
    assert len(shipped) == 16
    for t in shipped:
        assert t.reconstruction and "statistical-forms.md" in t.note, t.key
        assert "Chưa đưa vào" in t.note and "monsoc/wh_qldld@608b48ec" in t.source, t.key
        for col in t.columns:  # every column names the form's column it fills
            assert re.search(r"statistical-forms\.md §(2\.4|2\.5|3\.1)", col.source), (t.key, col)
        for code in ("HA.DBK", "HA.DBK.001"):
            done = tables.compute(t, ctx(code))
            assert done.flags == [], (t.key, code)
            for r in done.rows:
                for c, cell in zip(t.columns, r.cells, strict=True):
                    assert cell.source, (t.key, r.key, c.key)
            # totals are the sums of their parts, written out again here
            values = {
                (r.key, c.key): cell.value
                for r in done.rows
                for c, cell in zip(t.columns, r.cells, strict=True)
            }
            for row in (r for r in t.rows if r.sum):
                for c in t.columns:
                    assert values[row.key, c.key] == sum(values[p, c.key] for p in row.sum)
            for col in (c for c in t.columns if c.sum):
                for r in done.rows:
                    assert values[r.key, col.key] == sum(values[r.key, p] for p in col.sum)


@pytest.mark.django_db
def test_the_forms_are_not_all_zero_on_the_demo(demo):
    nonzero = {
        t.key for t in forms() if any(v for row in grid(t.key[6:]).values() for v in row.values())
    }
    # the demo has no organisation inspected on signs of violation, no organisation disciplined
    # by a committee of the bloc, no inspection of discipline enforcement or of đảng phí and no appeal (the
    # appeals test adds some; test_kt_thkl_counts_its_own_kind adds an enforcement inspection)
    assert {t.key for t in forms()} - nonzero == {
        "qd357_ktdhvptc",
        "qd357_kt_thkl",
        "qd357_kttc_dphi",
        "qd357_thkl_tcd_capuy",
        "qd357_gqknkl",
    }


# --- the figures, from the records ----------------------------------------------------------------


@pytest.mark.django_db
def test_article_30_inspections_by_the_committee_side(demo):
    g = grid("ktdv_d30")
    compliance = subjects().filter(inspection__kind=InspectionKind.COMPLIANCE)
    own = by_own(compliance, COMMITTEE_SIDE)
    assert g["cap_uy"]["tong"] == distinct_members(own) > 0
    seated = own.filter(member__isnull=False, committee_unit__isnull=False)
    assert g["cap_uy"]["cap_uy_vien"] == seated.values("member_id").distinct().count()
    assert grid("ktdv_d30_tc")["cap_uy"]["tong"] == distinct_orgs(own) > 0
    # the grassroots committees and cells: distinct per performing body (committee and its
    # standing committee one body)
    below = compliance.filter(
        inspection__unit__kind__level__in=GRASSROOTS, inspection__body__kind__in=COMMITTEE_SIDE
    ).exclude(inspection__unit__code="HA.DBK")
    per_body = {
        ("cu", u, m) if k in (BodyKind.COMMITTEE, BodyKind.STANDING) else (b, m)
        for b, k, u, m in below.filter(member__isnull=False).values_list(
            "inspection__body_id", "inspection__body__kind", "inspection__unit_id", "member_id"
        )
    }
    assert g["cap_uy_co_so"]["tong"] == len(per_body) > 0
    # PTDL J: the members the own committee inspected under Điều 30
    ptdl = next(t for t in tables.load_tables() if t.key == "ptdl")
    j = next(r for r in tables.compute(ptdl, ctx()).rows if r.key == "j_dv_du_kt")
    assert j.cells[0].value == g["cap_uy"]["tong"]


@pytest.mark.django_db
def test_supervision_is_thematic_plus_regular(demo):
    ubkt = subjects().filter(
        inspection__unit__code="HA.DBK", inspection__body__kind=BodyKind.INSPECTION
    )
    g = grid("gsdv_ubkt")["ubkt"]
    thematic = distinct_members(ubkt.filter(inspection__kind=InspectionKind.SUPERVISION_THEMATIC))
    regular = distinct_members(ubkt.filter(inspection__kind=InspectionKind.SUPERVISION_REGULAR))
    assert (g["chuyen_de"], g["thuong_xuyen"], g["tong"]) == (thematic, regular, thematic + regular)
    assert g["tong"] > 0
    orgs = grid("gstcd_capuy")["cap_uy"]
    committee = by_own(subjects(), COMMITTEE_SIDE)
    assert orgs["chuyen_de"] == distinct_orgs(
        committee.filter(inspection__kind=InspectionKind.SUPERVISION_THEMATIC)
    )


@pytest.mark.django_db
def test_ubkt_kinds_signs_duty_finance(demo):
    own_ubkt = by_own(subjects(), (BodyKind.INSPECTION,))
    assert grid("ktdhvpdv")["ubkt"]["tong"] == distinct_members(
        own_ubkt.filter(inspection__kind=InspectionKind.SIGNS_OF_VIOLATION)
    )
    assert grid("kt_thnvkt")["ubkt"]["tong"] == distinct_orgs(
        own_ubkt.filter(inspection__kind=InspectionKind.KTGS_DUTY)
    )
    kttc = grid("kttc")
    finance = Inspection.objects.filter(
        voided_at__isnull=True,
        unit__code="HA.DBK",
        body__kind=BodyKind.INSPECTION,
        kind=InspectionKind.FINANCE,
        decided_on__range=(start(), END),
    )
    assert kttc["ubkt"]["cuoc"] == finance.count() > 0
    assert kttc["ubkt"]["tong"] == distinct_orgs(
        own_ubkt.filter(inspection__kind=InspectionKind.FINANCE)
    )


@pytest.mark.django_db
def test_discipline_by_committees_and_by_ubkt(demo):
    members = _standing(ctx()).exclude(subject_kind=DisciplineSubject.ORGANISATION)
    own = members.filter(body__unit__code="HA.DBK")
    committees = grid("thkl_dv_capuy")
    ubkt = grid("thkl_dv_ubkt")
    assert committees["cap_uy"]["tong"] == own.exclude(body__kind=BodyKind.INSPECTION).count()
    assert ubkt["ubkt"]["tong"] == own.filter(body__kind=BodyKind.INSPECTION).count() > 0
    for key, form_ in (("kt", "reprimand"), ("cc", "warning"), ("ktr", "expulsion")):
        assert ubkt["ubkt"][key] == own.filter(body__kind="inspection", form=form_).count()
    # the grassroots part: the discipline counting's own split row
    split = discipline_counting.count(ctx().unit, start(), END, split_grassroots=True)
    part = split.row(discipline_counting.GRASSROOTS_COMMITTEES)
    assert committees["co_so"]["tong"] == part.members.total == 15  # the example report's 15
    assert committees["co_so"]["kt"] == part.members.by_form.get("reprimand", 0)


@pytest.mark.django_db
def test_appeals_resolved_pending_and_changed(demo):
    c = ctx(first=date(2023, 1, 1))
    decisions = list(_standing(ctx()).order_by("pk")[:5])
    resolver = Body.objects.get(unit__code="HA.DBK", kind=BodyKind.STANDING)
    spec = [
        (AppealOutcome.UPHELD, date(2023, 2, 1), date(2023, 3, 1)),
        (AppealOutcome.CHANGED, date(2023, 2, 1), date(2023, 4, 1)),
        (AppealOutcome.ANNULLED, date(2023, 2, 1), date(2023, 4, 2)),
        (AppealOutcome.NOT_RESOLVED, date(2022, 11, 1), date(2023, 1, 5)),
        (AppealOutcome.PENDING, date(2023, 5, 1), None),
    ]
    for d, (outcome, filed, resolved) in zip(decisions, spec, strict=True):
        Appeal.objects.create(
            decision=d, filed_on=filed, resolver=resolver, outcome=outcome, resolved_on=resolved
        )
    ours = Appeal.objects.filter(resolver__unit__path__startswith=c.unit.path)
    resolved = ours.filter(resolved_on__range=(c.start, c.end)).exclude(outcome="")
    pending = ours.filter(Q(outcome="") | Q(resolved_on__gt=c.end), filed_on__lte=c.end)
    g = grid("gqknkl", c)["tat_ca"]
    assert g["giai_quyet"] == resolved.count() == 4
    assert g["tong"] == resolved.count() + pending.count()
    assert g["giu_nguyen"] == resolved.filter(outcome="upheld").count()
    assert g["thay_doi"] == resolved.filter(outcome__in=("changed", "annulled")).count() == 2
    assert g["xoa"] == 1


# --- the same figures on the counting pages -------------------------------------------------------


@pytest.mark.django_db
def test_each_figure_is_the_counting_pages_figure(client_as, demo):
    """Every cell that links to a list of records: the list's own figure (KTGS drill-down) or its
    rows (discipline decisions) equal the cell."""
    client = client_as("ubkt_leader")
    checked, seen = 0, set()
    for t in forms():
        done = tables.compute(t, ctx())
        for r in done.rows:
            for cell in r.cells:
                if not cell.url or cell.value == 0:
                    continue
                if "/so-lieu/kiem-tra-giam-sat/danh-sach/" in cell.url:
                    response = client.get(cell.url)
                    assert response.context["figure"] == cell.value, (t.key, r.key, cell.url)
                elif cell.url.startswith(
                    (reverse("discipline:appeals"), reverse("suspensions:period"))
                ):  # before the decisions' list: their paths start with its path
                    rows = client.get(cell.url).context["rows"]
                    assert len(rows) == cell.value, (t.key, r.key, cell.url)
                elif cell.url.startswith(reverse("discipline:list")):
                    listed = client.get(cell.url).content.decode()
                    assert len(re.findall(DECISION_ROW, listed)) == cell.value, (t.key, r.key)
                else:
                    continue
                checked += 1
                seen.add(t.key)
    assert checked >= 20, checked
    # every form with a figure on the demo (the demo has no appeal in the period)
    assert seen == {
        t.key
        for t in forms()
        if t.key
        not in (
            "qd357_ktdhvptc",
            "qd357_kt_thkl",
            "qd357_kttc_dphi",
            "qd357_thkl_tcd_capuy",
            "qd357_gqknkl",
        )
    }


# --- the page and the workbook --------------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_lists_every_table_and_the_xlsx_has_them(client_as, demo):
    client = client_as("ubkt_leader")
    q = {"ky": "khoang", "tu": start().strftime("%d/%m/%Y"), "den": END.strftime("%d/%m/%Y")}
    html = client.get(reverse("reports:unit", args=["HA.DBK"]), q).content.decode()
    toc = re.search(r'<nav class="report-toc"[^>]*>(.*?)</nav>', html, re.S).group(1)
    anchors = re.findall(r'href="#bieu-([\w]+)"', toc)
    assert anchors == [t.key for t in tables.load_tables()]
    for key in anchors:
        assert f'id="bieu-{key}"' in html and f'data-table="{key}"' in html
    # each reconstruction's note, folded under its source
    assert html.count('<details class="report-note">') == len(anchors)
    assert form("gqknkl").note.split(".")[0] in html
    response = client.get(reverse("reports:xlsx", args=["HA.DBK"]), q)
    wb = load_workbook(io.BytesIO(response.content))
    # each table, then each table's lũy kế from the start of the term: every name its own
    assert len(wb.sheetnames) == 2 * len(anchors) == len(set(wb.sheetnames))
    ws = wb[next(n for n in wb.sheetnames if n.startswith("THKL_DV_CAPUY"))]
    assert ws["A1"].value.startswith("THKL_DV_CAPUY")
    rows = {r[0]: r[1:] for r in ws.iter_rows(min_row=6, values_only=True) if r and r[0]}
    parts = [
        rows["Cấp ủy, ban thường vụ của tổ chức"],
        rows[next(k for k in rows if k.startswith("Đảng ủy, ban thường vụ"))],
    ]
    assert list(rows["Cộng"]) == [a + b for a, b in zip(*parts, strict=True)]
    expected = grid("thkl_dv_capuy")["tong"]
    assert list(rows["Cộng"]) == [expected[c.key] for c in form("thkl_dv_capuy").columns]
    notes = [
        r[0] for r in ws.iter_rows(values_only=True) if r[0] and r[0].startswith("Biểu dựng lại")
    ]
    assert notes and "statistical-forms.md" in notes[0]
