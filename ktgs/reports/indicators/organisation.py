"""Indicators of the families "to_chuc" (the organisation overview on the end date) and
"bien_dong" (admissions and strike-offs in the period)."""

from dataclasses import dataclass
from datetime import date

from ktgs.core.vietnamese import format_date
from ktgs.orgs import asof
from ktgs.orgs.models import OrgUnit
from ktgs.reports.indicators import (
    PEOPLE,
    UNITS,
    Context,
    Indicator,
    Param,
    register,
    register_family,
)

# --- family "to_chuc": the organisation overview on the end date -----------------------------


@dataclass
class OrgFamily:
    glance: object  # orgs.selectors.Glance, or None when the unit did not exist that day
    grassroots_cells: int  # chi bộ cơ sở among the grassroots organisations
    day: date


def _org_family(unit: OrgUnit, start: date, end: date) -> OrgFamily:
    """The home page's figures on the end date (`orgs.asof.glance_on`: three queries, the
    grassroots cells among them)."""
    glance = asof.glance_on(unit, end)
    return OrgFamily(glance, glance.grassroots_cells if glance else 0, end)


def _org_value(data: OrgFamily, p: dict) -> int:
    g = data.glance
    if g is None:
        return 0
    what = p["loai"]
    return {
        "tccsd": g.grassroots_total,
        "dang_bo_co_so": g.grassroots_total - data.grassroots_cells,
        "chi_bo_co_so": data.grassroots_cells,
        "chi_bo_truc_thuoc": g.subordinate_cells,
    }[what]


def _member_value(data: OrgFamily, p: dict) -> int:
    g = data.glance
    if g is None:
        return 0
    return {"": g.members_total, "chinh_thuc": g.members_full, "du_bi": g.members_probationary}[
        p["loai"]
    ]


def _day_param(ctx: Context) -> dict:
    from django.utils import timezone

    return {"ngay": format_date(ctx.end)} if ctx.end < timezone.localdate() else {}


def _org_link(ctx: Context, data: OrgFamily, p: dict) -> str:
    return ctx.link("orgs:unit_detail", _day_param(ctx), (ctx.unit.code,))


def _member_link(ctx: Context, data: OrgFamily, p: dict) -> str:
    status = {"chinh_thuc": "full", "du_bi": "probationary"}.get(p["loai"], "")
    query = {"don_vi": ctx.unit.code, **_day_param(ctx)} | (
        {"trang_thai": status} if status else {}
    )
    return ctx.link("orgs:member_list", query)


register_family("to_chuc", _org_family)
ORG_SOURCE = "Điều lệ Đảng, Điều 21–25 (tổ chức cơ sở đảng); số liệu tổ chức, đảng viên cuối kỳ"
register(
    Indicator(
        "tochuc.to_chuc",
        "Tổ chức đảng (cuối kỳ)",
        UNITS,
        ORG_SOURCE,
        "to_chuc",
        _org_value,
        _org_link,
        (
            Param(
                "loai",
                {
                    "tccsd": "tổ chức cơ sở đảng",
                    "dang_bo_co_so": "đảng bộ cơ sở",
                    "chi_bo_co_so": "chi bộ cơ sở",
                    "chi_bo_truc_thuoc": "chi bộ trực thuộc đảng ủy cơ sở",
                },
                "tccsd",
            ),
        ),
        additive=False,  # a grassroots unit is counted by its superior, not by itself
    )
)
register(
    Indicator(
        "tochuc.dang_vien",
        "Đảng viên (cuối kỳ)",
        PEOPLE,
        ORG_SOURCE,
        "to_chuc",
        _member_value,
        _member_link,
        (Param("loai", {"": "tổng số", "chinh_thuc": "chính thức", "du_bi": "dự bị"}),),
    )
)


# --- family "bien_dong": admissions and strike-offs in the period ----------------------------


def _changes_link(ctx: Context, what: str) -> str:
    """The member list's `vao-dang-tu/-den` or `xoa-ten-tu/-den` (orgs.views.member_list)."""
    query = {"don_vi": ctx.unit.code, f"{what}-tu": format_date(ctx.start)}
    query[f"{what}-den"] = format_date(ctx.end)
    return ctx.link("orgs:member_list", query)


register_family("bien_dong", asof.membership_changes)
CHANGES_SOURCE = "Điều lệ Đảng, Điều 4 (kết nạp), Điều 5 (xóa tên đảng viên dự bị)"
register(
    Indicator(
        "tochuc.ket_nap",
        "Đảng viên kết nạp trong kỳ",
        f"{PEOPLE} (ngày vào Đảng trong kỳ, sinh hoạt tại chi bộ của tổ chức ngày đó)",
        CHANGES_SOURCE,
        "bien_dong",
        lambda data, p: data["admitted"],
        lambda ctx, data, p: _changes_link(ctx, "vao-dang"),
    )
)
register(
    Indicator(
        "tochuc.xoa_ten",
        "Đảng viên bị xóa tên trong kỳ",
        f"{PEOPLE} (xóa tên đảng viên dự bị; không phải hình thức kỷ luật)",
        CHANGES_SOURCE,
        "bien_dong",
        lambda data, p: data["struck_off"],
        lambda ctx, data, p: _changes_link(ctx, "xoa-ten"),
    )
)
