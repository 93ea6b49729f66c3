"""Every row of the rule pack: source, dates, status and value shape; loading."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from ktgs.core.choices import InspectionKind
from ktgs.core.docnumber import DocumentNumber
from ktgs.orgs.choices import BodyKind, Level
from ktgs.rules.choices import RuleOrigin, RuleStatus, Step
from ktgs.rules.models import RuleRow
from ktgs.rules.pack import NAMED_SOURCES, load_pack, read_pack

ROWS = read_pack()


def row_id(row):
    return f"{row['family']}/{row['key']}/{row['starts_on']}"


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_row_shape(row):
    assert row["source"] in NAMED_SOURCES or DocumentNumber(row["source"]) == row["source"]
    assert row["status"] in RuleStatus.values
    assert isinstance(row["starts_on"], date)
    assert row["ends_on"] is None or row["ends_on"] > row["starts_on"]
    if row["status"] == RuleStatus.TO_CHECK:
        assert row["note"], "a row to be checked says what is uncertain"
    kind, _, body = row["key"].partition(":")
    if row["family"] == "competence":
        assert kind in InspectionKind.values and (body == "*" or body in BodyKind.values)
        assert isinstance(row["value"]["allowed"], bool)
        assert set(row["value"].get("levels", [])) <= set(Level.values)
        if not row["value"]["allowed"] or "levels" in row["value"] or "condition" in row["value"]:
            assert row["value"]["reason"]  # every refusal can say why
    elif row["family"] == "steps":
        assert row["key"] == "*" or row["key"] in InspectionKind.values
        assert set(row["value"]["steps"]) <= set(Step.values)
        assert set(row["value"]["optional"]) <= set(row["value"]["steps"])
    elif row["family"] == "duration":
        assert row["key"] == "*" or row["key"] in InspectionKind.values
        assert set(row["value"]["days"]) <= set(Level.values)
        assert row["value"]["day_type"] in ("working", "calendar")
    elif row["family"] == "unit_level":
        assert row["key"] == "commune" and row["value"]["level"] in Level.values
    elif not row["family"].startswith(
        ("discipline_", "letters_")
    ):  # test_*_pack.py, test_letters_rules.py
        pytest.fail(f"unknown family {row['family']}")


def test_no_two_rows_of_a_key_overlap():
    by_key = {}
    for row in ROWS:
        by_key.setdefault((row["family"], row["key"]), []).append(row)
    for rows in by_key.values():
        rows.sort(key=lambda r: r["starts_on"])
        for earlier, later in zip(rows, rows[1:], strict=False):
            assert earlier["ends_on"] is not None and earlier["ends_on"] <= later["starts_on"]


QD30 = date(2016, 7, 26)  # QĐ 30-QĐ/TW, the earliest regime the pack answers for


@pytest.mark.parametrize("family", ["competence", "steps"])
def test_every_key_holds_without_a_gap_from_qd30_on(family):
    by_key = {}
    for row in ROWS:
        if row["family"] == family:
            by_key.setdefault(row["key"], []).append(row)
    for key, rows in by_key.items():
        rows.sort(key=lambda r: r["starts_on"])
        assert rows[0]["starts_on"] == QD30, key
        for earlier, later in zip(rows, rows[1:], strict=False):
            assert earlier["ends_on"] == later["starts_on"], (key, later["starts_on"])
        assert rows[-1]["ends_on"] is None, key


@pytest.mark.django_db
def test_database_holds_the_files_rows_and_reload_changes_nothing():
    def natural():
        return set(
            RuleRow.objects.filter(origin=RuleOrigin.PACK).values_list("family", "key", "starts_on")
        )

    files = {(r["family"], r["key"], r["starts_on"]) for r in ROWS}
    assert natural() == files
    assert load_pack() == (len(ROWS), 0)
    assert natural() == files


BAD_FILES = [
    ('[[row]]\nkey = "x"\nstarts_on = 2025-01-01\nstatus = "confirmed"\nvalue = {}\n', "thiếu"),
    (
        '[[row]]\nkey = "x"\nstarts_on = 2025-01-01\nstatus = "maybe"\nsource = "Điều lệ Đảng"\nvalue = {}\n',
        "tình trạng",
    ),
    (
        '[[row]]\nkey = "x"\nstarts_on = 2025-01-01\nends_on = 2024-01-01\nstatus = "confirmed"\nsource = "Điều lệ Đảng"\nvalue = {}\n',
        "ngày kết thúc",
    ),
]


@pytest.mark.parametrize("text, says", BAD_FILES)
def test_bad_file_is_refused_naming_file_and_row(tmp_path, text, says):
    (tmp_path / "competence.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as err:
        read_pack(tmp_path)
    assert "competence.toml, dòng 1" in str(err.value) and says in str(err.value)


def test_state_style_source_is_refused(tmp_path):
    text = '[[row]]\nkey = "x"\nstarts_on = 2025-01-01\nstatus = "confirmed"\nsource = "123/QĐ-UBND"\nvalue = {}\n'
    (tmp_path / "competence.toml").write_text(text, encoding="utf-8")
    with pytest.raises(ValidationError):
        read_pack(tmp_path)


@pytest.mark.django_db
def test_rules_load_command_reports_the_rows():
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("rules", "load", stdout=out)
    assert (
        out.getvalue().strip() == f"Đã nạp {len(ROWS)} dòng quy tắc; bỏ 0 dòng không còn trong tệp."
    )


@pytest.mark.django_db
def test_rows_gone_from_the_files_are_dropped_unless_an_office_corrects_them(tmp_path):
    from ktgs.rules.tests.helpers import override as rule_override

    corrected = RuleRow.objects.get(key="assets:inspection", starts_on=date(2026, 4, 11))
    rule_override(corrected, value={"allowed": True}, starts_on=date(2026, 9, 1), source="12-HD/TU")
    (tmp_path / "steps.toml").write_text(
        '[[row]]\nkey = "*"\nstarts_on = 2021-12-22\nstatus = "confirmed"\n'
        'source = "354-QĐ/UBKTTW"\nvalue = { steps = ["decision"], optional = [] }\n',
        encoding="utf-8",
    )
    assert load_pack(data_dir=tmp_path) == (1, len(ROWS) - 2)
    left = RuleRow.objects.filter(origin=RuleOrigin.PACK)
    assert set(left.values_list("key", flat=True)) == {"*", "assets:inspection"}


def test_a_missing_pack_folder_is_an_error_not_an_empty_pack(tmp_path):
    with pytest.raises(FileNotFoundError, match="Không tìm thấy tệp quy tắc"):
        read_pack(tmp_path / "khong-co")
    assert len(ROWS) > 20  # the files are in the repository (they were once git-ignored)


@pytest.mark.django_db
def test_reload_restores_a_changed_row_and_a_missing_one_in_a_few_queries(
    django_assert_max_num_queries,
):
    pack = RuleRow.objects.filter(origin=RuleOrigin.PACK, corrections__isnull=True)
    changed = pack.order_by("pk").first()
    right = (changed.value, changed.note)
    pack.filter(pk=changed.pk).update(value={"changed": True}, note="sửa tay")
    missing = pack.order_by("-pk").first()
    natural = (missing.family, missing.key, missing.starts_on)
    missing.delete()
    untouched = pack.exclude(pk=changed.pk).order_by("pk").first()
    with django_assert_max_num_queries(8):  # read, update, insert: not one per row
        assert load_pack() == (len(ROWS), 0)
    changed.refresh_from_db()
    assert (changed.value, changed.note) == right
    family, key, starts_on = natural
    assert pack.filter(family=family, key=key, starts_on=starts_on).count() == 1
    assert RuleRow.objects.get(pk=untouched.pk).value == untouched.value
    assert RuleRow.objects.filter(origin=RuleOrigin.PACK).count() == len(ROWS)
