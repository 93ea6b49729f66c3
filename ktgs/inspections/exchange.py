"""Inspections and supervisions in the interchange format: the sheets «Kiểm tra, giám sát» (one
row per inspection) and «Đối tượng KTGS» (one row per subject), for importing history and for
a round trip of the export.

A record is identified by its «Mã hồ sơ» (`Inspection.external_ref`; an inspection entered on
KTGS is exported as `KTGS-<id>`). Import only adds: a known Mã hồ sơ with the same content is
left alone ("đã có"), with different content it is an error (never overwritten). New records go
through `services.inspection_create` (subjects as they were on the decision date, steps from the
rule pack, competence) in the import's one transaction; a record dated before the office's
`in_use_since` setting that fails a competence rule is imported with the warning kept on
`Inspection.warnings` and listed in the import report. Shapes and dates are always enforced.

Registered from `InspectionsConfig.ready()` (`register_sheets`): exchange comes before
inspections in the dependency order, so the sheets are added from here.
"""

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db.models import Case, CharField, F, Value, When
from django.db.models.functions import Cast, Coalesce, Concat
from django.utils import timezone

from ktgs.audit.services import record
from ktgs.core.choices import InspectionKind
from ktgs.core.chunks import by_refs, values_in
from ktgs.core.docnumber import DocumentNumber
from ktgs.core.models import SECRECY_INPUT_CHOICES, TOP_SECRET, TOP_SECRET_REFUSED, Secrecy
from ktgs.core.vietnamese import format_date
from ktgs.exchange import cells
from ktgs.exchange.format import (
    BODY_KINDS,
    MEMBERS,
    SHEETS,
    UNITS,
    Column,
    Sheet,
    register,
    unit_days,
)
from ktgs.inspections.choices import (
    INSPECTION_RESULTS,
    SUPERVISION_KINDS,
    SUPERVISION_RESULTS,
    ConclusionResult,
    Origin,
)
from ktgs.inspections.models import Inspection, InspectionSubject
from ktgs.inspections.services import (
    SubjectInput,
    competence_problems,
    in_use_since,
    inspection_create,
)
from ktgs.orgs.choices import BodyKind
from ktgs.orgs.models import Body, Member, Membership, OrgUnit
from ktgs.rules.lookup import RuleNotInForce
from ktgs.rules.procedures import steps_for

ENTERED_REF = re.compile(r"KTGS-([0-9]{1,12})")
ADVISORY = BodyKind.ADVISORY.value
KINDS = [(k.value, k.label) for k in InspectionKind]
KIND_ALIASES = [  # short forms people write (folded, case and accents ignored)
    (InspectionKind.COMPLIANCE.value, "Kiểm tra chấp hành"),
    (InspectionKind.SIGNS_OF_VIOLATION.value, "Kiểm tra dấu hiệu vi phạm"),
    (InspectionKind.KTGS_DUTY.value, "Kiểm tra thực hiện nhiệm vụ kiểm tra, giám sát"),
    (  # the label before the two halves were counted apart (files written by earlier versions)
        InspectionKind.KTGS_DUTY.value,
        "Kiểm tra việc thực hiện nhiệm vụ kiểm tra, giám sát và thi hành kỷ luật",
    ),
    (InspectionKind.DISCIPLINE_ENFORCEMENT.value, "Kiểm tra thi hành kỷ luật"),
    (InspectionKind.FINANCE.value, "Kiểm tra tài chính"),
    (InspectionKind.PARTY_FEES.value, "Kiểm tra đảng phí"),
    (InspectionKind.ASSETS.value, "Kiểm soát kê khai tài sản"),
]
RESULTS = [(r.value, r.label) for r in ConclusionResult]
REF_FIX = "Mã hồ sơ gồm chữ không dấu, chữ số, dấu chấm, gạch ngang, gạch chéo; tối đa 80 ký tự."


def _kind(raw) -> str:
    parse = cells.choice(KINDS + KIND_ALIASES)
    try:
        return parse(raw)
    except cells.CellError as exc:
        labels = "; ".join(label for _v, label in KINDS)
        raise cells.CellError(exc.message, f"Nhập một trong: {labels}.") from None


def _ref(raw) -> str:
    try:
        return cells.code(80)(raw)
    except cells.CellError as exc:
        raise cells.CellError(exc.message, REF_FIX) from None


def _label(choices):
    labels = dict(choices)
    return lambda value: labels.get(value, value or "")


def _ref_col() -> Column:
    return Column(
        "Mã hồ sơ",
        "ref",
        _ref,
        "Mã riêng của hồ sơ trong tệp (ví dụ KT-2019-05), không đổi khi nhập lại; cùng mã ở "
        "hai sheet. Nhập lại hồ sơ đã có với cùng nội dung thì không đổi gì.",
        True,
    )


INSPECTIONS = Sheet(
    "Kiểm tra, giám sát",
    (
        _ref_col(),
        Column(
            "Loại",
            "kind",
            _kind,
            "; ".join(label for _v, label in KINDS) + ".",
            True,
            _label(KINDS),
        ),
        Column(
            "Tổ chức thực hiện",
            "unit",
            cells.code(40),
            "Mã tổ chức đảng có cơ quan tiến hành kiểm tra, giám sát.",
            True,
        ),
        Column(
            "Cơ quan thực hiện",
            "body",
            cells.choice(BODY_KINDS),
            "Cấp ủy, Ban thường vụ, Ủy ban kiểm tra, Chi bộ (hội nghị chi bộ) hoặc Cơ quan tham "
            "mưu (chỉ khi tổ chức có một cơ quan tham mưu).",
            True,
            _label(BODY_KINDS),
        ),
        Column(
            "Số quyết định",
            "number",
            cells.text(60),
            "Số, ký hiệu của Đảng, ví dụ 12-QĐ/UBKTĐUK; chỉ giám sát thường xuyên được để trống.",
        ),
        Column("Ngày quyết định", "decided_on", cells.day(required=True, past=True), "", True),
        Column("Nội dung", "topic", cells.text(4000, required=True), "", True),
        Column("Căn cứ", "legal_basis", cells.text(4000)),
        Column("Kết thúc theo kế hoạch", "plan_ends_on", cells.day(), "Để trống nếu không có."),
        Column(
            "Ngày thông báo kết luận",
            "concluded_on",
            cells.day(past=True),
            "Để trống nếu chưa kết luận. Có ngày này thì mọi đối tượng phải có kết quả, và mọi "
            "bước của quy trình được ghi là đã làm xong vào ngày này.",
        ),
        Column(
            "Độ mật",
            "secrecy",
            cells.choice(SECRECY_INPUT_CHOICES, required=False, default=Secrecy.NORMAL.value),
            "Thường, Mật hoặc Tối mật; để trống là Thường.",
            show=_label(Secrecy.choices),
        ),
    ),
    key=("ref",),
    help="Hồ sơ kiểm tra, giám sát (kể cả hồ sơ cũ): mỗi dòng một cuộc; các đối tượng ghi ở "
    "sheet «Đối tượng KTGS». Chỉ thêm mới: hồ sơ đã nhập không sửa qua tệp. Hồ sơ có ngày quyết "
    "định trước ngày bắt đầu dùng KTGS (`ktgs setting in-use-since`) mà trái quy định về thẩm "
    "quyền vẫn được nhập, kèm cảnh báo nêu quy định; từ ngày đó trở đi thì bị từ chối.",
)
SUBJECTS = Sheet(
    "Đối tượng KTGS",
    (
        _ref_col(),
        Column(
            "Mã tổ chức",
            "unit",
            cells.code(40, required=False),
            "Tổ chức đảng được kiểm tra, giám sát; để trống nếu đối tượng là đảng viên.",
        ),
        Column(
            "Mã đảng viên",
            "member",
            cells.code(20, upper=True, required=False),
            "Đảng viên được kiểm tra, giám sát; để trống nếu đối tượng là tổ chức. Mỗi dòng ghi "
            "đúng một trong hai mã.",
        ),
        Column(
            "Kết quả",
            "result",
            cells.choice(RESULTS, required=False),
            "; ".join(label for _v, label in RESULTS)
            + ". Để trống nếu chưa kết luận. Giám sát không kết luận «có vi phạm».",
            show=_label(RESULTS),
        ),
        Column(
            "Ngày kết luận",
            "concluded_on",
            cells.day(past=True),
            "Để trống thì lấy ngày thông báo kết luận của hồ sơ.",
        ),
    ),
    key=("ref", "unit", "member"),
    help="Đối tượng của từng hồ sơ ở sheet «Kiểm tra, giám sát»: mỗi dòng một tổ chức hoặc một "
    "đảng viên, với kết quả kết luận (nếu có).",
)
# Fields compared with a stored record (the key aside), by sheet.
COMPARED = (
    "kind",
    "unit",
    "body",
    "number",
    "decided_on",
    "topic",
    "legal_basis",
    "plan_ends_on",
    "concluded_on",
    "secrecy",
)


def register_sheets() -> None:
    """Add the two sheets to the format and the handler to the importer (once)."""
    from ktgs.exchange import importer

    if INSPECTIONS.name in SHEETS:
        return
    register(INSPECTIONS)
    register(SUBJECTS)
    importer.HANDLERS.append(InspectionHandler())


# --- stored records by Mã hồ sơ ------------------------------------------------------------------


def _ref_of(pk: int, external_ref: str) -> str:
    return external_ref or f"KTGS-{pk}"


def load_rows(refs: list[str] | None = None) -> dict[str, list[dict]]:
    """Live inspections and their subjects as sheet rows (all, or those with these Mã hồ sơ),
    each inspection row with "pk" and "voided"."""
    fields = (
        "pk",
        "external_ref",
        "kind",
        "unit__code",
        "body__kind",
        "decision_number",
        "decided_on",
        "topic",
        "legal_basis",
        "plan_ends_on",
        "concluded_on",
        "secrecy",
        "voided_at",
    )
    if refs is None:
        stored = Inspection.objects.filter(voided_at__isnull=True).values_list(*fields)
    else:
        pks = [int(m.group(1)) for r in refs if (m := ENTERED_REF.fullmatch(r))]
        stored = by_refs(Inspection.objects.all(), refs, pks, lambda q: q.values_list(*fields))
    inspections = [
        {
            "pk": pk,
            "ref": _ref_of(pk, ext),
            "kind": kind,
            "unit": unit,
            "body": body,
            "number": str(number or ""),
            "decided_on": decided,
            "topic": topic,
            "legal_basis": basis,
            "plan_ends_on": plan,
            "concluded_on": concluded,
            "secrecy": secrecy,
            "voided": voided is not None,
        }
        for pk, ext, kind, unit, body, number, decided, topic, basis, plan, concluded, secrecy, voided in stored
    ]
    refs_by_pk = {r["pk"]: r["ref"] for r in inspections}
    subjects = [
        {
            "ref": refs_by_pk[insp],
            "unit": "" if member else unit,
            "member": member or "",
            "result": result,
            "concluded_on": concluded,
        }
        for insp, unit, member, result, concluded in values_in(
            InspectionSubject.objects.all(),
            "inspection_id",
            refs_by_pk,
            lambda q: q.values_list(
                "inspection_id", "unit__code", "member__code", "result", "concluded_on"
            ),
        )
    ]
    return {INSPECTIONS.name: inspections, SUBJECTS.name: subjects}


def export_rows(*, streamed: bool = False) -> dict[str, list[dict]]:
    """The rows to export; with `streamed`, none (`inspection_rows` and `subject_rows` read
    them)."""
    return {} if streamed else load_rows()


def _ref(prefix: str = ""):
    """Mã hồ sơ in SQL, as `_ref_of` gives it: the external reference, or KTGS-<id>."""
    text = CharField()
    return Case(
        When(
            **{f"{prefix}external_ref": ""},
            then=Concat(Value("KTGS-"), Cast(f"{prefix}id", text), output_field=text),
        ),
        default=F(f"{prefix}external_ref"),
        output_field=text,
    )


def inspection_rows(chunk: int = 5000) -> Iterator[dict]:
    """The «Kiểm tra, giám sát» rows of the live inspections in key order (Mã hồ sơ), read a
    chunk at a time, as `load_rows` gives them."""
    from ktgs.exchange.orgdata import in_key_order

    fields = ("pk", "ref", "kind", "unit__code", "body__kind", "decision_number", "decided_on")
    fields += ("topic", "legal_basis", "plan_ends_on", "concluded_on", "secrecy")
    qs = Inspection.objects.filter(voided_at__isnull=True).annotate(ref=_ref())
    names = ("pk", "ref", "kind", "unit", "body", "number", "decided_on", "topic")
    names += ("legal_basis", "plan_ends_on", "concluded_on", "secrecy")
    qs = qs.order_by(in_key_order("ref")).values_list(*fields)
    for values in qs.iterator(chunk_size=chunk):
        row = dict(zip(names, values, strict=True))
        row.update(number=str(row["number"] or ""), voided=False)
        yield row


def subject_rows(chunk: int = 5000) -> Iterator[dict]:
    """The «Đối tượng KTGS» rows of the live inspections in key order (Mã hồ sơ, unit, member;
    as `sorted_rows` orders them), read a chunk at a time: two million at the nation's scale."""
    from ktgs.exchange.orgdata import in_key_order

    qs = InspectionSubject.objects.filter(inspection__voided_at__isnull=True).annotate(
        ref=_ref("inspection__"),
        unit_key=Case(When(member__isnull=True, then=F("unit__code")), default=Value("")),
        member_key=Coalesce(F("member__code"), Value("")),
    )
    qs = qs.order_by(in_key_order("ref"), in_key_order("unit_key"), in_key_order("member_key"))
    names = ("ref", "unit", "member", "result", "concluded_on")
    values = qs.values_list("ref", "unit_key", "member_key", "result", "concluded_on")
    for row in values.iterator(chunk_size=chunk):
        yield dict(zip(names, row, strict=True))


# --- checking ------------------------------------------------------------------------------------


@dataclass
class New:
    """An inspection of the file to create."""

    row: object  # importer.Row of «Kiểm tra, giám sát»
    subjects: list  # importer.Row of «Đối tượng KTGS»
    number: str
    deferred: bool = False  # refers to units or members the same file creates: checked on write


@dataclass
class Plan:
    creates: list[New] = field(default_factory=list)
    warnings: list = field(default_factory=list)  # importer.Problem


class InspectionHandler:
    sheets = (INSPECTIONS.name, SUBJECTS.name)

    def check(self, rows, problems, counts, tick, file_rows=None) -> Plan:
        return Checker(rows, problems, counts, file_rows or {}).run()

    def write(self, plan: Plan, tick) -> None:
        Writer(plan).run()

    def export_rows(self, streamed: bool = False) -> dict[str, list[dict]]:
        return export_rows(streamed=streamed)

    @property
    def streamed_sheets(self) -> dict:
        return {INSPECTIONS.name: inspection_rows, SUBJECTS.name: subject_rows}


def _q(value) -> str:
    return f"«{value}»"


class Checker:
    def __init__(self, rows, problems, counts, file_rows):
        from ktgs.exchange.importer import Problem

        self.Problem = Problem
        self.inspections = rows.get(INSPECTIONS.name, [])
        self.subject_rows = rows.get(SUBJECTS.name, [])
        self.problems = problems
        self.counts = counts
        self.today = timezone.localdate()
        self.since = in_use_since()
        self.file_units = {r["code"] for r in file_rows.get(UNITS.name, [])}
        self.file_unit_days = unit_days(file_rows)
        self.file_members = {r["member"] for r in file_rows.get(MEMBERS.name, [])}
        self.plan = Plan()

    def problem(self, row, field_name, message, fix=""):
        header = row.headers.get(field_name) if field_name else None
        self.problems.append(self.Problem(row.sheet, row.number, header, message, fix))

    def tally(self, sheet: Sheet, what: str, n: int = 1) -> None:
        c = self.counts.setdefault(sheet.name, {"created": 0, "updated": 0, "unchanged": 0})
        c[what] += n

    def run(self) -> Plan:
        by_ref = self._by_ref()
        subjects = self._subjects(by_ref)
        stored = load_rows(list(by_ref))
        stored_by_ref = {r["ref"]: r for r in stored[INSPECTIONS.name]}
        stored_subjects = defaultdict(dict)
        for s in stored[SUBJECTS.name]:
            stored_subjects[s["ref"]][(s["unit"], s["member"])] = s
        self._load_references(by_ref, subjects)
        taken = self._numbers_taken()
        for ref, row in by_ref.items():
            mine = subjects.get(ref, [])
            number = self._number(row)
            old = stored_by_ref.get(ref)
            if old is not None:
                self._compare(row, mine, number, old, stored_subjects[ref])
                continue
            self._check_new(row, mine, number, taken)
        return self.plan

    def _by_ref(self) -> dict:
        out = {}
        for row in self.inspections:
            if row["ref"] in out:
                self.problem(
                    row,
                    "ref",
                    f"Mã hồ sơ {_q(row['ref'])} đã có ở dòng {out[row['ref']].number}.",
                    "Mỗi hồ sơ một dòng; hồ sơ khác thì đặt mã khác.",
                )
                continue
            out[row["ref"]] = row
        return out

    def _subjects(self, by_ref: dict) -> dict[str, list]:
        out, seen = defaultdict(list), {}
        for row in self.subject_rows:
            if bool(row["unit"]) == bool(row["member"]):
                self.problem(
                    row,
                    "unit" if row["unit"] else "member",
                    "Mỗi dòng ghi đúng một đối tượng: một mã tổ chức hoặc một mã đảng viên.",
                    "Ghi mã tổ chức hoặc mã đảng viên (không ghi cả hai); hai đối tượng thì hai dòng.",
                )
                continue
            if row["ref"] not in by_ref:
                self.problem(
                    row,
                    "ref",
                    f"Không có hồ sơ {_q(row['ref'])} ở sheet «{INSPECTIONS.name}» của tệp.",
                    f"Ghi hồ sơ này ở sheet «{INSPECTIONS.name}» (kể cả khi đã nhập trước đây), "
                    "hoặc sửa mã hồ sơ.",
                )
                continue
            key = (row["ref"], row["unit"], row["member"])
            if key in seen:
                self.problem(
                    row,
                    None,
                    f"Đối tượng này đã ghi ở dòng {seen[key]} cho cùng hồ sơ.",
                    "Xóa một trong hai dòng.",
                )
                continue
            seen[key] = row.number
            out[row["ref"]].append(row)
        for ref, row in by_ref.items():
            if not out.get(ref):
                self.problem(
                    row,
                    "ref",
                    f"Hồ sơ {_q(ref)} chưa có đối tượng nào.",
                    f"Ghi ít nhất một dòng ở sheet «{SUBJECTS.name}» với mã hồ sơ này.",
                )
        return out

    def _number(self, row) -> str:
        if not row["number"]:
            return ""
        try:
            return str(DocumentNumber(row["number"]))
        except ValidationError as exc:
            self.problem(
                row,
                "number",
                " ".join(exc.messages),
                "Ghi số, ký hiệu văn bản của Đảng, ví dụ 12-QĐ/UBKTĐUK.",
            )
            return ""

    # stored records: same content or an error

    def _compare(self, row, subjects, number, old, old_subjects) -> None:
        new = {**row.values, "number": number or row["number"]}
        new["topic"], new["legal_basis"] = new["topic"].strip(), new["legal_basis"].strip()
        if old["voided"]:
            self.problem(
                row,
                "ref",
                f"Hồ sơ {_q(row['ref'])} đã bị hủy trên phần mềm; không nhập lại qua tệp.",
                "Bỏ dòng này (và các đối tượng của nó) khỏi tệp.",
            )
            return
        changed = [INSPECTIONS.column(f).header for f in COMPARED if new[f] != old[f]]
        mine = {(s["unit"], s["member"]): s for s in subjects}
        for key, s in mine.items():
            before = old_subjects.get(key)
            on = s["concluded_on"] or (row["concluded_on"] if s["result"] else None)
            if before is None or (before["result"], before["concluded_on"]) != (s["result"], on):
                changed.append(f"đối tượng {key[0] or key[1]} (dòng {s.number})")
        changed += [
            f"đối tượng {k[0] or k[1]} (không có trong tệp)" for k in old_subjects if k not in mine
        ]
        if changed:
            self.problem(
                row,
                None,
                f"Hồ sơ {_q(row['ref'])} đã có trong KTGS với nội dung khác: "
                + "; ".join(changed)
                + ".",
                "KTGS không ghi đè hồ sơ đã có. Nếu là cùng hồ sơ, ghi lại đúng nội dung đã "
                "nhập (hoặc sửa trên phần mềm); nếu là hồ sơ khác, đặt mã hồ sơ khác.",
            )
            return
        self.tally(INSPECTIONS, "unchanged")
        self.tally(SUBJECTS, "unchanged", len(subjects))

    # references to the organisation model

    def _load_references(self, by_ref, subjects) -> None:
        unit_codes = {r["unit"] for r in by_ref.values()}
        unit_codes |= {s["unit"] for rows in subjects.values() for s in rows if s["unit"]}
        member_codes = {s["member"] for rows in subjects.values() for s in rows if s["member"]}
        units = OrgUnit.objects.select_related("kind")
        self.units = {u.code: u for u in values_in(units, "code", unit_codes)}
        self.members = {m.code: m for m in values_in(Member.objects.all(), "code", member_codes)}
        self.bodies = defaultdict(list)
        for b in values_in(Body.objects.select_related("unit__kind"), "unit__code", unit_codes):
            self.bodies[b.unit.code, b.kind].append(b)
        self.memberships = defaultdict(list)
        held = Membership.objects.select_related("unit", "member")
        for m in values_in(held, "member__code", member_codes):
            self.memberships[m.member.code].append(m)

    def _numbers_taken(self) -> dict:
        """(unit code, body kind, number, year) → "" for numbers of live inspections of these
        bodies. Numbers restart each committee term: the service checks the term on writing."""
        body_ids = [b.pk for rows in self.bodies.values() for b in rows]
        rows = values_in(
            Inspection.objects.live().exclude(decision_number=""),
            "body_id",
            body_ids,
            lambda q: q.values_list(
                "unit__code", "body__kind", "decision_number", "decided_on__year"
            ),
        )
        return {(u, k, str(n), y): "" for u, k, n, y in rows}

    def _unit(self, row, field_name, code, day) -> OrgUnit | None:
        """The live unit of `code` existing on `day`; None (with a problem) or None deferred."""
        unit = self.units.get(code)
        if unit is None or unit.voided_at is not None:
            if unit is None and code in self.file_units:
                return None  # created by this file: checked on write
            self.problem(
                row,
                field_name,
                f"Không có tổ chức mã {_q(code)}" + (" (đã hủy)." if unit else "."),
                "Kiểm tra lại mã tổ chức (cột «Mã tổ chức» của sheet «Tổ chức»).",
            )
            return None
        # the file's founding and closing when it gives the unit (written before this record)
        established, closed = self.file_unit_days.get(code, (unit.established_on, unit.closed_on))
        if established > day or (closed and closed <= day):
            self.problem(
                row,
                field_name,
                f"{unit.name} chưa thành lập hoặc đã giải thể vào ngày {format_date(day)}.",
                "Kiểm tra lại mã tổ chức hoặc ngày quyết định.",
            )
        return unit

    def _body(self, row, unit: OrgUnit) -> Body | None:
        found = self.bodies.get((unit.code, row["body"]), [])
        label = BodyKind(row["body"]).label
        if len(found) == 1:
            return found[0]
        if not found:
            self.problem(
                row,
                "body",
                f"{unit.name} không có {label.lower()}.",
                "Chọn cơ quan mà tổ chức này có (sheet «Cơ quan»).",
            )
        else:
            self.problem(
                row,
                "body",
                f"{unit.name} có {len(found)} cơ quan tham mưu nên không biết cơ quan nào.",
                "Nhập cuộc kiểm tra này trên phần mềm (chọn đúng cơ quan tham mưu).",
            )
        return None

    def _member_subject(self, srow, day) -> InspectionSubject | None:
        code = srow["member"]
        member = self.members.get(code)
        if member is None or member.voided_at is not None:
            if member is None and code in self.file_members:
                return None
            self.problem(
                srow,
                "member",
                f"Không có đảng viên mã {_q(code)}" + (" (hồ sơ đã hủy)." if member else "."),
                "Kiểm tra lại mã đảng viên (sheet «Đảng viên»).",
            )
            return None
        cell = next(
            (m.unit for m in self.memberships[code] if m.holds_on(day)),
            None,
        )
        if cell is None:
            self.problem(
                srow,
                "member",
                f"Đảng viên {member.full_name} ({code}) không sinh hoạt ở chi bộ nào vào ngày "
                f"quyết định {format_date(day)}.",
                "Kiểm tra lại ngày quyết định, hoặc quá trình sinh hoạt của đảng viên (sheet «Sinh hoạt»).",
            )
            return None
        return InspectionSubject(unit=cell, member=member, name=member.full_name)

    # a new record

    def _check_new(self, row, subjects, number, taken) -> None:
        before = len(self.problems)
        day, kind = row["decided_on"], row["kind"]
        self._dates(row, subjects)
        if row["secrecy"] == TOP_SECRET:
            self.problem(row, "secrecy", TOP_SECRET_REFUSED, "Xóa dòng này khỏi tệp.")
        if not number and row["number"] == "" and kind != InspectionKind.SUPERVISION_REGULAR:
            self.problem(
                row,
                "number",
                "Chưa có số quyết định; chỉ giám sát thường xuyên mới không có quyết định.",
                "Ghi số quyết định, ví dụ 12-QĐ/UBKTĐUK.",
            )
        if number:
            key = (row["unit"], row["body"], number, day.year if day else None)
            if key in taken:
                where = f"dòng {taken[key]} của tệp" if taken[key] else "KTGS"
                self.problem(
                    row,
                    "number",
                    f"Cơ quan này đã có cuộc kiểm tra, giám sát theo quyết định số {number} ({where}).",
                    "Kiểm tra lại số quyết định, tổ chức hoặc cơ quan thực hiện.",
                )
            taken[key] = row.number
        self._results(row, subjects)
        deferred = False
        unit = self._unit(row, "unit", row["unit"], day)
        body = self._body(row, unit) if unit is not None else None
        deferred |= unit is None and row["unit"] in self.file_units
        rows = []
        for s in subjects:
            if s["member"]:
                subject = self._member_subject(s, day)
                deferred |= subject is None and s["member"] in self.file_members
            else:
                u = self._unit(s, "unit", s["unit"], day)
                subject = InspectionSubject(unit=u, name=u.name) if u else None
                deferred |= u is None and s["unit"] in self.file_units
            if subject is not None:
                rows.append(subject)
        self.tally(INSPECTIONS, "created")
        self.tally(SUBJECTS, "created", len(subjects))
        if len(self.problems) > before:
            return
        new = New(row, subjects, number, deferred)
        self.plan.creates.append(new)
        if not deferred and body is not None:
            self._competence(row, body, rows)

    def _dates(self, row, subjects) -> None:
        day = row["decided_on"]  # not after today: refused by its cell parser, as concluded_on
        for name in ("plan_ends_on", "concluded_on"):
            on = row[name]
            if on is not None and on < day:
                self.problem(
                    row,
                    name,
                    f"{row.headers[name]} ({format_date(on)}) trước ngày quyết định ({format_date(day)}).",
                    "Sửa ngày cho đúng: không thể trước ngày quyết định.",
                )
        for s in subjects:
            on = s["concluded_on"]
            if on is None:
                continue
            if on < day:
                self.problem(
                    s,
                    "concluded_on",
                    f"Ngày kết luận ({format_date(on)}) trước ngày quyết định ({format_date(day)}).",
                    "Sửa ngày kết luận.",
                )
            elif row["concluded_on"] and on > row["concluded_on"]:
                self.problem(
                    s,
                    "concluded_on",
                    f"Ngày kết luận ({format_date(on)}) sau ngày thông báo kết luận của hồ sơ "
                    f"({format_date(row['concluded_on'])}).",
                    "Sửa một trong hai ngày.",
                )

    def _results(self, row, subjects) -> None:
        supervision = row["kind"] in SUPERVISION_KINDS
        allowed = SUPERVISION_RESULTS if supervision else INSPECTION_RESULTS
        for s in subjects:
            if s["result"] and s["result"] not in allowed:
                what = "giám sát" if supervision else "kiểm tra"
                names = "; ".join(ConclusionResult(r).label for r in allowed)
                self.problem(
                    s,
                    "result",
                    f"Kết luận của cuộc {what} không thể là «{ConclusionResult(s['result']).label}».",
                    f"Chọn một trong: {names}.",
                )
            if s["concluded_on"] and not s["result"]:
                self.problem(
                    s, "result", "Có ngày kết luận mà chưa có kết quả.", "Ghi kết quả kết luận."
                )
            if s["result"] and not (s["concluded_on"] or row["concluded_on"]):
                self.problem(
                    s,
                    "concluded_on",
                    "Có kết quả mà không có ngày kết luận (ở đây hoặc ở hồ sơ).",
                    "Ghi ngày kết luận, hoặc ngày thông báo kết luận của hồ sơ.",
                )
            if row["concluded_on"] and not s["result"]:
                self.problem(
                    s,
                    "result",
                    "Hồ sơ đã thông báo kết luận nhưng đối tượng này chưa có kết quả.",
                    "Ghi kết quả, hoặc xóa ngày thông báo kết luận của hồ sơ.",
                )

    def _competence(self, row, body: Body, subjects: list) -> None:
        day, kind = row["decided_on"], row["kind"]
        found = competence_problems(body, kind, day, subjects)
        try:
            steps_for(kind, day, unit=body.unit)
        except RuleNotInForce as exc:
            found.append(exc.messages[0])
        history = self.since is not None and day < self.since
        for text in found:
            if history:
                self.plan.warnings.append(warning(row, self.since, text))
            else:
                self.problem(row, "body", text, refusal_fix(self.since))


def warning(row, since: date, text: str):
    from ktgs.exchange.importer import Problem

    return Problem(
        row.sheet,
        row.number,
        row.headers.get("body"),
        f"Hồ sơ {_q(row['ref'])} (trước ngày dùng KTGS {format_date(since)}) được nhập kèm cảnh "
        f"báo: {text}",
        "Không cần sửa: cảnh báo được lưu trên hồ sơ và hiện ở trang cuộc kiểm tra, giám sát.",
    )


def refusal_fix(since: date | None) -> str:
    when = (
        f"trước ngày bắt đầu dùng KTGS ({format_date(since)})"
        if since
        else "trước ngày bắt đầu dùng KTGS (chưa đặt)"
    )
    return (
        "Kiểm tra lại loại, cơ quan thực hiện và đối tượng. Chỉ hồ sơ có ngày quyết định "
        f"{when} mới được nhập kèm cảnh báo; quản trị viên đặt ngày đó bằng "
        "`ktgs setting in-use-since NGÀY/THÁNG/NĂM`."
    )


# --- writing -------------------------------------------------------------------------------------


class Writer:
    def __init__(self, plan: Plan):
        self.plan = plan

    def run(self) -> None:
        creates = self.plan.creates
        if not creates:
            return
        units = {s["unit"] for n in creates for s in n.subjects if s["unit"]}
        units |= {n.row["unit"] for n in creates}
        self.units = OrgUnit.objects.in_bulk(list(units), field_name="code")
        members = {s["member"] for n in creates for s in n.subjects if s["member"]}
        self.members = Member.objects.in_bulk(list(members), field_name="code")
        self.bodies = defaultdict(list)
        for b in values_in(Body.objects.select_related("unit__kind"), "unit__code", units):
            self.bodies[b.unit.code, b.kind].append(b)
        since = in_use_since()
        problems = []
        for new in creates:
            try:
                inspection = self._create(new)
            except ValidationError as exc:
                problems.append(_refused(new, exc, since))
                continue
            if new.deferred and inspection.warnings:
                self.plan.warnings += [
                    warning(new.row, since, text) for text in inspection.warnings.splitlines()
                ]
        if problems:
            from ktgs.exchange.importer import Refused

            raise Refused(problems)  # a record checked only now (units, members of this file)

    def _create(self, new: New) -> Inspection:
        row = new.row
        found = self.bodies.get((row["unit"], row["body"]), [])
        if len(found) != 1:
            raise ValidationError(
                {"body": f"Không xác định được cơ quan thực hiện ở {row['unit']}."}
            )
        subjects = []
        for s in new.subjects:
            if s["member"]:
                subjects.append(SubjectInput(member=self._get(self.members, s["member"])))
            else:
                subjects.append(SubjectInput(unit=self._get(self.units, s["unit"])))
        inspection = inspection_create(
            body=found[0],
            kind=row["kind"],
            decided_on=row["decided_on"],
            subjects=subjects,
            topic=row["topic"],
            decision_number=new.number,
            legal_basis=row["legal_basis"],
            plan_ends_on=row["plan_ends_on"],
            secrecy=row["secrecy"],
            source=Origin.IMPORTED,
            external_ref=row["ref"],
        )
        _conclude(inspection, new)
        return inspection

    @staticmethod
    def _get(found: dict, code: str):
        if code not in found:
            raise ValidationError({"subjects": f"Không có mã {_q(code)}."})
        return found[code]


def _conclude(inspection: Inspection, new: New) -> None:
    """Results per subject and, when the conclusion was notified, every step done that day."""
    row = new.row
    given = {(s["unit"], s["member"]): s for s in new.subjects}
    changed = []
    for subject in inspection.subjects.select_related("unit", "member"):
        key = ("", subject.member.code) if subject.member_id else (subject.unit.code, "")
        s = given[key]
        if s["result"]:
            subject.result = s["result"]
            subject.concluded_on = s["concluded_on"] or row["concluded_on"]
            changed.append(subject)
    InspectionSubject.objects.bulk_update(changed, ["result", "concluded_on"])
    if row["concluded_on"]:
        inspection.steps.filter(done_on__isnull=True).update(done_on=row["concluded_on"])
        inspection.concluded_on = row["concluded_on"]
        inspection.save(update_fields=["concluded_on"])
    record(
        "inspections.inspection.imported",
        target=inspection,
        unit_id=inspection.unit_id,
        details={
            "ref": row["ref"],
            "concluded_on": row["concluded_on"],
            "results": {s.name: ConclusionResult(s.result).label for s in changed},
            "warnings": inspection.warnings.splitlines(),
        },
    )


def _refused(new: New, exc: ValidationError, since: date | None):
    from ktgs.exchange.importer import Problem

    row = new.row
    return Problem(
        row.sheet,
        row.number,
        None,
        f"Hồ sơ {_q(row['ref'])}: " + " ".join(exc.messages),
        refusal_fix(since),
    )


__all__ = [
    "INSPECTIONS",
    "SUBJECTS",
    "InspectionHandler",
    "export_rows",
    "load_rows",
    "register_sheets",
]
