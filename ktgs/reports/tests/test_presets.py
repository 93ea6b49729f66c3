"""The period presets on the figures pages («Số liệu kiểm tra, giám sát», «Số liệu thi hành kỷ
luật»): a row of links filling `tu`/`den` for the page's unit, the page's other parameters kept,
the current one marked; a preset's figures are those of typing the same dates."""

import html
import re
from datetime import date, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from ktgs.core import dates
from ktgs.orgs.models import Term
from ktgs.reports.services import period_cutoff_set

pytestmark = pytest.mark.django_db
PAGES = ("counting:counts", "discipline:figures")
LINK = re.compile(r'<a href="([^"]+)" title="([^"]*)"( aria-current="true")?>([^<]+)</a>')
REFERENCE = date(2023, 6, 30)  # the demo's reference date, as "today"


def presets(page) -> dict[str, tuple[dict, bool]]:
    """{label: (the link's query, marked current)} of the page's preset row."""
    text = page.content.decode()
    nav = text[
        text.index('<nav class="period-presets"') : text.index(
            "</nav>", text.index("period-presets")
        )
    ]
    found = {}
    for href, _title, current, label in LINK.findall(nav):
        query = {k: v[0] for k, v in parse_qs(urlsplit(html.unescape(href)).query).items()}
        found[label] = (query, bool(current))
    return found


def d(day: date) -> str:
    return day.strftime("%d/%m/%Y")


def term(name: str) -> Term:
    return Term.objects.get(unit__code="HA.DBK", name=name)


@pytest.fixture
def on_reference_date(monkeypatch):
    monkeypatch.setattr(dates, "today", lambda: REFERENCE)


@pytest.mark.parametrize("name", PAGES)
def test_presets_fill_the_dates_of_the_reporting_periods(client_as, demo, on_reference_date, name):
    old = term("2020–2025")
    page = client_as("inspector").get(reverse(name), {"don-vi": "HA.DBK"})
    assert page.status_code == 200
    got = {label: (q["tu"], q["den"]) for label, (q, _) in presets(page).items()}
    assert got == {
        "Tháng này": ("01/06/2023", "30/06/2023"),
        "Quý I": ("01/01/2023", "31/03/2023"),
        "6 tháng": ("01/01/2023", "30/06/2023"),
        "9 tháng": ("01/01/2023", "30/09/2023"),
        "Năm nay": ("01/01/2023", "31/12/2023"),
        "Năm trước": ("01/01/2022", "31/12/2022"),
        "Nhiệm kỳ": (d(old.starts_on), d(old.ends_on - timedelta(days=1))),
    }


@pytest.mark.parametrize("name", PAGES)
def test_presets_follow_the_offices_cutoff(client_as, demo, on_reference_date, name):
    period_cutoff_set(["nam", "quy-1"], 15)
    page = client_as("inspector").get(reverse(name))
    got = {label: (q["tu"], q["den"]) for label, (q, _) in presets(page).items()}
    assert got["Năm nay"] == ("16/12/2022", "15/12/2023")
    assert got["Quý I"] == ("16/12/2022", "15/03/2023")
    assert got["6 tháng"] == ("01/01/2023", "30/06/2023")


@pytest.mark.parametrize("name", PAGES)
def test_presets_keep_the_other_parameters_and_mark_the_current_one(client_as, demo, name):
    client = client_as("inspector")
    # the default page: from the start of the current term to today, the «Nhiệm kỳ» preset
    marked = [label for label, (_, cur) in presets(client.get(reverse(name))).items() if cur]
    assert marked == ["Nhiệm kỳ"]
    this_year = dates.today().year
    typed = {
        "don-vi": "HA.DBK.001",
        "tach": "1",
        "tu": f"01/01/{this_year - 1}",
        "den": f"31/12/{this_year - 1}",
    }
    found = presets(client.get(reverse(name), typed))
    assert [label for label, (_, cur) in found.items() if cur] == ["Năm trước"]
    for query, _ in found.values():
        assert query["don-vi"] == "HA.DBK.001" and query["tach"] == "1"
        assert set(query) == {"don-vi", "tach", "tu", "den"}


def test_a_unit_without_a_term_has_no_term_preset(client_as, demo):
    page = client_as("sysadmin").get(reverse("counting:counts"), {"don-vi": "HA.CQD"})
    assert page.status_code == 200
    found = presets(page)
    assert "Nhiệm kỳ" not in found and "Năm nay" in found


def test_a_presets_figures_are_those_of_the_same_dates_typed(client_as, demo, on_reference_date):
    client = client_as("ubkt_leader")
    old = term("2020–2025")
    typed = {  # the same dates, typed by hand
        "6 tháng": ("01/01/2023", "30/06/2023"),
        "Năm trước": ("01/01/2022", "31/12/2022"),
        "Nhiệm kỳ": (d(old.starts_on), d(old.ends_on - timedelta(days=1))),
    }
    for name, figures_of in (
        ("counting:counts", lambda page: page.context["figures"]),
        ("discipline:figures", lambda page: (page.context["rows"], page.context["total"])),
    ):
        found = presets(client.get(reverse(name), {"don-vi": "HA.DBK"}))
        for label, (tu, den) in typed.items():
            by_link = client.get(reverse(name), found[label][0])
            by_hand = client.get(reverse(name), {"don-vi": "HA.DBK", "tu": tu, "den": den})
            assert figures_of(by_link) == figures_of(by_hand), (name, label)
            assert f"<strong>{tu}</strong>" in by_link.content.decode()
    term_page = client.get(reverse("counting:counts"), found["Nhiệm kỳ"][0])
    assert term_page.context["figures"].total.inspections > 0  # the comparison is not of zeros
    discipline = client.get(reverse("discipline:figures"), found["Nhiệm kỳ"][0])
    assert sum(c.n for c in discipline.context["total"]) > 0


@pytest.mark.parametrize("name", PAGES)
def test_presets_name_the_unit_shown_not_a_unit_refused(client_as, demo, name):
    """The grassroots officer types the bloc (outside their scope): the page shows their own
    unit, and so do the presets' links."""
    page = client_as("grassroots_officer").get(reverse(name), {"don-vi": "HA.DBK", "tach": "1"})
    found = presets(page)
    assert found and {q["don-vi"] for q, _ in found.values()} == {"HA.DBK.001"}
