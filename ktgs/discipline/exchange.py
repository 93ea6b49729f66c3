"""Discipline decisions in the interchange format: the sheet «Quyết định kỷ luật» (one row per
decision, with its violation), for importing history and for a round trip of the export.

Modelled on inspections/exchange.py. A decision is identified by its «Mã hồ sơ»
(`Decision.external_ref`; a decision entered on KTGS is exported as `KTGS-QD-<id>`). Import only
adds: a known Mã hồ sơ with the same content is left alone, with different content it is an
error (never overwritten). Each new row becomes a case (origin «tự xem xét», opened and
concluded on the signing date), one violation and the decision, with the subject's cell and
committee seat as they were on the signing date, the effective date and the end of effect from
the rules, and for an expulsion the end of the membership on the effective date. A decision
signed before the office's `in_use_since` that fails a sanction-form, competence or limitation
rule is imported with the warning kept on `Decision.warnings`; from that date on (or when the
setting is not set) it is refused. Rows referring to units or members the same file creates are
checked while writing (the import is still all or nothing).

Registered from `DisciplineConfig.ready()` (`register_sheets`).
"""

import re
from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.utils import timezone

from ktgs.audit.services import record
from ktgs.core.choices import DisciplineForm, DisciplineSubject, ViolationCategory, ViolationKind
from ktgs.core.chunks import by_refs, values_in
from ktgs.core.docnumber import DocumentNumber
from ktgs.core.models import SECRECY_INPUT_CHOICES, TOP_SECRET, TOP_SECRET_REFUSED, Secrecy
from ktgs.core.vietnamese import format_date
from ktgs.discipline.choices import CaseOrigin, DecisionOrigin
from ktgs.discipline.decisions import _top_committee_seat, competence_refusal
from ktgs.discipline.models import Decision, DisciplineCase, Violation
from ktgs.discipline.services import REACH_SOURCE, _within_reach, member_subject_kind
from ktgs.exchange import cells, orgdata
from ktgs.exchange.format import MEMBERS, SHEETS, UNITS, Column, Sheet, register, unit_days
from ktgs.inspections.services import in_use_since
from ktgs.orgs.choices import BodyKind, MembershipEnd
from ktgs.orgs.models import Body, Member, Membership, OrgUnit
from ktgs.rules import discipline as rules
from ktgs.rules.lookup import RuleNotInForce

ENTERED_REF = re.compile(r"KTGS-QD-([0-9]{1,12})")
IMPORTED_ACTION = "discipline.decision.imported"
DECIDING_BODIES = [
    (k.value, k.label)
    for k in (BodyKind.COMMITTEE, BodyKind.STANDING, BodyKind.INSPECTION, BodyKind.CELL_MEETING)
]
BODY_ALIASES = [(BodyKind.CELL_MEETING.value, "Chi bộ")]
FORMS = [(f.value, f.label) for f in DisciplineForm]
VIOLATION_KINDS = [(k.value, k.label) for k in ViolationKind]
VIOLATION_CATEGORIES = [(c.value, c.label) for c in ViolationCategory]
REF_FIX = "Mã hồ sơ gồm chữ không dấu, chữ số, dấu chấm, gạch ngang, gạch chéo; tối đa 80 ký tự."


def _labels(choices) -> str:
    return "; ".join(label for _v, label in choices)


def _choice(choices, *, aliases=(), required=True, default=""):
    parse = cells.choice(list(choices) + list(aliases), required=required, default=default)

    def run(raw):
        try:
            return parse(raw)
        except cells.CellError as exc:
            raise cells.CellError(exc.message, f"Nhập một trong: {_labels(choices)}.") from None

    return run


def _ref(raw) -> str:
    try:
        return cells.code(80)(raw)
    except cells.CellError as exc:
        raise cells.CellError(exc.message, REF_FIX) from None


def _show(choices):
    labels = dict(choices)
    return lambda value: labels.get(value, value or "")


DECISIONS = Sheet(
    "Quyết định kỷ luật",
    (
        Column(
            "Mã hồ sơ",
            "ref",
            _ref,
            "Mã riêng của quyết định trong tệp (ví dụ KL-2018-03), không đổi khi nhập lại. Nhập "
            "lại quyết định đã có với cùng nội dung thì không đổi gì.",
            True,
        ),
        Column(
            "Mã đảng viên",
            "member",
            cells.code(20, upper=True, required=False),
            "Đảng viên bị kỷ luật; để trống nếu đối tượng là tổ chức. Mỗi dòng ghi đúng một "
            "trong hai mã.",
        ),
        Column(
            "Mã tổ chức",
            "subject",
            cells.code(40, required=False),
            "Tổ chức đảng bị kỷ luật; để trống nếu đối tượng là đảng viên.",
        ),
        Column(
            "Tổ chức quyết định",
            "unit",
            cells.code(40),
            "Mã tổ chức đảng có cơ quan ra quyết định kỷ luật.",
            True,
        ),
        Column(
            "Cơ quan quyết định",
            "body",
            _choice(DECIDING_BODIES, aliases=BODY_ALIASES),
            "Cấp ủy, Ban thường vụ, Ủy ban kiểm tra hoặc Chi bộ.",
            True,
            _show(DECIDING_BODIES),
        ),
        Column(
            "Hình thức",
            "form",
            _choice(FORMS),
            _labels(FORMS) + " (giải tán chỉ với tổ chức đảng).",
            True,
            _show(FORMS),
        ),
        Column(
            "Số quyết định",
            "number",
            cells.text(60),
            "Số, ký hiệu của Đảng, ví dụ 05-QĐ/UBKTĐUK; để trống nếu không có.",
        ),
        Column("Ngày ký", "signed_on", cells.day(required=True, past=True), "", True),
        Column(
            "Ngày công bố",
            "announced_on",
            cells.day(past=True),
            "Bắt buộc với quyết định của chi bộ (có hiệu lực từ ngày công bố). Thời hạn 12 tháng "
            "đến khi hết hiệu lực tính từ ngày này; để trống thì tạm tính từ ngày có hiệu lực.",
        ),
        Column("Ngày nhận", "received_on", cells.day(past=True), "Ngày đối tượng nhận quyết định."),
        Column("Vi phạm", "violation", cells.text(4000, required=True), "Nội dung vi phạm.", True),
        Column(
            "Loại vi phạm",
            "violation_kind",
            _choice(VIOLATION_KINDS, required=False, default=ViolationKind.CONDUCT.value),
            _labels(VIOLATION_KINDS) + ". Để trống là loại thứ nhất.",
            show=_show(VIOLATION_KINDS),
        ),
        Column(
            "Nhóm vi phạm",
            "violation_category",
            _choice(VIOLATION_CATEGORIES, required=False, default=ViolationCategory.OTHER.value),
            _labels(VIOLATION_CATEGORIES) + ". Để trống là «Vi phạm khác».",
            show=_show(VIOLATION_CATEGORIES),
        ),
        Column("Vi phạm từ ngày", "violation_from", cells.day(required=True, past=True), "", True),
        Column(
            "Vi phạm đến ngày",
            "violation_to",
            cells.day(past=True),
            "Để trống nếu vi phạm còn tiếp diễn đến khi quyết định (không tính thời hiệu).",
        ),
        Column(
            "Độ mật",
            "secrecy",
            cells.choice(SECRECY_INPUT_CHOICES, required=False, default=Secrecy.NORMAL.value),
            "Thường hoặc Mật; để trống là Thường.",
            show=_show(Secrecy.choices),
        ),
    ),
    key=("ref",),
    help="Quyết định kỷ luật (kể cả hồ sơ cũ): mỗi dòng một quyết định với vi phạm của nó. Chỉ "
    "thêm mới: quyết định đã nhập không sửa qua tệp. Ngày có hiệu lực, ngày hết hiệu lực theo "
    "quy định tại ngày ký; quyết định khai trừ kết thúc sinh hoạt đảng của đảng viên từ ngày có "
    "hiệu lực. Quyết định ký trước ngày bắt đầu dùng KTGS (`ktgs setting in-use-since`) mà trái "
    "quy định về hình thức, thẩm quyền hoặc thời hiệu vẫn được nhập, kèm cảnh báo nêu quy định; "
    "từ ngày đó trở đi thì bị từ chối.",
)
COMPARED = (
    "member",
    "subject",
    "unit",
    "body",
    "form",
    "number",
    "signed_on",
    "announced_on",
    "received_on",
    "violation",
    "violation_kind",
    "violation_category",
    "violation_from",
    "violation_to",
    "secrecy",
)


def register_sheets() -> None:
    """Add the sheet to the format and the handler to the importer (once)."""
    from ktgs.exchange import importer

    if DECISIONS.name in SHEETS:
        return
    register(DECISIONS)
    importer.HANDLERS.append(DecisionHandler())
    orgdata.MEMBERSHIP_ENDERS.append(expelled_by_file)


def expelled_by_file(file_rows: dict) -> set[tuple[str, date]]:
    """(member code, effective date) of the stored expulsions the file's rows repeat: the
    memberships they ended, which the file's «Sinh hoạt» may still list open (a re-import of the
    file that imported them; a changed row is refused by the decision sheet itself)."""
    refs = [
        r["ref"]
        for r in file_rows.get(DECISIONS.name, [])
        if r["member"] and r["form"] == DisciplineForm.EXPULSION
    ]
    if not refs:
        return set()
    pks = [int(m.group(1)) for r in refs if (m := ENTERED_REF.fullmatch(r))]
    expulsions = Decision.objects.filter(
        form=DisciplineForm.EXPULSION, voided_at__isnull=True
    ).exclude(member=None)
    return set(
        by_refs(expulsions, refs, pks, lambda q: q.values_list("member__code", "effective_on"))
    )


# --- stored records by Mã hồ sơ ------------------------------------------------------------------


def load_rows(refs: list[str] | None = None) -> list[dict]:
    """Live decisions as sheet rows (all, or those with these Mã hồ sơ, voided too), each with
    "pk" and "voided"; the violation is the case's first."""
    fields = (
        "pk",
        "external_ref",
        "case_id",
        "member__code",
        "subject_unit__code",
        "body__unit__code",
        "body__kind",
        "form",
        "number",
        "signed_on",
        "announced_on",
        "received_on",
        "secrecy",
        "voided_at",
    )
    if refs is None:
        rows = list(Decision.objects.filter(voided_at__isnull=True).values_list(*fields))
    else:
        pks = [int(m.group(1)) for r in refs if (m := ENTERED_REF.fullmatch(r))]
        rows = list(by_refs(Decision.objects.all(), refs, pks, lambda q: q.values_list(*fields)))
    violations = {}
    for case, text, kind, category, start, end in values_in(
        Violation.objects.order_by("case_id", "-started_on", "-pk"),
        "case_id",
        [r[2] for r in rows if r[2]],
        lambda q: q.values_list(
            "case_id", "description", "kind", "category", "started_on", "ended_on"
        ),
    ):
        violations[case] = (text, kind, category, start, end)  # the earliest one wins
    out = []
    for (
        pk,
        ext,
        case,
        member,
        subject,
        unit,
        body,
        form,
        number,
        signed,
        announced,
        received,
        secrecy,
        voided,
    ) in rows:
        text, kind, category, start, end = violations.get(case, ("", "", "", None, None))
        out.append(
            {
                "pk": pk,
                "ref": ext or f"KTGS-QD-{pk}",
                "member": member or "",
                "subject": "" if member else subject,
                "unit": unit,
                "body": body,
                "form": form,
                "number": str(number or ""),
                "signed_on": signed,
                "announced_on": announced,
                "received_on": received,
                "violation": text,
                "violation_kind": kind,
                "violation_category": category,
                "violation_from": start,
                "violation_to": end,
                "secrecy": secrecy,
                "voided": voided is not None,
            }
        )
    return out


def export_rows() -> dict[str, list[dict]]:
    return {DECISIONS.name: load_rows()}


# --- checking ------------------------------------------------------------------------------------


@dataclass
class Resolved:
    """What a row refers to and what the rules say, as of the signing date."""

    body: Body
    subject_unit: OrgUnit
    member: Member | None
    subject_kind: str
    effective_on: date
    effect_ends_on: date | None
    effect_end_provisional: bool
    not_electable_until: date | None
    basis: str
    rule_problems: list[str]  # warnings (history) — refusals never get here
    notes: list[str]  # warnings that are not about competence (no rule row that early)
    expel: bool  # end the membership on the effective date


@dataclass
class New:
    row: object  # importer.Row
    number: str
    resolved: Resolved | None = None  # None: refers to what the file creates, checked on write


@dataclass
class Plan:
    creates: list[New] = field(default_factory=list)
    warnings: list = field(default_factory=list)  # importer.Problem


class DecisionHandler:
    sheets = (DECISIONS.name,)

    def check(self, rows, problems, counts, tick, file_rows=None) -> Plan:
        return Checker(rows, problems, counts, file_rows or {}).run()

    def write(self, plan: Plan, tick) -> None:
        Writer(plan).run()

    def export_rows(self) -> dict[str, list[dict]]:
        return export_rows()


def _q(value) -> str:
    return f"«{value}»"


def _problem(row, field_name, message, fix):
    from ktgs.exchange.importer import Problem

    header = row.headers.get(field_name) if field_name else None
    return Problem(row.sheet, row.number, header, message, fix)


class Checker:
    def __init__(self, rows, problems, counts, file_rows):
        self.rows = rows.get(DECISIONS.name, [])
        self.problems = problems
        self.counts = counts
        self.today = timezone.localdate()
        self.since = in_use_since()
        self.file_units = {r["code"] for r in file_rows.get(UNITS.name, [])}
        self.file_unit_days = unit_days(file_rows)
        self.file_members = {r["member"] for r in file_rows.get(MEMBERS.name, [])}
        self.plan = Plan()

    def problem(self, row, field_name, message, fix=""):
        self.problems.append(_problem(row, field_name, message, fix))

    def tally(self, what: str) -> None:
        c = self.counts.setdefault(DECISIONS.name, {"created": 0, "updated": 0, "unchanged": 0})
        c[what] += 1

    def run(self) -> Plan:
        by_ref = {}
        for row in self.rows:
            if row["ref"] in by_ref:
                self.problem(
                    row,
                    "ref",
                    f"Mã hồ sơ {_q(row['ref'])} đã có ở dòng {by_ref[row['ref']].number}.",
                    "Mỗi quyết định một dòng; quyết định khác thì đặt mã khác.",
                )
                continue
            by_ref[row["ref"]] = row
        stored = {r["ref"]: r for r in load_rows(list(by_ref))}
        for ref, row in by_ref.items():
            number = self._number(row)
            if ref in stored:
                self._compare(row, number, stored[ref])
            else:
                self._check_new(row, number)
        return self.plan

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
                "Ghi số, ký hiệu văn bản của Đảng, ví dụ 05-QĐ/UBKTĐUK.",
            )
            return ""

    def _compare(self, row, number, old) -> None:
        if old["voided"]:
            self.problem(
                row,
                "ref",
                f"Quyết định {_q(row['ref'])} đã bị hủy trên phần mềm; không nhập lại qua tệp.",
                "Bỏ dòng này khỏi tệp.",
            )
            return
        new = {**row.values, "number": number or row["number"]}
        new["violation"] = new["violation"].strip()
        changed = [DECISIONS.column(f).header for f in COMPARED if new[f] != old[f]]
        if changed:
            self.problem(
                row,
                None,
                f"Quyết định {_q(row['ref'])} đã có trong KTGS với nội dung khác: "
                + ", ".join(changed)
                + ".",
                "KTGS không ghi đè quyết định đã có. Nếu là cùng quyết định, ghi lại đúng nội "
                "dung đã nhập (hoặc sửa trên phần mềm); nếu là quyết định khác, đặt mã hồ sơ khác.",
            )
            return
        self.tally("unchanged")

    def _check_new(self, row, number) -> None:
        self.tally("created")
        before = len(self.problems)
        self._shape(row)
        if len(self.problems) > before:
            return
        deferred = (row["unit"] in self.file_units and not _exists(OrgUnit, row["unit"])) or (
            (row["member"] in self.file_members and not _exists(Member, row["member"]))
            or (row["subject"] in self.file_units and not _exists(OrgUnit, row["subject"]))
        )
        new = New(row, number)
        if not deferred:
            resolved, errors, warnings = resolve(row, self.since, self.file_unit_days)
            if errors:
                self.problems.extend(errors)
                return
            new.resolved = resolved
            self.plan.warnings += warnings
        self.plan.creates.append(new)

    def _shape(self, row) -> None:
        """What the row says on its own: one subject, dates in order (past: cells), not tối mật."""
        if bool(row["member"]) == bool(row["subject"]):
            self.problem(
                row,
                "member" if row["member"] else "subject",
                "Mỗi dòng ghi đúng một đối tượng: một mã đảng viên hoặc một mã tổ chức.",
                "Ghi mã đảng viên hoặc mã tổ chức bị kỷ luật (không ghi cả hai).",
            )
        if row["secrecy"] == TOP_SECRET:
            self.problem(row, "secrecy", TOP_SECRET_REFUSED, "Xóa dòng này khỏi tệp.")
        signed = row["signed_on"]
        for name in ("announced_on", "received_on"):
            on = row[name]
            if on is not None and on < signed:
                self.problem(
                    row,
                    name,
                    f"{row.headers[name]} ({format_date(on)}) trước ngày ký ({format_date(signed)}).",
                    "Sửa ngày cho đúng: không thể trước ngày ký.",
                )
        start, end = row["violation_from"], row["violation_to"]
        if end is not None and end < start:
            self.problem(
                row,
                "violation_to",
                f"Vi phạm đến ngày {format_date(end)} trước ngày bắt đầu {format_date(start)}.",
                "Sửa ngày vi phạm.",
            )
        if start > signed or (end is not None and end > signed):
            self.problem(
                row,
                "violation_from" if start > signed else "violation_to",
                f"Ngày vi phạm sau ngày ký quyết định ({format_date(signed)}).",
                "Sửa ngày vi phạm hoặc ngày ký.",
            )


def _exists(model, code: str) -> bool:
    return model.objects.filter(code=code).exists()


def resolve(row, since: date | None, unit_days=None) -> tuple[Resolved | None, list, list]:
    """The row against the database on its signing date: (resolved, errors, warnings), each
    error or warning an importer.Problem. `unit_days`: the founding and closing dates the file
    gives (format.unit_days), read instead of the stored ones (not yet written)."""
    errors, day = [], row["signed_on"]

    def err(field_name, message, fix):
        errors.append(_problem(row, field_name, message, fix))

    body_unit = _live_unit(row, "unit", row["unit"], day, err, unit_days)
    body = None
    if body_unit is not None:
        found = list(
            Body.objects.filter(unit=body_unit, kind=row["body"]).select_related("unit__kind")
        )
        if len(found) != 1:
            err(
                "body",
                f"{body_unit.name} không có {BodyKind(row['body']).label.lower()}.",
                "Chọn cơ quan mà tổ chức này có (sheet «Cơ quan»).",
            )
        else:
            body = found[0]
    member, subject_unit, subject_kind = None, None, DisciplineSubject.ORGANISATION
    if row["member"]:
        member = Member.objects.filter(code=row["member"], voided_at__isnull=True).first()
        if member is None:
            err(
                "member",
                f"Không có đảng viên mã {_q(row['member'])}.",
                "Kiểm tra lại mã đảng viên (sheet «Đảng viên»).",
            )
        else:
            held = Membership.objects.filter(Membership.q_on(day), member=member)
            if row["form"] == DisciplineForm.EXPULSION:  # registration ended by this decision
                held = held | Membership.objects.filter(
                    member=member, ends_on=day, end_reason=MembershipEnd.EXPELLED
                )
            subject_unit = OrgUnit.objects.filter(pk__in=held.values("unit_id")).first()
            if subject_unit is None:
                err(
                    "member",
                    f"Đảng viên {member.full_name} ({member.code}) không sinh hoạt ở chi bộ nào "
                    f"vào ngày ký {format_date(day)}.",
                    "Kiểm tra lại ngày ký, hoặc quá trình sinh hoạt của đảng viên (sheet «Sinh hoạt»).",
                )
            try:
                subject_kind = member_subject_kind(member, day)
            except ValidationError as exc:
                err("member", " ".join(exc.messages), "Kiểm tra lại ngày ký hoặc mã đảng viên.")
    else:
        subject_unit = _live_unit(row, "subject", row["subject"], day, err, unit_days)
    if not errors and not _within_reach(body, subject_unit, member, day):
        who = member.full_name if member else subject_unit.name
        err(
            "member" if member else "subject",
            f"{who} không thuộc phạm vi {body.name} xem xét kỷ luật vào ngày ký "
            f"{format_date(day)} (không thuộc tổ chức đảng cấp dưới, không thuộc diện quản lý) "
            f"— {REACH_SOURCE}.",
            "Kiểm tra lại tổ chức quyết định, đối tượng hoặc ngày ký.",
        )
    if errors:
        return None, errors, []
    form = row["form"]
    rule_problems = _rule_problems(row, body, member, subject_unit, subject_kind)
    notes = []
    try:
        effect = rules.takes_effect(
            body.kind, day, signed_on=day, announced_on=row["announced_on"], unit=body.unit
        )
        effective_on, citations = effect.day, [effect.citation]
    except ValueError as exc:
        err("announced_on", str(exc), "Ghi ngày công bố quyết định.")
        return None, errors, []
    except RuleNotInForce as exc:
        effective_on, citations = day, []
        notes.append(
            f"{exc.messages[0]} Ngày có hiệu lực lấy theo ngày ký, không tính ngày hết hiệu lực."
        )
    ends_on, provisional, announcement_missing = None, False, []
    if citations:
        try:
            ends = rules.effect_ends(
                effective_on, form, day, announced_on=row["announced_on"], unit=body.unit
            )
            ends_on, provisional = ends.day, ends.provisional
            citations.append(ends.citation)
        except RuleNotInForce as exc:
            notes.append(f"{exc.messages[0]} Không tính ngày hết hiệu lực.")
        if provisional:
            announcement_missing.append(
                _problem(
                    row,
                    "announced_on",
                    f"Chưa ghi ngày công bố: ngày hết hiệu lực ({format_date(ends_on)}) tạm "
                    f"tính từ ngày có hiệu lực; quy định tính từ ngày công bố — {ends.citation}.",
                    "Ghi ngày công bố quyết định nếu có.",
                )
            )
    bar = None
    if member is not None:
        bar = rules.charter_bar(
            form,
            day,
            effective_on=effective_on,
            announced_on=row["announced_on"],
            unit=body.unit,
        )
        if bar is not None:
            citations.append(bar.citation)
    expel = form == DisciplineForm.EXPULSION and member is not None
    if expel:
        ended = Membership.objects.filter(
            member=member, ends_on=effective_on, end_reason=MembershipEnd.EXPELLED
        ).exists()
        if ended:
            expel = False  # the file's «Sinh hoạt» already ends it that day
        elif not Membership.objects.filter(
            member=member, ends_on__isnull=True, starts_on__lt=effective_on
        ).exists():
            err(
                "form",
                f"Đảng viên {member.full_name} ({member.code}) không còn sinh hoạt đảng vào ngày "
                f"quyết định khai trừ có hiệu lực ({format_date(effective_on)}) nên không kết "
                "thúc sinh hoạt được.",
                "Kiểm tra lại ngày ký, hoặc quá trình sinh hoạt (sheet «Sinh hoạt»: kết thúc "
                "ngày đó với lý do Khai trừ).",
            )
    history = since is not None and day < since
    warnings = []
    if rule_problems or notes:
        if history:
            warnings = [_warning(row, since, text) for text in rule_problems + notes]
        else:
            for text in rule_problems + notes:
                err("body", text, refusal_fix(since))
    if errors:
        return None, errors, []
    resolved = Resolved(
        body=body,
        subject_unit=subject_unit,
        member=member,
        subject_kind=subject_kind,
        effective_on=effective_on,
        effect_ends_on=ends_on,
        effect_end_provisional=provisional,
        not_electable_until=bar.until if bar else None,
        basis="; ".join(dict.fromkeys(citations)),
        rule_problems=rule_problems,
        notes=notes,
        expel=expel,
    )
    return resolved, [], warnings + announcement_missing


def _live_unit(row, field_name, code, day, err, unit_days=None) -> OrgUnit | None:
    unit = OrgUnit.objects.filter(code=code).select_related("kind").first()
    if unit is None or unit.voided_at is not None:
        err(
            field_name,
            f"Không có tổ chức mã {_q(code)}" + (" (đã hủy)." if unit else "."),
            "Kiểm tra lại mã tổ chức (cột «Mã tổ chức» của sheet «Tổ chức»).",
        )
        return None
    established, closed = (unit_days or {}).get(code, (unit.established_on, unit.closed_on))
    if established > day or (closed and closed <= day):
        err(
            field_name,
            f"{unit.name} chưa thành lập hoặc đã giải thể vào ngày ký {format_date(day)}.",
            "Kiểm tra lại mã tổ chức hoặc ngày ký.",
        )
        return None
    return unit


def _label(form: str) -> str:
    return DisciplineForm(form).label.lower()


def _rule_problems(row, body, member, subject_unit, subject_kind) -> list[str]:
    """Sanction form, competence and limitation under the rules in force on the signing date
    (the same checks as decisions._problems, on the row instead of a stored case)."""
    day, form, problems = row["signed_on"], row["form"], []
    try:
        allowed = rules.sanction_forms(subject_kind, day, unit=body.unit)
        if form not in allowed.forms:
            problems.append(
                f"Không áp dụng hình thức {_label(form)} với "
                f"{DisciplineSubject(subject_kind).label.lower()} — {allowed.citation}."
            )
            return problems
        case = SimpleNamespace(member_id=member.pk if member else None, subject_unit=subject_unit)
        refusal = competence_refusal(body, case, {row["violation_kind"]}, form, day)
        if refusal:
            problems.append(refusal)
        end = row["violation_to"]
        if end is not None:
            count = rules.limitation_count(
                end,
                form,
                day,
                subject=subject_kind,
                category=row["violation_category"],
                unit=body.unit,
            )
            if count.ends is not None and day > count.ends:
                problems.append(
                    f"Đã hết thời hiệu kỷ luật {_label(form)} ({count.period.years} năm) đối với "
                    f"vi phạm kết thúc ngày {format_date(end)}: hết ngày "
                    f"{format_date(count.ends)} — {count.citations}."
                )
    except RuleNotInForce as exc:
        problems.append(exc.messages[0])
    return problems


def _warning(row, since: date, text: str):
    return _problem(
        row,
        "body",
        f"Quyết định {_q(row['ref'])} (trước ngày dùng KTGS {format_date(since)}) được nhập kèm "
        f"cảnh báo: {text}",
        "Không cần sửa: cảnh báo được lưu trên quyết định kỷ luật.",
    )


def refusal_fix(since: date | None) -> str:
    when = (
        f"trước ngày bắt đầu dùng KTGS ({format_date(since)})"
        if since
        else "trước ngày bắt đầu dùng KTGS (chưa đặt)"
    )
    return (
        "Kiểm tra lại cơ quan quyết định, hình thức, đối tượng và ngày vi phạm. Chỉ quyết định ký "
        f"{when} mới được nhập kèm cảnh báo; quản trị viên đặt ngày đó bằng "
        "`ktgs setting in-use-since NGÀY/THÁNG/NĂM`."
    )


# --- writing -------------------------------------------------------------------------------------


class Writer:
    def __init__(self, plan: Plan):
        self.plan = plan

    def run(self) -> None:
        since = in_use_since()
        problems = []
        for new in self.plan.creates:
            if new.resolved is None:  # refers to what this file created: checked only now
                resolved, errors, warnings = resolve(new.row, since)
                if errors:
                    problems += errors
                    continue
                new.resolved = resolved
                self.plan.warnings += warnings
            try:
                _create(new)
            except ValidationError as exc:
                problems.append(
                    _problem(
                        new.row,
                        None,
                        f"Quyết định {_q(new.row['ref'])}: " + " ".join(exc.messages),
                        refusal_fix(since),
                    )
                )
        if problems:
            from ktgs.exchange.importer import Refused

            raise Refused(problems)


def _create(new: New) -> Decision:
    row, r = new.row, new.resolved
    day = row["signed_on"]
    case = DisciplineCase.objects.create(
        subject_unit=r.subject_unit,
        member=r.member,
        subject_kind=r.subject_kind,
        body=r.body,
        unit=r.body.unit,
        origin=CaseOrigin.OWN,
        opened_on=day,
        warranted_on=day,
        secrecy=row["secrecy"],
    )
    Violation.objects.create(
        case=case,
        description=row["violation"].strip(),
        kind=row["violation_kind"],
        category=row["violation_category"],
        started_on=row["violation_from"],
        ended_on=row["violation_to"],
        continuing=row["violation_to"] is None,
    )
    seat = _top_committee_seat(case, day)
    warnings = r.rule_problems + r.notes
    decision = Decision.objects.create(
        case=case,
        body=r.body,
        subject_unit=r.subject_unit,
        member=r.member,
        subject_name=r.member.full_name if r.member else r.subject_unit.name,
        subject_kind=r.subject_kind,
        committee_unit=seat.body.unit if seat else None,
        committee_level=seat.body.unit.kind.level if seat else "",
        form=row["form"],
        number=new.number,
        signed_on=day,
        announced_on=row["announced_on"],
        received_on=row["received_on"],
        effective_on=r.effective_on,
        effect_ends_on=r.effect_ends_on,
        effect_end_provisional=r.effect_end_provisional,
        not_electable_until=r.not_electable_until,
        basis=r.basis,
        warnings="\n".join(warnings),
        source=DecisionOrigin.IMPORTED,
        external_ref=row["ref"],
        secrecy=row["secrecy"],
    )
    if r.expel:
        from ktgs.orgs.services import membership_end

        membership_end(
            member=r.member,
            on=r.effective_on,
            reason=MembershipEnd.EXPELLED,
            decision=new.number,
        )
    record(
        IMPORTED_ACTION,
        target=decision,
        unit_id=r.body.unit_id,
        details={
            "ref": row["ref"],
            "body": r.body.name,
            "subject": decision.subject_name,
            "form": DisciplineForm(row["form"]).label,
            "number": new.number,
            "signed_on": day,
            "effective_on": r.effective_on,
            "warnings": warnings,
        },
    )
    return decision


__all__ = ["DECISIONS", "DecisionHandler", "export_rows", "load_rows", "register_sheets"]
