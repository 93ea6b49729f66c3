"""Routing a registered letter by the rules in force on the day it was received: each outcome,
each refusal (nothing saved), the forwarding note without the filer, audit events without the
filer."""

import io
import json
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from docx import Document

from ktgs.accounts.access import visible_to
from ktgs.audit.models import AuditEvent
from ktgs.discipline.models import Appeal
from ktgs.discipline.tests.test_appeals import cell_warning
from ktgs.documents.printing import document_text
from ktgs.letters import routing, services
from ktgs.letters.models import Letter, LetterLink
from ktgs.letters.tests.helpers import DAY, register, ubkt
from ktgs.orgs.models import Body
from ktgs.rules import letters as rules

pytestmark = pytest.mark.django_db

# A filer no page, note or event may ever show (not a demo name).
CANARY = services.Filer(
    name="Khúc Thị Diệu Quyên Ưxy",
    address="Ngõ Canary 77, phường Thử Định Tuyến",
    phone="0977 000 111",
    citizen_id="001299088877",
)
CANARY_BITS = ("Diệu Quyên", "Canary 77", "0977 000 111", "001299088877", "dieu quyen")


def _scope(cast, role="inspector"):
    return visible_to(cast[role])


def _refused(call, key: str, **kwargs) -> str:
    letters = list(Letter.objects.values_list("pk", "status", "routed_on", "routing_citation"))
    events, appeals = AuditEvent.objects.count(), Appeal.objects.count()
    with pytest.raises(ValidationError) as exc:
        call(**kwargs)
    assert key in exc.value.message_dict, exc.value.message_dict
    assert list(Letter.objects.values_list("pk", "status", "routed_on", "routing_citation")) == (
        letters
    )
    assert AuditEvent.objects.count() == events and Appeal.objects.count() == appeals
    return " ".join(exc.value.message_dict[key])


def _routed_event(letter) -> AuditEvent:
    return AuditEvent.objects.get(action="letters.letter.routed", target_id=str(letter.pk))


def _no_canary(text: str) -> None:
    folded = text.lower()
    for bit in CANARY_BITS:
        assert bit.lower() not in folded


# --- the rules in force on the received date ----------------------------------------------------


def test_a_letter_received_before_the_pack_is_registered_with_the_not_computed_warning(demo, cast):
    old = register(cast["inspector"], ubkt(demo.bloc), received_on=date(2015, 5, 4))
    assert old.warnings == [rules.not_computed_warning()]
    assert old.letter.pk and old.letter.status == "registered"
    assert register(cast["inspector"], ubkt(demo.bloc)).warnings == []
    assert services.rules_on(DAY, ubkt(demo.bloc)).received_on == DAY
    assert routing.eligibility(old.letter).not_computed == rules.not_computed_warning()


def test_a_gap_in_the_pack_is_a_warning_not_a_refusal(demo, cast, monkeypatch):
    from ktgs.rules.lookup import RuleNotInForce

    def gap(*args, **kwargs):
        raise RuleNotInForce("Bộ quy tắc đơn thư thiếu dòng cho ngày 02/03/2026.")

    monkeypatch.setattr(rules, "letter_rules_on", gap)
    done = register(cast["inspector"], ubkt(demo.bloc))
    assert done.letter.pk and done.warnings == [
        "Bộ quy tắc đơn thư thiếu dòng cho ngày 02/03/2026."
    ]


def test_eligibility_shows_the_grounds_the_record_already_shows_with_their_rule(demo, cast):
    body = ubkt(demo.bloc)
    anonymous = register(
        cast["inspector"], body, anonymous=True, filer=services.Filer(), summary="Nặc danh A"
    ).letter
    no_address = register(
        cast["inspector"], body, filer=services.Filer(name="Lê Văn Thử"), summary="Không địa chỉ"
    ).letter
    full = register(cast["inspector"], body, filer=CANARY, summary="Đầy đủ thông tin B").letter
    grounds = rules.grounds_not_considered(DAY, "denunciation")
    check = routing.eligibility(anonymous)
    assert [s.ground for s in check.suggested] == ["anonymous"]
    assert check.grounds.citation == grounds.citation and check.ground_choices == grounds.choices
    assert check.anonymous_specific.action == "information" and check.mixed.text
    assert [s.ground for s in routing.eligibility(no_address).suggested] == ["no_address"]
    assert routing.eligibility(full).suggested == []
    # an earlier linked letter already concluded: the "already concluded" ground is suggested
    Letter.objects.filter(pk=full.pk).update(status="concluded")
    LetterLink.objects.get_or_create(letter=no_address, earlier=full)
    suggested = routing.eligibility(no_address).suggested
    assert [s.ground for s in suggested] == ["no_address", "already_concluded"]
    assert f"Đơn số {full.number}/{full.year}" in suggested[1].why


# --- the outcomes ----------------------------------------------------------------------------


def test_not_considered_on_a_ground_of_the_pack(demo, cast):
    letter = register(cast["inspector"], ubkt(demo.bloc), filer=CANARY).letter
    done = routing.route_not_considered(
        scope=_scope(cast), letter=letter, ground="unclear_content", on=date(2026, 3, 5)
    )
    done.refresh_from_db()
    grounds = rules.grounds_not_considered(DAY, "denunciation")
    assert (done.status, done.ground, done.routed_on) == (
        "not_considered",
        "unclear_content",
        date(2026, 3, 5),
    )
    assert done.routing_citation == grounds.citation and done.version == 2
    event = _routed_event(done)
    assert event.details["ground"] == "unclear_content" and event.details["status"] == (
        "not_considered"
    )
    _no_canary(json.dumps(event.details, ensure_ascii=False))


def test_a_ground_not_in_the_pack_on_the_received_date_is_refused_listing_the_allowed(demo, cast):
    letter = register(cast["inspector"], ubkt(demo.bloc)).letter
    # "đã có thông báo không xem xét" is a ground from 11/4/2026 (QĐ 21) only; "late" is a
    # complaint's ground
    for ground in ("non_consideration_notified", "late", "nonsense"):
        message = _refused(
            routing.route_not_considered,
            "ground",
            scope=_scope(cast),
            letter=letter,
            ground=ground,
        )
        assert "Không rõ nội dung, nội dung không cụ thể" in message
        assert "02/03/2026" in message
    later = register(cast["inspector"], ubkt(demo.bloc), received_on=date(2026, 5, 4)).letter
    done = routing.route_not_considered(
        scope=_scope(cast), letter=later, ground="non_consideration_notified"
    )
    assert done.status == "not_considered"


def test_a_routed_letter_is_not_routed_again_and_the_day_is_checked(demo, cast):
    letter = register(cast["inspector"], ubkt(demo.bloc)).letter
    assert "trước ngày nhận đơn" in _refused(
        routing.route_not_considered,
        "on",
        scope=_scope(cast),
        letter=letter,
        ground="anonymous",
        on=date(2026, 3, 1),
    )
    routing.route_not_considered(scope=_scope(cast), letter=letter, ground="anonymous")
    message = _refused(
        routing.route_forward, "__all__", scope=_scope(cast), letter=letter, to_text="Tỉnh ủy"
    )
    assert "đã được xử lý" in message and "không phân loại lại" in message


def test_a_user_who_may_not_change_the_letter_is_refused(demo, cast):
    letter = register(cast["inspector"], ubkt(demo.bloc)).letter
    assert "không được phân loại" in _refused(
        routing.route_not_considered,
        "__all__",
        scope=_scope(cast, "committee_leader"),
        letter=letter,
        ground="anonymous",
    )
    assert "Không tìm thấy" in _refused(
        routing.route_not_considered,
        "__all__",
        scope=_scope(cast, "grassroots_officer"),  # the letter is above their unit
        letter=letter,
        ground="anonymous",
    )


def test_an_anonymous_specific_denunciation_is_kept_as_information(demo, cast):
    body = ubkt(demo.bloc)
    letter = register(
        cast["inspector"],
        body,
        anonymous=True,
        filer=services.Filer(),
        accused_text="Trưởng phòng X của đơn vị Y",
    ).letter
    assert "cụ thể" in _refused(
        routing.route_information, "specific", scope=_scope(cast), letter=letter, specific=False
    )
    done = routing.route_information(scope=_scope(cast), letter=letter, specific=True)
    handling = rules.handling("anonymous_specific", DAY)
    assert done.status == "information" and done.routing_citation == handling.citation


def test_information_is_refused_for_a_signed_letter_one_without_accused_and_a_complaint(demo, cast):
    body = ubkt(demo.bloc)
    signed = register(cast["inspector"], body, accused_text="Ông Z").letter
    message = _refused(
        routing.route_information, "outcome", scope=_scope(cast), letter=signed, specific=True
    )
    assert "có ghi tên người gửi" in message and "không lưu làm thông tin" in message
    nobody = register(
        cast["inspector"], body, anonymous=True, filer=services.Filer(), summary="Không rõ ai"
    ).letter
    assert (
        "không rõ người, tổ chức bị tố cáo"
        in _refused(
            routing.route_information, "outcome", scope=_scope(cast), letter=nobody, specific=True
        ).lower()
    )
    complaint = register(
        cast["inspector"],
        body,
        kind="complaint",
        anonymous=True,
        filer=services.Filer(),
        accused_text="Ông Z",
        summary="Khiếu nại nặc danh",
    ).letter
    assert "đơn khiếu nại" in _refused(
        routing.route_information, "outcome", scope=_scope(cast), letter=complaint, specific=True
    )


def test_forwarded_never_refused_for_lack_of_jurisdiction_and_needs_a_destination(demo, cast):
    body = ubkt(demo.bloc)
    letter = register(cast["inspector"], body).letter
    assert "Chọn cơ quan" in _refused(
        routing.route_forward, "to_body", scope=_scope(cast), letter=letter
    )
    assert "chính cơ quan" in _refused(
        routing.route_forward, "to_body", scope=_scope(cast), letter=letter, to_body=body
    )
    province = Body.objects.get(unit__code="HA", kind="inspection")
    done = routing.route_forward(
        scope=_scope(cast), letter=letter, to_body=province, to_text="ignored"
    )
    done.refresh_from_db()
    assert (done.status, done.forwarded_to, done.forwarded_to_text) == (
        "forwarded",
        province,
        "",
    )
    assert done.routing_citation == routing.FORWARD_BASIS
    assert _routed_event(done).details["forwarded_to"] == province.name


def test_the_forwarding_note_holds_the_letter_and_the_bodies_never_the_filer(demo, cast, client_as):
    body = ubkt(demo.bloc)
    letter = register(
        cast["inspector"],
        body,
        filer=CANARY,
        summary="Tố cáo việc sử dụng đất công sai mục đích.",
        accused_text="Giám đốc Sở Thử",
    ).letter
    client = client_as("inspector")
    note_url = reverse("letters:forwarding_note", args=[letter.pk])
    assert client.get(note_url).status_code == 404  # not forwarded yet
    response = client.post(
        reverse("letters:route", args=[letter.pk]),
        {
            "outcome": "forward",
            "on": "05/03/2026",
            "to_text": "Ủy ban Kiểm tra Tỉnh ủy Thử",
            "by_subject": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == reverse(
        "letters:detail", args=[letter.pk]
    )
    page = client.get(response["Location"]).content.decode()
    assert "In phiếu chuyển đơn" in page and routing.FORWARD_BASIS in page
    _no_canary(page)
    response = client.get(note_url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    Document(io.BytesIO(response.content))  # opens with python-docx
    text = document_text(response.content)
    assert "PHIẾU CHUYỂN ĐƠN" in text
    assert f"{letter.number}/{letter.year}" in text and "02/03/2026" in text
    assert body.name in text and "Ủy ban Kiểm tra Tỉnh ủy Thử" in text
    assert "Giám đốc Sở Thử" in text and "Đơn gốc được gửi kèm" in text
    _no_canary(text)
    assert client_as("committee_leader").get(note_url).status_code == 403


def test_a_repeat_is_linked_to_an_earlier_letter_of_the_same_body(demo, cast):
    body = ubkt(demo.bloc)
    earlier = register(cast["inspector"], body, received_on=date(2026, 2, 2)).letter
    letter = register(cast["inspector"], body).letter
    elsewhere = register(
        cast["inspector"],
        Body.objects.get(unit=demo.bloc, kind="committee"),
        received_on=date(2026, 1, 5),
    ).letter
    candidates, linked = routing.repeat_candidates(_scope(cast), letter)
    assert candidates[0] == earlier and earlier.pk in linked  # the likely repeat first
    assert "chỉ chọn đơn trong sổ" in _refused(
        routing.route_repeat, "earlier", scope=_scope(cast), letter=letter, earlier=elsewhere
    )
    later = register(cast["inspector"], body, received_on=date(2026, 3, 9)).letter
    assert "nhận sau" in _refused(
        routing.route_repeat, "earlier", scope=_scope(cast), letter=letter, earlier=later
    )
    assert "chính nó" in _refused(
        routing.route_repeat, "earlier", scope=_scope(cast), letter=letter, earlier=letter
    )
    done = routing.route_repeat(scope=_scope(cast), letter=letter, earlier=earlier)
    done.refresh_from_db()
    assert done.status == "repeat" and done.repeat_of == earlier
    assert _routed_event(done).details["repeat_of"] == earlier.pk


def _complaint(cast, demo, decision, received_on, **overrides):
    fields = {
        "kind": "complaint",
        "received_on": received_on,
        "accused_members": [decision.member],
        "summary": "Khiếu nại quyết định kỷ luật cảnh cáo.",
        "filer": CANARY,
    }
    fields.update(overrides)
    return register(cast["inspector"], ubkt(demo.bloc), **fields).letter


def test_a_complaint_about_a_decision_goes_into_the_appeal_flow(demo, cast):
    decision = cell_warning()  # received 3/6/2026: 30 days to complain
    letter = _complaint(cast, demo, decision, date(2026, 7, 3))
    assert list(routing.appeal_decisions(_scope(cast), letter)) == [decision]
    done = routing.route_appeal(scope=_scope(cast), letter=letter, decision=decision)
    done.refresh_from_db()
    appeal = Appeal.objects.get(decision=decision)
    assert done.status == "appeal" and done.appeal == appeal
    assert appeal.filed_on == date(2026, 7, 3) and appeal.resolver == ubkt(demo.bloc)
    assert "Điều lệ Đảng" in done.routing_citation
    event = _routed_event(done)
    assert event.details["appeal"] == appeal.pk and event.details["decision"] == decision.pk
    for event in AuditEvent.objects.filter(target_id__in=[str(letter.pk), str(decision.pk)]):
        _no_canary(json.dumps([event.details, event.changes], ensure_ascii=False))


def test_what_the_appeal_flow_refuses_is_refused_nothing_saved(demo, cast):
    decision = cell_warning()
    late = _complaint(cast, demo, decision, date(2026, 7, 4))
    message = _refused(
        routing.route_appeal, "decision", scope=_scope(cast), letter=late, decision=decision
    )
    assert "Quá thời hạn khiếu nại" in message and "chuyển đơn" in message
    on_behalf = _complaint(cast, demo, decision, date(2026, 6, 20), summary="Khiếu nại hộ")
    assert "khiếu nại thay" in _refused(
        routing.route_appeal,
        "decision",
        scope=_scope(cast),
        letter=on_behalf,
        decision=decision,
        by_subject=False,
    )
    denunciation = _complaint(cast, demo, decision, date(2026, 6, 20), kind="denunciation")
    assert "Chỉ đơn khiếu nại" in _refused(
        routing.route_appeal,
        "outcome",
        scope=_scope(cast),
        letter=denunciation,
        decision=decision,
    )
    unrelated = _complaint(cast, demo, decision, date(2026, 6, 20), accused_members=[])
    assert "chọn trong danh sách" in _refused(
        routing.route_appeal, "decision", scope=_scope(cast), letter=unrelated, decision=decision
    )
    assert not Appeal.objects.filter(decision=decision).exists()


# --- the pages --------------------------------------------------------------------------------


def test_routing_page_offers_the_pack_grounds_and_records_the_choice(demo, cast, client_as):
    letter = register(cast["inspector"], ubkt(demo.bloc), filer=CANARY).letter
    url = reverse("letters:route", args=[letter.pk])
    client = client_as("inspector")
    page = client.get(url).content.decode()
    grounds = rules.grounds_not_considered(DAY, "denunciation")
    assert grounds.citation in page and "Đơn mạo tên" in page
    assert "Nặc danh, mạo danh" in page
    _no_canary(page)
    # information for a signed letter: the form comes back with the reason, nothing saved
    response = client.post(url, {"outcome": "information", "on": "05/03/2026", "specific": "on"})
    assert response.status_code == 200 and "có ghi tên người gửi" in response.content.decode()
    assert Letter.objects.get(pk=letter.pk).status == "registered"
    response = client.post(
        url, {"outcome": "not_considered", "on": "05/03/2026", "ground": "unclear_content"}
    )
    assert response.status_code == 302
    detail = client.get(response["Location"]).content.decode()
    assert "Không xem xét, lưu đơn" in detail and grounds.citation in detail
    assert "Không rõ nội dung, nội dung không cụ thể" in detail
    # a routed letter's routing page goes back to the letter
    assert client.get(url).status_code == 302
    assert client_as("committee_leader").get(url).status_code == 403


def test_the_letter_page_shows_the_mixed_letter_rule_and_the_routing_action(demo, cast, client_as):
    letter = register(cast["inspector"], ubkt(demo.bloc), kind="complaint").letter
    mixed = rules.handling("mixed", DAY)
    detail = reverse("letters:detail", args=[letter.pk])
    page = client_as("inspector").get(detail).content.decode()
    assert mixed.text in page and reverse("letters:route", args=[letter.pk]) in page
    reader = client_as("committee_leader").get(detail).content.decode()
    assert mixed.text in reader and reverse("letters:route", args=[letter.pk]) not in reader
