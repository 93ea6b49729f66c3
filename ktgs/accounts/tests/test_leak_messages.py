"""Messages and error reports, beside pages (issue 10): the leak test.

Every form, filter and import path that takes a code, a citizen ID or a file is run as a user of
a sibling unit, once with a code that exists outside the user's scope (or above the user's
clearance) and once with a code that exists nowhere. The two answers must be the same apart from
the echoed input, and neither may name a member, a unit or a membership outside the scope —
exactly as pages answer 404 for such a record (docs/security.md).
"""

import io
import re
from dataclasses import dataclass
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ktgs.core.models import Secrecy
from ktgs.exchange import format
from ktgs.orgs.models import Body, Member, OrgUnit
from ktgs.orgs.picking import body_label
from ktgs.programmes.services import programme_create

OFFICER = "grassroots_officer"  # HA.DBK.001, clearance thường
INSPECTOR = "inspector"  # HA.DBK, clearance mật
NOWHERE_MEMBER = "DV999990"
NOWHERE_UNIT = "HA.DBK.999"
ECHO = "‹MÃ›"


def _unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


def sibling_member() -> Member:
    """A live member of HA.DBK.002: outside the grassroots officer's scope (HA.DBK.001)."""
    return (
        Member.objects.live()
        .filter(current_unit__path__startswith=_unit("HA.DBK.002").path)
        .select_related("current_unit")
        .order_by("code")
        .first()
    )


def secret_member() -> Member:
    """A live member inside the inspector's subtree, marked tối mật: above the inspector's
    clearance (mật), so out of reach although in the subtree."""
    member = (
        Member.objects.live()
        .filter(current_unit__path__startswith=_unit("HA.DBK.002").path)
        .select_related("current_unit")
        .order_by("-code")
        .first()
    )
    Member.objects.filter(pk=member.pk).update(secrecy=Secrecy.SECRET)
    return member


def normalised(html: str, echoed: str) -> str:
    """The page with the echoed input and the per-response CSRF token blanked."""
    html = html.replace(echoed, ECHO)
    html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)
    return re.sub(r"/du-lieu/nhap/[0-9a-f-]+/", "/du-lieu/nhap/‹VIỆC›/", html)


def assert_names_nothing(html: str, member: Member) -> None:
    assert member.full_name not in html
    assert member.current_unit.code not in html
    assert member.current_unit.name not in html or member.current_unit.name in _own_names()


def _own_names() -> set[str]:
    """Names of units in the officer's own subtree (a sibling cell may share a name)."""
    return set(
        OrgUnit.objects.filter(path__startswith=_unit("HA.DBK.001").path).values_list(
            "name", flat=True
        )
    )


def body_of(code: str, kind: str) -> Body:
    return Body.objects.get(unit__code=code, kind=kind)


# --- forms that take member codes ------------------------------------------------------------


@dataclass(frozen=True)
class CodeForm:
    name: str
    role: str
    url: str
    field: str
    data: callable  # (code) -> POST data


def _inspection(code: str) -> dict:
    return {
        "body": body_label(body_of("HA.DBK.001", "inspection")),
        "kind": "supervision_thematic",
        "decision_number": "12-QĐ/UBKTĐU",
        "decided_on": "02/03/2026",
        "topic": "Giám sát chuyên đề",
        "member_codes": code,
        "secrecy": "normal",
    }


def _case(code: str) -> dict:
    return {
        "body": body_label(body_of("HA.DBK.001", "inspection")),
        "member": code,
        "origin": "own",
        "opened_on": "02/03/2026",
        "secrecy": "normal",
    }


def _suspension(code: str) -> dict:
    return {
        "member": code,
        "body": body_label(body_of("HA.DBK.001", "committee")),
        "starts_on": "02/03/2026",
        "reason": "Đang xem xét kỷ luật",
    }


def _strike_off(code: str) -> dict:
    return {"member": code, "on": "02/03/2026", "reason": "Không đủ điều kiện"}


CODE_FORMS = [
    CodeForm("inspection", OFFICER, "inspections:create", "member_codes", _inspection),
    CodeForm("case", OFFICER, "cases:create", "member", _case),
    CodeForm("suspension", OFFICER, "suspensions:create", "member", _suspension),
    CodeForm("strike-off", OFFICER, "suspensions:strike_off", "member", _strike_off),
]


@pytest.mark.parametrize("form", CODE_FORMS, ids=lambda f: f.name)
def test_a_member_code_outside_scope_is_answered_as_one_that_does_not_exist(client_as, form):
    outsider = sibling_member()
    client = client_as(form.role)
    url = reverse(form.url)
    elsewhere = client.post(url, form.data(outsider.code))
    nowhere = client.post(url, form.data(NOWHERE_MEMBER))
    assert elsewhere.status_code == nowhere.status_code == 200
    html = elsewhere.content.decode()
    assert "trong phạm vi của đồng chí" in html
    assert normalised(html, outsider.code) == normalised(nowhere.content.decode(), NOWHERE_MEMBER)
    assert_names_nothing(html, outsider)


@pytest.mark.parametrize("field", ["member_codes", "unit_codes"])
def test_programme_items_answer_alike_for_codes_above_clearance_and_nowhere(client_as, field):
    programme = programme_create(
        body=body_of("HA.DBK", "inspection"),
        year=2026,
        number="02-CTr/UBKTĐUK",
        issued_on=date(2026, 1, 8),
        title="Chương trình kiểm tra, giám sát năm 2026",
    )
    if field == "member_codes":
        outsider, missing = secret_member().code, NOWHERE_MEMBER
    else:
        outsider, missing = "HA.CQD", "HA.ZZZ"
    client = client_as(INSPECTOR)
    url = reverse("programmes:item_add", args=[programme.pk])
    base = {"kind": "compliance", "topic": "Kiểm tra", "quarter": "2"}
    elsewhere = client.post(url, {**base, field: outsider}).content.decode()
    nowhere = client.post(url, {**base, field: missing}).content.decode()
    assert "trong phạm vi của đồng chí" in elsewhere
    assert normalised(elsewhere, outsider) == normalised(nowhere, missing)


def test_a_secret_member_is_not_found_by_a_user_below_its_clearance(client_as):
    secret = secret_member()
    client = client_as(INSPECTOR)
    data = {**_inspection(secret.code), "body": body_label(body_of("HA.DBK", "inspection"))}
    html = client.post(reverse("inspections:create"), data).content.decode()
    assert f"Không có đảng viên mã {secret.code} trong phạm vi" in html
    assert secret.full_name not in html


# --- citizen IDs ------------------------------------------------------------------------------


def _member_data(cid: str, other: Member) -> dict:
    cell = (
        OrgUnit.objects.filter(path__startswith=_unit("HA.DBK.001").path, kind__is_cell=True)
        .exclude(code="HA.DBK.001")
        .order_by("path")
        .first()
    )
    return {
        "code": "DV999991",
        "family_name": "Lê",
        "middle_name": "Văn",
        "given_name": "Thử",
        "birth_date": other.birth_date.strftime("%d/%m/%Y"),
        "sex": other.sex,
        "citizen_id": cid,
        "admitted_on": "01/02/2015",
        "official_on": "01/02/2016",
        "unit": cell.code,
        "secrecy": "normal",
    }


@pytest.mark.parametrize("page", ["member_create", "member_edit"])
def test_a_citizen_id_registered_outside_scope_names_no_one(client_as, page):
    outsider = (
        Member.objects.live()
        .filter(current_unit__path__startswith=_unit("HA.DBK.002").path, citizen_id__isnull=False)
        .select_related("current_unit")
        .first()
    )
    client = client_as(OFFICER)
    data = _member_data(outsider.citizen_id, outsider)
    if page == "member_create":
        url = reverse("orgs:member_create")
    else:
        own = Member.objects.live().filter(
            current_unit__path__startswith=_unit("HA.DBK.001").path, secrecy=Secrecy.NORMAL
        )
        own = own.first()
        url = reverse("orgs:member_edit", args=[own.code])
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "ngoài phạm vi của đồng chí" in html
    assert outsider.code not in html
    assert_names_nothing(html, outsider)


# --- filters that take a unit or member code ------------------------------------------------

FILTERS = [
    ("orgs:member_list", "don_vi"),
    ("orgs:member_create", "chi_bo"),
    ("orgs:unit_create", "cap_tren"),
    ("inspections:list", "don_vi"),
    ("inspections:list", "doi_tuong"),
    ("inspections:list", "dang_vien"),
    ("discipline:list", "dang-vien"),
    ("counting:counts", "don-vi"),
    ("discipline:list", "don-vi"),
    ("discipline:figures", "don-vi"),
    ("suspensions:create", "ma"),
]


@pytest.mark.parametrize(("url", "param"), FILTERS)
def test_filters_answer_alike_for_a_unit_or_member_elsewhere_and_nowhere(client_as, url, param):
    outsider = sibling_member()
    if param in ("ma", "dang_vien", "dang-vien"):
        elsewhere_code, nowhere_code = outsider.code, NOWHERE_MEMBER
    elif param == "chi_bo":
        elsewhere_code, nowhere_code = outsider.current_unit.code, "HA.DBK.999.01"
    else:
        elsewhere_code, nowhere_code = "HA.DBK.002", NOWHERE_UNIT
    client = client_as(OFFICER)
    elsewhere = client.get(reverse(url), {param: elsewhere_code})
    nowhere = client.get(reverse(url), {param: nowhere_code})
    assert elsewhere.status_code == nowhere.status_code
    assert normalised(elsewhere.content.decode(), elsewhere_code) == normalised(
        nowhere.content.decode(), nowhere_code
    )
    assert_names_nothing(elsewhere.content.decode(), outsider)


# --- the import's problem report ---------------------------------------------------------------


def _lives_book(member_code: str) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = format.MEMBERSHIPS.name
    sheet.append(format.MEMBERSHIPS.headers)
    given = {"Mã đảng viên": member_code, "Mã chi bộ": "HA.DBK.001.01", "Từ ngày": "01/02/2024"}
    sheet.append([given.get(h, "") for h in format.MEMBERSHIPS.headers])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _report_cells(client, job_url: str) -> list[str]:
    report = client.get(job_url + "bao-cao-loi/")
    assert report.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(report.streaming_content)))
    return [str(c) for row in book.active.iter_rows(values_only=True) for c in row if c]


def test_the_import_answers_alike_for_a_member_elsewhere_and_nowhere(client_as, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    settings.KTGS_JOB_RUNNER = "inline"
    outsider = sibling_member()
    client = client_as(OFFICER)
    answers = []
    for code in (outsider.code, NOWHERE_MEMBER):
        upload = SimpleUploadedFile("sinh-hoat.xlsx", _lives_book(code))
        response = client.post(reverse("exchange:upload"), {"tep": upload})
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        report = "\n".join(_report_cells(client, response["Location"]))
        answers.append((normalised(page, code), report.replace(code, ECHO)))
        assert_names_nothing(page + report, outsider)
    assert answers[0] == answers[1]
    assert "trong phạm vi đồng chí được nhập" in answers[0][1]


# --- probing is slowed down and audited ---------------------------------------------------------


def _codes(n: int) -> str:
    return "\n".join(f"DV99{i:04d}" for i in range(n))


def test_more_than_twenty_refused_codes_in_ten_minutes_pause_look_ups_and_are_audited(
    client_as, cast
):
    from datetime import timedelta

    from django.utils import timezone

    from ktgs.audit import probing
    from ktgs.audit.models import AuditEvent, LookupRefusal

    client = client_as(OFFICER)
    url = reverse("inspections:create")
    own = Member.objects.live().filter(
        current_unit__path__startswith=_unit("HA.DBK.001").path, secrecy=Secrecy.NORMAL
    )
    own_code = own.order_by("code").values_list("code", flat=True).first()
    events = AuditEvent.objects.filter(action="audit.lookup.throttled")
    before = events.count()

    first = client.post(url, _inspection(_codes(probing.LIMIT))).content.decode()
    assert "Không có đảng viên mã" in first  # 20 refused: at the limit, not over it
    assert probing.THROTTLED not in client.post(url, _inspection(own_code)).content.decode()
    assert events.count() == before

    client.post(url, _inspection("DV999999"))  # the 21st refused code
    paused = client.post(url, _inspection(own_code)).content.decode()
    assert probing.THROTTLED.split(",")[0] in paused
    assert events.count() == before + 1
    event = events.order_by("-seq").first()
    assert event.actor_id == cast[OFFICER].pk
    assert event.unit_id == _unit("HA.DBK.001").pk
    assert event.details["refused"] == probing.LIMIT + 1

    # Another user is not paused; the same user is again once the window has moved on.
    assert probing.THROTTLED.split(",")[0] not in (
        client_as(INSPECTOR).post(url, _inspection(own_code)).content.decode()
    )
    LookupRefusal.objects.filter(user_id=cast[OFFICER].pk).update(
        at=timezone.now() - probing.WINDOW - timedelta(seconds=1)
    )
    again = client.post(url, _inspection(own_code)).content.decode()
    assert probing.THROTTLED.split(",")[0] not in again
    assert events.count() == before + 1


def test_refused_citizen_ids_count_towards_the_limit(client_as, cast):
    from ktgs.audit import probing
    from ktgs.audit.models import LookupRefusal

    outsider = (
        Member.objects.live()
        .filter(current_unit__path__startswith=_unit("HA.DBK.002").path, citizen_id__isnull=False)
        .first()
    )
    LookupRefusal.objects.create(user_id=cast[OFFICER].pk, kind="member_code", count=20)
    client = client_as(OFFICER)
    url = reverse("orgs:member_create")
    client.post(url, _member_data(outsider.citizen_id, outsider))
    assert probing.throttled(cast[OFFICER].pk)
    html = client.post(url, _member_data(outsider.citizen_id, outsider)).content.decode()
    assert probing.THROTTLED.split(",")[0] in html
