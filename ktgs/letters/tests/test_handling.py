"""Handling an accepted letter (accept, assign, steps, extensions, verdicts per item, reply,
links to inspections and discipline cases) and erasing a closed letter's filer identity. Every
refusal leaves nothing written."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from ktgs.accounts.access import visible_to
from ktgs.accounts.models import Assignment
from ktgs.audit.models import AuditEvent
from ktgs.discipline.choices import CaseOrigin
from ktgs.discipline.models import DisciplineCase
from ktgs.inspections import services as inspection_services
from ktgs.inspections.services import SubjectInput
from ktgs.letters import deadlines, handling, identity, services
from ktgs.letters.choices import CaseRelation, LetterStatus, LetterVerdict, StepKind
from ktgs.letters.models import Letter, LetterCase, LetterExtension, LetterItem, LetterStep
from ktgs.letters.tests.helpers import DAY, register, ubkt
from ktgs.orgs.models import Member, OrgUnit
from ktgs.rules.calendar import add_working_days

pytestmark = pytest.mark.django_db

CANARY = "Canaryfiler Zq"
QD21_DAY = date(2026, 5, 4)  # received under QĐ 21-QĐ/TW (11/4/2026): four verdicts per item


def _accused(demo) -> Member:
    return (
        Member.objects.live()
        .filter(current_unit__path__startswith=demo.bloc.path)
        .exclude(current_unit=demo.bloc)
        .order_by("code")
        .first()
    )


def _letter(demo, cast, **overrides) -> Letter:
    fields = {
        "filer": services.Filer(name=CANARY, citizen_id="001185009999"),
        "accused_members": [_accused(demo)],
        "items": ["Dùng xe công vào việc riêng", "Nhận quà biếu của nhà thầu"],
    }
    fields.update(overrides)
    return register(cast["inspector"], ubkt(demo.bloc), **fields).letter


def _scope(cast, role="inspector"):
    return visible_to(cast[role])


def _accept(demo, cast, letter=None, **overrides) -> Letter:
    letter = letter or _letter(demo, cast)
    fields = {
        "scope": _scope(cast),
        "letter": letter,
        "accepted_on": letter.received_on + timedelta(days=3),
        "number": "15-QĐ/UBKT",
        "handler": cast["inspector"],
        "team": [cast["ubkt_leader"]],
        "team_text": "Đồng chí Lê Văn Tổ, chuyên viên",
    }
    fields.update(overrides)
    return handling.letter_accept(**fields)


def _snapshot(letter: Letter):
    letter = Letter.objects.get(pk=letter.pk)
    return (
        letter.status,
        letter.version,
        LetterStep.objects.filter(letter=letter).count(),
        LetterExtension.objects.filter(letter=letter).count(),
        LetterCase.objects.filter(letter=letter).count(),
        list(LetterItem.objects.filter(letter=letter).values_list("verdict", "verdict_note")),
        (letter.handler_id, letter.due_on, letter.concluded_on, letter.replied_on),
        (letter.filer_name, letter.filer_name_index, letter.identity_erased_on),
        AuditEvent.objects.count(),
        DisciplineCase.objects.count(),
    )


def _refused(letter, call, key: str | None = "__all__", **kwargs) -> str:
    before = _snapshot(letter)
    with pytest.raises(ValidationError) as exc:
        call(letter=letter, **kwargs)
    assert _snapshot(letter) == before  # nothing written
    if key is None:
        return " ".join(exc.value.messages)
    assert key in exc.value.message_dict, exc.value.message_dict
    return " ".join(exc.value.message_dict[key])


def _no_canary_in_events():
    for event in AuditEvent.objects.all():
        assert CANARY.lower() not in f"{event.details} {event.changes}".lower()
        assert "001185009999" not in f"{event.details} {event.changes}"


# --- accept, assign -------------------------------------------------------------------------------


def test_accept_sets_handler_team_step_and_due_date(demo, cast):
    letter = _accept(demo, cast)
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ACCEPTED
    assert letter.handler == cast["inspector"]
    assert list(letter.team.all()) == [cast["ubkt_leader"]]
    assert letter.accept_number == "15-QĐ/UBKT"
    assert list(letter.steps.values_list("kind", "on")) == [
        (StepKind.DECIDED, DAY + timedelta(days=3))
    ]
    # a denunciation: 90 working days (QĐ 296 regime of 2 March 2026), counted from the start
    # day deadlines.py gives (receipt, or the acceptance it passes as the start)
    start = deadlines.deadline_of(letter).start
    assert start in (DAY, DAY + timedelta(days=3))
    assert letter.due_on == add_working_days(start, 90)
    assert "296" in letter.limit_citation
    event = AuditEvent.objects.get(action="letters.letter.accepted")
    assert event.details["handler"] == cast["inspector"].username
    _no_canary_in_events()


def test_accept_a_petition_without_a_time_limit(demo, cast):
    letter = _accept(demo, cast, _letter(demo, cast, kind="petition"))
    assert letter.status == LetterStatus.ACCEPTED and letter.due_on is None


def test_accept_refusals_write_nothing(demo, cast):
    letter = _letter(demo, cast)
    call = handling.letter_accept
    base = {"scope": _scope(cast), "number": "", "handler": cast["inspector"]}
    message = _refused(letter, call, "accepted_on", accepted_on=DAY - timedelta(days=1), **base)
    assert "trước ngày nhận đơn" in message
    future = timezone.localdate() + timedelta(days=2)
    assert "chưa đến" in _refused(letter, call, "accepted_on", accepted_on=future, **base)
    # the committee leader reads only: cannot be the handler
    base["handler"] = cast["committee_leader"]
    assert "không có vai trò" in _refused(letter, call, "handler", accepted_on=DAY, **base)
    base["handler"] = cast["inspector"]
    base["team"] = [cast["grassroots_officer"]]  # works below, not at the receiving unit
    _refused(letter, call, "team", accepted_on=DAY, **base)
    # accepted once; not twice
    _accept(demo, cast, letter)
    del base["team"]
    assert "chưa phân loại" in _refused(letter, call, accepted_on=DAY, **base)


def test_only_the_receiving_bodys_staff_handle(demo, cast):
    letter = _letter(demo, cast)
    before = _snapshot(letter)
    for role in ("grassroots_officer", "committee_leader", "sysadmin"):
        with pytest.raises(PermissionDenied):
            _accept(demo, cast, letter, scope=_scope(cast, role))
    assert _snapshot(letter) == before


def test_handler_among_the_accused_refused(demo, cast):
    # a letter accusing the bloc's own unit: nobody holding a non-UBKT role there may handle it
    letter = _letter(demo, cast, accused_members=[], accused_units=[demo.base_committee])
    officer = cast["grassroots_officer"]
    Assignment.objects.create(
        user=officer, unit=demo.bloc, role="inspector", starts_on=date(2015, 1, 5)
    )  # now also at the bloc, but still inside the accused đảng bộ: does not see the letter
    assert officer not in handling.handler_candidates(letter)
    _refused(
        letter,
        handling.letter_accept,
        "handler",
        scope=_scope(cast),
        accepted_on=DAY,
        handler=officer,
    )


def test_assign_another_handler(demo, cast):
    letter = _accept(demo, cast)
    handling.letter_assign(
        scope=_scope(cast), letter=letter, handler=cast["ubkt_leader"], on=DAY + timedelta(5)
    )
    letter.refresh_from_db()
    assert letter.handler == cast["ubkt_leader"]
    assert letter.steps.filter(kind=StepKind.ASSIGNED).count() == 1
    message = _refused(
        letter,
        handling.letter_assign,
        "handler",
        scope=_scope(cast),
        handler=cast["ubkt_leader"],
        on=DAY + timedelta(5),
    )
    assert "đang là người xử lý" in message


# --- steps, extensions ------------------------------------------------------------------------


def test_steps_dated_between_acceptance_and_today(demo, cast):
    letter = _letter(demo, cast)
    scope = _scope(cast)
    assert "chưa được thụ lý" in _refused(
        letter, handling.step_add, scope=scope, kind=StepKind.VERIFY, on=DAY
    )
    _accept(demo, cast, letter)
    step = handling.step_add(
        scope=scope, letter=letter, kind=StepKind.VERIFY, on=DAY + timedelta(10), note="Xác minh"
    )
    assert step.recorded_by == cast["inspector"] and step.note == "Xác minh"
    _refused(letter, handling.step_add, "on", scope=scope, kind=StepKind.VERIFY, on=DAY)
    future = timezone.localdate() + timedelta(days=1)
    _refused(letter, handling.step_add, "on", scope=scope, kind=StepKind.VERIFY, on=future)
    # the steps a service writes are not typed by hand
    _refused(letter, handling.step_add, "kind", scope=scope, kind=StepKind.CONCLUDED, on=DAY)


def test_extension_within_the_cap_moves_the_due_date(demo, cast):
    letter = _accept(demo, cast)
    scope = _scope(cast)
    handling.extension_grant(
        scope=scope, letter=letter, granted_on=DAY + timedelta(30), days=20, reason="Phức tạp"
    )
    letter.refresh_from_db()
    start = deadlines.deadline_of(letter).start
    assert letter.due_on == add_working_days(start, 110)
    assert letter.steps.filter(kind=StepKind.EXTENDED).count() == 1
    message = _refused(
        letter,
        handling.extension_grant,
        "days",
        scope=scope,
        granted_on=DAY + timedelta(31),
        days=11,
        reason="Thêm nữa",
    )
    assert "vượt mức tối đa 30" in message and "296" in message
    handling.extension_grant(
        scope=scope, letter=letter, granted_on=DAY + timedelta(31), days=10, reason="Lần cuối"
    )
    letter.refresh_from_db()
    assert letter.due_on == add_working_days(start, 120)


def test_extension_refusals(demo, cast):
    scope = _scope(cast)
    letter = _letter(demo, cast)
    _refused(letter, handling.extension_grant, scope=scope, granted_on=DAY, days=5, reason="x")
    petition = _accept(demo, cast, _letter(demo, cast, kind="petition"))
    message = _refused(
        petition,
        handling.extension_grant,
        "days",
        scope=scope,
        granted_on=DAY + timedelta(4),
        days=5,
        reason="x",
    )
    assert "không có thời hạn" in message
    complaint = _accept(demo, cast, _letter(demo, cast, kind="complaint"))
    message = _refused(
        complaint,
        handling.extension_grant,
        "days",
        scope=scope,
        granted_on=DAY + timedelta(4),
        days=5,
        reason="x",
    )
    assert "không cho gia hạn" in message


# --- verdicts, conclusion, reply ----------------------------------------------------------------


def _conclude(letter, scope, verdicts, **kwargs):
    items = list(letter.items.order_by("position"))
    fields = {
        "scope": scope,
        "letter": letter,
        "verdicts": {item.pk: v for item, v in zip(items, verdicts, strict=True)},
        "concluded_on": letter.received_on + timedelta(days=40),
        "number": "20-TB/UBKT",
        "conclusion": "Kết luận: một nội dung đúng, một nội dung sai.",
    }
    fields.update(kwargs)
    return handling.items_conclude(**fields)


def test_verdict_on_a_letter_not_accepted_refused(demo, cast):
    letter = _letter(demo, cast)
    items = {i.pk: "true" for i in letter.items.all()}
    message = _refused(
        letter,
        handling.items_conclude,
        scope=_scope(cast),
        verdicts=items,
        concluded_on=DAY,
        conclusion="x",
    )
    assert "chưa được thụ lý" in message


def test_qd21_four_verdicts_and_the_letters_figure(demo, cast):
    letter = _accept(demo, cast, _letter(demo, cast, received_on=QD21_DAY))
    scope = _scope(cast)
    assert handling.verdict_choices_for(letter).choices == (
        "false",
        "unfounded",
        "true_shortcoming",
        "true_violation",
    )
    # "true" is the older regimes' verdict: not a choice for a letter received under QĐ 21
    items = list(letter.items.order_by("position"))
    message = _refused(
        letter,
        handling.items_conclude,
        f"verdict_{items[0].pk}",
        scope=scope,
        verdicts={items[0].pk: "true"},
        concluded_on=QD21_DAY + timedelta(5),
    )
    assert "21-QĐ/TW" in message
    # one item first: the letter stays accepted
    handling.items_conclude(
        scope=scope,
        letter=letter,
        verdicts={items[0].pk: LetterVerdict.TRUE_VIOLATION},
        concluded_on=QD21_DAY + timedelta(5),
    )
    letter.refresh_from_db()
    assert letter.status == LetterStatus.ACCEPTED and handling.verdict_of(letter) == ""
    # the second: concluded, "đúng một phần"
    _conclude(letter, scope, [LetterVerdict.TRUE_VIOLATION, LetterVerdict.FALSE])
    letter.refresh_from_db()
    assert letter.status == LetterStatus.CONCLUDED
    assert letter.concluded_on == QD21_DAY + timedelta(40)
    assert handling.verdict_of(letter) == LetterVerdict.PARTLY_TRUE
    assert letter.steps.filter(kind=StepKind.CONCLUDED).count() == 1
    event = AuditEvent.objects.get(action="letters.letter.concluded")
    assert event.details["letter_verdict"] == LetterVerdict.PARTLY_TRUE
    assert "Kết luận" not in str(event.details)  # no free text in the trail
    _no_canary_in_events()


def test_older_regime_true_false_per_item(demo, cast):
    letter = _accept(demo, cast)  # received 2 March 2026: QĐ 296, true / false
    assert handling.verdict_choices_for(letter).choices == ("true", "false")
    _conclude(letter, _scope(cast), ["true", "true"])
    letter.refresh_from_db()
    assert handling.verdict_of(letter) == LetterVerdict.TRUE
    with pytest.raises(ValidationError):
        _conclude(
            _accept(demo, cast), _scope(cast), [LetterVerdict.TRUE_VIOLATION, LetterVerdict.FALSE]
        )


def test_conclusion_text_needed_when_every_item_has_its_verdict(demo, cast):
    letter = _accept(demo, cast)
    items = {i.pk: "false" for i in letter.items.all()}
    _refused(
        letter,
        handling.items_conclude,
        "conclusion",
        scope=_scope(cast),
        verdicts=items,
        concluded_on=DAY + timedelta(20),
    )


def test_reply_only_after_the_verdicts(demo, cast):
    letter = _accept(demo, cast)
    scope = _scope(cast)
    message = _refused(
        letter, handling.reply_record, scope=scope, replied_on=DAY + timedelta(50), reply="Kết quả"
    )
    assert "chưa có kết luận" in message
    _conclude(letter, scope, ["true", "false"])
    _refused(
        letter,
        handling.reply_record,
        "replied_on",
        scope=scope,
        replied_on=DAY + timedelta(39),
        reply="Kết quả",
    )
    handling.reply_record(
        scope=scope, letter=letter, replied_on=DAY + timedelta(45), reply="Đã thông báo kết quả"
    )
    letter.refresh_from_db()
    assert letter.replied_on == DAY + timedelta(45)
    assert letter.steps.filter(kind=StepKind.REPLIED).count() == 1


# --- inspections and discipline cases ---------------------------------------------------------


def _inspection(unit_code: str, subject_code: str):
    from ktgs.orgs.models import Body

    return inspection_services.inspection_create(
        body=Body.objects.get(unit__code=unit_code, kind="inspection"),
        kind="supervision_thematic",
        decided_on=DAY,
        decision_number="77-QĐ/UBKT",
        topic="Giám sát chuyên đề từ đơn",
        subjects=[SubjectInput(unit=OrgUnit.objects.get(code=subject_code))],
    )


def test_link_to_a_visible_inspection(demo, cast):
    letter = _accept(demo, cast)
    scope = _scope(cast)
    inspection = _inspection(demo.bloc.code, demo.base_committee.code)
    link = handling.case_link(
        scope=scope, letter=letter, relation=CaseRelation.INFORMATION, inspection=inspection
    )
    assert link.inspection == inspection
    assert handling.cases_visible(scope, letter) == [link]
    _refused(
        letter,
        handling.case_link,
        "target",
        scope=scope,
        relation=CaseRelation.LED_TO,
        inspection=inspection,
    )
    # an inspection in another branch of the province, outside the user's scope: "not found"
    from ktgs.orgs.models import Body

    body = next(
        b
        for b in Body.objects.filter(kind="inspection", unit__path__startswith=demo.province.path)
        .exclude(unit__path__startswith=demo.bloc.path)
        .exclude(unit=demo.province)
        .select_related("unit")
        .order_by("unit__path")
        if OrgUnit.objects.filter(path__startswith=b.unit.path).exclude(pk=b.unit_id).exists()
    )
    child = (
        OrgUnit.objects.filter(path__startswith=body.unit.path)
        .exclude(pk=body.unit_id)
        .order_by("path")
        .first()
    )
    outside = _inspection(body.unit.code, child.code)
    assert not scope.sees(outside)
    _refused(
        letter,
        handling.case_link,
        "target",
        scope=scope,
        relation=CaseRelation.LED_TO,
        inspection=outside,
    )


def test_open_a_discipline_case_from_the_letter(demo, cast):
    letter = _accept(demo, cast)
    scope = _scope(cast)
    member = letter.accused_members.get()
    body = ubkt(demo.bloc)
    stranger = (
        Member.objects.live()
        .exclude(pk=member.pk)
        .filter(current_unit__path__startswith=demo.bloc.path)[0]
    )
    _refused(
        letter,
        handling.discipline_case_open_from_letter,
        "subject",
        scope=scope,
        body=body,
        opened_on=DAY + timedelta(20),
        member=stranger,
    )
    case = handling.discipline_case_open_from_letter(
        scope=scope, letter=letter, body=body, opened_on=DAY + timedelta(20), member=member
    )
    assert case.origin == CaseOrigin.LETTER and case.member == member
    assert LetterCase.objects.get(letter=letter).relation == CaseRelation.LED_TO
    assert AuditEvent.objects.filter(action="discipline.case.opened").exists()


def test_accused_keeps_every_right_while_the_letter_is_handled(demo, cast):
    letter = _letter(demo, cast)
    member = letter.accused_members.get()

    def state():
        m = Member.objects.get(pk=member.pk)
        rows = {}
        for rel in m._meta.related_objects:
            if rel.one_to_many and rel.related_model._meta.app_label == "orgs":
                accessor = rel.get_accessor_name()
                rows[accessor] = sorted(
                    tuple(sorted((k, str(v)) for k, v in row.items()))
                    for row in getattr(m, accessor).values()
                )
        fields = {f.attname: getattr(m, f.attname) for f in m._meta.concrete_fields}
        return fields, rows

    before = state()
    assert before[1], "the member has membership rows to compare"
    letter = _accept(demo, cast, letter)
    handling.step_add(
        scope=_scope(cast), letter=letter, kind=StepKind.ACCUSED, on=DAY + timedelta(8)
    )
    handling.extension_grant(
        scope=_scope(cast), letter=letter, granted_on=DAY + timedelta(9), days=5, reason="Cần"
    )
    assert state() == before


# --- retention ------------------------------------------------------------------------------------


def _closed(demo, cast) -> Letter:
    letter = _accept(demo, cast)
    _conclude(letter, _scope(cast), ["false", "false"])
    letter.refresh_from_db()
    return letter


def _erase(letter, scope, **kwargs):
    fields = {"decision": "Quyết định số 3-QĐ/UBKT", "on": timezone.localdate()}
    fields.update(kwargs)
    return handling.identity_erase(scope=scope, letter=letter, **fields)


def test_erase_clears_identity_keeps_the_letter(demo, cast):
    letter = _closed(demo, cast)
    leader = _scope(cast, "ubkt_leader")
    _erase(letter, leader)
    row = Letter.objects.get(pk=letter.pk)
    assert (row.filer_name, row.filer_address, row.filer_phone, row.filer_citizen_id) == ("",) * 4
    assert (row.filer_name_index, row.filer_id_index) == ("", "")
    assert row.identity_erased_on == timezone.localdate()
    assert row.identity_erased_by == cast["ubkt_leader"]
    assert row.status == LetterStatus.CONCLUDED and row.items.count() == 2
    assert handling.verdict_of(row) == LetterVerdict.FALSE  # the figures stay
    # nothing left to show: no "view" offered, none recorded
    assert identity.identity_read(leader, row) is None
    assert not AuditEvent.objects.filter(action="letters.letter.identity_viewed").exists()
    event = AuditEvent.objects.get(action="letters.letter.identity_erased")
    assert event.details["filer_was_given"] is True
    _no_canary_in_events()
    assert "đã được xóa" in _refused(row, _erase, scope=leader)


def test_erase_only_by_the_receiving_units_ubkt_leader(demo, cast):
    letter = _closed(demo, cast)
    before = _snapshot(letter)
    for role in ("inspector", "committee_leader", "grassroots_officer"):
        with pytest.raises(PermissionDenied):
            _erase(letter, _scope(cast, role))
    assert _snapshot(letter) == before


def test_erase_refused_while_open_or_linked(demo, cast):
    leader = _scope(cast, "ubkt_leader")
    pending = _accept(demo, cast)
    assert "chưa xử lý xong" in _refused(pending, _erase, scope=leader)
    # concluded, but it led to a discipline case not yet decided
    letter = _closed(demo, cast)
    handling.discipline_case_open_from_letter(
        scope=_scope(cast),
        letter=letter,
        body=ubkt(demo.bloc),
        opened_on=DAY + timedelta(45),
        member=letter.accused_members.get(),
    )
    assert "vụ việc kỷ luật chưa có quyết định" in _refused(letter, _erase, scope=leader)
    # concluded, linked to an inspection not concluded
    other = _closed(demo, cast)
    handling.case_link(
        scope=_scope(cast),
        letter=other,
        relation=CaseRelation.INFORMATION,
        inspection=_inspection(demo.bloc.code, demo.base_committee.code),
    )
    assert "kiểm tra, giám sát chưa kết luận" in _refused(other, _erase, scope=leader)
    # concluded, with a later letter repeating it
    third = _closed(demo, cast)
    later = _letter(demo, cast, summary="Đơn lặp lại hoàn toàn khác biệt về nội dung")
    Letter.objects.filter(pk=later.pk).update(repeat_of=third)
    assert "lặp lại" in _refused(third, _erase, scope=leader)


def test_erase_decision_and_date_checked(demo, cast):
    letter = _closed(demo, cast)
    leader = _scope(cast, "ubkt_leader")
    _refused(letter, _erase, "decision", scope=leader, decision="  ")
    _refused(letter, _erase, "on", scope=leader, on=letter.concluded_on - timedelta(days=1))


# --- pages ------------------------------------------------------------------------------------------


def test_pages_accept_conclude_reply(demo, cast, client_as):
    letter = _letter(demo, cast)
    client = client_as("inspector")
    detail = reverse("letters:detail", args=[letter.pk])
    page = client.get(detail).content.decode()
    assert reverse("letters:accept", args=[letter.pk]) in page
    url = reverse("letters:accept", args=[letter.pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"accepted_on": "01/03/2026", "handler": cast["inspector"].pk})
    assert bad.status_code == 200 and "trước ngày nhận đơn" in bad.content.decode()
    assert Letter.objects.get(pk=letter.pk).status == LetterStatus.REGISTERED
    done = client.post(
        url,
        {"accepted_on": "05/03/2026", "handler": cast["inspector"].pk, "number": "9-QĐ"},
    )
    assert done.status_code == 302
    items = list(letter.items.order_by("position"))
    post = {f"verdict_{i.pk}": "true" for i in items}
    post |= {"concluded_on": "10/04/2026", "conclusion": "Tố cáo đúng."}
    assert client.post(reverse("letters:conclude", args=[letter.pk]), post).status_code == 302
    reply = {"replied_on": "15/04/2026", "reply": "Đã thông báo."}
    assert client.post(reverse("letters:reply", args=[letter.pk]), reply).status_code == 302
    page = client.get(detail).content.decode()
    assert "Tố cáo đúng" in page and "Đã thông báo." in page and "9-QĐ" in page
    assert CANARY not in page


def test_pages_refuse_the_unauthorised(demo, cast, client_as):
    letter = _closed(demo, cast)
    names = ["accept", "assign", "step_add", "extend", "conclude", "reply", "case_link"]
    names += ["case_open"]
    committee = client_as("committee_leader")
    for name in names:
        assert committee.get(reverse(f"letters:{name}", args=[letter.pk])).status_code == 403
    erase = reverse("letters:erase", args=[letter.pk])
    assert client_as("inspector").get(erase).status_code == 403
    leader = client_as("ubkt_leader")
    assert leader.get(erase).status_code == 200
    posted = leader.post(
        erase, {"decision": "QĐ số 4", "on": timezone.localdate().strftime("%d/%m/%Y")}
    )
    assert posted.status_code == 200  # the confirmation box not ticked: nothing erased
    assert Letter.objects.get(pk=letter.pk).identity_erased_on is None
    posted = leader.post(
        erase,
        {"decision": "QĐ số 4", "on": timezone.localdate().strftime("%d/%m/%Y"), "confirm": "on"},
    )
    assert posted.status_code == 302
    assert Letter.objects.get(pk=letter.pk).filer_name == ""


def test_page_open_a_case_and_link(demo, cast, client_as):
    letter = _accept(demo, cast)
    client = client_as("inspector")
    member = letter.accused_members.get()
    url = reverse("letters:case_open", args=[letter.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {"body": ubkt(demo.bloc).pk, "subject": f"m{member.pk}", "opened_on": "20/03/2026"},
    )
    assert response.status_code == 302
    case = DisciplineCase.objects.get(origin=CaseOrigin.LETTER, member=member)
    assert response["Location"] == reverse("cases:detail", args=[case.pk])
    inspection = _inspection(demo.bloc.code, demo.base_committee.code)
    url = reverse("letters:case_link", args=[letter.pk])
    assert f"i{inspection.pk}" in client.get(url).content.decode()
    response = client.post(url, {"target": f"i{inspection.pk}", "relation": "information"})
    assert response.status_code == 302
    page = client.get(reverse("letters:detail", args=[letter.pk])).content.decode()
    assert reverse("cases:detail", args=[case.pk]) in page
    assert reverse("inspections:detail", args=[inspection.pk]) in page


def test_no_handling_page_shows_the_filer(demo, cast, client_as):
    letter = _accept(demo, cast)
    names = ["accept", "assign", "step_add", "extend", "conclude", "reply", "case_link"]
    names += ["case_open", "erase", "detail"]
    seen = 0
    for role in ("sysadmin", "ubkt_leader", "inspector", "grassroots_officer", "committee_leader"):
        client = client_as(role)
        for name in names:
            response = client.get(reverse(f"letters:{name}", args=[letter.pk]))
            html = response.content.decode()
            seen += response.status_code == 200
            assert CANARY not in html and "001185009999" not in html, (role, name)
    assert seen >= 10  # the pages were really rendered for the bloc's staff
