"""The organisation model in the interchange format: load it by natural keys (for export and
for comparing), check a file's rows against it, and write the differences in bulk.

Natural keys: a unit by its code, a member by their code, a body by (unit code, kind) — an
advisory body also by its name —, a term by (unit code, name), dated rows by their owner and
start date (see format.py). Ids never appear in a file.
"""

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import F
from django.db.models.functions import Collate
from django.utils import timezone

from ktgs.core import bulk
from ktgs.core.chunks import chunk_size, chunks
from ktgs.core.citizen_id import check_citizen_id, check_old_id
from ktgs.core.models import TOP_SECRET, TOP_SECRET_REFUSED
from ktgs.core.vietnamese import fold, format_date, name_sort_key, text_sort_key
from ktgs.exchange.format import (
    ATTRIBUTES,
    BODIES,
    HEADS,
    LINKS,
    MANAGED,
    MEMBERS,
    MEMBERSHIPS,
    NAMES,
    SEATS,
    SUCCESSIONS,
    TERMS,
    UNITS,
    Sheet,
)
from ktgs.orgs import counters
from ktgs.orgs.choices import (
    SEAT_ROLES_BY_BODY,
    BodyKind,
    Level,
    MembershipEnd,
    SeatRole,
    UnitAttributeKey,
)
from ktgs.orgs.models import (
    Body,
    CommitteeSeat,
    HeadOfUnit,
    ManagedBy,
    Member,
    Membership,
    OrgKind,
    OrgUnit,
    Term,
    UnitAttribute,
    UnitLink,
    UnitName,
    UnitSuccession,
    path_segment,
    unit_search_key,
)
from ktgs.orgs.placekeys import sync_all_place_keys
from ktgs.orgs.services import MEMBER_FIELDS, default_bodies
from ktgs.orgs.shortnames import MAX_LENGTH as SHORT_NAME_LENGTH

ORG_SHEETS: tuple[Sheet, ...] = (
    UNITS,
    LINKS,
    NAMES,
    SUCCESSIONS,
    BODIES,
    TERMS,
    ATTRIBUTES,
    MEMBERS,
    MEMBERSHIPS,
    SEATS,
    HEADS,
    MANAGED,
)
ADVISORY = BodyKind.ADVISORY.value
# past this many units touched, the import recomputes every counter rather than refresh each
# (a refresh costs two queries per unit and superior; a recomputation ~0.6 s per 150,000 members)
REFRESH_LIMIT = 500
# Fields compared and updated, per sheet (the key's fields excluded).
FIELDS: dict[str, tuple[str, ...]] = {
    UNITS.name: ("name", "short_name", "kind", "established_on", "closed_on", "decision"),
    LINKS.name: ("parent", "ends_on", "decision"),
    NAMES.name: ("name", "short_name", "ends_on", "decision"),
    SUCCESSIONS.name: ("on", "kind", "decision"),
    BODIES.name: ("name",),
    TERMS.name: ("starts_on", "ends_on"),
    ATTRIBUTES.name: ("value", "ends_on", "decision"),
    MEMBERS.name: MEMBER_FIELDS,
    MEMBERSHIPS.name: ("unit", "ends_on", "end_reason", "decision"),
    SEATS.name: ("term", "ends_on"),
    HEADS.name: ("member", "ends_on"),
    MANAGED.name: ("ends_on",),
}
# How a stored period was ended by an act of its own (a decision or a transfer): a file may not
# reopen it or change its end (see `Checker._keep_decided_ends`).
DECIDED_ENDS = {
    MembershipEnd.EXPELLED: "quyết định khai trừ",
    MembershipEnd.STRUCK_OFF: "quyết định xóa tên",
    MembershipEnd.TRANSFERRED: "chuyển sinh hoạt",
}
# Later modules whose sheets end memberships (discipline: expulsions in «Quyết định kỷ luật»).
# Each takes the parsed rows of the file ({sheet name: [Row]}) and returns the (member code, end
# date) of the periods that the file's own rows, already imported, ended: the same file imported
# again lists those periods open in «Sinh hoạt», as it did the first time, and is unchanged.
MEMBERSHIP_ENDERS: list = []


def key_of(sheet: Sheet, values: dict) -> tuple:
    if sheet is BODIES:
        if values["kind"] == ADVISORY:
            return (values["unit"], ADVISORY, values["name"])
        return (values["unit"], values["kind"])
    return tuple(values[k] for k in sheet.key)


# --- loading by natural key ------------------------------------------------------------------


def _rows(qs, names: tuple[str, ...]) -> list[dict]:
    """values_list → dicts named as the sheet's fields; "" for a blank optional text."""
    return [dict(zip(names, values, strict=True)) for values in qs]


def load_rows(*, streamed: bool = True) -> dict[str, list[dict]]:
    """Every live record of the format, {sheet name: [values by field, with "pk"]}; without
    `streamed`, none of the sheets that grow with the members (STREAMED: read them in order,
    a chunk at a time, with their functions)."""
    live_unit = {"unit__voided_at__isnull": True}
    out = {}
    if streamed:
        out[UNITS.name] = list(unit_rows())
        out[LINKS.name] = list(link_rows())
    out[NAMES.name] = _rows(
        UnitName.objects.filter(**live_unit).values_list(
            "pk", "unit__code", "name", "short_name", "starts_on", "ends_on", "decision"
        ),
        ("pk", "unit", "name", "short_name", "starts_on", "ends_on", "decision"),
    )
    out[SUCCESSIONS.name] = _rows(
        UnitSuccession.objects.filter(
            predecessor__voided_at__isnull=True, successor__voided_at__isnull=True
        ).values_list("pk", "predecessor__code", "successor__code", "on", "kind", "decision"),
        ("pk", "predecessor", "successor", "on", "kind", "decision"),
    )
    if streamed:
        out[BODIES.name] = list(body_rows())
        out[TERMS.name] = list(term_rows())
    out[ATTRIBUTES.name] = _rows(
        UnitAttribute.objects.filter(**live_unit).values_list(
            "pk", "unit__code", "key", "value", "starts_on", "ends_on", "decision"
        ),
        ("pk", "unit", "key", "value", "starts_on", "ends_on", "decision"),
    )
    if streamed:
        out[MEMBERS.name] = list(member_rows())
        out[MEMBERSHIPS.name] = list(membership_rows())
    if streamed:
        out[SEATS.name] = list(seat_rows())
        out[HEADS.name] = list(head_rows())
        out[MANAGED.name] = list(managed_rows())
    for rows in out.values():
        for row in rows:
            for name, value in row.items():
                if value is None and name in ("term",):
                    row[name] = ""
    return out


def in_key_order(field):
    """A text column (a name or an expression) ordered as Python orders str (by code point),
    as `sorted_rows` does."""
    if connection.vendor == "postgresql":
        return Collate(F(field) if isinstance(field, str) else field, "C").asc()
    return (
        F(field) if isinstance(field, str) else field
    ).asc()  # SQLite compares text byte by byte: UTF-8 keeps code point order


def _streamed(qs, names: tuple[str, ...], chunk: int) -> Iterator[dict]:
    for values in qs.iterator(chunk_size=chunk):
        yield dict(zip(names, values, strict=True))


def _ordered(qs, fields: tuple[str, ...], names: tuple[str, ...], key, chunk: int):
    """`qs` values `fields` as dicts named `names`, ordered by `key` (text columns by code point,
    the others as they are; "pk" last), read a chunk at a time."""
    order = [k if k in ("starts_on", "pk") else in_key_order(k) for k in (*key, "pk")]
    return _streamed(qs.order_by(*order).values_list(*fields), names, chunk)


def unit_rows(chunk: int = 5000) -> Iterator[dict]:
    """The «Tổ chức đảng» rows in key order (code)."""
    fields = ("pk", "code", "name", "short_name", "kind__code", "established_on", "closed_on")
    names = ("pk", "code", "name", "short_name", "kind", "established_on", "closed_on")
    qs = OrgUnit.objects.live()
    yield from _ordered(qs, (*fields, "closed_decision"), (*names, "decision"), ("code",), chunk)


def link_rows(chunk: int = 5000) -> Iterator[dict]:
    """The «Trực thuộc» rows in key order (unit, start)."""
    qs = UnitLink.objects.filter(unit__voided_at__isnull=True, parent__voided_at__isnull=True)
    fields = ("pk", "unit__code", "parent__code", "starts_on", "ends_on", "decision")
    names = ("pk", "unit", "parent", "starts_on", "ends_on", "decision")
    yield from _ordered(qs, fields, names, ("unit__code", "starts_on"), chunk)


def body_rows(chunk: int = 5000) -> Iterator[dict]:
    """The «Cơ quan» rows in key order (unit, kind, name: `key_of` names an advisory body)."""
    qs = Body.objects.filter(unit__voided_at__isnull=True)
    fields, names = ("pk", "unit__code", "kind", "name"), ("pk", "unit", "kind", "name")
    yield from _ordered(qs, fields, names, ("unit__code", "kind", "name"), chunk)


def term_rows(chunk: int = 5000) -> Iterator[dict]:
    """The «Nhiệm kỳ» rows in key order (unit, name)."""
    qs = Term.objects.filter(unit__voided_at__isnull=True)
    fields = ("pk", "unit__code", "name", "starts_on", "ends_on")
    names = ("pk", "unit", "name", "starts_on", "ends_on")
    yield from _ordered(qs, fields, names, ("unit__code", "name"), chunk)


def member_rows(chunk: int = 5000) -> Iterator[dict]:
    """The «Đảng viên» rows in key order (the member's code), read a chunk at a time."""
    qs = Member.objects.live().values_list("pk", "code", *MEMBER_FIELDS)
    for row in _streamed(
        qs.order_by(in_key_order("code")), ("pk", "member", *MEMBER_FIELDS), chunk
    ):
        row["citizen_id"] = row["citizen_id"] or ""
        yield row


def membership_rows(chunk: int = 5000) -> Iterator[dict]:
    """The «Sinh hoạt» rows in key order (member's code, start), read a chunk at a time."""
    qs = Membership.objects.filter(
        member__voided_at__isnull=True, unit__voided_at__isnull=True
    ).values_list(
        "pk", "member__code", "unit__code", "starts_on", "ends_on", "end_reason", "decision"
    )
    qs = qs.order_by(in_key_order("member__code"), "starts_on", "pk")
    yield from _streamed(
        qs, ("pk", "member", "unit", "starts_on", "ends_on", "end_reason", "decision"), chunk
    )


def seat_rows(chunk: int = 5000) -> Iterator[dict]:
    """The «Cấp ủy viên» rows in key order (member, unit, body, role, start)."""
    qs = CommitteeSeat.objects.filter(
        member__voided_at__isnull=True, body__unit__voided_at__isnull=True
    ).values_list(
        "pk",
        "member__code",
        "body__unit__code",
        "body__kind",
        "role",
        "term__name",
        "starts_on",
        "ends_on",
    )
    qs = qs.order_by(
        in_key_order("member__code"),
        in_key_order("body__unit__code"),
        in_key_order("body__kind"),
        in_key_order("role"),
        "starts_on",
        "pk",
    )
    names = ("pk", "member", "unit", "body", "role", "term", "starts_on", "ends_on")
    for row in _streamed(qs, names, chunk):
        row["term"] = row["term"] or ""
        yield row


def head_rows(chunk: int = 5000) -> Iterator[dict]:
    """The «Người đứng đầu» rows in key order (unit, start)."""
    qs = HeadOfUnit.objects.filter(
        unit__voided_at__isnull=True, member__voided_at__isnull=True
    ).values_list("pk", "unit__code", "member__code", "starts_on", "ends_on")
    qs = qs.order_by(in_key_order("unit__code"), "starts_on", "pk")
    yield from _streamed(qs, ("pk", "unit", "member", "starts_on", "ends_on"), chunk)


def managed_rows(chunk: int = 5000) -> Iterator[dict]:
    """The «Diện quản lý» rows in key order (member, unit, body, start)."""
    qs = ManagedBy.objects.filter(
        member__voided_at__isnull=True, body__unit__voided_at__isnull=True
    ).values_list("pk", "member__code", "body__unit__code", "body__kind", "starts_on", "ends_on")
    qs = qs.order_by(
        in_key_order("member__code"),
        in_key_order("body__unit__code"),
        in_key_order("body__kind"),
        "starts_on",
        "pk",
    )
    yield from _streamed(qs, ("pk", "member", "unit", "body", "starts_on", "ends_on"), chunk)


# The sheets whose rows grow with the members (or the units), and their readers in key order.
STREAMED = {
    UNITS.name: unit_rows,
    LINKS.name: link_rows,
    BODIES.name: body_rows,
    TERMS.name: term_rows,
    MEMBERS.name: member_rows,
    MEMBERSHIPS.name: membership_rows,
    SEATS.name: seat_rows,
    HEADS.name: head_rows,
    MANAGED.name: managed_rows,
}


def sorted_rows(sheet: Sheet, rows: list[dict]) -> list[dict]:
    def order(values):
        return tuple((v is None, "" if v is None else v) for v in key_of(sheet, values))

    return sorted(rows, key=order)


# --- checking --------------------------------------------------------------------------------


@dataclass
class Delta:
    creates: list = field(default_factory=list)  # Row
    updates: list = field(default_factory=list)  # (pk, Row, {field: new value})
    merged: dict = field(default_factory=dict)  # key → values (+ "pk", + "row" when in file)


@dataclass
class Plan:
    deltas: dict[str, Delta]
    kinds: dict[str, OrgKind]
    transfers: list = field(default_factory=list)  # (old pk, Row, new values)
    today: date = field(default_factory=timezone.localdate)


class OrgHandler:
    sheets = tuple(s.name for s in ORG_SHEETS)

    def check(self, rows, problems, counts, tick, file_rows=None) -> Plan:
        return Checker(rows, problems, counts, file_rows).run()

    def write(self, plan: Plan, tick) -> None:
        Writer(plan, tick).run()


def _q(value) -> str:
    return f"«{value}»"


class Checker:
    def __init__(self, rows, problems, counts, file_rows=None):
        from ktgs.exchange.importer import Problem

        self.Problem = Problem
        self.rows = rows
        self.file_rows = file_rows if file_rows is not None else rows
        self.problems = problems
        self.counts = counts
        self.today = timezone.localdate()
        self.kinds = {k.code: k for k in OrgKind.objects.prefetch_related("allowed_parents")}
        self.allowed = {c: {p.code for p in k.allowed_parents.all()} for c, k in self.kinds.items()}
        self.loaded = load_rows()
        self.voided_units = set(
            OrgUnit.objects.filter(voided_at__isnull=False).values_list("code", flat=True)
        )
        self.voided_members = set(
            Member.objects.filter(voided_at__isnull=False).values_list("code", flat=True)
        )
        self.deltas: dict[str, Delta] = {}
        self.transfers = []

    def problem(self, row, field_name, message, fix=""):
        header = row.headers.get(field_name) if field_name else None
        self.problems.append(self.Problem(row.sheet, row.number, header, message, fix))

    def run(self) -> Plan:
        for sheet in ORG_SHEETS:
            if sheet is MEMBERSHIPS:
                self.deltas[sheet.name] = self._match_memberships()
            else:
                self.deltas[sheet.name] = self._match(sheet)
        self.units = {k[0]: v for k, v in self.deltas[UNITS.name].merged.items()}
        self.members = {k[0]: v for k, v in self.deltas[MEMBERS.name].merged.items()}
        self._check_units()
        self._check_links()
        self._check_unit_rows()
        self._check_members()
        self._check_memberships()
        self._check_offices()
        return Plan(self.deltas, self.kinds, self.transfers, self.today)

    # generic keyed matching

    def _match(self, sheet: Sheet) -> Delta:
        fields = FIELDS[sheet.name]
        delta = Delta()
        for values in self.loaded[sheet.name]:
            delta.merged[key_of(sheet, values)] = values
        existing = dict(delta.merged)
        seen = {}
        for row in self.rows.get(sheet.name, []):
            key = key_of(sheet, row.values)
            if key in seen:
                self.problem(
                    row,
                    None,
                    f"Trùng khóa với dòng {seen[key]} ({', '.join(map(_show, key))}).",
                    "Mỗi bản ghi chỉ ghi một dòng: xóa hoặc sửa một trong hai dòng.",
                )
                continue
            seen[key] = row.number
            old = existing.get(key)
            tally = self.counts.setdefault(sheet.name, {"created": 0, "updated": 0, "unchanged": 0})
            if old is None:
                delta.creates.append(row)
                delta.merged[key] = {**row.values, "pk": None, "row": row}
                tally["created"] += 1
                continue
            changed = {f: row[f] for f in fields if row[f] != old[f]}
            delta.merged[key] = {**old, **{f: row[f] for f in fields}, "row": row}
            if changed:
                delta.updates.append((old["pk"], row, changed))
                tally["updated"] += 1
            else:
                tally["unchanged"] += 1
        return delta

    def _match_memberships(self) -> Delta:
        """Like `_match`, plus transfers: a row whose unit differs from the stored one and that
        has a transfer date ends the stored period on that date and opens one in the new unit."""
        rows = self.rows.get(MEMBERSHIPS.name, [])
        plain = [r for r in rows if r["transfer_on"] is None]
        moving = [r for r in rows if r["transfer_on"] is not None]
        self.rows[MEMBERSHIPS.name] = plain
        delta = self._match(MEMBERSHIPS)
        tally = self.counts.setdefault(
            MEMBERSHIPS.name, {"created": 0, "updated": 0, "unchanged": 0}
        )
        stored = {key_of(MEMBERSHIPS, v): v for v in self.loaded[MEMBERSHIPS.name]}
        self._keep_decided_ends(delta, stored, tally)
        for row in moving:
            key, on = (row["member"], row["starts_on"]), row["transfer_on"]
            old = stored.get(key)
            if old is None:
                self.problem(
                    row,
                    "transfer_on",
                    "Chưa có khoảng sinh hoạt này trong cơ sở dữ liệu nên không chuyển được.",
                    "Để trống «Ngày chuyển» và ghi mỗi khoảng sinh hoạt một dòng (với «Đến trước "
                    "ngày» và «Lý do kết thúc» cho khoảng đã qua).",
                )
                continue
            after = stored.get((row["member"], on))
            if (
                old["ends_on"] == on
                and old["end_reason"] == MembershipEnd.TRANSFERRED
                and after is not None
                and after["unit"] == row["unit"]
            ):
                tally["unchanged"] += 1  # this transfer was imported before
                continue
            if old["unit"] == row["unit"]:
                self.problem(
                    row,
                    "transfer_on",
                    "Có «Ngày chuyển» nhưng mã chi bộ không đổi.",
                    "Ghi mã chi bộ mới, hoặc xóa «Ngày chuyển».",
                )
                continue
            if old["ends_on"] is not None:
                self.problem(
                    row,
                    "transfer_on",
                    "Khoảng sinh hoạt này đã kết thúc nên không chuyển tiếp được.",
                    "Chỉ chuyển từ dòng đang sinh hoạt (chưa có ngày kết thúc).",
                )
                continue
            if on <= old["starts_on"]:
                self.problem(
                    row,
                    "transfer_on",
                    f"Ngày chuyển phải sau ngày bắt đầu sinh hoạt ({format_date(old['starts_on'])}).",
                    "Sửa «Ngày chuyển».",
                )
                continue
            if (row["member"], on) in delta.merged:
                self.problem(
                    row,
                    "transfer_on",
                    f"Đã có khoảng sinh hoạt bắt đầu ngày {format_date(on)}.",
                    "Kiểm tra lại ngày chuyển.",
                )
                continue
            ended = {
                "ends_on": on,
                "end_reason": MembershipEnd.TRANSFERRED.value,
                "decision": row["decision"],
            }
            delta.merged[key] = {**old, **ended, "row": row}
            new = {
                "member": row["member"],
                "unit": row["unit"],
                "starts_on": on,
                "ends_on": row["ends_on"],
                "end_reason": row["end_reason"],
                "decision": row["decision"],
            }
            delta.merged[(row["member"], on)] = {**new, "pk": None, "row": row}
            self.transfers.append((old["pk"], row, ended, new))
            tally["updated"] += 1
        return delta

    def _keep_decided_ends(self, delta: Delta, stored: dict, tally: dict) -> None:
        """A stored period that an expulsion, a strike-off or a transfer ended keeps its end:
        a row that reopens it (or changes its end) is refused, naming what ended it. Except the
        file's own expulsion (a re-import of the same file): its row still lists the period
        open, as the first time, when the decision sheet ended it; that is no change."""
        ended_here = set()
        for enders in MEMBERSHIP_ENDERS:
            ended_here |= enders(self.file_rows)
        kept = []
        for pk, row, changed in delta.updates:
            key = key_of(MEMBERSHIPS, row.values)
            old = stored[key]
            if old["end_reason"] not in DECIDED_ENDS or not {"ends_on", "end_reason"} & set(
                changed
            ):
                kept.append((pk, row, changed))
                continue
            ends = {f: old[f] for f in ("ends_on", "end_reason", "decision")}
            delta.merged[key] = {**delta.merged[key], **ends}
            rest = {f: v for f, v in changed.items() if f not in ends}
            if row["ends_on"] is None and (row["member"], old["ends_on"]) in ended_here:
                if rest:
                    kept.append((pk, row, rest))
                else:
                    tally["updated"] -= 1
                    tally["unchanged"] += 1
                continue
            self._decided_end_problem(row, old, stored)
        delta.updates = kept

    def _decided_end_problem(self, row, old: dict, stored: dict) -> None:
        day, reason = format_date(old["ends_on"]), MembershipEnd(old["end_reason"])
        number = f" số {old['decision']}" if old["decision"] else ""
        if reason == MembershipEnd.TRANSFERRED:
            after = stored.get((old["member"], old["ends_on"]))
            where = f" sang {_q(after['unit'])}" if after else ""
            cause = f"chuyển sinh hoạt{where}" + (f" (quyết định{number})" if number else "")
        else:
            cause = DECIDED_ENDS[reason] + number
        self.problem(
            row,
            "ends_on",
            f"Sinh hoạt của đảng viên {old['member']} tại {_q(old['unit'])} (từ "
            f"{format_date(old['starts_on'])}) đã kết thúc ngày {day} do {cause}; tệp không "
            "thể mở lại hay sửa ngày, lý do kết thúc của khoảng sinh hoạt này.",
            f"Ghi «Đến trước ngày» {day} và «Lý do kết thúc» «{reason.label}» như đã lưu, hoặc "
            "bỏ dòng này. Quyết định đã bị hủy hay thay đổi thì sửa trên phần mềm (giải quyết "
            "khiếu nại), không qua tệp.",
        )

    def _file_rows(self, sheet: Sheet):
        return [v for v in self.deltas[sheet.name].merged.values() if "row" in v]

    # units and the tree

    def _unit(self, row, field_name, code) -> dict | None:
        unit = self.units.get(code)
        if unit is None:
            if code in self.voided_units:
                self.problem(
                    row, field_name, f"Tổ chức {_q(code)} đã bị hủy.", "Dùng tổ chức khác."
                )
            else:
                self.problem(
                    row,
                    field_name,
                    f"Không có tổ chức mã {_q(code)} (trong tệp hay trong cơ sở dữ liệu).",
                    "Kiểm tra mã, hoặc thêm tổ chức đó vào sheet «Tổ chức».",
                )
        return unit

    def _check_units(self):
        for unit in self._file_rows(UNITS):
            row = unit["row"]
            if unit["code"] in self.voided_units:
                self.problem(
                    row, "code", f"Mã {_q(unit['code'])} thuộc một tổ chức đã hủy.", "Dùng mã khác."
                )
            if unit["kind"] not in self.kinds:
                self.problem(
                    row,
                    "kind",
                    f"Không có loại tổ chức mã {_q(unit['kind'])}.",
                    "Dùng một mã loại: " + ", ".join(self.kinds) + " (xem sheet Hướng dẫn).",
                )
            if unit["closed_on"] and unit["closed_on"] <= unit["established_on"]:
                self.problem(
                    row, "closed_on", "Ngày giải thể phải sau ngày thành lập.", "Sửa ngày."
                )

    def _check_links(self):
        links = self.deltas[LINKS.name].merged
        by_unit = defaultdict(list)
        for link in links.values():
            by_unit[link["unit"]].append(link)
        for link in self._file_rows(LINKS):
            row = link["row"]
            unit = self._unit(row, "unit", link["unit"])
            parent = self._unit(row, "parent", link["parent"])
            if unit is None or parent is None:
                continue
            if link["unit"] == link["parent"]:
                self.problem(
                    row, "parent", "Tổ chức không thể trực thuộc chính nó.", "Sửa mã cấp trên."
                )
                continue
            self._check_dates(row, link)
            kind, parent_kind = unit["kind"], parent["kind"]
            if kind in self.kinds and parent_kind not in self.allowed.get(kind, set()):
                names = (
                    ", ".join(self.kinds[c].name for c in sorted(self.allowed[kind]))
                    or "không loại nào"
                )
                self.problem(
                    row,
                    "parent",
                    f"{self.kinds[kind].name} không thể trực thuộc {_kind_name(self.kinds, parent_kind)} "
                    f"{_q(parent['name'])}.",
                    f"Loại cấp trên được phép: {names}.",
                )
            if parent["established_on"] > link["starts_on"]:
                self.problem(
                    row,
                    "starts_on",
                    f"{_q(parent['name'])} thành lập ngày {format_date(parent['established_on'])}, "
                    "sau ngày bắt đầu trực thuộc.",
                    "Sửa «Từ ngày» hoặc ngày thành lập của cấp trên.",
                )
        for rows in by_unit.values():
            self._check_overlaps(rows, "Tổ chức có hai cấp trên trong cùng một thời gian")
        for unit in self._file_rows(UNITS):
            kind = self.kinds.get(unit["kind"])
            needs_parent = (
                kind is not None
                and self.allowed[kind.code]
                and kind.level
                not in (
                    Level.CENTRAL,
                    Level.PROVINCE,
                )
            )
            if unit["pk"] is None and needs_parent and not by_unit.get(unit["code"]):
                self.problem(
                    unit["row"],
                    "code",
                    f"{kind.name} phải trực thuộc một tổ chức, nhưng sheet «{LINKS.name}» không có dòng nào cho {_q(unit['code'])}.",
                    f"Thêm một dòng ở sheet «{LINKS.name}»: mã tổ chức, mã cấp trên, từ ngày.",
                )
        self._check_cycles(links)

    def _check_cycles(self, links):
        days = {self.today} | {v["starts_on"] for v in self._file_rows(LINKS)}
        for day in sorted(days)[:200]:
            parent = {}
            for link in links.values():
                if link["starts_on"] <= day and (link["ends_on"] is None or day < link["ends_on"]):
                    parent[link["unit"]] = link
            for start in parent:
                seen, code = [], start
                while code in parent and code not in seen:
                    seen.append(code)
                    code = parent[code]["parent"]
                if code == start:
                    row = next((parent[c]["row"] for c in seen if "row" in parent[c]), None)
                    if row is not None:
                        self.problem(
                            row,
                            "parent",
                            f"Ngày {format_date(day)} cây tổ chức thành vòng: "
                            + " → ".join(seen + [start])
                            + ".",
                            "Một tổ chức không thể trực thuộc tổ chức con của nó: sửa mã cấp trên.",
                        )
                        return

    def _check_overlaps(self, rows, message):
        rows = sorted(rows, key=lambda r: r["starts_on"])
        for before, after in zip(rows, rows[1:], strict=False):
            if before["ends_on"] is None or before["ends_on"] > after["starts_on"]:
                row = after.get("row") or before.get("row")
                if row is None:
                    continue
                until = format_date(before["ends_on"]) if before["ends_on"] else "nay"
                self.problem(
                    row,
                    "starts_on",
                    f"{message}: từ {format_date(before['starts_on'])} đến {until} và từ "
                    f"{format_date(after['starts_on'])}.",
                    "Các khoảng thời gian không được chồng nhau: ghi «Đến trước ngày» cho khoảng trước "
                    "(bằng hoặc trước ngày bắt đầu khoảng sau).",
                )

    def _check_short_name(self, values):
        """A committee's short name is text ("Đảng ủy Khối"), not Có/Không or a number."""
        value = values.get("value")
        if value is None:
            return
        if not isinstance(value, str):
            self.problem(
                values["row"],
                "value",
                "Tên gọi tắt của cấp ủy phải là chữ.",
                "Ghi tên như báo cáo vẫn viết, ví dụ «Đảng ủy Khối», «Tỉnh ủy».",
            )
        elif len(value) > SHORT_NAME_LENGTH:
            self.problem(
                values["row"],
                "value",
                f"Tên gọi tắt dài quá {SHORT_NAME_LENGTH} ký tự.",
                "Ghi tên ngắn như báo cáo vẫn viết.",
            )

    def _check_dates(self, row, values) -> bool:
        if values.get("ends_on") is not None and values["ends_on"] <= values["starts_on"]:
            self.problem(
                row, "ends_on", "Ngày kết thúc phải sau ngày bắt đầu.", "Sửa «Đến trước ngày»."
            )
            return False
        return True

    def _check_unit_rows(self):
        for sheet in (NAMES, TERMS, ATTRIBUTES):
            for values in self._file_rows(sheet):
                self._unit(values["row"], "unit", values["unit"])
                self._check_dates(values["row"], values)
        for values in self._file_rows(ATTRIBUTES):
            if values["key"] == UnitAttributeKey.COMMITTEE_SHORT_NAME:
                self._check_short_name(values)
        for values in self._file_rows(BODIES):
            self._unit(values["row"], "unit", values["unit"])
        for values in self._file_rows(SUCCESSIONS):
            row = values["row"]
            self._unit(row, "predecessor", values["predecessor"])
            self._unit(row, "successor", values["successor"])
            if values["predecessor"] == values["successor"]:
                self.problem(row, "successor", "Tổ chức không thể kế thừa chính nó.", "Sửa mã.")

    # members

    def _check_members(self):
        owners = {}
        for code, m in self.members.items():
            if m.get("citizen_id") and "row" not in m:
                owners[m["citizen_id"]] = code
        for m in self._file_rows(MEMBERS):
            row, code = m["row"], m["member"]
            if code in self.voided_members:
                self.problem(
                    row,
                    "member",
                    f"Mã {_q(code)} thuộc một hồ sơ đã hủy.",
                    "Dùng mã đảng viên khác.",
                )
            if m["secrecy"] == TOP_SECRET:
                self.problem(row, "secrecy", TOP_SECRET_REFUSED, "Xóa dòng này khỏi tệp.")
            if m["admitted_on"] <= m["birth_date"]:
                self.problem(row, "admitted_on", "Ngày vào Đảng phải sau ngày sinh.", "Sửa ngày.")
            if m["official_on"] and m["official_on"] < m["admitted_on"]:
                self.problem(
                    row,
                    "official_on",
                    "Ngày chính thức không thể trước ngày vào Đảng.",
                    "Sửa ngày.",
                )
            if m["old_id_number"]:
                try:
                    m["old_id_number"] = check_old_id(m["old_id_number"])
                except ValidationError as exc:
                    self.problem(row, "old_id_number", exc.messages[0], "Sửa số CMND cũ.")
            cid = m["citizen_id"]
            if not cid:
                continue
            try:
                cid = m["citizen_id"] = check_citizen_id(
                    cid, birth_date=m["birth_date"], sex=m["sex"]
                )
            except ValidationError as exc:
                self.problem(row, "citizen_id", exc.messages[0], "Sửa số CCCD theo thẻ.")
                continue
            other = owners.get(cid)
            if other is not None and other != code and "row" in self.members[other]:
                name = _full_name(self.members[other])
                self.problem(
                    row,
                    "citizen_id",
                    f"Số CCCD {cid} đã thuộc đảng viên {name} (mã {other}) ở dòng khác của tệp.",
                    "Kiểm tra lại số CCCD hoặc hồ sơ trùng (một người chỉ có một mã đảng viên).",
                )
            elif other is not None and other != code:
                # A stored member may lie outside the importer's scope: named by nothing.
                self.problem(
                    row,
                    "citizen_id",
                    f"Số CCCD {cid} đã được đăng ký cho một đảng viên khác trong cơ sở dữ liệu.",
                    "Kiểm tra lại số CCCD hoặc hồ sơ trùng (một người chỉ có một mã đảng viên); "
                    "đảng viên ở tổ chức ngoài phạm vi của đồng chí chuyển sinh hoạt đến thì việc "
                    "chuyển do cấp trên thực hiện.",
                )
            else:
                owners[cid] = code
        # a stored member whose row updates a name etc. keeps updates consistent with Row values
        for _pk, row, changed in self.deltas[MEMBERS.name].updates:
            for name in ("secrecy", "citizen_id", "old_id_number"):
                if name in changed:
                    changed[name] = self.members[row["member"]][name]

    def _member(self, row, field_name, code) -> dict | None:
        member = self.members.get(code)
        if member is None:
            if code in self.voided_members:
                self.problem(
                    row, field_name, f"Hồ sơ đảng viên {_q(code)} đã bị hủy.", "Bỏ dòng này."
                )
            else:
                self.problem(
                    row,
                    field_name,
                    f"Không có đảng viên mã {_q(code)} (trong tệp hay trong cơ sở dữ liệu).",
                    "Kiểm tra mã, hoặc thêm đảng viên vào sheet «Đảng viên».",
                )
        return member

    def _check_memberships(self):
        merged = self.deltas[MEMBERSHIPS.name].merged
        by_member = defaultdict(list)
        for values in merged.values():
            by_member[values["member"]].append(values)
        for values in self._file_rows(MEMBERSHIPS):
            row = values["row"]
            member = self._member(row, "member", values["member"])
            unit = self._unit(row, "unit", values["unit"])
            self._check_dates(row, values)
            if (values["ends_on"] is None) != (not values["end_reason"]):
                if values["ends_on"] is None:
                    self.problem(
                        row,
                        "end_reason",
                        "Có lý do kết thúc nhưng chưa có ngày kết thúc.",
                        "Ghi «Đến trước ngày» hoặc xóa lý do.",
                    )
                else:
                    self.problem(
                        row,
                        "end_reason",
                        "Có ngày kết thúc thì phải có lý do kết thúc.",
                        "Chọn lý do kết thúc.",
                    )
            if unit is not None:
                kind = self.kinds.get(unit["kind"])
                if kind is not None and not kind.is_cell:
                    self.problem(
                        row,
                        "unit",
                        f"Đảng viên sinh hoạt tại chi bộ; {_q(unit['name'])} là {kind.name.lower()}.",
                        "Ghi mã một chi bộ.",
                    )
                closed = unit["closed_on"]
                if closed and (values["ends_on"] is None or values["ends_on"] > closed):
                    self.problem(
                        row,
                        "unit",
                        f"{_q(unit['name'])} đã giải thể từ {format_date(closed)}.",
                        "Khoảng sinh hoạt tại đó phải kết thúc trước ngày giải thể.",
                    )
            if member is not None and values["starts_on"] < member["admitted_on"]:
                self.problem(
                    row,
                    "starts_on",
                    f"Đảng viên vào Đảng ngày {format_date(member['admitted_on'])}; sinh hoạt không thể bắt đầu trước đó.",
                    "Sửa «Từ ngày».",
                )
        for code, rows in by_member.items():
            self._check_overlaps(rows, f"Đảng viên {code} sinh hoạt ở hai nơi cùng lúc")
        for m in self._file_rows(MEMBERS):
            if m["pk"] is None and not by_member.get(m["member"]):
                self.problem(
                    m["row"],
                    "member",
                    f"Đảng viên mới {m['member']} chưa có dòng nào ở sheet «{MEMBERSHIPS.name}».",
                    f"Thêm một dòng ở sheet «{MEMBERSHIPS.name}»: mã đảng viên, mã chi bộ, từ ngày.",
                )

    # seats, heads, managed-by

    def _has_body(self, unit_code: str, kind: str) -> bool:
        if (unit_code, kind) in self.deltas[BODIES.name].merged:
            return True
        unit = self.units.get(unit_code)
        if unit is None or unit["pk"] is not None or unit["kind"] not in self.kinds:
            return False
        probe = OrgUnit(name=unit["name"], kind=self.kinds[unit["kind"]])
        return any(b.kind == kind for b in default_bodies(probe))

    def _check_body(self, row, values):
        unit = self._unit(row, "unit", values["unit"])
        if unit is None:
            return
        label = BodyKind(values["body"]).label
        if not self._has_body(values["unit"], values["body"]):
            self.problem(
                row,
                "body",
                f"{_q(unit['name'])} không có {label.lower()}.",
                f"Kiểm tra mã tổ chức, hoặc thêm cơ quan ở sheet «{BODIES.name}».",
            )
        if values["starts_on"] < unit["established_on"]:
            self.problem(
                row,
                "starts_on",
                f"Ngày {format_date(values['starts_on'])} chưa có {label.lower()} của {_q(unit['name'])} "
                f"(thành lập ngày {format_date(unit['established_on'])}).",
                "Sửa «Từ ngày».",
            )
        closed = unit["closed_on"]
        if closed and (
            values["starts_on"] >= closed or values["ends_on"] is None or values["ends_on"] > closed
        ):
            self.problem(
                row,
                "ends_on",
                f"{_q(unit['name'])} không còn từ ngày {format_date(closed)}.",
                "Chức danh phải kết thúc trước ngày giải thể.",
            )

    def _parent_on(self, code: str, day: date) -> str | None:
        for link in self.links_by_unit.get(code, ()):
            if link["starts_on"] <= day and (link["ends_on"] is None or day < link["ends_on"]):
                return link["parent"]
        return None

    def _contains_on(self, ancestor: str, code: str | None, day: date) -> bool:
        """Like selectors.unit_contains_on, on the tree the file and the database make."""
        seen = set()
        while code is not None and code not in seen:
            if code == ancestor:
                return True
            seen.add(code)
            code = self._parent_on(code, day)
        return False

    def _check_within(self, row, values) -> None:
        """The member's cell lies in the unit's subtree throughout the office's period, as
        services._check_member_within requires of a seat, a head or a managed-by row."""
        code, unit = values["member"], values["unit"]
        if code not in self.members or unit not in self.units:
            return
        start, end = values["starts_on"], values["ends_on"]
        periods = [
            m
            for m in self.by_member.get(code, ())
            if (m["ends_on"] is None or m["ends_on"] > start)
            and (end is None or m["starts_on"] < end)
        ]
        if not any(m["starts_on"] <= start for m in periods):
            self.problem(
                row,
                "member",
                f"Đảng viên {code} không sinh hoạt đảng vào ngày {format_date(start)}.",
                f"Kiểm tra «Từ ngày» hoặc quá trình sinh hoạt ở sheet «{MEMBERSHIPS.name}».",
            )
            return
        for m in periods:
            day = max(start, m["starts_on"])
            if not self._contains_on(unit, m["unit"], day):
                self.problem(
                    row,
                    "member",
                    f"Đảng viên {code} sinh hoạt tại {m['unit']} (ngày {format_date(day)}), không "
                    f"thuộc {_q(self.units[unit]['name'])}: không thể giữ chức danh ở tổ chức này.",
                    "Kiểm tra mã tổ chức, mã đảng viên hoặc các ngày.",
                )
                return

    def _check_offices(self):
        self.links_by_unit = defaultdict(list)
        for link in self.deltas[LINKS.name].merged.values():
            self.links_by_unit[link["unit"]].append(link)
        self.by_member = defaultdict(list)
        for m in self.deltas[MEMBERSHIPS.name].merged.values():
            self.by_member[m["member"]].append(m)
        terms = self.deltas[TERMS.name].merged
        for values in self._file_rows(SEATS):
            row = values["row"]
            self._member(row, "member", values["member"])
            self._check_dates(row, values)
            self._check_body(row, values)
            self._check_within(row, values)
            if values["role"] not in SEAT_ROLES_BY_BODY.get(BodyKind(values["body"]), set()):
                self.problem(
                    row,
                    "role",
                    f"Chức danh «{SeatRole(values['role']).label}» không có trong {BodyKind(values['body']).label.lower()}.",
                    "Chọn chức danh đúng với cơ quan.",
                )
            if values["term"] and (values["unit"], values["term"]) not in terms:
                self.problem(
                    row,
                    "term",
                    f"Tổ chức {values['unit']} không có nhiệm kỳ {_q(values['term'])}.",
                    f"Kiểm tra tên nhiệm kỳ, hoặc thêm ở sheet «{TERMS.name}».",
                )
        heads = defaultdict(list)
        for values in self.deltas[HEADS.name].merged.values():
            heads[values["unit"]].append(values)
        for values in self._file_rows(HEADS):
            self._unit(values["row"], "unit", values["unit"])
            self._member(values["row"], "member", values["member"])
            self._check_dates(values["row"], values)
            self._check_within(values["row"], values)
        for rows in heads.values():
            self._check_overlaps(rows, "Tổ chức có hai người đứng đầu cùng lúc")
        for values in self._file_rows(MANAGED):
            self._member(values["row"], "member", values["member"])
            self._check_dates(values["row"], values)
            self._check_body(values["row"], values)
            self._check_within(values["row"], values)


@lru_cache(maxsize=100_000)
def _part_keys(part: str, slot: int) -> tuple[str, str]:
    """(folded, sort-key blocks) of one name part; the sort key's layout is fixed (given 50
    digits, middle 100, family 50: core/vietnamese.py), so parts are computed once each."""
    parts = ["", "", ""]
    parts[slot] = part
    key = name_sort_key(*parts)
    blocks = {0: key[150:], 1: key[50:150], 2: key[:50]}[slot]
    return fold(part), blocks


def name_keys(family: str, middle: str, given: str) -> tuple[str, str, str]:
    """What `services.member_name_keys` gives, with each name part worked out once per import
    (names repeat: Nguyễn, Văn, Thị...)."""
    f, m, g = _part_keys(family, 0), _part_keys(middle, 1), _part_keys(given, 2)
    full_name = " ".join(p for p in (family, middle, given) if p)
    search_key = " ".join(x for x in (f[0], m[0], g[0]) if x)
    return full_name, search_key, g[1] + m[1] + f[1]


def _show(value) -> str:
    return format_date(value) if isinstance(value, date) else str(value)


def _kind_name(kinds, code) -> str:
    kind = kinds.get(code)
    return kind.name.lower() if kind else code


def _full_name(values: dict) -> str:
    return " ".join(
        p for p in (values["family_name"], values["middle_name"], values["given_name"]) if p
    )


# --- writing ---------------------------------------------------------------------------------


class Writer:
    def __init__(self, plan: Plan, tick):
        self.plan = plan
        self.tick = tick
        self.d = plan.deltas
        today = plan.today
        self.cell_today = {  # member code → unit code of the membership holding today
            v["member"]: v["unit"]
            for v in self.d[MEMBERSHIPS.name].merged.values()
            if v["starts_on"] <= today and (v["ends_on"] is None or today < v["ends_on"])
        }
        # what the per-unit counters must recompute (orgs.counters): units whose figures or
        # place may change, the paths they left, members whose official date changed
        self.counted_units: set[int] = set()
        self.left_paths: list[str] = []
        self.official_changed: list[int] = []

    def run(self):
        steps = [
            self._units,
            self._bodies,
            self._unit_rows,
            self._members,
            self._memberships,
            self._offices,
            self._paths,
            self._place_keys,
            self._current_units,
            self._counters,
        ]
        for done, step in enumerate(steps):
            self.tick("ghi", done, len(steps) + 1)
            step()

    def _units(self):
        delta = self.d[UNITS.name]
        kinds = self.plan.kinds
        bulk.insert(
            OrgUnit,
            [
                dict(
                    code=r["code"],
                    name=r["name"],
                    short_name=r["short_name"],
                    kind_id=kinds[r["kind"]].pk,
                    established_on=r["established_on"],
                    closed_on=r["closed_on"],
                    closed_decision=r["decision"],
                    path="",
                    sort_key=text_sort_key(r["name"]),
                    search_key=unit_search_key(r["name"], r["short_name"]),
                )
                for r in delta.creates
            ],
        )
        names = {"decision": "closed_decision", "kind": "kind_id"}
        changes = []
        for pk, row, changed in delta.updates:
            values = {names.get(k, k): v for k, v in changed.items()}
            if "kind_id" in values:
                values["kind_id"] = kinds[values["kind_id"]].pk
            if "name" in values:
                values["sort_key"] = text_sort_key(values["name"])
            if "name" in values or "short_name" in values:
                values["search_key"] = unit_search_key(row["name"], row["short_name"])
            changes.append((pk, values))
        bulk.update(OrgUnit, changes)
        self.unit_ids = dict(OrgUnit.objects.values_list("code", "pk"))
        self.counted_units |= {pk for pk, _values in changes}
        self.counted_units |= {self.unit_ids[r["code"]] for r in delta.creates}

    def _bodies(self):
        delta = self.d[BODIES.name]
        kinds = self.plan.kinds
        given = {key for key, v in delta.merged.items() if "row" in v}
        defaults = []
        for r in self.d[UNITS.name].creates:
            unit = OrgUnit(pk=self.unit_ids[r["code"]], name=r["name"], kind=kinds[r["kind"]])
            for body in default_bodies(unit):
                if (r["code"], body.kind) not in given:
                    defaults.append(dict(unit_id=unit.pk, kind=body.kind, name=body.name))
        u = self.unit_ids
        bulk.insert(
            Body,
            defaults
            + [dict(unit_id=u[r["unit"]], kind=r["kind"], name=r["name"]) for r in delta.creates],
        )
        bulk.update(Body, [(pk, changed) for pk, _row, changed in delta.updates])
        rows = Body.objects.exclude(kind=ADVISORY).values_list("unit__code", "kind", "pk")
        self.body_ids = {(code, kind): pk for code, kind, pk in rows}

    def _simple(self, model, sheet, build, rename=None):
        delta = self.d[sheet.name]
        bulk.insert(model, [build(r) for r in delta.creates])
        changes = []
        for pk, row, changed in delta.updates:
            values = {}
            for k, v in changed.items():
                name, conv = (rename or {}).get(k, (k, None))
                values[name] = conv(v, row) if conv else v
            changes.append((pk, values))
        bulk.update(model, changes)

    def _unit_rows(self):
        u = self.unit_ids
        self._simple(
            UnitLink,
            LINKS,
            lambda r: dict(
                unit_id=u[r["unit"]],
                parent_id=u[r["parent"]],
                starts_on=r["starts_on"],
                ends_on=r["ends_on"],
                decision=r["decision"],
            ),
            {"parent": ("parent_id", lambda code, row: u[code])},
        )
        self._simple(
            UnitName,
            NAMES,
            lambda r: dict(
                unit_id=u[r["unit"]],
                name=r["name"],
                short_name=r["short_name"],
                starts_on=r["starts_on"],
                ends_on=r["ends_on"],
                decision=r["decision"],
            ),
        )
        self._simple(
            UnitSuccession,
            SUCCESSIONS,
            lambda r: dict(
                predecessor_id=u[r["predecessor"]],
                successor_id=u[r["successor"]],
                on=r["on"],
                kind=r["kind"],
                decision=r["decision"],
            ),
        )
        self._simple(
            Term,
            TERMS,
            lambda r: dict(
                unit_id=u[r["unit"]], name=r["name"], starts_on=r["starts_on"], ends_on=r["ends_on"]
            ),
        )
        self._simple(
            UnitAttribute,
            ATTRIBUTES,
            lambda r: dict(
                unit_id=u[r["unit"]],
                key=r["key"],
                value=r["value"],
                starts_on=r["starts_on"],
                ends_on=r["ends_on"],
                decision=r["decision"],
            ),
        )
        rows = Term.objects.values_list("unit__code", "name", "pk")
        self.term_ids = {(code, name): pk for code, name, pk in rows}

    def _members(self):
        delta = self.d[MEMBERS.name]
        merged = {k[0]: v for k, v in delta.merged.items()}

        def build(r):
            m = merged[r["member"]]
            full_name, search_key, sort_key = name_keys(
                m["family_name"], m["middle_name"], m["given_name"]
            )
            values = {f: m[f] for f in MEMBER_FIELDS}
            values["citizen_id"] = values["citizen_id"] or None
            cell = self.cell_today.get(r["member"])
            return dict(
                current_unit_id=self.unit_ids[cell] if cell else None,
                code=r["member"],
                full_name=full_name,
                search_key=search_key,
                sort_key=sort_key,
                **values,
            )

        created = [build(r) for r in delta.creates]
        bulk.insert(Member, created)
        self.counted_units |= {m["current_unit_id"] for m in created if m["current_unit_id"]}
        self.official_changed = [
            pk for pk, _row, changed in delta.updates if "official_on" in changed
        ]
        changes = []
        for pk, row, changed in delta.updates:
            values = dict(changed)
            if "citizen_id" in values:
                values["citizen_id"] = values["citizen_id"] or None
            if {"family_name", "middle_name", "given_name"} & set(changed):
                m = merged[row["member"]]
                values["full_name"], values["search_key"], values["sort_key"] = name_keys(
                    m["family_name"], m["middle_name"], m["given_name"]
                )
            changes.append((pk, values))
        bulk.update(Member, changes)
        self.member_ids = dict(Member.objects.values_list("code", "pk"))

    def _memberships(self):
        u, m = self.unit_ids, self.member_ids

        def build(r):
            return dict(
                member_id=m[r["member"]],
                unit_id=u[r["unit"]],
                starts_on=r["starts_on"],
                ends_on=r["ends_on"],
                end_reason=r["end_reason"],
                decision=r["decision"],
            )

        delta = self.d[MEMBERSHIPS.name]
        bulk.insert(
            Membership,
            [build(r) for r in delta.creates]
            + [build(new) for _pk, _row, _e, new in self.plan.transfers],
        )
        changes = [
            (
                pk,
                {
                    ("unit_id" if k == "unit" else k): (u[v] if k == "unit" else v)
                    for k, v in c.items()
                },
            )
            for pk, _row, c in delta.updates
        ]
        changes += [(pk, ended) for pk, _row, ended, _new in self.plan.transfers]
        bulk.update(Membership, changes)

    def _offices(self):
        u, m, b, t = self.unit_ids, self.member_ids, self.body_ids, self.term_ids
        self._simple(
            CommitteeSeat,
            SEATS,
            lambda r: dict(
                member_id=m[r["member"]],
                body_id=b[r["unit"], r["body"]],
                role=r["role"],
                term_id=t[r["unit"], r["term"]] if r["term"] else None,
                starts_on=r["starts_on"],
                ends_on=r["ends_on"],
            ),
            {"term": ("term_id", lambda name, row: t[row["unit"], name] if name else None)},
        )
        self._simple(
            HeadOfUnit,
            HEADS,
            lambda r: dict(
                unit_id=u[r["unit"]],
                member_id=m[r["member"]],
                starts_on=r["starts_on"],
                ends_on=r["ends_on"],
            ),
            {"member": ("member_id", lambda code, row: m[code])},
        )
        self._simple(
            ManagedBy,
            MANAGED,
            lambda r: dict(
                member_id=m[r["member"]],
                body_id=b[r["unit"], r["body"]],
                starts_on=r["starts_on"],
                ends_on=r["ends_on"],
            ),
        )

    def _paths(self):
        """Today's path cache of every unit, from the dated links (and successions for units
        that ended), rewritten where it differs."""
        d = self.d
        if not any(d[s.name].creates or d[s.name].updates for s in (UNITS, LINKS, SUCCESSIONS)):
            return
        today = self.plan.today
        current, last = {}, {}
        for unit_id, parent_id, starts, ends in UnitLink.objects.values_list(
            "unit_id", "parent_id", "starts_on", "ends_on"
        ):
            if starts <= today and (ends is None or today < ends):
                current[unit_id] = parent_id
            elif starts <= today and (unit_id not in last or last[unit_id][0] < starts):
                last[unit_id] = (starts, parent_id)
        successor = {}
        for pred, succ in UnitSuccession.objects.order_by("on").values_list(
            "predecessor_id", "successor_id"
        ):
            successor[pred] = succ
        paths = {}

        def parent_of(pk):
            if pk in current:
                return current[pk]
            if pk in successor:
                return successor[pk]
            return last[pk][1] if pk in last else None

        def path(pk, depth=0):
            if pk not in paths:
                parent = parent_of(pk) if depth < 50 else None
                paths[pk] = (path(parent, depth + 1) if parent else "") + path_segment(pk)
            return paths[pk]

        stored = dict(OrgUnit.objects.values_list("pk", "path"))
        moved = [(pk, old) for pk, old in stored.items() if path(pk) != old]
        bulk.update(OrgUnit, [(pk, {"path": path(pk)}) for pk, _old in moved])
        self.counted_units |= {pk for pk, _old in moved}
        self.left_paths += [old for _pk, old in moved if old]

    def _place_keys(self):
        """Each unit's superior's folded name (what the pickers also match), where a unit, a
        name or a link changed."""
        d = self.d
        if any(d[s.name].creates or d[s.name].updates for s in (UNITS, LINKS, SUCCESSIONS, NAMES)):
            sync_all_place_keys()

    def _counters(self):
        """The per-unit counters (orgs.counters) of the units the file changed and their
        superiors, before and after: refreshed like a service does; past REFRESH_LIMIT units,
        recomputed from scratch (and written where they differ) instead."""
        units = set(self.counted_units)
        for chunk in chunks(self.official_changed, chunk_size()):
            cells = Member.objects.filter(pk__in=chunk, current_unit__isnull=False)
            units |= set(cells.values_list("current_unit_id", flat=True))
        if len(units) + len(self.left_paths) > REFRESH_LIMIT:
            counters.rebuild()
            return
        paths = list(self.left_paths)
        for chunk in chunks(sorted(units), chunk_size()):
            paths += OrgUnit.objects.filter(pk__in=chunk).values_list("path", flat=True)
        counters.refresh(paths)

    def _current_units(self):
        delta = self.d[MEMBERSHIPS.name]
        touched = {r["member"] for r in delta.creates}
        touched |= {row["member"] for _pk, row, _c in delta.updates}
        touched |= {row["member"] for _pk, row, _e, _n in self.plan.transfers}
        touched |= {r["member"] for r in self.d[MEMBERS.name].creates}
        if not touched:
            return
        cells = self.cell_today
        now = {code: self.unit_ids[cells[code]] for code in touched if code in cells}
        ids = {self.member_ids[c]: c for c in touched}
        stored = Member.objects.filter(pk__in=list(ids)) if len(ids) < 900 else Member.objects.all()
        changes = []
        for pk, unit_id in stored.values_list("pk", "current_unit_id"):
            code = ids.get(pk)
            if code is not None and now.get(code) != unit_id:
                changes.append((pk, {"current_unit_id": now.get(code)}))
                self.counted_units |= {unit_id, now.get(code)} - {None}
        bulk.update(Member, changes)
