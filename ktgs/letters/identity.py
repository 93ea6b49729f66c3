"""Who sees a letter's filer identity, and reading it (each reading recorded, never its content).

Only the letter's assigned handler and the leaders of the receiving body's UBKT — the chairman
and vice-chairmen, i.e. the users holding the role "Lãnh đạo UBKT" (accounts.Role.UBKT_LEADER)
in the receiving body's own unit today. A role held in a unit above (a wider scope) does not
count: the leaders of superior bodies see the letter, never who sent it. Whoever does not see
the letter at all (outside the scope, above their clearance, among the accused) never sees it.

(Accounts do not link a user to their member record, so the seats — orgs.CommitteeSeat with
Chủ nhiệm / Phó Chủ nhiệm UBKT — cannot be read for a user; the role held at the unit is the
test, as for every other permission, access.py.)
"""

from dataclasses import dataclass

from django.db import transaction

from ktgs.accounts.models import Role
from ktgs.audit.services import record
from ktgs.letters import crypto
from ktgs.letters.models import Letter


@dataclass(frozen=True)
class Identity:
    name: str
    address: str
    phone: str
    citizen_id: str


def may_see_identity(scope, letter: Letter) -> bool:
    if scope.user_id is None or not scope.sees(letter):
        return False
    if letter.identity_erased_on is not None:  # nothing left to show (handling.identity_erase)
        return False
    if letter.handler_id is not None and letter.handler_id == scope.user_id:
        return True
    return any(g.role == Role.UBKT_LEADER and g.path == letter.unit.path for g in scope.grants)


@transaction.atomic
def identity_read(scope, letter: Letter) -> Identity | None:
    """The filer's identity for an authorised user, recorded as read (who, which letter — not
    what); None for anyone else. The caller shows it on that response only."""
    if not may_see_identity(scope, letter):
        return None
    identity = Identity(
        name=crypto.decrypt(letter.filer_name),
        address=crypto.decrypt(letter.filer_address),
        phone=crypto.decrypt(letter.filer_phone),
        citizen_id=crypto.decrypt(letter.filer_citizen_id),
    )
    record("letters.letter.identity_viewed", target=letter, unit_id=letter.unit_id)
    return identity
