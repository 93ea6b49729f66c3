"""A rule row's key and value in Vietnamese words, from `data/labels.toml` (read once).

`key_title(family, key)` → "Kiểm tra khi có dấu hiệu vi phạm · Cơ quan tham mưu";
`value_words(family, value)` → lines such as "Số ngày: Trung ương → 180 ngày làm việc, các cấp
khác → 90 ngày làm việc". Codes take the label of the project's TextChoices where one exists
(`_choices` in the file), the file's own words otherwise; numbers keep their unit, yes/no reads
"có/không", free text is shown as is. `missing(family, key, value)` names every key part, field
and code without a label (the test over the shipped pack uses it). No query.
"""

import tomllib
from functools import cache
from pathlib import Path

from django.utils.module_loading import import_string

LABELS_FILE = Path(__file__).parent / "data" / "labels.toml"
SEP = " · "


@cache
def _labels() -> dict:
    with LABELS_FILE.open("rb") as f:
        data = tomllib.load(f)
    vocab = {}
    for name, table in data.get("vocab", {}).items():
        words = {}
        if "_choices" in table:
            words.update(dict(import_string(table["_choices"]).choices))
        words.update({k: v for k, v in table.items() if k != "_choices"})
        vocab[name] = words
    return {"field": data.get("field", {}), "family": data.get("family", {}), "vocab": vocab}


def _family(family: str) -> dict | None:
    return _labels()["family"].get(family)


def _word(vocab: str, code) -> str | None:
    return _labels()["vocab"].get(vocab, {}).get(str(code))


# --- reading ------------------------------------------------------------------------------


def key_title(family: str, key: str) -> str:
    """The key in words, its parts joined by " · "; a part without a label stays as it is."""
    spec = _family(family)
    if spec is None:
        return key
    parts = key.split(":")
    vocabs = spec.get("key", [])
    words = [
        (_word(vocabs[i], part) if i < len(vocabs) else None) or part
        for i, part in enumerate(parts)
    ]
    return SEP.join(words)


def value_words(family: str, value) -> list[str]:
    """The value as lines in words (fields in the order of the labels file, which is the order
    of reading; a table keyed by codes in the order of its vocabulary)."""
    spec = _family(family)
    if spec is None or not isinstance(value, dict):
        return [_plain(value)]
    return _lines("", spec.get("value", {}), value) or ["(không có)"]


def _lines(path: str, shape: dict, value, record: tuple = ({}, {})) -> list[str]:
    """`record`: the nearest table of named fields (its value and field shapes), where a number's
    `unit_from` finds the code of its unit."""
    if "fields" in shape and isinstance(value, dict):
        lines = []
        for name in _ordered(value, list(shape["fields"])):
            sub = shape["fields"].get(name, {})
            label = sub.get("label") or _labels()["field"].get(name, name)
            lines += _lines(_join(path, label), sub, value[name], (value, shape["fields"]))
        return lines
    if "keys" in shape and isinstance(value, dict):
        of = shape.get("of", {})
        order = _ordered(value, list(_labels()["vocab"].get(shape["keys"], {})))
        if not value:
            return [f"{path}: không có"] if path else []
        if all(not isinstance(v, dict) for v in value.values()):
            pairs = [
                f"{_word(shape['keys'], k) or k} → {_scalar(of, value[k], record)}" for k in order
            ]
            return [f"{path}: " + "; ".join(pairs) if path else "; ".join(pairs)]
        lines = []
        for k in order:
            lines += _lines(_join(path, _word(shape["keys"], k) or k, SEP), of, value[k], record)
        return lines
    words = _scalar(shape, value, record)
    return [f"{path}: {words}" if path else words]


def _scalar(shape: dict, value, record: tuple) -> str:
    if isinstance(value, list):
        return "; ".join(_scalar(shape, v, record) for v in value) if value else "không có"
    if isinstance(value, bool):
        return "có" if value else "không"
    if "codes" in shape and isinstance(value, str):
        return _word(shape["codes"], value) or value
    if isinstance(value, int | float):
        unit = shape.get("unit")
        if "unit_from" in shape:
            values, fields = record
            vocab = fields.get(shape["unit_from"], {}).get("codes", "")
            unit = _word(vocab, values.get(shape["unit_from"]))
        return f"{value} {unit}" if unit else str(value)
    return _plain(value)


def _ordered(value: dict, order: list) -> list:
    """The value's keys, those the labels file names first in its order, then the rest sorted
    (jsonb on PostgreSQL keeps no order, so both engines read the same)."""
    known = [k for k in order if k in value]
    return known + sorted(k for k in value if k not in order)


def _join(path: str, label: str, sep: str = " › ") -> str:
    return f"{path}{sep}{label}" if path else label


def _plain(value) -> str:
    if isinstance(value, bool):
        return "có" if value else "không"
    if value is None:
        return "—"
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value) if value else "không có"
    return str(value)


# --- checking -----------------------------------------------------------------------------


def missing(family: str, key: str, value) -> list[str]:
    """What has no label in this row: "competence: khóa «x»", "…: trường «days»", "…: mã «y»
    (bộ từ level)"; empty when every part reads in words."""
    spec = _family(family)
    if spec is None:
        return [f"{family}: nhóm chưa có trong labels.toml"]
    where = f"{family} ({key})"
    problems = []
    vocabs = spec.get("key", [])
    parts = key.split(":")
    if len(parts) > len(vocabs):
        problems.append(f"{where}: khóa có {len(parts)} phần, labels.toml tả {len(vocabs)}")
    for vocab, part in zip(vocabs, parts, strict=False):
        if _word(vocab, part) is None:
            problems.append(f"{where}: phần khóa «{part}» (bộ từ {vocab})")
    _check(where, spec.get("value", {}), value, problems)
    return problems


def _check(where: str, shape: dict, value, problems: list[str]) -> None:
    if "fields" in shape:
        if not isinstance(value, dict):
            problems.append(f"{where}: giá trị không phải bảng")
            return
        for name, inner in value.items():
            sub = shape["fields"].get(name)
            if sub is None:
                problems.append(f"{where}: trường «{name}» chưa có cách đọc")
                continue
            if not (sub.get("label") or name in _labels()["field"]):
                problems.append(f"{where}: trường «{name}» chưa có nhãn")
            _check(where, sub, inner, problems)
    elif "keys" in shape and isinstance(value, dict):
        for k, inner in value.items():
            if _word(shape["keys"], k) is None:
                problems.append(f"{where}: mã «{k}» (bộ từ {shape['keys']})")
            _check(where, shape.get("of", {}), inner, problems)
    elif "keys" in shape:
        problems.append(f"{where}: giá trị «{value}» không phải bảng")
    elif "codes" in shape:
        for code in value if isinstance(value, list) else [value]:
            if _word(shape["codes"], code) is None:
                problems.append(f"{where}: mã «{code}» (bộ từ {shape['codes']})")
    elif isinstance(value, dict | list):
        problems.append(f"{where}: «{value}» chưa có cách đọc")
    for vocab in (shape.get("keys"), shape.get("codes")):
        if vocab and vocab not in _labels()["vocab"]:
            problems.append(f"{where}: bộ từ «{vocab}» không có trong labels.toml")
