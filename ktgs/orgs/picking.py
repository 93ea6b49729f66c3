"""Choosing a unit, a body or a member by name: the suggestions and the reading of what was typed.

One way to pick, used by every form and filter (`orgs.pickers` draws the field). A user types
part of a name, with or without diacritics, in any word order, or a code; suggestions come from
the folded search keys (`OrgUnit.search_key`, `Member.search_key`; trigram-indexed on
PostgreSQL), within the user's scope and clearance only: a record outside them does not exist
here, as on pages (docs/security.md). At most a screenful is returned.

A chosen suggestion is written into the field as "Tên (MÃ)": the code in brackets is what is
read back, so the same text works with and without JavaScript, and a code typed alone still
works. A body has no code of its own: it is written "đơn vị/loại" (`HA.DBK/ubkt`).
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from ktgs.audit import probing
from ktgs.core import keyset
from ktgs.core.models import Dated
from ktgs.core.vietnamese import fold, nfc
from ktgs.orgs import areas, selectors
from ktgs.orgs.choices import BodyKind
from ktgs.orgs.lookups import NO_MEMBER, NO_UNIT, refuse
from ktgs.orgs.models import PATH_STEP, Body, CommitteeSeat, Member, OrgUnit
from ktgs.orgs.shortnames import body_short_names

NO_BODY = (
    "Không có cơ quan mã {code} trong phạm vi của đồng chí; hãy gõ tên cơ quan rồi chọn trong "
    "gợi ý."
)
SCREENFUL = 10  # suggestions shown at once; typing more narrows them
IN_ERROR = 6  # suggestions named in an error message

# --- what a typed text asks for --------------------------------------------------------------

_TRAILING_CODE = re.compile(r"\(([^()\s]+)\)\s*$")


def words(text: str) -> list[str]:
    """The folded words of `text`, each searched anywhere in the key, in any order."""
    return fold(text or "").split()


def trailing_code(text: str) -> str:
    """The code a chosen suggestion carries in brackets at its end ("Tên (HA.DBK.001)"), or
    the whole text when it is one word (a code typed alone); "" otherwise."""
    text = nfc(text or "")
    found = _TRAILING_CODE.search(text)
    if found:
        return found.group(1)
    return text if text and " " not in text else ""


def code_is(code: str, field: str = "code") -> Q:
    """The code as typed or in capitals (codes are written in capitals; "dv000518" is read as
    DV000518), each an indexed equality on both engines."""
    return Q(**{f"{field}__in": list(dict.fromkeys([code, code.upper()]))})


def _code_starts(code: str) -> Q:
    return Q(code__startswith=code) | Q(code__startswith=code.upper())


def _looks_like_code(text: str, code: str) -> bool:
    """A code was typed (in brackets, or a word with a digit or a dot), not a name."""
    return bool(code) and (
        bool(_TRAILING_CODE.search(text)) or any(c.isdigit() or c == "." for c in code)
    )


def _unit_words(ws: list[str], scope, prefix: str = "") -> tuple[Q, Q]:
    """(every word in the unit's name or its superior's, every word in the unit's own name):
    "van phong y te" finds Chi bộ Văn phòng of Đảng bộ Sở Y tế; the units whose own name holds
    every word are shown first. The superior's name counts only where the superior is in the
    user's scope (not for the top units of the user's grants)."""
    anywhere = Q()
    for w in ws:
        anywhere &= Q(**{f"{prefix}search_key__contains": w}) | Q(
            **{f"{prefix}place_key__contains": w}
        )
    own = _by_words(f"{prefix}search_key", ws)
    return own | (anywhere & ~Q(**{f"{prefix}path__in": scope.roots})), own


def _own_first(rows, own: Q):
    return rows.annotate(
        elsewhere=Case(When(own, then=Value(0)), default=Value(1), output_field=IntegerField())
    )


def _by_words(field: str, ws: list[str]) -> Q:
    q = Q()
    for w in ws:
        q &= Q(**{f"{field}__contains": w})
    return q


@dataclass(frozen=True)
class Suggestion:
    token: str  # the code read back: a unit's or member's code, a body's "UNIT/kind"
    label: str  # the name
    detail: str  # where it sits: "Chi bộ Văn phòng — Đảng bộ Sở Y tế", birth year
    kind: str = ""  # for a body: its kind in words

    @property
    def text(self) -> str:
        """What the field shows once chosen."""
        return f"{self.label} ({self.token})"


# --- units -----------------------------------------------------------------------------------


def _units(scope, action: str | None) -> QuerySet[OrgUnit]:
    return OrgUnit.objects.live().filter(closed_on__isnull=True).filter(scope.q("path", action))


def parent_names(paths, scope) -> dict[str, str]:
    """{path: name} of the parents of the units at `paths` that lie in the user's scope (one
    query): a unit above the user's grants is not named."""
    parents = {p[:-PATH_STEP] for p in paths if len(p) > PATH_STEP}
    parents = {p for p in parents if scope.contains(p)}
    if not parents:
        return {}
    return dict(OrgUnit.objects.filter(path__in=parents).values_list("path", "name"))


def _unit_suggestions(rows: list[OrgUnit], scope) -> list[Suggestion]:
    names = parent_names((u.path for u in rows), scope)
    return [
        Suggestion(u.code, u.name, names.get(u.path[:-PATH_STEP], ""), u.kind.name) for u in rows
    ]


def unit_rows(scope, text: str, *, action=None, grassroots=False, cells=False, limit=SCREENFUL):
    ws = words(text)
    code = (text or "").strip()
    if not ws:
        return []
    match, own = _unit_words(ws, scope)
    if code and " " not in code:
        match |= _code_starts(code)
        own |= _code_starts(code)
    rows = _units(scope, action).filter(match)
    if grassroots:
        rows = rows.filter(kind__is_grassroots=True)
    if cells:
        rows = rows.filter(kind__is_cell=True)
    rows = _own_first(rows, own).select_related("kind").order_by("elsewhere", "path")
    return list(rows[:limit])


def unit_suggestions(
    scope, text: str, *, action=None, grassroots=False, cells=False, limit=SCREENFUL
):
    return _unit_suggestions(
        unit_rows(scope, text, action=action, grassroots=grassroots, cells=cells, limit=limit),
        scope,
    )


def unit_label(unit: OrgUnit) -> str:
    return Suggestion(unit.code, unit.name, "").text


# --- members ---------------------------------------------------------------------------------


def _members(scope) -> QuerySet[Member]:
    return scope.visible(Member.objects.live().filter(current_unit__isnull=False))


def member_rows(scope, text: str, *, limit=SCREENFUL) -> list[Member]:
    ws = words(text)
    if not ws:
        return []
    code = (text or "").strip()
    area = selectors.scope_area(scope)  # a whole area: walked in its own index (decision 0012)
    rows = areas.named(selectors.members_seen(scope, Q(area=area))) if area else _members(scope)
    match = _by_words("walked_key" if area else "search_key", ws)
    if " " not in code:
        match |= _code_starts(code)
    rows = rows.filter(match)
    # the ids first: a walk of the name index that reads no table row (keyset._fetch)
    with keyset.serial(rows.db):
        ids = list(rows.order_by("sort_key", "code").values_list("pk", flat=True)[:limit])
    found = Member.objects.select_related("current_unit").in_bulk(ids)
    return [found[pk] for pk in ids]


def member_suggestions(scope, text: str, *, limit=SCREENFUL) -> list[Suggestion]:
    rows = member_rows(scope, text, limit=limit)
    names = parent_names((m.current_unit.path for m in rows), scope)
    out = []
    for m in rows:
        cell = m.current_unit
        parent = names.get(cell.path[:-PATH_STEP])
        where = f"{cell.name} — {parent}" if parent else cell.name
        out.append(Suggestion(m.code, m.full_name, f"sinh năm {m.birth_date.year} · {where}"))
    return out


def member_label(member: Member) -> str:
    return Suggestion(member.code, member.full_name, "").text


# --- bodies ----------------------------------------------------------------------------------

BODY_SLUGS = {
    BodyKind.COMMITTEE: "cu",
    BodyKind.STANDING: "btv",
    BodyKind.INSPECTION: "ubkt",
    BodyKind.CELL_MEETING: "cb",
}
SLUG_KINDS = {slug: kind for kind, slug in BODY_SLUGS.items()}
# words that name a kind of body rather than the unit: removed before the unit's name is
# searched ("ubkt so y te" → the UBKT of units matching "so y te"); "đảng ủy" and "chi ủy" are
# the committee of a "đảng bộ", a "chi bộ"
_KIND_WORDS = (
    (("uy", "ban", "kiem", "tra"), BodyKind.INSPECTION, ()),
    (("ubkt",), BodyKind.INSPECTION, ()),
    (("ban", "thuong", "vu"), BodyKind.STANDING, ()),
    (("thuong", "vu"), BodyKind.STANDING, ()),
    (("btv",), BodyKind.STANDING, ()),
    (("hoi", "nghi", "chi", "bo"), BodyKind.CELL_MEETING, ("chi", "bo")),
    (("cap", "uy"), BodyKind.COMMITTEE, ()),
    (("dang", "uy"), BodyKind.COMMITTEE, ("dang", "bo")),
    (("chi", "uy"), BodyKind.COMMITTEE, ("chi", "bo")),
)


def body_token(body: Body) -> str:
    slug = BODY_SLUGS.get(body.kind) or f"tm{body.pk}"
    return f"{body.unit.code}/{slug}"


def body_name(body: Body) -> str:
    """The body's name as a clerk tells it apart: a cell's meeting and its committee (chi ủy)
    are two bodies of one cell, never two look-alike "Chi bộ X"."""
    unit = body.unit
    if body.kind == BodyKind.CELL_MEETING:
        return f"{unit.name} (hội nghị chi bộ)"
    if body.kind == BodyKind.COMMITTEE and unit.kind.is_cell:
        return f"Chi ủy {unit.name}"
    return body.name


def _split_kind(ws: list[str]) -> tuple[set[str], list[str]]:
    kinds: set[str] = set()
    rest = list(ws)
    changed = True
    while changed:
        changed = False
        for phrase, kind, keep in _KIND_WORDS:
            n = len(phrase)
            for i in range(len(rest) - n + 1):
                if tuple(rest[i : i + n]) == phrase:
                    kinds.add(kind)
                    rest[i : i + n] = list(keep)
                    changed = True
                    break
    if len(kinds) > 1:  # "UBKT Đảng ủy Khối": the committee named is the UBKT's owner
        kinds.discard(BodyKind.COMMITTEE)
    return kinds, rest


def _bodies(scope, action, kinds) -> QuerySet[Body]:
    return (
        Body.objects.filter(
            unit__voided_at__isnull=True, unit__closed_on__isnull=True, kind__in=kinds
        )
        .filter(scope.q("unit__path", action))
        .select_related("unit", "unit__kind")
    )


def body_rows(scope, text: str, *, action=None, kinds=tuple(BODY_SLUGS), limit=SCREENFUL):
    asked, ws = _split_kind(words(text))
    if not asked and not ws:
        return []
    rows = _bodies(scope, action, [k for k in kinds if not asked or k in asked])
    if not ws:
        return list(rows.order_by("unit__path", "kind")[:limit])
    match, own = _unit_words(ws, scope, "unit__")
    rows = _own_first(rows.filter(match), own).order_by("elsewhere", "unit__path", "kind")
    return list(rows[:limit])


def _body_suggestions(rows: list[Body], scope, short=False) -> list[Suggestion]:
    names = parent_names((b.unit.path for b in rows), scope)
    # the user's own bodies by the short names the reports use today (one query)
    shorts = body_short_names([b.pk for b in rows], timezone.localdate()) if short else {}
    return [
        Suggestion(
            body_token(b),
            str(shorts[b.pk]) if short else body_name(b),
            names.get(b.unit.path[:-PATH_STEP], ""),
            b.get_kind_display(),
        )
        for b in rows
    ]


def body_suggestions(scope, text: str, *, action=None, kinds=tuple(BODY_SLUGS), limit=SCREENFUL):
    return _body_suggestions(body_rows(scope, text, action=action, kinds=kinds, limit=limit), scope)


def own_bodies(scope, *, action=None, kinds=tuple(BODY_SLUGS)) -> list[Body]:
    """The bodies the user acts for, each once: those of the units of the user's grants
    (their committee, standing committee, UBKT; a cell's meeting), UBKT first for an office
    whose work is inspection, then by level."""
    roots = scope.roots_for(action) if action else scope.roots
    order = {BodyKind.INSPECTION: 0, BodyKind.STANDING: 1, BodyKind.COMMITTEE: 2}
    rows = _bodies(scope, action, kinds).filter(unit__path__in=roots)
    return sorted(rows, key=lambda b: (len(b.unit.path), b.unit.path, order.get(b.kind, 3)))


def own_body_suggestions(scope, *, action=None, kinds=tuple(BODY_SLUGS)) -> list[Suggestion]:
    """`own_bodies` as suggestions, by their short names."""
    return _body_suggestions(own_bodies(scope, action=action, kinds=kinds), scope, short=True)


def body_by_token(scope, token: str, *, action=None, kinds=tuple(BODY_SLUGS)) -> Body | None:
    code, _, slug = token.rpartition("/")
    slug = slug.lower()
    rows = _bodies(scope, action, kinds).filter(code_is(code, "unit__code"))
    if slug in SLUG_KINDS:
        return rows.filter(kind=SLUG_KINDS[slug]).first()
    if slug.startswith("tm") and slug[2:].isdigit():
        return rows.filter(kind=BodyKind.ADVISORY, pk=int(slug[2:])).first()
    return None


def body_label(body: Body) -> str:
    return f"{body_name(body)} ({body_token(body)})"


# --- reading what was typed ------------------------------------------------------------------


def _ambiguous(text: str, count: int, suggestions: list[Suggestion], what: str) -> ValidationError:
    more = "" if count <= IN_ERROR else f" (và {count - IN_ERROR} kết quả khác; gõ thêm để thu hẹp)"
    listed = "; ".join(s.text if not s.detail else f"{s.text} — {s.detail}" for s in suggestions)
    return ValidationError(
        f"«{text}» khớp nhiều {what}: {listed}{more}. Hãy chọn một trong gợi ý, hoặc gõ mã "
        "trong ngoặc.",
        code="ambiguous",
    )


def _nearby(text: str, suggestions: list[Suggestion], what: str) -> ValidationError:
    listed = "; ".join(s.text if not s.detail else f"{s.text} — {s.detail}" for s in suggestions)
    return ValidationError(
        f"Không có {what} nào tên «{text}» trong phạm vi của đồng chí; các từ đã gõ có trong tên "
        f"của: {listed}. Nếu đúng, hãy chọn trong gợi ý hoặc gõ mã trong ngoặc.",
        code="not_found",
    )


def _none(text: str, what: str) -> ValidationError:
    return ValidationError(
        f"Không có {what} nào tên «{text}» trong phạm vi của đồng chí. Hãy gõ một phần tên "
        "(không dấu cũng được) rồi chọn trong gợi ý, hoặc gõ mã.",
        code="not_found",
    )


def _one(rows: list, text: str, key) -> object | None:
    """The only row, or the only one whose whole name is the text typed."""
    if len(rows) == 1:
        return rows[0]
    exact = [r for r in rows if key(r) == fold(text)]
    return exact[0] if len(exact) == 1 else None


def pick_unit(scope, text: str, *, action=None, grassroots=False) -> OrgUnit | None:
    """The unit a typed text names: a code (alone or in brackets), else the one unit whose
    name matches; ValidationError listing suggestions when several match, or none."""
    text = nfc(text or "")
    if not text:
        return None
    probing.check(scope.user_id)
    code = trailing_code(text)
    rows = _units(scope, action)
    if grassroots:
        rows = rows.filter(kind__is_grassroots=True)
    if code:
        unit = rows.filter(code_is(code)).select_related("kind").first()
        if unit is not None:
            return unit
    found = unit_rows(scope, text, action=action, grassroots=grassroots, limit=50)
    if not found:
        if _looks_like_code(text, code):
            refuse(scope, "unit_code", 1)
            raise ValidationError(NO_UNIT.format(codes=code), code="not_found")
        raise _none(text, "tổ chức đảng")
    named = [u for u in found if getattr(u, "elsewhere", 0) == 0]  # own name holds every word
    if not named:  # only with its superior's name: never taken unseen, the user chooses
        raise _nearby(text, _unit_suggestions(found[:IN_ERROR], scope), "tổ chức đảng")
    one = _one(named, text, lambda u: fold(u.name))
    if one is not None:
        return one
    raise _ambiguous(text, len(named), _unit_suggestions(named[:IN_ERROR], scope), "tổ chức đảng")


def pick_member(scope, text: str) -> Member | None:
    """The member a typed text names: a code (alone or in brackets), else the one member whose
    name matches; ValidationError listing suggestions (birth year, cell) otherwise."""
    text = nfc(text or "")
    if not text:
        return None
    probing.check(scope.user_id)
    code = trailing_code(text)
    if code:
        member = _members(scope).filter(code_is(code)).select_related("current_unit").first()
        if member is not None:
            return member
    exact = list(_members(scope).filter(search_key=fold(text)).select_related("current_unit")[:2])
    if len(exact) == 1:  # the whole name typed, borne by one member (however many contain it)
        return exact[0]
    found = member_rows(scope, text, limit=50)
    if not found:
        if _looks_like_code(text, code):
            refuse(scope, "member_code", 1)
            raise ValidationError(NO_MEMBER.format(codes=code), code="not_found")
        raise _none(text, "đảng viên")
    one = _one(found, text, lambda m: m.search_key)
    if one is not None:
        return one
    raise _ambiguous(text, len(found), member_suggestions(scope, text, limit=IN_ERROR), "đảng viên")


def pick_body(scope, text: str, *, action=None, kinds=tuple(BODY_SLUGS)) -> Body | None:
    """The body a typed text names: its token "UNIT/kind" (alone or in brackets), else the one
    body whose kind words and unit name match ("ubkt dang bo khoi")."""
    text = nfc(text or "")
    if not text:
        return None
    probing.check(scope.user_id)
    code = trailing_code(text)
    if code and "/" in code:
        body = body_by_token(scope, code, action=action, kinds=kinds)
        if body is not None:
            return body
        refuse(scope, "body_code", 1)  # a body outside the scope is one that does not exist
        raise ValidationError(NO_BODY.format(code=code), code="not_found")
    found = body_rows(scope, text, action=action, kinds=kinds, limit=50)
    if not found:
        raise _none(text, "cơ quan")
    named = [b for b in found if getattr(b, "elsewhere", 0) == 0]  # the unit's own name
    if not named:  # only with its superior's name: never taken unseen, the user chooses
        raise _nearby(text, _body_suggestions(found[:IN_ERROR], scope), "cơ quan")
    found = named
    asked, rest = _split_kind(words(text))
    one = _one(found, text, lambda b: fold(body_name(b)))
    if one is None and rest:  # "ubkt dang bo so y te": the unit's whole name typed
        exact = [b for b in found if fold(b.unit.name) == " ".join(rest)]
        one = exact[0] if len(exact) == 1 else None
    if one is None and len({b.unit_id for b in found}) == 1:
        # one unit named, no kind word typed: "Đảng bộ X" means its committee, "Chi bộ X" the
        # cell itself, i.e. its meeting (a cell decides in its meeting; "chi ủy" is typed)
        meant = BodyKind.CELL_MEETING if found[0].unit.kind.is_cell else BodyKind.COMMITTEE
        bodies = [b for b in found if b.kind == meant]
        one = bodies[0] if len(bodies) == 1 and not asked else None
    if one is not None:
        return one
    raise _ambiguous(text, len(found), _body_suggestions(found[:IN_ERROR], scope), "cơ quan")


# --- sets of subjects --------------------------------------------------------------------------


def grassroots_of(scope, unit: OrgUnit, *, action=None) -> list[OrgUnit]:
    """The live grassroots organisations in `unit`'s subtree (itself included when it is one),
    among those the user may reach, in tree order."""
    return list(
        _units(scope, action)
        .filter(path__startswith=unit.path, kind__is_grassroots=True)
        .select_related("kind")
        .order_by("path")
    )


def committee_members_of(scope, unit: OrgUnit, day) -> list[Member]:
    """The members seated on `unit`'s committee on `day`, among those the user sees."""
    seated = CommitteeSeat.objects.filter(
        Dated.q_on(day), body__unit=unit, body__kind=BodyKind.COMMITTEE
    ).values("member_id")
    return list(
        scope.visible(Member.objects.live())
        .filter(pk__in=seated)
        .select_related("current_unit")
        .order_by("sort_key", "code")
    )
