"""The discipline figures name the deciding bodies as the reports do ("BTV Tỉnh ủy", "UBKT Đảng
ủy Khối", "Đảng ủy, chi bộ cơ sở"), with the full name as the row's title."""

import re
from datetime import date

import pytest
from django.urls import reverse

from ktgs.discipline.counting import GRASSROOTS, GRASSROOTS_NAME
from ktgs.orgs.models import Body, Term

pytestmark = pytest.mark.django_db
REFERENCE = date(2023, 6, 30)


def test_figures_rows_are_named_as_the_reports_write_them(client_as):
    start = Term.objects.get(unit__code="HA.DBK", name="2020–2025").starts_on
    query = {"don-vi": "HA.DBK", "tu": start.strftime("%d/%m/%Y"), "den": "30/06/2023"}
    html = client_as("ubkt_leader").get(reverse("discipline:figures"), query).content.decode()
    rows = dict(
        (key, (name, title))
        for key, title, name in re.findall(
            r'<tr data-row="([^"]+)"><th scope="row" title="([^"]*)">([^<]*)</th>', html
        )
    )

    def named(code: str, kind: str) -> tuple[str, str]:
        return rows[str(Body.objects.get(unit__code=code, kind=kind).pk)]

    province_standing = Body.objects.get(unit__code="HA", kind="standing")
    assert named("HA", "standing") == ("BTV Tỉnh ủy", province_standing.name)
    assert named("HA", "inspection")[0] == "UBKT Tỉnh ủy"
    assert named("HA.DBK", "standing")[0] == "BTV Đảng ủy Khối"
    assert named("HA.DBK", "inspection")[0] == "UBKT Đảng ủy Khối"
    assert rows[GRASSROOTS] == ("Đảng ủy, chi bộ cơ sở", GRASSROOTS_NAME)
