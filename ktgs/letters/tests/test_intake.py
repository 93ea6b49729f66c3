"""The intake register: what a letter needs, its number, and nothing half-written."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ktgs.audit.models import AuditEvent
from ktgs.core.models import Secrecy
from ktgs.letters import services
from ktgs.letters.models import Letter, LetterItem
from ktgs.letters.tests.helpers import DAY, register, ubkt

pytestmark = pytest.mark.django_db


def _refused(field: str, user, body, **overrides) -> str:
    letters, events = Letter.objects.count(), AuditEvent.objects.count()
    with pytest.raises(ValidationError) as exc:
        register(user, body, **overrides)
    assert field in exc.value.message_dict, exc.value.message_dict
    assert Letter.objects.count() == letters  # nothing half-written
    assert AuditEvent.objects.count() == events
    return " ".join(exc.value.message_dict[field])


def test_register_numbers_per_body_and_year(demo, cast):
    body = ubkt(demo.bloc)
    first = register(cast["inspector"], body).letter
    second = register(cast["inspector"], body, summary="Tố cáo khác hẳn về tuyển dụng.").letter
    older = register(cast["inspector"], body, received_on=date(2025, 12, 30)).letter
    assert (first.year, first.number) == (2026, 1)
    assert (second.year, second.number) == (2026, 2)
    assert (older.year, older.number) == (2025, 1)  # a new year starts again at 1
    assert first.unit == demo.bloc and first.status == "registered"
    assert list(first.items.values_list("content", flat=True)) == [first.summary]
    event = AuditEvent.objects.get(action="letters.letter.registered", target_id=str(first.pk))
    assert event.details["number"] == 1 and event.details["filer_given"] is True


def test_typed_number_checked_unique(demo, cast):
    body = ubkt(demo.bloc)
    register(cast["inspector"], body, number="7")
    message = _refused("number", cast["inspector"], body, number="7")
    assert "đã có đơn số 7" in message
    assert "số nguyên dương" in _refused("number", cast["inspector"], body, number="0")
    assert register(cast["inspector"], body).letter.number == 8  # after the highest


def test_items_are_the_letters_separate_allegations(demo, cast):
    letter = register(
        cast["inspector"], ubkt(demo.bloc), items=["Nội dung thứ nhất", "", "  Nội dung thứ hai "]
    ).letter
    assert list(LetterItem.objects.filter(letter=letter).values_list("position", "content")) == [
        (1, "Nội dung thứ nhất"),
        (2, "Nội dung thứ hai"),
    ]


def test_received_date_required_and_not_in_the_future(demo, cast):
    body = ubkt(demo.bloc)
    assert "ngày nhận" in _refused("received_on", cast["inspector"], body, received_on=None)
    tomorrow = timezone.localdate() + timedelta(days=1)
    _refused("received_on", cast["inspector"], body, received_on=tomorrow)


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("kind", {"kind": "rumour"}),
        ("channel", {"channel": "pigeon"}),
        ("summary", {"summary": "   "}),
        ("filer_name", {"filer": services.Filer()}),  # signed letter without a name
        ("filer_citizen_id", {"filer": services.Filer(name="A", citizen_id="12ab")}),
        ("filer_phone", {"filer": services.Filer(name="A", phone="gọi tôi")}),
        ("secrecy", {"secrecy": "top_secret"}),
    ],
)
def test_bad_input_refused_with_nothing_saved(demo, cast, field, overrides):
    _refused(field, cast["inspector"], ubkt(demo.bloc), **overrides)


def test_anonymous_letter_needs_no_filer(demo, cast):
    letter = register(
        cast["inspector"], ubkt(demo.bloc), anonymous=True, filer=services.Filer()
    ).letter
    assert letter.anonymous and not letter.has_filer


def test_secrecy_above_the_clearance_refused(demo, cast):
    # the inspector of the demo may read up to mật
    assert "cao hơn" in _refused(
        "secrecy", cast["inspector"], ubkt(demo.bloc), secrecy=Secrecy.SECRET
    )


def test_only_a_body_the_user_acts_for(demo, cast):
    # the grassroots officer of HA.DBK.001 does not keep the bloc UBKT's register; nor does the
    # bloc's inspector keep that of HA.DBK.001 (a wider scope is not acting for the body)
    assert "không làm việc cho" in _refused("body", cast["grassroots_officer"], ubkt(demo.bloc))
    _refused("body", cast["inspector"], ubkt(demo.base_committee))
    assert register(cast["grassroots_officer"], ubkt(demo.base_committee)).letter.pk


def test_register_page(demo, cast, client_as):
    client = client_as("inspector")
    body = ubkt(demo.bloc)
    form = client.get(reverse("letters:create"))
    assert form.status_code == 200
    data = {
        "body": body.name,
        "received_on": DAY.strftime("%d/%m/%Y"),
        "channel": "in_person",
        "kind": "complaint",
        "filer_name": "Lê Văn Tám",
        "summary": "Khiếu nại quyết định kỷ luật.",
        "items": "Nội dung một\nNội dung hai",
        "secrecy": "normal",
    }
    missing = client.post(reverse("letters:create"), {**data, "received_on": ""})
    assert missing.status_code == 200 and not Letter.objects.exists()
    assert "ngày nhận" in missing.content.decode().lower()
    done = client.post(reverse("letters:create"), data)
    letter = Letter.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse(
        "letters:detail", args=[letter.pk]
    )
    assert letter.kind == "complaint" and letter.items.count() == 2
    listed = client.get(reverse("letters:list")).content.decode()
    assert reverse("letters:detail", args=[letter.pk]) in listed
