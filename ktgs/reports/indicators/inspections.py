"""Indicators of the families "ktgs" (inspections and supervisions per group of performing bodies,
per kind, subjects, outcomes) and "kien_nghi" (follow-ups of the conclusions)."""

from dataclasses import dataclass
from datetime import date
from functools import cached_property

from ktgs.core.choices import InspectionKind
from ktgs.inspections import counting as ktgs_counting
from ktgs.orgs.models import OrgUnit
from ktgs.reports.indicators import (
    CASES,
    SUBJECT_CASES,
    SUBJECT_MEMBERS,
    SUBJECT_ORGS,
    Context,
    Indicator,
    Param,
    register,
    register_family,
)

# --- family "ktgs": inspections and supervisions per group of performing bodies ----------------

C = ktgs_counting
BODY_GROUPS = {
    "tat_ca": "mọi chủ thể (gồm tổ chức đảng trực thuộc)",
    "cua_don_vi": "cấp ủy và ủy ban kiểm tra của chính tổ chức",
    "cap_uy": "cấp ủy (gồm ban thường vụ) của tổ chức",
    "ubkt": "ủy ban kiểm tra của tổ chức",
    "cap_uy_co_so": "cấp ủy cơ sở (đảng ủy, chi bộ cơ sở và chi bộ trực thuộc)",
    "ubkt_co_so": "ủy ban kiểm tra cơ sở",
    "cap_uy_cac_cap": "cấp ủy các cấp",
    "ubkt_cac_cap": "ủy ban kiểm tra các cấp",
}
# Each group as the (place, side) of the performing rows it sums (`counting.places`); None: any.
GROUP_PARTS = {
    "tat_ca": (None, None),
    "cua_don_vi": (C.PLACE_OWN, None),
    "cap_uy": (C.PLACE_OWN, C.SIDE_COMMITTEE),
    "ubkt": (C.PLACE_OWN, C.SIDE_INSPECTION),
    "cap_uy_co_so": (C.PLACE_GRASSROOTS, C.SIDE_COMMITTEE),
    "ubkt_co_so": (C.PLACE_GRASSROOTS, C.SIDE_INSPECTION),
    "cap_uy_cac_cap": (None, C.SIDE_COMMITTEE),
    "ubkt_cac_cap": (None, C.SIDE_INSPECTION),
}


def _in_group(group: str, place: str, side: str) -> bool:
    want_place, want_side = GROUP_PARTS[group]
    return want_place in (None, place) and want_side in (None, side)


@dataclass
class KtgsFamily:
    unit: OrgUnit
    start: date
    end: date
    groups: dict  # (place, side) -> counting.GroupFigures

    @cached_property
    def by_kind(self) -> dict:
        """{(place, side, kind): KindFigures}: one more aggregate query, on first use only."""
        return ktgs_counting.group_kind_figures(self.unit, self.start, self.end)

    def parts(self, group: str) -> list:
        """The GroupFigures the body group sums."""
        return [f for (place, side), f in self.groups.items() if _in_group(group, place, side)]


def _ktgs_family(unit: OrgUnit, start: date, end: date) -> KtgsFamily:
    """`inspections.counting.group_counts`: the rows of `count` summed per place and side of the
    performing body, in the database (two aggregate queries; no row per body, no names)."""
    return KtgsFamily(unit, start, end, ktgs_counting.group_counts(unit, start, end))


def _ktgs_value(attr: str):
    def value(data: KtgsFamily, p: dict) -> int:
        parts = data.parts(p["chu_the"])
        if attr == "by_kind":
            kind = p["loai"]
            return sum(
                f.by_kind.get(kind, 0) if kind else f.inspections + f.supervisions for f in parts
            )
        return sum(getattr(f, attr) for f in parts)

    return value


# A body group's `co-quan` in the drill-down (`inspections.counting.BODY_GROUPS`).
GROUP_KEYS = {
    "tat_ca": "",
    "cua_don_vi": ktgs_counting.OWN,
    "cap_uy": "nhom-cap-uy",
    "ubkt": "nhom-ubkt",
    "cap_uy_co_so": "nhom-cap-uy-co-so",
    "ubkt_co_so": "nhom-ubkt-co-so",
    "cap_uy_cac_cap": "nhom-cap-uy-cac-cap",
    "ubkt_cac_cap": "nhom-ubkt-cac-cap",
}


def _drill_link(ctx: Context, data: KtgsFamily, p: dict, extra: dict) -> str:
    """The drill-down of one body group's records (`extra`: what they count)."""
    group = p["chu_the"]
    body = GROUP_KEYS.get(group, group)  # a body's row key (an expanded row) as it is
    query = {"don-vi": ctx.unit.code, **ctx.range_params(), "co-quan": body, **extra}
    return ctx.link("counting:list", query)


def _ktgs_link(slug: str):
    def link(ctx: Context, data: KtgsFamily, p: dict) -> str:
        metric = (p.get("loai") or "tat-ca") if slug == "loai" else slug
        return _drill_link(ctx, data, p, {"chi-so": metric})

    return link


register_family("ktgs", _ktgs_family)
GROUP = Param("chu_the", BODY_GROUPS, "tat_ca")
KIND = Param("loai", {"": "mọi loại", **dict(InspectionKind.choices)})
KTGS_SOURCE = "Quy định 22-QĐ/TW, Điều 39 (thống kê công tác kiểm tra, giám sát)"
for _key, _label, _counts, _attr, _slug in (
    ("ktgs.cuoc_kiem_tra", "Cuộc kiểm tra", CASES, "inspections", "kiem-tra"),
    ("ktgs.cuoc_giam_sat", "Cuộc giám sát", CASES, "supervisions", "giam-sat"),
    (
        "ktgs.to_chuc",
        "Tổ chức đảng được kiểm tra, giám sát",
        SUBJECT_ORGS,
        "organisations",
        "to-chuc",
    ),
    (
        "ktgs.cap_uy_vien",
        "Đảng viên là cấp ủy viên được kiểm tra, giám sát",
        SUBJECT_MEMBERS,
        "committee_members",
        "cap-uy-vien",
    ),
    (
        "ktgs.dang_vien",
        "Đảng viên được kiểm tra, giám sát",
        SUBJECT_MEMBERS,
        "members",
        "dang-vien",
    ),
    ("ktgs.vi_pham", "Đối tượng kết luận có vi phạm", SUBJECT_CASES, "violations", "vi-pham"),
):
    register(
        Indicator(
            _key,
            _label,
            _counts,
            KTGS_SOURCE,
            "ktgs",
            _ktgs_value(_attr),
            _ktgs_link(_slug),
            (GROUP,),
        )
    )
register(
    Indicator(
        "ktgs.cuoc",
        "Cuộc kiểm tra, giám sát theo loại",
        CASES,
        KTGS_SOURCE,
        "ktgs",
        _ktgs_value("by_kind"),
        _ktgs_link("loai"),
        (GROUP, KIND),
    )
)


# --- the same family per kind of inspection or supervision: subjects, "lượt", outcomes ----------

SUBJECTS = {"to_chuc": "tổ chức đảng", "dang_vien": "đảng viên", "cap_uy_vien": "cấp ủy viên"}
SUBJECT_ATTR = {
    "to_chuc": "organisations",
    "dang_vien": "members",
    "cap_uy_vien": "committee_members",
}
SUBJECT_SLUG = {"to_chuc": "to-chuc", "dang_vien": "dang-vien", "cap_uy_vien": "cap-uy-vien"}
CASE_SUBJECTS = {"to_chuc": "lượt tổ chức đảng", "dang_vien": "lượt đảng viên"}
CASE_ATTR = {"to_chuc": "organisation_cases", "dang_vien": "member_cases"}
CASE_SLUG = {"to_chuc": "luot-to-chuc", "dang_vien": "luot-dang-vien"}
# Outcomes of the conclusions as the sector splits them (lượt đối tượng).
RESULTS = {
    "vi_pham": "có vi phạm",
    "vi_pham_ky_luat": "có vi phạm đến mức phải xem xét kỷ luật",
    "dau_hieu": "giám sát phát hiện có dấu hiệu vi phạm",
    "khong_khuyet_diem": "không có khuyết điểm (thực hiện tốt)",
    "han_che": "có ưu điểm, có hạn chế, khuyết điểm",
    "chua_den_ky_luat": "có hạn chế, khuyết điểm, vi phạm chưa đến mức kỷ luật",
}
RESULT_ATTRS = {
    "vi_pham": ("violations",),
    "vi_pham_ky_luat": ("violations_discipline",),
    "dau_hieu": ("signs_of_violation",),
    "khong_khuyet_diem": ("no_shortcoming",),
    "han_che": ("shortcomings",),
    "chua_den_ky_luat": ("shortcomings", "plain_violations"),
}
# The drill-down's `chi-so` of each result (a result made of two: one filter for both).
RESULT_SLUG = {
    "vi_pham": "vi-pham",
    "vi_pham_ky_luat": "vi-pham-ky-luat",
    "dau_hieu": "dau-hieu",
    "khong_khuyet_diem": "khong-khuyet-diem",
    "han_che": "han-che",
    "chua_den_ky_luat": "chua-den-ky-luat",
}


def _kind_sum(data: KtgsFamily, p: dict, attrs: tuple) -> int:
    """The sum of `attrs` over the group's bodies, in one kind (or every kind)."""
    group, kind = p["chu_the"], p["loai"]
    return sum(
        getattr(f, a)
        for (place, side, k), f in data.by_kind.items()
        if _in_group(group, place, side) and (not kind or k == kind)
        for a in attrs
    )


def _subjects_value(data: KtgsFamily, p: dict) -> int:
    attr = SUBJECT_ATTR[p["doi_tuong"]]
    if not p["loai"]:  # distinct per body across kinds: the figures of `count`
        return sum(getattr(f, attr) for f in data.parts(p["chu_the"]))
    return _kind_sum(data, p, (attr,))


def _kind_extra(p: dict, slug: str) -> dict:
    return {"chi-so": slug, **({"loai": p["loai"]} if p["loai"] else {})}


register(
    Indicator(
        "ktgs.doi_tuong",
        "Đối tượng được kiểm tra, giám sát (theo loại)",
        f"{SUBJECT_ORGS} hoặc {SUBJECT_MEMBERS}: mỗi đối tượng một lần trong mỗi chủ thể "
        "(và mỗi loại, khi chọn loại)",
        KTGS_SOURCE,
        "ktgs",
        _subjects_value,
        lambda ctx, data, p: _drill_link(
            ctx, data, p, _kind_extra(p, SUBJECT_SLUG[p["doi_tuong"]])
        ),
        (GROUP, KIND, Param("doi_tuong", SUBJECTS, "dang_vien")),
    )
)
register(
    Indicator(
        "ktgs.luot",
        "Lượt đối tượng được kiểm tra, giám sát",
        f"{SUBJECT_CASES}: mỗi đối tượng trong mỗi cuộc một lượt",
        KTGS_SOURCE,
        "ktgs",
        lambda data, p: _kind_sum(data, p, (CASE_ATTR[p["doi_tuong"]],)),
        lambda ctx, data, p: _drill_link(ctx, data, p, _kind_extra(p, CASE_SLUG[p["doi_tuong"]])),
        (GROUP, KIND, Param("doi_tuong", CASE_SUBJECTS, "dang_vien")),
    )
)


def _result_link(ctx: Context, data: KtgsFamily, p: dict) -> str | None:
    slug = RESULT_SLUG.get(p["ket_qua"])
    return _drill_link(ctx, data, p, _kind_extra(p, slug)) if slug else None


register(
    Indicator(
        "ktgs.ket_qua",
        "Kết quả kết luận kiểm tra, giám sát",
        f"{SUBJECT_CASES} theo kết quả kết luận (tổ chức và đảng viên)",
        KTGS_SOURCE + "; Quy định 22-QĐ/TW, Điều 11, 14, 21 (kết luận)",
        "ktgs",
        lambda data, p: _kind_sum(data, p, RESULT_ATTRS[p["ket_qua"]]),
        _result_link,
        (GROUP, KIND, Param("ket_qua", RESULTS, "vi_pham")),
    )
)
register(
    Indicator(
        "ktgs.cuoc_vi_pham",
        "Cuộc kiểm tra có kết luận vi phạm",
        f"{CASES}: cuộc có ít nhất một đối tượng kết luận có vi phạm",
        KTGS_SOURCE,
        "ktgs",
        lambda data, p: _kind_sum(data, p, ("cases_with_violation",)),
        lambda ctx, data, p: _drill_link(ctx, data, p, _kind_extra(p, "cuoc-vi-pham")),
        (GROUP, KIND),
    )
)


# --- family "kien_nghi": follow-ups of the conclusions --------------------------------------

FOLLOW_UPS = {
    "tong": "phải theo dõi (đã thực hiện trong kỳ và chưa thực hiện cuối kỳ)",
    "da_thuc_hien": "đã thực hiện trong kỳ",
    "chua_thuc_hien": "chưa thực hiện ngày cuối kỳ",
    "qua_han": "chưa thực hiện và quá hạn ngày cuối kỳ",
}


def _follow_up_value(data, p: dict) -> int:
    return {
        "tong": data.done + data.pending,
        "da_thuc_hien": data.done,
        "chua_thuc_hien": data.pending,
        "qua_han": data.overdue,
    }[p["tinh_trang"]]


FOLLOW_UP_SLUGS = {
    "tong": "tat-ca",
    "da_thuc_hien": "da-thuc-hien",
    "chua_thuc_hien": "chua-thuc-hien",
    "qua_han": "qua-han",
}


def _follow_up_link(ctx: Context, data, p: dict) -> str:
    query = {"don-vi": ctx.unit.code, **ctx.range_params(), "chi-so": "kien-nghi"}
    query["tinh-trang"] = FOLLOW_UP_SLUGS[p["tinh_trang"]]
    return ctx.link("counting:list", query)


register_family("kien_nghi", ktgs_counting.follow_up_figures)
register(
    Indicator(
        "ktgs.kien_nghi",
        "Kiến nghị sau kiểm tra, giám sát (theo dõi thực hiện)",
        "nội dung kiến nghị (mỗi kiến nghị một)",
        "Quy định 22-QĐ/TW (theo dõi việc thực hiện kết luận); Biểu PTDL mục G",
        "kien_nghi",
        _follow_up_value,
        _follow_up_link,
        (Param("tinh_trang", FOLLOW_UPS, "tong"),),
    )
)
