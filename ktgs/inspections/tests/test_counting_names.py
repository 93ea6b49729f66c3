"""The figures tables name the performing bodies as the reports do (orgs.shortnames), on the
range's last day, with the full name as the row's title; the drill-down keys are unchanged."""

import re
from datetime import date

import pytest
from django.urls import reverse

from ktgs.orgs.models import Body, OrgUnit, Term
from ktgs.orgs.shortnames import committee_short_name_record

pytestmark = pytest.mark.django_db
REFERENCE = date(2023, 6, 30)


def counts_page(client, end: date) -> str:
    start = Term.objects.get(unit__code="HA.DBK", name="2020–2025").starts_on
    query = {"don-vi": "HA.DBK", "tu": start.strftime("%d/%m/%Y"), "den": end.strftime("%d/%m/%Y")}
    response = client.get(reverse("counting:counts"), query)
    assert response.status_code == 200
    return response.content.decode()


def row_heads(html: str) -> dict[str, str]:
    """{row name shown: its title} of the first table's body rows."""
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S).group(1)
    return dict(
        (name.strip(), title)
        for title, name in re.findall(r'<th scope="row" title="([^"]*)">([^<]*)</th>', body)
    )


def test_counts_rows_are_named_as_the_reports_write_them(client_as):
    heads = row_heads(counts_page(client_as("ubkt_leader"), REFERENCE))
    bloc = OrgUnit.objects.get(code="HA.DBK")
    ubkt = Body.objects.get(unit=bloc, kind="inspection")
    assert heads["Đảng ủy Khối (gồm BTV)"] == f"Cấp ủy {bloc.name} (gồm Ban Thường vụ)"
    assert heads["UBKT Đảng ủy Khối"] == ubkt.name


def test_counts_rows_follow_the_name_on_the_ranges_last_day(client_as):
    bloc = OrgUnit.objects.get(code="HA.DBK")
    committee_short_name_record(unit=bloc, name="Đảng ủy Khối tỉnh", on=date(2024, 1, 1))
    client = client_as("ubkt_leader")
    assert "UBKT Đảng ủy Khối" in row_heads(counts_page(client, REFERENCE))
    assert "UBKT Đảng ủy Khối tỉnh" in row_heads(counts_page(client, date(2024, 6, 30)))


def test_split_rows_name_the_committee_and_its_standing_committee(client_as):
    start = Term.objects.get(unit__code="HA.DBK", name="2020–2025").starts_on
    query = {
        "don-vi": "HA.DBK",
        "tu": start.strftime("%d/%m/%Y"),
        "den": REFERENCE.strftime("%d/%m/%Y"),
        "tach": "1",
    }
    html = client_as("ubkt_leader").get(reverse("counting:counts"), query).content.decode()
    heads = row_heads(html)
    assert {"Đảng ủy Khối", "BTV Đảng ủy Khối", "UBKT Đảng ủy Khối"} <= set(heads), heads
