"""Reads of letters, always through the user's scope (`accounts.access`): a letter outside it —
or about the user's own unit — is as missing as one that does not exist. No read here returns
a filer field: the identity is read only by `identity.identity_read`."""

from ktgs.accounts.access import RECORDS_CHANGE, RECORDS_VIEW
from ktgs.letters.models import Letter, LetterLink

__all__ = ["RECORDS_CHANGE", "RECORDS_VIEW", "letter_get", "letter_list", "links_visible"]

# Fields a list or a page may load; the filer's tokens are deferred so they never travel
# with a row that is not the identity read.
FILER_FIELDS = ("filer_name", "filer_address", "filer_phone", "filer_citizen_id")


def visible_letters(scope):
    return scope.visible(Letter.objects.live()).defer(*FILER_FIELDS)


def letter_list(*, scope, year: int | None = None):
    rows = visible_letters(scope).select_related("body", "unit")
    if year:
        rows = rows.filter(year=year)
    return rows.prefetch_related("accused_members", "accused_units").order_by(
        "-received_on", "-number", "-pk"
    )


def letter_get(*, scope, pk: int) -> Letter | None:
    letter = (
        scope.visible(Letter.objects.live())
        .select_related("body", "unit", "handler")
        .prefetch_related("accused_members", "accused_units", "items")
        .filter(pk=pk)
        .first()
    )
    return letter


def links_visible(scope, letter: Letter) -> list[tuple[Letter, LetterLink]]:
    """The letters this one is linked with (either way) that the user sees."""
    seen = {
        row.pk: row
        for row in visible_letters(scope).filter(pk__in=_linked_ids(letter)).select_related("body")
    }
    out = []
    for link in LetterLink.objects.filter(letter=letter):
        if link.earlier_id in seen:
            out.append((seen[link.earlier_id], link))
    for link in LetterLink.objects.filter(earlier=letter):
        if link.letter_id in seen:
            out.append((seen[link.letter_id], link))
    return out


def _linked_ids(letter: Letter) -> set[int]:
    ids = set(LetterLink.objects.filter(letter=letter).values_list("earlier_id", flat=True))
    ids |= set(LetterLink.objects.filter(earlier=letter).values_list("letter_id", flat=True))
    return ids
