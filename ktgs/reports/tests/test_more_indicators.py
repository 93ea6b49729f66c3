"""The indicators of issue 14 point 3 beyond the first tables (subjects per kind, "lượt",
outcomes, follow-ups, grassroots discipline split, appeals, suspensions, admissions,
strike-offs) and the Biểu PTDL table. Each expected value is an independent ORM query; where the
demo has no such records, the test adds some first so that the figure is not a trivial 0."""

from datetime import date, timedelta

import pytest
from django.db.models import F, Q

from ktgs.core.choices import DisciplineSubject, InspectionKind
from ktgs.discipline.choices import AppealOutcome
from ktgs.discipline.models import Appeal, Decision, Suspension
from ktgs.inspections.choices import SUPERVISION_KINDS, ConclusionResult, FollowUpStatus
from ktgs.inspections.models import FollowUp, InspectionSubject
from ktgs.orgs.choices import BodyKind, Level, MembershipEnd
from ktgs.orgs.models import Body, Membership, OrgUnit, Term
from ktgs.reports import tables
from ktgs.reports.indicators import Context

END = date(2023, 6, 30)
R = ConclusionResult


def start() -> date:
    return Term.objects.get(unit__code="HA.DBK", name="2020–2025").starts_on


def ctx(code: str = "HA.DBK", first: date | None = None, end: date = END) -> Context:
    return Context(OrgUnit.objects.get(code=code), first or start(), end)


def subjects(code: str = "HA.DBK", first=None, end=END):
    """The subject rows the KTGS figures count, written out again."""
    return InspectionSubject.objects.filter(
        inspection__voided_at__isnull=True,
        inspection__unit__path__startswith=OrgUnit.objects.get(code=code).path,
        inspection__decided_on__gte=first or start(),
        inspection__decided_on__lte=end,
    )


# --- subjects per kind, lượt, outcomes ----------------------------------------------------------


@pytest.mark.django_db
def test_members_inspected_on_signs_of_violation_by_the_ubkt(demo):
    c = ctx()
    ubkt = Body.objects.get(unit__code="HA.DBK", kind=BodyKind.INSPECTION)
    rows = subjects().filter(inspection__body=ubkt, inspection__kind="signs_of_violation")
    expected = rows.filter(member__isnull=False).values("member_id").distinct().count()
    params = {"chu_the": "ubkt", "loai": "signs_of_violation", "doi_tuong": "dang_vien"}
    figure = c.figure("ktgs.doi_tuong", params)
    assert figure.value == expected > 0
    assert "co-quan=nhom-ubkt" in figure.url and "loai=signs_of_violation" in figure.url


@pytest.mark.django_db
def test_subjects_per_kind_are_distinct_per_body_and_kind(demo):
    c = ctx()
    for kind in ("compliance", "supervision_thematic"):
        rows = subjects().filter(inspection__kind=kind, member__isnull=True)
        # distinct per performing body (committee and standing merged) and kind
        per_body = {
            ("cu" if k in (BodyKind.COMMITTEE, BodyKind.STANDING) else b, u, unit)
            for b, k, u, unit in rows.values_list(
                "inspection__body_id", "inspection__body__kind", "inspection__unit_id", "unit_id"
            )
        }
        value = c.figure("ktgs.doi_tuong", {"loai": kind, "doi_tuong": "to_chuc"}).value
        assert value == len(per_body) > 0
    # without a kind: the figures of `count` (distinct per body across kinds)
    assert (
        c.figure("ktgs.doi_tuong", {"doi_tuong": "dang_vien"}).value
        == c.figure("ktgs.dang_vien", {}).value
    )


@pytest.mark.django_db
def test_cases_count_every_subject_row(demo):
    c = ctx()
    assert c.figure("ktgs.luot", {"doi_tuong": "dang_vien"}).value == (
        subjects().filter(member__isnull=False).count()
    )
    thematic = subjects().filter(inspection__kind="supervision_thematic", member__isnull=True)
    figure = c.figure("ktgs.luot", {"doi_tuong": "to_chuc", "loai": "supervision_thematic"})
    assert figure.value == thematic.count() > 0
    assert "chi-so=luot-to-chuc" in figure.url
    # "lượt" is at least the distinct count
    assert c.figure("ktgs.luot", {}).value >= c.figure("ktgs.dang_vien", {}).value


@pytest.mark.django_db
def test_outcomes_as_the_sector_splits_them(demo):
    # the demo has no "đến mức phải xem xét kỷ luật" and no supervision finding signs: add them
    violation = subjects().filter(result=R.VIOLATION).order_by("pk").first()
    InspectionSubject.objects.filter(pk=violation.pk).update(result=R.VIOLATION_DISCIPLINE)
    supervised = (
        subjects().filter(inspection__kind__in=SUPERVISION_KINDS, result=R.SHORTCOMINGS)
    ).order_by("pk")[:2]
    InspectionSubject.objects.filter(pk__in=[s.pk for s in supervised]).update(
        result=R.SIGNS_OF_VIOLATION
    )
    c = ctx()
    rows = subjects()
    expected = {
        "vi_pham": rows.filter(result__in=(R.VIOLATION, R.VIOLATION_DISCIPLINE)).count(),
        "vi_pham_ky_luat": rows.filter(result=R.VIOLATION_DISCIPLINE).count(),
        "dau_hieu": rows.filter(result=R.SIGNS_OF_VIOLATION).count(),
        "khong_khuyet_diem": rows.filter(result=R.NO_SHORTCOMING).count(),
        "han_che": rows.filter(result=R.SHORTCOMINGS).count(),
        "chua_den_ky_luat": rows.filter(result__in=(R.SHORTCOMINGS, R.VIOLATION)).count(),
    }
    got = {k: c.figure("ktgs.ket_qua", {"ket_qua": k}).value for k in expected}
    assert got == expected
    assert got["vi_pham_ky_luat"] == 1 and got["dau_hieu"] == 2
    assert got["vi_pham"] == c.figure("ktgs.vi_pham", {}).value  # the existing indicator
    link = c.figure("ktgs.ket_qua", {"ket_qua": "dau_hieu"}).url
    assert "chi-so=dau-hieu" in link
    assert (
        "chi-so=chua-den-ky-luat" in c.figure("ktgs.ket_qua", {"ket_qua": "chua_den_ky_luat"}).url
    )


@pytest.mark.django_db
def test_inspections_with_a_violation_are_cases(demo):
    c = ctx()
    expected = (
        subjects()
        .filter(result__in=(R.VIOLATION, R.VIOLATION_DISCIPLINE))
        .values("inspection_id")
        .distinct()
        .count()
    )
    assert c.figure("ktgs.cuoc_vi_pham", {}).value == expected > 0


@pytest.mark.django_db
def test_the_drill_down_lists_the_rows_of_one_kind(client_as, demo):
    c = ctx()
    params = {"loai": "signs_of_violation", "doi_tuong": "dang_vien", "chu_the": "tat_ca"}
    figure = c.figure("ktgs.luot", params)
    response = client_as("ubkt_leader").get(figure.url)
    assert response.status_code == 200
    assert response.context["figure"] == figure.value == len(response.context["rows"])
    assert "khi có dấu hiệu vi phạm" in response.context["metric_label"]
    bad = client_as("ubkt_leader").get(figure.url.replace("signs_of_violation", "nope"))
    assert bad.status_code == 404


# --- follow-ups -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_follow_ups_done_and_pending_at_the_end_date(demo):
    rows = list(subjects().filter(result=R.VIOLATION).select_related("inspection")[:1])
    subject = rows[0]
    first, end = date(2023, 1, 1), END

    def add(status, done_on=None, due=date(2023, 3, 1)):
        FollowUp.objects.create(
            inspection=subject.inspection,
            subject=subject,
            text="Khắc phục",
            owner_unit=subject.unit,
            due_on=due,
            status=status,
            done_on=done_on,
        )

    add(FollowUpStatus.DONE, date(2023, 2, 1))  # done in the period
    add(FollowUpStatus.DONE, date(2022, 12, 1))  # done before: neither
    add(FollowUpStatus.DONE, date(2023, 8, 1))  # done after the end: pending at the end
    add(FollowUpStatus.OPEN, due=date(2023, 9, 1))  # pending, not yet due
    add(FollowUpStatus.OPEN)  # pending and overdue
    add(FollowUpStatus.CANCELLED)  # never counts
    c = ctx(first=first, end=end)
    live = FollowUp.objects.filter(
        inspection__voided_at__isnull=True,
        inspection__unit__path__startswith=c.unit.path,
        inspection__decided_on__lte=end,
    ).exclude(status=FollowUpStatus.CANCELLED)
    done = live.filter(status=FollowUpStatus.DONE, done_on__range=(first, end)).count()
    pending = live.filter(Q(status=FollowUpStatus.OPEN) | Q(done_on__gt=end)).count()
    overdue = live.filter(Q(status=FollowUpStatus.OPEN) | Q(done_on__gt=end), due_on__lt=end)
    figure = {
        k: c.figure("ktgs.kien_nghi", {"tinh_trang": k}).value
        for k in ("tong", "da_thuc_hien", "chua_thuc_hien", "qua_han")
    }
    assert figure == {
        "tong": done + pending,
        "da_thuc_hien": done,
        "chua_thuc_hien": pending,
        "qua_han": overdue.count(),
    }
    assert (done, pending, overdue.count()) == (1, 3, 2)
    assert "chi-so=kien-nghi" in c.figure("ktgs.kien_nghi", {}).url  # test_links: its records


# --- discipline: the grassroots row in two, appeals, suspensions ----------------------------------


def _grassroots(code="HA.DBK"):
    unit = OrgUnit.objects.get(code=code)
    return Q(body__unit__kind__level__in=(Level.BASE, Level.BELOW_BASE)) & ~Q(body__unit=unit)


def _standing(c: Context):
    from ktgs.discipline.counting import live_decisions

    return live_decisions().filter(
        subject_unit__path__startswith=c.unit.path, signed_on__range=(c.start, c.end)
    )


@pytest.mark.django_db
def test_grassroots_committees_and_cells_apart_from_grassroots_ubkt(demo):
    # the demo's grassroots decisions are all by committees or cells: move two to a UBKT
    c = ctx()
    grassroots = _standing(c).filter(_grassroots()).exclude(subject_kind="organisation")
    moved = list(grassroots.order_by("pk")[:2])
    for d in moved:
        ubkt = Body.objects.get_or_create(
            unit=d.body.unit, kind=BodyKind.INSPECTION, defaults={"name": "UBKT thử"}
        )[0]
        Decision.objects.filter(pk=d.pk).update(body=ubkt)
    c = ctx()
    members = _standing(c).filter(_grassroots()).exclude(subject_kind="organisation")
    ubkt_part = members.filter(body__kind=BodyKind.INSPECTION).count()
    committees = members.exclude(body__kind=BodyKind.INSPECTION).count()
    value = {
        g: c.figure("kyluat.dang_vien", {"co_quan": g}).value
        for g in ("co_so", "co_so_cap_uy", "co_so_ubkt")
    }
    assert value == {"co_so": 15, "co_so_cap_uy": committees, "co_so_ubkt": ubkt_part}
    assert (committees, ubkt_part) == (13, 2)
    # the existing table still shows one grassroots row
    t = next(t for t in tables.load_tables() if t.key == "ky_luat")
    keys = [r.key for r in tables.compute(t, c).rows]
    assert "co_quan:co-so" in keys and not any("co-so-" in k for k in keys)
    url = c.figure("kyluat.dang_vien", {"co_quan": "co_so_ubkt"}).url
    assert "co-quan=co-so-ubkt" in url


@pytest.mark.django_db
def test_the_list_shows_the_grassroots_ubkt_decisions(client_as, demo):
    c = ctx()
    d = _standing(c).filter(_grassroots()).order_by("pk").first()
    ubkt = Body.objects.get_or_create(
        unit=d.body.unit, kind=BodyKind.INSPECTION, defaults={"name": "UBKT thử"}
    )[0]
    Decision.objects.filter(pk=d.pk).update(body=ubkt)
    url = ctx().figure("kyluat.dang_vien", {"co_quan": "co_so_ubkt"}).url
    response = client_as("ubkt_leader").get(url)
    assert response.status_code == 200
    assert "— Ủy ban kiểm tra đảng ủy cơ sở" in response.content.decode()


@pytest.mark.django_db
def test_appeals_by_outcome(demo):
    c = ctx(first=date(2023, 1, 1))
    decisions = list(_standing(ctx()).order_by("pk")[:5])
    resolver = Body.objects.get(unit__code="HA.DBK", kind=BodyKind.STANDING)
    above = Body.objects.get(unit__code="HA", kind=BodyKind.STANDING)
    spec = [
        (AppealOutcome.UPHELD, date(2023, 2, 1), date(2023, 3, 1), resolver),
        (AppealOutcome.CHANGED, date(2023, 2, 1), date(2023, 4, 1), resolver),
        (AppealOutcome.NOT_RESOLVED, date(2022, 11, 1), date(2023, 1, 5), resolver),
        (AppealOutcome.PENDING, date(2023, 5, 1), None, resolver),
        (AppealOutcome.UPHELD, date(2023, 2, 1), date(2023, 3, 1), above),  # not the bloc's
    ]
    for d, (outcome, filed, resolved, body) in zip(decisions, spec, strict=True):
        Appeal.objects.create(
            decision=d, filed_on=filed, resolver=body, outcome=outcome, resolved_on=resolved
        )
    ours = Appeal.objects.filter(resolver__unit__path__startswith=c.unit.path)
    resolved = ours.filter(resolved_on__range=(c.start, c.end)).exclude(outcome="")
    got = {
        k: c.figure("kyluat.khieu_nai", {"ket_qua": k}).value
        for k in ("giai_quyet", "upheld", "changed", "not_resolved", "da_nhan", "ton")
    }
    assert got == {
        "giai_quyet": resolved.count(),
        "upheld": resolved.filter(outcome="upheld").count(),
        "changed": resolved.filter(outcome="changed").count(),
        "not_resolved": resolved.filter(outcome="not_resolved").count(),
        "da_nhan": ours.filter(filed_on__range=(c.start, c.end)).count(),
        "ton": ours.filter(Q(outcome="") | Q(resolved_on__gt=c.end), filed_on__lte=c.end).count(),
    }
    assert (got["giai_quyet"], got["da_nhan"], got["ton"]) == (3, 3, 1)


@pytest.mark.django_db
def test_suspensions_started_in_the_period(demo):
    c = ctx(first=date(2023, 1, 1))
    cell = OrgUnit.objects.get(code="HA.DBK.001.01")
    member = Membership.objects.filter(unit=cell, ends_on__isnull=True).first().member
    body = Body.objects.get(unit__code="HA.DBK.001", kind=BodyKind.COMMITTEE)
    for day in (date(2023, 2, 1), date(2023, 3, 1), date(2022, 12, 1)):
        Suspension.objects.create(
            subject_unit=cell,
            member=member,
            body=body,
            starts_on=day,
            ends_on=day + timedelta(days=80),
            reason="Thử",
        )
    Suspension.objects.create(
        subject_kind="organisation",
        subject_unit=cell,
        body=body,
        starts_on=date(2023, 4, 1),
        ends_on=date(2023, 6, 1),
        reason="Thử",
    )
    rows = Suspension.objects.filter(
        subject_unit__path__startswith=c.unit.path, starts_on__range=(c.start, c.end)
    )
    assert c.figure("kyluat.dinh_chi", {}).value == rows.count() == 3
    assert c.figure("kyluat.dinh_chi", {"doi_tuong": "member"}).value == 2
    assert c.figure("kyluat.dinh_chi", {"doi_tuong": "organisation"}).value == 1
    assert ctx("HA.DBK.002", first=date(2023, 1, 1)).figure("kyluat.dinh_chi", {}).value == 0


# --- admissions and strike-offs -------------------------------------------------------------------


@pytest.mark.django_db
def test_admissions_in_the_period(demo):
    c = ctx(first=date(2022, 1, 1))
    admitted = (
        Membership.objects.filter(
            Q(ends_on__isnull=True) | Q(ends_on__gt=F("member__admitted_on")),
            unit__path__startswith=c.unit.path,
            member__voided_at__isnull=True,
            member__admitted_on__range=(c.start, c.end),
            starts_on__lte=F("member__admitted_on"),
        )
        .values("member_id")
        .distinct()
        .count()
    )
    assert c.figure("tochuc.ket_nap", {}).value == admitted > 0
    assert "vao-dang-tu=" in c.figure("tochuc.ket_nap", {}).url


@pytest.mark.django_db
def test_strike_offs_in_the_period(demo):
    c = ctx(first=date(2023, 1, 1))
    # the demo strikes no one off: end two registrations so (the figure reads the records only)
    registrations = list(
        Membership.objects.filter(
            unit__path__startswith=c.unit.path, ends_on__isnull=True, starts_on__lt="2022-01-01"
        ).order_by("pk")[:2]
    )
    days = (date(2023, 3, 1), date(2022, 6, 1))  # in the period, before it
    for m, day in zip(registrations, days, strict=True):
        Membership.objects.filter(pk=m.pk).update(ends_on=day, end_reason=MembershipEnd.STRUCK_OFF)
    struck = Membership.objects.filter(
        unit__path__startswith=c.unit.path,
        end_reason=MembershipEnd.STRUCK_OFF,
        ends_on__range=(c.start, c.end),
        member__voided_at__isnull=True,
    ).count()
    assert c.figure("tochuc.xoa_ten", {}).value == struck == 1


# --- the Biểu PTDL table --------------------------------------------------------------------------


def ptdl():
    return next(t for t in tables.load_tables() if t.key == "ptdl")


@pytest.mark.django_db
def test_ptdl_loads_validates_and_computes_without_flags(demo):
    t = ptdl()
    assert t.reconstruction and "LavieKAZ/ubkt-dashboard" in t.note
    for code in ("HA.DBK", "HA.DBK.001"):
        c = tables.compute(t, ctx(code))
        assert c.flags == []
        for row in c.rows:
            assert row.cells[0].source, row.key
    c = tables.compute(t, ctx())
    got = {r.key: r.cells[0].value for r in c.rows}
    compliance = subjects().filter(inspection__kind=InspectionKind.COMPLIANCE)
    assert got["a_kl_tot"] == compliance.filter(result=R.NO_SHORTCOMING).count()
    assert (
        got["a_kl_chuatot"] == compliance.filter(result__in=(R.SHORTCOMINGS, R.VIOLATION)).count()
    )
    assert (
        got["f_tong"]
        == 40
        == sum(got[k] for k in ("f_khien_trach", "f_canh_cao", "f_cach_chuc", "f_khai_tru"))
    )
    assert got["c_so_cuoc"] > 0 and got["a_dv_kt"] > 0
    # every source names the field of the form it fills
    assert all("bao-cao-ptdl.html" in r.source for r in t.rows)


@pytest.mark.django_db
def test_ptdl_members_disciplined_count_whoever_decided(demo):
    c = tables.compute(ptdl(), ctx())
    got = {r.key: r.cells[0].value for r in c.rows}
    members = _standing(ctx()).exclude(subject_kind=DisciplineSubject.ORGANISATION)
    assert got["f_canh_cao"] == members.filter(form="warning").count()


@pytest.mark.django_db
def test_ptdl_on_the_page_and_in_the_xlsx(client_as, demo):
    import io

    from django.urls import reverse
    from openpyxl import load_workbook

    client = client_as("ubkt_leader")
    q = {"ky": "khoang", "tu": start().strftime("%d/%m/%Y"), "den": "30/06/2023"}
    page = client.get(reverse("reports:unit", args=["HA.DBK"]), q).content.decode()
    assert "Biểu PTDL (cơ sở, hằng tháng)" in page and "bao-cao-ptdl.html" in page
    response = client.get(reverse("reports:xlsx", args=["HA.DBK"]), q)
    ws = load_workbook(io.BytesIO(response.content))["Biểu PTDL (cơ sở, hằng tháng)"]
    values = {r[0]: r[1] for r in ws.iter_rows(min_row=1, values_only=True) if r and r[0]}
    forms = ("Khiển trách", "Cảnh cáo", "Cách chức", "Khai trừ")
    parts = [v for k, v in values.items() if k.startswith("F. Thi hành") and k.endswith(forms)]
    assert len(parts) == 4
    assert values["F. Tổng thi hành kỷ luật (đảng viên)"] == sum(parts) == 40
