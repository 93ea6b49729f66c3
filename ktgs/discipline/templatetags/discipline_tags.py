"""`{% load discipline_tags %}`: the section «Kiểm tra, giám sát và kỷ luật» of a member's and a
unit's pages, and the pieces every decision row shows.

`{% story_panel member %}` and `{% unit_story_panel unit %}` (discipline/story.py): what the
member or the unit was the subject of — inspections and supervisions, their conclusions and
follow-ups, discipline cases, decisions, appeals, suspensions — in date order, each a link, what
the reader sees only (the rest counted); never a letter. The orgs pages load these tags by name,
so orgs imports nothing of the later apps (docs/architecture.md)."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from ktgs.accounts.access import RECORDS_VIEW
from ktgs.discipline.effect import UNDER_APPEAL, effect_state
from ktgs.discipline.story import member_story, unit_story

register = template.Library()


def _url(name: str, **params) -> str:
    return f"{reverse(name)}?{urlencode(params)}"


@register.inclusion_tag("discipline/_story_panel.html", takes_context=True)
def story_panel(context, member):
    scope = context["request"].scope
    if not scope.may_anywhere(RECORDS_VIEW):
        return {"shown": False}
    return {
        "shown": True,
        "for_member": True,
        "story": member_story(scope, member),
        "inspections_url": _url("inspections:list", dang_vien=member.code),
        "decisions_url": _url("discipline:list", **{"dang-vien": member.code}),
    }


@register.inclusion_tag("discipline/_story_panel.html", takes_context=True)
def unit_story_panel(context, unit):
    scope = context["request"].scope
    if not scope.may(RECORDS_VIEW, unit.path):
        return {"shown": False}
    return {
        "shown": True,
        "for_member": False,
        "story": unit_story(scope, unit),
        "inspections_url": _url("inspections:list", doi_tuong=unit.code),
        "decisions_url": _url("discipline:list", **{"don-vi": unit.code}),
    }


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
