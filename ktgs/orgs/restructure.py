"""Dated restructuring of the tree: rename, merge, split, close (giải thể).

Moving a unit is `services.unit_move`. Each operation here runs in one transaction, is recorded
with its decision, checks its input first and raises a `ValidationError` keyed by field with a
Vietnamese message (nothing is written then), and records one audit event (docs/decisions/0005).

What follows a unit that ends on day D (merge, split with the original closed):
* its current memberships end on D ("sáp nhập, chia tách tổ chức") and continue from D in the
  successor cell the decision names; its sub-units move under the successor from D;
* the seats, heads and managed-by rows of its bodies end on D;
* `closed_on` = D, its parent link ends on D, and a `UnitSuccession` row is written;
* its `path` (today's cache) is placed under its successor, so that whoever sees the successor
  today sees the records stored with the old unit (accounts.access works on paths).
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone

from ktgs.audit.services import record
from ktgs.core.concurrency import touch_version
from ktgs.core.models import Dated
from ktgs.core.validators import reject_control_chars_in
from ktgs.core.vietnamese import format_date, nfc, text_sort_key
from ktgs.orgs import counters, services
from ktgs.orgs.choices import MembershipEnd
from ktgs.orgs.models import (
    CommitteeSeat,
    HeadOfUnit,
    ManagedBy,
    Member,
    Membership,
    OrgUnit,
    SuccessionKind,
    UnitLink,
    UnitName,
    UnitSuccession,
    path_segment,
    unit_search_key,
)
from ktgs.orgs.placekeys import sync_place_keys

# --- checks shared by the operations ---------------------------------------------------------


def _check_day(on: date | None) -> None:
    if on is None:
        raise ValidationError({"on": "Chưa nhập ngày hiệu lực."})
    if on > timezone.localdate():
        raise ValidationError(
            {
                "on": f"Ngày {format_date(on)} chưa đến: chỉ ghi những thay đổi đã có hiệu lực "
                "(hãy ghi vào đúng ngày quyết định có hiệu lực)."
            }
        )


def _check_active(unit: OrgUnit, on: date, field: str) -> None:
    """`unit` exists on `on` and was established before it (a change needs a day after)."""
    if unit.is_voided:
        raise ValidationError({field: f"«{unit.name}» là hồ sơ đã hủy."})
    if unit.closed_on is not None:
        raise ValidationError(
            {
                field: f"«{unit.name}» đã giải thể hoặc sáp nhập từ ngày "
                f"{format_date(unit.closed_on)}; không thể thực hiện thao tác với tổ chức này."
            }
        )
    if on <= unit.established_on:
        raise ValidationError(
            {
                "on": f"«{unit.name}» thành lập ngày {format_date(unit.established_on)}; ngày "
                "hiệu lực phải sau ngày đó."
            }
        )


def _check_nothing_later(units: list[OrgUnit], on: date) -> None:
    """No change to these units (parent, name, members, sub-units, seats) is recorded on or
    after `on`: the operation would rewrite history that came after it."""
    ids = [u.pk for u in units]
    later = (
        UnitLink.objects.filter(Q(unit_id__in=ids) | Q(parent_id__in=ids), starts_on__gt=on)
        .select_related("unit")
        .first()
    )
    if later is not None:
        raise ValidationError(
            {
                "on": f"Đã ghi nhận thay đổi cấp trên của «{later.unit.name}» ngày "
                f"{format_date(later.starts_on)}, sau ngày hiệu lực; hãy chọn ngày muộn hơn."
            }
        )
    renamed = UnitName.objects.filter(unit_id__in=ids, ends_on__gte=on).first()
    if renamed is not None:
        raise ValidationError(
            {
                "on": f"Đã ghi nhận đổi tên ngày {format_date(renamed.ends_on)}, không trước ngày "
                "hiệu lực; hãy chọn ngày muộn hơn."
            }
        )
    seat = (
        CommitteeSeat.objects.filter(body__unit_id__in=ids, starts_on__gte=on)
        .select_related("body")
        .first()
    )
    if seat is not None:
        raise ValidationError(
            {
                "on": f"Đã ghi nhận chức danh trong «{seat.body.name}» từ ngày "
                f"{format_date(seat.starts_on)}, sau ngày hiệu lực; hãy chọn ngày muộn hơn."
            }
        )
    moved = (
        Membership.objects.filter(unit_id__in=ids)
        .filter(Q(starts_on__gte=on) | Q(ends_on__gt=on))
        .select_related("member", "unit")
        .order_by("-starts_on")
        .first()
    )
    if moved is not None:
        day = moved.starts_on if moved.starts_on >= on else moved.ends_on
        raise ValidationError(
            {
                "on": f"Đã ghi nhận thay đổi sinh hoạt đảng của {moved.member.full_name} tại "
                f"«{moved.unit.name}» ngày {format_date(day)}, sau ngày hiệu lực; hãy chọn ngày "
                "muộn hơn."
            }
        )


# --- what follows a unit that ends ------------------------------------------------------------


def _relink(unit: OrgUnit, new_parent: OrgUnit, on: date, decision: str) -> None:
    """Place `unit` (and its subtree) under `new_parent` from `on` (no audit: the caller's
    operation is the event)."""
    current = UnitLink.objects.filter(Dated.q_on(on), unit=unit).first()
    if current is not None:
        current.ends_on = on
        current.save(update_fields=["ends_on"])
    UnitLink.objects.create(unit=unit, parent=new_parent, starts_on=on, decision=decision)
    _rebase(unit, new_parent)


def _rebase(unit: OrgUnit, new_parent: OrgUnit) -> None:
    """Rewrite today's path cache of `unit`'s subtree to lie under `new_parent`."""
    unit.refresh_from_db(fields=["path"])
    new_parent.refresh_from_db(fields=["path"])
    old_path, new_path = unit.path, new_parent.path + path_segment(unit.pk)
    OrgUnit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1, Length("path")))
    )
    sync_place_keys([unit])


def _move_members(member_ids: list[int], source: OrgUnit, target: OrgUnit, on, decision) -> int:
    """End these members' current membership in `source` on `on`; continue them in `target`."""
    if not member_ids:
        return 0
    Membership.objects.filter(member_id__in=member_ids, unit=source, ends_on__isnull=True).update(
        ends_on=on, end_reason=MembershipEnd.REORGANISED, decision=decision
    )
    Membership.objects.bulk_create(
        [
            Membership(member_id=pk, unit=target, starts_on=on, decision=decision)
            for pk in member_ids
        ]
    )
    Member.objects.filter(pk__in=member_ids).update(current_unit=target)
    return len(member_ids)


def _end_roles(unit: OrgUnit, on: date) -> None:
    """Seats, heads and managed-by rows of the unit's bodies end on `on`."""
    holding = Q(ends_on__isnull=True) | Q(ends_on__gt=on)
    CommitteeSeat.objects.filter(holding, body__unit=unit).update(ends_on=on)
    ManagedBy.objects.filter(holding, body__unit=unit).update(ends_on=on)
    HeadOfUnit.objects.filter(holding, unit=unit).update(ends_on=on)


def _current_member_ids(unit: OrgUnit) -> list[int]:
    return list(
        Membership.objects.filter(unit=unit, ends_on__isnull=True).values_list(
            "member_id", flat=True
        )
    )


def _current_children(unit: OrgUnit, on: date) -> list[OrgUnit]:
    return list(
        OrgUnit.objects.filter(
            pk__in=UnitLink.objects.filter(Dated.q_on(on), parent=unit).values("unit_id"),
            closed_on__isnull=True,
        )
    )


def _close(unit: OrgUnit, on: date, decision: str) -> None:
    UnitLink.objects.filter(Dated.q_on(on), unit=unit).update(ends_on=on)
    _end_roles(unit, on)
    unit.closed_on, unit.closed_decision = on, decision
    unit.save(update_fields=["closed_on", "closed_decision"])


def _lock(units: list[OrgUnit]) -> list[OrgUnit]:
    found = (
        OrgUnit.objects.select_for_update().select_related("kind").in_bulk([u.pk for u in units])
    )
    return [found[u.pk] for u in units]


# --- rename ----------------------------------------------------------------------------------


@transaction.atomic
def unit_rename(
    *, unit: OrgUnit, name: str, on: date, short_name: str = "", decision: str = ""
) -> OrgUnit:
    """The unit bears `name` from `on`; the old name is kept for the days before."""
    reject_control_chars_in(
        {"name": name, "short_name": short_name},
        {"name": "Tên mới", "short_name": "Tên gọi tắt mới"},
    )
    decision = services.decision_number(decision)
    name, short_name = nfc(name or "").strip(), nfc(short_name or "").strip()
    if not name:
        raise ValidationError({"name": "Chưa nhập tên mới."})
    _check_day(on)
    (unit,) = _lock([unit])
    _check_active(unit, on, "unit")
    if name == unit.name and short_name == unit.short_name:
        raise ValidationError({"name": f"Tổ chức đã mang tên «{name}»."})
    _check_nothing_later([unit], on)
    current = UnitName.objects.filter(unit=unit, ends_on__isnull=True).first()
    if current is None:
        UnitName.objects.create(
            unit=unit,
            name=unit.name,
            short_name=unit.short_name,
            starts_on=unit.established_on,
            ends_on=on,
        )
    else:
        current.ends_on = on
        current.save(update_fields=["ends_on"])
    UnitName.objects.create(
        unit=unit, name=name, short_name=short_name, starts_on=on, decision=decision
    )
    old = unit.name
    unit.name, unit.short_name, unit.sort_key = name, short_name, text_sort_key(name)
    unit.search_key = unit_search_key(name, short_name)
    unit.save(update_fields=["name", "short_name", "sort_key", "search_key"])
    sync_place_keys([unit])
    touch_version(unit)  # an edit form opened before the rename is stale
    record(
        "orgs.unit.renamed",
        target=unit,
        unit_id=unit.pk,
        changes={"name": [old, name]},
        details={"on": on, "decision": decision},
    )
    return unit


# --- merge -----------------------------------------------------------------------------------


@transaction.atomic
def unit_merge(
    *,
    units: list[OrgUnit],
    on: date,
    into: OrgUnit | None = None,
    new_unit: dict | None = None,
    decision: str = "",
) -> OrgUnit:
    """Merge `units` into `into` (an existing unit) or into a new unit created from `new_unit`
    (the keyword arguments of `services.unit_create`, established on `on`). Cells merge into a
    cell: their members continue there. Đảng bộ merge into a đảng bộ: their sub-units move
    under it. Returns the successor."""
    decision = services.decision_number(decision)
    _check_day(on)
    units = list(dict.fromkeys(units))  # the same unit chosen twice counts once
    if not units:
        raise ValidationError({"units": "Hãy chọn ít nhất một tổ chức được sáp nhập."})
    if (into is None) == (new_unit is None):
        raise ValidationError({"into": "Hãy chọn tổ chức nhận sáp nhập."})
    if into is not None and any(u.pk == into.pk for u in units):
        raise ValidationError(
            {"units": f"Không thể sáp nhập «{into.name}» vào chính nó; hãy bỏ nó khỏi danh sách."}
        )
    units = _lock(units)
    for u in units:
        _check_active(u, on, "units")
    if into is not None:
        (into,) = _lock([into])
        if into.is_voided or into.closed_on is not None:
            day = format_date(into.closed_on) if into.closed_on else ""
            raise ValidationError(
                {
                    "into": f"«{into.name}» đã giải thể hoặc sáp nhập"
                    + (f" từ ngày {day}" if day else "")
                    + "; không thể sáp nhập vào tổ chức không còn hoạt động."
                }
            )
        if into.established_on > on:
            raise ValidationError(
                {
                    "on": f"«{into.name}» thành lập ngày {format_date(into.established_on)}, sau "
                    "ngày sáp nhập."
                }
            )
        inside = next((u for u in units if into.path.startswith(u.path)), None)
        if inside is not None:
            raise ValidationError(
                {
                    "into": f"«{into.name}» trực thuộc «{inside.name}»: không thể sáp nhập một tổ "
                    "chức vào tổ chức trực thuộc nó."
                }
            )
    cells = {u.kind.is_cell for u in units}
    if len(cells) > 1:
        raise ValidationError(
            {"units": "Chi bộ sáp nhập với chi bộ, đảng bộ với đảng bộ: hãy tách thành hai lần."}
        )
    are_cells = cells.pop()
    _check_nothing_later(units, on)
    if into is None:
        into = services.unit_create(**{**new_unit, "starts_on": on, "decision": decision})
    if into.kind.is_cell != are_cells:
        what = "chi bộ" if are_cells else "đảng bộ"
        raise ValidationError(
            {
                "into": f"Các tổ chức được sáp nhập là {what}; «{into.name}» là "
                f"{into.kind.name.lower()}. Hãy chọn một {what}."
            }
        )
    members = children = 0
    before = [u.path for u in units]  # their former superiors lose them
    for u in units:
        if are_cells:
            members += _move_members(_current_member_ids(u), u, into, on, decision)
        else:
            for child in _current_children(u, on):
                services._check_parent_kind(child.kind, into)
                _relink(child, into, on, decision)
                children += 1
        _close(u, on, decision)
        UnitSuccession.objects.create(
            predecessor=u, successor=into, on=on, kind=SuccessionKind.MERGED, decision=decision
        )
        _rebase(u, into)
    into.refresh_from_db()
    counters.refresh([*before, into.path])
    record(
        "orgs.unit.merged",
        target=into,
        unit_id=into.pk,
        details={
            "units": [u.code for u in units],
            "into": into.code,
            "on": on,
            "decision": decision,
            "members": members,
            "sub_units": children,
        },
    )
    return into


# --- split -----------------------------------------------------------------------------------


@transaction.atomic
def unit_split(
    *,
    unit: OrgUnit,
    on: date,
    parts: list[tuple[OrgUnit, list]],
    close_original: bool = True,
    decision: str = "",
) -> list[OrgUnit]:
    """Split `unit` on `on`: each part is (target unit, what goes there) — members when `unit`
    is a cell, sub-units otherwise. With `close_original`, everything must be given out and the
    unit closes (its records are then found from the first part's unit)."""
    decision = services.decision_number(decision)
    _check_day(on)
    if not parts:
        raise ValidationError({"parts": "Hãy chọn các tổ chức nhận phần được chia tách."})
    (unit,) = _lock([unit])
    _check_active(unit, on, "unit")
    targets = _lock([t for t, _items in parts])
    if len({t.pk for t in targets}) != len(targets):
        raise ValidationError({"parts": "Mỗi tổ chức nhận chỉ được nêu một lần."})
    for t in targets:
        if t.pk == unit.pk:
            raise ValidationError({"parts": f"Không thể chia tách «{unit.name}» vào chính nó."})
        if t.is_voided or t.closed_on is not None:
            raise ValidationError(
                {"parts": f"«{t.name}» không còn hoạt động; không thể nhận phần được chia tách."}
            )
        if t.established_on > on:
            raise ValidationError(
                {"on": f"«{t.name}» thành lập ngày {format_date(t.established_on)}, sau ngày này."}
            )
        if t.kind.is_cell != unit.kind.is_cell:
            what = "chi bộ" if unit.kind.is_cell else "đảng bộ"
            raise ValidationError(
                {"parts": f"«{unit.name}» là {what}: các tổ chức nhận cũng phải là {what}."}
            )
        if t.path.startswith(unit.path):
            raise ValidationError(
                {"parts": f"«{t.name}» trực thuộc «{unit.name}»: hãy chọn tổ chức khác."}
            )
    _check_nothing_later([unit], on)
    if unit.kind.is_cell:
        available = set(_current_member_ids(unit))
        given = [[m.pk for m in items] for _t, items in parts]
        what = "đảng viên"
    else:
        available = {c.pk for c in _current_children(unit, on)}
        given = [[c.pk for c in items] for _t, items in parts]
        what = "tổ chức trực thuộc"
    flat = [pk for ids in given for pk in ids]
    if len(flat) != len(set(flat)):
        raise ValidationError({"parts": f"Một {what} được chia về hai nơi."})
    if set(flat) - available:
        raise ValidationError(
            {"parts": f"Có {what} không thuộc «{unit.name}» vào ngày {format_date(on)}."}
        )
    if close_original and available - set(flat):
        left = len(available - set(flat))
        raise ValidationError(
            {
                "parts": f"Còn {left} {what} chưa được chia về tổ chức nào; khi giải thể tổ chức "
                "cũ, mọi người và tổ chức trực thuộc phải có nơi sinh hoạt mới."
            }
        )
    before = [unit.path, *(t.path for t in targets)]
    for target, ids in zip(targets, given, strict=True):
        if unit.kind.is_cell:
            _move_members(ids, unit, target, on, decision)
        else:
            for child in OrgUnit.objects.filter(pk__in=ids).select_related("kind"):
                services._check_parent_kind(child.kind, target)
                _relink(child, target, on, decision)
        UnitSuccession.objects.create(
            predecessor=unit, successor=target, on=on, kind=SuccessionKind.SPLIT, decision=decision
        )
    if close_original:
        _close(unit, on, decision)
        _rebase(unit, targets[0])
    counters.refresh(before)
    record(
        "orgs.unit.split",
        target=unit,
        unit_id=unit.pk,
        details={
            "into": {t.code: len(ids) for t, ids in zip(targets, given, strict=True)},
            "on": on,
            "closed": close_original,
            "decision": decision,
        },
    )
    return targets


# --- close (giải thể) ------------------------------------------------------------------------


@transaction.atomic
def unit_close(*, unit: OrgUnit, on: date, decision: str = "") -> OrgUnit:
    """Giải thể (not the sanction giải tán): refused while members or sub-units remain."""
    decision = services.decision_number(decision)
    _check_day(on)
    (unit,) = _lock([unit])
    _check_active(unit, on, "unit")
    members = Membership.objects.filter(unit=unit).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=on)
    )
    n = members.count()
    if n:
        raise ValidationError(
            {
                "unit": f"«{unit.name}» còn {n} đảng viên sinh hoạt vào ngày {format_date(on)}; "
                "hãy chuyển sinh hoạt đảng của họ trước khi giải thể (hoặc dùng «Sáp nhập»)."
            }
        )
    children = UnitLink.objects.filter(parent=unit).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gt=on)
    )
    n = children.count()
    if n:
        raise ValidationError(
            {
                "unit": f"«{unit.name}» còn {n} tổ chức trực thuộc; hãy chuyển các tổ chức đó "
                "sang cấp trên khác trước khi giải thể."
            }
        )
    _check_nothing_later([unit], on)
    _close(unit, on, decision)
    counters.refresh([unit.path])
    record(
        "orgs.unit.closed",
        target=unit,
        unit_id=unit.pk,
        details={"on": on, "decision": decision},
    )
    return unit


# --- reading the successions -----------------------------------------------------------------


def successor_today(unit: OrgUnit) -> OrgUnit:
    """The unit that carries on `unit`'s work today (itself when it has not ended). A set-based
    read per level of succession (a chain is short)."""
    seen = {unit.pk}
    while unit.closed_on is not None:
        nxt = (
            UnitSuccession.objects.filter(predecessor=unit)
            .select_related("successor")
            .order_by("pk")
            .first()
        )
        if nxt is None or nxt.successor_id in seen:
            break
        unit = nxt.successor
        seen.add(unit.pk)
    return unit
