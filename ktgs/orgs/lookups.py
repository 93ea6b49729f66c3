"""Codes and citizen IDs typed by a user, resolved within what that user sees.

A record outside the user's scope or clearance does not exist for that user, in messages as on
pages: a code that exists elsewhere gets the answer of a code that exists nowhere, and no answer
names a member, a unit or a membership outside the scope (docs/security.md). Every refused code
or ID counts towards the probing limit (`audit.probing`): past it, look-ups pause for a while.
"""

from django.core.exceptions import ValidationError

from ktgs.audit import probing
from ktgs.core.vietnamese import nfc
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


def typed_codes(text: str | None) -> list[str]:
    """Codes typed one per line, or separated by commas, semicolons, tabs or spaces; NFC, upper
    case (codes are stored so)."""
    text = nfc(text or "").upper()
    for sep in ",;\t":
        text = text.replace(sep, "\n")
    return [c for line in text.splitlines() for c in line.split()]


def _home_unit_id(scope) -> int | None:
    """The unit of the user's first grant: where the leaders who should see a probe are."""
    if not scope.roots:
        return None
    return OrgUnit.objects.filter(path=scope.roots[0]).values_list("pk", flat=True).first()


def refuse(scope, kind: str, count: int) -> None:
    """Count `count` refused codes or IDs of `kind` towards the user's probing limit."""
    probing.note_refused(scope.user_id, kind, count, unit_id=_home_unit_id(scope))


def members_by_codes(scope, codes: list[str]) -> list[Member]:
    """The live members with these codes, in the order typed (duplicates once), among those the
    user sees; ValidationError naming the codes not found, or when look-ups are paused."""
    codes = list(dict.fromkeys(codes))
    if not codes:
        return []
    probing.check(scope.user_id)
    seen = scope.visible(Member.objects.live()).select_related("current_unit")
    found = {m.code: m for m in seen.filter(code__in=codes)}
    missing = [c for c in codes if c not in found]
    if missing:
        refuse(scope, "member_code", len(missing))
        raise ValidationError(NO_MEMBER.format(codes=", ".join(missing)), code="not_found")
    return [found[c] for c in codes]


def member_by_code(scope, code: str) -> Member:
    return members_by_codes(scope, [code])[0]


def units_by_codes(scope, codes: list[str]) -> list[OrgUnit]:
    """The live units with these codes in the user's scope, in the order typed; ValidationError
    naming the codes not found, or when look-ups are paused."""
    codes = list(dict.fromkeys(codes))
    if not codes:
        return []
    probing.check(scope.user_id)
    rows = OrgUnit.objects.live().filter(scope.q("path"), code__in=codes).select_related("kind")
    found = {u.code: u for u in rows}
    missing = [c for c in codes if c not in found]
    if missing:
        refuse(scope, "unit_code", len(missing))
        raise ValidationError(NO_UNIT.format(codes=", ".join(missing)), code="not_found")
    return [found[c] for c in codes]


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
