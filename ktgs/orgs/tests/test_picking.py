"""The name picker's core (`ktgs.orgs.picking`) and its suggestions endpoint (`orgs:pick`).

The suite runs on SQLite and on PostgreSQL (CI runs both). The expected suggestions are not
written down from one engine's answer: they are computed here, in Python, from the rows
themselves (every member's and unit's name folded again by `plain()` below and filtered by the
rules of docs/decisions/0008-name-picker.md), so one test proves that both engines agree with the
definition — scope, clearance, folded words in any order, code prefixes, order, a screenful.
"""

import html
import re
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse

from ktgs.accounts.access import visible_to
from ktgs.audit import probing
from ktgs.audit.models import AuditEvent, LookupRefusal
from ktgs.core.models import SECRECY_ORDER, Secrecy
from ktgs.orgs import picking, services
from ktgs.orgs.choices import BodyKind
from ktgs.orgs.models import PATH_STEP, Body, Member, OrgUnit
from ktgs.orgs.pickers import PROFILES

pytestmark = pytest.mark.django_db

OFFICER = "grassroots_officer"  # canbo.coso, HA.DBK.001, clearance thường
INSPECTOR = "inspector"  # kiemtravien, HA.DBK, clearance mật
LEADER = "ubkt_leader"  # lanhdao.ubkt, HA.DBK, clearance tối mật
ADMIN = "sysadmin"  # quantri, HA, clearance thường
SCREENFUL = picking.SCREENFUL
KIND_OF_SLUG = {"cu": BodyKind.COMMITTEE, "btv": BodyKind.STANDING, "ubkt": BodyKind.INSPECTION}


# --- the definition, computed again in Python ------------------------------------------------


def plain(text: str) -> str:
    """Folded as the pickers search: no diacritics, đ → d, lower case, single spaces."""
    bare = "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")
    return " ".join(bare.replace("đ", "d").replace("Đ", "d").lower().split())


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


def levels(clearance: str) -> tuple[str, ...]:
    return SECRECY_ORDER[: SECRECY_ORDER.index(clearance) + 1]


def matches(text: str, key: str, code: str) -> bool:
    """Every folded word of `text` somewhere in `key` (any order), or `text` (one word) the
    start of the code."""
    typed = text.strip().upper()
    words = plain(text).split()
    if not words:
        return False
    return all(w in key for w in words) or (" " not in typed and code.startswith(typed))


def unit_match(text: str, own: str, place: str, code: str) -> tuple[bool, bool]:
    """(found, found by its own name): every folded word of `text` in the unit's own name or
    in its superior's (`place`), any order; or `text` (one word) the start of the code. Units
    found by their own name (or code) come first."""
    typed = text.strip().upper()
    words = plain(text).split()
    if not words:
        return False, False
    by_code = " " not in typed and code.startswith(typed)
    own_hit = all(w in own for w in words) or by_code
    return own_hit or all(w in own or w in place for w in words), own_hit


def folded_units() -> dict[str, str]:
    """{path: folded name and short name} of every unit, read raw."""
    rows = OrgUnit.objects.values_list("path", "name", "short_name")
    return {path: plain(f"{name} {short}") for path, name, short in rows}


def member_rows_in(root: str, clearance: str) -> list[tuple]:
    """(sort key, code, folded name, cell path) of every live current member under `root`
    whose secrecy the clearance covers, read raw."""
    rows = Member.objects.values_list(
        "sort_key", "code", "full_name", "secrecy", "voided_at", "current_unit__path"
    )
    return [
        (sort_key, code, plain(name), path)
        for sort_key, code, name, secrecy, voided, path in rows
        if voided is None and path and path.startswith(root) and secrecy in levels(clearance)
    ]


def expected_members(root: str, clearance: str, text: str, limit: int | None = SCREENFUL):
    hits = sorted(
        (sort_key, code)
        for sort_key, code, key, _path in member_rows_in(root, clearance)
        if matches(text, key, code)
    )
    return [code for _sort_key, code in hits][:limit]


def expected_units(root: str, text: str, *, grassroots=False, limit: int | None = SCREENFUL):
    rows = OrgUnit.objects.values_list(
        "path", "code", "voided_at", "closed_on", "kind__is_grassroots"
    )
    keys = folded_units()
    hits = []
    for path, code, voided, closed, is_grassroots in rows:
        wanted = is_grassroots or not grassroots
        if voided is None and closed is None and path.startswith(root) and wanted:
            place = keys.get(path[:-7], "") if path != root else ""  # above the scope: unsaid
            found, own = unit_match(text, keys[path], place, code)
            if found:
                hits.append((not own, path, code))
    return [code for _own, _path, code in sorted(hits)][:limit]


def expected_bodies(root: str, kind: str, unit_words: str, limit=SCREENFUL) -> list[str]:
    """Tokens of the bodies of `kind` of live units under `root` whose name has the words."""
    slug = picking.BODY_SLUGS[kind]
    rows = Body.objects.filter(kind=kind).values_list(
        "unit__path", "unit__code", "unit__name", "unit__short_name", "unit__voided_at",
        "unit__closed_on",
    )  # fmt: skip
    keys = folded_units()
    hits = []
    for path, code, _name, _short, voided, closed in rows:
        if voided is None and closed is None and path.startswith(root):
            own = keys[path]
            place = keys.get(path[:-7], "") if path != root else ""  # above the scope: unsaid
            words = plain(unit_words).split()
            if all(w in own or w in place for w in words):
                hits.append((not all(w in own for w in words), path, code))
    return [f"{code}/{slug}" for _own, _path, code in sorted(hits)][:limit]


# --- users -----------------------------------------------------------------------------------


@pytest.fixture
def scopes(cast):
    return {role: visible_to(cast[role]) for role in (OFFICER, INSPECTOR, LEADER, ADMIN)}


def root_of(role: str) -> str:
    return unit("HA.DBK.001" if role == OFFICER else "HA.DBK").path


def clearance_of(cast, role: str) -> str:
    return cast[role].clearance


def tokens(suggestions) -> list[str]:
    return [s.token for s in suggestions]


def offered(response) -> list[str]:
    """The data-value of each option the endpoint answered."""
    assert response.status_code == 200
    return [
        html.unescape(v) for v in re.findall(r'data-value="([^"]*)"', response.content.decode())
    ]


def pick_url(profile: str, text: str | None = None) -> str:
    url = reverse("orgs:pick", args=[profile])
    return url if text is None else f"{url}?q={text}"


def error_of(call, *args, **kwargs) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        call(*args, **kwargs)
    return caught.value


# --- the demo is what the tests assume -----------------------------------------------------------


def test_the_users_are_where_the_tests_assume(cast, scopes):
    assert cast[OFFICER].username == "canbo.coso"
    assert scopes[OFFICER].roots == (root_of(OFFICER),)
    assert scopes[INSPECTOR].roots == scopes[LEADER].roots == (root_of(INSPECTOR),)
    assert [clearance_of(cast, r) for r in (OFFICER, INSPECTOR, LEADER)] == [
        Secrecy.NORMAL,
        Secrecy.CONFIDENTIAL,
        Secrecy.SECRET,
    ]


# --- suggestions are the definition, on either engine --------------------------------------------


MEMBER_TEXTS = ["nguyen thi", "van", "thi mai", "mai thi", "Trần Văn", "dv0001", "DV00051", "hoa"]
UNIT_TEXTS = ["chi bo van phong", "van phong", "phong van", "so y te", "HA.DBK.00", "ha.dbk.001.0"]


@pytest.mark.parametrize("role", [OFFICER, INSPECTOR, LEADER])
def test_member_suggestions_are_the_visible_members_whose_folded_name_matches(role, cast, scopes):
    found_some = False
    for text in MEMBER_TEXTS:
        want = expected_members(root_of(role), clearance_of(cast, role), text, SCREENFUL + 1)
        got = tokens(picking.member_suggestions(scopes[role], text, limit=SCREENFUL + 1))
        assert got == want, (connection.vendor, role, text)
        found_some = found_some or len(want) > 1
    assert found_some


@pytest.mark.parametrize("role", [OFFICER, INSPECTOR])
def test_unit_suggestions_are_the_live_units_in_scope_whose_folded_name_matches(role, scopes):
    found_some = False
    for text in UNIT_TEXTS:
        want = expected_units(root_of(role), text, limit=SCREENFUL + 1)
        got = tokens(picking.unit_suggestions(scopes[role], text, limit=SCREENFUL + 1))
        assert got == want, (connection.vendor, role, text)
        grassroots = expected_units(root_of(role), text, grassroots=True)
        got = picking.unit_suggestions(scopes[role], text, grassroots=True)
        assert tokens(got) == grassroots, (connection.vendor, role, text)
        found_some = found_some or len(want) > 1
    assert found_some


def test_a_member_suggestion_shows_the_birth_year_the_cell_and_its_parent(scopes):
    member = Member.objects.live().get(code=expected_members(root_of(OFFICER), "normal", "a")[0])
    [suggestion] = picking.member_suggestions(scopes[OFFICER], member.code)
    cell = member.current_unit
    parent = OrgUnit.objects.get(path=cell.path[:-PATH_STEP])
    assert suggestion.text == f"{member.full_name} ({member.code})"
    assert suggestion.detail == f"sinh năm {member.birth_date.year} · {cell.name} — {parent.name}"


def test_closed_or_voided_units_and_voided_members_are_not_suggested(scopes):
    from datetime import date

    from django.utils import timezone

    scope = scopes[OFFICER]
    closed, voided = unit("HA.DBK.001.06"), unit("HA.DBK.001.07")
    member = Member.objects.live().filter(current_unit=unit("HA.DBK.001.01")).first()
    assert {"HA.DBK.001.06", "HA.DBK.001.07"} <= set(
        tokens(picking.unit_suggestions(scope, "nghiep vu"))
    )
    assert member.code in tokens(picking.member_suggestions(scope, member.code))
    OrgUnit.objects.filter(pk=closed.pk).update(closed_on=date(2023, 1, 1))
    OrgUnit.objects.filter(pk=voided.pk).update(voided_at=timezone.now())
    Member.objects.filter(pk=member.pk).update(voided_at=timezone.now())
    got = tokens(picking.unit_suggestions(scope, "nghiep vu"))
    assert got == expected_units(root_of(OFFICER), "nghiep vu")
    assert not {"HA.DBK.001.06", "HA.DBK.001.07"} & set(got)
    assert picking.member_suggestions(scope, member.code) == []
    assert error_of(picking.pick_unit, scope, "HA.DBK.001.06").code == "not_found"


# --- scope and clearance ---------------------------------------------------------------------


def names_under(code: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for name in (
        Member.objects.live()
        .filter(current_unit__path__startswith=unit(code).path)
        .values_list("full_name", flat=True)
    ):
        out[name] = out.get(name, 0) + 1
    return out


def test_a_sibling_grassroots_units_members_and_units_are_never_suggested(client_as, scopes):
    scope = scopes[OFFICER]
    own, sibling = names_under("HA.DBK.001"), names_under("HA.DBK.002")
    sibling_path = unit("HA.DBK.002").path
    everywhere = Member.objects.live().filter(current_unit__isnull=False)

    # A name borne in both: only the officer's own member(s) are offered.
    shared = sorted(n for n in own if n in sibling)
    assert shared, "the demo has a name in both HA.DBK.001 and HA.DBK.002"
    for name in shared:
        got = picking.member_suggestions(scope, name, limit=50)
        codes = tokens(got)
        assert codes == expected_members(root_of(OFFICER), "normal", name, 50)
        assert set(codes) >= set(
            everywhere.filter(
                full_name=name, current_unit__path__startswith=root_of(OFFICER)
            ).values_list("code", flat=True)
        )
        assert everywhere.filter(full_name=name, current_unit__path__startswith=sibling_path)
        assert not everywhere.filter(code__in=codes, current_unit__path__startswith=sibling_path)

    # A name borne only there (once): nothing, as if it did not exist.
    there = next(
        n for n in sorted(sibling) if sibling[n] == 1 and not expected_members(
            root_of(OFFICER), "normal", n)
    )  # fmt: skip
    assert everywhere.filter(full_name=there, current_unit__path__startswith=sibling_path)
    assert picking.member_suggestions(scope, there) == []
    assert picking.member_suggestions(scope, plain(there)) == []
    assert error_of(picking.pick_member, scope, there).code == "not_found"
    response = client_as(OFFICER).get(pick_url("dang-vien", plain(there)))
    assert offered(response) == []
    assert "Không có kết quả khớp" in response.content.decode()

    # The sibling's own name and its cells: nothing of it.
    sibling_name = unit("HA.DBK.002").name
    # its words may occur in own units' names («Tài chính»), never a unit of the sibling
    assert not [
        t
        for t in tokens(picking.unit_suggestions(scope, sibling_name))
        if t.startswith("HA.DBK.002")
    ]
    assert error_of(picking.pick_unit, scope, sibling_name).code == "not_found"
    assert tokens(picking.unit_suggestions(scope, "chi bo van phong")) == ["HA.DBK.001.01"]
    assert offered(client_as(OFFICER).get(pick_url("don-vi", "van phong"))) == [
        "Chi bộ Văn phòng (HA.DBK.001.01)"
    ]
    assert picking.body_suggestions(scope, f"ubkt {plain(sibling_name)}") == []
    assert picking.unit_suggestions(scope, "HA.DBK.002") == []
    # whereas the inspector above both sees both
    both = tokens(picking.unit_suggestions(scopes[INSPECTOR], "chi bo van phong"))
    assert {"HA.DBK.001.01", "HA.DBK.002.01"} <= set(both)


@pytest.mark.parametrize(
    ("secrecy", "sees", "blind"),
    [
        (Secrecy.SECRET, [LEADER], [OFFICER, INSPECTOR]),
        (Secrecy.CONFIDENTIAL, [LEADER, INSPECTOR], [OFFICER]),
    ],
)
def test_a_marked_member_is_suggested_only_to_users_cleared_for_it(
    secrecy, sees, blind, cast, client_as, scopes
):
    cell = unit("HA.DBK.001.01")
    member = Member.objects.live().filter(current_unit=cell).order_by("code").first()
    same_name = len(expected_members(root_of(LEADER), Secrecy.SECRET, member.full_name, None))
    services.member_update(member=member, secrecy=secrecy)

    for role in sees + blind:
        texts = [member.full_name, plain(member.full_name), member.code, member.code[:-1]]
        for text in texts:
            want = expected_members(root_of(role), clearance_of(cast, role), text, 50)
            got = tokens(picking.member_suggestions(scopes[role], text, limit=50))
            assert got == want, (connection.vendor, role, text)
            assert (member.code in got) is (role in sees), (role, text)
        page = offered(client_as(role).get(pick_url("dang-vien", plain(member.full_name))))
        want = expected_members(root_of(role), clearance_of(cast, role), member.full_name)
        assert [v.rsplit("(", 1)[1].rstrip(")") for v in page] == want
        if role in sees and same_name < SCREENFUL:
            assert f"{member.full_name} ({member.code})" in page
    for role in sees:
        assert picking.pick_member(scopes[role], member.code) == member
    for role in blind:
        refused = error_of(picking.pick_member, scopes[role], member.code)
        missing = error_of(picking.pick_member, scopes[role], "DV999999")
        assert refused.messages[0].replace(member.code, "X") == missing.messages[0].replace(
            "DV999999", "X"
        )


# --- folding, codes, a screenful -------------------------------------------------------------


def test_folded_search_gives_the_same_suggestions_however_the_name_is_typed(scopes, client_as):
    scope = scopes[INSPECTOR]
    member = (
        Member.objects.live()
        .filter(current_unit__path__startswith=root_of(INSPECTOR), full_name__contains="Đ")
        .exclude(full_name__startswith="Đ")
        .order_by("code")
        .first()
    )
    name = member.full_name
    words = name.split()
    variants = [
        name,
        name.upper(),
        name.lower(),
        plain(name),
        plain(name).upper(),
        " ".join(reversed(words)),
        " ".join(reversed(plain(name).split())),
        unicodedata.normalize("NFD", name),
        f"  {name.replace(' ', '   ')}  ",
        name.replace("Đ", "D").replace("đ", "d"),
    ]
    first = tokens(picking.member_suggestions(scope, name, limit=50))
    assert member.code in first
    assert first == expected_members(root_of(INSPECTOR), "confidential", name, 50)
    for text in variants:
        assert tokens(picking.member_suggestions(scope, text, limit=50)) == first, text
    client = client_as(INSPECTOR)
    pages = {tuple(offered(client.get(pick_url("dang-vien", t)))) for t in (name, plain(name))}
    assert len(pages) == 1
    # "đ" is folded to "d", both ways: typed "duc" finds "Đức", typed "Đức" finds the same
    assert tokens(picking.member_suggestions(scope, "đức", limit=50)) == tokens(
        picking.member_suggestions(scope, "duc", limit=50)
    )
    assert tokens(picking.member_suggestions(scope, "duc", limit=50)) == expected_members(
        root_of(INSPECTOR), "confidential", "duc", 50
    )


@pytest.mark.parametrize("literal", ["%", "_", "ngu%n", "th_"])
def test_like_wildcards_typed_are_plain_characters(literal, scopes):
    scope = scopes[INSPECTOR]
    assert tokens(picking.member_suggestions(scope, literal)) == expected_members(
        root_of(INSPECTOR), "confidential", literal
    )
    assert tokens(picking.unit_suggestions(scope, literal)) == expected_units(
        root_of(INSPECTOR), literal
    )


def test_at_most_a_screenful_then_a_line_saying_there_is_more(client_as, cast):
    client = client_as(INSPECTOR)
    keys = [key for *_rest, key, _path in member_rows_in(root_of(INSPECTOR), "confidential")]
    words = sorted({w for key in keys for w in key.split()})
    having = {w: {i for i, key in enumerate(keys) if w in key} for w in words}
    count = {w: len(rows) for w, rows in having.items()}
    for first in words:  # two words, in the order typed or not
        for second in words:
            if first < second and min(count[first], count[second]) >= SCREENFUL - 1:
                count[f"{first} {second}"] = len(having[first] & having[second])
    for n, more in ((SCREENFUL, False), (SCREENFUL + 1, True), (SCREENFUL - 1, False)):
        text = min((t for t, c in count.items() if c == n), default=None)
        assert text is not None, f"the demo has a name fragment matching {n} members"
        response = client.get(pick_url("dang-vien", text))
        codes = [re.search(r"\(([^()]+)\)$", v).group(1) for v in offered(response)]
        assert codes == expected_members(root_of(INSPECTOR), "confidential", text)
        assert len(codes) == min(n, SCREENFUL)
        assert ("Còn nữa" in response.content.decode()) is more, text

    many = client.get(pick_url("dang-vien", "nguyen"))
    assert len(offered(many)) == SCREENFUL
    assert "Còn nữa: gõ thêm để thu hẹp." in many.content.decode()
    assert "Còn nữa" in client.get(pick_url("don-vi", "chi bo")).content.decode()


def test_the_field_name_form_of_the_request_is_read_like_q(client_as):
    client = client_as(INSPECTOR)
    url = reverse("orgs:pick", args=["dang-vien"])
    by_field = client.get(url, {"o": "thanh_vien", "thanh_vien": "thi mai"})
    assert offered(by_field) == offered(client.get(url, {"q": "thi mai"}))
    assert 'id="thanh_vien_goi_y_0"' in by_field.content.decode()


def test_codes_and_code_prefixes_are_read(scopes):
    scope = scopes[OFFICER]
    member = Member.objects.live().get(code=expected_members(root_of(OFFICER), "normal", "a")[0])
    for text in (
        member.code,
        member.code.lower(),
        f" {member.code} ",
        picking.member_label(member),
    ):
        assert picking.pick_member(scope, text) == member, text
    assert picking.pick_member(scope, f"Tên đã sửa ({member.code})") == member

    cell = unit("HA.DBK.001.01")
    for text in ("HA.DBK.001.01", "ha.dbk.001.01", picking.unit_label(cell), "x (HA.DBK.001.01)"):
        assert picking.pick_unit(scope, text) == cell, text
    assert picking.unit_label(cell) == "Chi bộ Văn phòng (HA.DBK.001.01)"

    prefix = tokens(picking.unit_suggestions(scope, "HA.DBK.001.0"))
    assert prefix == expected_units(root_of(OFFICER), "HA.DBK.001.0")
    assert prefix and all(c.startswith("HA.DBK.001.0") for c in prefix)
    code_prefix = member.code[:-1]
    assert tokens(picking.member_suggestions(scope, code_prefix, limit=50)) == expected_members(
        root_of(OFFICER), "normal", code_prefix, 50
    )

    ubkt = Body.objects.get(unit__code="HA.DBK.001", kind=BodyKind.INSPECTION)
    for text in (
        picking.body_label(ubkt),
        "HA.DBK.001/ubkt",
        "ha.dbk.001/UBKT",
        "x (HA.DBK.001/ubkt)",
    ):
        assert picking.pick_body(scope, text) == ubkt, text
    assert picking.body_label(ubkt) == f"{ubkt.name} (HA.DBK.001/ubkt)"
    assert picking.pick_member(scope, "") is None
    assert picking.pick_unit(scope, "  ") is None
    assert picking.pick_body(scope, "") is None


# --- bodies ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "kind", "unit_words"),
    [
        ("ubkt", BodyKind.INSPECTION, ""),
        ("btv", BodyKind.STANDING, ""),
        ("uy ban kiem tra so y te", BodyKind.INSPECTION, "so y te"),
        ("btv so y te", BodyKind.STANDING, "so y te"),
        ("ban thuong vu dang bo khoi", BodyKind.STANDING, "dang bo khoi"),
        ("chi uy chi bo van phong", BodyKind.COMMITTEE, "chi bo van phong"),
        ("Chi ủy Chi bộ Văn phòng", BodyKind.COMMITTEE, "chi bo van phong"),
        ("hoi nghi chi bo van phong", BodyKind.CELL_MEETING, "chi bo van phong"),
        ("ubkt dang uy khoi", BodyKind.INSPECTION, "dang bo khoi"),
        ("cap uy so y te", BodyKind.COMMITTEE, "so y te"),
    ],
)
@pytest.mark.parametrize("role", [OFFICER, INSPECTOR])
def test_the_body_words_name_the_kind_and_the_rest_the_unit(role, text, kind, unit_words, scopes):
    got = tokens(picking.body_suggestions(scopes[role], text))
    want = expected_bodies(root_of(role), kind, unit_words)
    assert got == want, (connection.vendor, role, text)
    assert want or role == OFFICER


def test_the_body_words_pick_the_right_body(scopes):
    scope = scopes[INSPECTOR]
    assert picking.pick_body(scope, "ubkt dang uy khoi") == Body.objects.get(
        unit__code="HA.DBK", kind=BodyKind.INSPECTION
    )
    assert picking.pick_body(scope, "btv dang bo khoi") == Body.objects.get(
        unit__code="HA.DBK", kind=BodyKind.STANDING
    )
    assert picking.pick_body(scopes[OFFICER], "chi uy chi bo van phong") == Body.objects.get(
        unit__code="HA.DBK.001.01", kind=BodyKind.COMMITTEE
    )
    assert picking.pick_body(scopes[OFFICER], "hoi nghi chi bo van phong") == Body.objects.get(
        unit__code="HA.DBK.001.01", kind=BodyKind.CELL_MEETING
    )


def test_a_cells_meeting_and_its_committee_are_two_distinct_entries(scopes, client_as):
    scope = scopes[OFFICER]
    got = picking.body_suggestions(scope, "chi bo van phong")
    assert [(s.token, s.label) for s in got] == [
        ("HA.DBK.001.01/cb", "Chi bộ Văn phòng (hội nghị chi bộ)"),
        ("HA.DBK.001.01/cu", "Chi ủy Chi bộ Văn phòng"),
    ]
    assert len({s.kind for s in got}) == 2
    for suggestion in got:
        body = picking.pick_body(scope, suggestion.text)
        assert picking.body_token(body) == suggestion.token
    page = offered(client_as(OFFICER).get(pick_url("co-quan", "van phong")))
    assert page == [
        "Chi bộ Văn phòng (hội nghị chi bộ) (HA.DBK.001.01/cb)",
        "Chi ủy Chi bộ Văn phòng (HA.DBK.001.01/cu)",
    ]


@pytest.mark.parametrize(
    ("role", "want"),
    [
        (
            INSPECTOR,
            [
                "UBKT Đảng ủy Khối (HA.DBK/ubkt)",
                "BTV Đảng ủy Khối (HA.DBK/btv)",
                "Đảng ủy Khối (HA.DBK/cu)",
            ],
        ),
        (
            OFFICER,
            [
                "UBKT Đảng ủy Sở Y tế (HA.DBK.001/ubkt)",
                "BTV Đảng ủy Sở Y tế (HA.DBK.001/btv)",
                "Đảng ủy Sở Y tế (HA.DBK.001/cu)",
            ],
        ),
    ],
)
def test_an_empty_body_field_offers_the_users_own_bodies_once_with_short_names(
    role, want, client_as
):
    client = client_as(role)
    for text in (None, "", "+"):
        response = client.get(pick_url("co-quan", text))
        assert offered(response) == want
        assert "Không có kết quả" not in response.content.decode()
    # each own body reads back to itself
    scope = visible_to(response.wsgi_request.user)
    for text in want:
        body = picking.pick_body(scope, text)
        assert picking.body_token(body) == text.rsplit("(", 1)[1].rstrip(")")
    # a unit or member field with nothing typed offers nothing, and says nothing
    for profile in ("don-vi", "dang-vien"):
        empty = client.get(pick_url(profile, ""))
        assert offered(empty) == []
        assert "Không có" not in empty.content.decode()


# --- what a typed text that is not one record gets -------------------------------------------------


def test_an_ambiguous_name_lists_suggestions_with_codes(scopes, cast):
    scope = scopes[INSPECTOR]
    every = expected_members(root_of(INSPECTOR), "confidential", "nguyen thi mai", None)
    assert len(every) > picking.IN_ERROR
    error = error_of(picking.pick_member, scope, "nguyen thi mai")
    assert error.code == "ambiguous"
    message = error.messages[0]
    assert message.startswith("«nguyen thi mai» khớp nhiều đảng viên: ")
    listed = re.findall(r"\((DV\d+)\)", message)
    assert listed == every[: picking.IN_ERROR]
    assert f"(và {min(len(every), 50) - picking.IN_ERROR} kết quả khác" in message
    assert "Hãy chọn một trong gợi ý, hoặc gõ mã trong ngoặc." in message

    error = error_of(picking.pick_unit, scope, "chi bo van phong")
    assert error.code == "ambiguous"
    assert re.findall(r"\((HA\.[A-Z0-9.]+)\)", error.messages[0]) == expected_units(
        root_of(INSPECTOR), "chi bo van phong", limit=picking.IN_ERROR
    )
    error = error_of(picking.pick_body, scope, "chi uy chi bo van phong")
    assert error.code == "ambiguous"
    assert "khớp nhiều cơ quan" in error.messages[0]


@pytest.mark.parametrize(
    ("pick", "what"),
    [
        (picking.pick_member, "đảng viên"),
        (picking.pick_unit, "tổ chức đảng"),
        (picking.pick_body, "cơ quan"),
    ],
)
def test_a_name_that_matches_nothing_says_so_and_how_to_go_on(pick, what, scopes, cast):
    error = error_of(pick, scopes[OFFICER], "khong ai co ten nay")
    assert error.code == "not_found"
    assert error.messages[0].startswith(
        f"Không có {what} nào tên «khong ai co ten nay» trong phạm vi của đồng chí."
    )
    assert "không dấu cũng được" in error.messages[0]
    # a name is not a probe: nothing counted towards the limit
    assert not LookupRefusal.objects.filter(user_id=cast[OFFICER].pk).exists()


def test_a_single_match_or_the_one_whose_whole_name_was_typed_is_picked(scopes):
    assert picking.pick_unit(scopes[OFFICER], "phong phap che") == unit("HA.DBK.001.05")
    # a name that is also part of longer names: the one whose whole name it is
    scope = scopes[INSPECTOR]
    rows = member_rows_in(root_of(INSPECTOR), "confidential")
    named: dict[str, list[str]] = {}
    for _sort, code, key, _path in rows:
        named.setdefault(key, []).append(code)
    key, code = next(
        (key, codes[0])
        for key, codes in sorted(named.items())
        if len(codes) == 1 and 1 < len(expected_members(root_of(INSPECTOR), "confidential", key, None)) <= 50
    )  # fmt: skip
    assert picking.pick_member(scope, key) == Member.objects.get(code=code)
    assert picking.pick_member(scope, key.upper()).code == code


# --- probing -----------------------------------------------------------------------------------


def test_a_code_outside_the_scope_is_refused_like_a_missing_one_and_counted(cast, scopes):
    scope, user_id = scopes[OFFICER], cast[OFFICER].pk
    refused = LookupRefusal.objects.filter(user_id=user_id)

    def counted() -> int:
        return sum(refused.values_list("count", flat=True))

    outside = error_of(picking.pick_unit, scope, "HA.DBK.002")
    missing = error_of(picking.pick_unit, scope, "HA.DBK.999")
    assert outside.code == missing.code == "not_found"
    assert outside.messages[0] == (
        "Không có tổ chức đảng mã HA.DBK.002 trong phạm vi của đồng chí; kiểm tra lại mã "
        "(xem mã ở trang Tổ chức)."
    )
    assert missing.messages[0] == outside.messages[0].replace("HA.DBK.002", "HA.DBK.999")
    assert counted() == 2
    # in brackets, as a chosen suggestion would carry it
    error_of(picking.pick_unit, scope, "Đảng bộ Sở Tài chính (HA.DBK.002)")
    assert counted() == 3

    sibling = (
        Member.objects.live()
        .filter(current_unit__path__startswith=unit("HA.DBK.002").path)
        .order_by("code")
        .first()
    )
    outside = error_of(picking.pick_member, scope, sibling.code)
    missing = error_of(picking.pick_member, scope, "DV999999")
    assert outside.messages[0] == missing.messages[0].replace("DV999999", sibling.code)
    assert counted() == 5
    assert set(refused.values_list("kind", flat=True)) == {"unit_code", "member_code"}
    # a body's token outside the scope: the answer a missing one gets
    outside = error_of(picking.pick_body, scope, "HA.DBK.002/ubkt")
    missing = error_of(picking.pick_body, scope, "HA.DBK.999/ubkt")
    assert outside.code == missing.code == "not_found"
    assert outside.messages[0] == missing.messages[0].replace("HA.DBK.999", "HA.DBK.002")
    assert counted() == 7  # and counted like the others
    assert "body_code" in set(refused.values_list("kind", flat=True))

    # up to the limit, the user's own codes still work; one more and look-ups pause
    LookupRefusal.objects.create(user_id=user_id, kind="unit_code", count=probing.LIMIT - 7)
    assert picking.pick_unit(scope, "HA.DBK.001.01") == unit("HA.DBK.001.01")
    events = AuditEvent.objects.filter(action="audit.lookup.throttled")
    before = events.count()
    error_of(picking.pick_unit, scope, "HA.DBK.003")
    assert events.count() == before + 1
    for pick, own in ((picking.pick_unit, "HA.DBK.001.01"), (picking.pick_member, "DV000001")):
        paused = error_of(pick, scope, own)
        assert paused.code == "throttled"
        assert paused.messages[0] == probing.THROTTLED
    # another user is not paused
    assert picking.pick_unit(scopes[INSPECTOR], "HA.DBK.001.01") == unit("HA.DBK.001.01")


# --- the endpoint --------------------------------------------------------------------------------


def test_the_endpoint_needs_a_login_and_a_known_profile(client, client_as):
    response = client.get(pick_url("dang-vien", "nguyen"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))
    user = client_as(OFFICER)
    assert user.get(pick_url("khong-co", "nguyen")).status_code == 404
    assert user.post(pick_url("dang-vien", "nguyen")).status_code == 405


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_the_endpoint_answers_what_its_profile_suggests(profile, client_as, scopes):
    text = {"unit": "van phong", "member": "thi", "body": "van phong"}[PROFILES[profile].what]
    text = "y te" if PROFILES[profile].grassroots else text
    role = LEADER if profile == "to-chuc-quyet-dinh" else OFFICER  # an officer decides nothing
    role = ADMIN if profile == "don-vi-quan-tri" else role  # where roles are given
    want = [s.text for s in PROFILES[profile].suggest(scopes[role], text)][:SCREENFUL]
    assert want
    assert offered(client_as(role).get(pick_url(profile, text.replace(" ", "+")))) == want


def test_the_grassroots_profile_offers_grassroots_organisations_only(client_as):
    got = offered(client_as(INSPECTOR).get(pick_url("co-so-ghi", "so")))
    want = expected_units(root_of(INSPECTOR), "so", grassroots=True)
    assert [re.search(r"\(([^()]+)\)$", v).group(1) for v in got] == want
    assert len(want) == SCREENFUL


# --- PostgreSQL: the trigram indexes --------------------------------------------------------------


def test_the_folded_keys_have_trigram_indexes_on_postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite scans the folded keys (docs/decisions/0008-name-picker.md)")
    with connection.cursor() as cursor:
        cursor.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'")
        assert cursor.fetchall() == [("pg_trgm",)]
        cursor.execute(
            "SELECT indexname, tablename, indexdef FROM pg_indexes "
            "WHERE indexname IN ('orgs_orgunit_search_trgm', 'orgs_orgunit_place_trgm', "
            "'orgs_member_search_trgm') "
            "ORDER BY indexname"
        )
        rows = cursor.fetchall()
    assert [(name, table) for name, table, _def in rows] == [
        ("orgs_member_search_trgm", "orgs_member"),
        ("orgs_orgunit_place_trgm", "orgs_orgunit"),
        ("orgs_orgunit_search_trgm", "orgs_orgunit"),
    ]
    for name, _table, definition in rows:
        column = "place_key" if "place" in name else "search_key"
        assert f"USING gin ({column} gin_trgm_ops)" in definition


def test_a_unit_above_the_users_grants_is_never_named_nor_matched(scopes):
    """The officer's own đảng bộ lies under the bloc, which the officer does not see: its
    suggestion does not name the bloc, and the bloc's name does not find it."""
    scope = scopes[OFFICER]
    base, bloc = unit("HA.DBK.001"), unit("HA.DBK")
    (own,) = [s for s in picking.unit_suggestions(scope, base.code) if s.token == base.code]
    assert own.detail == ""
    assert base.code not in tokens(picking.unit_suggestions(scope, f"{base.name} {bloc.name}"))
    # whereas for the inspector, who sees the bloc, both hold
    (seen,) = [
        s for s in picking.unit_suggestions(scopes[INSPECTOR], base.code) if s.token == base.code
    ]
    assert seen.detail == bloc.name
