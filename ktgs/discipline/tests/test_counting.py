"""Discipline figures (docs/discipline-counting.md): the demo gives the example report's line 9,
a hand-built fixture counted by hand, the pages, their "hạn chế" rows and their query counts."""

import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ktgs.core.choices import DisciplineForm, DisciplineSubject
from ktgs.core.models import Dated, Secrecy
from ktgs.discipline import counting
from ktgs.discipline.choices import AppealOutcome
from ktgs.discipline.models import Appeal, Decision
from ktgs.orgs.choices import MembershipEnd
from ktgs.orgs.models import Body, Member, Membership, OrgUnit, Term

pytestmark = pytest.mark.django_db
REFERENCE = date(2023, 6, 30)
KT, CC = DisciplineForm.REPRIMAND, DisciplineForm.WARNING
CCH, KTR = DisciplineForm.REMOVAL, DisciplineForm.EXPULSION
ROW = r'data-decision="(\d+)"'


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


def body(code: str, kind: str) -> Body:
    return Body.objects.get(unit__code=code, kind=kind)


def term_start() -> date:
    return Term.objects.get(unit__code="HA.DBK", name="2020–2025").starts_on


def figures_of(code: str, start: date, end: date) -> dict:
    """{row key: (organisations by form, members by form, committee members by form)}."""
    figures = counting.count(unit(code), start, end)
    return {
        r.key: (r.organisations.by_form, r.members.by_form, r.committee_members.by_form)
        for r in figures.rows
    }


# --- the demo: the example report's line 9 --------------------------------------------------------


def test_demo_gives_the_example_reports_figures():
    """ "Ban Thường vụ Tỉnh ủy thi hành kỷ luật 01 đảng viên (cách chức); Ủy ban Kiểm tra Tỉnh ủy
    thi hành kỷ luật 01 tổ chức đảng (cảnh cáo) và kỷ luật 16 đảng viên (11 cảnh cáo, 04 khiển
    trách, 01 khai trừ); Ban Thường vụ Đảng ủy Khối kỷ luật 01 đảng viên (khai trừ), Ủy ban Kiểm
    tra Đảng ủy Khối kỷ luật 07 đảng viên (03 khai trừ, 04 cảnh cáo); đảng ủy và chi bộ cơ sở kỷ
    luật 15 đảng viên (12 khiển trách, 03 cảnh cáo)." (example report, line 9)"""
    got = {
        key: (orgs, members)
        for key, (orgs, members, _c) in figures_of("HA.DBK", term_start(), REFERENCE).items()
    }
    assert got == {
        str(body("HA", "standing").pk): ({}, {CCH: 1}),
        str(body("HA", "inspection").pk): ({CC: 1}, {CC: 11, KT: 4, KTR: 1}),
        str(body("HA.DBK", "standing").pk): ({}, {KTR: 1}),
        str(body("HA.DBK", "inspection").pk): ({}, {KTR: 3, CC: 4}),
        counting.GRASSROOTS: ({}, {KT: 12, CC: 3}),
    }
    total = counting.count(unit("HA.DBK"), term_start(), REFERENCE).total
    assert (total.organisations.total, total.members.total) == (1, 40)  # "01 tổ chức, 40 đảng viên"


def test_demo_still_has_4759_members_on_the_reference_date():
    held = Membership.objects.filter(
        Dated.q_on(REFERENCE), unit__path__startswith=unit("HA.DBK").path
    )
    assert held.values("member").distinct().count() == 4759


def test_demo_expelled_members_left_the_party_on_the_effective_date():
    expulsions = counting.counted(unit("HA.DBK"), term_start(), REFERENCE).filter(form=KTR)
    assert expulsions.count() == 5
    for decision in expulsions:
        membership = Membership.objects.get(member=decision.member_id)
        assert membership.ends_on == decision.effective_on <= REFERENCE
        assert membership.end_reason == MembershipEnd.EXPELLED
        assert membership.decision == decision.number
        assert Member.objects.get(pk=decision.member_id).current_unit_id is None
        assert decision.effect_ends_on is None  # khai trừ has no end of effect


def test_demo_decisions_have_cases_votes_and_numbers():
    rows = Decision.objects.filter(signed_on__lte=REFERENCE).select_related("case", "body__unit")
    assert rows.count() == 41
    for d in rows:
        assert d.case.violations.exists() and d.case.votes.filter(role="decide").exists()
        assert d.number.endswith(("/TU", "/UBKTTU", "/ĐUK", "/UBKTĐUK", "/ĐU", "/CB")), d.number
        if d.form != KTR:
            # QĐ 69-QĐ/TW, Điều 2, khoản 5: 12 tháng kể từ ngày công bố
            assert (d.effect_ends_on - d.announced_on).days in (365, 366)
    # the provincial standing committee's cách chức: a standing member of the bloc's committee
    removal = rows.get(form=CCH)
    assert removal.committee_unit == unit("HA.DBK")


def test_an_appeal_after_the_reference_date_counts_the_replacement():
    replaced = Decision.objects.get(replaced_by__isnull=False)
    replacement = replaced.replaced_by.get()
    appeal = Appeal.objects.get(decision=replaced)
    assert appeal.new_decision == replacement and appeal.outcome == AppealOutcome.CHANGED
    rows = counting.counted(unit("HA.DBK"), date(2024, 1, 1), date(2024, 12, 31))
    assert replacement in rows and replaced not in rows


# --- a hand-built fixture counted by hand ---------------------------------------------------------

IN_2019 = (date(2019, 1, 1), date(2019, 12, 31))  # before any demo decision


def _decide(body_: Body, subject: OrgUnit, form: str, day: date, member=None, **kw) -> Decision:
    return Decision.objects.create(
        body=body_,
        subject_unit=subject,
        member=member,
        subject_name=member.full_name if member else subject.name,
        subject_kind=DisciplineSubject.FULL_MEMBER if member else DisciplineSubject.ORGANISATION,
        form=form,
        signed_on=day,
        effective_on=day,
        **kw,
    )


@pytest.fixture
def hand_built():
    cell, other_cell = unit("HA.DBK.001.01"), unit("HA.DBK.002.01")
    people = list(Member.objects.filter(current_unit=cell).order_by("code")[:6])
    outsider = Member.objects.filter(current_unit=other_cell).order_by("code").first()
    ubkt, standing = body("HA.DBK", "inspection"), body("HA.DBK", "standing")
    own, cell_meeting = body("HA.DBK.001", "committee"), body("HA.DBK.001.01", "cell_meeting")
    day = date(2019, 5, 6)
    # a body outside U on a subject inside U: counts (a committee member on the signing date)
    _decide(ubkt, cell, CC, day, people[0], committee_unit=unit("HA.DBK.001"))
    # a body inside U on a subject outside U: not in U's figures
    _decide(own, other_cell, CC, day, outsider)
    # voided: never counts
    _decide(ubkt, cell, KTR, day, people[1], voided_at=timezone.now(), void_reason="Nhập nhầm")
    # replaced after an appeal: the replacement counts, with its own body and form
    first = _decide(cell_meeting, cell, CC, day, people[2])
    _decide(own, cell, KT, date(2019, 8, 1), people[2], replaces=first)
    # its replacement was voided: the original stands
    kept = _decide(ubkt, cell, KTR, day, people[3])
    _decide(
        standing, cell, CC, date(2019, 9, 2), people[3], replaces=kept, voided_at=timezone.now()
    )
    # an organisation
    _decide(standing, unit("HA.DBK.001.02"), CC, day)
    # outside the period: not counted
    _decide(ubkt, cell, CC, date(2020, 1, 5), people[4])
    # annulled on appeal: not counted
    annulled = _decide(own, cell, CC, day, people[5], secrecy=Secrecy.SECRET)
    Appeal.objects.create(
        decision=annulled, filed_on=date(2019, 6, 1), resolver=ubkt, outcome=AppealOutcome.ANNULLED
    )
    # a cell's own decision (the grassroots row when U is above it), mật
    _decide(cell_meeting, cell, KT, day, people[4], secrecy=Secrecy.SECRET)
    return people


def test_hand_built_fixture_for_the_grassroots_organisation(hand_built):
    assert figures_of("HA.DBK.001", *IN_2019) == {
        str(body("HA.DBK", "inspection").pk): ({}, {CC: 1, KTR: 1}, {CC: 1}),
        str(body("HA.DBK", "standing").pk): ({CC: 1}, {}, {}),
        str(body("HA.DBK.001", "committee").pk): ({}, {KT: 1}, {}),  # U's own body: its own row
        counting.GRASSROOTS: ({}, {KT: 1}, {}),  # the cell below
    }


def test_hand_built_fixture_for_the_bloc(hand_built):
    """From the bloc, the đảng ủy cơ sở joins the grassroots row, and its decision on a member of
    another đảng bộ cơ sở (inside the bloc) counts."""
    got = figures_of("HA.DBK", *IN_2019)
    assert got[counting.GRASSROOTS] == ({}, {KT: 2, CC: 1}, {})
    assert set(got) == {
        str(body("HA.DBK", "inspection").pk),
        str(body("HA.DBK", "standing").pk),
        counting.GRASSROOTS,
    }


def test_the_figures_use_two_queries(hand_built):
    bloc, start = unit("HA.DBK"), term_start()
    with CaptureQueriesContext(connection) as ctx:
        counting.count(bloc, start, REFERENCE)
    assert len(ctx.captured_queries) == 2


# --- pages -------------------------------------------------------------------------------------


def params(code: str, start: date, end: date, **more) -> dict:
    return {
        "don-vi": code,
        "tu": start.strftime("%d/%m/%Y"),
        "den": end.strftime("%d/%m/%Y"),
    } | more


def test_figures_page_shows_the_report_and_links_each_number(client_as):
    page = client_as("ubkt_leader").get(
        reverse("discipline:figures"), params("HA.DBK", term_start(), REFERENCE)
    )
    html = page.content.decode()
    assert page.status_code == 200
    province_ubkt = body("HA", "inspection")
    row = re.search(rf'<tr data-row="{province_ubkt.pk}">(.*?)</tr>', html, re.S).group(1)
    numbers = re.findall(r'<td class="num">(?:<a href="([^"]*)">)?(\d+)', row)
    # organisations: KT, CC, giải tán, cộng; members: KT, CC, cách chức, khai trừ, cộng; …
    assert [n for _href, n in numbers[:9]] == ["0", "01", "0", "01", "04", "11", "0", "01", "16"]
    href = numbers[5][0].replace("&amp;", "&")
    listed = client_as("ubkt_leader").get(href)
    assert len(re.findall(ROW, listed.content.decode())) == 11  # the 11 cảnh cáo
    total = re.search(r'<tr data-row="total">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"(\d+)(?:</a>)?</td>", total)[3] == "01"  # 01 tổ chức đảng
    assert re.findall(r"(\d+)(?:</a>)?</td>", total)[8] == "40"  # 40 đảng viên


def test_the_list_from_the_terms_start_gives_the_reports_figures(client_as):
    """The list (not the figures page) filtered by body and form gives the same numbers."""
    client = client_as("ubkt_leader")
    expected = {
        (str(body("HA", "standing").pk), CCH): 1,
        (str(body("HA", "inspection").pk), CC): 12,  # 11 members + 01 organisation
        (str(body("HA", "inspection").pk), KT): 4,
        (str(body("HA", "inspection").pk), KTR): 1,
        (str(body("HA.DBK", "standing").pk), KTR): 1,
        (str(body("HA.DBK", "inspection").pk), KTR): 3,
        (str(body("HA.DBK", "inspection").pk), CC): 4,
        (counting.GRASSROOTS, KT): 12,
        (counting.GRASSROOTS, CC): 3,
    }
    for (key, form), n in expected.items():
        q = params("HA.DBK", term_start(), REFERENCE, **{"co-quan": key, "hinh-thuc": form})
        html = client.get(reverse("discipline:list"), q).content.decode()
        assert len(re.findall(ROW, html)) == n, (key, form)
    html = client.get(reverse("discipline:list"), params("HA.DBK", term_start(), REFERENCE))
    assert "<strong>41</strong> quyết định kỷ luật" in html.content.decode()


def test_restricted_rows_in_the_drill_down_and_hidden_in_the_list(client_as, hand_built):
    """The inspector (mật) opens the figures' rows: the tối mật decision is "hạn chế"; the plain
    list leaves it out."""
    client = client_as("inspector")
    q = params("HA.DBK.001", *IN_2019, **{"co-quan": counting.GRASSROOTS})
    drill = client.get(reverse("discipline:list"), q | {"so-lieu": "1"}).content.decode()
    assert len(re.findall(ROW, drill)) == 1 and "hạn chế" in drill
    assert hand_built[4].full_name not in drill
    plain = client.get(reverse("discipline:list"), q).content.decode()
    assert len(re.findall(ROW, plain)) == 0


def test_the_list_takes_a_fixed_number_of_queries(client_as):
    client = client_as("ubkt_leader")
    counts = []
    for q in (
        params("HA.DBK", term_start(), REFERENCE),  # 41 rows
        params("HA.DBK", term_start(), REFERENCE, **{"hinh-thuc": CCH}),  # 1 row
        params("HA.DBK", term_start(), REFERENCE, **{"so-lieu": "1"}),
    ):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("discipline:list"), q).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1] == counts[2] <= 12, counts


def test_committee_members_only(client_as):
    q = params("HA.DBK", term_start(), REFERENCE, **{"doi-tuong": counting.COMMITTEE_MEMBERS})
    html = client_as("ubkt_leader").get(reverse("discipline:list"), q).content.decode()
    expected = counting.counted(unit("HA.DBK"), term_start(), REFERENCE).filter(
        committee_unit__isnull=False
    )
    assert 0 < len(re.findall(ROW, html)) == expected.count()
    assert "cấp ủy viên" in html


def test_member_page_shows_the_history_with_the_appeal(client_as):
    replaced = Decision.objects.get(replaced_by__isnull=False)
    replacement = replaced.replaced_by.get()
    member = replaced.member
    html = client_as("ubkt_leader").get(reverse("orgs:member_detail", args=[member.code]))
    html = html.content.decode()
    # the story is in date order: the decision appealed, then the one that replaced it
    assert re.findall(ROW, html) == [str(replaced.pk), str(replacement.pk)]
    assert "đã được thay thế sau khiếu nại" in html and replaced.number in html


def test_unit_page_shows_the_organisation_decision(client_as):
    decision = Decision.objects.filter(
        subject_kind=DisciplineSubject.ORGANISATION, signed_on__lte=REFERENCE
    ).get()
    html = client_as("ubkt_leader").get(
        reverse("orgs:unit_detail", args=[decision.subject_unit.code])
    )
    assert str(decision.pk) in re.findall(ROW, html.content.decode())


def test_system_administrator_sees_figures_without_links(client_as):
    client = client_as("sysadmin")
    page = client.get(reverse("discipline:figures"), params("HA.DBK", term_start(), REFERENCE))
    assert page.status_code == 200
    html = page.content.decode()
    listed = reverse("discipline:list")
    assert f'href="{listed}?' not in html and f'href="{listed}"' not in html
    assert re.search(r'<tr data-row="total">.*?>40</td>', html, re.S)  # the figures stay
    assert client.get(reverse("discipline:list")).status_code == 403


def test_bad_filters_are_explained_or_refused(client_as):
    client = client_as("ubkt_leader")
    page = client.get(reverse("discipline:list"), {"tu": "31/02/2023", "den": "01/01/2023"})
    html = page.content.decode()
    assert page.status_code == 200 and "Từ ngày:" in html  # the bad day named, list unfiltered
    swapped = client.get(reverse("discipline:list"), {"tu": "01/01/2024", "den": "01/01/2023"})
    assert "sau «Đến ngày»" in swapped.content.decode()
    assert client.get(reverse("discipline:list"), {"co-quan": "x1"}).status_code == 404
    # a unit not found is no 404: the message next to the field, the list without that filter
    unknown = client.get(reverse("discipline:list"), {"don-vi": "KHONG-CO"})
    html = unknown.content.decode()
    assert unknown.status_code == 200
    assert "Không có tổ chức đảng nào tên «KHONG-CO» trong phạm vi của đồng chí" in html
    assert "<strong>47</strong> quyết định kỷ luật." in html
    # an unknown form or subject is ignored, not an error
    every = client.get(reverse("discipline:list"), {"hinh-thuc": "bogus", "doi-tuong": "?"})
    assert "<strong>47</strong> quyết định kỷ luật" in every.content.decode()


def test_a_grassroots_officer_sees_only_the_decisions_of_their_units(client_as):
    """canbo.coso (HA.DBK.001, thường): no demo decision concerns HA.DBK.001, so none listed;
    the bloc's figures are outside the scope: asked for, the code reads as the beginning of the
    codes of the officer's own units (a message next to the field lists them), and the figures
    shown are those of the officer's unit, never the bloc's."""
    client = client_as("grassroots_officer")
    html = client.get(reverse("discipline:list")).content.decode()
    assert re.findall(ROW, html) == []
    page = client.get(reverse("discipline:figures"), {"don-vi": "HA.DBK"})
    html = page.content.decode()
    assert page.status_code == 200
    alert = re.search(r'<p class="field-error"[^>]*role="alert">([^<]*)</p>', html).group(1)
    assert "«HA.DBK» khớp nhiều tổ chức đảng" in alert and "(HA.DBK.001)" in alert
    own, bloc = OrgUnit.objects.get(code="HA.DBK.001"), OrgUnit.objects.get(code="HA.DBK")
    assert "(HA.DBK)" not in alert
    assert f"thuộc <strong>{own.name}</strong>" in html
    assert f"<strong>{bloc.name}</strong>" not in html
    assert "don-vi=HA.DBK&" not in html


# --- the read log of the lists (issue 10, finding 10e) -----------------------------------------


def _read_inserts(ctx) -> list[str]:
    sql = [q["sql"] for q in ctx.captured_queries]
    return [q for q in sql if "INSERT INTO" in q and "readevent" in q]


def test_the_decision_list_logs_the_confidential_decisions_it_names(client_as, cast, hand_built):
    """A tối mật decision named in the list (who, form, number) is read: one ReadEvent each, in
    one INSERT; a "hạn chế" row names no one and is not logged."""
    from ktgs.audit.models import ReadEvent

    secret = set(Decision.objects.filter(secrecy=Secrecy.SECRET).values_list("pk", flat=True))
    q = params("HA.DBK.001", *IN_2019)
    with CaptureQueriesContext(connection) as ctx:
        html = client_as("ubkt_leader").get(reverse("discipline:list"), q).content.decode()
    shown = {int(pk) for pk in re.findall(ROW, html)}
    assert secret & shown
    assert len(_read_inserts(ctx)) == 1
    logged = ReadEvent.objects.filter(target_type="discipline.decision")
    assert {int(pk) for pk in logged.values_list("target_id", flat=True)} == secret & shown
    assert set(logged.values_list("user_id", flat=True)) == {cast["ubkt_leader"].pk}

    ReadEvent.objects.all().delete()
    drill = params("HA.DBK.001", *IN_2019, **{"co-quan": counting.GRASSROOTS, "so-lieu": "1"})
    with CaptureQueriesContext(connection) as ctx:
        page = client_as("inspector").get(reverse("discipline:list"), drill).content.decode()
    assert "hạn chế" in page
    assert _read_inserts(ctx) == [] and not ReadEvent.objects.exists()


def test_the_body_choices_are_the_readers_and_those_above_them(client_as):
    """«Cơ quan» offers the bodies that signed decisions in the reader's units and above them,
    not those of another branch of the province — unless a figure's link asks for one."""
    other = body("HA.CQD", "inspection")
    moved = Decision.objects.filter(body=body("HA.DBK", "inspection")).first()
    Decision.objects.filter(pk=moved.pk).update(body=other)
    client = client_as("ubkt_leader")

    def offered(**query) -> set[str]:
        html = client.get(reverse("discipline:list"), query).content.decode()
        select = re.search(r'<select name="co-quan".*?</select>', html, re.S).group(0)
        return set(re.findall(r'<option value="(\d+)"', select))

    assert {str(body("HA", "inspection").pk), str(body("HA.DBK", "inspection").pk)} <= offered()
    assert str(other.pk) not in offered()
    assert str(other.pk) in offered(**{"co-quan": other.pk})
    assert str(body("HA.CQD", "standing").pk) not in offered()  # no decision of its own
