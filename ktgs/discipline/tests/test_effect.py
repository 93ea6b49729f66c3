"""A decision's end of effect on the demo bloc: counted from the announcement of the decision or
of the decision resolving an appeal, kept in force by a pending appeal and by a new violation
(QĐ 69-QĐ/TW, Điều 2, khoản 5: "không khiếu nại, không tái phạm hoặc không có vi phạm mới"),
the Charter's bar after cách chức (Điều lệ Đảng, Điều 40, khoản 3), and how the pages say it."""

from datetime import date

import pytest
from django.template import Context, Template
from django.urls import reverse

from ktgs.core.models import Dated
from ktgs.discipline import appeals, decisions, services
from ktgs.discipline.effect import effect_state, with_effect_facts
from ktgs.discipline.models import Decision
from ktgs.discipline.tests.test_appeals import cell_warning
from ktgs.discipline.tests.test_decisions import DAY, body, case_for, plain_member
from ktgs.orgs.models import CommitteeSeat

pytestmark = pytest.mark.django_db
HIGHER = "HA.DBK.001"


def _tag(decision) -> str:
    return Template("{% load discipline_tags %}{% decision_effect d %}").render(
        Context({"d": decision})
    )


def test_the_cells_warning_ends_twelve_months_after_its_announcement():
    decision = cell_warning()  # announced 01/06/2026 (QĐ 69 Đ.2 k.5: 12 tháng từ ngày công bố)
    assert decision.effect_ends_on == date(2027, 6, 1) and not decision.effect_end_provisional
    assert "01/06/2027" in _tag(decision) and "tạm tính" not in _tag(decision)


def test_a_ubkt_decision_without_announcement_is_provisional_from_signing():
    ubkt = body("HA.DBK", "inspection")
    case = case_for(plain_member(), ubkt)
    n = decisions.denominator_of(ubkt, DAY)
    decisions.vote_record(case, body=ubkt, role="decide", voted_on=DAY, counts={"warning": n})
    decision = decisions.decision_make(case, body=ubkt, form="warning", signed_on=DAY)
    # QĐ 21: effective on signing; QĐ 69 counts from the announcement, not recorded here
    assert decision.effective_on == DAY and decision.effect_ends_on == date(2027, 6, 1)
    assert decision.effect_end_provisional and "(tạm tính)" in _tag(decision)


def test_an_appeal_keeps_it_in_force_and_upheld_restarts_the_clock():
    decision = cell_warning()
    appeal = appeals.appeal_file(decision, filed_on=date(2026, 6, 20), resolver=_higher())
    assert decision.under_appeal and "đang khiếu nại, vẫn thi hành" in _tag(decision)
    appeals.appeal_resolve(
        appeal, outcome="upheld", resolved_on=date(2026, 8, 1), announced_on=date(2026, 8, 5)
    )
    decision.refresh_from_db()
    # QĐ 69 Đ.2 k.5: "kể từ ngày công bố … quyết định giải quyết khiếu nại kỷ luật"
    assert decision.effect_ends_on == date(2027, 8, 5) and not decision.under_appeal
    assert "đang khiếu nại" not in _tag(decision)


def test_a_changed_outcome_counts_from_the_announcement_of_the_new_decision():
    decision = cell_warning()
    appeal = appeals.appeal_file(decision, filed_on=date(2026, 6, 20), resolver=_higher())
    appeals.appeal_resolve(
        appeal,
        outcome="changed",
        resolved_on=date(2026, 8, 1),
        new_form="reprimand",
        announced_on=date(2026, 8, 4),
    )
    appeal.refresh_from_db()
    assert appeal.new_decision.effect_ends_on == date(2027, 8, 4)  # QĐ 69 Đ.2 k.5


def test_a_new_violation_within_the_period_keeps_the_decision_in_force():
    decision = cell_warning()  # in force 01/06/2026 – 01/06/2027
    other = services.case_open(body=_higher(), member=decision.member, opened_on=date(2026, 10, 1))
    services.violation_add(
        other,
        description="Vi phạm mới trong thời gian chịu kỷ luật",
        kind="conduct",
        category="party_organisation",
        started_on=date(2026, 9, 1),
        ended_on=date(2026, 9, 15),
    )
    state = effect_state(Decision.objects.get(pk=decision.pk))
    assert state.ends_on is None and state.kept_by == date(2026, 9, 1)
    listed = with_effect_facts(Decision.objects.filter(pk=decision.pk)).get()
    assert "vẫn còn hiệu lực" in _tag(listed) and "01/09/2026" in _tag(listed)


def test_removal_bars_election_for_one_year_beside_the_cadre_bar():
    ubkt = body("HA.DBK", "inspection")
    seat = CommitteeSeat.objects.filter(Dated.q_on(DAY), body__unit__code=HIGHER).first()
    case = case_for(seat.member, ubkt)
    n = decisions.denominator_of(ubkt, DAY)
    decisions.vote_record(case, body=ubkt, role="decide", voted_on=DAY, counts={"removal": n})
    decision = decisions.decision_make(
        case, body=ubkt, form="removal", signed_on=DAY, announced_on=date(2026, 6, 3)
    )
    # Điều lệ Đảng, Điều 40, khoản 3: một năm kể từ ngày có quyết định (ký 01/06/2026)
    assert decision.not_electable_until == date(2027, 6, 1)
    assert "Điều lệ Đảng, Điều 40, khoản 3" in decision.basis
    html = Template("{% load discipline_tags %}{% decision_bars d %}").render(
        Context({"d": decision})
    )
    assert "không được bầu vào cấp ủy" in html and "01/06/2027" in html


def test_the_decision_list_shows_the_appeal_without_a_query_per_row(client_as):
    decision = cell_warning()
    appeals.appeal_file(decision, filed_on=date(2026, 6, 20), resolver=_higher())
    page = client_as("ubkt_leader").get(reverse("discipline:list")).content.decode()
    assert "đang khiếu nại, vẫn thi hành" in page
    # the decision's number is a link to its case's decision section
    assert f'href="/ky-luat/vu-viec/{decision.case_id}/#quyet-dinh"' in page


def _higher():
    return body(HIGHER, "committee")


def test_the_import_warns_when_the_announcement_is_missing_and_keeps_the_end_provisional(
    tmp_path,
):
    from ktgs.exchange.importer import run_import
    from ktgs.exchange.tests.helpers import headers, workbook
    from ktgs.exchange.tests.test_discipline_import import SHEET, decision_row, members

    row = decision_row(
        "KL-09",
        members()[0],
        **{
            "Tổ chức quyết định": "HA.DBK",
            "Cơ quan quyết định": "Ủy ban kiểm tra",
            "Ngày công bố": "",
        },
    )
    path = workbook(tmp_path / "kl.xlsx", {SHEET: [headers(SHEET), row]})
    result = run_import(path, file_name=path.name)
    assert result.ok, result.problems
    [warning] = result.warnings
    assert (warning.sheet, warning.column) == (SHEET, "Ngày công bố")
    assert "tạm tính" in warning.message and "22-QĐ/TW" in warning.message
    decision = Decision.objects.get(external_ref="KL-09")
    # QĐ 22 Đ.16 k.10 counts from the announcement; none: from the effective date (signing)
    assert decision.effect_ends_on == date(2023, 3, 15) and decision.effect_end_provisional


def test_the_case_page_and_the_member_page_say_under_appeal(client_as):
    decision = cell_warning()
    appeals.appeal_file(decision, filed_on=date(2026, 6, 20), resolver=_higher())
    client = client_as("ubkt_leader")
    case_page = client.get(reverse("cases:detail", args=[decision.case_id])).content.decode()
    member_page = client.get(
        reverse("orgs:member_detail", args=[decision.member.code])
    ).content.decode()
    for page in (case_page, member_page):
        assert "đang khiếu nại, vẫn thi hành" in page
