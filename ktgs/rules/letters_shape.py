"""The shape of the letters families' values (data/letters_*.toml), checked when the pack is
read (`pack.read_pack`) and when a commission leader corrects a row (`services.rule_override`).

Kept free of model imports so that the pack reader stays usable from a migration.
"""

from ktgs.orgs.choices import Level
from ktgs.rules.choices import LetterFiler, LetterGround, LetterVerdict

KINDS = ("denunciation", "complaint")
DEADLINE_KEYS = (*KINDS, "denunciation:central_cadre")
DAY_TYPES = ("working", "calendar")
COUNTS_FROM = ("receipt", "decision")
HANDLING = {"anonymous_specific": "information", "mixed": "complaint_only"}
LEADS_TO = ("signs_of_violation",)
FIELDS = {
    "letters_filers": {"filers", "on_behalf", "text"},
    "letters_not_considered": {"grounds", "text"},
    "letters_handling": {"action", "may_lead_to", "text"},
    "letters_deadline": {"days", "day_type", "counts_from", "extension_cap"},
    "letters_verdict": {"item_verdicts", "letter_verdicts"},
}


def is_letters(family: str) -> bool:
    return family.startswith("letters_")


def problem(family: str, key: str, value: dict) -> str:
    """What is wrong with this value of a letters row, in Vietnamese; "" when it is right."""
    if family not in FIELDS:
        return f"nhóm quy tắc đơn thư không có: {family}"
    extra = set(value) - FIELDS[family]
    if extra:
        return f"giá trị có khóa lạ {sorted(extra)}"
    check = {
        "letters_filers": _filers,
        "letters_not_considered": _not_considered,
        "letters_handling": _handling,
        "letters_deadline": _deadline,
        "letters_verdict": _verdict,
    }[family]
    return check(key, value)


def _codes(values, allowed) -> bool:
    return isinstance(values, list) and bool(values) and set(values) <= set(allowed)


def _text(value: dict) -> bool:
    return isinstance(value.get("text"), str) and bool(value["text"].strip())


def _filers(key: str, value: dict) -> str:
    if key not in KINDS:
        return f"khóa phải là {KINDS}"
    if not _codes(value.get("filers"), LetterFiler.values):
        return f"filers phải là danh sách trong {LetterFiler.values}"
    if not isinstance(value.get("on_behalf"), bool) or not _text(value):
        return "cần on_behalf (true/false) và text"
    return ""


def _not_considered(key: str, value: dict) -> str:
    if key not in KINDS:
        return f"khóa phải là {KINDS}"
    if not _codes(value.get("grounds"), LetterGround.values) or not _text(value):
        return f"cần grounds (danh sách trong {LetterGround.values}) và text"
    return ""


def _handling(key: str, value: dict) -> str:
    if key not in HANDLING:
        return f"khóa phải là {tuple(HANDLING)}"
    if value.get("action") != HANDLING[key] or not _text(value):
        return f"cần action = {HANDLING[key]!r} và text"
    if key == "anonymous_specific" and value.get("may_lead_to") not in LEADS_TO:
        return f"may_lead_to phải là {LEADS_TO}"
    return ""


def _per_level(table, minimum: int) -> bool:
    levels = {*Level.values, "*"}
    return (
        isinstance(table, dict)
        and "*" in table
        and set(table) <= levels
        and all(
            isinstance(n, int) and not isinstance(n, bool) and n >= minimum for n in table.values()
        )
    )


def _deadline(key: str, value: dict) -> str:
    if key not in DEADLINE_KEYS:
        return f"khóa phải là {DEADLINE_KEYS}"
    if not _per_level(value.get("days"), 1):
        return 'days phải là bảng theo cấp (có "*"), số ngày lớn hơn 0'
    if value.get("day_type") not in DAY_TYPES:
        return f"day_type phải là {DAY_TYPES}"
    if value.get("counts_from") not in COUNTS_FROM:
        return f"counts_from phải là {COUNTS_FROM}"
    if "extension_cap" in value and not _per_level(value["extension_cap"], 0):
        return 'extension_cap phải là bảng theo cấp (có "*"), số ngày không âm'
    return ""


def _verdict(key: str, value: dict) -> str:
    if key != "denunciation":
        return 'khóa phải là "denunciation"'
    items, letters = value.get("item_verdicts"), value.get("letter_verdicts")
    if not _codes(items, LetterVerdict.values) or not _codes(letters, LetterVerdict.values):
        return f"item_verdicts, letter_verdicts phải là danh sách trong {LetterVerdict.values}"
    return ""
