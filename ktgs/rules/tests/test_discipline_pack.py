"""The discipline families of the pack: every row's shape, no gap in a key's history, and
docs/rules.md generated from the pack (CI fails when it differs)."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from ktgs.core.choices import (
    DisciplineForm,
    DisciplineSubject,
    SubjectRelation,
    ViolationCategory,
    ViolationKind,
)
from ktgs.orgs.choices import BodyKind, Level
from ktgs.rules import docs
from ktgs.rules.pack import read_pack

ROWS = [r for r in read_pack() if r["family"].startswith("discipline_")]
COMPETENCE_VALUES = {"decide", "propose", "none", "decide_if_admits"}
UNITS = {"days", "working_days", "months"}


def row_id(row):
    return f"{row['family']}/{row['key']}/{row['starts_on']}"


def _check_competence(row):
    body, level = row["key"].split(":")
    assert body in BodyKind.values and (level == "*" or level in Level.values)
    for relation, per_kind in row["value"].items():
        assert relation in SubjectRelation.values
        for kind, forms in per_kind.items():
            assert kind == "*" or kind in ViolationKind.values
            assert set(forms) <= set(DisciplineForm.values)
            assert set(forms.values()) <= COMPETENCE_VALUES


def _check(row):
    family, key, value = row["family"], row["key"], row["value"]
    if family == "discipline_forms":
        assert key in DisciplineSubject.values and set(value["forms"]) <= set(DisciplineForm.values)
    elif family == "discipline_competence":
        _check_competence(row)
    elif family == "discipline_vote":
        assert key in BodyKind.values and value["share"] in ("more_than_half", "two_thirds")
        assert value["denominator"] in ("cell_full_members", "seated_members")
    elif family == "discipline_limitation":
        assert key in DisciplineForm.values and value.get("years", 1) > 0 and value["exceptions"]
    elif family == "discipline_limitation_scope":
        assert key in ("member", "organisation") and isinstance(value["restart"], bool)
        assert set(value["no_limitation"]) <= set(ViolationCategory.values)
    elif family == "discipline_effect":
        assert key in ("cell_meeting", "*") and value["from"] in ("announcement", "signing")
    elif family == "discipline_effect_end":
        assert key == "*" and value["months"] > 0
        assert value["from"] in ("announcement", "effective")
    elif family == "discipline_bar":
        assert key in DisciplineForm.values and value["months"] > 0
        assert value["from"] in ("announcement", "signing")
    elif family == "discipline_appeal":
        assert value["unit"] in UNITS and value["start"] in ("announcement", "receipt")
    elif family == "discipline_suspension":
        assert key in ("member", "organisation") and value["unit"] in UNITS
        assert value["days"] + value["extension_days"] >= value["cap"] >= value["days"]
    elif family == "discipline_suspension_competence":
        assert key in ("member", "organisation") and value["min_levels_above"] >= 0
        assert value["bodies"] and set(value["bodies"]) <= set(BodyKind.values)
    elif family == "discipline_after":
        assert key == "*" and set(value["months"]) <= set(DisciplineForm.values)
        assert all(n > 0 for n in value["months"].values())
    else:
        pytest.fail(f"unknown family {family}")


@pytest.mark.parametrize("row", ROWS, ids=row_id)
def test_row_shape(row):
    _check(row)
    if row["status"] == "to_check":
        assert row["note"], "a row to be checked says what is uncertain"


FIRST = {  # the earliest regime of each family
    "discipline_limitation": date(2017, 11, 15),  # QĐ 102-QĐ/TW
    "discipline_limitation_scope": date(2017, 11, 15),  # QĐ 102-QĐ/TW (members)
    "discipline_bar": date(2011, 1, 19),  # Điều lệ Đảng (Đại hội XI, 19/01/2011), Điều 40
    "discipline_after": date(2022, 8, 18),  # QĐ 80-QĐ/TW (QĐ 50, 41-QĐ/TW before: not in the pack)
}
CHARTER_2011 = date(2011, 11, 1)  # QĐ 45, 46-QĐ/TW


def test_every_key_holds_without_a_gap_from_its_first_regime():
    by_key = {}
    for row in ROWS:
        by_key.setdefault((row["family"], row["key"]), []).append(row)
    for (family, key), rows in by_key.items():
        rows.sort(key=lambda r: r["starts_on"])
        if family.startswith("discipline_limitation"):  # QĐ 102-QĐ/TW; QĐ 07-QĐi/TW
            first = date(2018, 8, 28) if key in ("dissolution", "organisation") else FIRST[family]
        else:
            first = FIRST.get(family, CHARTER_2011)
        assert rows[0]["starts_on"] == first, (family, key)
        for earlier, later in zip(rows, rows[1:], strict=False):
            assert earlier["ends_on"] == later["starts_on"], (family, key, later["starts_on"])
        assert rows[-1]["ends_on"] is None, (family, key)


def test_the_2025_and_2026_changes_start_rows():
    starts = {(r["family"], r["starts_on"]) for r in ROWS}
    assert ("discipline_competence", date(2025, 5, 30)) in starts  # QĐ 296-QĐ/TW
    assert ("discipline_suspension", date(2026, 4, 11)) in starts  # QĐ 21-QĐ/TW
    assert ("discipline_limitation", date(2026, 8, 17)) in starts  # QĐ 212-QĐ/TW


def test_docs_rules_md_is_what_the_pack_generates():
    """CI: docs/rules.md must be regenerated (`ktgs rules docs`) after a data change."""
    out = StringIO()
    call_command("rules", "docs", "--check", stdout=out)
    assert "khớp" in out.getvalue()
    text = docs.DOCS_PATH.read_text(encoding="utf-8")
    assert "### `discipline_competence`" in text and "| `cell_meeting:*` |" in text


def test_docs_check_fails_in_vietnamese_when_the_page_differs(tmp_path, monkeypatch):
    stale = tmp_path / "rules.md"
    stale.write_text("# cũ\n", encoding="utf-8")
    monkeypatch.setattr(docs, "DOCS_PATH", stale)
    with pytest.raises(CommandError, match="không khớp với bộ quy tắc"):
        call_command("rules", "docs", "--check", stdout=StringIO())
    call_command("rules", "docs", stdout=StringIO())  # writes it again
    assert stale.read_text(encoding="utf-8") == docs.render()
