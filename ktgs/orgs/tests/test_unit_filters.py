"""The unit filter of the list and figures pages is the picker (`orgs.unit_filter`): a name
typed without diacritics, a chosen suggestion or a code selects the unit; an ambiguous name
lists suggestions next to the field; a unit outside the user's scope answers as one that does
not exist; never a 404. The page's own links carry the unit's code.

As kiemtravien (inspector at HA.DBK, clearance mật): "dang bo so y te" is HA.DBK.001 (Đảng bộ
Sở Y tế); "so y te" is also HA.DBK.044 (Đảng bộ Sở Y tế (2)) and the cells under them; "chi bo
uy ban kiem tra tinh uy" is HA.CQD.002, outside the inspector's scope."""

import re

import pytest
from django.urls import reverse

from ktgs.orgs.models import OrgUnit

INSPECTOR = "inspector"
ECHO = "‹GÕ›"
ALERT = re.compile(r'<p class="field-error" id="id_don_vi_error" role="alert">([^<]*)</p>')


def _result_line(html: str) -> str:
    return re.search(r'<p class="result-line" role="status">(.*?)</p>', html, re.S).group(1)


# page: (query parameter, what its result line says once filtered on `unit`)
PAGES = {
    "counting:counts": ("don-vi", lambda u: f"của <strong>{u.name}</strong> và của"),
    "inspections:list": ("don_vi", lambda u: f"do {u.name} và cấp dưới tiến hành"),
    "discipline:list": ("don-vi", lambda u: f"thuộc {u.name}."),
    "discipline:figures": ("don-vi", lambda u: f"thuộc <strong>{u.name}</strong>"),
    "orgs:member_list": ("don_vi", lambda u: f'/">{u.name}</a>'),
}


@pytest.fixture
def inspector(client_as):
    return client_as(INSPECTOR)


def _get(client, page: str, typed: str):
    param, _says = PAGES[page]
    response = client.get(reverse(page), {param: typed})
    assert response.status_code == 200, (page, typed)
    return response.content.decode()


def _normalised(html: str, typed: str = "") -> str:
    """The page with the echoed text and the per-response CSRF token blanked."""
    html = html.replace(typed, ECHO) if typed else html
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken"', html)


def _field(html: str, param: str) -> str:
    return re.search(rf'<input type="text" name="{param}"[^>]*>', html, re.S).group(0)


@pytest.mark.parametrize("page", list(PAGES))
def test_a_unit_picked_by_name_without_diacritics_filters_the_page(inspector, page):
    param, says = PAGES[page]
    unit = OrgUnit.objects.get(code="HA.DBK.001")
    unfiltered = _get(inspector, page, "")
    by_code = _get(inspector, page, "HA.DBK.001")
    assert says(unit) in _result_line(by_code)
    assert says(unit) not in _result_line(unfiltered)  # the filter changes the page
    for typed in ("dang bo so y te", "DANG BO SO Y TE", f"{unit.name} (HA.DBK.001)"):
        html = _get(inspector, page, typed)
        assert not ALERT.search(html), typed
        assert f'value="{unit.name} (HA.DBK.001)"' in _field(html, param)
        # the same page as by its code (the name typed is not echoed): the same rows, figures,
        # links
        assert _normalised(html) == _normalised(by_code), typed


@pytest.mark.parametrize("page", list(PAGES))
def test_an_ambiguous_name_lists_suggestions_next_to_the_field(inspector, page):
    param, says = PAGES[page]
    html = _get(inspector, page, "so y te")
    alert = ALERT.search(html)
    assert alert, "the message is shown next to the field"
    message = alert.group(1)
    assert "«so y te» khớp nhiều tổ chức đảng" in message
    assert "Đảng bộ Sở Y tế (HA.DBK.001)" in message
    assert "Đảng bộ Sở Y tế (2) (HA.DBK.044)" in message
    field = _field(html, param)
    assert 'value="so y te"' in field and 'aria-invalid="true"' in field
    assert "id_don_vi_error" in field  # aria-describedby names the message
    for code in ("HA.DBK.001", "HA.DBK.044"):  # filtered on neither
        assert says(OrgUnit.objects.get(code=code)) not in html


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize(
    ("elsewhere", "nowhere"),
    [
        ("chi bo uy ban kiem tra tinh uy", "chi bo uy ban kiem tra tinh xyz"),
        ("HA.CQD.002", "HA.CQD.999"),
    ],
    ids=["name", "code"],
)
def test_a_unit_outside_the_scope_answers_as_one_that_does_not_exist(
    inspector, page, elsewhere, nowhere
):
    outside = OrgUnit.objects.get(code="HA.CQD.002")
    html = _get(inspector, page, elsewhere)
    assert ALERT.search(html)
    assert "trong phạm vi của đồng chí" in ALERT.search(html).group(1)
    assert outside.name not in html and "HA.CQD.002" not in html.replace(elsewhere, "")
    assert _normalised(html, elsewhere) == _normalised(_get(inspector, page, nowhere), nowhere)


def test_the_figures_links_carry_the_units_code(inspector):
    typed = "dang bo khoi co quan va doanh nghiep tinh"  # HA.DBK, its name whole
    for page, href in (("counting:counts", "/so-lieu/"), ("discipline:figures", "/ky-luat/")):
        html = _get(inspector, page, typed)
        drills = re.findall(rf'href="{href}[^"?]*\?([^"]*)"', html)
        assert drills, f"{page}: the figures link to the rows behind them"
        assert all(re.search(r"(^|&amp;)don-vi=HA.DBK&amp;", q) for q in drills), page
        assert "dang+bo" not in html and "dang%20bo" not in html


@pytest.mark.parametrize(
    ("page", "typed", "code"),
    [
        ("inspections:list", "dang bo khoi co quan va doanh nghiep tinh", "HA.DBK"),
        ("orgs:member_list", "dang bo so y te", "HA.DBK.001"),
    ],
)
def test_the_pages_of_a_list_carry_the_units_code(inspector, page, typed, code):
    param, _says = PAGES[page]
    html = _get(inspector, page, typed)
    pages = re.findall(r'<a class="btn" href="\?([^"]*)"', html)
    assert pages, "more than a page: the pager links"
    assert all(f"{param}={code}&amp;" in q or q.startswith(f"{param}={code}&") for q in pages)
    assert all("dang+bo" not in q for q in pages)
