"""Time limits: working days across Tết, the countdown on a letter's page, the due / overdue
view's split and scope, and `ktgs deadlines` (no filer data in its output)."""

from datetime import date, timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from ktgs.letters import countdown, deadlines, services
from ktgs.letters.models import Letter
from ktgs.letters.tests.helpers import register, ubkt
from ktgs.rules.calendar import add_working_days, working_days_between

pytestmark = pytest.mark.django_db

BEFORE_TET = date(2026, 2, 13)  # Friday; Tết Bính Ngọ: 16–20/02/2026 off, weekends around it
CANARY = "Zqx-CANARY-7781"


def _state(letter: Letter, **fields) -> Letter:
    Letter.objects.filter(pk=letter.pk).update(**fields)
    return Letter.objects.select_related("body__unit__kind", "handler").get(pk=letter.pk)


def test_working_days_across_tet():
    assert add_working_days(BEFORE_TET, 1) == date(2026, 2, 23)  # the Monday after Tết
    assert working_days_between(BEFORE_TET, date(2026, 2, 27)) == 5  # 14 calendar days
    assert working_days_between(date(2026, 2, 27), BEFORE_TET) == -5
    assert working_days_between(BEFORE_TET, BEFORE_TET) == 0


def test_letter_received_just_before_tet_counts_working_days(demo, cast):
    letter = register(cast["inspector"], ubkt(demo.bloc), received_on=BEFORE_TET).letter
    deadline = deadlines.refresh_due(letter)
    assert deadline.limit.day_type == "working" and deadline.limit.counts_from == "receipt"
    assert letter.due_on == add_working_days(BEFORE_TET, deadline.limit.days)
    # Tết's five weekdays are not counted: the due date is a week later than without them
    assert letter.due_on > BEFORE_TET + timedelta(days=deadline.limit.days * 7 // 5 + 5)
    # a registered letter (counts from receipt) is already on the clock
    c = countdown.countdown(letter, today=BEFORE_TET)
    assert c.state == countdown.RUNNING and c.due == letter.due_on
    assert c.text == f"còn {deadline.limit.days} ngày làm việc"
    late = countdown.countdown(letter, today=letter.due_on + timedelta(days=3))
    assert late.state == countdown.OVERDUE and late.text.startswith("quá hạn ")


def test_countdown_on_the_letters_page(demo, cast, client_as):
    today = timezone.localdate()
    body = ubkt(demo.bloc)
    client = client_as("inspector")
    accepted = register(cast["inspector"], body).letter
    due = add_working_days(today, 3)
    _state(accepted, status="accepted", accepted_on=date(2026, 3, 3), due_on=due,
           limit_citation="21-QĐ/TW")  # fmt: skip
    html = client.get(reverse("letters:detail", args=[accepted.pk])).content.decode()
    assert "Còn 3 ngày làm việc" in html and "21-QĐ/TW" in html
    _state(accepted, due_on=today - timedelta(days=1))
    html = client.get(reverse("letters:detail", args=[accepted.pk])).content.decode()
    assert "Quá hạn" in html
    petition = register(cast["inspector"], body, kind="petition", summary="Kiến nghị khác.").letter
    html = client.get(reverse("letters:detail", args=[petition.pk])).content.decode()
    assert "Không tính thời hạn (đơn kiến nghị, phản ánh" in html
    old = register(
        cast["inspector"], body, received_on=date(2016, 1, 4), summary="Đơn cũ hẳn."
    ).letter
    html = client.get(reverse("letters:detail", args=[old.pk])).content.decode()
    assert "Không tính thời hạn" in html and "Còn" not in html.split("thoi-han")[1][:400]
    forwarded = _state(
        register(cast["inspector"], body, summary="Đơn chuyển đi.").letter, status="forwarded"
    )
    assert countdown.countdown(forwarded).state == countdown.STOPPED


def _due_set(demo, cast):
    """Late (10 days), due soon (2 working days), later (30 working days), concluded late
    (not pending), and a late letter of the sub-unit's UBKT."""
    today = timezone.localdate()
    body = ubkt(demo.bloc)
    filer = services.Filer(
        name=f"Nguyễn {CANARY}", address=f"Số 1 {CANARY}", phone="0912000111",
        citizen_id="001199" + "123456",
    )  # fmt: skip
    made = {}
    for key, due, status in (
        ("late", today - timedelta(days=10), "accepted"),
        ("soon", add_working_days(today, 2), "accepted"),
        ("later", add_working_days(today, 30), "accepted"),
        ("done", today - timedelta(days=20), "concluded"),
    ):
        letter = register(cast["inspector"], body, filer=filer, summary=f"Đơn {key}.").letter
        made[key] = _state(
            letter, status=status, accepted_on=date(2026, 3, 3), due_on=due,
            handler=cast["inspector"],
        )  # fmt: skip
    below = register(cast["grassroots_officer"], ubkt(demo.base_committee), filer=filer).letter
    made["below"] = _state(
        below, status="accepted", accepted_on=date(2026, 3, 3), due_on=today - timedelta(days=5)
    )
    return made


def test_due_view_splits_late_and_soon_in_the_users_scope(demo, cast, client_as):
    made = _due_set(demo, cast)
    html = client_as("inspector").get(reverse("letters:due")).content.decode()
    late_part, soon_part = html.split('id="sap-den-han"')
    assert f'data-letter="{made["late"].pk}"' in late_part
    assert f'data-letter="{made["soon"].pk}"' in soon_part
    assert f'data-letter="{made["soon"].pk}"' not in late_part
    for key in ("later", "done"):
        assert f'data-letter="{made[key].pk}"' not in html
    assert CANARY not in html
    wider = client_as("inspector").get(reverse("letters:due"), {"trong": "40"}).content.decode()
    assert f'data-letter="{made["later"].pk}"' in wider
    bad = client_as("inspector").get(reverse("letters:due"), {"trong": "abc"}).content.decode()
    assert "từ 0 đến 60" in bad
    # the sub-unit's officer sees its own late letter, not the bloc's
    own = client_as("grassroots_officer").get(reverse("letters:due")).content.decode()
    assert f'data-letter="{made["below"].pk}"' in own
    assert f'data-letter="{made["late"].pk}"' not in own
    listed = client_as("inspector").get(reverse("letters:list")).content.decode()
    assert reverse("letters:due") in listed


def test_deadlines_command_prints_due_and_late_without_filer_data(demo, cast):
    made = _due_set(demo, cast)
    out = StringIO()
    call_command("deadlines", stdout=out)
    text = out.getvalue()
    late, soon = made["late"], made["soon"]
    days_late = -countdown.days_between(timezone.localdate(), late.due_on, "working")
    assert f"Đơn số {late.number}/{late.year}" in text
    assert f"quá hạn {days_late} ngày làm việc" in text
    assert f"Đơn số {soon.number}/{soon.year}" in text and "còn 2 ngày làm việc" in text
    assert cast["inspector"].username in text
    assert f"Đơn số {made['later'].number}/" not in text
    assert ubkt(demo.bloc).name in text and ubkt(demo.base_committee).name in text
    for secret in (CANARY, "0912000111", "001199123456", "Đơn late."):
        assert secret not in text
    out = StringIO()
    call_command("deadlines", "--unit", demo.base_committee.code, "--within", "0", stdout=out)
    assert ubkt(demo.bloc).name + ":" not in out.getvalue()
    assert f"Đơn số {made['below'].number}/{made['below'].year}" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("deadlines", "--unit", "KHONG-CO", stdout=StringIO())
