"""`{% load admin_tags %}{% new_roles_panel %}`: on a UBKT leader's home page, the roles that
read records given in their units over the last 30 days (from the audit trail), so that a role
given by a system administrator is seen by those who answer for the records (issue 18)."""

from django import template

from ktgs.accounts.administration import NOTICE_DAYS, recent_grants

register = template.Library()


@register.inclusion_tag("accounts/_new_roles_panel.html", takes_context=True)
def new_roles_panel(context):
    rows = recent_grants(context["request"].scope)
    return {"rows": rows, "days": NOTICE_DAYS}
