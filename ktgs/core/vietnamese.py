"""Vietnamese text helpers: normalisation, search folding, name sorting, number and date formats.

Name sort key layout (see ``name_sort_key``)
--------------------------------------------
The key is a string of exactly 200 ASCII digits, so every database collation (PostgreSQL
``en_US.UTF-8``, SQLite ``BINARY``, ...) orders it exactly as Python's ``str`` ordering does::

    key = G1 G2 | M1 M2 M3 M4 | F1 F2          8 word blocks x 25 digits = 200 digits
          given   middle        family

* Vietnamese people are ordered by given name first, then middle name(s), then family name,
  so the given name's blocks come first.
* Each part is split on whitespace into words and padded with all-zero blocks (or truncated)
  to a fixed number of blocks: given 2, middle 4, family 2. An all-zero block sorts before any
  real word, so "Văn" sorts before "Văn Minh", and one part can never bleed into the next.
* One word block is 25 digits: 12 letters x 2 digits, then 1 tone digit.

  - Letter codes 01..33 follow the Vietnamese alphabet, with the foreign letters f, j, w, z in
    their Latin places: a ă â b c d đ e ê f g h i j k l m n o ô ơ p q r s t u ư v w x y z.
    Letters are compared case-insensitively. A word shorter than 12 letters is padded with
    "00" (so a prefix sorts first); a longer word is truncated to 12 letters.
  - The tone digit comes after all letters, so letters decide first and the tone only breaks
    ties: 0 none, 1 huyền (U+0300), 2 hỏi (U+0309), 3 ngã (U+0303), 4 sắc (U+0301),
    5 nặng (U+0323). If a word carries several tone marks, the first one found counts.

* Input may be NFC or NFD: it is decomposed with NFD, the breve (U+0306), circumflex (U+0302)
  and horn (U+031B) turn a/e/o/u into ă â ê ô ơ ư, and tone marks are read wherever they sit
  ("Hoà" and "Hòa" get the same key). đ/Đ (U+0111/U+0110, and the look-alike Ð U+00D0 left by
  legacy encodings) is its own letter. Anything else that is not one of the 33 letters
  (hyphen, apostrophe, dot, digits, other scripts) is ignored.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

__all__ = [
    "fold",
    "format_count",
    "format_date",
    "format_int",
    "name_sort_key",
    "nfc",
    "parse_date",
    "text_sort_key",
]

# --- normalisation and search folding --------------------------------------------------------

# U+00D0/U+00F0 (eth) look like Đ/đ and appear in names converted from legacy encodings.
_D_STROKE = str.maketrans({"đ": "d", "Đ": "d", "Ð": "d", "ð": "d"})


def nfc(text: str) -> str:
    """NFC-normalise, strip and collapse every run of whitespace to one space."""
    return " ".join(unicodedata.normalize("NFC", text).split())


def fold(text: str) -> str:
    """Search key without diacritics, đ → d, lower case: "Nguyễn Văn A" → "nguyen van a"."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(bare.translate(_D_STROKE).lower().split())


# --- name sort key ---------------------------------------------------------------------------

_ALPHABET = "aăâbcdđeêfghijklmnoôơpqrstuưvwxyz"
_LETTER_CODES = {letter: index for index, letter in enumerate(_ALPHABET, start=1)}
_LETTER_CODES["ð"] = _LETTER_CODES["đ"]  # lower-cased Ð (U+00D0), see module docstring

_TONE_DIGITS = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}
_MODIFIED_LETTERS = {
    ("a", "\u0306"): "ă",
    ("a", "\u0302"): "â",
    ("e", "\u0302"): "ê",
    ("o", "\u0302"): "ô",
    ("o", "\u031b"): "ơ",
    ("u", "\u031b"): "ư",
}

_LETTERS_PER_WORD = 12
_BLOCK_WIDTH = 2 * _LETTERS_PER_WORD + 1
_EMPTY_BLOCK = "0" * _BLOCK_WIDTH
_GIVEN_WORDS, _MIDDLE_WORDS, _FAMILY_WORDS = 2, 4, 2


def _word_letters_and_tone(word: str) -> tuple[list[str], int]:
    """The alphabet letters of one word (modifiers applied) and its tone digit."""
    letters: list[str] = []
    tone = 0
    last = None  # the letter a following combining modifier applies to
    for ch in unicodedata.normalize("NFD", word.lower()):
        if ch in _TONE_DIGITS:
            tone = tone or _TONE_DIGITS[ch]
        elif unicodedata.combining(ch):
            modified = _MODIFIED_LETTERS.get((last, ch))
            if modified:
                letters[-1] = last = modified
        elif ch in _LETTER_CODES:
            letters.append(ch)
            last = ch
        else:
            last = None
    return letters, tone


def _word_block(letters: list[str], tone: int) -> str:
    codes = "".join(f"{_LETTER_CODES[ch]:02d}" for ch in letters[:_LETTERS_PER_WORD])
    return codes.ljust(2 * _LETTERS_PER_WORD, "0") + str(tone)


def _part_blocks(part: str, word_count: int) -> str:
    words = [_word_letters_and_tone(word) for word in part.split()]
    blocks = [_word_block(letters, tone) for letters, tone in words if letters]
    blocks = blocks[:word_count] + [_EMPTY_BLOCK] * (word_count - len(blocks))
    return "".join(blocks)


def name_sort_key(family: str, middle: str, given: str) -> str:
    """200-digit key ordering people the Vietnamese way: given, then middle, then family name."""
    return (
        _part_blocks(given, _GIVEN_WORDS)
        + _part_blocks(middle, _MIDDLE_WORDS)
        + _part_blocks(family, _FAMILY_WORDS)
    )


def text_sort_key(text: str) -> str:
    """Digits-only key ordering any text (e.g. a unit's name) in Vietnamese alphabetical order,
    word by word, with the same letter and tone order as `name_sort_key`."""
    words = [_word_letters_and_tone(word) for word in text.split()]
    return "".join(_word_block(letters, tone) for letters, tone in words if letters)[:250]


# --- numbers ---------------------------------------------------------------------------------


def format_int(n: int) -> str:
    """Thousands separated by dots: 1234567 → "1.234.567"."""
    return f"{n:,}".replace(",", ".")


def format_count(n: int) -> str:
    """A count as official reports write it: "04" below ten, else like format_int ("4.759"); none
    is "0" (an empty cell of a table, never "00")."""
    if 0 < n < 10:
        return f"{n:02d}"
    return format_int(n)


# --- dates -----------------------------------------------------------------------------------

_DMY = re.compile(r"([0-9]{1,2})([/.-])([0-9]{1,2})\2([0-9]+)")
_ISO = re.compile(r"([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})")
_HOW = "hãy nhập theo dạng ngày/tháng/năm, ví dụ 30/06/2023."


def format_date(d: date | None) -> str:
    """Format as dd/mm/yyyy; "" for None."""
    return "" if d is None else d.strftime("%d/%m/%Y")


def parse_date(text: str) -> date:
    """Read "dd/mm/yyyy" ("/", "-" or "." between parts; 1-digit day/month ok) or "yyyy-mm-dd".

    Raises ValueError with a Vietnamese message for anything else or an impossible date.
    """
    cleaned = text.strip()
    if not cleaned:
        raise ValueError(f"Chưa nhập ngày: {_HOW}")
    invalid = f'Ngày "{cleaned}" không hợp lệ: '
    if match := _ISO.fullmatch(cleaned):
        year, month, day = match.groups()
    elif match := _DMY.fullmatch(cleaned):
        day, _, month, year = match.groups()
        if len(year) == 2:
            raise ValueError(
                invalid + "năm phải viết đủ 4 chữ số, ví dụ 30/06/2023 chứ không phải 30/06/23."
            )
        if len(year) != 4:
            raise ValueError(invalid + _HOW)
    else:
        raise ValueError(invalid + _HOW)
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        if 1 <= int(month) <= 12 and int(day) >= 1 and int(year) >= 1:
            raise ValueError(
                invalid + f"tháng {int(month)}/{year} không có ngày {int(day)}; "
                "hãy kiểm tra lại ngày, tháng."
            ) from None
        raise ValueError(invalid + _HOW) from None
