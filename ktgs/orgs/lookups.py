"""Citizen IDs typed by a user, and the refusal of codes, within what that user sees (codes and
names typed in forms and filters are read by `orgs.picking`, which uses these messages).

A record outside the user's scope or clearance does not exist for that user, in messages as on
pages: a code that exists elsewhere gets the answer of a code that exists nowhere, and no answer
names a member, a unit or a membership outside the scope (docs/security.md). Every refused code
or ID counts towards the probing limit (`audit.probing`): past it, look-ups pause for a while.
"""

from ktgs.audit import probing
from ktgs.orgs.models import Member, OrgUnit

NO_MEMBER = (
    "Không có đảng viên mã {codes} trong phạm vi của đồng chí; kiểm tra lại mã (ví dụ DV000123)."
)
NO_UNIT = (
    "Không có tổ chức đảng mã {codes} trong phạm vi của đồng chí; kiểm tra lại mã "
    "(xem mã ở trang Tổ chức)."
)
CITIZEN_ID_ELSEWHERE = (
    "Số CCCD {cid} đã được đăng ký cho một đảng viên ở tổ chức ngoài phạm vi của đồng chí. "
    "Đảng viên chuyển sinh hoạt đến thì việc chuyển do cấp trên thực hiện; nếu không, kiểm tra "
    "lại số CCCD."
)
CITIZEN_ID_TAKEN = (
    "Số CCCD {cid} đã thuộc đảng viên {name} (mã {code}); kiểm tra lại số hoặc hồ sơ trùng."
)


def _home_unit_id(scope) -> int | None:
    """The unit of the user's first grant: where the leaders who should see a probe are."""
    if not scope.roots:
        return None
    return OrgUnit.objects.filter(path=scope.roots[0]).values_list("pk", flat=True).first()


def refuse(scope, kind: str, count: int) -> None:
    """Count `count` refused codes or IDs of `kind` towards the user's probing limit."""
    probing.note_refused(scope.user_id, kind, count, unit_id=_home_unit_id(scope))


def citizen_id_problem(scope, cid: str, *, exclude_pk: int | None = None) -> str | None:
    """Why `cid` cannot be given to a new or edited member (`exclude_pk`): held by a member the
    user sees (named), or by one outside the user's scope (named by nothing); None when free."""
    if probing.throttled(scope.user_id):
        return probing.THROTTLED
    others = Member.objects.live().filter(citizen_id=cid).select_related("current_unit")
    if exclude_pk is not None:
        others = others.exclude(pk=exclude_pk)
    other = others.first()
    if other is None:
        return None
    if scope.sees(other):
        return CITIZEN_ID_TAKEN.format(cid=cid, name=other.full_name, code=other.code)
    refuse(scope, "citizen_id", 1)
    return CITIZEN_ID_ELSEWHERE.format(cid=cid)
