"""Hostile input, as the issue lists it: XSS payloads in names come back escaped on every page
that shows them; SQL metacharacters in search and filter parameters give no error and no extra
row; a NUL character gives a Vietnamese 400, never a server error; CR/LF in free text stays
inside its JSON value in the audit trail."""

import re
from datetime import date
from pathlib import Path

import pytest
from django.db import connection
from django.urls import reverse

from ktgs.audit.models import AuditEvent
from ktgs.orgs import services
from ktgs.orgs.models import Member, OrgKind, OrgUnit

pytestmark = pytest.mark.django_db

KTGS = Path(__file__).resolve().parents[2]
# payload → how it must appear in HTML (typed by hand: < > " escaped, braces left as text)
XSS = {
    "<script>alert(1)</script>": "&lt;script&gt;alert(1)&lt;/script&gt;",
    '"><img src=x onerror=alert(1)>': "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;",
    "{{7*7}}": "{{7*7}}",  # a template expression in data is shown as typed, not evaluated
}
SQL = ["' OR 1=1 --", "%", "_", "\\", '"; DROP TABLE orgs_member; --', "1' AND '1'='1"]
COUNT = re.compile(r"<strong>([\d.]+)</strong> đảng viên")


# --- XSS ---------------------------------------------------------------------------------------


@pytest.fixture(params=list(XSS), ids=["script", "img-onerror", "template"])
def planted(request, demo):
    """A cell and a member named with the payload, and the bloc renamed with it (for the home
    page), all through the services."""
    payload = request.param
    cell = services.unit_create(
        code="XSS.01",
        name=f"Chi bộ {payload}",
        kind=OrgKind.objects.get(code="cell"),
        parent=OrgUnit.objects.get(code=demo.base_committee.code),
        starts_on=date(2000, 1, 1),
    )
    member = services.member_create(
        code="XSS0001",
        unit=cell,
        family_name=payload,
        middle_name=payload,
        given_name=payload,
        birth_date=date(1980, 3, 4),
        sex="M",
        admitted_on=date(2005, 5, 6),
        official_on=date(2006, 5, 6),
    )
    services.unit_update(unit=OrgUnit.objects.get(code=demo.bloc.code), name=f"Khối {payload}")
    return payload, cell, member


def pages_showing(payload: str, cell: OrgUnit, member: Member) -> dict[str, tuple[str, dict]]:
    base_committee = OrgUnit.objects.get(code="HA.DBK.001")  # the cell's parent
    htmx = {"HTTP_HX_REQUEST": "true"}
    return {
        "home": (reverse("home"), {}),
        "tree": (reverse("orgs:tree"), {}),
        "tree fragment": (reverse("orgs:tree_children", args=[base_committee.pk]), htmx),
        "unit page": (reverse("orgs:unit_detail", args=[cell.code]), {}),
        "member list": (reverse("orgs:member_list") + f"?q={member.code}", {}),
        "member search": (reverse("orgs:member_list"), {"data": {"q": payload}}),
        "unknown unit filter": (reverse("orgs:member_list"), {"data": {"don_vi": payload}}),
        "member page": (reverse("orgs:member_detail", args=[member.code]), {}),
        "member edit form": (reverse("orgs:member_edit", args=[member.code]), {}),
        "member void form": (reverse("orgs:member_void", args=[member.code]), {}),
    }


def test_xss_payloads_come_back_escaped_everywhere(planted, client_as):
    payload, cell, member = planted
    escaped = XSS[payload]
    client = client_as("inspector")
    for page, (url, extra) in pages_showing(payload, cell, member).items():
        extra = dict(extra)
        response = client.get(url, extra.pop("data", None), **extra)
        assert response.status_code == 200, page
        html = response.content.decode()
        assert escaped in html, f"{page}: the payload is not shown (escaped)"
        if escaped != payload:
            assert payload not in html, f"{page}: the payload is in the page unescaped"


def test_no_template_or_module_turns_escaping_off():
    """Escaping holds only if nothing opts out: no |safe, no autoescape off, no mark_safe."""
    offenders = []
    for path in KTGS.rglob("*.html"):
        text = path.read_text()
        if re.search(r"\|\s*safe(seq)?\b|{%\s*autoescape\s+off", text):
            offenders.append(str(path.relative_to(KTGS)))
    for path in KTGS.rglob("*.py"):
        if "tests" in path.parts:
            continue
        if re.search(r"\bmark_safe\b|\bSafeString\b|\bSafeText\b", path.read_text()):
            offenders.append(str(path.relative_to(KTGS)))
    assert offenders == []


# --- SQL metacharacters -----------------------------------------------------------------------


def count(response) -> int:
    match = COUNT.search(response.content.decode())
    assert match, "the page says how many members match"
    return int(match.group(1).replace(".", ""))


@pytest.fixture
def inspector(client_as):
    return client_as("inspector")


@pytest.mark.parametrize("payload", SQL)
def test_sql_metacharacters_in_the_search_find_nothing(inspector, payload):
    before = Member.objects.count()
    response = inspector.get(reverse("orgs:member_list"), {"q": payload})
    assert response.status_code == 200
    assert count(response) == 0  # "%" or "_" unescaped would match every member
    assert Member.objects.count() == before


def test_a_percent_sign_finds_only_names_with_a_percent_sign(inspector, demo):
    cell = OrgUnit.objects.get(code=demo.cell.code)
    services.member_create(
        code="PCT0001",
        unit=cell,
        family_name="Lê",
        given_name="Lan%_",
        birth_date=date(1980, 3, 4),
        sex="F",
        admitted_on=date(2005, 5, 6),
    )
    for query in ("%", "_", "n%_"):
        response = inspector.get(reverse("orgs:member_list"), {"q": query})
        assert count(response) == 1, query
        assert "PCT0001" in response.content.decode()


@pytest.mark.parametrize("payload", SQL)
def test_sql_metacharacters_in_the_unit_filter_are_an_unknown_code(inspector, payload):
    response = inspector.get(reverse("orgs:member_list"), {"don_vi": payload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Không có tổ chức đảng" in html and "trong phạm vi của đồng chí" in html
    assert 'href="/dang-vien/DV' not in html  # no member listed


@pytest.mark.parametrize("param", ["trang_thai", "page", "ca_cay", "cap_uy"])
@pytest.mark.parametrize("payload", SQL)
def test_sql_metacharacters_in_other_filters_add_no_row(inspector, param, payload):
    everyone = count(inspector.get(reverse("orgs:member_list")))
    response = inspector.get(reverse("orgs:member_list"), {param: payload})
    assert response.status_code == 200
    assert count(response) == everyone  # an unknown value is ignored: no error, no extra row


@pytest.mark.parametrize(
    "tail", ["1%20OR%201=1/", "-1/", "0/", "99999999999999999999999/", "1'--/", "%27/"]
)
def test_bad_tree_node_ids_are_not_found(inspector, tail):
    response = inspector.get("/to-chuc/cay/" + tail, HTTP_HX_REQUEST="true")
    assert response.status_code == 404


# --- NUL: PostgreSQL cannot store it; a Vietnamese 400 instead of a server error ------------


@pytest.mark.parametrize(
    "url",
    [
        "/dang-vien/?q=%00",
        "/dang-vien/?q=nguy%00en",
        "/dang-vien/?don_vi=HA.DBK%00",
        "/dang-vien/?trang_thai=%00",
        "/dang-vien/?page=%00",
        "/dang-vien/?%00=1",
        "/dang-vien/DV000001%00/",
        "/to-chuc/HA.DBK%00/",
    ],
)
def test_nul_character_is_refused_in_vietnamese(inspector, url):
    response = inspector.get(url)
    assert response.status_code == 400
    assert "ký tự không hợp lệ (ký tự rỗng)" in response.content.decode()


def test_nul_character_in_a_form_field_is_a_field_error(client_as, demo):
    member = Member.objects.live().filter(current_unit__code=demo.cell.code).first()
    url = reverse("orgs:member_void", args=[member.code])
    response = client_as("grassroots_officer").post(url, {"reason": "trùng\x00"})
    assert response.status_code == 200  # the form again, with the error beside the field
    assert 'id="id_reason_error"' in response.content.decode()
    member.refresh_from_db()
    assert not member.is_voided


@pytest.mark.parametrize("language", ["", "en-US,en;q=0.9"])
def test_nul_character_in_a_form_field_is_explained_in_vietnamese(client_as, demo, language):
    """Django's own message is English ("Null characters are not allowed."), whatever the
    browser's language; the field says it in Vietnamese instead."""
    member = Member.objects.live().filter(current_unit__code=demo.cell.code).first()
    url = reverse("orgs:member_void", args=[member.code])
    response = client_as("grassroots_officer").post(
        url, {"reason": "trùng\x00"}, HTTP_ACCEPT_LANGUAGE=language
    )
    html = " ".join(response.content.decode().split())
    assert "Null characters" not in html
    assert "Có ký tự rỗng (U+0000), không được phép." in html


# --- CR/LF in free text: kept inside a JSON value in the audit trail --------------------------


def test_line_breaks_stay_inside_the_audit_events_json(demo):
    member = Member.objects.live().filter(current_unit__code=demo.cell.code).first()
    reason = 'Nhập trùng\r\n2025-01-01 INFO orgs.member.restored "ok"'
    services.member_void(member=member, reason=reason)
    event = AuditEvent.objects.filter(action="orgs.member.voided").latest("seq")
    assert event.details == {"reason": reason}
    with connection.cursor() as cursor:
        table = AuditEvent._meta.db_table
        cursor.execute(f"SELECT CAST(details AS TEXT) FROM {table} WHERE seq = %s", [event.seq])
        stored = cursor.fetchone()[0]
    assert "\n" not in stored and "\r" not in stored
    assert "\\r\\n" in stored  # JSON's escapes, inside the string value
