"""Indicators and tables as data (docs/reports.md, "Chỉ tiêu và biểu"): the demo's example-report
figures through the shipped tables, validation of table files, reconciliation flags."""

from datetime import date
from pathlib import Path

import pytest

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

    standing_ha = row("HA", "standing")
    assert (standing_ha["cch"], standing_ha["dv_tong"], standing_ha["cap_uy_vien"]) == (1, 1, 1)
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
    assert {k: v["so_luong"] for k, v in g.items()} == {
        "dang_bo_co_so": 44,
        "chi_bo_co_so": 28,
        "tccsd": 72,
        "chi_bo_truc_thuoc": 288,
        "dang_vien": 4759,
        "chinh_thuc": g["chinh_thuc"]["so_luong"],
        "du_bi": 4759 - g["chinh_thuc"]["so_luong"],
    }


@pytest.mark.django_db
def test_every_figure_links_to_the_records_it_counts(demo):
    for c in (computed("ktgs_chu_the"), computed("ky_luat"), computed("to_chuc")):
        for r in c.rows:
            for cell in r.cells:
                assert cell.url, (c.table.key, r.key)
                assert cell.source
    g = computed("ktgs_chu_the")
    committee = g.rows[0].cells[2].url  # the committee's organisations
    assert "/so-lieu/kiem-tra-giam-sat/danh-sach/?" in committee
    assert "co-quan=nhom-cap-uy&" in committee and "chi-so=to-chuc" in committee


@pytest.mark.django_db
def test_previous_period_is_the_range_of_the_same_length_before():
    ctx = Context(unit("HA.DBK"), date(2023, 1, 1), date(2023, 6, 30))
    prev = ctx.previous()
    assert (prev.start, prev.end) == (date(2022, 7, 4), date(2022, 12, 31))  # 181 days each
    c = tables.compute(next(t for t in tables.load_tables() if t.key == "ky_luat"), ctx, prev)
    total = c.rows[-1]
    alone = tables.compute(c.table, prev)
    assert [cell.previous for cell in total.cells] == [cell.value for cell in alone.rows[-1].cells]


# --- validation of the table files ---------------------------------------------------------------

GOOD = """
[table]
title = "Biểu thử"
source = "Quy định 22-QĐ/TW"

[[column]]
key = "to_chuc"
label = "Tổ chức đảng"
indicator = "ktgs.to_chuc"

[[row]]
key = "cap_uy"
label = "Cấp ủy"
params = { chu_the = "cap_uy" }

[[row]]
key = "ubkt"
label = "Ủy ban kiểm tra"
params = { chu_the = "ubkt" }

[[row]]
key = "tong"
label = "Cộng"
sum = ["cap_uy", "ubkt"]
params = { chu_the = "cua_don_vi" }
"""


def write(tmp_path: Path, text: str, name: str = "thu.toml") -> Path:
    (tmp_path / name).write_text(text, encoding="utf-8")
    return tmp_path


def test_shipped_tables_load():
    keys = [t.key for t in tables.load_tables(tables.DATA_DIR)]  # this app's own files
    assert keys[:4] == ["ktgs_chu_the", "ky_luat", "to_chuc", "ptdl"]
    assert keys[4:] == [  # the QĐ 357 forms (statistical-forms.md §2)
        "qd357_ktdv_d30",
        "qd357_ktdv_d30_tc",
        "qd357_gsdv_capuy",
        "qd357_gstcd_capuy",
        "qd357_ktdhvpdv",
        "qd357_ktdhvptc",
        "qd357_kt_thnvkt",
        "qd357_kt_thkl",
        "qd357_gsdv_ubkt",
        "qd357_gstcd_ubkt",
        "qd357_kttc_dphi",
        "qd357_kttc",
        "qd357_thkl_dv_capuy",
        "qd357_thkl_tcd_capuy",
        "qd357_thkl_dv_ubkt",
        "qd357_gqknkl",
    ]
    assert all(t.reconstruction and t.note for t in tables.load_tables())


def test_a_good_file_loads(tmp_path):
    (table,) = tables.load_tables(write(tmp_path, GOOD))
    assert table.key == "thu" and [r.key for r in table.rows] == ["cap_uy", "ubkt", "tong"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            'indicator = "ktgs.to_chuc"',
            'indicator = "ktgs.khong_co"',
            "không có chỉ tiêu «ktgs.khong_co»",
        ),
        ('chu_the = "ubkt"', 'chu_the = "ban_to_chuc"', "không nhận giá trị «ban_to_chuc»"),
        (
            'params = { chu_the = "ubkt" }',
            'params = { hinh_thuc = "warning" }',
            "không có tham số «hinh_thuc»",
        ),
        (
            'sum = ["cap_uy", "ubkt"]',
            'sum = ["cap_uy", "ubkt_co_so"]',
            "tổng nêu dòng «ubkt_co_so»",
        ),
        ('key = "ubkt"', 'key = "cap_uy"', "hai dòng cùng khóa cap_uy"),
        ('source = "Quy định 22-QĐ/TW"', "", "thiếu ['source']"),
        ('label = "Cấp ủy"', 'label = "Cấp ủy"\nmau = "đỏ"', "thừa ['mau']"),
    ],
)
def test_a_bad_file_is_refused_naming_file_table_and_row(tmp_path, old, new, message):
    assert old in GOOD
    with pytest.raises(tables.TableError) as err:
        tables.load_tables(write(tmp_path, GOOD.replace(old, new, 1), "sai.toml"))
    text = str(err.value)
    assert message in text and "sai.toml" in text
    if "dòng" in message or "chỉ tiêu" in message or "tham số" in message:
        assert "Biểu thử" in text


def test_an_unknown_indicator_names_the_column(tmp_path):
    with pytest.raises(tables.TableError, match=r"sai.toml, biểu «Biểu thử», cột «Tổ chức đảng»"):
        tables.load_tables(write(tmp_path, GOOD.replace("ktgs.to_chuc", "khong.co"), "sai.toml"))


def test_a_wrong_value_names_the_row(tmp_path):
    bad = GOOD.replace('chu_the = "ubkt"', 'chu_the = "x"')
    with pytest.raises(tables.TableError, match=r"dòng «Ủy ban kiểm tra», cột «Tổ chức đảng»"):
        tables.load_tables(write(tmp_path, bad, "sai.toml"))


def test_a_reconstruction_needs_its_note(tmp_path):
    bad = GOOD.replace('source = "Quy định 22-QĐ/TW"', 'source = "x"\nreconstruction = true')
    with pytest.raises(tables.TableError, match="phải có ghi chú"):
        tables.load_tables(write(tmp_path, bad))


def test_an_empty_folder_is_no_empty_set_of_tables(tmp_path):
    with pytest.raises(tables.TableError, match="Không tìm thấy tệp biểu"):
        tables.load_tables(tmp_path)


# --- reconciliation: flagged, never adjusted -----------------------------------------------------


@pytest.mark.django_db
def test_a_total_that_is_not_the_sum_of_its_parts_is_flagged(tmp_path):
    # "Cộng" declared over the committee and the UBKT but computed over every body of the
    # subtree: the grassroots bodies' subjects are missing from the parts
    bad = GOOD.replace('params = { chu_the = "cua_don_vi" }', 'params = { chu_the = "tat_ca" }')
    (table,) = tables.load_tables(write(tmp_path, bad))
    c = computed("", table=table)
    g = grid(c)
    assert g["tong"]["to_chuc"] > g["cap_uy"]["to_chuc"] + g["ubkt"]["to_chuc"] == 36
    (flag,) = c.flags
    assert "«Cộng» × «Tổ chức đảng»" in flag and "(36)" in flag and "để nguyên" in flag
    # the figure itself stands as computed, not replaced by the sum
    assert g["tong"]["to_chuc"] == computed("ktgs_chu_the").rows[-1].cells[2].value


@pytest.mark.django_db
def test_the_corner_of_a_total_row_with_its_own_figures_adds_up_that_row(tmp_path):
    # «Cộng» over every body of the subtree (more than its parts, as a province's UBKTs of every
    # level beside its own and the grassroots ones), and a total column: the corner is the
    # total row's own cells added up, never the parts' totals (which leave out what lies
    # between them); the difference is flagged, as on the row's other cells
    both = GOOD.replace('params = { chu_the = "cua_don_vi" }', 'params = { chu_the = "tat_ca" }')
    both = both.replace(
        '[[row]]\nkey = "cap_uy"',
        '[[column]]\nkey = "lan_nua"\nlabel = "Lần nữa"\nindicator = "ktgs.to_chuc"\n\n'
        '[[column]]\nkey = "tong"\nlabel = "Tổng số"\nsum = ["to_chuc", "lan_nua"]\n\n'
        '[[row]]\nkey = "cap_uy"',
        1,
    )
    (table,) = tables.load_tables(write(tmp_path, both))
    c = computed("", table=table)
    g = grid(c)
    assert g["tong"]["tong"] == g["tong"]["to_chuc"] + g["tong"]["lan_nua"]
    assert g["tong"]["tong"] > g["cap_uy"]["tong"] + g["ubkt"]["tong"] == 72
    assert any("«Cộng» × «Tổng số»" in f and "(72)" in f for f in c.flags)


@pytest.mark.django_db
def test_the_matching_total_is_not_flagged(tmp_path):
    (table,) = tables.load_tables(write(tmp_path, GOOD))
    c = computed("", table=table)
    assert grid(c)["tong"]["to_chuc"] == 36 and c.flags == []


@pytest.mark.django_db
def test_a_unit_reconciles_with_its_sub_units():
    table = next(t for t in tables.load_tables() if t.key == "ktgs_chu_the")
    bloc = unit("HA.DBK")
    ctx = Context(bloc, term_start(), REFERENCE)
    children = list(
        OrgUnit.objects.filter(links__parent=bloc, links__ends_on__isnull=True).distinct()
    )
    assert len(children) == 72
    assert tables.check_subunits(table, ctx, children) == []
    # a sub-unit left out (a tree that does not add up): flagged, figure unchanged
    busy = max(
        children, key=lambda u: Context(u, ctx.start, ctx.end).figure("ktgs.to_chuc", {}).value
    )
    flags = tables.check_subunits(table, ctx, [u for u in children if u != busy])
    assert flags and any("«Tổng cộng» × «Tổ chức đảng»" in f for f in flags)


@pytest.mark.django_db
def test_discipline_body_groups_of_the_bloc():
    ctx = Context(unit("HA.DBK"), term_start(), REFERENCE)

    def members(group, form=""):
        return ctx.figure("kyluat.dang_vien", {"co_quan": group, "hinh_thuc": form}).value

    # the province's standing committee and UBKT: 1 + 16; the bloc's: 1 (BTV) and 7 (UBKT)
    assert (members("cap_tren"), members("cap_uy"), members("ubkt"), members("co_so")) == (
        17,
        1,
        7,
        15,
    )
    assert members("cap_duoi") == 0 and members("tat_ca") == 40
    assert members("co_so", "reprimand") == 12
    ubkt = Body.objects.get(unit__code="HA.DBK", kind="inspection")
    assert members(str(ubkt.pk), "expulsion") == 3


@pytest.mark.django_db
def test_a_later_module_registers_its_own_family_and_indicator(tmp_path, monkeypatch):
    """Letters, documents…: a family and an indicator registered from outside, used by a table
    file, with no change to the reports app."""
    monkeypatch.setattr(indicators, "REGISTRY", dict(indicators.REGISTRY))
    monkeypatch.setattr(indicators, "FAMILIES", dict(indicators.FAMILIES))
    calls = []

    def letters(unit_, start, end):
        calls.append(unit_.code)
        return {"received": 7, "settled": 5}

    indicators.register_family("don_thu", letters)
    indicators.register(
        indicators.Indicator(
            "donthu.so_don",
            "Đơn thư",
            "đơn",
            "Quy định 22-QĐ/TW",
            "don_thu",
            lambda data, p: data[p["loai"]],
            lambda ctx, data, p: "/don-thu/",
            (
                indicators.Param(
                    "loai", {"received": "nhận", "settled": "đã giải quyết"}, "received"
                ),
            ),
        )
    )
    text = """
[table]
title = "Đơn thư"
source = "Quy định 22-QĐ/TW"
[[column]]
key = "n"
label = "Số đơn"
indicator = "donthu.so_don"
[[row]]
key = "nhan"
label = "Nhận"
[[row]]
key = "xong"
label = "Đã giải quyết"
params = { loai = "settled" }
"""
    (table,) = tables.load_tables(write(tmp_path, text))
    g = grid(computed("", table=table))
    assert g == {"nhan": {"n": 7}, "xong": {"n": 5}} and calls == ["HA.DBK"]  # computed once
    with pytest.raises(ValueError, match="đã được đăng ký"):
        indicators.register(indicators.REGISTRY["donthu.so_don"])


def test_a_file_may_not_name_a_body_by_its_id(tmp_path):
    """A body's id is the database's: a table file naming one would hold for one dataset only."""
    bad = GOOD.replace('indicator = "ktgs.to_chuc"', 'indicator = "kyluat.dang_vien"')
    bad = bad.replace('params = { chu_the = "cap_uy" }', 'params = { co_quan = "12" }')
    bad = bad.replace('chu_the = "ubkt"', 'co_quan = "ubkt"').replace(
        'chu_the = "cua_don_vi"', 'co_quan = "tat_ca"'
    )
    with pytest.raises(tables.TableError, match="không nhận giá trị «12»"):
        tables.load_tables(write(tmp_path, bad, "sai.toml"))
    tables.load_tables(write(tmp_path, bad.replace('"12"', '"cap_tren"'), "sai.toml"))
