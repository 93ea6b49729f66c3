"""Whether a decision is still in force, as a page shows it.

The end stored on a decision (`effect_ends_on`, from rules.effect_ends) holds only if the
subject does not appeal and commits no new violation that warrants discipline within the
period (QĐ 69-QĐ/TW, Điều 2, khoản 5; the regime's row says so): while an appeal is pending
the decision is carried out («đang khiếu nại, vẫn thi hành»); a violation of the same member,
recorded in a case that is not voided and begun within the period, keeps it in force.
`with_effect_facts(rows)` annotates both, so a list costs no query per row.
"""

from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, Min, OuterRef, QuerySet, Subquery

from ktgs.discipline.models import Appeal, Decision, Violation

UNDER_APPEAL = "đang khiếu nại, vẫn thi hành"


def with_effect_facts(rows: QuerySet) -> QuerySet:
    pending = Appeal.objects.filter(decision=OuterRef("pk"), outcome="")
    new = (
        Violation.objects.filter(
            case__member=OuterRef("member"),
            case__voided_at__isnull=True,
            started_on__gt=OuterRef("effective_on"),
            started_on__lte=OuterRef("effect_ends_on"),
        )
        .values("case__member")
        .annotate(first=Min("started_on"))
        .values("first")
    )
    return rows.annotate(pending_appeal=Exists(pending), new_violation_on=Subquery(new[:1]))


@dataclass(frozen=True)
class EffectState:
    ends_on: date | None  # None: no end (expulsion, dissolution) or kept in force
    provisional: bool  # «tạm tính»: counted from the effective date, no announcement recorded
    under_appeal: bool
    kept_by: date | None  # the start of the new violation that keeps it in force


def effect_state(decision: Decision) -> EffectState:
    new_on = getattr(decision, "new_violation_on", None)
    if not hasattr(decision, "new_violation_on") and decision.member_id and decision.effect_ends_on:
        new_on = (
            Violation.objects.filter(
                case__member_id=decision.member_id,
                case__voided_at__isnull=True,
                started_on__gt=decision.effective_on,
                started_on__lte=decision.effect_ends_on,
            )
            .order_by("started_on")
            .values_list("started_on", flat=True)
            .first()
        )
    return EffectState(
        ends_on=None if new_on else decision.effect_ends_on,
        provisional=decision.effect_end_provisional and not new_on,
        under_appeal=decision.under_appeal,
        kept_by=new_on,
    )


__all__ = ["UNDER_APPEAL", "EffectState", "effect_state", "with_effect_facts"]
