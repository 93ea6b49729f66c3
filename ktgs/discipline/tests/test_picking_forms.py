"""The discipline forms pick a member, an organisation and a body by name (issue 13): typed
without diacritics, a code, or a chosen suggestion "Tên (MÃ)"; a name matching several gets an
inline error listing them, and nothing is saved; a member outside the user's scope is answered
as one that exists nowhere. The grassroots officer (canbo.coso) works in HA.DBK.001; HA.DBK.002
is a sibling đảng bộ."""

import html
import re
from collections import Counter
from datetime import date

import pytest
from django.urls import reverse

from ktgs.accounts.access import visible_to
from ktgs.core.tests.formpage import FormFields
from ktgs.core.vietnamese import fold
from ktgs.discipline.case_forms import CaseForm
from ktgs.discipline.models import DisciplineCase, Suspension
from ktgs.discipline.strike_off import CELL_BODIES
from ktgs.discipline.suspensions import SUSPENDING_BODIES
from ktgs.discipline.tests.test_decisions import CELL, body, plain_member
from ktgs.inspections.models import DisciplineProposal, InspectionSubject
from ktgs.orgs.models import Member, OrgUnit
from ktgs.orgs.pickers import PROFILES
from ktgs.orgs.picking import body_label, body_token, member_label
from ktgs.orgs.shortnames import body_short_name as dated_short_name

pytestmark = pytest.mark.django_db
OFFICER = "grassroots_officer"
OWN = "HA.DBK.001"
SIBLING = "HA.DBK.002"
NOWHERE_NAME = "Nguyen Khong Ton Tai"


def _members_under(code: str):
    path = OrgUnit.objects.get(code=code).path
    return Member.objects.live().filter(current_unit__path__startswith=path)


def _field_error(page: str, name: str) -> str:
    found = re.search(rf'<p class="field-error" id="id_{name}_error">(.*?)</p>', page, re.S)
    return html.unescape(found.group(1)) if found else ""


def _case(member_text: str, by: str = f"{OWN}/ubkt") -> dict:
    return {
        "body": by,
        "member": member_text,
        "origin": "own",
        "opened_on": "01/06/2026",
        "secrecy": "normal",
    }


def _unique_name_member() -> Member:
    """A member of the officer's cell whose folded full name no other member in HA.DBK.001
    carries."""
    keys = Counter(_members_under(OWN).values_list("search_key", flat=True))
    for m in _members_under(CELL).order_by("code"):
        if keys[m.search_key] == 1:
            return m
    raise AssertionError("the demo cell has no member with a name of their own")


def test_a_member_typed_without_diacritics_opens_the_case(client_as):
    member = _unique_name_member()
    typed = fold(member.full_name)
    assert typed != member.full_name.lower()  # the name carries diacritics
    response = client_as(OFFICER).post(reverse("cases:create"), _case(typed))
    assert response.status_code == 302, _field_error(response.content.decode(), "member")
    case = DisciplineCase.objects.get(member=member)
    assert case.body == body(OWN, "inspection")


def test_a_member_typed_given_name_first_is_read_too(client_as):
    member = _unique_name_member()
    words = fold(member.full_name).split()
    typed = " ".join([words[-1], *words[:-1]])  # "mai nguyen thi"
    response = client_as(OFFICER).post(reverse("cases:create"), _case(typed))
    assert response.status_code == 302
    assert DisciplineCase.objects.filter(member=member).exists()


def test_an_ambiguous_name_lists_the_suggestions_inline_and_saves_nothing(client_as):
    keys = Counter(_members_under(OWN).values_list("search_key", flat=True))
    key, count = keys.most_common(1)[0]
    assert count >= 2, "the demo has two members of the same name in HA.DBK.001"
    namesakes = list(_members_under(OWN).filter(search_key=key))
    before = DisciplineCase.objects.count()
    response = client_as(OFFICER).post(reverse("cases:create"), _case(key))
    assert response.status_code == 200
    assert DisciplineCase.objects.count() == before
    error = _field_error(response.content.decode(), "member")
    assert "khớp nhiều đảng viên" in error and "chọn một trong gợi ý" in error
    for m in namesakes:
        assert f"({m.code})" in error and f"sinh năm {m.birth_date.year}" in error
    # choosing one of them (the text the suggestion writes into the field) opens the case
    chosen = namesakes[0]
    ok = client_as(OFFICER).post(reverse("cases:create"), _case(member_label(chosen)))
    assert ok.status_code == 302
    assert DisciplineCase.objects.filter(member=chosen, body__unit__code=OWN).exists()


def _sibling_member_by_name() -> Member:
    """A member of the sibling đảng bộ whose name matches nobody the officer sees."""
    own = list(_members_under(OWN).values_list("search_key", flat=True))
    for m in _members_under(SIBLING).order_by("code"):
        words = m.search_key.split()
        if not any(all(w in k for w in words) for k in own):
            return m
    raise AssertionError("every sibling name is also in HA.DBK.001")


def _normalised(page: str, *echoed: str) -> str:
    for text in echoed:
        page = page.replace(text, "‹…›")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


FORMS = [
    ("cases:create", lambda text: _case(text)),
    (
        "suspensions:create",
        lambda text: {
            "member": text,
            "body": f"{OWN}/ubkt",
            "starts_on": "01/06/2026",
            "reason": "Đang bị khởi tố",
        },
    ),
    (
        "suspensions:strike_off",
        lambda text: {"member": text, "body": f"{OWN}/cu", "on": "01/06/2026", "reason": "X"},
    ),
]


@pytest.mark.parametrize(("url", "data"), FORMS, ids=[u for u, _d in FORMS])
def test_a_member_of_a_sibling_unit_is_refused_like_one_that_does_not_exist(client_as, url, data):
    outsider = _sibling_member_by_name()
    client = client_as(OFFICER)
    before = (DisciplineCase.objects.count(), Suspension.objects.count())
    for elsewhere, nowhere in [
        (outsider.code, "DV999990"),
        (outsider.full_name, NOWHERE_NAME),
        (member_label(outsider), f"{NOWHERE_NAME} (DV999990)"),  # a suggestion's text
    ]:
        refused = client.post(reverse(url), data(elsewhere))
        missing = client.post(reverse(url), data(nowhere))
        assert refused.status_code == missing.status_code == 200
        page = refused.content.decode()
        assert "trong phạm vi của đồng chí" in _field_error(page, "member")
        assert _normalised(page, elsewhere, outsider.code) == _normalised(
            missing.content.decode(), nowhere, "DV999990"
        )
        assert outsider.current_unit.code not in page
    assert (DisciplineCase.objects.count(), Suspension.objects.count()) == before
    outsider.refresh_from_db()
    assert outsider.current_unit is not None


def test_the_body_field_lists_the_users_own_bodies_once_by_short_name(client_as):
    page = client_as(OFFICER).get(reverse("cases:create")).content.decode()
    radios = re.findall(r'<input type="radio" name="body" value="([^"]*)"', page)
    own = [body(OWN, kind) for kind in ("inspection", "standing", "committee")]
    assert radios == [f"{dated_short_name(b, date.today())} ({body_token(b)})" for b in own] + [""]
    assert "UBKT Đảng ủy Sở Y tế" in page and page.count("(HA.DBK.001/ubkt)") == 1
    assert "<select" not in page.split('name="body"', 1)[1].split("</div>", 1)[0]
    # the radio ticked (and the "other body" box left empty) is what is read
    client = client_as(OFFICER)
    member = plain_member()
    data = _case(member.code, by=radios[0]) | {"body": [radios[0], ""]}
    assert client.post(reverse("cases:create"), data).status_code == 302
    assert DisciplineCase.objects.get(member=member).body == own[0]


def test_a_cells_meeting_and_its_committee_are_told_apart(cast):
    scope = visible_to(cast[OFFICER])
    member = plain_member()
    cell_name = fold(body(CELL, "cell_meeting").unit.name)  # unique in HA.DBK.001

    def picked(typed):
        form = CaseForm(_case(member.code, by=typed), scope=scope)
        assert form.is_valid(), form.errors
        return form.cleaned_data["body"]

    assert picked(f"hoi nghi {cell_name}") == body(CELL, "cell_meeting")
    assert picked(f"chi uy {cell_name.removeprefix('chi bo ')}") == body(CELL, "committee")
    assert picked(f"{CELL}/cb") == body(CELL, "cell_meeting")
    # the suggestions name them apart: never two look-alike "Chi bộ X"
    texts = [s.text for s in PROFILES["co-quan-ghi"].suggest(scope, cell_name)]
    meeting, committee = body_label(body(CELL, "cell_meeting")), body_label(body(CELL, "committee"))
    assert meeting in texts and committee in texts and meeting != committee
    assert "hội nghị chi bộ" in meeting and committee.startswith("Chi ủy ")


def test_an_organisation_is_suspended_by_name_and_a_cell_meeting_may_not_suspend(client_as):
    client = client_as(OFFICER)
    cell = OrgUnit.objects.get(code=CELL)
    form = {
        "subject_kind": "organisation",
        "subject_unit": fold(cell.name),
        "member": "chữ gõ nhầm, không đọc khi đình chỉ một tổ chức",
        "body": f"{OWN}/cu",
        "starts_on": "01/06/2026",
        "reason": "Gây trở ngại cho việc kiểm tra",
    }
    meeting = client.post(
        reverse("suspensions:create"), form | {"body": body_label(body(CELL, "cell_meeting"))}
    )
    assert "Không có cơ quan" in _field_error(meeting.content.decode(), "body")
    assert not Suspension.objects.filter(subject_unit=cell).exists()
    ok = client.post(reverse("suspensions:create"), form)
    assert ok.status_code == 302, ok.content.decode()
    s = Suspension.objects.get(subject_unit=cell, subject_kind="organisation")
    assert s.member is None and s.body == body(OWN, "committee")


def test_the_profiles_offer_the_bodies_the_rules_name():
    assert set(PROFILES["co-quan-dinh-chi"].kinds) == set(SUSPENDING_BODIES)
    assert set(PROFILES["co-quan-xoa-ten"].kinds) == set(CELL_BODIES)


def test_ma_prefills_the_member_by_name_when_seen(client_as):
    client = client_as(OFFICER)
    member = plain_member()
    for url in ("suspensions:create", "suspensions:strike_off"):
        page = client.get(reverse(url), {"ma": member.code.lower()}).content.decode()
        assert f'value="{html.escape(member_label(member))}"' in page
    outsider = _sibling_member_by_name()
    page = client.get(reverse("suspensions:create"), {"ma": outsider.code}).content.decode()
    assert f'name="member" value="{outsider.code}"' in page
    assert outsider.full_name not in page


def test_a_case_from_a_proposal_opens_on_the_inspections_body_as_shown(client_as):
    """The inspection's body comes ticked among the user's own bodies (not written out in the
    "other body" box); the page submitted as shown opens the case."""
    row = (
        InspectionSubject.objects.filter(
            inspection__body__unit__code="HA.DBK",
            inspection__body__kind="inspection",
            inspection__secrecy="normal",
            inspection__voided_at__isnull=True,
            member__isnull=False,
        )
        .select_related("inspection__body__unit__kind", "member")
        .first()
    )
    assert row is not None, "the demo has an inspection of a member by the bloc's UBKT"
    proposal = DisciplineProposal.objects.create(
        inspection=row.inspection, subject=row, proposed_on=row.inspection.decided_on
    )
    client = client_as("ubkt_leader")
    url = reverse("cases:create") + f"?de-nghi={proposal.pk}"
    page = client.get(url).content.decode()
    ubkt = row.inspection.body
    checked = re.search(
        r'<input type="radio" name="body" value="([^"]*)" data-picker-own checked', page
    )
    assert (
        checked
        and checked.group(1) == f"{dated_short_name(ubkt, date.today())} ({body_token(ubkt)})"
    )
    shown = FormFields()
    shown.feed(page)
    # a browser sends the ticked radio and the empty text box under the same name
    response = client.post(url, shown.data | {"body": [checked.group(1), ""]})
    assert response.status_code == 302, _field_error(response.content.decode(), "body")
    case = DisciplineCase.objects.get(proposal=proposal)
    assert case.body == ubkt and case.member == row.member
