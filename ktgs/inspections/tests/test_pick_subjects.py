"""The inspection form picks its body and subjects by name (issue 13): units and members typed
without diacritics, "all grassroots organisations of X", "all committee members of X on the
decision date", the user's own bodies offered once; a typed name that matches several records
lists them and nothing is saved; what lies outside the user's scope does not exist here."""

from datetime import date

import pytest
from django.urls import reverse

from ktgs.core.models import Dated
from ktgs.core.vietnamese import fold
from ktgs.inspections.models import Inspection
from ktgs.orgs.models import CommitteeSeat, Member, OrgUnit

pytestmark = pytest.mark.django_db

CREATE = reverse("inspections:create")
DAY = date(2026, 3, 2)


def post(client, **changes):
    data = {
        "body": "HA.DBK/ubkt",
        "kind": "supervision_thematic",
        "decision_number": "61-QĐ/UBKTĐUK",
        "decided_on": "02/03/2026",
        "topic": "Giám sát việc thực hiện quy chế làm việc",
        "secrecy": "normal",
        **changes,
    }
    return client.post(CREATE, data)


def created() -> Inspection | None:
    return Inspection.objects.filter(decision_number="61-QĐ/UBKTĐUK").first()


def unique_units(under: str, n: int) -> list[OrgUnit]:
    """`n` live grassroots units under `under` whose folded name no other unit's contains."""
    units = list(OrgUnit.objects.live().filter(closed_on__isnull=True))
    keys = [fold(u.name) for u in units]
    out = []
    for u in units:
        if u.code.startswith(under + ".") and u.kind.is_grassroots:
            key = fold(u.name)
            if sum(key in other for other in keys) == 1:
                out.append(u)
    return out[:n]


def unique_members(under: str, n: int) -> list[Member]:
    rows = list(
        Member.objects.live()
        .filter(current_unit__path__startswith=OrgUnit.objects.get(code=under).path)
        .filter(secrecy="normal")
        .order_by("code")[:400]
    )
    counts: dict[str, int] = {}
    for key in Member.objects.live().values_list("search_key", flat=True):
        counts[key] = counts.get(key, 0) + 1
    every = list(counts)
    out = []
    for m in rows:
        if sum(m.search_key in k for k in every) == 1 and counts[m.search_key] == 1:
            out.append(m)
        if len(out) == n:
            break
    return out


def test_three_units_and_two_members_typed_without_diacritics(client_as):
    units = unique_units("HA.DBK", 3)
    members = unique_members("HA.DBK", 2)
    assert len(units) == 3 and len(members) == 2
    response = post(
        client_as("inspector"),
        # one entry chosen from the suggestions ("Tên (MÃ)"), the others typed as names,
        # folded and in a different case, several in one box separated by ";"
        unit_subjects=[
            f"{units[0].name} ({units[0].code})",
            f"{fold(units[1].name)}; {fold(units[2].name).upper()}",
        ],
        member_codes=[fold(members[0].full_name), f"{members[1].full_name} ({members[1].code})"],
    )
    assert response.status_code == 302, response.context["form"].errors
    inspection = created()
    assert {s.unit_id for s in inspection.subjects.filter(member__isnull=True)} == {
        u.pk for u in units
    }
    assert {s.member_id for s in inspection.subjects.filter(member__isnull=False)} == {
        m.pk for m in members
    }


def test_an_ambiguous_name_lists_the_matches_and_saves_nothing(client_as):
    cells = OrgUnit.objects.live().filter(name="Chi bộ Văn phòng")
    assert cells.count() > 1
    response = post(client_as("inspector"), unit_subjects="chi bo van phong")
    html = response.content.decode()
    assert response.status_code == 200 and created() is None
    assert "khớp nhiều tổ chức đảng" in html
    assert cells.order_by("path").first().code in html  # named with its code to type instead
    assert 'value="chi bo van phong"' in html  # what was typed is kept in the box


def test_all_grassroots_organisations_of_a_unit(client_as):
    bloc = OrgUnit.objects.get(code="HA.DBK")
    expected = set(
        OrgUnit.objects.live()
        .filter(closed_on__isnull=True, path__startswith=bloc.path, kind__is_grassroots=True)
        .values_list("pk", flat=True)
    )
    response = post(client_as("inspector"), all_grassroots_of="dang bo khoi")
    assert response.status_code == 302, response.context["form"].errors
    got = set(created().subjects.values_list("unit_id", flat=True))
    assert got == expected and len(expected) > 10


def test_all_committee_members_of_a_unit_on_the_decision_date(client_as):
    base = OrgUnit.objects.get(code="HA.DBK.001")
    seated = set(
        CommitteeSeat.objects.filter(
            Dated.q_on(DAY), body__unit=base, body__kind="committee"
        ).values_list("member_id", flat=True)
    )
    assert seated
    response = post(client_as("inspector"), all_committee_of="HA.DBK.001")
    assert response.status_code == 302, response.context["form"].errors
    assert set(created().subjects.values_list("member_id", flat=True)) == seated


def test_the_body_field_offers_the_users_own_bodies_once(client_as):
    html = client_as("inspector").get(CREATE).content.decode()
    radios = [line for line in html.splitlines() if 'type="radio" name="body"' in line]
    labels = [line.split("data-picker-own")[0] for line in radios]
    assert len(labels) == len(set(labels))  # each once
    assert any("(HA.DBK/ubkt)" in r for r in radios)
    assert any("(HA.DBK/btv)" in r for r in radios)
    assert any("(HA.DBK/cu)" in r for r in radios)
    assert not any("HA.DBK.001" in r for r in radios)  # a sub-unit's bodies are typed
    # no select with hundreds of options remains on the page (kinds, secrecy: a few dozen)
    assert html.count("<option") < 40


def test_a_body_of_another_unit_is_picked_by_name(client_as):
    response = post(client_as("inspector"), body="ubkt dang bo so y te", unit_subjects="HA.DBK.001")
    assert response.status_code == 302, response.context["form"].errors
    assert created().body.unit.code == "HA.DBK.001" and created().body.kind == "inspection"


def test_a_sibling_units_member_does_not_exist_for_a_grassroots_officer(client_as):
    """canbo.coso (HA.DBK.001) types the name of a member of HA.DBK.002: the answer is that of
    a name that exists nowhere, and the member's name is not shown."""
    sibling = OrgUnit.objects.get(code="HA.DBK.002")
    member = unique_members("HA.DBK.002", 1)[0]
    assert not member.current_unit.path.startswith(OrgUnit.objects.get(code="HA.DBK.001").path)
    assert member.current_unit.path.startswith(sibling.path)
    response = post(
        client_as("grassroots_officer"),
        body="HA.DBK.001/ubkt",
        member_codes=fold(member.full_name),
    )
    html = response.content.decode()
    assert created() is None
    assert f"Không có đảng viên nào tên «{fold(member.full_name)}» trong phạm vi" in html
    assert member.code not in html and member.full_name not in html


def test_the_programme_item_prefills_the_pickers(client_as):
    from ktgs.orgs.models import Body
    from ktgs.programmes.services import item_add, programme_create

    body = Body.objects.get(unit__code="HA.DBK", kind="inspection")
    programme = programme_create(
        body=body, year=2026, number="09-CTr/UBKTĐUK", issued_on=date(2026, 1, 5), title="CT"
    )
    member = unique_members("HA.DBK", 1)[0]
    unit = OrgUnit.objects.get(code="HA.DBK.003")
    item = item_add(
        programme=programme,
        kind="supervision_thematic",
        topic="Giám sát chuyên đề",
        quarter=2,
        subjects=[unit, member],
    )
    html = client_as("inspector").get(f"{CREATE}?muc={item.pk}").content.decode()
    assert f'value="{unit.name} ({unit.code})" checked' in html
    assert f'value="{member.full_name} ({member.code})" checked' in html
    assert 'value="UBKT' in html and '(HA.DBK/ubkt)" data-picker-own checked' in html
