"""A member's or a unit's KTGS story: the section «Kiểm tra, giám sát và kỷ luật» of their pages.

What they were the subject of, in date order: inspections and supervisions (the decision), each
subject's conclusion with its recommendations, follow-ups and any proposal of discipline;
discipline cases, decisions (a decision replaced after an appeal marked so), appeals and
suspensions. For a unit: the records whose subject unit is the unit — the organisation itself,
or a member of this cell on the record's date — as the discipline list counts them.

Only what the reader sees (`scope.visible`: scope and clearance); the rest is counted, never
shown, as the discipline panel always did. **Letters are never read here**: an accused member's
or unit's story does not show, count or hint at a letter (docs/security.md, Letter).

A fixed number of queries whatever the number of records: one counts the records of every part,
and each part that holds any reads them (about ten at most; one for the many members and units
with no record, three for one inspected and never disciplined); a long story shows its
newest `LIMIT` entries, in date order, and says so.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Exists, IntegerField, OuterRef, Q, Subquery
from django.utils import timezone

from ktgs.audit.reads import record_reads
from ktgs.discipline.effect import with_effect_facts
from ktgs.discipline.models import Appeal, Decision, DisciplineCase, Suspension
from ktgs.inspections import selectors as inspections

LIMIT = 100  # entries shown; the lists filtered by subject hold every record

# Same-day entries in the order things happen.
RANK = {
    "inspection": 0,
    "conclusion": 1,
    "case": 2,
    "suspension": 3,
    "decision": 4,
    "appeal": 5,
}


@dataclass
class Entry:
    on: date
    kind: str  # a key of RANK
    record: object  # InspectionSubject (inspection, conclusion), case, decision, appeal, suspension
    subject: str = ""  # who, on a unit's page
    subjects: list[str] = field(default_factory=list)  # inspection on a unit's page: its subjects

    @property
    def key(self) -> tuple:
        return (self.on, RANK[self.kind], self.record.pk)


@dataclass
class Story:
    entries: list[Entry]
    hidden: int  # records of the subject the reader does not see
    capped: bool  # older entries left out (more than LIMIT)
    today: date = field(default_factory=timezone.localdate)  # a follow-up open past it: quá hạn


def member_story(scope, member) -> Story:
    return _story(scope, Q(member=member), member=member)


def unit_story(scope, unit) -> Story:
    return _story(scope, Q(subject_unit=unit), unit=unit)


def _story(scope, mine: Q, *, member=None, unit=None) -> Story:
    entries: list[Entry] = []
    hidden = 0
    capped = False
    totals = _totals(mine, member=member, unit=unit)
    for key, part in PARTS:
        if not totals[key]:  # most members and units: the part's joins are not even planned
            continue
        rows, n, full = part(scope, mine, member=member, unit=unit, total=totals[key])
        entries += rows
        hidden += n
        capped |= full
    entries.sort(key=lambda e: e.key)
    if len(entries) > LIMIT:
        entries, capped = entries[-LIMIT:], True
    _log_reads(entries)
    return Story(entries, hidden, capped)


class _Count(Subquery):
    """How many rows a queryset holds, as a subquery."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


def _totals(mine: Q, *, member, unit) -> dict[str, int]:
    """How many records of each part the subject has, whoever may see them, in one query."""
    subject = member if member is not None else unit
    parts = {
        "n_inspections": inspections.subjects_of(member=member, unit=unit),
        "n_cases": DisciplineCase.objects.live().filter(mine),
        "n_decisions": Decision.objects.live().filter(mine),
        "n_suspensions": Suspension.objects.filter(mine),
    }
    counts = {key: _Count(rows.order_by().values("pk")) for key, rows in parts.items()}
    row = type(subject)._base_manager.filter(pk=subject.pk).values(**counts).first()
    return row or dict.fromkeys(parts, 0)


def _hidden(live, seen, shown: int, total: int) -> int:
    """The records of `live` the reader does not see, `total` of them in all and `shown` of those
    seen listed: when the list was not cut, every seen record is listed, and the difference is
    the answer; else the records not seen are counted (`seen` is `live` filtered)."""
    if shown < LIMIT:
        return total - shown
    return live.exclude(pk__in=seen.values("pk")).count()


def _inspections(scope, mine, *, member, unit, total):
    rows, hidden = inspections.subject_rows(
        scope=scope, member=member, unit=unit, limit=LIMIT, total=total
    )
    out: list[Entry] = []
    by_inspection: dict[int, Entry] = {}
    for s in rows:
        who = "" if member is not None else s.name
        first = by_inspection.get(s.inspection_id)
        if first is None:
            first = Entry(s.inspection.decided_on, "inspection", s, subjects=[])
            by_inspection[s.inspection_id] = first
            out.append(first)
        if who:
            first.subjects.append(who)
        if s.result:
            day = s.concluded_on or s.inspection.concluded_on or s.inspection.decided_on
            out.append(Entry(day, "conclusion", s, subject=who))
    return out, hidden, len(rows) == LIMIT


def _cases(scope, mine, *, member, unit, total):
    live = DisciplineCase.objects.live().filter(mine)
    seen = scope.visible(live)
    rows = list(
        seen.select_related("body", "member", "subject_unit", "proposal__inspection").order_by(
            "-opened_on", "-pk"
        )[:LIMIT]
    )
    entries = [Entry(c.opened_on, "case", c, subject=_case_subject(c, member)) for c in rows]
    return entries, _hidden(live, seen, len(rows), total), len(rows) == LIMIT


def _case_subject(case, member) -> str:
    if member is not None:
        return ""
    return case.member.full_name if case.member_id else case.subject_unit.name


def _decisions(scope, mine, *, member, unit, total):
    live = Decision.objects.live().filter(mine)
    seen = scope.visible(live)
    replaced = Decision.objects.filter(replaces=OuterRef("pk"), voided_at__isnull=True)
    rows = list(
        with_effect_facts(seen)
        .annotate(replaced=Exists(replaced))
        .select_related("body", "subject_unit", "committee_unit", "replaces")
        .order_by("-signed_on", "-pk")[:LIMIT]
    )
    who = (lambda d: "") if member is not None else (lambda d: d.subject_name)
    entries = [Entry(d.signed_on, "decision", d, subject=who(d)) for d in rows]
    by_pk = {d.pk: d for d in rows}
    appeals = list(
        Appeal.objects.filter(decision__in=list(by_pk)).select_related("resolver").order_by("pk")
    )
    for a in appeals:
        a.decision = by_pk[a.decision_id]  # the row above, with its body and case
    entries += [Entry(a.filed_on, "appeal", a, subject=who(a.decision)) for a in appeals]
    return entries, _hidden(live, seen, len(rows), total), len(rows) == LIMIT


def _suspensions(scope, mine, *, member, unit, total):
    live = Suspension.objects.filter(mine)
    seen = scope.visible(live)
    rows = list(
        seen.select_related("body", "member", "subject_unit").order_by("-starts_on", "-pk")[:LIMIT]
    )
    who = (lambda s: "") if member is not None else (lambda s: s.subject_name)
    entries = [Entry(s.starts_on, "suspension", s, subject=who(s)) for s in rows]
    return entries, _hidden(live, seen, len(rows), total), len(rows) == LIMIT


# each part of the story, by the key `_totals` counts its records under
PARTS = (
    ("n_inspections", _inspections),
    ("n_cases", _cases),
    ("n_decisions", _decisions),
    ("n_suspensions", _suspensions),
)


def _log_reads(entries: list[Entry]) -> None:
    """The section shows what records marked mật say (a topic, a conclusion, who a decision is
    about): each such record shown is read, as on its own page (one bulk insert at most)."""
    shown: dict[tuple, tuple] = {}
    for e in entries:
        if e.kind in ("inspection", "conclusion"):
            record, unit_id = e.record.inspection, e.record.inspection.unit_id
        elif e.kind == "appeal":
            record, unit_id = e.record.decision, e.record.decision.body.unit_id
        elif e.kind == "case":
            record, unit_id = e.record, e.record.unit_id
        else:
            record, unit_id = e.record, e.record.body.unit_id
        shown[(record._meta.label_lower, record.pk)] = (record, unit_id)
    units = {key: unit_id for key, (_r, unit_id) in shown.items()}
    record_reads(
        [r for r, _u in shown.values()],
        unit_id=lambda r: units[(r._meta.label_lower, r.pk)],
    )
