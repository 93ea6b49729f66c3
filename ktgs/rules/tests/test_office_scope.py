"""An office override applies in the subtree of the unit it was made for (issue 10, finding 3).

The demo tree: HA (province) › HA.DBK (the bloc) › HA.DBK.001, HA.DBK.002 (two đảng bộ cơ sở,
siblings) › their cells. A commission leader of HA.DBK.001 corrects a value "to be checked": the
bodies of HA.DBK.001 and its cells get it; the bodies of HA.DBK.002 keep the pack's value.
"""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from ktgs.accounts import services as account_services
from ktgs.accounts.access import visible_to
from ktgs.audit.models import AuditEvent
from ktgs.audit.selectors import Search, event_search
from ktgs.core.choices import InspectionKind as K
from ktgs.orgs.models import OrgUnit
from ktgs.rules.competence import may_perform
from ktgs.rules.lookup import rule_in_force
from ktgs.rules.models import RuleRow
from ktgs.rules.services import NOT_DECIDING_IN
from ktgs.rules.tests.helpers import override

pytestmark = pytest.mark.django_db

A, A_CELL, B, BLOC = "HA.DBK.001", "HA.DBK.001.01", "HA.DBK.002", "HA.DBK"
DAY = date(2026, 9, 15)
# QĐ 21-QĐ/TW (to be checked): only a UBKT from the level directly above the grassroots controls
# asset declarations; the corrections below let a grassroots UBKT do it.
BASE_TOO = {"allowed": True, "levels": ["central", "province", "superior", "base"]}


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


def assets_row() -> RuleRow:
    return RuleRow.objects.get(
        family="competence", key="assets:inspection", starts_on=date(2026, 4, 11), origin="pack"
    )


def leader_of(code: str, username: str):
    """A user holding ubkt_leader in the unit `code` only (signed in past the second factor)."""
    user = account_services.user_create(username=username, password="Mat-khau-dai-2026!")
    account_services.role_assign(
        user=user, unit=unit(code), role="ubkt_leader", starts_on=date(2020, 1, 1)
    )
    return user


def client_of(user) -> Client:
    device = TOTPDevice.objects.create(user=user, name="t", confirmed=True)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


def base_ubkt_may(code: str | None, on: date = DAY) -> bool:
    """May the UBKT of a grassroots unit (`code`) inspect asset declarations on `on`?"""
    where = unit(code) if code else None
    return may_perform("inspection", "base", K.ASSETS, on, unit=where).allowed


def override_by_a(**changes):
    kwargs = {
        "unit": A,
        "scope": visible_to(leader_of(A, "lanhdao.ubkt.a")),
        "value": BASE_TOO,
        "starts_on": date(2026, 9, 1),
        "source": "12-HD/ĐU",
        "note": "Đảng ủy cơ sở giao UBKT kiểm soát kê khai (ví dụ).",
    }
    return override(assets_row(), **{**kwargs, **changes})


# --- where the override applies ------------------------------------------------------------


def test_a_grassroots_override_applies_in_its_subtree_only():
    assert not base_ubkt_may(A)  # the pack's value before the override
    office = override_by_a()
    assert office.unit == unit(A)
    assert base_ubkt_may(A) and base_ubkt_may(A_CELL)  # the unit itself and its subtree
    assert not base_ubkt_may(B)  # a sibling keeps the pack's value
    assert not base_ubkt_may(BLOC)  # so does the unit above
    assert not base_ubkt_may(None)  # a lookup without a unit: the pack
    assert not base_ubkt_may(A, date(2026, 8, 31))  # before its date
    verdict = may_perform("inspection", "base", K.ASSETS, DAY, unit=unit(A_CELL))
    assert verdict.source == "HD 12-HD/ĐU"


def test_the_nearest_units_override_beats_a_farther_one():
    key = ("competence", "assets:inspection")
    bloc = override(
        assets_row(), value={"allowed": False}, starts_on=date(2026, 10, 1), source="5-HD/ĐUK"
    )
    mine = override_by_a()  # started earlier than the bloc's, but nearer to A's bodies
    on = date(2026, 10, 15)
    assert rule_in_force(*key, on, unit=unit(A_CELL)).pk == mine.pk
    assert rule_in_force(*key, on, unit=unit(A)).pk == mine.pk
    assert rule_in_force(*key, on, unit=unit(B)).pk == bloc.pk  # only the bloc's holds there
    assert rule_in_force(*key, on, unit=unit(BLOC)).pk == bloc.pk
    assert rule_in_force(*key, on, unit=unit("HA")).pk == assets_row().pk  # above the bloc
    assert rule_in_force(*key, date(2026, 9, 15), unit=unit(B)).pk == assets_row().pk


# --- who may make it -----------------------------------------------------------------------


@pytest.mark.parametrize("where", [B, BLOC, "HA"])
def test_a_leader_cannot_override_outside_where_they_decide(where):
    with pytest.raises(ValidationError) as err:
        override_by_a(unit=where)
    assert err.value.message_dict["unit"] == [NOT_DECIDING_IN]
    assert "quyền quyết định" in NOT_DECIDING_IN
    assert not RuleRow.objects.filter(origin="office").exists()
    assert not AuditEvent.objects.filter(action="rules.row.overridden").exists()


def test_an_inspector_cannot_override_even_in_their_own_unit(cast):
    with pytest.raises(ValidationError) as err:
        override(assets_row(), scope=visible_to(cast["inspector"]), **_post_args())
    assert "unit" in err.value.message_dict


def _post_args() -> dict:
    return {"value": BASE_TOO, "starts_on": date(2026, 9, 1), "source": "12-HD/ĐU"}


def _form(unit_code) -> dict:
    return {
        "unit": unit_code,
        "value": '{"allowed": true, "levels": ["central", "province", "superior", "base"]}',
        "starts_on": "01/09/2026",
        "ends_on": "",
        "source": "12-HD/ĐU",
        "article": "",
        "reason": "Đảng ủy cơ sở giao UBKT kiểm soát kê khai (ví dụ).",
    }


def test_the_form_offers_only_the_units_where_the_leader_decides_and_refuses_others():
    client = client_of(leader_of(A, "lanhdao.ubkt.a"))
    url = reverse("rules:detail", args=[assets_row().pk])
    html = client.get(url).content.decode()
    assert f'value="{unit(A).name} ({A})"' in html  # their own unit, preselected
    offered = client.get(reverse("orgs:pick", args=["to-chuc-quyet-dinh"]), {"q": "chi bo"})
    offered = offered.content.decode()
    assert f"({A_CELL})" in offered  # and its subtree, by name
    for elsewhere in (B, BLOC):
        assert (
            f"({elsewhere})"
            not in client.get(
                reverse("orgs:pick", args=["to-chuc-quyet-dinh"]), {"q": elsewhere}
            ).content.decode()
        )

    response = client.post(url, _form(B))
    assert response.status_code == 200
    assert f"Không có tổ chức đảng mã {B} trong phạm vi của đồng chí" in response.content.decode()
    assert not RuleRow.objects.filter(origin="office").exists()

    response = client.post(url, _form(f"{unit(A).name} ({A})"), follow=True)
    office = RuleRow.objects.get(origin="office")
    assert office.unit == unit(A)
    assert f"Đã điều chỉnh giá trị cho {unit(A).name} và các tổ chức trực thuộc" in (
        response.content.decode()
    )


def test_the_rule_page_lists_the_overrides_per_unit(client_as):
    bloc = override(assets_row(), value=BASE_TOO, starts_on=date(2026, 4, 11), source="5-HD/ĐUK")
    mine = override_by_a(starts_on=date(2026, 4, 11))
    html = client_as("inspector").get(reverse("rules:detail", args=[assets_row().pk]))
    html = html.content.decode()
    listed = html[html.index('id="dieu-chinh-theo-to-chuc"') :]
    listed = listed[: listed.index("</ul>")]
    assert listed.index(unit(BLOC).name) < listed.index(unit(A).name)  # tree order
    assert f'href="{reverse("rules:detail", args=[bloc.pk])}"' in listed
    assert f'href="{reverse("rules:detail", args=[mine.pk])}"' in listed
    assert "ở mọi tổ chức không có điều chỉnh riêng" in html
    assert f"<td>{unit(A).name} ({A})</td>" in html  # the history names each row's unit
    assert '<span class="muted">mọi tổ chức</span>' in html


# --- the audit trail -----------------------------------------------------------------------


def test_the_audit_event_carries_the_unit_and_reaches_its_leaders_only():
    office = override_by_a()
    event = AuditEvent.objects.get(action="rules.row.overridden")
    assert event.unit_id == unit(A).pk and event.target_id == str(office.pk)
    assert event.details["unit"] == unit(A).name
    search = Search(action="rules.row.overridden")

    def found(scope) -> bool:
        return event_search(scope=scope, search=search).filter(pk=event.pk).exists()

    assert found(visible_to(_user(A)))
    assert found(visible_to(_user(BLOC)))  # a leader above sees it too
    assert not found(visible_to(leader_of(B, "lanhdao.ubkt.b")))  # a sibling's leader does not


def _user(code: str):
    from ktgs.accounts.models import Assignment

    return Assignment.objects.filter(unit__code=code, role="ubkt_leader").first().user


def test_the_audit_search_page_shows_it_to_the_units_leader_not_to_a_siblings():
    override_by_a()
    url = reverse("audit:search") + "?hanh_dong=rules.row.overridden"
    label = "competence/assets:inspection từ 01/09/2026"  # the event's record label
    mine = client_of(_user(A)).get(url).content.decode()
    assert label in mine and "HD 12-HD/ĐU" in mine  # listed, with its values (the basis)
    sibling = client_of(leader_of(B, "lanhdao.ubkt.b")).get(url).content.decode()
    assert label not in sibling and "12-HD/ĐU" not in sibling
