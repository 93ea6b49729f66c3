"""The report's appeals and suspensions figures link to their records (issue 14): for every
parameter value, the page the link opens (`discipline:appeals`, `suspensions:period`) lists as
many records as the figure says — the figure and the list both come from
`discipline.counting.counted_appeals` / `counted_suspensions`. The demo has no appeal and no
suspension before its reference date, so the test adds some through the services: appeals
resolved in the term with each outcome the services record, one filed and still pending, one
resolved after the period's end, one on a decision marked mật; suspensions of members (one mật),
of an organisation, one starting after the period. A reader of clearance "thường" sees the mật
records as "hạn chế" rows, as many in all. A bad filter value is said, never a server error."""

from datetime import date, timedelta

import pytest
from django.urls import reverse

from ktgs.core.models import Secrecy
from ktgs.discipline import appeals, counting, decisions, suspensions
from ktgs.discipline import services as discipline
from ktgs.orgs import services as org_services
from ktgs.orgs.choices import Level
from ktgs.orgs.models import Body, Member, OrgUnit, Term
from ktgs.reports import indicators
from ktgs.reports.indicators import Context
from ktgs.reports.tests.test_links import sweep

pytestmark = pytest.mark.django_db
REFERENCE = date(2023, 6, 30)


def _filed_on(decision) -> date:
    return max(d for d in (decision.signed_on, decision.announced_on, decision.received_on) if d)


def _secret_decision(unit_code: str, cell_code: str, day: date):
    """A cảnh cáo marked mật, by the UBKT of `unit_code` on a member of `cell_code`."""
    member = Member.objects.live().filter(current_unit__code=cell_code).order_by("code")[0]
    ubkt = Body.objects.get(unit__code=unit_code, kind="inspection")
    case = discipline.case_open(
        body=ubkt, member=member, opened_on=day, secrecy=Secrecy.CONFIDENTIAL
    )
    discipline.violation_add(
        case,
        description="Vi phạm quy chế làm việc",
        kind="conduct",
        category="party_organisation",
        started_on=day - timedelta(days=200),
        ended_on=day - timedelta(days=100),
    )
    n = decisions.denominator_of(ubkt, day)
    decisions.vote_record(case, body=ubkt, role="decide", voted_on=day, counts={"warning": n})
    return decisions.decision_make(
        case, body=ubkt, form="warning", signed_on=day, announced_on=day, received_on=day
    )


def add_appeals(unit: OrgUnit, start: date) -> None:
    """Appeals to the unit's standing committee against grassroots decisions of the term."""
    standing = Body.objects.get(unit=unit, kind="standing")
    grassroots = (
        counting.counted(unit, start, REFERENCE)
        .filter(body__unit__kind__level=Level.BASE, announced_on__isnull=False)
        .order_by("signed_on", "pk")
    )
    warning = grassroots.filter(form="warning").first()
    reprimands = list(grassroots.filter(form="reprimand")[:2])
    latest = grassroots.exclude(pk__in=[warning.pk, *(d.pk for d in reprimands)]).last()
    assert warning and len(reprimands) == 2 and latest, "the demo's grassroots decisions"
    for decision, outcome, extra in (
        (warning, "changed", {"new_form": "reprimand"}),
        (reprimands[0], "upheld", {}),
        (reprimands[1], "annulled", {}),
    ):
        filed_on = _filed_on(decision) + timedelta(days=2)
        appeal = appeals.appeal_file(decision, filed_on=filed_on, resolver=standing)
        appeals.appeal_resolve(
            appeal, outcome=outcome, resolved_on=filed_on + timedelta(days=20), **extra
        )
    # filed in the term, resolved after its end: filed, and pending at the end
    filed_on = _filed_on(latest) + timedelta(days=1)
    late = appeals.appeal_file(latest, filed_on=filed_on, resolver=standing)
    appeals.appeal_resolve(late, outcome="upheld", resolved_on=REFERENCE + timedelta(days=30))
    # a mật decision of a grassroots UBKT, appealed to its committee: still pending
    base = OrgUnit.objects.filter(path__startswith=unit.path, kind__level=Level.BASE)
    cell = OrgUnit.objects.filter(
        path__startswith=base.order_by("code").first().path, kind__level=Level.BELOW_BASE
    )
    secret = _secret_decision(
        base.order_by("code").first().code, cell.order_by("code").first().code, date(2023, 3, 1)
    )
    appeals.appeal_file(
        secret,
        filed_on=date(2023, 3, 5),
        resolver=Body.objects.get(unit=secret.body.unit, kind="committee"),
    )


def add_suspensions(unit: OrgUnit) -> None:
    """Suspensions by a grassroots UBKT of members of one of its cells (one of them mật, one
    starting after the period), and of the activity of a cell by the grassroots committee."""
    base = OrgUnit.objects.filter(path__startswith=unit.path, kind__level=Level.BASE)
    base = base.order_by("code").first()
    cell = OrgUnit.objects.filter(path__startswith=base.path, kind__level=Level.BELOW_BASE)
    cell = cell.order_by("code").first()
    members = list(Member.objects.live().filter(current_unit=cell).order_by("-code")[:3])
    org_services.member_update(member=members[1], secrecy=Secrecy.CONFIDENTIAL)
    ubkt = Body.objects.get(unit=base, kind="inspection")
    for member, day in zip(
        members, (date(2023, 2, 1), date(2023, 3, 1), REFERENCE + timedelta(days=1)), strict=True
    ):
        suspensions.suspension_start(
            Member.objects.get(pk=member.pk), body=ubkt, starts_on=day, reason="Đang bị điều tra"
        )
    suspensions.suspension_start(
        unit=cell,
        body=Body.objects.get(unit=base, kind="committee"),
        starts_on=date(2023, 4, 3),
        reason="Gây trở ngại cho việc kiểm tra",
    )


@pytest.fixture
def bloc_ctx(demo):
    unit = OrgUnit.objects.get(code="HA.DBK")
    start = Term.objects.get(unit=unit, name="2020–2025").starts_on
    add_appeals(unit, start)
    add_suspensions(unit)
    return Context(unit, start, REFERENCE)


@pytest.mark.parametrize("key", ["kyluat.khieu_nai", "kyluat.dinh_chi"])
@pytest.mark.parametrize("role", ["ubkt_leader", "committee_leader"])
def test_each_figure_lists_its_records(client_as, bloc_ctx, key, role):
    """The UBKT leader (tối mật) opens every row; the committee leader (thường) sees the mật
    ones as «hạn chế», as many rows in all."""
    client = client_as(role)
    nonzero = restricted = 0
    for params in sweep(key):
        figure = bloc_ctx.figure(key, params)
        assert figure.url, (key, params)
        page = client.get(figure.url)
        assert page.status_code == 200, (key, params, figure.url)
        rows = page.context["rows"]
        assert len(rows) == figure.value, (key, params, figure.url)
        html = page.content.decode()
        assert html.count(
            'data-appeal="' if key.endswith("khieu_nai") else 'data-suspension="'
        ) == (figure.value)
        shut = sum(1 for r in rows if r.restricted)
        assert html.count('<span class="muted">hạn chế</span>') >= shut
        restricted += shut
        nonzero += figure.value > 0
    assert nonzero >= len(sweep(key)) - 1, key  # every value but «không thụ lý» has records
    assert (restricted > 0) == (role == "committee_leader"), (key, role)


def test_the_figures_are_those_written(bloc_ctx):
    """The added records land where they should (not only "as many as listed")."""
    f = counting.appeal_figures(bloc_ctx.unit, bloc_ctx.start, bloc_ctx.end)
    assert f["upheld"] == f["changed"] == f["annulled"] == 1 and f["not_resolved"] == 0
    assert f["resolved"] == 3 and f["pending"] == 2 and f["filed"] == 5
    s = counting.suspension_figures(bloc_ctx.unit, bloc_ctx.start, bloc_ctx.end)
    assert s == {"member": 2, "organisation": 1}


@pytest.mark.parametrize(
    ("name", "query", "status", "said"),
    [
        (
            "discipline:appeals",
            {"ket-qua": "khong-co"},
            400,
            "Kết quả khiếu nại «khong-co» không có",
        ),
        ("suspensions:period", {"doi-tuong": "dang_vien"}, 400, "Đối tượng đình chỉ «dang_vien»"),
        ("discipline:appeals", {"tu": "31/02/2023"}, 200, "Từ ngày:"),
        ("suspensions:period", {"den": "abc"}, 200, "Đến ngày:"),
        (
            "discipline:appeals",
            {"tu": "01/07/2023", "den": "01/01/2023"},
            200,
            "«Từ ngày» (01/07/2023) sau «Đến ngày» (01/01/2023)",
        ),
        (
            "suspensions:period",
            {"tu": "01/07/2023", "den": "01/01/2023"},
            200,
            "«Từ ngày» (01/07/2023) sau «Đến ngày» (01/01/2023)",
        ),
    ],
)
def test_a_bad_filter_is_said(client_as, demo, name, query, status, said):
    page = client_as("ubkt_leader").get(reverse(name), {"don-vi": "HA.DBK", **query})
    assert page.status_code == status
    html = page.content.decode()
    assert said in html
    if status == 400:
        assert "data-appeal=" not in html and "data-suspension=" not in html


@pytest.mark.parametrize("name", ["discipline:appeals", "suspensions:period"])
def test_a_unit_outside_the_scope_is_one_that_does_not_exist(client_as, demo, name):
    client = client_as("grassroots_officer")  # at HA.DBK.001
    outside = client.get(reverse(name), {"don-vi": "HA.DBK.002"})
    missing = client.get(reverse(name), {"don-vi": "KHONG.CO"})
    assert outside.status_code == missing.status_code == 404
    for page in (outside, missing):
        assert "nằm ngoài phạm vi đồng chí được xem" in page.content.decode()


def test_every_indicator_links_its_records():
    assert [k for k, ind in indicators.REGISTRY.items() if ind.link is None] == []
