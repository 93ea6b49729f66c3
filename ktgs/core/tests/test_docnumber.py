"""Party document numbers: the shapes accepted (and their canonical text), the shapes refused
(and what the message tells the clerk), the model field and the form field."""

import unicodedata

import pytest
from django.core.exceptions import ValidationError

from ktgs.core.docnumber import (
    DOCUMENT_TYPES,
    DocumentNumber,
    DocumentNumberField,
    DocumentNumberFormField,
)
from ktgs.core.vietnamese import fold

# typed → canonical, sequence, type, issuer (examples from the example report and the rules)
ACCEPTED = [
    ("22-NQ/ĐUK", "22-NQ/ĐUK", 22, "NQ", "ĐUK"),
    ("04-ĐA/TU", "04-ĐA/TU", 4, "ĐA", "TU"),
    ("07-QĐi/TW", "07-QĐi/TW", 7, "QĐi", "TW"),
    ("296-QĐ/TW", "296-QĐ/TW", 296, "QĐ", "TW"),
    ("05-CTr/ĐUK", "05-CTr/ĐUK", 5, "CTr", "ĐUK"),
    ("12-KL/UBKTTU", "12-KL/UBKTTU", 12, "KL", "UBKTTU"),
    ("2051-QĐ/UBKTTW", "2051-QĐ/UBKTTW", 2051, "QĐ", "UBKTTW"),
    ("5-BC/CB", "05-BC/CB", 5, "BC", "CB"),  # at least two digits
    ("005-BC/CB", "05-BC/CB", 5, "BC", "CB"),
    ("  22 - NQ / ĐUK  ", "22-NQ/ĐUK", 22, "NQ", "ĐUK"),  # spaces tolerated
    ("Số 22-NQ/ĐUK", "22-NQ/ĐUK", 22, "NQ", "ĐUK"),  # as printed under the header
    ("số: 174-TB/TW", "174-TB/TW", 174, "TB", "TW"),
    ("22–NQ/ĐUK", "22-NQ/ĐUK", 22, "NQ", "ĐUK"),  # en dash from a word processor
    ("22-NQ/ÐUK", "22-NQ/ĐUK", 22, "NQ", "ĐUK"),  # legacy look-alike Ð (U+00D0)
    ("22-NQ/\u0110UK", "22-NQ/ĐUK", 22, "NQ", "ĐUK"),
    ("147-CTHĐ/TU", "147-CTHĐ/TU", 147, "CTHĐ", "TU"),
    ("09-KL/BCĐ", "09-KL/BCĐ", 9, "KL", "BCĐ"),
]


@pytest.mark.parametrize(("typed", "canonical", "sequence", "doc_type", "issuer"), ACCEPTED)
def test_accepted_numbers_read_as_their_canonical_form(
    typed, canonical, sequence, doc_type, issuer
):
    number = DocumentNumber(typed)
    assert number == canonical and str(number) == canonical
    assert (number.sequence, number.doc_type, number.issuer) == (sequence, doc_type, issuer)


def test_decomposed_input_is_normalised_first():
    typed = unicodedata.normalize("NFD", "Số 22-NQ/ĐUK")  # "Số" with combining marks
    assert typed != "Số 22-NQ/ĐUK"
    assert DocumentNumber(typed) == "22-NQ/ĐUK"


# typed → words the refusal must contain
REFUSED = [
    ("22/NQ-ĐUK", ["nhà nước", "Số văn bản của Đảng viết là 22-NQ/ĐUK"]),
    ("22/2025/NQ-CP", ["nhà nước", "22-NQ/CP", "không ghi năm"]),
    ("112/2020/NĐ-CP", ["nhà nước"]),
    ("NQ-22/ĐUK", ["không đúng dạng", "gạch ngang", "ví dụ 22-NQ/ĐUK"]),
    ("22 NQ ĐUK", ["không đúng dạng"]),
    ("22-NQ", ["không đúng dạng"]),
    ("", ["không đúng dạng"]),
    ("22-qđi/TW", ["QĐi", "Quy định", "chữ hoa"]),
    ("22-QD/TW", ["QĐ", "Quyết định"]),
    ("22-ctr/ĐUK", ["CTr"]),
    ("22-XYZ/TW", ["XYZ", "không phải loại văn bản", "NQ (nghị quyết)"]),
    ("00-NQ/ĐUK", ["số thứ tự phải từ 01"]),
    ("22-NQ/đuk", ["ký hiệu cơ quan ban hành", "chữ in hoa"]),
]


@pytest.mark.parametrize(("typed", "words"), REFUSED)
def test_refused_numbers_say_what_is_wrong(typed, words):
    with pytest.raises(ValidationError) as caught:
        DocumentNumber(typed)
    message = " ".join(caught.value.messages)
    for word in words:
        assert word in message, (typed, message)


def test_of_formats_with_two_digits_and_checks_its_parts():
    assert DocumentNumber.of(5, "CTr", "ĐUK") == "05-CTr/ĐUK"
    assert DocumentNumber.of(123, "QĐ", "UBKTĐUK") == "123-QĐ/UBKTĐUK"
    with pytest.raises(ValidationError):
        DocumentNumber.of(0, "NQ", "ĐUK")
    with pytest.raises(ValidationError):
        DocumentNumber.of(1, "Nq", "ĐUK")


def test_type_list_has_names_and_distinct_folded_keys():
    assert DOCUMENT_TYPES["QĐi"] == "Quy định" and DOCUMENT_TYPES["QĐ"] == "Quyết định"
    assert len({fold(code) for code in DOCUMENT_TYPES}) == len(DOCUMENT_TYPES)
    assert DocumentNumber("04-ĐA/TU").type_name == "Đề án"


def test_model_field_stores_canonical_text_and_refuses_other_shapes():
    field = DocumentNumberField("số")
    field.set_attributes_from_name("number")
    assert field.get_prep_value(" 5-NQ/ĐUK") == "05-NQ/ĐUK"
    assert field.get_prep_value("not a number") == "not a number"  # a lookup finds nothing
    assert field.clean("5 - NQ/ĐUK", None) == "05-NQ/ĐUK"
    with pytest.raises(ValidationError, match="nhà nước"):
        field.clean("22/NQ-ĐUK", None)
    assert isinstance(field.from_db_value("22-NQ/ĐUK", None, None), DocumentNumber)


def test_form_field_cleans_to_a_document_number():
    field = DocumentNumberFormField()
    number = field.clean(" 7 -QĐi/ TW")
    assert isinstance(number, DocumentNumber) and number == "07-QĐi/TW"
    with pytest.raises(ValidationError, match="Số văn bản của Đảng viết là 22-NQ/ĐUK"):
        field.clean("22/NQ-ĐUK")
    assert DocumentNumberFormField(required=False).clean("") == ""
    assert 'placeholder="22-NQ/ĐUK"' in field.widget.render("so", "")
