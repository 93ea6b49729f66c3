"""`DocumentNumber`: the number and symbol of a Party document, e.g. `22-NQ/ĐUK`.

Shape (HD 05-HD/VPTW of 2026, formerly HD 36-HD/VPTW; domain rules §9): the sequence
number, a hyphen, the document type's abbreviation, a slash, the issuer's symbol. Numbers below
10 carry a leading zero (`05-BC/CB`). State documents are written the other way round
(`22/2025/NĐ-CP`); such input is refused with the Party form suggested.

A `DocumentNumber` is a `str` holding the canonical text, so it stores, compares, prints and
goes into JSON (audit details) as text; `.sequence`, `.doc_type` and `.issuer` give its parts.
Type abbreviations are case-sensitive (`QĐi` ≠ `QĐ`); `DOCUMENT_TYPES` is the list, as data.
"""

from __future__ import annotations

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.db import models

from ktgs.core.vietnamese import fold

__all__ = [
    "DOCUMENT_TYPES",
    "DocumentNumber",
    "DocumentNumberField",
    "DocumentNumberFormField",
]

# Abbreviation → Vietnamese name (domain-rules.md §9, HD 05-HD/VPTW). Folded keys are distinct,
# so a type typed in the wrong case or without diacritics ("qdi", "DA") is recognised.
DOCUMENT_TYPES: dict[str, str] = {
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "QĐi": "Quy định",
    "CT": "Chỉ thị",
    "KL": "Kết luận",
    "QC": "Quy chế",
    "HD": "Hướng dẫn",
    "KH": "Kế hoạch",
    "BC": "Báo cáo",
    "TB": "Thông báo",
    "TTr": "Tờ trình",
    "CTr": "Chương trình",
    "CTHĐ": "Chương trình hành động",
    "ĐA": "Đề án",
    "CV": "Công văn",
    "BB": "Biên bản",
    "BS": "Bản sao",
}
_BY_FOLDED = {fold(code): code for code in DOCUMENT_TYPES}

MAX_SEQUENCE = 99_999
EXAMPLE = "22-NQ/ĐUK"
SHAPE = (
    "số thứ tự, gạch ngang, chữ viết tắt loại văn bản, gạch chéo, ký hiệu cơ quan ban hành "
    f"(ví dụ {EXAMPLE}, 04-ĐA/TU)"
)

_LETTER = r"A-Za-zĐđ"
_ISSUER = rf"[A-ZĐ][{_LETTER}0-9]*(?:-[{_LETTER}0-9]+)*"
_PARTY = re.compile(rf"(\d{{1,6}})\s*-\s*([{_LETTER}]+)\s*/\s*([{_LETTER}0-9-]+)")
# State style: 22/NQ-ĐUK, 22/2025/NQ-CP, 112/2020/NĐ-CP.
_STATE = re.compile(rf"(\d{{1,6}})\s*/\s*(?:(\d{{4}})\s*/\s*)?([{_LETTER}]+)\s*-\s*({_ISSUER})")
_PREFIX = re.compile(r"^số\s*:?\s*", re.IGNORECASE)
# Dashes pasted from word processors, and the legacy look-alikes of Đ/đ (eth).
_TRANSLATE = str.maketrans({"–": "-", "—": "-", "‐": "-", "‑": "-", "Ð": "Đ", "ð": "đ"})


def _clean(text: str) -> str:
    text = unicodedata.normalize("NFC", str(text)).translate(_TRANSLATE)
    return _PREFIX.sub("", " ".join(text.split()))


def _doc_type(typed: str, shown: str) -> str:
    if typed in DOCUMENT_TYPES:
        return typed
    known = _BY_FOLDED.get(fold(typed))
    if known is not None:
        raise ValidationError(
            f"Số văn bản “{shown}”: loại văn bản viết là “{known}” ({DOCUMENT_TYPES[known]}), "
            f"không phải “{typed}” — chữ hoa, chữ thường và dấu phải đúng.",
            code="doc_type_case",
        )
    listed = ", ".join(f"{code} ({name.lower()})" for code, name in DOCUMENT_TYPES.items())
    raise ValidationError(
        f"Số văn bản “{shown}”: “{typed}” không phải loại văn bản của Đảng. Các loại: {listed}.",
        code="doc_type_unknown",
    )


def _refuse_shape(text: str) -> None:
    state = _STATE.fullmatch(text)
    if state:
        number, _year, doc_type, issuer = state.groups()
        party = f"{int(number):02d}-{doc_type}/{issuer}"
        raise ValidationError(
            f"“{text}” là cách ghi số văn bản nhà nước. Số văn bản của Đảng viết là {party} "
            "(số thứ tự, gạch ngang, loại văn bản, gạch chéo, cơ quan ban hành; không ghi năm).",
            code="state_style",
        )
    raise ValidationError(
        f"Số văn bản “{text}” không đúng dạng. Số văn bản của Đảng gồm {SHAPE}.",
        code="shape",
    )


def parse_parts(text: str) -> tuple[int, str, str]:
    """(sequence, type, issuer) of a Party document number, or a ValidationError saying why."""
    cleaned = _clean(text)
    match = _PARTY.fullmatch(cleaned)
    if match is None:
        _refuse_shape(cleaned)
    number, typed, issuer = match.groups()
    doc_type = _doc_type(typed, cleaned)
    return _checked(int(number), doc_type, issuer, cleaned)


def _checked(sequence: int, doc_type: str, issuer: str, shown: str) -> tuple[int, str, str]:
    if not 1 <= sequence <= MAX_SEQUENCE:
        raise ValidationError(
            f"Số văn bản “{shown}”: số thứ tự phải từ 01 đến {MAX_SEQUENCE}.", code="sequence"
        )
    if doc_type not in DOCUMENT_TYPES:
        _doc_type(doc_type, shown)
    if not re.fullmatch(_ISSUER, issuer):
        raise ValidationError(
            f"Số văn bản “{shown}”: ký hiệu cơ quan ban hành “{issuer}” phải bắt đầu bằng chữ "
            "in hoa và chỉ gồm chữ, chữ số (ví dụ ĐUK, UBKTTU).",
            code="issuer",
        )
    return sequence, doc_type, issuer


def is_issuer_symbol(text: str) -> bool:
    """Is `text` the shape of a ký hiệu cơ quan ban hành (ĐUK, UBKTTU, ĐU-BQP)?"""
    return re.fullmatch(_ISSUER, text or "") is not None


class DocumentNumber(str):
    """A Party document number as its canonical text: `DocumentNumber(" 5 - NQ / ĐUK ")` is
    "05-NQ/ĐUK". Raises ValidationError (Vietnamese, naming the input) for anything else."""

    sequence: int
    doc_type: str
    issuer: str

    def __new__(cls, text: str) -> DocumentNumber:
        if isinstance(text, DocumentNumber):
            return text
        return cls._make(*parse_parts(text))

    @classmethod
    def of(cls, sequence: int, doc_type: str, issuer: str) -> DocumentNumber:
        shown = f"{sequence}-{doc_type}/{issuer}"
        issuer = unicodedata.normalize("NFC", issuer).strip()
        return cls._make(*_checked(int(sequence), doc_type, issuer, shown))

    @classmethod
    def _make(cls, sequence: int, doc_type: str, issuer: str) -> DocumentNumber:
        value = super().__new__(cls, f"{sequence:02d}-{doc_type}/{issuer}")
        value.sequence, value.doc_type, value.issuer = sequence, doc_type, issuer
        return value

    def __reduce__(self):
        return (DocumentNumber, (str(self),))

    @property
    def type_name(self) -> str:
        """The type's Vietnamese name: "Nghị quyết"."""
        return DOCUMENT_TYPES[self.doc_type]


class DocumentNumberFormField(forms.CharField):
    """A text input that cleans to a `DocumentNumber` (refusals in Vietnamese)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 60)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault("placeholder", EXAMPLE)
        self.widget.attrs.setdefault("spellcheck", "false")

    def to_python(self, value):
        value = super().to_python(value)
        return DocumentNumber(value) if value not in self.empty_values else value


class DocumentNumberField(models.CharField):
    """Stores the canonical text; reads back a `DocumentNumber`; `full_clean()` refuses any
    other shape with the value type's message. Lookups with a non-canonical spelling of a
    valid number ("5-NQ/ĐUK") match the stored "05-NQ/ĐUK"."""

    description = "Số, ký hiệu văn bản của Đảng"

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 60)
        super().__init__(*args, **kwargs)

    def from_db_value(self, value, expression, connection):
        return self._number_or_text(value)

    def to_python(self, value):
        if value in self.empty_values or isinstance(value, DocumentNumber):
            return value
        return DocumentNumber(value)

    def get_prep_value(self, value):
        value = models.Field.get_prep_value(self, value)  # not CharField's: it would validate
        return str(self._number_or_text(value)) if isinstance(value, str) else value

    @staticmethod
    def _number_or_text(value):
        if not value:
            return value
        try:
            return DocumentNumber(value)
        except ValidationError:
            return value  # a row written before validation: shown as stored, never hidden

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": DocumentNumberFormField, **kwargs})
