"""Every row of the shipped rule pack reads in Vietnamese: each key part, value field and code has
a label (data/labels.toml, or the project's TextChoices), so a new row or code without one fails
here, named. Expected words are typed from the regulations' wording, not read back from the file."""

import pytest

from ktgs.rules import labels
from ktgs.rules.lookup import FAMILY_NAMES
from ktgs.rules.models import RuleRow
from ktgs.rules.pack import read_pack

pytestmark = pytest.mark.django_db


def test_every_row_of_the_pack_has_a_label_for_every_key_part_field_and_code():
    rows = RuleRow.objects.values_list("family", "key", "value")
    assert len(rows) == len(read_pack())  # the migrations loaded the whole pack
    problems = sorted(
        {p for family, key, value in rows for p in labels.missing(family, key, value)}
    )
    assert problems == [], "Chưa có nhãn tiếng Việt:\n" + "\n".join(problems)


def test_every_family_has_a_vietnamese_name():
    families = set(RuleRow.objects.values_list("family", flat=True))
    assert families - set(FAMILY_NAMES) == set()


@pytest.mark.parametrize(
    ("family", "key", "value", "says"),
    [
        ("competence", "assets:*", {"allowed": True, "oops": 1}, "trường «oops» chưa có cách đọc"),
        (
            "competence",
            "assets:moon",
            {"allowed": True},
            "phần khóa «moon» (bộ từ body_kind_other)",
        ),
        ("steps", "*", {"steps": ["plan", "dance"]}, "mã «dance» (bộ từ step)"),
        ("letters_deadline", "complaint", {"days": {"mars": 9}}, "mã «mars» (bộ từ level_other)"),
        ("new_family", "x", {}, "new_family: nhóm chưa có trong labels.toml"),
    ],
)
def test_a_row_without_labels_is_named(family, key, value, says):
    assert any(says in p for p in labels.missing(family, key, value)), labels.missing(
        family, key, value
    )


def test_keys_read_in_words():
    assert labels.key_title("competence", "signs_of_violation:advisory") == (
        "Kiểm tra khi có dấu hiệu vi phạm · Cơ quan tham mưu"
    )
    assert labels.key_title("discipline_competence", "advisory:*") == "Cơ quan tham mưu · mọi cấp"
    assert labels.key_title("letters_deadline", "denunciation:central_cadre").startswith(
        "Tố cáo · "
    )


def test_values_read_in_words_numbers_keep_their_unit():
    deadline = {
        "days": {"*": 90, "central": 180},
        "day_type": "working",
        "counts_from": "receipt",
        "extension_cap": {"*": 30},
    }
    assert labels.value_words("letters_deadline", deadline) == [
        "Số ngày: Trung ương → 180 ngày làm việc; các cấp khác → 90 ngày làm việc",
        "Loại ngày: ngày làm việc",
        "Tính từ: ngày cơ quan có thẩm quyền nhận đơn",
        "Tổng số ngày gia hạn tối đa: các cấp khác → 30 ngày làm việc",
    ]
    assert labels.value_words("discipline_bar", {"months": 12, "from": "signing"}) == [
        "Số tháng: 12 tháng",
        "Tính từ: ngày ký quyết định",
    ]
    assert labels.value_words("letters_filers", {"on_behalf": False, "text": "Công dân."}) == [
        "Được gửi thay người khác: không",
        "Nội dung: Công dân.",
    ]
    competence = {"higher_managed": {"*": {"expulsion": "propose", "reprimand": "decide"}}}
    assert labels.value_words("discipline_competence", competence) == [
        "Cán bộ thuộc diện cấp ủy cấp trên quản lý · mọi loại vi phạm: "
        "Khiển trách → quyết định; Khai trừ → đề nghị"
    ]
    assert labels.value_words("duration", {"days": {}, "day_type": "working"})[0] == (
        "Số ngày: không có"
    )
