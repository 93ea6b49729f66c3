"""The figures "lũy kế từ đầu nhiệm kỳ" (issue 14): with `luy-ke=1` the report page shows each
figure over [the start of the unit's term holding the period's end, the period's end], the
period's own figure beside it, each a link to its records; the XLSX has them on sheets "LK …";
a unit with no term recorded on the period's end says so and shows no cumulative figure."""

import io
import re
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from ktgs.orgs.models import OrgUnit, Term
from ktgs.reports.indicators import Context
from ktgs.reports.tests.test_views import row_cells

pytestmark = pytest.mark.django_db
REFERENCE = date(2023, 6, 30)
HALF = {"ky": "6-thang", "nam": "2023"}


def page(client, **more):
    return client.get(reverse("reports:unit", args=["HA.DBK"]), {**HALF, **more})


def test_the_cumulative_figures_are_those_from_the_terms_start(client_as, demo):
    unit = OrgUnit.objects.get(code="HA.DBK")
    term = Term.objects.get(unit=unit, name="2020–2025")
    client = client_as("ubkt_leader")
    within = page(client).content.decode()
    assert "Lũy kế từ đầu nhiệm kỳ</a>" in within  # the toggle
    response = page(client, **{"luy-ke": "1"})
    html = response.content.decode()
    period = response.context["period"]
    assert "lũy kế từ đầu nhiệm kỳ 2020–2025 đến nay" in html
    whole = Context(unit, term.starts_on, period.end)
    part = Context(unit, period.start, period.end)
    # the example report's term figures: the committee's 19 organisations and 114 members
    cells = row_cells(html, "ktgs_chu_the", "cap_uy")
    assert (int(cells[2][1]), int(cells[4][1])) == (19, 114)
    for key, params, (href, shown) in (
        ("ktgs.to_chuc", {"chu_the": "cap_uy"}, cells[2]),
        ("ktgs.cap_uy_vien", {"chu_the": "cap_uy"}, cells[4]),
    ):
        figure = whole.figure(key, params)
        assert int(shown) == figure.value
        assert href.replace("&amp;", "&") == figure.url
        assert f"tu={term.starts_on:%d}%2F{term.starts_on:%m}%2F{term.starts_on:%Y}" in href
        assert client.get(figure.url).context["figure"] == figure.value
    # the period's own figure beside it
    tr = re.search(r'data-table="ktgs_chu_the".*?data-row="cap_uy">(.*?)</tr>', html, re.S)
    beside = re.findall(r'<small class="muted prev">\(([\d.]+)\)', tr.group(1))
    assert int(beside[2]) == part.figure("ktgs.to_chuc", {"chu_the": "cap_uy"}).value
    total = row_cells(html, "ky_luat", "tong")
    assert int(total[5][1]) == whole.figure("kyluat.dang_vien", {}).value == 40


def test_no_term_recorded_no_cumulative_figure(client_as, demo):
    first = Term.objects.filter(unit__code="HA.DBK").order_by("starts_on").first().starts_on
    before = {"ky": "nam", "nam": str(first.year - 1)}  # a year before the first term
    client = client_as("ubkt_leader")
    html = page(client, **before).content.decode()
    assert "chưa ghi nhiệm kỳ của cấp ủy" in html and "luy-ke=1" not in html
    html = page(client, **before, **{"luy-ke": "1"}).content.decode()
    assert "không có số lũy kế từ đầu nhiệm kỳ" in html
    assert "cumulative-title" not in html
    wb = load_workbook(
        io.BytesIO(client.get(reverse("reports:xlsx", args=["HA.DBK"]), before).content)
    )
    assert not [n for n in wb.sheetnames if n.startswith("LK ")]


def test_the_xlsx_has_the_cumulative_sheets(client_as, demo):
    unit = OrgUnit.objects.get(code="HA.DBK")
    term = Term.objects.get(unit=unit, name="2020–2025")
    response = client_as("ubkt_leader").get(reverse("reports:xlsx", args=["HA.DBK"]), HALF)
    wb = load_workbook(io.BytesIO(response.content))
    ws = wb["LK Kiểm tra, giám sát theo chủ thể"[:31]]
    assert "lũy kế từ đầu nhiệm kỳ 2020–2025" in ws["A2"].value
    assert term.starts_on.strftime("%d/%m/%Y") in ws["A2"].value
    assert (ws["D6"].value, ws["F6"].value, ws["D7"].value, ws["F7"].value) == (19, 114, 17, 49)
    within = wb["Kiểm tra, giám sát theo chủ thể"]
    whole = Context(unit, term.starts_on, REFERENCE)
    assert ws["D6"].value == whole.figure("ktgs.to_chuc", {"chu_the": "cap_uy"}).value
    assert within["D6"].value < ws["D6"].value  # the half-year alone is less
