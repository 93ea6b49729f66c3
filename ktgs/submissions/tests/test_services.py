"""Submission, requests, closing and reopening a period (docs/submissions.md)."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from ktgs.accounts.access import visible_to
from ktgs.audit.models import AuditEvent
from ktgs.core.models import OfficeSetting
from ktgs.inspections.models import Inspection
from ktgs.inspections.services import inspection_void
from ktgs.orgs.models import OrgUnit
from ktgs.reports.periods import DEADLINE_KEY, UnitPeriods
from ktgs.submissions import services
from ktgs.submissions.models import PeriodClosure, ReportRequest, Submission

pytestmark = pytest.mark.django_db


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


def half_2023(u: OrgUnit):
    return services.period_slot(UnitPeriods(u).year_to_date("6-thang", 2023))


def submit(cast, code="HA.DBK.001", role="grassroots_officer"):
    u = unit(code)
    return services.submit(scope=visible_to(cast[role]), unit=u, slot=half_2023(u), user=cast[role])


def test_a_submission_freezes_every_cell_and_the_figures_it_read(cast):
    sub = submit(cast)
    assert sub.version == 1 and sub.superseded_at is None
    assert "ktgs_chu_the" in sub.tables
    assert all(
        isinstance(v, int) for row in sub.tables["ktgs_chu_the"].values() for v in row.values()
    )
    assert sub.figures and {"key", "params", "value", "label"} <= set(sub.figures[0])
    event = AuditEvent.objects.get(action="submissions.submitted")
    assert event.details["version"] == 1 and event.details["superior"] == "HA.DBK"
    assert sub.audit_seq == event.seq and sub.audit_hash == event.hash


def test_a_resubmission_is_a_new_version_and_supersedes_the_old(cast):
    first = submit(cast)
    second = submit(cast)
    first.refresh_from_db()
    assert (first.version, second.version) == (1, 2)
    assert first.superseded_at is not None and second.superseded_at is None
    assert Submission.objects.filter(unit=first.unit, superseded_at__isnull=True).count() == 1


def test_a_unit_without_records_change_may_not_submit(cast):
    with pytest.raises(PermissionDenied):
        submit(cast, role="committee_leader")
    assert not Submission.objects.exists()


def test_closing_with_units_missing_needs_a_reason_and_records_them(cast):
    bloc = unit("HA.DBK")
    slot = half_2023(bloc)
    submit(cast)
    scope = visible_to(cast["inspector"])
    with pytest.raises(ValidationError) as refused:
        services.close(scope=scope, unit=bloc, slot=slot, user=cast["inspector"])
    assert "chưa nộp báo cáo" in str(refused.value) and "ghi lý do" in str(refused.value)
    assert not PeriodClosure.objects.exists()
    closure = services.close(
        scope=scope, unit=bloc, slot=slot, override_reason="Quá hạn lâu", user=cast["inspector"]
    )
    expected = {u.code for u in services.must_report(bloc, slot)} - {"HA.DBK.001"}
    assert {m["code"] for m in closure.missing} == expected
    assert closure.override_reason == "Quá hạn lâu"
    assert [i["unit"] for i in closure.included] == [unit("HA.DBK.001").pk]
    # nothing changed since the submission: the report from the submissions is the records'
    assert closure.tables == closure.own_tables
    assert services.closure_flags(closure) == []


def test_a_closed_period_refuses_a_submission_until_reopened(cast):
    bloc = unit("HA.DBK")
    scope = visible_to(cast["inspector"])
    closure = services.close(
        scope=scope, unit=bloc, slot=half_2023(bloc), override_reason="x", user=cast["inspector"]
    )
    with pytest.raises(ValidationError) as refused:
        submit(cast)
    assert "đã chốt kỳ" in str(refused.value)
    assert not Submission.objects.exists()
    with pytest.raises(ValidationError):
        services.reopen(scope=scope, closure=closure, reason="  ", user=cast["inspector"])
    services.reopen(
        scope=scope, closure=closure, reason="Đơn vị xin nộp bổ sung", user=cast["inspector"]
    )
    assert submit(cast).version == 1
    closure.refresh_from_db()
    assert closure.reopened_at and closure.reopen_reason == "Đơn vị xin nộp bổ sung"
    # closing again is a new row: the history stays
    services.close(
        scope=scope, unit=bloc, slot=half_2023(bloc), override_reason="x", user=cast["inspector"]
    )
    assert PeriodClosure.objects.filter(unit=bloc).count() == 2


def year_2022(u: OrgUnit):
    return services.period_slot(UnitPeriods(u).year_to_date("nam", 2022))


def _with_inspection(bloc: OrgUnit) -> tuple[OrgUnit, Inspection]:
    """A direct sub-unit of the bloc whose bodies decided an inspection in 2022, and that one."""
    children = {u.pk: u for u in services.must_report(bloc, year_2022(bloc))}
    found = (
        Inspection.objects.filter(voided_at__isnull=True, decided_on__year=2022, unit__in=children)
        .order_by("pk")
        .first()
    )
    assert found is not None, "the demo has an inspection of a grassroots body in 2022"
    return children[found.unit_id], found


def _submit_2022(cast, u: OrgUnit) -> Submission:
    return services.submit(
        scope=visible_to(cast["inspector"]), unit=u, slot=year_2022(u), user=cast["inspector"]
    )


def _close_2022(cast, bloc: OrgUnit) -> PeriodClosure:
    return services.close(
        scope=visible_to(cast["inspector"]),
        unit=bloc,
        slot=year_2022(bloc),
        override_reason="x",
        user=cast["inspector"],
    )


def _void(inspection: Inspection) -> None:
    Inspection.objects.filter(pk=inspection.pk).update(voided_at=timezone.now())


def test_a_record_changed_after_closing_is_flagged_with_its_link(cast):
    bloc = unit("HA.DBK")
    child, inspection = _with_inspection(bloc)
    _submit_2022(cast, child)
    closure = _close_2022(cast, bloc)
    assert services.closure_flags(closure) == []
    inspection_void(inspection, reason="Ghi nhầm")  # through the service: audited
    flags = services.closure_flags(closure)
    assert {f.unit.code for f in flags} == {child.code, bloc.code}  # its figure and the bloc's
    assert all(" → " in text for f in flags for text, _url in f.changes)
    assert all(url for f in flags for _text, url in f.changes)
    # by whom: the audit event of the voiding, under the sub-unit's flag (and the bloc's)
    for f in flags:
        assert [e.target_id for e in f.events if e.action == "inspections.inspection.voided"] == [
            str(inspection.pk)
        ]


def test_the_bloc_report_is_computed_from_the_submitted_figures(cast):
    """A record changed between the submission and the closure: the closure's report keeps the
    submitted figure (records − the sub-unit's records + what it submitted), the additive cells
    only."""
    bloc = unit("HA.DBK")
    child, inspection = _with_inspection(bloc)
    sub = _submit_2022(cast, child)
    _void(inspection)
    closure = _close_2022(cast, bloc)
    now = services.freeze(child, sub.starts_on, sub.ends_on)[0]
    diffs = [
        (t, r, c)
        for t, rows in closure.tables.items()
        for r, cells in rows.items()
        for c, v in cells.items()
        if v != closure.own_tables[t][r][c]
    ]
    assert ("ktgs_chu_the", "tong") in {(t, r) for t, r, _c in diffs}
    for t, r, c in diffs:
        assert closure.tables[t][r][c] - closure.own_tables[t][r][c] == (
            sub.tables[t][r][c] - now[t][r][c]
        )
        assert closure.tables[t][r][c] > closure.own_tables[t][r][c]  # the voided one counts
    # organisations and members on the last day are not additive: the records' figure stays
    assert closure.tables["to_chuc"] == closure.own_tables["to_chuc"]


def test_a_request_refuses_a_deadline_before_the_end_and_units_outside_scope(cast):
    bloc = unit("HA.DBK")
    scope = visible_to(cast["inspector"])
    kwargs = dict(
        scope=scope,
        unit=bloc,
        title="Báo cáo chuyên đề",
        start=date(2023, 1, 1),
        end=date(2023, 6, 30),
        user=cast["inspector"],
    )
    with pytest.raises(ValidationError) as refused:
        services.request_create(
            recipients=[unit("HA.DBK.001")], deadline=date(2023, 6, 29), **kwargs
        )
    assert "Hạn nộp" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        services.request_create(
            recipients=[unit("HA.CQD.001")], deadline=date(2023, 7, 10), **kwargs
        )
    assert "không thuộc" in str(refused.value)
    assert not ReportRequest.objects.exists()
    req = services.request_create(
        recipients=[unit("HA.DBK.001")], deadline=date(2023, 7, 10), **kwargs
    )
    slot = services.request_slot(req)
    sub = services.submit(
        scope=visible_to(cast["grassroots_officer"]),
        unit=unit("HA.DBK.001"),
        slot=slot,
        user=cast["grassroots_officer"],
    )
    assert sub.request == req and sub.slot == f"yeu-cau:{req.pk}"
    with pytest.raises(ValidationError):  # not a recipient
        services.submit(
            scope=visible_to(cast["inspector"]),
            unit=unit("HA.DBK.002"),
            slot=slot,
            user=cast["inspector"],
        )


def test_statuses_and_a_reminder_by_e_mail(cast, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_HOST = "mail.example"
    OfficeSetting.objects.update_or_create(key=DEADLINE_KEY, defaults={"value": {"6-thang": 5}})
    officer = cast["grassroots_officer"]
    officer.email = "coso@example.vn"
    officer.save(update_fields=["email"])
    bloc, late, done = unit("HA.DBK"), unit("HA.DBK.001"), unit("HA.DBK.002")
    slot = half_2023(bloc)
    scope = visible_to(cast["inspector"])
    services.submit(scope=scope, unit=done, slot=slot, user=cast["inspector"])
    rows = {s.unit.code: s for s in services.statuses(bloc, slot)}
    assert rows[done.code].text.startswith("đã nộp v1")
    assert rows[late.code].text == "quá hạn" and rows[late.code].late
    with pytest.raises(ValidationError):  # already submitted: no reminder
        services.remind(scope=scope, superior=bloc, unit=done, slot=slot, user=cast["inspector"])
    with pytest.raises(PermissionDenied):  # the grassroots unit does not remind its superior
        services.remind(
            scope=visible_to(officer), superior=bloc, unit=late, slot=slot, user=officer
        )
    with django_capture_on_commit_callbacks(execute=True):
        reminder = services.remind(
            scope=scope, superior=bloc, unit=late, slot=slot, user=cast["inspector"]
        )
    assert reminder.emailed == 1
    assert [m.to for m in mail.outbox] == [["coso@example.vn"]]
    assert "6 tháng đầu năm 2023" in mail.outbox[0].subject
    rows = {s.unit.code: s for s in services.statuses(bloc, slot)}
    assert rows[late.code].reminded == reminder


def test_no_mail_server_no_e_mail(cast, settings):
    settings.EMAIL_HOST = ""
    officer = cast["grassroots_officer"]
    officer.email = "coso@example.vn"
    officer.save(update_fields=["email"])
    bloc = unit("HA.DBK")
    reminder = services.remind(
        scope=visible_to(cast["inspector"]),
        superior=bloc,
        unit=unit("HA.DBK.001"),
        slot=half_2023(bloc),
        user=cast["inspector"],
    )
    assert reminder.emailed == 0 and mail.outbox == []
