"""The rule pack's data files (`data/*.toml`) and their loading into `RuleRow`.

A file's rows take the file's name as family unless they name one. `read_pack()` checks every
row's shape (source, dates, status; the letters families' values too, `letters_shape`) and raises
ValueError naming the file and row; `load_pack()`
brings the pack rows of the database in line with the files (office rows are never touched).
"""

import tomllib
from datetime import date
from pathlib import Path

from ktgs.core.docnumber import DocumentNumber
from ktgs.rules import letters_shape
from ktgs.rules.choices import RuleOrigin, RuleStatus

DATA_DIR = Path(__file__).parent / "data"
NAMED_SOURCES = {"Điều lệ Đảng"}  # sources that are not numbered Party documents
LABELS = "labels.toml"  # the words for keys and values (labels.py), not a family
FIELDS = {"family", "key", "starts_on", "ends_on", "status", "source", "article", "note", "value"}


def read_pack(data_dir: Path = DATA_DIR) -> list[dict]:
    files = sorted(p for p in data_dir.glob("*.toml") if p.name != LABELS)
    if not files:  # a missing folder must not pass for an empty rule pack
        raise FileNotFoundError(f"Không tìm thấy tệp quy tắc nào (*.toml) trong {data_dir}.")
    rows = []
    for path in files:
        with path.open("rb") as f:
            for n, raw in enumerate(tomllib.load(f).get("row", []), start=1):
                rows.append(_checked({"family": path.stem, **raw}, f"{path.name}, dòng {n}"))
    keys = [(r["family"], r["key"], r["starts_on"]) for r in rows]
    if len(keys) != len(set(keys)):
        raise ValueError("Bộ quy tắc có hai dòng cùng nhóm, khóa và ngày bắt đầu.")
    return rows


def _checked(row: dict, where: str) -> dict:
    unknown = set(row) - FIELDS
    missing = {"key", "starts_on", "status", "source", "value"} - set(row)
    if unknown or missing:
        raise ValueError(f"{where}: thiếu {sorted(missing)} hoặc thừa {sorted(unknown)}.")
    if not isinstance(row["starts_on"], date) or not isinstance(row.get("ends_on", date.max), date):
        raise ValueError(f"{where}: ngày phải là ngày (yyyy-mm-dd).")
    if row.get("ends_on") and row["ends_on"] <= row["starts_on"]:
        raise ValueError(f"{where}: ngày kết thúc phải sau ngày bắt đầu.")
    if row["status"] not in RuleStatus.values:
        raise ValueError(f"{where}: tình trạng phải là {RuleStatus.values}.")
    if row["source"] not in NAMED_SOURCES:
        row["source"] = str(DocumentNumber(row["source"]))  # ValidationError if not Party style
    if not isinstance(row["value"], dict):
        raise ValueError(f"{where}: giá trị phải là một bảng.")
    family, key, value = row["family"], row["key"], row["value"]
    if letters_shape.is_letters(family) and (problem := letters_shape.problem(family, key, value)):
        raise ValueError(f"{where}: {problem}.")
    return {"article": "", "note": "", "ends_on": None, **row}


def load_pack(rule_row_model=None, data_dir: Path = DATA_DIR) -> tuple[int, int]:
    """Create or update the pack rows from the files; delete pack rows gone from the files
    unless an office row corrects them. Returns (written, deleted). Usable from a migration.

    One read of the pack rows, then one insert of the new rows and one update of the changed
    ones: nine migrations load the pack, and a fresh database must not pay row by row for each.
    """
    if rule_row_model is None:
        from ktgs.rules.models import RuleRow as rule_row_model
    rows = read_pack(data_dir)
    pack = rule_row_model.objects.filter(origin=RuleOrigin.PACK)
    existing = {(r.family, r.key, r.starts_on): r for r in pack}
    new, changed = [], []
    for row in rows:
        obj = existing.pop((row["family"], row["key"], row["starts_on"]), None)
        if obj is None:
            new.append(rule_row_model(**row, origin=RuleOrigin.PACK))
        elif any(getattr(obj, name) != value for name, value in row.items()):
            for name, value in row.items():
                setattr(obj, name, value)
            changed.append(obj)
    gone = [obj.pk for obj in existing.values()]  # left in the database, gone from the files
    deleted, _ = pack.filter(pk__in=gone, corrections__isnull=True).delete() if gone else (0, {})
    rule_row_model.objects.bulk_update(changed, sorted(FIELDS - {"family", "key", "starts_on"}))
    rule_row_model.objects.bulk_create(new)
    return len(rows), deleted
