"""`{% my_roles as roles %}`: the signed-in user's roles, each with its unit and what it allows —
for the 403 page, so that a refusal says what the user MAY do rather than guessing why."""

from django import template

from ktgs.accounts.access import ADMINISTER, DECIDE, EDIT, READ, ROLE_ACTIONS
from ktgs.accounts.models import Role

register = template.Library()

ACTION_WORDS = {
    READ: "xem hồ sơ",
    EDIT: "ghi, sửa hồ sơ",
    DECIDE: "ra quyết định, kết luận",
    ADMINISTER: "quản trị người dùng, tổ chức và thiết lập (không xem hồ sơ)",
}
ORDER = (READ, EDIT, DECIDE, ADMINISTER)


@register.simple_tag(takes_context=True)
def my_roles(context) -> list[dict]:
    request = context.get("request")
    scope = getattr(request, "scope", None)
    if scope is None or not scope.grants:
        return []
    from ktgs.orgs.models import OrgUnit

    names = dict(
        OrgUnit.objects.filter(path__in={g.path for g in scope.grants}).values_list("path", "name")
    )
    rows = []
    for grant in scope.grants:
        actions = ROLE_ACTIONS.get(grant.role, frozenset())
        rows.append(
            {
                "role": Role(grant.role).label if grant.role in Role.values else grant.role,
                "unit": names.get(grant.path, ""),
                "may": "; ".join(ACTION_WORDS[a] for a in ORDER if a in actions),
            }
        )
    return rows
