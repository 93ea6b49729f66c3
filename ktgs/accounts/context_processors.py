"""What the navigation bar offers this user: only the areas their roles open.

Computed from `request.scope` (already loaded by the middleware), without a query. During the
second-factor step the bar is hidden: nothing behind it is reachable yet.
"""

from ktgs.accounts.access import RECORDS_CHANGE, RECORDS_VIEW, UNITS_VIEW, USERS_MANAGE
from ktgs.accounts.twofactor import OPEN_WHILE_OWING
from ktgs.audit.selectors import may_search


def navigation(request) -> dict:
    user = getattr(request, "user", None)
    scope = getattr(request, "scope", None)
    if user is None or not user.is_authenticated or scope is None:
        return {"nav": None}
    match = getattr(request, "resolver_match", None)
    if match is not None and match.view_name in OPEN_WHILE_OWING - {"logout"}:
        return {"nav": None}
    return {
        "nav": {
            "members": scope.may_anywhere(RECORDS_VIEW),
            "exchange": scope.may_anywhere(RECORDS_CHANGE),  # import (exchange.views)
            "change": scope.may_anywhere(RECORDS_CHANGE),  # write pages (e.g. strike-off)
            "audit": may_search(scope),
            "counting": scope.may_anywhere(UNITS_VIEW),  # KTGS figures (inspections.counting)
            "admin": scope.may_anywhere(USERS_MANAGE),  # users and roles (accounts.admin_views)
        }
    }
