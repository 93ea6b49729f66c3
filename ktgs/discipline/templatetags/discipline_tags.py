"""`{% load discipline_tags %}`: a member's and a unit's discipline history on their pages.

`{% discipline_panel member %}`: every decision on the member (not voided), newest first, a
decision replaced after an appeal marked so; `{% unit_discipline_panel unit %}`: the decisions
whose subject unit is the unit (the organisation, or a member of this cell on the signing
date). Both list what the reader sees (`scope.visible`) and say how many others there are; two
queries each whatever the number of decisions."""

from django import template
from django.db.models import Exists, OuterRef

from ktgs.accounts.access import RECORDS_VIEW
from ktgs.discipline.effect import UNDER_APPEAL, effect_state, with_effect_facts
from ktgs.discipline.models import Decision

register = template.Library()


def _history(scope, rows) -> dict:
    live = rows.filter(voided_at__isnull=True)
    replaced = Decision.objects.filter(replaces=OuterRef("pk"), voided_at__isnull=True)
    shown = list(
        with_effect_facts(scope.visible(live))
        .annotate(replaced=Exists(replaced))
        .select_related("body", "subject_unit", "committee_unit", "replaces")
        .order_by("-signed_on", "-pk")
    )
    return {"shown": True, "rows": shown, "hidden": live.count() - len(shown)}


@register.inclusion_tag("discipline/_history_panel.html", takes_context=True)
def discipline_panel(context, member):
    scope = context["request"].scope
    if not scope.may_anywhere(RECORDS_VIEW):
        return {"shown": False}
    return _history(scope, Decision.objects.filter(member=member)) | {"for_member": True}


@register.inclusion_tag("discipline/_history_panel.html", takes_context=True)
def unit_discipline_panel(context, unit):
    scope = context["request"].scope
    if not scope.may(RECORDS_VIEW, unit.path):
        return {"shown": False}
    return _history(scope, Decision.objects.filter(subject_unit=unit)) | {"for_member": False}


@register.inclusion_tag("discipline/_effect.html")
def decision_effect(decision):
    """The end of effect as every page shows it: the day («tạm tính» when counted from the
    effective date for want of an announcement), kept in force by a new violation, and
    «đang khiếu nại, vẫn thi hành» while an appeal is pending (discipline/effect.py)."""
    return {"state": effect_state(decision), "under_appeal_text": UNDER_APPEAL}


@register.inclusion_tag("discipline/_bars.html")
def decision_bars(decision):
    """The appointment bars: the cadre rules' «chưa bổ nhiệm, ứng cử» and the Charter's bar
    after cách chức (Điều lệ Đảng, Điều 40, khoản 3)."""
    return {"d": decision}
