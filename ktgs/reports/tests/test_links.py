"""Every figure links to the records it counts (issue 14): for each indicator whose records a
list page owns, the records listed on the page its link opens (for a reader with RECORDS_VIEW;
"hạn chế" rows included) are as many as the figure says — on the demo, over the term so far. An
unknown filter value on those pages is said plainly (400), not a server error."""

import itertools
from datetime import date

import pytest
from django.urls import reverse

from ktgs.inspections import counting
from ktgs.inspections.choices import FollowUpStatus
from ktgs.inspections.models import FollowUp, InspectionSubject
from ktgs.orgs.models import OrgUnit, Term
from ktgs.orgs.views import PAGE_SIZE
from ktgs.reports import indicators
from ktgs.reports.indicators import Context

pytestmark = pytest.mark.django_db
REFERENCE = date(2023, 6, 30)


def listed(response) -> int:
    """How many records the page lists (the counting drill-down: what its figure counts)."""
    assert response.status_code == 200, response.content.decode()[:500]
    ctx = response.context
    metric = ctx.get("metric")
    if metric in counting.SUBJECT_METRICS and metric not in counting.ROW_METRICS:
        return ctx["figure"]  # distinct subjects: the page's own count of its rows
    return len(ctx["rows"])


def sweep(key: str) -> list[dict]:
    """Every combination of the indicator's parameters."""
    ind = indicators.get(key)
    names = [p.name for p in ind.params]
    return [
        dict(zip(names, combo, strict=True))
        for combo in itertools.product(*[list(p.values) for p in ind.params])
    ]


def add_follow_ups(unit) -> None:
    """Follow-ups done in the term, done after its end, pending, overdue, cancelled; one on the
    most secret inspection with one (a "hạn chế" row for a lower clearance)."""
    base = InspectionSubject.objects.filter(
        inspection__unit__path__startswith=unit.path,
        inspection__voided_at__isnull=True,
        inspection__decided_on__lte=REFERENCE,
    ).select_related("inspection")
    secret = base.order_by("-inspection__secrecy", "pk").first()
    plain = base.order_by("inspection__secrecy", "pk").first()
    for subject, status, done_on, due in (
        (plain, FollowUpStatus.DONE, date(2023, 2, 1), date(2023, 3, 1)),
        (plain, FollowUpStatus.DONE, date(2023, 8, 1), date(2023, 3, 1)),
        (plain, FollowUpStatus.OPEN, None, date(2023, 9, 1)),
        (secret, FollowUpStatus.OPEN, None, date(2023, 3, 1)),
        (plain, FollowUpStatus.CANCELLED, None, date(2023, 3, 1)),
    ):
        FollowUp.objects.create(
            inspection=subject.inspection,
            subject=subject,
            text="Khắc phục",
            owner_unit=subject.unit or subject.inspection.unit,
            due_on=due,
            status=status,
            done_on=done_on,
        )


@pytest.fixture
def bloc_ctx(demo):
    unit = OrgUnit.objects.get(code="HA.DBK")
    start = Term.objects.get(unit=unit, name="2020–2025").starts_on
    add_follow_ups(unit)
    return Context(unit, start, REFERENCE)


@pytest.mark.parametrize(
    "key",
    [
        "ktgs.cuoc_kiem_tra",
        "ktgs.cuoc_giam_sat",
        "ktgs.to_chuc",
        "ktgs.dang_vien",
        "ktgs.vi_pham",
        "ktgs.cuoc",
        "ktgs.doi_tuong",
        "ktgs.luot",
        "ktgs.ket_qua",
        "ktgs.cuoc_vi_pham",
        "ktgs.kien_nghi",
    ],
)
def test_each_inspection_figure_lists_its_records(client_as, bloc_ctx, key):
    client = client_as("ubkt_leader")
    checked = nonzero = 0
    for params in sweep(key):
        figure = bloc_ctx.figure(key, params)
        assert figure.url, (key, params)
        assert listed(client.get(figure.url)) == figure.value, (key, params, figure.url)
        checked += 1
        nonzero += figure.value > 0
    assert checked and nonzero, key  # the demo has records behind some of them


@pytest.mark.parametrize("key", ["ktgs.cuoc_vi_pham", "ktgs.kien_nghi"])
def test_a_lower_clearance_lists_as_many_rows_some_restricted(client_as, bloc_ctx, key):
    client = client_as("inspector")
    restricted = 0
    for params in sweep(key):
        figure = bloc_ctx.figure(key, params)
        page = client.get(figure.url)
        assert listed(page) == figure.value, (key, params)
        restricted += sum(1 for r in page.context["rows"] if r.restricted)
        assert page.content.decode().count("hạn chế") >= 1 or not restricted
    assert restricted, key


def test_a_group_of_bodies_lists_records_not_a_summary(bloc_ctx):
    for group in ("cap_uy_co_so", "ubkt_cac_cap"):
        url = bloc_ctx.figure("ktgs.to_chuc", {"chu_the": group}).url
        assert url.startswith(reverse("counting:list")), url


@pytest.mark.parametrize(
    "query",
    [
        {"chi-so": "khong-co"},
        {"chi-so": "kien-nghi", "tinh-trang": "xyz"},
    ],
)
def test_an_unknown_filter_is_said_plainly(client_as, demo, query):
    page = client_as("ubkt_leader").get(reverse("counting:list"), {"don-vi": "HA.DBK", **query})
    assert page.status_code == 400
    assert "không có" in page.content.decode()


@pytest.mark.parametrize("key", ["tochuc.ket_nap", "tochuc.xoa_ten"])
def test_admissions_and_strike_offs_list_their_members(client_as, bloc_ctx, key):
    figure = bloc_ctx.figure(key, {})
    page = client_as("ubkt_leader").get(figure.url)
    assert page.status_code == 200
    shown = page.context["page"]
    assert (shown.count.value, shown.count.more) == (figure.value, False)
    html = page.content.decode()
    assert f"<strong>{figure.value}</strong> đảng viên" in html
    assert html.count("data-member=") == min(figure.value, PAGE_SIZE)


def test_admissions_figure_is_not_zero_on_the_demo(bloc_ctx):
    assert bloc_ctx.figure("tochuc.ket_nap", {}).value > 0


@pytest.mark.parametrize(
    "query",
    [
        {"vao-dang-tu": "32/13/2023", "vao-dang-den": "30/06/2023"},
        {"xoa-ten-tu": "01/01/2023"},
        {"vao-dang-tu": "01/01/2023", "vao-dang-den": "30/06/2023", "xoa-ten-tu": "01/01/2023"},
    ],
)
def test_a_bad_member_range_is_said(client_as, demo, query):
    page = client_as("ubkt_leader").get(reverse("orgs:member_list"), {"don_vi": "HA.DBK", **query})
    assert page.status_code == 200
    html = page.content.decode()
    assert 'class="field-error" role="alert"' in html and "data-member=" not in html
