"""The report's charts (docs/reports.md, "Biểu đồ"): what a chart writes is what the indicators
give, the PNG for Word, the empty and too-long periods, the queries, the page's blocks, scope."""

import io
import re
from datetime import date

import pytest
from defusedxml import ElementTree
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import Image

from ktgs.core.vietnamese import format_int
from ktgs.orgs.models import OrgUnit, Term
from ktgs.reports import charts
from ktgs.reports.indicators import Context
from ktgs.reports.periods import UnitPeriods

pytestmark = pytest.mark.django_db
REFERENCE = date(2023, 6, 30)
SVG = "{http://www.w3.org/2000/svg}"


def term_start() -> date:
    return Term.objects.get(unit__code="HA.DBK", name="2020–2025").starts_on


def dates(start: date, end: date = REFERENCE) -> dict:
    return {"tu": start.strftime("%d/%m/%Y"), "den": end.strftime("%d/%m/%Y")}


def written(svg: bytes) -> dict[str, str]:
    """{group id: text} of the figures the chart writes (`value-…`, `total-…` groups)."""
    root = ElementTree.fromstring(svg)
    return {
        g.get("id"): "".join(g.itertext()).strip()
        for g in root.iter(f"{SVG}g")
        if (g.get("id") or "").startswith(("value-", "total-"))
    }


def get_svg(client, name: str, query: dict):
    return client.get(reverse("reports:chart_svg", args=["HA.DBK", name]), query)


def test_the_quarters_chart_writes_the_indicators_figures(client_as):
    response = get_svg(client_as("ubkt_leader"), "ktgs-quy", dates(term_start()))
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    texts = written(response.content)
    unit = OrgUnit.objects.get(code="HA.DBK")
    period = UnitPeriods(unit).range(term_start(), REFERENCE)
    quarters = charts.buckets(period)
    assert quarters[0][1] == term_start() and quarters[-1][2] == REFERENCE
    assert [q[0] for q in quarters[:3]] == ["Quý III/2020", "Quý IV/2020", "Quý I/2021"]
    nonzero = 0
    for panel, key in enumerate((charts.KT, charts.GS)):
        for i, (_label, start, end) in enumerate(quarters):
            expected = Context(unit, start, end).figure(key, {"chu_the": "tat_ca"}).value
            assert texts[f"total-{panel}-{i}"] == format_int(expected), (key, start)
            nonzero += expected > 0
    assert nonzero > 4  # the demo has inspections and supervisions in several quarters
    svg = response.content.decode()
    assert "Kiểm tra, giám sát theo quý" in svg and "Quý III/2020" in svg


def test_the_bodies_chart_writes_each_groups_figure(client_as):
    response = get_svg(client_as("ubkt_leader"), "ktgs-chu-the", dates(term_start()))
    texts = written(response.content)
    ctx = Context(OrgUnit.objects.get(code="HA.DBK"), term_start(), REFERENCE)
    for series, key in enumerate((charts.KT, charts.GS)):
        for i, group in enumerate(charts.OWN_AND_GRASSROOTS):
            expected = ctx.figure(key, {"chu_the": group}).value
            assert texts[f"value-0-{series}-{i}"] == format_int(expected), (key, group)
    assert "UBKT Đảng ủy Khối" in response.content.decode()


def test_the_discipline_chart_counts_the_whole_term(client_as):
    year = {"ky": "nam", "nam": "2023"}
    texts = written(get_svg(client_as("ubkt_leader"), "ky-luat-hinh-thuc", year).content)
    ctx = Context(OrgUnit.objects.get(code="HA.DBK"), term_start(), date(2023, 12, 31))
    for i, form in enumerate(charts.MEMBER_FORMS):
        expected = ctx.figure("kyluat.dang_vien", {"hinh_thuc": form}).value
        assert texts[f"value-0-0-{i}"] == format_int(expected), form
    for i, form in enumerate(charts.ORG_FORMS):
        expected = ctx.figure("kyluat.to_chuc", {"hinh_thuc": form}).value
        assert texts[f"value-1-0-{i}"] == format_int(expected), form
    members = sum(
        ctx.figure("kyluat.dang_vien", {"hinh_thuc": f}).value for f in charts.MEMBER_FORMS
    )
    assert members > 0


def test_the_png_for_word_is_a_text_width_image():
    unit = OrgUnit.objects.get(code="HA.DBK")
    period = UnitPeriods(unit).range(term_start(), REFERENCE)
    names = [name for name, _title in charts.report_charts(unit, period)]
    assert names == ["ktgs-quy", "ktgs-chu-the", "ky-luat-hinh-thuc"]
    for name in names:
        image = Image.open(io.BytesIO(charts.chart_png(name, unit, period)))
        assert image.format == "PNG"
        assert image.width == round(charts.WIDTH_IN * charts.DPI)
        assert 0.3 < image.height / image.width < 1.5
        assert round(image.info["dpi"][0]) == charts.DPI


def test_a_period_without_records_says_so(client_as):
    client = client_as("ubkt_leader")
    empty = dates(date(2015, 1, 1), date(2015, 12, 31))
    for name in charts.CHARTS:
        response = get_svg(client, name, empty)
        assert response.status_code == 200
        svg = response.content.decode()
        assert charts.NO_DATA in svg and not written(response.content), name
    block = client.get(reverse("reports:chart", args=["HA.DBK", "ktgs-quy"]), empty)
    assert charts.NO_DATA in block.content.decode()


def test_a_period_too_long_to_draw_says_so(client_as):
    long = dates(date(1990, 1, 1), REFERENCE)
    response = get_svg(client_as("ubkt_leader"), "ktgs-quy", long)
    assert response.status_code == 200
    assert "dài hơn 24 năm" in response.content.decode()
    unit = OrgUnit.objects.get(code="HA.DBK")
    years = charts.buckets(UnitPeriods(unit).range(date(2010, 1, 1), REFERENCE))
    assert [y[0] for y in years[:2]] == ["Năm 2010", "Năm 2011"] and len(years) == 14


def test_the_queries_are_a_few_per_quarter_whatever_the_records():
    unit = OrgUnit.objects.get(code="HA.DBK")
    periods = UnitPeriods(unit)
    counts = {}
    for label, start, end in (
        ("busy year", date(2022, 1, 1), date(2022, 12, 31)),
        ("empty year", date(2015, 1, 1), date(2015, 12, 31)),
        ("busy half", date(2022, 1, 1), date(2022, 6, 30)),
    ):
        period = periods.range(start, end)
        with CaptureQueriesContext(connection) as ctx:
            charts.chart_data("ktgs-quy", unit, period)
        counts[label] = len(ctx.captured_queries)
    # per quarter: the "ktgs" family's aggregate queries (two), its names, its bodies' levels;
    # once: the committee's short name. Records change none of it (fewer where none to name).
    per_quarter = 4
    assert counts["busy year"] <= 4 * per_quarter + 1, counts
    assert counts["busy half"] <= 2 * per_quarter + 1, counts
    assert counts["empty year"] <= counts["busy year"], counts


def test_the_report_page_has_a_block_per_chart_and_each_block_a_table(client_as):
    client = client_as("ubkt_leader")
    query = dates(term_start())
    page = client.get(reverse("reports:unit", args=["HA.DBK"]), query).content.decode()
    for name in charts.CHARTS:
        assert reverse("reports:chart", args=["HA.DBK", name]) in page
    block = client.get(
        reverse("reports:chart", args=["HA.DBK", "ktgs-chu-the"]),
        query,
        headers={"HX-Request": "true"},
    )
    html = block.content.decode()
    assert "<html" not in html and 'aria-describedby="bieu-do-ktgs-chu-the-so-lieu"' in html
    assert reverse("reports:chart_svg", args=["HA.DBK", "ktgs-chu-the"]) in html
    ctx = Context(OrgUnit.objects.get(code="HA.DBK"), term_start(), REFERENCE)
    figure = ctx.figure(charts.KT, {"chu_the": "ubkt"}).value
    assert f'<td class="num">{format_int(figure)}</td>' in html
    full = client.get(reverse("reports:chart", args=["HA.DBK", "ktgs-chu-the"]), query)
    assert "<html" in full.content.decode() and "Về trang báo cáo" in full.content.decode()


def test_the_svg_has_its_own_policy(client_as):
    response = get_svg(client_as("ubkt_leader"), "ktgs-chu-the", dates(term_start()))
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src" not in policy


def test_outside_the_scope_is_the_same_as_missing(client_as):
    client = client_as("grassroots_officer")
    outside = get_svg(client, "ktgs-quy", dates(term_start()))  # HA.DBK is above the officer
    missing = client.get(reverse("reports:chart_svg", args=["KHONG.CO", "ktgs-quy"]))
    assert outside.status_code == missing.status_code == 404
    token = re.compile(rb'name="csrfmiddlewaretoken" value="[^"]*"')
    assert token.sub(b"", outside.content) == token.sub(b"", missing.content)


def test_an_unknown_chart_is_not_found(client_as):
    response = client_as("ubkt_leader").get(
        reverse("reports:chart_svg", args=["HA.DBK", "khong-co"])
    )
    assert response.status_code == 404
