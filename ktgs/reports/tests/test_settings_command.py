"""`ktgs setting period-cutoff|period-deadline|show`: the office's cut-off days and deadlines,
checked by the service (a bad value refused with a clear message, nothing saved) and audited."""

from io import StringIO

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

from ktgs.audit.models import AuditEvent
from ktgs.core.models import OfficeSetting
from ktgs.reports.periods import period_settings
from ktgs.reports.services import period_cutoff_set, period_deadline_set

pytestmark = pytest.mark.django_db


def setting(*args) -> str:
    out = StringIO()
    call_command("setting", *args, stdout=out)
    return out.getvalue()


def stored() -> dict:
    return dict(OfficeSetting.objects.values_list("key", "value"))


def test_set_and_show_cutoff_and_deadline():
    assert "Năm (nam): chốt số liệu cuối tháng dương lịch; hạn chưa đặt" in setting("show")
    assert "Ngày chốt số liệu của kỳ năm: ngày 15." in setting("period-cutoff", "nam", "15")
    assert "Hạn báo cáo của kỳ tháng: 5 ngày sau ngày cuối kỳ." in setting(
        "period-deadline", "thang", "5"
    )
    shown = setting("show")
    assert "Năm (nam): chốt số liệu ngày 15; hạn chưa đặt" in shown
    assert "Tháng (thang): chốt số liệu cuối tháng dương lịch; hạn 5 ngày sau ngày cuối kỳ" in shown
    assert "Nhiệm kỳ (nhiem-ky): chốt số liệu theo ngày của nhiệm kỳ" in shown
    settings = period_settings()
    assert settings.cutoff("nam") == 15 and settings.deadline_days("thang") == 5
    event = AuditEvent.objects.filter(action="core.setting.changed").latest("pk")
    assert event.changes == {"hạn báo cáo (số ngày sau cuối kỳ): tháng": [None, 5]}


def test_all_kinds_at_once_and_back_to_calendar_ends():
    setting("period-cutoff", "tat-ca", "15")
    assert period_settings().cutoffs == {
        k: 15 for k in ("thang", "quy-1", "6-thang", "9-thang", "nam")
    }
    setting("period-cutoff", "quy-1", "cuoi-thang")
    assert period_settings().cutoff("quy-1") is None and period_settings().cutoff("nam") == 15
    setting("period-deadline", "nhiem-ky", "30")
    setting("period-deadline", "nhiem-ky", "khong")
    assert period_settings().deadline_days("nhiem-ky") is None
    before = AuditEvent.objects.count()
    setting("period-cutoff", "nam", "15")  # no change: nothing recorded
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("period-cutoff", "nam", "29"), ["Ngày chốt số liệu 29 không dùng được", "từ 1 đến 28"]),
        (("period-cutoff", "nam", "0"), ["Ngày chốt số liệu 0 không dùng được"]),
        (("period-cutoff", "nam", "mười lăm"), ["«mười lăm» không phải một số", "cuoi-thang"]),
        (("period-cutoff", "quy-2", "15"), ["Kỳ «quy-2» không có ngày chốt số liệu", "quy-1"]),
        (("period-cutoff", "nhiem-ky", "15"), ["Kỳ «nhiem-ky» không có ngày chốt số liệu"]),
        (("period-deadline", "nam", "-1"), ["«-1» không phải một số", "khong"]),
        (("period-deadline", "nam", "400"), ["Hạn báo cáo 400 ngày không dùng được", "0 đến 366"]),
        (("period-deadline", "khoang", "5"), ["Kỳ «khoang» không có hạn báo cáo"]),
    ],
)
def test_bad_values_are_refused_and_nothing_is_saved(args, words):
    setting("period-cutoff", "thang", "14")
    before, events = stored(), AuditEvent.objects.count()
    with pytest.raises(CommandError) as refused:
        setting(*args)
    for word in words:
        assert word in str(refused.value)
    assert stored() == before and AuditEvent.objects.count() == events


def test_the_service_checks_whatever_calls_it():
    with pytest.raises(ValidationError) as refused:
        period_cutoff_set(["nam", "thang"], 31)
    assert "day" in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        period_deadline_set([], 5)
    assert "Chưa chọn kỳ báo cáo" in refused.value.message_dict["kind"][0]
    assert stored() == {}


def test_in_use_since_still_works_from_its_new_home():
    assert "Ngày bắt đầu dùng KTGS: 01/01/2024." in setting("in-use-since", "01/01/2024")
    assert "in-use-since): 01/01/2024" in setting("show")
    with pytest.raises(CommandError, match="không phải ngày"):
        setting("in-use-since", "32/01/2024")
