"""Indicators of the families "ky_luat" (discipline per deciding body and form), "khieu_nai"
(appeals) and "dinh_chi" (suspensions)."""

from dataclasses import dataclass
from datetime import date

from ktgs.core.choices import DisciplineForm
from ktgs.discipline import counting as discipline_counting
from ktgs.discipline.choices import AppealOutcome, SuspensionSubject
from ktgs.orgs.models import OrgUnit
from ktgs.reports.indicators import (
    SUBJECT_MEMBERS,
    SUBJECT_ORGS,
    Context,
    Indicator,
    Param,
    register,
    register_family,
)

# --- family "ky_luat": discipline per deciding body and sanction -----------------------------

DISCIPLINE_GROUPS = {
    "tat_ca": "mọi cơ quan quyết định",
    "cap_tren": "cơ quan cấp trên của tổ chức",
    "cap_duoi": "cơ quan của tổ chức trực thuộc trên cơ sở",
    "cap_uy": "cấp ủy, ban thường vụ của tổ chức",
    "ubkt": "ủy ban kiểm tra của tổ chức",
    "co_so": "đảng ủy, chi bộ cơ sở (gồm chi bộ trực thuộc)",
    "co_so_cap_uy": "trong đó đảng ủy, ban thường vụ, chi bộ cơ sở, chi bộ trực thuộc",
    "co_so_ubkt": "trong đó ủy ban kiểm tra đảng ủy cơ sở",
}
# The two parts of the grassroots row, from `discipline.counting.count(split_grassroots=True)`.
GRASSROOTS_PARTS = {
    "co_so_cap_uy": discipline_counting.GRASSROOTS_COMMITTEES,
    "co_so_ubkt": discipline_counting.GRASSROOTS_UBKT,
}


D = discipline_counting
# Each group as the rows it takes: by place (`discipline.counting.place_of`) and UBKT or not.
GROUP_RULES = {
    "cap_tren": lambda r: r.place == D.PLACE_ABOVE,
    "cap_duoi": lambda r: r.place == D.PLACE_BETWEEN,
    "cap_uy": lambda r: r.place == D.PLACE_OWN and not r.ubkt,
    "ubkt": lambda r: r.place == D.PLACE_OWN and r.ubkt,
    "co_so": lambda r: r.key == D.GRASSROOTS,
}


@dataclass
class DisciplineFamily:
    figures: discipline_counting.Figures  # a row per deciding body, each with its place


def _discipline_family(unit: OrgUnit, start: date, end: date) -> DisciplineFamily:
    """`discipline.counting.count`: one aggregate query (its rows carry each body's place and
    the grassroots row's two parts); the names of the bodies (one more query) only when a table
    expands a row per deciding body (`discipline_body_rows`)."""
    return DisciplineFamily(discipline_counting.count(unit, start, end, named=False))


def _discipline_rows(data: DisciplineFamily, unit: OrgUnit, group: str) -> list:
    figures = data.figures
    if group in GRASSROOTS_PARTS:
        row = figures.parts.get(GRASSROOTS_PARTS[group])
        return [row] if row else []
    if group == "tat_ca":
        return figures.rows
    rule = GROUP_RULES.get(group, lambda r: r.key == group)  # else one body named by its key
    return [row for row in figures.rows if rule(row)]


def _discipline_value(tally: str):
    def value(data: DisciplineFamily, p: dict) -> int:
        rows = _discipline_rows(data, data.figures.unit, p["co_quan"])
        tallies = [getattr(r, tally) for r in rows]
        form = p["hinh_thuc"]
        return sum(t.by_form.get(form, 0) if form else t.total for t in tallies)

    return value


def _discipline_link(subject: str):
    def link(ctx: Context, data: DisciplineFamily, p: dict) -> str:
        rows = _discipline_rows(data, ctx.unit, p["co_quan"])
        query = {
            "so-lieu": "1",
            "don-vi": ctx.unit.code,
            **ctx.range_params(),
            "doi-tuong": subject,
        }
        if p["hinh_thuc"]:
            query["hinh-thuc"] = p["hinh_thuc"]
        if p["co_quan"] in GRASSROOTS_PARTS:
            query["co-quan"] = GRASSROOTS_PARTS[p["co_quan"]]
        elif p["co_quan"] != "tat_ca":
            if len(rows) != 1:
                return ctx.link(
                    "discipline:figures", {"don-vi": ctx.unit.code, **ctx.range_params()}
                )
            query["co-quan"] = rows[0].key
        return ctx.link("discipline:list", query)

    return link


def discipline_body_rows(ctx: Context) -> list[tuple[str, str]]:
    """(key, name) of the deciding bodies of the period, as `discipline.counting` orders them:
    the rows a table expands with `expand = "ky_luat.co_quan"`."""
    figures = discipline_counting.name_rows(ctx.family("ky_luat").figures)
    return [(r.key, r.name) for r in figures.rows]


register_family("ky_luat", _discipline_family)
DECIDER = Param("co_quan", DISCIPLINE_GROUPS, "tat_ca", dynamic=(discipline_counting.GRASSROOTS,))
FORM = Param("hinh_thuc", {"": "mọi hình thức", **dict(DisciplineForm.choices)})
DISCIPLINE_SOURCE = "Quy định 22-QĐ/TW, Điều 39; Quy định 69-QĐ/TW (hình thức kỷ luật)"
for _key, _label, _counts, _tally, _subject in (
    (
        "kyluat.to_chuc",
        "Tổ chức đảng bị kỷ luật",
        SUBJECT_ORGS,
        "organisations",
        discipline_counting.ORGANISATIONS,
    ),
    (
        "kyluat.dang_vien",
        "Đảng viên bị kỷ luật",
        SUBJECT_MEMBERS,
        "members",
        discipline_counting.MEMBERS,
    ),
    (
        "kyluat.cap_uy_vien",
        "Đảng viên là cấp ủy viên bị kỷ luật",
        SUBJECT_MEMBERS,
        "committee_members",
        discipline_counting.COMMITTEE_MEMBERS,
    ),
):
    register(
        Indicator(
            _key,
            _label,
            f"{_counts}; mỗi quyết định một lượt",
            DISCIPLINE_SOURCE,
            "ky_luat",
            _discipline_value(_tally),
            _discipline_link(_subject),
            (DECIDER, FORM),
        )
    )


# --- families "khieu_nai" and "dinh_chi": appeals and suspensions ----------------------------

APPEALS = {
    "giai_quyet": "đã giải quyết trong kỳ",
    **{o: f"trong đó: {label.lower()}" for o, label in AppealOutcome.choices if o},
    "da_nhan": "nhận trong kỳ",
    "ton": "chưa giải quyết ngày cuối kỳ",
}
APPEAL_KEYS = {
    "giai_quyet": discipline_counting.RESOLVED,
    "da_nhan": discipline_counting.FILED,
    "ton": discipline_counting.PENDING,
}


def _appeal_state(p: dict) -> str:
    return APPEAL_KEYS.get(p["ket_qua"], p["ket_qua"])


def _appeal_link(ctx: Context, data: dict, p: dict) -> str:
    """The appeals list of the unit and period (`discipline:appeals`), one state's."""
    query = {
        "don-vi": ctx.unit.code,
        **ctx.range_params(),
        "ket-qua": discipline_counting.APPEAL_SLUGS[_appeal_state(p)],
    }
    return ctx.link("discipline:appeals", query)


def _suspension_link(ctx: Context, data: dict, p: dict) -> str:
    """The suspensions started in the period (`suspensions:period`), of one subject kind."""
    query = {"don-vi": ctx.unit.code, **ctx.range_params()}
    if p["doi_tuong"]:
        query["doi-tuong"] = discipline_counting.SUSPENSION_SLUGS[p["doi_tuong"]]
    return ctx.link("suspensions:period", query)


register_family("khieu_nai", discipline_counting.appeal_figures)
register(
    Indicator(
        "kyluat.khieu_nai",
        "Khiếu nại kỷ luật (theo kết quả)",
        "vụ (mỗi đơn khiếu nại một), do cơ quan của tổ chức và cấp dưới giải quyết",
        "Điều lệ Đảng, Điều 37; Quy định 22-QĐ/TW (giải quyết khiếu nại kỷ luật đảng)",
        "khieu_nai",
        lambda data, p: data[_appeal_state(p)],
        _appeal_link,
        (Param("ket_qua", APPEALS, "giai_quyet"),),
    )
)
register_family("dinh_chi", discipline_counting.suspension_figures)
register(
    Indicator(
        "kyluat.dinh_chi",
        "Đình chỉ sinh hoạt đảng, đình chỉ hoạt động (bắt đầu trong kỳ)",
        "lượt đình chỉ (mỗi quyết định đình chỉ một)",
        "Điều lệ Đảng, Điều 39; Quy định 22-QĐ/TW (đình chỉ)",
        "dinh_chi",
        lambda data, p: data[p["doi_tuong"]] if p["doi_tuong"] else sum(data.values()),
        _suspension_link,
        (Param("doi_tuong", {"": "mọi đối tượng", **dict(SuspensionSubject.choices)}),),
    )
)
