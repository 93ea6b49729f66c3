"""Gói báo cáo giữa hai hệ thống (docs/submissions.md; decision 0011): a unit whose superior runs
another KTGS installation exports its current submission as a signed package; the superior,
having registered the unit's public key once, imports it as a submission like a local one.

The exporting side: `key_create` (the unit's Ed25519 key: private half in a file, public half
in `SigningKey`), `export` (the package bytes; a `PackageExport` row remembers the audit-chain
head it carried, for the next package). The receiving side: `key_register` / `key_revoke`
(`RegisteredKey`), `import_package` (checks everything, then one Submission and its
`PackageImport` in one transaction). Each write checks first, runs in one transaction and records
one audit event; a refusal is a ValidationError with a Vietnamese message, nothing written."""

import hashlib
import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from ktgs.accounts.access import Scope
from ktgs.audit.models import AuditEvent
from ktgs.audit.services import record
from ktgs.orgs.models import OrgUnit
from ktgs.reports.periods import (
    CALENDAR_KINDS,
    PeriodError,
    PeriodKind,
    UnitPeriods,
    period_settings,
    term_name,
)
from ktgs.submissions import signing
from ktgs.submissions.models import (
    PackageExport,
    PackageImport,
    RegisteredKey,
    SigningKey,
    Submission,
)
from ktgs.submissions.services import (
    REQUEST_KIND,
    Slot,
    _audit_head,
    _check,
    _ended,
    closure_of,
    new_version,
    package_of,
    period_slot,
    superior_of,
)

FORMAT = "ktgs-goi-bao-cao"
FORMAT_VERSION = 1
EXTENSION = ".ktgs-goi"
MAX_BYTES = 50 * 1024 * 1024  # the links between two packages: ~150 bytes per audit event
REWRITTEN = "Lịch sử nhật ký của đơn vị đã bị viết lại giữa hai gói"
NOT_A_PACKAGE = (
    "Tệp này không phải gói báo cáo KTGS (.ktgs-goi){why}: đồng chí chọn đúng tệp gói đơn vị "
    "gửi, nguyên vẹn như khi tải về."
)


def _no_package(why: str = "") -> ValidationError:
    return ValidationError({"tep": NOT_A_PACKAGE.format(why=f" ({why})" if why else "")})


def _name(user) -> str:
    if user is None:
        return ""
    return user.get_full_name() or user.get_username()


# --- the exporting side ----------------------------------------------------------------------


def key_of(unit: OrgUnit) -> SigningKey | None:
    return SigningKey.objects.filter(unit=unit, retired_at__isnull=True).first()


def key_create(*, scope: Scope, unit: OrgUnit, reason: str = "", user=None) -> SigningKey:
    """The unit's signing key. A unit that has one keeps it unless a reason is given: the new
    key replaces it, and the superior must register the new public key."""
    _check(scope, unit)
    reason = (reason or "").strip()
    old = key_of(unit)
    if old is not None and not reason:
        raise ValidationError(
            {
                "ly_do": f"{unit.name} đã có khóa ký (dấu vân tay {signing.pretty(old.fingerprint)}"
                "). Muốn thay khóa: đồng chí ghi lý do; sau đó cấp trên phải đăng ký lại khóa "
                "công khai mới."
            }
        )
    key = signing.generate()
    now = timezone.now()
    with transaction.atomic():
        if old is not None:
            old.retired_at, old.retire_reason = now, reason
            old.save(update_fields=["retired_at", "retire_reason"])
        row = SigningKey.objects.create(
            unit=unit,
            fingerprint=signing.fingerprint(key),
            public_pem=signing.public_pem(key),
            created_at=now,
            created_by=user,
        )
        record(
            "submissions.key.created",
            target=row,
            unit_id=unit.pk,
            details={
                "fingerprint": row.fingerprint,
                "replaces": old.fingerprint if old else None,
                "reason": reason,
            },
        )
        signing.write_private(unit.code, key)  # last: a failing write undoes the row
    return row


@dataclass
class Package:
    content: bytes
    filename: str
    export: PackageExport


def _links(after: int | None, upto: int) -> list[list]:
    if after is None:
        return []
    rows = AuditEvent.objects.filter(seq__gt=after, seq__lte=upto).order_by("seq")
    return [list(r) for r in rows.values_list("seq", "prev_hash", "hash")]


def export(*, scope: Scope, unit: OrgUnit, slot: Slot, user=None) -> Package:
    """The unit's current submission of the slot as a signed package (docs/submissions.md)."""
    _check(scope, unit)
    if slot.kind == REQUEST_KIND:
        raise ValidationError(
            {"ky": "Gói báo cáo chỉ mang báo cáo định kỳ: yêu cầu đột xuất nộp trên hệ thống."}
        )
    sub = Submission.objects.filter(unit=unit, slot=slot.key, superseded_at__isnull=True).first()
    if sub is None:
        raise ValidationError(
            {
                "ky": f"{unit.name} chưa nộp báo cáo {slot.label}: đồng chí nộp báo cáo trước rồi "
                "xuất gói."
            }
        )
    if package_of(sub) is not None:
        raise ValidationError(
            {
                "ky": f"Báo cáo {slot.label} của {unit.name} ở đây được nhận qua gói từ hệ thống "
                "của đơn vị: gói chỉ xuất từ hệ thống nơi đơn vị nộp báo cáo."
            }
        )
    active = key_of(unit)
    private = signing.load_private(unit.code) if active else None
    if private is None or signing.fingerprint(private) != active.fingerprint:
        raise ValidationError(
            {
                "khoa": f"{unit.name} chưa có khóa ký trên máy này (hoặc tệp khóa không khớp khóa "
                "đã tạo): đồng chí bấm «Tạo khóa ký» (hoặc `ktgs package keygen "
                f"{unit.code}`), gửi khóa công khai cho cấp trên đăng ký, rồi xuất gói."
            }
        )
    previous = PackageExport.objects.filter(unit=unit).order_by("-exported_at", "-pk").first()
    now = timezone.now()
    with transaction.atomic():
        seq, hash_ = _audit_head()
        prev = {"seq": previous.head_seq, "hash": previous.head_hash} if previous else None
        payload = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "unit": {"code": unit.code, "name": unit.name},
            "slot": {
                "key": slot.key,
                "kind": slot.kind,
                "start": slot.start.isoformat(),
                "end": slot.end.isoformat(),
                "params": slot.params,
                "label": slot.label,
            },
            "submission": {
                "version": sub.version,
                "submitted_at": sub.submitted_at.isoformat(),
                "submitted_by": _name(sub.submitted_by),
                "tables": sub.tables,
                "figures": sub.figures,
                "review": sub.review,
            },
            "audit": {
                "head": {"seq": seq, "hash": hash_},
                "previous": prev,
                "links": _links(previous.head_seq if previous else None, seq),
            },
            "exported_at": now.isoformat(),
            "key": active.fingerprint,
        }
        body = signing.canonical(payload).decode()
        content = signing.canonical(
            {
                "payload": body,
                "signature": signing.sign(private, body.encode()),
                "fingerprint": active.fingerprint,
                "format": FORMAT,
            }
        )
        row = PackageExport.objects.create(
            unit=unit,
            submission=sub,
            sha256=hashlib.sha256(content).hexdigest(),
            fingerprint=active.fingerprint,
            head_seq=seq,
            head_hash=hash_,
            prev_seq=prev["seq"] if prev else None,
            prev_hash=prev["hash"] if prev else "",
            exported_at=now,
            exported_by=user,
        )
        record(
            "submissions.package.exported",
            target=row,
            unit_id=unit.pk,
            details={
                "slot": slot.key,
                "version": sub.version,
                "sha256": row.sha256,
                "fingerprint": active.fingerprint,
                "head": seq,
                "previous": prev["seq"] if prev else None,
            },
        )
    name = f"{unit.code}_{slot.kind}_{slot.start:%Y%m%d}-{slot.end:%Y%m%d}_v{sub.version}"
    return Package(content, name + EXTENSION, row)


# --- the receiving side: keys ----------------------------------------------------------------


def _under(superior: OrgUnit, unit: OrgUnit, scope: Scope) -> bool:
    return (
        unit.pk != superior.pk and unit.path.startswith(superior.path) and scope.contains(unit.path)
    )


def registered_key(unit: OrgUnit) -> RegisteredKey | None:
    return RegisteredKey.objects.filter(unit=unit, revoked_at__isnull=True).first()


def key_register(
    *, scope: Scope, superior: OrgUnit, unit: OrgUnit, pem: str, reason: str = "", user=None
) -> RegisteredKey:
    """`superior` registers `unit`'s public key. Replacing an active key needs a reason (kept on
    the old row, revoked)."""
    _check(scope, superior)
    if not _under(superior, unit, scope):
        raise ValidationError(
            {
                "don_vi": f"{unit.name} không thuộc {superior.name} trong phạm vi của đồng chí: "
                "chỉ đăng ký khóa của đơn vị cấp dưới."
            }
        )
    try:
        public = signing.parse_public(pem)
    except signing.KeyProblem as exc:
        raise ValidationError({"khoa": str(exc)}) from None
    fp = signing.fingerprint(public)
    reason = (reason or "").strip()
    old = registered_key(unit)
    if old is not None and old.fingerprint == fp:
        raise ValidationError({"khoa": f"Khóa này của {unit.name} đã được đăng ký rồi."})
    if old is not None and not reason:
        raise ValidationError(
            {
                "ly_do": f"{unit.name} đã có khóa đăng ký (dấu vân tay "
                f"{signing.pretty(old.fingerprint)}): muốn thay, đồng chí ghi lý do thay khóa."
            }
        )
    now = timezone.now()
    with transaction.atomic():
        if old is not None:
            old.revoked_at, old.revoked_by, old.revoke_reason = now, user, reason
            old.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        row = RegisteredKey.objects.create(
            unit=unit,
            by_unit=superior,
            fingerprint=fp,
            public_pem=signing.public_pem(public),
            reason=reason if old else "",
            registered_at=now,
            registered_by=user,
        )
        record(
            "submissions.key.registered",
            target=row,
            unit_id=unit.pk,
            details={
                "by": superior.code,
                "fingerprint": fp,
                "replaces": old.fingerprint if old else None,
                "reason": reason if old else "",
            },
        )
    return row


def key_revoke(*, scope: Scope, key: RegisteredKey, reason: str, user=None) -> RegisteredKey:
    _check(scope, key.by_unit)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"ly_do": "Chưa ghi lý do thu hồi khóa: đồng chí ghi lý do."})
    with transaction.atomic():
        key = RegisteredKey.objects.select_for_update().get(pk=key.pk)
        if key.revoked_at:
            raise ValidationError({"ly_do": "Khóa này đã bị thu hồi rồi."})
        key.revoked_at, key.revoked_by, key.revoke_reason = timezone.now(), user, reason
        key.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        record(
            "submissions.key.revoked",
            target=key,
            unit_id=key.unit_id,
            details={"fingerprint": key.fingerprint, "reason": reason},
        )
    return key


# --- the receiving side: reading and checking a package ---------------------------------------


def _read(data: bytes) -> tuple[dict, str, dict]:
    """(outer, payload text, payload) of a package file, or a refusal naming what is wrong."""
    if len(data) > MAX_BYTES:
        raise _no_package(f"lớn quá {MAX_BYTES // (1024 * 1024)} MB")
    try:
        outer = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise _no_package("không phải văn bản JSON") from None
    if not isinstance(outer, dict) or outer.get("format") != FORMAT:
        raise _no_package("thiếu dấu hiệu định dạng")
    body, sig, fp = outer.get("payload"), outer.get("signature"), outer.get("fingerprint")
    if not all(isinstance(x, str) and x for x in (body, sig, fp)):
        raise _no_package("thiếu nội dung, chữ ký hoặc dấu vân tay khóa")
    try:
        payload = json.loads(body)
    except ValueError:
        raise _no_package("nội dung hỏng") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise _no_package("nội dung không đúng định dạng")
    if payload.get("version") != FORMAT_VERSION:
        raise ValidationError(
            {
                "tep": f"Gói theo định dạng phiên bản {payload.get('version')}, hệ thống này đọc "
                f"phiên bản {FORMAT_VERSION}: đồng chí đề nghị hai bên dùng cùng phiên bản KTGS."
            }
        )
    return outer, body, payload


def _number(v) -> bool:
    return v is None or (isinstance(v, int | float) and not isinstance(v, bool))


def _shape_ok(sub: dict) -> bool:
    tables, figures, review = sub.get("tables"), sub.get("figures"), sub.get("review")
    if not isinstance(tables, dict) or not isinstance(figures, list):
        return False
    for rows in tables.values():
        if not isinstance(rows, dict):
            return False
        for cells in rows.values():
            if not isinstance(cells, dict) or not all(_number(v) for v in cells.values()):
                return False
    for f in figures:
        if not (isinstance(f, dict) and isinstance(f.get("key"), str)):
            return False
        if not (isinstance(f.get("params"), dict) and isinstance(f.get("label", ""), str)):
            return False
    return isinstance(review, dict) and isinstance(sub.get("version"), int)


def _head(value) -> dict | None:
    if value is None:
        return None
    if not isinstance(value, dict) or not isinstance(value.get("seq"), int):
        raise _no_package("đầu chuỗi nhật ký hỏng")
    if not isinstance(value.get("hash"), str):
        raise _no_package("đầu chuỗi nhật ký hỏng")
    return {"seq": value["seq"], "hash": value["hash"]}


def chain_problem(prev: dict | None, head: dict, links: list) -> str:
    """'' when the links lead from `prev` to `head`, each naming the one before; else why not."""
    if prev is None:
        return ""
    expect_seq, expect_hash = prev["seq"] + 1, prev["hash"]
    for link in links:
        if not (isinstance(link, list) and len(link) == 3):
            return f"{REWRITTEN}: mắt xích nhật ký hỏng."
        seq, prev_hash, hash_ = link
        if seq != expect_seq or prev_hash != expect_hash:
            return (
                f"{REWRITTEN}: sự kiện nhật ký số {seq} không nối vào sự kiện số "
                f"{expect_seq - 1} ({expect_hash[:12]}…) mà gói trước mang."
            )
        expect_seq, expect_hash = seq + 1, hash_
    if (expect_seq - 1, expect_hash) != (head["seq"], head["hash"]):
        return (
            f"{REWRITTEN}: chuỗi nhật ký trong gói không dẫn từ đầu chuỗi của gói trước (số "
            f"{prev['seq']}) đến đầu chuỗi của gói này (số {head['seq']})."
        )
    return ""


def history_problem(unit: OrgUnit, prev: dict | None, head: dict, links: list) -> str:
    """'' when the package's chain extends the one of the unit's last imported package (or there
    is none to compare); otherwise the reason of the flag."""
    problem = chain_problem(prev, head, links)
    if problem:
        return problem
    last = PackageImport.objects.filter(unit=unit).order_by("-imported_at", "-pk").first()
    if last is None:
        return ""
    if prev is None:
        return (
            f"{REWRITTEN}: gói không mang đầu chuỗi nhật ký của gói trước, trong khi hệ thống này "
            f"đã nhận gói trước của đơn vị (đầu chuỗi số {last.head_seq})."
        )
    if (prev["seq"], prev["hash"]) == (last.head_seq, last.head_hash):
        return ""
    if prev["seq"] > last.head_seq:
        return (
            f"Chưa đối chiếu được lịch sử nhật ký: gói trước của đơn vị (đầu chuỗi số "
            f"{prev['seq']}) chưa được nhập vào hệ thống này; gói nhập gần nhất mang đầu chuỗi số "
            f"{last.head_seq}."
        )
    return (
        f"{REWRITTEN}: gói nhập trước mang đầu chuỗi số {last.head_seq} "
        f"({last.head_hash[:12]}…), gói này nói gói trước là số {prev['seq']} "
        f"({prev['hash'][:12]}…)."
    )


def _term_slot(slot: dict) -> Slot:
    """A term report: the term is the unit's own (its dates come with the package: the superior
    may not hold the unit's terms); its name names the slot, as for a local submission."""
    params = slot.get("params") if isinstance(slot.get("params"), dict) else {}
    name = term_name(str(params.get("nhiem-ky") or ""))
    try:
        start, end = date.fromisoformat(slot.get("start")), date.fromisoformat(slot.get("end"))
    except (TypeError, ValueError):
        start = end = None
    key = f"{PeriodKind.TERM.value}:{name}"
    if not name or start is None or end < start or slot.get("key") != key:
        raise ValidationError(
            {
                "ky": "Nhiệm kỳ trong gói không đọc được (tên, ngày bắt đầu và kết thúc): gói "
                "hỏng, đồng chí đề nghị đơn vị xuất lại gói."
            }
        )
    days = period_settings().deadline_days(PeriodKind.TERM)
    deadline = None if days is None else end + timedelta(days=days)
    params = {"ky": PeriodKind.TERM.value, "nhiem-ky": name}
    return Slot(key, PeriodKind.TERM, start, end, f"nhiệm kỳ {name}", deadline, params)


def _slot_of(unit: OrgUnit, slot: dict) -> Slot:
    if isinstance(slot, dict) and slot.get("kind") == PeriodKind.TERM:
        return _term_slot(slot)
    if not isinstance(slot, dict) or slot.get("kind") not in CALENDAR_KINDS:
        raise ValidationError(
            {
                "ky": "Kỳ báo cáo trong gói không phải kỳ định kỳ KTGS đọc được: gói hỏng, đồng "
                "chí đề nghị đơn vị xuất lại gói."
            }
        )
    params = slot.get("params")
    try:
        period = UnitPeriods(unit).parse(params if isinstance(params, dict) else {})
    except PeriodError:
        period = None
    ours = period_slot(period) if period is not None else None
    if ours is None or ours.key != slot.get("key"):
        raise ValidationError(
            {
                "ky": f"Kỳ trong gói ({slot.get('key')}) không khớp cách tính kỳ ở hệ thống này "
                f"({ours.key if ours else 'không đọc được'}): hai hệ thống đặt ngày chốt số liệu "
                "khác nhau; đồng chí thống nhất ngày chốt (`ktgs setting period-cutoff`) rồi nhập "
                "lại."
            }
        )
    return ours


@dataclass
class Incoming:
    """A package whose signature holds with its unit's registered key."""

    unit: OrgUnit
    key: RegisteredKey
    payload: dict
    submission: dict
    head: dict
    prev: dict | None
    links: list
    submitted_at: datetime
    exported_at: datetime
    sha256: str


def _signed_by_unit(scope: Scope, superior: OrgUnit, data: bytes) -> Incoming:
    """The file read, its unit known under `superior` and in scope, signed with its registered
    key, its contents of the expected shape; or the refusal saying which check failed."""
    outer, body, payload = _read(data)
    unit_data = payload.get("unit")
    code = unit_data.get("code") if isinstance(unit_data, dict) else None
    unit = OrgUnit.objects.filter(code=code).first() if isinstance(code, str) else None
    if unit is None or not _under(superior, unit, scope):
        raise ValidationError(
            {
                "don_vi": f"Đơn vị «{code}» trong gói không có trong cây tổ chức của "
                f"{superior.name} (trong phạm vi của đồng chí): đồng chí kiểm tra gói gửi đúng "
                "nơi, hoặc nhập đơn vị vào cây trước."
            }
        )
    key = registered_key(unit)
    if key is None:
        raise ValidationError(
            {
                "khoa": f"Chưa đăng ký khóa ký của {unit.name}: đồng chí đăng ký khóa công khai "
                "đơn vị gửi (dấu vân tay đối chiếu qua điện thoại hoặc văn bản) rồi nhập lại gói."
            }
        )
    if outer["fingerprint"] != key.fingerprint:
        raise ValidationError(
            {
                "khoa": "Gói được ký bằng một khóa lạ (dấu vân tay "
                f"{signing.pretty(outer['fingerprint'])}), không phải khóa đã đăng ký của "
                f"{unit.name} ({signing.pretty(key.fingerprint)}): không nhận. Nếu đơn vị đã thay "
                "khóa, đồng chí đối chiếu rồi đăng ký khóa mới."
            }
        )
    if not signing.verify(signing.parse_public(key.public_pem), body.encode(), outer["signature"]):
        raise ValidationError(
            {
                "tep": f"Chữ ký của gói không đúng với khóa đã đăng ký của {unit.name}: nội dung "
                "gói đã bị sửa sau khi ký (hoặc hỏng khi chuyển). Không nhận; đồng chí đề nghị "
                "đơn vị gửi lại gói."
            }
        )
    sub, audit = payload.get("submission"), payload.get("audit")
    if not isinstance(sub, dict) or not _shape_ok(sub) or not isinstance(audit, dict):
        raise _no_package("số liệu trong gói không đúng cấu trúc")
    head, prev = _head(audit.get("head")), _head(audit.get("previous"))
    links = audit.get("links") or []
    submitted_at, exported_at = _when(sub.get("submitted_at")), _when(payload.get("exported_at"))
    if head is None or not isinstance(links, list) or not submitted_at or not exported_at:
        raise _no_package("thiếu đầu chuỗi nhật ký hoặc thời điểm nộp")
    sha = hashlib.sha256(data).hexdigest()
    return Incoming(unit, key, payload, sub, head, prev, links, submitted_at, exported_at, sha)


def _receivable(incoming: Incoming, superior: OrgUnit) -> Slot:
    """The period the package reports, if `superior` can receive it now: it is the unit's
    superior on the last day, the period has ended and is not closed, the file is new and not
    older than the version already received."""
    unit = incoming.unit
    slot = _slot_of(unit, incoming.payload.get("slot"))
    if superior_of(unit, slot.end) != superior:
        raise ValidationError(
            {
                "don_vi": f"{unit.name} không báo cáo {slot.label} cho {superior.name} (cấp trên "
                "vào ngày cuối kỳ khác): gói gửi nhầm nơi."
            }
        )
    _ended(slot, "nhập gói báo cáo")
    if closure_of(superior, slot):
        raise ValidationError(
            {
                "ky": f"{superior.name} đã chốt kỳ {slot.label}: không nhận thêm báo cáo. Đồng chí "
                "mở lại kỳ (ghi rõ lý do) rồi nhập gói."
            }
        )
    done = PackageImport.objects.filter(sha256=incoming.sha256).first()
    if done is not None:
        raise ValidationError(
            {"tep": f"Gói này đã được nhập lúc {_at(done.imported_at)}: không nhập lại."}
        )
    current = PackageImport.objects.filter(
        submission__unit=unit, submission__slot=slot.key, submission__superseded_at__isnull=True
    ).first()
    version = incoming.submission["version"]
    if current is not None and current.remote_version >= version:
        raise ValidationError(
            {
                "tep": f"Gói mang lần nộp {version}, cũ hơn hoặc bằng lần nộp "
                f"{current.remote_version} đã nhận của {unit.name}: không nhập."
            }
        )
    return slot


def import_package(*, scope: Scope, superior: OrgUnit, data: bytes, user=None) -> PackageImport:
    """A package from a sub-unit's installation becomes a new version of its submission here,
    after every check (docs/submissions.md): the file, the unit (known, under `superior`, in
    scope), its registered key and the signature, the period (open at `superior`), the file not
    imported before and not older than the current one. The audit history is checked against
    the unit's last imported package: a mismatch is accepted and flagged (`history`)."""
    _check(scope, superior)
    incoming = _signed_by_unit(scope, superior, data)
    slot = _receivable(incoming, superior)
    unit, sent, head, prev = incoming.unit, incoming.submission, incoming.head, incoming.prev
    history = history_problem(unit, prev, head, incoming.links)
    now = timezone.now()
    with transaction.atomic():
        sub, _previous = new_version(
            superior,
            unit,
            slot,
            now=now,
            tables=sent["tables"],
            figures=sent["figures"],
            review=sent["review"],
            submitted_by=None,
            submitted_at=incoming.submitted_at,
        )
        row = PackageImport.objects.create(
            submission=sub,
            unit=unit,
            key=incoming.key,
            sha256=incoming.sha256,
            fingerprint=incoming.key.fingerprint,
            remote_version=sent["version"],
            remote_submitted_by=str(sent.get("submitted_by") or "")[:200],
            exported_at=incoming.exported_at,
            head_seq=head["seq"],
            head_hash=head["hash"][:64],
            prev_seq=prev["seq"] if prev else None,
            prev_hash=prev["hash"][:64] if prev else "",
            links=len(incoming.links),
            history=history,
            imported_at=now,
            imported_by=user,
        )
        record(
            "submissions.package.imported",
            target=sub,
            unit_id=unit.pk,
            details={
                "slot": slot.key,
                "version": sub.version,
                "remote_version": row.remote_version,
                "superior": superior.code,
                "sha256": row.sha256,
                "fingerprint": row.fingerprint,
                "head": head["seq"],
                "previous": prev["seq"] if prev else None,
                "history": history,
            },
        )
        sub.audit_seq, sub.audit_hash = _audit_head()
        sub.save(update_fields=["audit_seq", "audit_hash"])
    return row


def _at(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")


def _when(text) -> datetime | None:
    if not isinstance(text, str):
        return None
    try:
        value = parse_datetime(text)
    except ValueError:
        return None
    if value is None or timezone.is_naive(value):
        return None
    return value
