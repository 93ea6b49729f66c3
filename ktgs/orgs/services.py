"""Writes to the organisation tree and the member register.

Each function runs in one transaction, checks what the rules require, raises a
`ValidationError` keyed by field with a Vietnamese message (nothing is written then), and records
one audit event.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils import timezone

from ktgs.audit.services import diff, record
from ktgs.core.citizen_id import check_citizen_id, check_old_id
from ktgs.core.concurrency import bump_version, check_version
from ktgs.core.dates import reject_future
from ktgs.core.docnumber import DocumentNumber
from ktgs.core.models import Dated, Secrecy
from ktgs.core.validators import reject_control_chars_in
from ktgs.core.vietnamese import fold, format_date, name_sort_key, nfc, text_sort_key
from ktgs.orgs import counters
from ktgs.orgs.choices import SEAT_ROLES_BY_BODY, BodyKind, Level, MembershipEnd, SeatRole
from ktgs.orgs.models import (
    Body,
    CommitteeSeat,
    HeadOfUnit,
    ManagedBy,
    Member,
    Membership,
    OrgKind,
    OrgUnit,
    UnitLink,
    path_segment,
    unit_search_key,
)
from ktgs.orgs.placekeys import sync_place_keys
from ktgs.orgs.selectors import unit_contains_on

MEMBER_FIELDS = (
    "family_name",
    "middle_name",
    "given_name",
    "birth_date",
    "sex",
    "citizen_id",
    "old_id_number",
    "admitted_on",
    "official_on",
    "secrecy",
)
CONFIDENTIAL_MEMBER_FIELDS = ("citizen_id", "old_id_number")
NAME_LABELS = {"family_name": "Họ", "middle_name": "Tên đệm", "given_name": "Tên"}
DECISION_LABEL = "Số quyết định"


def decision_number(value: str | None) -> str:
    """The decision's Party document number in canonical form ("5-QĐ/ĐUK" → "05-QĐ/ĐUK"), or ""
    when none is given; a control character or another shape is refused, keyed "decision"."""
    reject_control_chars_in({"decision": value}, {"decision": DECISION_LABEL})
    value = nfc(value or "")
    if not value:
        return ""
    try:
        return str(DocumentNumber(value))
    except ValidationError as exc:
        raise ValidationError({"decision": exc.messages}) from exc


# --- units -----------------------------------------------------------------------------------


def default_bodies(unit: OrgUnit) -> list[Body]:
    """The bodies a unit of this kind has: committee, standing committee, UBKT, cell meeting."""
    kind, name = unit.kind, unit.name
    bodies = [Body(unit=unit, kind=BodyKind.COMMITTEE, name=f"Cấp ủy {name}")]
    if kind.has_standing_committee:
        bodies.append(Body(unit=unit, kind=BodyKind.STANDING, name=f"Ban Thường vụ {name}"))
    if kind.has_inspection_commission:
        bodies.append(Body(unit=unit, kind=BodyKind.INSPECTION, name=f"Ủy ban Kiểm tra {name}"))
    if kind.is_cell:
        bodies.append(Body(unit=unit, kind=BodyKind.CELL_MEETING, name=name))
    return bodies


def _check_parent_kind(kind: OrgKind, parent: OrgUnit | None) -> None:
    allowed = list(kind.allowed_parents.all())
    if parent is None:
        if allowed and kind.level not in (Level.CENTRAL, Level.PROVINCE):
            names = ", ".join(k.name for k in allowed)
            raise ValidationError({"parent": f"{kind.name} phải trực thuộc một tổ chức ({names})."})
        return
    if parent.kind not in allowed:
        names = ", ".join(k.name for k in allowed) or "không loại nào"
        raise ValidationError(
            {
                "parent": f"{kind.name} không thể trực thuộc {parent.kind.name.lower()} "
                f"«{parent.name}». Loại cấp trên được phép: {names}."
            }
        )


@transaction.atomic
def unit_create(
    *,
    code: str,
    name: str,
    kind: OrgKind,
    parent: OrgUnit | None,
    starts_on: date,
    short_name: str = "",
    decision: str = "",
) -> OrgUnit:
    reject_control_chars_in(
        {"code": code, "name": name, "short_name": short_name, "decision": decision},
        {
            "code": "Mã tổ chức",
            "name": "Tên tổ chức",
            "short_name": "Tên viết tắt",
            "decision": DECISION_LABEL,
        },
    )
    code, name, decision = code.strip(), nfc(name), decision_number(decision)
    reject_future(starts_on=starts_on)
    if OrgUnit.objects.filter(code=code).exists():
        raise ValidationError({"code": f"Mã tổ chức «{code}» đã được dùng; hãy chọn mã khác."})
    _check_parent_kind(kind, parent)
    if parent is not None and parent.established_on > starts_on:
        raise ValidationError(
            {
                "starts_on": f"«{parent.name}» thành lập ngày {format_date(parent.established_on)}, "
                "sau ngày thành lập tổ chức trực thuộc."
            }
        )
    unit = OrgUnit.objects.create(
        code=code,
        name=name,
        short_name=nfc(short_name),
        kind=kind,
        established_on=starts_on,
        path="",
        sort_key=text_sort_key(name),
        search_key=unit_search_key(name, nfc(short_name)),
    )
    unit.path = (parent.path if parent else "") + path_segment(unit.pk)
    unit.place_key = parent.search_key if parent else ""
    unit.save(update_fields=["path", "place_key"])
    if parent is not None:
        UnitLink.objects.create(unit=unit, parent=parent, starts_on=starts_on, decision=decision)
    Body.objects.bulk_create(default_bodies(unit))
    counters.refresh([unit.path])
    record(
        "orgs.unit.created",
        target=unit,
        unit_id=unit.pk,
        details={"code": code, "kind": kind.code, "parent": parent.code if parent else None},
    )
    return unit


@transaction.atomic
def unit_update(
    *, unit: OrgUnit, name: str, short_name: str = "", version: int | None = None
) -> OrgUnit:
    """Correct the unit's name; `version`: the one the edit form was opened at (a save after
    another user's is refused, `StaleEdit`)."""
    stored = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    check_version(stored, version)
    reject_control_chars_in(
        {"name": name, "short_name": short_name},
        {"name": "Tên tổ chức", "short_name": "Tên viết tắt"},
    )
    before = {"name": stored.name, "short_name": stored.short_name}
    unit.name, unit.short_name = nfc(name), nfc(short_name)
    unit.sort_key = text_sort_key(unit.name)
    unit.search_key = unit_search_key(unit.name, unit.short_name)
    changes = diff(before, {"name": unit.name, "short_name": unit.short_name})
    unit.version = stored.version
    if changes:
        bump_version(unit)
    unit.save(update_fields=["name", "short_name", "sort_key", "search_key"])
    sync_place_keys([unit])  # its sub-units are found by its new name
    record("orgs.unit.updated", target=unit, unit_id=unit.pk, changes=changes)
    return unit


@transaction.atomic
def unit_move(*, unit: OrgUnit, new_parent: OrgUnit, on: date, decision: str = "") -> OrgUnit:
    """Place `unit` under `new_parent` from `on`; its subtree follows. The old link is ended."""
    decision = decision_number(decision)
    reject_future(on=on)
    unit = OrgUnit.objects.select_for_update().get(pk=unit.pk)
    if new_parent.path.startswith(unit.path):
        raise ValidationError(
            {
                "parent": f"Không thể chuyển «{unit.name}» vào chính nó hay một tổ chức trực thuộc "
                "nó: cây tổ chức sẽ thành vòng."
            }
        )
    _check_parent_kind(unit.kind, new_parent)
    current = UnitLink.objects.filter(Dated.q_on(on), unit=unit).first()
    if current is not None and current.parent_id == new_parent.pk:
        raise ValidationError({"parent": f"«{unit.name}» đã trực thuộc «{new_parent.name}»."})
    if UnitLink.objects.filter(unit=unit, starts_on__gt=on).exists():
        raise ValidationError(
            {"on": "Đã có thay đổi cấp trên sau ngày này; hãy chọn ngày muộn hơn."}
        )
    if current is not None:
        if current.starts_on == on:
            raise ValidationError({"on": "Ngày chuyển trùng ngày bắt đầu trực thuộc hiện tại."})
        current.ends_on = on
        current.save(update_fields=["ends_on"])
    UnitLink.objects.create(unit=unit, parent=new_parent, starts_on=on, decision=decision)
    old_path, new_path = unit.path, new_parent.path + path_segment(unit.pk)
    OrgUnit.objects.filter(path__startswith=old_path).update(
        path=Concat(Value(new_path), Substr(F("path"), len(old_path) + 1, Length("path")))
    )
    sync_place_keys([unit])
    unit.refresh_from_db()
    counters.refresh([old_path, unit.path])
    record(
        "orgs.unit.moved",
        target=unit,
        unit_id=unit.pk,
        details={"to": new_parent.code, "on": on, "decision": decision},
    )
    return unit


# --- members ---------------------------------------------------------------------------------


def _normalise_member(data: dict) -> dict:
    data = dict(data)
    reject_control_chars_in(data, NAME_LABELS)
    for key in ("family_name", "middle_name", "given_name"):
        data[key] = nfc(data.get(key) or "")
    for key in ("family_name", "given_name"):
        if not data[key]:
            label = "Họ" if key == "family_name" else "Tên"
            raise ValidationError({key: f"{label} không được để trống."})
    data["citizen_id"] = (data.get("citizen_id") or "").replace(" ", "") or None
    data["old_id_number"] = (data.get("old_id_number") or "").replace(" ", "")
    data["secrecy"] = data.get("secrecy") or Secrecy.NORMAL  # tuyệt mật: refused by full_clean
    return data


def _check_member(data: dict, *, exclude_pk: int | None = None) -> None:
    reject_future(**{k: data.get(k) for k in ("birth_date", "admitted_on", "official_on")})
    errors = {}
    if data["citizen_id"]:
        try:
            check_citizen_id(
                data["citizen_id"], birth_date=data.get("birth_date"), sex=data.get("sex")
            )
        except ValidationError as exc:
            errors["citizen_id"] = exc.messages
        else:
            other = Member.objects.live().filter(citizen_id=data["citizen_id"])
            other = other.exclude(pk=exclude_pk).first()
            if other is not None:
                # Names no one: the pages name a member the user sees (orgs.lookups).
                errors["citizen_id"] = [
                    f"Số CCCD {data['citizen_id']} đã được đăng ký cho một đảng viên khác; "
                    "kiểm tra lại số hoặc hồ sơ trùng."
                ]
    if data["old_id_number"]:
        try:
            check_old_id(data["old_id_number"])
        except ValidationError as exc:
            errors["old_id_number"] = exc.messages
    if errors:
        raise ValidationError(errors)


def member_name_keys(family: str, middle: str, given: str) -> tuple[str, str, str]:
    """(full name, search key, sort key) of a member's NFC name parts."""
    full_name = " ".join(p for p in (family, middle, given) if p)
    return full_name, fold(full_name), name_sort_key(family, middle, given)


def _apply_names(member: Member) -> None:
    member.full_name, member.search_key, member.sort_key = member_name_keys(
        member.family_name, member.middle_name, member.given_name
    )


def _check_membership_free(member: Member, starts_on: date, ends_on: date | None) -> None:
    rows = Membership.objects.filter(member=member)
    if ends_on is not None:
        rows = rows.filter(starts_on__lt=ends_on)
    clash = rows.filter(Dated.q_on(starts_on) | Q(starts_on__gte=starts_on)).first()
    if clash is not None:
        until = format_date(clash.ends_on) if clash.ends_on else "nay"
        raise ValidationError(
            {
                "starts_on": f"Thời gian sinh hoạt trùng với thời gian đã có tại «{clash.unit.name}» "
                f"(từ {format_date(clash.starts_on)} đến {until})."
            }
        )


def _check_cell(unit: OrgUnit) -> None:
    if not unit.kind.is_cell:
        raise ValidationError(
            {
                "unit": f"Đảng viên sinh hoạt tại chi bộ; «{unit.name}» là {unit.kind.name.lower()}. "
                "Hãy chọn một chi bộ."
            }
        )
    if unit.is_voided or unit.closed_on is not None:
        raise ValidationError({"unit": f"«{unit.name}» không còn hoạt động."})


@transaction.atomic
def member_create(*, code: str, unit: OrgUnit, starts_on: date | None = None, **fields) -> Member:
    """Register a member in a cell from `starts_on` (default: the admission date)."""
    reject_control_chars_in({"code": code}, {"code": "Mã đảng viên"})
    code = code.strip().upper()
    if Member.objects.filter(code=code).exists():
        raise ValidationError({"code": f"Mã đảng viên «{code}» đã có; mỗi đảng viên một mã."})
    data = _normalise_member({k: fields.get(k) for k in MEMBER_FIELDS})
    _check_member(data)
    reject_future(starts_on=starts_on)
    _check_cell(unit)
    member = Member(code=code, current_unit=unit, **data)
    _apply_names(member)
    member.full_clean(exclude=["current_unit", "full_name", "search_key", "sort_key"])
    member.save()
    starts_on = starts_on or member.admitted_on
    Membership.objects.create(member=member, unit=unit, starts_on=starts_on)
    counters.refresh([unit.path])
    record(
        "orgs.member.created",
        target=member,
        unit_id=unit.pk,
        changes=diff({}, data, confidential=CONFIDENTIAL_MEMBER_FIELDS),
    )
    return member


@transaction.atomic
def member_update(*, member: Member, version: int | None = None, **fields) -> Member:
    """Change the given fields; `version`: the one the edit form was opened at (a save after
    another user's is refused, `StaleEdit`, nothing written)."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    check_version(member, version)
    before = {k: getattr(member, k) for k in MEMBER_FIELDS}
    data = _normalise_member({**before, **{k: v for k, v in fields.items() if k in MEMBER_FIELDS}})
    _check_member(data, exclude_pk=member.pk)
    for key, value in data.items():
        setattr(member, key, value)
    _apply_names(member)
    member.full_clean(exclude=["current_unit", "full_name", "search_key", "sort_key"])
    changes = diff(before, data, confidential=CONFIDENTIAL_MEMBER_FIELDS)
    if changes:
        bump_version(member)
    member.save()
    if "official_on" in changes and member.current_unit_id:  # probationary until then
        counters.refresh([member.current_unit.path])
    record("orgs.member.updated", target=member, unit_id=member.current_unit_id, changes=changes)
    return member


def _current_membership(member: Member) -> Membership:
    current = Membership.objects.filter(member=member, ends_on__isnull=True).first()
    if current is None:
        raise ValidationError({"member": f"{member.full_name} hiện không sinh hoạt đảng ở đâu."})
    return current


@transaction.atomic
def member_transfer(*, member: Member, to_unit: OrgUnit, on: date, decision: str = "") -> Member:
    """Chuyển sinh hoạt đảng to another cell from `on`."""
    decision = decision_number(decision)
    reject_future(on=on)
    member = Member.objects.select_for_update().get(pk=member.pk)
    current = _current_membership(member)
    _check_cell(to_unit)
    if current.unit_id == to_unit.pk:
        raise ValidationError({"to_unit": f"{member.full_name} đã sinh hoạt tại «{to_unit.name}»."})
    if on <= current.starts_on:
        raise ValidationError(
            {
                "on": f"Ngày chuyển phải sau ngày bắt đầu sinh hoạt tại «{current.unit.name}» "
                f"({format_date(current.starts_on)})."
            }
        )
    current.ends_on, current.end_reason, current.decision = on, MembershipEnd.TRANSFERRED, decision
    current.save(update_fields=["ends_on", "end_reason", "decision"])
    Membership.objects.create(member=member, unit=to_unit, starts_on=on, decision=decision)
    member.current_unit = to_unit
    member.save(update_fields=["current_unit"])
    counters.refresh([current.unit.path, to_unit.path])
    record(
        "orgs.member.transferred",
        target=member,
        unit_id=to_unit.pk,
        changes={"current_unit": [current.unit.code, to_unit.code]},
        details={"on": on, "decision": decision},
    )
    return member


@transaction.atomic
def membership_end(*, member: Member, on: date, reason: str, decision: str = "") -> Member:
    """End the member's registration: khai trừ, xóa tên, xin ra khỏi Đảng, từ trần, chuyển đi."""
    decision = decision_number(decision)
    if reason not in MembershipEnd.values:
        raise ValidationError({"reason": "Hãy chọn lý do kết thúc sinh hoạt."})
    if reason == MembershipEnd.TRANSFERRED:
        raise ValidationError(
            {"reason": "Chuyển sinh hoạt trong hệ thống dùng chức năng «Chuyển»."}
        )
    reject_future(on=on)  # an end recorded today takes the member out of today's counts
    member = Member.objects.select_for_update().get(pk=member.pk)
    current = _current_membership(member)
    if on <= current.starts_on:
        raise ValidationError({"on": "Ngày kết thúc phải sau ngày bắt đầu sinh hoạt."})
    current.ends_on, current.end_reason, current.decision = on, reason, decision
    current.save(update_fields=["ends_on", "end_reason", "decision"])
    member.current_unit = None
    member.save(update_fields=["current_unit"])
    counters.refresh([current.unit.path])
    record(
        "orgs.member.membership_ended",
        target=member,
        unit_id=current.unit_id,
        details={"on": on, "reason": reason, "decision": decision},
    )
    return member


@transaction.atomic
def membership_add(
    *,
    member: Member,
    unit: OrgUnit,
    starts_on: date,
    ends_on: date,
    end_reason: str,
    decision: str = "",
) -> Membership:
    """Record a past period of registration (history entered after the fact)."""
    decision = decision_number(decision)
    reject_future(starts_on=starts_on, ends_on=ends_on)  # a past period, over by today
    _check_dates(starts_on, ends_on)
    if end_reason not in MembershipEnd.values:
        raise ValidationError({"end_reason": "Hãy chọn lý do kết thúc sinh hoạt."})
    _check_cell(unit)
    if starts_on < member.admitted_on:
        raise ValidationError(
            {
                "starts_on": f"{member.full_name} vào Đảng ngày {format_date(member.admitted_on)}; "
                "thời gian sinh hoạt không thể bắt đầu trước ngày đó."
            }
        )
    _check_membership_free(member, starts_on, ends_on)
    row = Membership.objects.create(
        member=member,
        unit=unit,
        starts_on=starts_on,
        ends_on=ends_on,
        end_reason=end_reason,
        decision=decision,
    )
    record(
        "orgs.member.membership_added",
        target=member,
        unit_id=unit.pk,
        details={"starts_on": starts_on, "ends_on": ends_on, "end_reason": end_reason},
    )
    return row


@transaction.atomic
def member_void(*, member: Member, reason: str) -> Member:
    reject_control_chars_in({"reason": reason}, {"reason": "Lý do hủy hồ sơ"}, multiline={"reason"})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Hãy ghi lý do hủy hồ sơ (ví dụ: nhập trùng, nhập nhầm)."})
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.is_voided:
        raise ValidationError({"reason": "Hồ sơ này đã bị hủy trước đó."})
    member.voided_at, member.void_reason = timezone.now(), reason
    member.save(update_fields=["voided_at", "void_reason"])
    if member.current_unit_id:
        counters.refresh([member.current_unit.path])
    record(
        "orgs.member.voided",
        target=member,
        unit_id=member.current_unit_id,
        details={"reason": reason},
    )
    return member


# --- seats, heads, managed-by ----------------------------------------------------------------


def _check_dates(starts_on: date, ends_on: date | None) -> None:
    if ends_on is not None and ends_on <= starts_on:
        raise ValidationError({"ends_on": "Ngày kết thúc phải sau ngày bắt đầu."})


def _check_body_exists(body: Body, starts_on: date, ends_on: date | None) -> None:
    """The body's unit exists throughout [starts_on, ends_on): established, not yet closed."""
    unit = body.unit
    if starts_on < unit.established_on:
        raise ValidationError(
            {
                "starts_on": f"Ngày {format_date(starts_on)} chưa có «{body.name}»: «{unit.name}» "
                f"thành lập ngày {format_date(unit.established_on)}."
            }
        )
    closed = unit.closed_on
    if closed is not None and (starts_on >= closed or ends_on is None or ends_on > closed):
        field = "starts_on" if starts_on >= closed else "ends_on"
        raise ValidationError(
            {
                field: f"«{body.name}» không còn từ ngày {format_date(closed)} («{unit.name}» đã "
                "giải thể hoặc sáp nhập): chức danh phải kết thúc trước ngày đó."
            }
        )


def _overlapping(rows, starts_on: date, ends_on: date | None):
    rows = rows.filter(Q(ends_on__isnull=True) | Q(ends_on__gt=starts_on))
    return rows.filter(starts_on__lt=ends_on) if ends_on is not None else rows


def _check_member_within(member: Member, unit: OrgUnit, starts_on: date, ends_on: date | None):
    """The member's cell lies in `unit`'s subtree throughout [starts_on, ends_on)."""
    periods = list(_overlapping(member.memberships.select_related("unit"), starts_on, ends_on))
    if not any(m.holds_on(starts_on) for m in periods):
        day = format_date(starts_on)
        raise ValidationError(
            {"member": f"{member.full_name} không sinh hoạt đảng vào ngày {day}."}
        )
    for m in periods:
        day = max(starts_on, m.starts_on)
        if not unit_contains_on(unit, m.unit, day):
            raise ValidationError(
                {
                    "member": f"{member.full_name} sinh hoạt tại «{m.unit.name}» (ngày "
                    f"{format_date(day)}), không thuộc «{unit.name}»: không thể giữ chức danh "
                    "trong cơ quan của tổ chức này."
                }
            )


@transaction.atomic
def seat_add(
    *,
    member: Member,
    body: Body,
    role: str,
    starts_on: date,
    ends_on: date | None = None,
    term=None,
) -> CommitteeSeat:
    reject_future(starts_on=starts_on)  # the end may be planned (end of the term)
    _check_dates(starts_on, ends_on)
    _check_body_exists(body, starts_on, ends_on)
    allowed = SEAT_ROLES_BY_BODY.get(body.kind, set())
    if role not in allowed:
        raise ValidationError(
            {"role": f"Chức danh «{SeatRole(role).label}» không có trong {body.name}."}
        )
    _check_member_within(member, body.unit, starts_on, ends_on)
    seat = CommitteeSeat.objects.create(
        member=member, body=body, role=role, starts_on=starts_on, ends_on=ends_on, term=term
    )
    record(
        "orgs.seat.added",
        target=member,
        unit_id=body.unit_id,
        details={"body": body.name, "role": role, "starts_on": starts_on, "ends_on": ends_on},
    )
    return seat


@transaction.atomic
def head_set(
    *, unit: OrgUnit, member: Member, starts_on: date, ends_on: date | None = None
) -> HeadOfUnit:
    reject_future(starts_on=starts_on)
    _check_dates(starts_on, ends_on)
    clash = _overlapping(HeadOfUnit.objects.filter(unit=unit), starts_on, ends_on).first()
    if clash is not None:
        raise ValidationError(
            {
                "starts_on": f"«{unit.name}» đã có người đứng đầu là {clash.member.full_name} từ "
                f"{format_date(clash.starts_on)}; hãy kết thúc nhiệm vụ người đó trước."
            }
        )
    _check_member_within(member, unit, starts_on, ends_on)
    head = HeadOfUnit.objects.create(unit=unit, member=member, starts_on=starts_on, ends_on=ends_on)
    record(
        "orgs.head.set",
        target=member,
        unit_id=unit.pk,
        details={"unit": unit.code, "starts_on": starts_on, "ends_on": ends_on},
    )
    return head


@transaction.atomic
def managed_by_add(
    *, member: Member, body: Body, starts_on: date, ends_on: date | None = None
) -> ManagedBy:
    reject_future(starts_on=starts_on)
    _check_dates(starts_on, ends_on)
    if body.kind not in (BodyKind.COMMITTEE, BodyKind.STANDING):
        raise ValidationError({"body": "Diện quản lý cán bộ thuộc cấp ủy hoặc ban thường vụ."})
    _check_member_within(member, body.unit, starts_on, ends_on)
    row = ManagedBy.objects.create(member=member, body=body, starts_on=starts_on, ends_on=ends_on)
    record(
        "orgs.member.managed_by_set",
        target=member,
        unit_id=body.unit_id,
        details={"body": body.name, "starts_on": starts_on, "ends_on": ends_on},
    )
    return row
