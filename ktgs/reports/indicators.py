"""Indicators (docs/reports.md, "Chỉ tiêu và biểu"): the figures a report table is made of.

An indicator has a key (`ktgs.to_chuc`), a Vietnamese label, WHAT IT COUNTS (`counts`: subjects
or cases), its source, whether it is additive across sub-units, and the FAMILY it reads from. A
family is computed once per (unit, start, end) by the counting modules' aggregate queries
(`ktgs.inspections.counting`, `ktgs.discipline.counting`, the organisation overview of
`ktgs.orgs.asof`): the reports app never counts records itself. Parameters select a part of the
family (a body group, a kind, a sanction); every figure carries the URL of the records behind it.

A later module registers its own families and indicators with `register_family()` and
`register()` (from its AppConfig.ready), without touching this app.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from urllib.parse import urlencode

from django.db.models import Q
from django.urls import reverse

from ktgs.core.choices import DisciplineForm, InspectionKind
from ktgs.core.vietnamese import format_date
from ktgs.discipline import counting as discipline_counting
from ktgs.discipline.choices import AppealOutcome, SuspensionSubject
from ktgs.inspections import counting as ktgs_counting
from ktgs.orgs import asof
from ktgs.orgs.choices import BodyKind, Level
from ktgs.orgs.models import Body, OrgKind, OrgUnit

# --- what an indicator counts (shown beside every label) ----------------------------------------

SUBJECT_ORGS = "đối tượng (tổ chức)"
SUBJECT_MEMBERS = "đối tượng (đảng viên)"
CASES = "cuộc"
SUBJECT_CASES = "lượt đối tượng"
DECISIONS = "quyết định"
UNITS = "tổ chức"
PEOPLE = "đảng viên"

DYNAMIC = "*"  # a parameter whose values come from the data (a deciding body's id)


@dataclass(frozen=True)
class Param:
    """A parameter: its allowed values {value: label} and its default ("" = all)."""

    name: str
    values: dict
    default: str = ""
    dynamic: tuple = ()  # row keys the family lists (a body's id: digits) — for expanded rows

    def valid(self, value) -> bool:
        value = str(value)
        return value in self.values or (
            bool(self.dynamic) and (value.isdigit() or value in self.dynamic)
        )


@dataclass(frozen=True)
class Indicator:
    key: str
    label: str
    counts: str
    source: str
    family: str
    value: Callable  # (family data, params) -> int
    link: Callable | None = None  # (Context, family data, params) -> url | None
    params: tuple[Param, ...] = ()
    additive: bool = True  # a unit's figure = its own part + the sum of its sub-units'

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)

    def resolved(self, params: dict) -> dict:
        return {p.name: str(params.get(p.name, p.default)) for p in self.params}


REGISTRY: dict[str, Indicator] = {}
FAMILIES: dict[str, Callable] = {}  # name -> (unit, start, end) -> family data


def register(indicator: Indicator) -> Indicator:
    if indicator.key in REGISTRY:
        raise ValueError(f"Chỉ tiêu «{indicator.key}» đã được đăng ký.")
    if indicator.family not in FAMILIES:
        raise ValueError(f"Chỉ tiêu «{indicator.key}»: không có nhóm số liệu «{indicator.family}».")
    REGISTRY[indicator.key] = indicator
    return indicator


def register_family(name: str, compute: Callable) -> None:
    FAMILIES[name] = compute


def get(key: str) -> Indicator | None:
    return REGISTRY.get(key)


@dataclass
class Figure:
    value: int
    url: str | None = None


@dataclass
class Context:
    """The figures of one unit over [start, end]: each family computed once, on first use."""

    unit: OrgUnit
    start: date
    end: date
    families: dict = field(default_factory=dict)

    def family(self, name: str):
        if name not in self.families:
            self.families[name] = FAMILIES[name](self.unit, self.start, self.end)
        return self.families[name]

    def figure(self, key: str, params: dict) -> Figure:
        indicator = REGISTRY[key]
        data = self.family(indicator.family)
        p = indicator.resolved(params)
        wrong = [f"{x.name}={p[x.name]!r}" for x in indicator.params if not x.valid(p[x.name])]
        if wrong:
            raise ValueError(f"Chỉ tiêu «{key}»: tham số không hợp lệ {', '.join(wrong)}.")
        url = indicator.link(self, data, p) if indicator.link else None
        return Figure(int(indicator.value(data, p)), url)

    def previous(self) -> "Context":
        """The range of the same length just before this one."""
        end = self.start - timedelta(days=1)
        return Context(self.unit, end - (self.end - self.start), end)

    def range_params(self) -> dict:
        return {"tu": format_date(self.start), "den": format_date(self.end)}


# --- family "ktgs": inspections and supervisions per performing body -------------------------

GRASSROOTS_LEVELS = (Level.BASE, Level.BELOW_BASE)
COMMITTEE_SIDE = (BodyKind.COMMITTEE, BodyKind.STANDING, BodyKind.CELL_MEETING)
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


@dataclass
class KtgsFamily:
    counts: ktgs_counting.Counts
    groups: dict  # group name -> [row keys]
    by_key: dict = field(default_factory=dict)  # row key -> row (a group sums thousands of rows)

    @cached_property
    def by_kind(self) -> dict:
        """{(row key, kind): KindFigures}: one more aggregate query, on first use only."""
        c = self.counts
        return ktgs_counting.kind_figures(c.unit, c.start, c.end)


def _ktgs_family(unit: OrgUnit, start: date, end: date) -> KtgsFamily:
    """`inspections.counting.count` (two aggregate queries and one for names) and one query for
    the kind and level of each row's body."""
    counts = ktgs_counting.count(unit, start, end)
    body_ids = [int(r.key) for r in counts.rows if not r.key.startswith("cu-")]
    unit_ids = [int(r.key[3:]) for r in counts.rows if r.key.startswith("cu-")]
    levels = {}
    bodies = Body.objects.filter(Q(pk__in=body_ids) | Q(unit_id__in=unit_ids))
    for pk, unit_id, kind, level in bodies.values_list(
        "pk", "unit_id", "kind", "unit__kind__level"
    ):
        levels[str(pk)] = (kind, level)
        levels.setdefault(f"cu-{unit_id}", (BodyKind.COMMITTEE, level))
    groups = {name: [] for name in BODY_GROUPS}
    for row in counts.rows:
        kind, level = levels.get(row.key, ("", ""))
        committee = row.key.startswith("cu-") or kind in COMMITTEE_SIDE
        inspection = kind == BodyKind.INSPECTION
        groups["tat_ca"].append(row.key)
        if row.own:
            groups["cua_don_vi"].append(row.key)
            if committee:
                groups["cap_uy"].append(row.key)
            if inspection:
                groups["ubkt"].append(row.key)
        elif level in GRASSROOTS_LEVELS:
            if committee:
                groups["cap_uy_co_so"].append(row.key)
            if inspection:
                groups["ubkt_co_so"].append(row.key)
        if committee:
            groups["cap_uy_cac_cap"].append(row.key)
        if inspection:
            groups["ubkt_cac_cap"].append(row.key)
    return KtgsFamily(counts, groups, {row.key: row for row in counts.rows})


def _ktgs_value(attr: str):
    def value(data: KtgsFamily, p: dict) -> int:
        rows = [data.by_key[k] for k in data.groups[p["chu_the"]]]
        if attr == "by_kind":
            kind = p["loai"]
            return sum(
                r.by_kind.get(kind, 0) if kind else r.inspections + r.supervisions for r in rows
            )
        return sum(getattr(r, attr) for r in rows)

    return value


def _drill_link(ctx: Context, data: KtgsFamily, p: dict, extra: dict) -> str:
    """The drill-down of one body group's rows (`extra`: what they count), or the figures per
    body when the group is several bodies (each figure there a link to its records)."""
    keys = data.groups[p["chu_the"]]
    base = {"don-vi": ctx.unit.code, **ctx.range_params()}
    if p["chu_the"] in ("tat_ca", "cua_don_vi") or len(keys) == 1:
        body = {"tat_ca": "", "cua_don_vi": ktgs_counting.OWN}.get(p["chu_the"])
        body = keys[0] if body is None and keys else (body or "")
        if keys or p["chu_the"] in ("tat_ca", "cua_don_vi"):
            query = base | {"co-quan": body, **extra}
            return f"{reverse('counting:list')}?{urlencode(query)}"
    return f"{reverse('counting:counts')}?{urlencode(base)}"


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
# The drill-down lists the rows of one result; a result made of two has no single list.
RESULT_SLUG = {"vi_pham": "vi-pham", "vi_pham_ky_luat": "vi-pham-ky-luat", "dau_hieu": "dau-hieu"}


def _kind_sum(data: KtgsFamily, p: dict, attrs: tuple) -> int:
    """The sum of `attrs` over the group's bodies, in one kind (or every kind)."""
    keys, kind = set(data.groups[p["chu_the"]]), p["loai"]
    return sum(
        getattr(f, a)
        for (key, k), f in data.by_kind.items()
        if key in keys and (not kind or k == kind)
        for a in attrs
    )


def _subjects_value(data: KtgsFamily, p: dict) -> int:
    attr = SUBJECT_ATTR[p["doi_tuong"]]
    if not p["loai"]:  # distinct per body across kinds: the figures of `count`
        return sum(getattr(data.counts.row(k), attr) for k in data.groups[p["chu_the"]])
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
        None,  # no list of inspections by result: the subjects in violation are one click away
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


register_family("kien_nghi", ktgs_counting.follow_up_figures)
register(
    Indicator(
        "ktgs.kien_nghi",
        "Kiến nghị sau kiểm tra, giám sát (theo dõi thực hiện)",
        "nội dung kiến nghị (mỗi kiến nghị một)",
        "Quy định 22-QĐ/TW (theo dõi việc thực hiện kết luận); Biểu PTDL mục G",
        "kien_nghi",
        _follow_up_value,
        None,  # the due list shows open follow-ups near their date, not a period's
        (Param("tinh_trang", FOLLOW_UPS, "tong"),),
    )
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


@dataclass
class DisciplineFamily:
    figures: discipline_counting.Figures
    bodies: dict  # row key -> (unit id, kind, unit path)

    @cached_property
    def split(self) -> discipline_counting.Figures:
        """The figures with the grassroots row in two: one more query, on first use only."""
        f = self.figures
        return discipline_counting.count(f.unit, f.start, f.end, split_grassroots=True)


def _discipline_family(unit: OrgUnit, start: date, end: date) -> DisciplineFamily:
    """`discipline.counting.count` (one aggregate query and one for names) and one query for the
    unit and kind of each deciding body."""
    figures = discipline_counting.count(unit, start, end)
    ids = [int(r.key) for r in figures.rows if r.key.isdigit()]
    bodies = {
        str(pk): (u, k, path)
        for pk, u, k, path in Body.objects.filter(pk__in=ids).values_list(
            "pk", "unit_id", "kind", "unit__path"
        )
    }
    return DisciplineFamily(figures, bodies)


def _in_group(row, body: tuple, unit: OrgUnit, group: str) -> bool:
    if group in ("tat_ca", row.key):  # every body, or one body named by its id
        return True
    if row.key == discipline_counting.GRASSROOTS:
        return group == "co_so"
    owner, kind, path = body
    own = owner == unit.pk
    return {
        "cap_tren": not path.startswith(unit.path),
        "cap_duoi": path.startswith(unit.path) and not own,
        "cap_uy": own and kind != BodyKind.INSPECTION,
        "ubkt": own and kind == BodyKind.INSPECTION,
    }.get(group, False)


def _discipline_rows(data: DisciplineFamily, unit: OrgUnit, group: str) -> list:
    if group in GRASSROOTS_PARTS:
        row = data.split.row(GRASSROOTS_PARTS[group])
        return [row] if row else []
    return [
        row
        for row in data.figures.rows
        if _in_group(row, data.bodies.get(row.key, (None, "", "")), unit, group)
    ]


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
                return f"{reverse('discipline:figures')}?{urlencode({'don-vi': ctx.unit.code, **ctx.range_params()})}"
            query["co-quan"] = rows[0].key
        return f"{reverse('discipline:list')}?{urlencode(query)}"

    return link


def discipline_body_rows(ctx: Context) -> list[tuple[str, str]]:
    """(key, name) of the deciding bodies of the period, as `discipline.counting` orders them:
    the rows a table expands with `expand = "ky_luat.co_quan"`."""
    return [(r.key, r.name) for r in ctx.family("ky_luat").figures.rows]


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
APPEAL_KEYS = {"giai_quyet": "resolved", "da_nhan": "filed", "ton": "pending"}
register_family("khieu_nai", discipline_counting.appeal_figures)
register(
    Indicator(
        "kyluat.khieu_nai",
        "Khiếu nại kỷ luật (theo kết quả)",
        "vụ (mỗi đơn khiếu nại một), do cơ quan của tổ chức và cấp dưới giải quyết",
        "Điều lệ Đảng, Điều 37; Quy định 22-QĐ/TW (giải quyết khiếu nại kỷ luật đảng)",
        "khieu_nai",
        lambda data, p: data[APPEAL_KEYS.get(p["ket_qua"], p["ket_qua"])],
        None,  # no list page of appeals yet: each appeal is on its decision's page
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
        None,  # the suspensions page lists current and recent ones, not a period's
        (Param("doi_tuong", {"": "mọi đối tượng", **dict(SuspensionSubject.choices)}),),
    )
)


# --- family "to_chuc": the organisation overview on the end date -----------------------------


@dataclass
class OrgFamily:
    glance: object  # orgs.selectors.Glance, or None when the unit did not exist that day
    grassroots_cells: int  # chi bộ cơ sở among the grassroots organisations
    day: date


def _org_family(unit: OrgUnit, start: date, end: date) -> OrgFamily:
    """The home page's figures on the end date (`orgs.asof.glance_on`, four aggregate queries)
    and the kinds that are cells (one query)."""
    glance = asof.glance_on(unit, end)
    cell_kinds = set(
        OrgKind.objects.filter(is_grassroots=True, is_cell=True).values_list("name", flat=True)
    )
    cells = sum(n for name, n in glance.grassroots_by_kind if name in cell_kinds) if glance else 0
    return OrgFamily(glance, cells, end)


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
    return (
        f"{reverse('orgs:unit_detail', args=[ctx.unit.code])}?{urlencode(_day_param(ctx))}".rstrip(
            "?"
        )
    )


def _member_link(ctx: Context, data: OrgFamily, p: dict) -> str:
    status = {"chinh_thuc": "full", "du_bi": "probationary"}.get(p["loai"], "")
    query = {"don_vi": ctx.unit.code, **_day_param(ctx)} | (
        {"trang_thai": status} if status else {}
    )
    return f"{reverse('orgs:member_list')}?{urlencode(query)}"


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
        None,  # the members' list filters by status on a day, not by admission date
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
        None,  # no list of former members by end reason
    )
)
