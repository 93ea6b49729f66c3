"""KTGS checked as an outsider would: a bloc built from docs/formats.md alone (outsider.py: its
own names, codes and sizes, nothing of the demo), imported into an EMPTY database as README's
«Cài đặt lần đầu với dữ liệu lịch sử» says (migrate, `ktgs setting in-use-since`, `ktgs import`),
gives the figures it was built for — the example report's (dataset 1) and others (dataset 2) —
read in that database by the app's own selectors (home page overview, Số liệu KTGS, Số liệu kỷ
luật) in a child process. SQLite file or a fresh PostgreSQL database, as test_roundtrip.py."""

import json
from datetime import date

from ktgs.ops.tests.helpers import ktgs
from ktgs.reports.tests.outsider import (
    BLOC_BTV,
    BLOC_UBKT,
    CELL,
    GRASSROOTS_COMMITTEE,
    PROVINCE_BTV,
    PROVINCE_UBKT,
    Bloc,
    build,
)

FIGURES = (
    "import django, json, sys; django.setup(); "
    "from ktgs.reports.tests.outsider import figures; "
    "print(json.dumps(figures(sys.argv[1], sys.argv[2])))"
)


def load(bloc: Bloc, tmp_path, empty_database) -> tuple[str, dict]:
    """Build the workbook, import it into the empty database; (import output, figures)."""
    data_dir, url = empty_database
    path = build(bloc, tmp_path / f"{bloc.prefix}.xlsx")
    ktgs("setting", "in-use-since", "01/01/2024", data_dir=data_dir, database_url=url)
    imported = ktgs("import", str(path), data_dir=data_dir, database_url=url).stdout
    args = ("-c", FIGURES, f"{bloc.prefix}.K", bloc.end.isoformat())
    figures = json.loads(ktgs(*args, data_dir=data_dir, database_url=url).stdout)
    return imported, figures


# The example report (shared/domain/example-report.txt), from the start of the 2020–2025 term to
# 30/06/2023; the province's UBKT warns a đảng bộ cơ sở under the bloc committee, within its
# competence since QĐ 22-QĐ/TW (khiển trách, cảnh cáo of organisations under a lower committee).
EXAMPLE = Bloc(
    prefix="BS",
    province_name="Đảng bộ tỉnh Bình Sơn",
    bloc_name="Đảng bộ Khối Doanh nghiệp tỉnh Bình Sơn",
    committees=44,
    cells=288,
    base_cells=28,
    members=4759,
    term_start=date(2020, 10, 1),
    committee_inspected=(19, 114),
    ubkt_inspected=(17, 49),
    discipline=[
        (PROVINCE_BTV, "Cách chức", "member", 1),
        (PROVINCE_UBKT, "Cảnh cáo", "org", 1),
        (PROVINCE_UBKT, "Cảnh cáo", "member", 11),
        (PROVINCE_UBKT, "Khiển trách", "member", 4),
        (PROVINCE_UBKT, "Khai trừ", "member", 1),
        (BLOC_BTV, "Khai trừ", "member", 1),
        (BLOC_UBKT, "Khai trừ", "member", 3),
        (BLOC_UBKT, "Cảnh cáo", "member", 4),
        (CELL, "Khiển trách", "member", 12),
        (GRASSROOTS_COMMITTEE, "Cảnh cáo", "member", 3),
    ],
)

OTHER = Bloc(
    prefix="TL",
    province_name="Đảng bộ tỉnh Tân Lập",
    bloc_name="Đảng bộ Khối Các cơ quan tỉnh Tân Lập",
    committees=20,
    cells=90,
    base_cells=10,
    members=1234,
    term_start=date(2020, 9, 15),
    committee_inspected=(7, 25),
    ubkt_inspected=(5, 12),
    seats_per_committee=3,
    end=date(2022, 12, 31),
    discipline=[
        (PROVINCE_BTV, "Cách chức", "member", 1),
        (PROVINCE_UBKT, "Khiển trách", "member", 2),
        (BLOC_BTV, "Cảnh cáo", "org", 1),
        (BLOC_UBKT, "Khai trừ", "member", 2),
        (BLOC_UBKT, "Khiển trách", "member", 1),
        (CELL, "Khiển trách", "member", 5),
        (GRASSROOTS_COMMITTEE, "Cảnh cáo", "member", 2),
    ],
)


def test_the_example_reports_figures_from_an_outsiders_file(tmp_path, empty_database):
    imported, got = load(EXAMPLE, tmp_path, empty_database)
    # 4.759 members today and the 5 expelled ones
    assert "Đảng viên: thêm 4.764, sửa 0, không đổi 0" in imported
    assert "Cảnh báo" not in imported, imported  # every decision within the rules

    assert got["term"] == ["2020–2025", "2020-10-01"]
    overview = {
        "by_kind": {"Đảng bộ cơ sở": 44, "Chi bộ cơ sở": 28},
        "grassroots": 72,
        "cells": 288,
        "members": 4759,
    }
    assert got["today"] == overview
    assert got["on_end"] == overview

    # "Đảng uỷ Khối … 19 tổ chức đảng và 114 … cấp uỷ viên; Uỷ ban Kiểm tra … 17 … và 49"
    assert got["ktgs_rows"] == {"Đảng ủy Khối (gồm BTV)": [19, 114], "UBKT Đảng ủy Khối": [17, 49]}
    assert got["ktgs_own"] == [36, 163]
    # the grassroots committee's supervision of one of its cells is in the subtree's total only
    assert got["ktgs_total"] == [37, 163]

    assert got["discipline"] == {
        "BTV Tỉnh ủy": {"organisations": {}, "members": {"Cách chức": 1}},
        "UBKT Tỉnh ủy": {
            "organisations": {"Cảnh cáo": 1},
            "members": {"Khiển trách": 4, "Cảnh cáo": 11, "Khai trừ": 1},
        },
        "BTV Đảng ủy Khối": {"organisations": {}, "members": {"Khai trừ": 1}},
        "UBKT Đảng ủy Khối": {"organisations": {}, "members": {"Cảnh cáo": 4, "Khai trừ": 3}},
        "Đảng ủy, chi bộ cơ sở": {
            "organisations": {},
            "members": {"Khiển trách": 12, "Cảnh cáo": 3},
        },
    }
    assert got["discipline_total"] == [1, 40]  # the decision signed after 30/06/2023 left out

    # the same figures through the report's tables, as the report page computes them
    assert_tables(got["tables"], overview, committee=(19, 114), ubkt=(17, 49), disciplined=(1, 40))
    assert_357_forms(got["tables"], EXAMPLE)


def test_another_bloc_gives_its_own_figures(tmp_path, empty_database):
    imported, got = load(OTHER, tmp_path, empty_database)
    assert "Đảng viên: thêm 1.236, sửa 0, không đổi 0" in imported
    assert "Cảnh báo" not in imported, imported

    assert got["term"] == ["2020–2025", "2020-09-15"]
    overview = {
        "by_kind": {"Đảng bộ cơ sở": 20, "Chi bộ cơ sở": 10},
        "grassroots": 30,
        "cells": 90,
        "members": 1234,
    }
    assert got["today"] == overview
    assert got["on_end"] == overview
    assert got["ktgs_rows"] == {"Đảng ủy Khối (gồm BTV)": [7, 25], "UBKT Đảng ủy Khối": [5, 12]}
    assert got["ktgs_own"] == [12, 37]
    assert got["ktgs_total"] == [13, 37]
    assert got["discipline"] == {
        "BTV Tỉnh ủy": {"organisations": {}, "members": {"Cách chức": 1}},
        "UBKT Tỉnh ủy": {"organisations": {}, "members": {"Khiển trách": 2}},
        "BTV Đảng ủy Khối": {"organisations": {"Cảnh cáo": 1}, "members": {}},
        "UBKT Đảng ủy Khối": {"organisations": {}, "members": {"Khiển trách": 1, "Khai trừ": 2}},
        "Đảng ủy, chi bộ cơ sở": {
            "organisations": {},
            "members": {"Khiển trách": 5, "Cảnh cáo": 2},
        },
    }
    assert got["discipline_total"] == [1, 13]
    assert_tables(got["tables"], overview, committee=(7, 25), ubkt=(5, 12), disciplined=(1, 13))
    assert_357_forms(got["tables"], OTHER)


def assert_tables(tables: dict, overview: dict, *, committee, ubkt, disciplined) -> None:
    ktgs = tables["ktgs_chu_the"]["rows"]
    assert (ktgs["cap_uy"]["to_chuc"], ktgs["cap_uy"]["cap_uy_vien"]) == committee
    assert (ktgs["ubkt"]["to_chuc"], ktgs["ubkt"]["cap_uy_vien"]) == ubkt
    total = tables["ky_luat"]["rows"]["tong"]
    assert (total["to_chuc"], total["dv_tong"]) == disciplined
    org = {key: row["so_luong"] for key, row in tables["to_chuc"]["rows"].items()}
    assert org["dang_bo_co_so"] == overview["by_kind"]["Đảng bộ cơ sở"]
    assert org["chi_bo_co_so"] == overview["by_kind"]["Chi bộ cơ sở"]
    assert org["tccsd"] == overview["grassroots"]
    assert org["chi_bo_truc_thuoc"] == overview["cells"]
    assert org["dang_vien"] == overview["members"]
    for table in tables.values():  # every total reconciles with its parts
        assert table["flags"] == []


FORM_COLUMNS = {"Khiển trách": "kt", "Cảnh cáo": "cc", "Cách chức": "cch", "Khai trừ": "ktr"}
FORM_COLUMNS["Giải tán"] = "gt"


def assert_357_forms(tables: dict, bloc: Bloc) -> None:
    """The QĐ 357 forms from what outsider.py wrote for `bloc`: the committee's and the UBKT's
    thematic supervision of the first half (and one more) of their organisations and committee
    members, the committee's compliance inspection of the rest, a grassroots committee's
    supervision of one of its cells, and the decisions of `bloc.discipline`."""

    def rows(key):
        return tables[f"qd357_{key}"]["rows"]

    def halves(n_org, n_people):
        first_o, first_p = (n_org + 1) // 2 + 1, (n_people + 1) // 2 + 1
        return first_o, first_p, n_org - first_o + 1, n_people - first_p + 1

    sup_o, sup_p, ins_o, ins_p = halves(*bloc.committee_inspected)
    assert rows("ktdv_d30")["cap_uy"] == {"tong": ins_p, "cap_uy_vien": ins_p}
    assert rows("ktdv_d30_tc")["cap_uy"]["tong"] == ins_o
    assert rows("gsdv_capuy")["cap_uy"] == {"tong": sup_p, "chuyen_de": sup_p, "thuong_xuyen": 0}
    assert rows("gstcd_capuy")["cap_uy"]["chuyen_de"] == sup_o
    assert rows("gstcd_capuy")["cap_uy_co_so"]["chuyen_de"] == 1  # the grassroots committee's
    assert rows("gstcd_capuy")["tong"]["tong"] == sup_o + 1
    ubkt_o, ubkt_p, _o, _p = halves(*bloc.ubkt_inspected)
    assert rows("gsdv_ubkt")["ubkt"]["chuyen_de"] == ubkt_p
    assert rows("gstcd_ubkt")["ubkt"]["chuyen_de"] == ubkt_o
    # the UBKT's compliance inspection fits no QĐ 357 form; nothing on signs, duty, finance
    for key in ("ktdhvpdv", "ktdhvptc", "kt_thnvkt", "kttc"):
        assert all(v == 0 for v in rows(key)["tong"].values()), key

    def decided(bodies, kind) -> dict:
        out = {}
        for body, form, k, n in bloc.discipline:
            if body in bodies and k == kind:
                out[FORM_COLUMNS[form]] = out.get(FORM_COLUMNS[form], 0) + n
        return out

    def without_zeros(row: dict) -> dict:
        return {k: v for k, v in row.items() if v and k != "tong"}

    committees = rows("thkl_dv_capuy")
    assert without_zeros(committees["cap_uy"]) == decided({BLOC_BTV}, "member")
    assert without_zeros(committees["co_so"]) == decided({CELL, GRASSROOTS_COMMITTEE}, "member")
    assert without_zeros(rows("thkl_dv_ubkt")["ubkt"]) == decided({BLOC_UBKT}, "member")
    assert without_zeros(rows("thkl_tcd_capuy")["tong"]) == decided({BLOC_BTV}, "org")
