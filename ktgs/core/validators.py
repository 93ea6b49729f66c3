"""Checks on free text typed by users, shared by every app's services.

`reject_control_chars` refuses the characters that let a name lie about where a line ends or how
it reads: control characters (C0 U+0000–U+001F, DEL U+007F, C1 U+0080–U+009F — CR and LF
included), the Unicode line and paragraph separators (U+2028, U+2029) and the bidirectional
overrides and isolates (U+202A–U+202E, U+2066–U+2069) that display text in another order than
it is stored. They are refused, not stripped: a name is evidence, and the clerk should see and
correct what was pasted rather than have it silently changed.

Invisible format characters (Unicode category Cf: zero-width space U+200B, zero-width (non-)joiner
U+200C/U+200D, word joiner U+2060, BOM U+FEFF, soft hyphen U+00AD, …) are refused too, with their
own message: "Nguyễn\u200bVăn A" looks like "NguyễnVăn A" on screen, yet matches no search, sorts
elsewhere and makes a second record of the same person look different.
"""

import unicodedata

from django.core.exceptions import ValidationError

from ktgs.core.vietnamese import nfc

__all__ = ["NUL_IN_FIELD", "forbidden_char", "reject_control_chars", "reject_control_chars_in"]

# Django's CharField refuses a NUL with ProhibitNullCharactersValidator, whose message is English
# (its Vietnamese catalogue leaves it untranslated); CoreConfig.ready() sets this one instead.
NUL_IN_FIELD = (
    "Có ký tự rỗng (U+0000), không được phép. Hãy gõ lại nội dung này thay vì dán từ tài liệu khác."
)

_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_LINE_BREAKS = frozenset("\t\n\r")  # allowed in multi-line fields (a reason, a note)
_NAMES = {
    "\n": "xuống dòng",
    "\r": "về đầu dòng",
    "\t": "tab",
    "\x00": "ký tự rỗng",
    "\x1b": "ESC",
    "\x7f": "DEL",
    "\u2028": "ngắt dòng",
    "\u2029": "ngắt đoạn",
    "\u00ad": "gạch nối mềm",
    "\u200b": "khoảng trắng không độ rộng",
    "\u200c": "ký tự ngăn nối",
    "\u200d": "ký tự nối",
    "\u2060": "ký tự nối từ",
    "\ufeff": "dấu BOM",
}


def forbidden_char(value: str, *, multiline: bool = False) -> str | None:
    """The first character of `value` that a text field may not hold, or None."""
    for ch in value:
        if multiline and ch in _LINE_BREAKS:
            continue
        if ch in _BIDI_CONTROLS or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            return ch
    return None


def _is_invisible(ch: str) -> bool:
    """A format character that shows nothing (bidi controls keep the "điều khiển" message)."""
    return unicodedata.category(ch) == "Cf" and ch not in _BIDI_CONTROLS


def _describe(ch: str) -> str:
    code = f"U+{ord(ch):04X}"
    return f"{_NAMES[ch]}, {code}" if ch in _NAMES else code


def reject_control_chars(value: str | None, field_label: str, *, multiline: bool = False) -> str:
    """Return `value` unchanged ("" for None), or raise a ValidationError naming the field and
    the character, e.g. "Họ có ký tự điều khiển (xuống dòng, U+000A) …".

    Call it on the raw input, before `nfc()`: nfc turns CR/LF/tab into spaces and would hide
    them. `multiline=True` allows tab, CR and LF (a textarea), nothing else.
    """
    value = value or ""
    ch = forbidden_char(value, multiline=multiline)
    if ch is None:
        return value
    if _is_invisible(ch):
        raise ValidationError(
            f"{field_label} có ký tự ẩn ({_describe(ch)}), không nhìn thấy trên màn hình nhưng "
            "vẫn được lưu. Hãy xóa ký tự ẩn này: gõ lại nội dung thay vì dán từ tài liệu khác.",
            code="invisible_character",
        )
    raise ValidationError(
        f"{field_label} có ký tự điều khiển ({_describe(ch)}), không được phép. Hãy gõ lại "
        "nội dung này thay vì dán từ tài liệu khác.",
        code="control_character",
    )


def reject_control_chars_in(
    data: dict, labels: dict[str, str], *, multiline: frozenset[str] | set[str] = frozenset()
) -> None:
    """Check each field of `data` named in `labels` ({field: Vietnamese label}); raise one
    ValidationError keyed by field with every offending field. Fields in `multiline` may hold
    line breaks."""
    errors = {}
    for field, label in labels.items():
        value = data.get(field)
        if not isinstance(value, str):
            continue
        try:
            reject_control_chars(value, label, multiline=field in multiline)
        except ValidationError as exc:
            errors[field] = exc.messages
    if errors:
        raise ValidationError(errors)


def clean_text(
    value: str | None, label: str, key: str, *, required: bool = False, limit: int = 0
) -> str:
    """A free-text field of a service: no control characters (line breaks allowed), NFC, trimmed,
    required and at most `limit` characters when asked; errors keyed by `key`, in Vietnamese."""
    try:
        value = nfc(reject_control_chars(value or "", label, multiline=True)).strip()
    except ValidationError as exc:
        raise ValidationError({key: exc.messages}) from exc
    if required and not value:
        raise ValidationError({key: f"Cần ghi {label[:1].lower()}{label[1:]}."})
    if limit and len(value) > limit:
        raise ValidationError({key: f"{label} dài quá {limit} ký tự; hãy viết gọn lại."})
    return value
