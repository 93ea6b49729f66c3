"""The report page and its XLSX (docs/reports.md, "Chỉ tiêu và biểu"): the demo's figures on the
page, a figure's link landing on its records, bad dates, the query count, the workbook."""

import io
import re
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from ktgs.orgs.models import OrgUnit, Term
from ktgs.reports import tables

pytestmark = pytest.mark.django_db
REFERENCE = date(2023, 6, 30)
DECISION_ROW = r'data-decision="(\d+)"'


def term_start() -> date:
    return Term.objects.get(unit__code="HA.DBK", name="2020–2025").starts_on


def period(start: date, end: date = REFERENCE, **more) -> dict:
    return {"tu": start.strftime("%d/%m/%Y"), "den": end.strftime("%d/%m/%Y")} | more


def row_cells(html: str, table: str, row: str) -> list[tuple[str, str]]:
    """(href, figure) of each cell of a row of a table on the page."""
    section = re.search(rf'data-table="{table}"(.*?)</table>', html, re.S).group(1)
    tr = re.search(rf'data-row="{re.escape(row)}">(.*?)</tr>', section, re.S).group(1)
    return re.findall(r'<td class="num[^"]*"[^>]*>(?:<a href="([^"]*)">)?([\d.]+)', tr)


def test_the_page_gives_the_example_reports_figures_each_a_link(client_as):
    client = client_as("ubkt_leader")
    page = client.get(reverse("reports:unit", args=["HA.DBK"]), period(term_start()))
    assert page.status_code == 200
    html = page.content.decode()
    committee = row_cells(html, "ktgs_chu_the", "cap_uy")
    ubkt = row_cells(html, "ktgs_chu_the", "ubkt")
    # columns: cuộc KT, cuộc GS, tổ chức, đảng viên, cấp ủy viên, có vi phạm
    assert (int(committee[2][1]), int(committee[4][1])) == (19, 114)
    assert (int(ubkt[2][1]), int(ubkt[4][1])) == (17, 49)
    assert all(href for href, _n in committee + ubkt)
    total = row_cells(html, "ky_luat", "tong")
    assert (int(total[0][1]), int(total[5][1])) == (1, 40)
    overview = {
        r: int(row_cells(html, "to_chuc", r)[0][1].replace(".", ""))
        for r in ("tccsd", "chi_bo_truc_thuoc", "dang_vien")
    }
    assert overview == {"tccsd": 72, "chi_bo_truc_thuoc": 288, "dang_vien": 4759}
    assert "Số liệu chưa khớp" not in html
    # click the committee's 19 organisations: the drill-down lists the rows behind them
    drill = client.get(committee[2][0].replace("&amp;", "&"))
    assert (
        drill.status_code == 200
        and "tổ chức đảng được kiểm tra, giám sát" in drill.content.decode()
    )
    # click the 40 members disciplined: the 40 decisions
    listed = client.get(total[5][0].replace("&amp;", "&")).content.decode()
    assert len(re.findall(DECISION_ROW, listed)) == 40


def test_the_menu_links_to_the_report_of_the_users_unit(client_as):
    client = client_as("ubkt_leader")
    home = client.get(reverse("home")).content.decode()
    assert 'class="nav-reports" href="/bao-cao/"' in home
    assert client.get(reverse("reports:index")).url == reverse("reports:unit", args=["HA.DBK"])


def test_bad_dates_are_said_and_replaced(client_as):
    client = client_as("ubkt_leader")
    url = reverse("reports:unit", args=["HA.DBK"])
    page = client.get(url, period(REFERENCE, date(2023, 1, 1)))
    assert page.status_code == 200
    html = page.content.decode()
    assert "trước «Từ ngày»" in html and "Trang đang hiện từ đầu năm đến hôm nay." in html
    page = client.get(url, {"tu": "31/02/2023", "den": "30/06/2023"})
    assert "«Từ ngày»:" in page.content.decode()
    page = client.get(url, {"ky": "nam", "nam": "23"})
    assert "không phải một năm" in page.content.decode()
    xlsx = client.get(reverse("reports:xlsx", args=["HA.DBK"]), {"tu": "31/02/2023"})
    assert xlsx.status_code == 302 and xlsx.url.startswith(url)


def test_choosing_the_year_2023(client_as):
    """The period's presets and `?ky=nam&nam=2023` (reports.periods): the year, the year before
    beside it; the XLSX names the period."""
    client = client_as("ubkt_leader")
    html = client.get(reverse("reports:unit", args=["HA.DBK"]), {"ky": "nam", "nam": "2023"})
    html = html.content.decode()
    assert '<strong class="period-title">Năm 2023</strong>' in html
    assert "01/01/2023" in html and "31/12/2023" in html and "năm 2022" in html
    assert 'class="period-presets"' in html and "Năm trước" in html
    # a figure's link carries the period's dates
    (href, _n), *_rest = row_cells(html, "ky_luat", "tong")
    assert "tu=01%2F01%2F2023" in href and "den=31%2F12%2F2023" in href
    xlsx = client.get(reverse("reports:xlsx", args=["HA.DBK"]), {"ky": "nam", "nam": "2023"})
    ws = load_workbook(io.BytesIO(xlsx.content))["Thi hành kỷ luật"]
    assert "năm 2023 (từ ngày 01/01/2023 đến ngày 31/12/2023)" in ws["A2"].value


def test_the_page_takes_a_bounded_number_of_queries(client_as):
    client = client_as("ubkt_leader")
    counts = []
    for q in (
        period(term_start()),
        period(date(2023, 6, 1)),
        period(date(2015, 1, 1), date(2015, 1, 31)),
    ):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("reports:unit", args=["HA.DBK"]), q).status_code == 200
        counts.append(len(ctx.captured_queries))
    # each family's aggregate queries, twice (the period and the one before), the periods' (the
    # office settings, the unit's terms, for the page and its presets) and the session's:
    # a few fewer where a family has no rows to name, never more with more records (the QĐ 357
    # discipline forms add the grassroots split of the discipline figures: two queries a period;
    # the letters' forms count by content in three grouped queries a period)
    assert max(counts) <= 50 and counts[0] >= counts[1] >= counts[2], counts


def test_the_sub_unit_check_on_the_page(client_as):
    page = client_as("ubkt_leader").get(
        reverse("reports:unit", args=["HA.DBK"]), period(term_start(), **{"doi-chieu": "1"})
    )
    html = page.content.decode()
    assert "reconcile-ok" in html and "Số liệu chưa khớp" not in html


def test_the_xlsx_opens_and_its_totals_reconcile(client_as):
    OrgUnit.objects.filter(code="HA.DBK").update(name='=HYPERLINK("http://x")')
    response = client_as("ubkt_leader").get(
        reverse("reports:xlsx", args=["HA.DBK"]), period(term_start())
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    titles = [
        "Kiểm tra, giám sát theo chủ thể",
        "Thi hành kỷ luật",
        "Tổ chức đảng, đảng viên",
        "Biểu PTDL (cơ sở, hằng tháng)",
    ]
    n = len(tables.load_tables())  # each table (the QĐ 357 forms after these), then its lũy kế
    assert len(wb.sheetnames) == 2 * n
    assert wb.sheetnames[:4] == titles and wb.sheetnames[4].startswith("KTDV_D30 — ")
    assert wb.sheetnames[n : n + 4] == [f"LK {t}"[:31] for t in titles]
    assert wb.sheetnames[n + 4].startswith("LK KTDV_D30 — ")
    ws = wb["Kiểm tra, giám sát theo chủ thể"]
    assert ws["A1"].value == "KIỂM TRA, GIÁM SÁT THEO CHỦ THỂ"
    assert ws["A2"].value.startswith("'=HYPERLINK")  # a formula never: the exchange's escape
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    merged = {str(r) for r in ws.merged_cells.ranges}
    assert {"A4:A5", "B4:C4", "D4:F4", "G4:G5"} <= merged
    labels = [ws.cell(row=r, column=1).value for r in range(6, 11)]
    assert labels[0] == "Cấp ủy (gồm ban thường vụ)" and labels[-1] == "Tổng cộng"
    assert ws.cell(row=10, column=1).font.bold and ws.cell(row=10, column=2).font.bold
    for col in range(2, 8):
        parts = [ws.cell(row=r, column=col).value for r in range(6, 10)]
        assert ws.cell(row=10, column=col).value == sum(parts)
    assert (ws["D6"].value, ws["F6"].value, ws["D7"].value, ws["F7"].value) == (19, 114, 17, 49)
    ws = wb["Thi hành kỷ luật"]
    rows = list(ws.iter_rows(min_row=6, values_only=True))
    body_rows = rows[: next(i for i, r in enumerate(rows) if r[0] == "Tổng cộng")]
    total = rows[len(body_rows)]
    for col in range(1, 8):
        assert total[col] == sum(r[col] for r in body_rows)
    for r in [*body_rows, total]:
        assert r[6] == sum(r[2:6])  # "Cộng" = khiển trách + cảnh cáo + cách chức + khai trừ
    assert (total[1], total[6]) == (1, 40)


def test_every_record_counts_whatever_the_readers_clearance(client_as):
    """The inspector (mật) and the UBKT leader (tối mật) see the same figures."""
    q = period(term_start())
    pages = [
        client_as(role).get(reverse("reports:unit", args=["HA.DBK"]), q).content.decode()
        for role in ("inspector", "ubkt_leader", "committee_leader")
    ]
    figures = [
        re.findall(r'<td class="num[^"]*"[^>]*>(?:<a href="[^"]*">)?([\d.]+)', p) for p in pages
    ]
    assert figures[0] == figures[1] == figures[2] and len(figures[0]) > 40


def test_the_overviews_links_open(client_as):
    client = client_as("ubkt_leader")
    html = client.get(
        reverse("reports:unit", args=["HA.DBK"]), period(term_start())
    ).content.decode()
    for row in ("tccsd", "dang_vien", "du_bi"):
        ((href, _n),) = row_cells(html, "to_chuc", row)
        assert client.get(href.replace("&amp;", "&")).status_code == 200, row
