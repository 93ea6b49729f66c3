"""Indicators and tables as data (docs/reports.md, "Chỉ tiêu và biểu"): the demo's example-report
figures through the shipped tables, validation of table files, reconciliation flags."""

from datetime import date
from pathlib import Path

import pytest

from ktgs.core.choices import DisciplineForm
from ktgs.discipline import counting as discipline_counting
from ktgs.orgs.models import Body, OrgUnit, Term
from ktgs.reports import indicators, tables
from ktgs.reports.indicators import Context

REFERENCE = date(2023, 6, 30)
DATA = tables.DATA_DIR


def unit(code: str) -> OrgUnit:
    return OrgUnit.objects.get(code=code)


def term_start() -> date:
    return Term.objects.get(unit__code="HA.DBK", name="2020–2025").starts_on


def computed(key: str, code: str = "HA.DBK", start=None, end=REFERENCE, table=None):
    table = table or next(t for t in tables.load_tables() if t.key == key)
    ctx = Context(unit(code), start or term_start(), end)
    return tables.compute(table, ctx)


def grid(c) -> dict:
    keys = [col.key for col in c.table.columns]
    return {r.key: dict(zip(keys, [cell.value for cell in r.cells], strict=True)) for r in c.rows}


# --- the demo: the example report's figures -------------------------------------------------------


@pytest.mark.django_db
def test_ktgs_by_body_gives_the_example_reports_figures():
    c = computed("ktgs_chu_the")
    g = grid(c)
    assert (g["cap_uy"]["to_chuc"], g["cap_uy"]["cap_uy_vien"]) == (19, 114)
    assert (g["ubkt"]["to_chuc"], g["ubkt"]["cap_uy_vien"]) == (17, 49)
    for col in ("cuoc_kt", "cuoc_gs", "to_chuc", "dang_vien", "cap_uy_vien", "vi_pham"):
        parts = sum(g[k][col] for k in ("cap_uy", "ubkt", "cap_uy_co_so", "ubkt_co_so"))
        assert g["tong"][col] == parts
    assert g["cap_uy_co_so"]["cuoc_kt"] + g["cap_uy_co_so"]["cuoc_gs"] > 0
    assert c.flags == []


@pytest.mark.django_db
def test_discipline_gives_the_example_reports_bodies_and_forms():
    c = computed("ky_luat")
    g = grid(c)

    def row(code, kind):
        return g[f"co_quan:{Body.objects.get(unit__code=code, kind=kind).pk}"]

    assert row("HA", "standing") | {} == {**row("HA", "standing"), "cch": 1, "dv_tong": 1}
    ubkt_ha = row("HA", "inspection")
    assert (ubkt_ha["to_chuc"], ubkt_ha["cc"], ubkt_ha["kt"], ubkt_ha["ktr"]) == (1, 11, 4, 1)
    assert row("HA.DBK", "standing")["ktr"] == 1
    assert (row("HA.DBK", "inspection")["ktr"], row("HA.DBK", "inspection")["cc"]) == (3, 4)
    grassroots = g[f"co_quan:{discipline_counting.GRASSROOTS}"]
    assert (grassroots["kt"], grassroots["cc"], grassroots["dv_tong"]) == (12, 3, 15)
    assert (g["tong"]["to_chuc"], g["tong"]["dv_tong"]) == (1, 40)  # "01 tổ chức, 40 đảng viên"
    assert [r.key for r in c.rows][-1] == "tong" and c.flags == []


@pytest.mark.django_db
def test_overview_gives_72_grassroots_288_cells_4759_members():
    g = grid(computed("to_chuc"))
    assert {k: v["so_luong"] for k, v in g.items()} | {} == {
        "dang_bo_co_so": 44,
        "chi_bo_co_so": 28,
        "tccsd": 72,
        "chi_bo_truc_thuoc": 288,
        "dang_vien": 4759,
        "chinh_thuc": g["chinh_thuc"]["so_luong"],
        "du_bi": 4759 - g["chinh_thuc"]["so_luong"],
    }
