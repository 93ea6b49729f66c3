"""The letters families of the pack: expected values typed from the research
(shared/reference/domain-rules*.md; later files win), the citation beside each, never read back
from the pack; deadlines across Tết (working days skip the Tết of the right year, calendar days
do not); a letter received before the first row has no rules; extensions beyond the cap refused."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError

from ktgs.orgs.models import OrgUnit
from ktgs.rules import letters_shape
from ktgs.rules.letters import (
    FIRST_ROW_ON,
    extension_allowed,
    extension_cap,
    grounds_not_considered,
    handling,
    letter_rules_on,
    letter_verdict,
    not_computed_warning,
    resolution_deadline,
    time_limit,
    verdict_choices,
    who_may_file,
)
from ktgs.rules.models import RuleRow
from ktgs.rules.pack import read_pack
from ktgs.rules.tests.helpers import override as rule_override

ROWS = [r for r in read_pack() if letters_shape.is_letters(r["family"])]
QD30, QD22, QD296, QD21 = date(2016, 7, 26), date(2021, 7, 28), date(2025, 5, 30), date(2026, 4, 11)
IN_30, IN_22, IN_296, IN_21 = (
    date(2019, 3, 4),
    date(2023, 6, 1),
    date(2025, 10, 1),
    date(2026, 6, 1),
)


def row_id(row):
    return f"{row['family']}/{row['key']}/{row['starts_on']}"


# --- the rows themselves (no database) -------------------------------------------------------


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_row_value_shape(row):
    assert letters_shape.problem(row["family"], row["key"], row["value"]) == ""
    if row["status"] == "to_check":
        assert row["note"], "a row to be checked says what is uncertain"


def test_every_family_and_kind_holds_from_qd30_on_without_a_gap():
    by_key = {}
    for row in ROWS:
        if row["key"] != "denunciation:central_cadre":  # QĐ 164 (6/6/2024) only
            by_key.setdefault((row["family"], row["key"]), []).append(row)
    assert {f for f, _ in by_key} == set(letters_shape.FIELDS)
    for rows in by_key.values():
        rows.sort(key=lambda r: r["starts_on"])
        assert rows[0]["starts_on"] == FIRST_ROW_ON == QD30
        assert rows[-1]["ends_on"] is None
        for earlier, later in zip(rows, rows[1:], strict=False):
            assert earlier["ends_on"] == later["starts_on"]
        assert {r["starts_on"] for r in rows} == {QD30, QD22, QD296, QD21}


BAD = [
    (
        "letters_deadline",
        "denunciation",
        {"days": {"*": 90}, "day_type": "ngày", "counts_from": "receipt"},
    ),
    (
        "letters_deadline",
        "denunciation",
        {"days": {"tinh": 90}, "day_type": "working", "counts_from": "receipt"},
    ),
    (
        "letters_deadline",
        "denunciation",
        {"days": {"*": 90}, "day_type": "working", "counts_from": "filing"},
    ),
    (
        "letters_deadline",
        "petition",
        {"days": {"*": 90}, "day_type": "working", "counts_from": "receipt"},
    ),
    ("letters_not_considered", "denunciation", {"grounds": ["rude"], "text": "x"}),
    ("letters_verdict", "denunciation", {"item_verdicts": ["maybe"], "letter_verdicts": ["true"]}),
    ("letters_handling", "mixed", {"action": "both", "text": "x"}),
    ("letters_filers", "complaint", {"filers": ["anyone"], "on_behalf": False, "text": "x"}),
    ("letters_other", "denunciation", {}),
]


@pytest.mark.parametrize(("family", "key", "value"), BAD)
def test_a_malformed_value_is_named(family, key, value):
    assert letters_shape.problem(family, key, value)


def test_reading_the_pack_refuses_a_malformed_letters_row(tmp_path: Path):
    (tmp_path / "letters_deadline.toml").write_text(
        '[[row]]\nkey = "denunciation"\nstarts_on = 2016-07-26\nstatus = "confirmed"\n'
        'source = "30-QĐ/TW"\nvalue = { days = { "*" = 90 }, day_type = "weekdays", '
        'counts_from = "receipt" }\n',
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"letters_deadline.toml, dòng 1: day_type"):
        read_pack(tmp_path)


# --- time limits per regime, typed from the sources --------------------------------------------

# (received, kind, level, variant, days, day type, counts from, extension cap, source)
# fmt: off
LIMITS = [
    # QĐ 30: 90 ngày làm việc (tỉnh, huyện trở xuống), 180 (TW), gia hạn ≤ 30; từ ngày nhận (S68, S73)
    (IN_30, "denunciation", "base", "", 90, "working", "receipt", 30, "30-QĐ/TW"),
    (IN_30, "denunciation", "province", "", 90, "working", "receipt", 30, "30-QĐ/TW"),
    (IN_30, "denunciation", "central", "", 180, "working", "receipt", 30, "30-QĐ/TW"),
    (IN_30, "denunciation", None, "", 90, "working", "receipt", 30, "30-QĐ/TW"),
    # QĐ 30 khiếu nại kỷ luật: 90 / 180 ngày làm việc (S75, S76); gia hạn: không thấy
    (IN_30, "complaint", "superior", "", 90, "working", "receipt", 0, "30-QĐ/TW"),
    (IN_30, "complaint", "central", "", 180, "working", "receipt", 0, "30-QĐ/TW"),
    # QĐ 22, 296, 21: không tìm thấy, giữ giá trị QĐ 30 (domain-rules-296 §2), cần kiểm tra
    (IN_22, "denunciation", "base", "", 90, "working", "receipt", 30, "22-QĐ/TW"),
    (IN_296, "denunciation", "central", "", 180, "working", "receipt", 30, "296-QĐ/TW"),
    (IN_21, "denunciation", "below_base", "", 90, "working", "receipt", 30, "21-QĐ/TW"),
    (IN_21, "complaint", "province", "", 90, "working", "receipt", 0, "21-QĐ/TW"),
    # QĐ 164 (6/6/2024): 180 ngày từ quyết định thành lập đoàn, gia hạn ≤ 60 (S71)
    (date(2024, 7, 1), "denunciation", "central", "central_cadre", 180, "calendar", "decision", 60, "164-QĐ/TW"),
    (IN_21, "denunciation", "central", "central_cadre", 180, "calendar", "decision", 60, "164-QĐ/TW"),
    # before QĐ 164 the general row answers the variant
    (IN_22, "denunciation", "central", "central_cadre", 180, "working", "receipt", 30, "22-QĐ/TW"),
]
# fmt: on


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("received", "kind", "level", "variant", "days", "day_type", "start", "cap", "source"), LIMITS
)
def test_time_limit_per_regime(received, kind, level, variant, days, day_type, start, cap, source):
    limit = time_limit(kind, received, level, variant=variant)
    assert (limit.days, limit.day_type, limit.counts_from) == (days, day_type, start)
    assert limit.extension_cap == cap == extension_cap(kind, received, level, variant=variant)
    assert source in limit.citation


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("received", "status"),
    [(IN_30, "confirmed"), (IN_22, "to_check"), (IN_296, "to_check"), (IN_21, "to_check")],
)
def test_only_the_qd30_denunciation_limit_is_confirmed(received, status):
    assert time_limit("denunciation", received).status == status


@pytest.mark.django_db
def test_the_regime_changes_on_its_first_day():
    assert "30-QĐ/TW" in time_limit("denunciation", QD22 - timedelta(days=1)).citation
    assert "22-QĐ/TW" in time_limit("denunciation", QD22).citation
    assert "296-QĐ/TW" in time_limit("denunciation", QD21 - timedelta(days=1)).citation
    assert "21-QĐ/TW" in time_limit("denunciation", QD21).citation


# --- who may file, grounds, handling, verdicts ------------------------------------------------

# fmt: off
GROUNDS = [
    # QĐ 30: giấu tên, mạo tên, không rõ địa chỉ, nội dung không cụ thể, tái tố không chứng cứ mới,
    # đơn nhiều người ký (domain-rules §6.1, S67, S68)
    (IN_30, "denunciation", {"anonymous", "hidden_name", "false_name", "no_address", "unclear_content", "already_concluded", "collective"}),
    (IN_22, "denunciation", {"anonymous", "hidden_name", "false_name", "no_address", "unclear_content", "already_concluded"}),
    (IN_296, "denunciation", {"anonymous", "hidden_name", "false_name", "no_address", "unclear_content", "already_concluded"}),
    # QĐ 21 (QUIZ): + đã có thông báo không xem xét; + người không có năng lực hành vi dân sự
    (IN_21, "denunciation", {"anonymous", "hidden_name", "false_name", "no_address", "unclear_content", "already_concluded", "non_consideration_notified", "no_capacity"}),
    # QĐ 296 Điều 23 (QUIZ): các trường hợp không giải quyết khiếu nại
    (IN_296, "complaint", {"late", "being_resolved_above", "concluded_final", "sentenced", "on_behalf", "no_decision", "refused_decision", "transferred"}),
]
# fmt: on


@pytest.mark.django_db
@pytest.mark.parametrize(("received", "kind", "grounds"), GROUNDS)
def test_grounds_not_considered_per_regime(received, kind, grounds):
    found = grounds_not_considered(received, kind)
    assert set(found.grounds) == grounds
    assert dict(found.choices)["false_name" if kind == "denunciation" else "on_behalf"]


@pytest.mark.django_db
@pytest.mark.parametrize("received", [IN_30, IN_22, IN_296, IN_21])
def test_who_may_file(received):
    assert set(who_may_file("denunciation", received).filers) == {"citizen", "party_member"}
    complaint = who_may_file("complaint", received)
    assert set(complaint.filers) == {"disciplined_member", "disciplined_organisation"}
    assert complaint.on_behalf is False  # không khiếu nại hộ (S47)


@pytest.mark.django_db
@pytest.mark.parametrize("received", [IN_30, IN_22, IN_296, IN_21])
def test_anonymous_specific_is_information_and_mixed_resolves_the_complaint(received):
    anonymous = handling("anonymous_specific", received)
    assert (anonymous.action, anonymous.may_lead_to) == ("information", "signs_of_violation")
    assert handling("mixed", received).action == "complaint_only"


@pytest.mark.django_db
def test_mixed_letters_cite_hd02_in_the_qd22_period():
    mixed = handling("mixed", IN_22)
    assert mixed.status == "confirmed" and "02-HD/TW" in mixed.citation  # HD 02 V.2.4 (S70)


@pytest.mark.django_db
def test_verdicts_per_regime():
    four = ("false", "unfounded", "true_shortcoming", "true_violation")  # QĐ 21 (QUIZ)
    assert verdict_choices(IN_21).item_verdicts == four
    assert dict(verdict_choices(IN_21).item_choices)["unfounded"] == (
        "Tố cáo không có cơ sở, không đủ căn cứ kết luận"
    )
    for received in (IN_30, IN_22, IN_296):
        older = verdict_choices(received)
        assert set(older.item_verdicts) == {"true", "false"}
        assert older.letter_verdicts == ("true", "partly_true", "false")


@pytest.mark.parametrize(
    ("items", "figure"),
    [
        (["true_violation", "false"], "partly_true"),
        (["true_violation", "true_shortcoming"], "true"),
        (["unfounded", "false"], "false"),
        (["true", "false"], "partly_true"),
        (["true"], "true"),
        ([], ""),
    ],
)
def test_the_letter_figure_is_derived_from_its_items(items, figure):
    assert letter_verdict(items) == figure


# --- before the first row ----------------------------------------------------------------------


@pytest.mark.django_db
def test_a_letter_received_before_the_first_row_has_no_rules():
    day = FIRST_ROW_ON - timedelta(days=1)
    assert letter_rules_on(day) is None
    assert resolution_deadline("denunciation", day) is None
    assert time_limit("complaint", day) is None
    assert grounds_not_considered(day) is None
    assert verdict_choices(day) is None
    assert "26/07/2016" in not_computed_warning() and "không được tính" in not_computed_warning()
    with pytest.raises(ValidationError, match="không được tính"):
        extension_allowed("denunciation", day, days=10)


@pytest.mark.django_db
def test_a_petition_has_no_sourced_limit():
    assert resolution_deadline("petition", IN_21) is None


@pytest.mark.django_db
def test_letter_rules_on_gathers_the_regime():
    rules = letter_rules_on(IN_21, level="central")
    assert rules.limits["denunciation"].days == 180 and rules.limits["complaint"].days == 180
    assert "no_capacity" in rules.not_considered["denunciation"].grounds
    assert rules.to_check
    assert letter_rules_on(FIRST_ROW_ON).limits["denunciation"].status == "confirmed"


# --- deadlines across Tết -------------------------------------------------------------------------

# The days off typed from the government's announcements, for the spans the cases cover.
OFF_2017 = {  # Tết Đinh Dậu 26/1–1/2/2017; Giỗ Tổ 6/4; 1/5; 30/4 (Chủ nhật) nghỉ bù 2/5
    date(2017, 1, 26), date(2017, 1, 27), date(2017, 1, 30), date(2017, 1, 31),
    date(2017, 2, 1), date(2017, 4, 6), date(2017, 5, 1), date(2017, 5, 2),
}  # fmt: skip
OFF_2026 = {  # Tết Bính Ngọ 16–20/2/2026; Giỗ Tổ 26/4 (Chủ nhật) nghỉ bù 27/4; 30/4; 1/5
    date(2026, 2, 16), date(2026, 2, 17), date(2026, 2, 18), date(2026, 2, 19),
    date(2026, 2, 20), date(2026, 4, 27), date(2026, 4, 30), date(2026, 5, 1),
}  # fmt: skip


def _nth_working_day(start: date, n: int, off: set[date]) -> date:
    day = start
    while n:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in off:
            n -= 1
    return day


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("received", "off", "other_tet"),
    [
        (date(2017, 1, 20), OFF_2017, OFF_2026),  # QĐ 30, the Friday before Tết 2017
        (date(2026, 2, 13), OFF_2026, OFF_2017),  # QĐ 296, the Friday before Tết 2026
    ],
)
def test_working_days_skip_the_tet_of_the_right_year(received, off, other_tet):
    deadline = resolution_deadline("denunciation", received, "province")
    assert deadline.start == received and deadline.extended_days == 0
    assert deadline.due == _nth_working_day(received, 90, off)
    assert deadline.due != _nth_working_day(received, 90, set())  # Tết counted would be sooner
    assert deadline.due != _nth_working_day(received, 90, other_tet)


@pytest.mark.django_db
def test_working_day_deadlines_known_by_hand():
    # 20/1/2017 + 90 ngày làm việc, bỏ 5 ngày Tết, 6/4, 1/5, 2/5 → 7/6/2017
    assert resolution_deadline("denunciation", date(2017, 1, 20)).due == date(2017, 6, 7)
    # 13/2/2026 + 90: 23–27/2 (5), tháng 3 (22), tháng 4 (22 − 2), tháng 5 (21 − 1), tháng 6 (22),
    # 1/7 là ngày thứ 90
    assert resolution_deadline("denunciation", date(2026, 2, 13)).due == date(2026, 7, 1)


@pytest.mark.django_db
def test_calendar_days_do_not_skip_tet():
    decided = date(2026, 2, 13)  # QĐ 164: counts from the decision forming the team
    deadline = resolution_deadline(
        "denunciation", date(2026, 2, 2), "central", start_on=decided, variant="central_cadre"
    )
    assert deadline.limit.day_type == "calendar"
    assert deadline.due == decided + timedelta(days=180) == date(2026, 8, 12)
    extended = resolution_deadline(
        "denunciation",
        date(2026, 2, 2),
        "central",
        start_on=decided,
        extensions=[60],
        variant="central_cadre",
    )
    assert extended.due == date(2026, 10, 11)


@pytest.mark.django_db
def test_a_limit_counted_from_the_decision_waits_for_it():
    deadline = resolution_deadline("denunciation", IN_21, "central", variant="central_cadre")
    assert deadline.start is None and deadline.due is None


@pytest.mark.django_db
def test_a_forwarded_letter_counts_from_the_competent_body_s_receipt():
    received, competent = date(2019, 3, 4), date(2019, 3, 11)
    deadline = resolution_deadline("denunciation", received, start_on=competent)
    assert deadline.start == competent
    assert deadline.due == _nth_working_day(
        competent, 90, {date(2019, 4, 15), date(2019, 4, 30), date(2019, 5, 1)}
    )
    with pytest.raises(ValidationError, match="trước ngày nhận đơn"):
        resolution_deadline("denunciation", received, start_on=date(2019, 3, 1))


# --- extensions ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_extension_within_the_cap_moves_the_deadline_in_the_row_s_day_type():
    received = date(2026, 2, 13)
    base = resolution_deadline("denunciation", received).due
    extended = resolution_deadline("denunciation", received, extensions=[20, 10])
    assert extended.extended_days == 30
    assert extended.due == _nth_working_day(
        received, 120, OFF_2026 | {date(2026, 9, 2), date(2026, 9, 1)}
    )
    assert extended.due > base
    assert extension_allowed("denunciation", received, days=10, granted=[20]).extension_cap == 30


@pytest.mark.django_db
def test_an_extension_beyond_the_cap_is_refused_citing_the_rule():
    with pytest.raises(ValidationError) as exc:
        extension_allowed("denunciation", IN_30, days=20, granted=[15])
    message = exc.value.message_dict["extension"][0]
    assert "35 ngày làm việc" in message and "30 ngày làm việc" in message
    assert "QĐ 30-QĐ/TW" in message and "15 ngày làm việc" in message and "đồng chí" in message
    with pytest.raises(ValidationError, match="vượt mức tối đa 60 ngày"):
        resolution_deadline(
            "denunciation",
            IN_21,
            "central",
            start_on=IN_21,
            extensions=[61],
            variant="central_cadre",
        )


@pytest.mark.django_db
def test_a_limit_without_a_sourced_extension_refuses_any():
    with pytest.raises(ValidationError, match="không cho gia hạn"):
        extension_allowed("complaint", IN_22, days=5)
    with pytest.raises(ValidationError, match="lớn hơn 0"):
        extension_allowed("denunciation", IN_22, days=0)


# --- office corrections of a value to be checked ------------------------------------------------


@pytest.mark.django_db
def test_a_commission_leader_corrects_a_limit_to_check():
    row = RuleRow.objects.get(family="letters_deadline", key="denunciation", starts_on=QD21)
    value = {
        "days": {"*": 60},
        "day_type": "calendar",
        "counts_from": "receipt",
        "extension_cap": {"*": 30},
    }
    rule_override(row, value=value, starts_on=date(2026, 6, 1), source="12-HD/TU", note="Theo tỉnh")
    bloc = OrgUnit.objects.get(code="HA.DBK")
    mine = time_limit("denunciation", date(2026, 6, 1), unit=bloc)
    assert (mine.days, mine.day_type) == (60, "calendar") and "12-HD/TU" in mine.citation
    assert time_limit("denunciation", date(2026, 6, 1)).days == 90  # elsewhere: the pack's value
    bad = {**value, "day_type": "weekdays"}
    with pytest.raises(ValidationError, match="day_type"):
        rule_override(row, value=bad, starts_on=date(2026, 7, 1), source="12-HD/TU", note="Sai")
