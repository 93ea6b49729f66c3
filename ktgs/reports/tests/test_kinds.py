"""The kinds the sector counts apart: kiểm tra thu, nộp đảng phí (within the Biểu PTDL's section I,
"Kiểm tra tài chính Đảng") and kiểm tra việc thi hành kỷ luật, through `ktgs.cuoc` and the counts
page (demo bloc; some of its finance and KTGS-duty inspections re-kinded for the test)."""

from datetime import date

import pytest
from django.urls import reverse

from ktgs.core.choices import InspectionKind
from ktgs.inspections.models import Inspection
from ktgs.orgs.models import OrgUnit, Term
from ktgs.reports import tables
from ktgs.reports.indicators import Context
from ktgs.reports.indicators.inspections import KIND

pytestmark = pytest.mark.django_db

END = date(2023, 6, 30)


def ctx() -> Context:
    start = Term.objects.get(unit__code="HA.DBK", name="2020–2025").starts_on
    return Context(OrgUnit.objects.get(code="HA.DBK"), start, END)


def ptdl_values() -> dict:
    table = next(t for t in tables.load_tables() if t.key == "ptdl")
    computed = tables.compute(table, ctx())
    assert computed.flags == []
    return {r.key: r.cells[0].value for r in computed.rows}


def in_range(kind: str):
    start = ctx().start
    return Inspection.objects.filter(
        kind=kind, unit__path__startswith=OrgUnit.objects.get(code="HA.DBK").path
    ).filter(decided_on__range=(start, END), voided_at__isnull=True)


def test_the_kind_parameter_offers_the_new_kinds():
    assert KIND.values["party_fees"] == "Kiểm tra thu, nộp đảng phí"
    assert KIND.values["discipline_enforcement"] == "Kiểm tra việc thi hành kỷ luật trong Đảng"


def test_ptdl_section_i_counts_party_fees_within_party_finance(demo):
    before = ptdl_values()
    finance = before["i_tai_chinh"]
    assert finance > 0 and before["i_dang_phi"] == 0
    assert before["i_so_cuoc"] == finance
    in_range(InspectionKind.FINANCE).update(kind=InspectionKind.PARTY_FEES)
    after = ptdl_values()
    assert (after["i_tai_chinh"], after["i_dang_phi"]) == (0, finance)
    assert after["i_so_cuoc"] == finance  # "Số cuộc kiểm tra tài chính Đảng" includes đảng phí
    # the QĐ 357 forms: KTTC_DPHI counts đảng phí, KTTC_TC_NGANSACH the other finance inspections
    for key, want in (("qd357_kttc_dphi", finance), ("qd357_kttc", 0)):
        table = next(t for t in tables.load_tables() if t.key == key)
        rows = {r.key: r for r in tables.compute(table, ctx()).rows}
        assert rows["tong"].cells[1].value == want, key  # column "cuoc"


def test_discipline_enforcement_is_a_figure_of_its_own(demo):
    duty = in_range(InspectionKind.KTGS_DUTY)
    n = duty.count()
    assert n > 1
    moved = list(duty.order_by("pk").values_list("pk", flat=True)[: n // 2])
    Inspection.objects.filter(pk__in=moved).update(kind=InspectionKind.DISCIPLINE_ENFORCEMENT)

    def cuoc(kind):
        return ctx().figure("ktgs.cuoc", {"chu_the": "tat_ca", "loai": kind})

    enforcement = cuoc("discipline_enforcement")
    assert enforcement.value == len(moved)
    assert cuoc("ktgs_duty").value == n - len(moved)
    assert "chi-so=discipline_enforcement" in enforcement.url


def test_counts_page_and_drill_down_show_party_fees(client_as, demo):
    finance = list(in_range(InspectionKind.FINANCE).values_list("pk", flat=True))
    assert finance
    Inspection.objects.filter(pk__in=finance[:1]).update(kind=InspectionKind.PARTY_FEES)
    client = client_as("ubkt_leader")
    start = ctx().start.strftime("%d/%m/%Y")
    q = {"don-vi": "HA.DBK", "tu": start, "den": END.strftime("%d/%m/%Y")}
    page = client.get(reverse("counting:counts"), q).content.decode()
    assert "Kiểm tra thu, nộp đảng phí" in page
    assert "Kiểm tra việc thi hành kỷ luật trong Đảng" in page
    listed = client.get(
        reverse("counting:list"), {**q, "co-quan": "", "chi-so": "party_fees"}
    ).content.decode()
    assert f'data-inspection="{finance[0]}"' in listed
    assert all(f'data-inspection="{pk}"' not in listed for pk in finance[1:])


def test_kt_thkl_counts_its_own_kind_and_kt_thnvkt_the_rest(demo):
    """The QĐ 357 forms KT_THNVKT and KT_THKL split the inspections of the KTGS duty from those of
    discipline enforcement: an organisation inspected on enforcement moves from one to the other."""

    def total(key: str) -> int:
        table = next(t for t in tables.load_tables() if t.key == key)
        computed = tables.compute(table, ctx())
        assert computed.flags == []
        return next(r for r in computed.rows if r.key == "tong").cells[0].value

    duty = in_range(InspectionKind.KTGS_DUTY)
    orgs = ctx().figure("ktgs.doi_tuong", {"loai": "ktgs_duty", "doi_tuong": "to_chuc"}).value
    assert total("qd357_kt_thnvkt") == orgs > 0 and total("qd357_kt_thkl") == 0
    duty.update(kind=InspectionKind.DISCIPLINE_ENFORCEMENT)
    assert (total("qd357_kt_thnvkt"), total("qd357_kt_thkl")) == (0, orgs)
