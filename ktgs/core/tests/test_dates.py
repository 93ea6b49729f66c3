"""`core.dates`: today as the office's calendar reads it, kept until local midnight."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from ktgs.core import dates


def test_today_is_the_local_date_and_a_past_day_is_not_kept(monkeypatch):
    monkeypatch.setattr(dates, "_today", (0.0, date(2000, 1, 1)))  # cached on a day now over
    assert dates.today() == timezone.localdate()
    ends, _day = dates._today
    local_midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    assert ends == (local_midnight + timedelta(days=1)).timestamp()


def test_reject_future_keys_each_late_date_by_field():
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        dates.reject_future(a=today, b=today + timedelta(days=1), c=None)
    assert list(exc.value.message_dict) == ["b"]
    assert "chưa đến" in exc.value.message_dict["b"][0]
