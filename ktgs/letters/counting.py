"""The letters' figures of a unit's subtree over a period [start, end] (docs/letters.md, «Số
liệu»): aggregate queries only, read by the reports' indicators (`letters/indicators.py`).

A letter counts for the unit of its receiving body, so a unit's figure is its own bodies' plus
its sub-units' (additive). Voided letters do not count. Per kind of letter (tố cáo, khiếu nại,
kiến nghị) and in total:

- received: received_on in the period; of which anonymous (nặc danh, mạo danh, không rõ người gửi);
- routed in the period (routed_on in the period), by what routing did: accepted for resolution
  (accepted_on in the period), not considered (and per ground), forwarded, kept as information,
  sent to the discipline appeal flow, repeat letters not reopened;
- resolved: concluded in the period (concluded_on in the period);
- verdicts of the letters concluded in the period: per content item (each item's verdict) and
  per letter, derived from its items as `rules.letters.letter_verdict` does (every item with a
  verdict true → đúng; none true → sai; else đúng một phần), in SQL; items without a verdict are
  left out, a letter with none has no letter verdict;
- at the end of the period: being resolved (accepted on or before the end, not concluded by
  then), and of those overdue (due date before the end).

Three queries: the letters per kind, the letters' verdicts per kind, the items' verdicts.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce

from ktgs.letters.choices import LetterGround, LetterStatus, LetterVerdict
from ktgs.letters.models import Letter, LetterItem
from ktgs.orgs.models import OrgUnit
from ktgs.rules.letters import TRUE_ITEMS

# Measures of the letters query (the keys of `Figures.letters`).
RECEIVED, ANONYMOUS, ACCEPTED, NOT_CONSIDERED = (
    "received",
    "anonymous",
    "accepted",
    "not_considered",
)
FORWARDED, INFORMATION, APPEAL, REPEAT = "forwarded", "information", "appeal", "repeat"
RESOLVED, PENDING_END, OVERDUE_END = "resolved", "pending_end", "overdue_end"
LETTER_VERDICTS = (LetterVerdict.TRUE, LetterVerdict.PARTLY_TRUE, LetterVerdict.FALSE)
ALL = ""  # the kind key of the totals


@dataclass
class Figures:
    unit: OrgUnit
    start: date
    end: date
    letters: dict = field(default_factory=dict)  # (measure, kind) -> n
    grounds: dict = field(default_factory=dict)  # (ground, kind) -> n
    letter_verdicts: dict = field(default_factory=dict)  # (verdict, kind) -> n
    item_verdicts: dict = field(default_factory=dict)  # (verdict, kind) -> n

    def get(self, table: str, key: str, kind: str = ALL) -> int:
        return getattr(self, table).get((key, kind), 0)


def letters_of(unit: OrgUnit):
    """The live letters received by the bodies of `unit` and of the units below it."""
    return Letter.objects.live().filter(unit__path__startswith=unit.path)


def pending_on(day: date) -> Q:
    """Letters being resolved on `day`: accepted on or before it, not concluded by then (the
    figure "đang giải quyết ngày cuối kỳ"; the letters list's filter «Đang giải quyết ngày»)."""
    return Q(status__in=(LetterStatus.ACCEPTED, LetterStatus.CONCLUDED), accepted_on__lte=day) & (
        Q(concluded_on__isnull=True) | Q(concluded_on__gt=day)
    )


def overdue_on(day: date) -> Q:
    """Of `pending_on(day)`, those whose due date is before `day`."""
    return pending_on(day) & Q(due_on__lt=day)


def _measures(start: date, end: date) -> dict:
    period = (start, end)
    received = Q(received_on__range=period)
    routed = Q(routed_on__range=period)
    pending = pending_on(end)
    out = {
        RECEIVED: received,
        ANONYMOUS: received & Q(anonymous=True),
        ACCEPTED: Q(accepted_on__range=period),
        NOT_CONSIDERED: routed & Q(status=LetterStatus.NOT_CONSIDERED),
        FORWARDED: routed & Q(status=LetterStatus.FORWARDED),
        INFORMATION: routed & Q(status=LetterStatus.INFORMATION),
        APPEAL: routed & Q(status=LetterStatus.APPEAL),
        REPEAT: routed & Q(status=LetterStatus.REPEAT),
        RESOLVED: Q(status=LetterStatus.CONCLUDED, concluded_on__range=period),
        PENDING_END: pending,
        OVERDUE_END: overdue_on(end),
    }
    for ground in LetterGround.values:
        out[f"ground:{ground}"] = out[NOT_CONSIDERED] & Q(ground=ground)
    return out


def _items(verdicts) -> Subquery:
    rows = (
        LetterItem.objects.filter(letter=OuterRef("pk"), verdict__in=verdicts)
        .order_by()
        .values("letter")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


# The letter's verdict from its items, on rows annotated by `with_item_tallies` (n_true: items
# with a "true" verdict, n_given: items with any verdict).
GIVEN_ITEMS = [v for v in LetterVerdict.values if v not in (LetterVerdict.PARTLY_TRUE,)]
LETTER_VERDICT_Q = {
    LetterVerdict.TRUE: Q(n_given__gt=0, n_true=F("n_given")),
    LetterVerdict.FALSE: Q(n_given__gt=0, n_true=0),
    LetterVerdict.PARTLY_TRUE: Q(n_true__gt=0, n_true__lt=F("n_given")),
}


def with_item_tallies(rows):
    return rows.annotate(n_true=_items(TRUE_ITEMS), n_given=_items(GIVEN_ITEMS))


def count(unit: OrgUnit, start: date, end: date) -> Figures:
    figures = Figures(unit, start, end)
    base = letters_of(unit)
    measures = _measures(start, end)
    annotations = {name.replace(":", "__"): Count("pk", filter=q) for name, q in measures.items()}
    for row in base.order_by().values("kind").annotate(**annotations):
        kind = row["kind"]
        for name in measures:
            n = row[name.replace(":", "__")]
            if name.startswith("ground:"):
                table, key = figures.grounds, name.split(":", 1)[1]
            else:
                table, key = figures.letters, name
            table[key, kind] = table.get((key, kind), 0) + n
            table[key, ALL] = table.get((key, ALL), 0) + n

    concluded = base.filter(measures[RESOLVED])
    verdicts = (
        with_item_tallies(concluded.order_by())
        .values("kind")
        .annotate(
            v_true=Count("pk", filter=LETTER_VERDICT_Q[LetterVerdict.TRUE]),
            v_false=Count("pk", filter=LETTER_VERDICT_Q[LetterVerdict.FALSE]),
            v_partly=Count("pk", filter=LETTER_VERDICT_Q[LetterVerdict.PARTLY_TRUE]),
        )
    )
    for row in verdicts:
        for verdict, name in (
            (LetterVerdict.TRUE, "v_true"),
            (LetterVerdict.FALSE, "v_false"),
            (LetterVerdict.PARTLY_TRUE, "v_partly"),
        ):
            _add(figures.letter_verdicts, str(verdict), row["kind"], row[name])

    items = (
        LetterItem.objects.filter(letter__in=concluded.values("pk"))
        .exclude(verdict="")
        .order_by()
        .values("verdict", "letter__kind")
        .annotate(n=Count("pk"))
    )
    for row in items:
        _add(figures.item_verdicts, row["verdict"], row["letter__kind"], row["n"])
    return figures


def _add(table: dict, key: str, kind: str, n: int) -> None:
    table[key, kind] = table.get((key, kind), 0) + n
    table[key, ALL] = table.get((key, ALL), 0) + n
