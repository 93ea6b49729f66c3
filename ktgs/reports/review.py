"""The narrative review (báo cáo thuyết minh, docs/reports.md): the quantitative sentences of a
period report, written the way the sector writes them (shared/domain/example-report.txt).

The WORDING is text, not code: `data/review/cau.toml` (an office's own copy in
`DATA_DIR/mau-bao-cao/cau.toml` replaces it sentence by sentence), read and checked on every
generation. The STRUCTURE is here: which figures a paragraph states, in which order, and which
clauses are left out when their figure is zero. Every number is an indicator's figure
(`Context.figure(key, params)`): this module counts nothing, and each generated paragraph keeps
the figures it was written from (key, params, value, label) so a later change of a record can be
noticed (`outdated`).

Conventions: counts as `format_count` writes them (01, 4.759); deciding bodies by level as
`discipline.counting` orders them (the province's, the unit's, then the grassroots); forms in
brackets, lightest first; names as the reports write them on the period's last day
(`reports.names`).
"""

import re
import string
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from ktgs.core.choices import DisciplineForm
from ktgs.core.vietnamese import format_count
from ktgs.orgs.models import OrgUnit
from ktgs.reports.indicators import Context
from ktgs.reports.indicators.discipline import discipline_body_rows
from ktgs.reports.names import committee_short_name, grassroots_group
from ktgs.reports.periods import Period

SHIPPED = Path(__file__).parent / "data" / "review" / "cau.toml"
OFFICE_FOLDER = "mau-bao-cao"  # under DATA_DIR: the office's own cau.toml

COMMON = {"ky", "to_chuc", "cap_uy", "ubkt"}
# Every sentence of the template file and the placeholders it may use.
SENTENCES: dict[str, dict[str, set[str]]] = {
    "bao_cao": {"tieu_de": {"ky", "to_chuc"}},
    "tong_quan": {
        "cau": COMMON | {"tccsd", "cac_loai", "dang_vien"},
        "dang_bo_co_so": {"so", "chi_bo_truc_thuoc"},
        "chi_bo_co_so": {"so"},
        "noi": set(),
    },
    "kiem_tra_giam_sat": {
        "cau": COMMON | {"doi_tuong", "cac_phan", "cap_duoi"},
        "chi_cap_duoi": COMMON | {"cap_duoi"},
        "khong_co": COMMON,
        "phan": {"chu_the", "doi_tuong"},
        "noi_phan": set(),
        "to_chuc": {"so"},
        "cap_uy_vien": {"so"},
        "dang_vien": {"so", "cap_uy_vien"},
        "noi": set(),
    },
    "ky_luat": {
        "cau": COMMON | {"doi_tuong", "cac_phan"},
        "khong_co": COMMON,
        "to_chuc": {"so"},
        "dang_vien": {"so"},
        "noi": set(),
        "phan": {"co_quan", "doi_tuong"},
        "noi_phan": set(),
        "to_chuc_co_quan": {"so", "hinh_thuc"},
        "dang_vien_co_quan": {"so", "hinh_thuc"},
        "noi_co_quan": set(),
        "hinh_thuc": {"so", "ten"},
        "mot_hinh_thuc": {"ten"},
        "noi_hinh_thuc": set(),
    },
}
GENERATED = {
    "tong_quan": "Tổ chức đảng, đảng viên",
    "kiem_tra_giam_sat": "Kiểm tra, giám sát",
    "ky_luat": "Thi hành kỷ luật",
}
# Paragraphs another app registers (`register_paragraph`, from its AppConfig.ready): key -> Extra.
EXTRA: dict = {}
LAYOUT_KINDS = {"tieu_de": "heading", "sinh": "generated", "viet": "written"}
_OPTIONAL = re.compile(r"\[([^\[\]]*)\]")


@dataclass(frozen=True)
class Extra:
    key: str
    file: Path  # the shipped sentences of section `key` (an office's cau.toml may replace them)
    build: object  # (Review) -> the paragraph's text
    after: str  # placed after this generated paragraph unless the layout names it


def register_paragraph(
    key: str, title: str, sentences: dict, file: Path, build, after: str = "ky_luat"
) -> None:
    """A generated paragraph of another app: its sentences (name -> the placeholders each may
    use) under the section `key` of `file`, written by `build(review)` with `Review.fig`,
    `Review.sentence` and `Review.join`. The layout gets it after the paragraph `after` unless
    the layout (`bao_cao.bo_cuc`, shipped or the office's) places it itself."""
    SENTENCES[key] = sentences
    GENERATED[key] = title
    EXTRA[key] = Extra(key, file, build, after)


class ReviewError(ValueError):
    """A review that cannot be written (no figures, a bad template): the message says why."""


@dataclass(frozen=True)
class Templates:
    sentences: dict  # section -> name -> text
    layout: list  # [(kind, text or generated key)]

    def get(self, section: str, name: str) -> str:
        return self.sentences[section][name]


def _check(path: Path, section: str, name: str, text, allowed: set[str]) -> None:
    where = f"Tệp mẫu câu {path}, câu «{section}.{name}»"
    if not isinstance(text, str):
        raise ReviewError(f"{where}: phải là một đoạn chữ trong dấu ngoặc kép.")
    if text.count("[") != text.count("]") or _OPTIONAL.sub("", text).count("[") or "[[" in text:
        raise ReviewError(
            f"{where}: dấu [ và ] không khớp nhau (mỗi đoạn tùy chọn mở bằng [ và đóng bằng ], "
            "không lồng nhau)."
        )
    try:
        fields = [f for _lit, f, _spec, _conv in string.Formatter().parse(text) if f is not None]
    except ValueError:
        raise ReviewError(
            f"{where}: dấu {{ và }} không khớp nhau (chỗ điền viết là {{tên}})."
        ) from None
    for f in fields:
        if f not in allowed:
            can = ", ".join(f"{{{a}}}" for a in sorted(allowed)) or "không có chỗ điền nào"
            raise ReviewError(
                f"{where}: không có chỗ điền «{{{f}}}». Câu này dùng được: {can}. "
                "Đồng chí sửa tệp rồi soạn lại; chưa có gì được lưu."
            )


def _read(path: Path) -> dict:
    try:
        with open(path, "rb") as f:
            return tomllib.load(f)
    except tomllib.TOMLDecodeError as exc:
        raise ReviewError(f"Tệp mẫu câu {path} không đọc được (sai cú pháp TOML: {exc}).") from None


def _layout(path: Path, raw) -> list:
    where = f"Tệp mẫu câu {path}, «bao_cao.bo_cuc»"
    if not isinstance(raw, list) or not raw:
        raise ReviewError(
            f"{where}: phải là danh sách các mục {{ tieu_de = … }}, {{ sinh = … }}, {{ viet = … }}."
        )
    out = []
    for n, item in enumerate(raw, 1):
        if not isinstance(item, dict) or len(item) != 1 or next(iter(item)) not in LAYOUT_KINDS:
            raise ReviewError(
                f'{where}, mục thứ {n}: mỗi mục là một trong {{ tieu_de = "…" }}, '
                '{ sinh = "…" }, { viet = "…" }.'
            )
        key, value = next(iter(item.items()))
        if not isinstance(value, str):
            raise ReviewError(f"{where}, mục thứ {n}: «{key}» phải là một đoạn chữ.")
        if key == "sinh" and value not in GENERATED:
            raise ReviewError(
                f"{where}, mục thứ {n}: không có đoạn sinh từ số liệu «{value}»; "
                f"dùng một trong: {', '.join(GENERATED)}."
            )
        out.append((LAYOUT_KINDS[key], value))
    return out


def _merge(path: Path, data: dict, sentences: dict) -> list | None:
    layout = None
    for section, values in data.items():
        if section not in SENTENCES or not isinstance(values, dict):
            raise ReviewError(
                f"Tệp mẫu câu {path}: không có mục «{section}»; các mục là: {', '.join(SENTENCES)}."
            )
        for name, text in values.items():
            if section == "bao_cao" and name == "bo_cuc":
                layout = _layout(path, text)
                continue
            if name not in SENTENCES[section]:
                raise ReviewError(
                    f"Tệp mẫu câu {path}: mục «{section}» không có câu «{name}»; các câu là: "
                    f"{', '.join(SENTENCES[section])}."
                )
            _check(path, section, name, text, SENTENCES[section][name])
            sentences[section][name] = text
    return layout


def office_file() -> Path:
    return Path(settings.DATA_DIR) / OFFICE_FOLDER / "cau.toml"


def load_templates(shipped: Path = SHIPPED, office: Path | None = None) -> Templates:
    """The shipped sentences, replaced one by one by the office's file when it exists; each
    checked (ReviewError naming the file and the sentence)."""
    office = office_file() if office is None else office
    sentences: dict = {section: {} for section in SENTENCES}
    layout = _merge(shipped, _read(shipped), sentences)
    for extra in EXTRA.values():
        _merge(extra.file, _read(extra.file), sentences)
    if office.is_file():
        layout = _merge(office, _read(office), sentences) or layout
    for section, names in SENTENCES.items():
        missing = [n for n in names if n not in sentences[section]]
        if missing:
            raise ReviewError(
                f"Tệp mẫu câu {shipped}: mục «{section}» thiếu câu {', '.join(missing)}."
            )
    if layout is None:
        raise ReviewError(f"Tệp mẫu câu {shipped}: thiếu «bao_cao.bo_cuc».")
    return Templates(sentences, _with_extras(layout))


def _with_extras(layout: list) -> list:
    """The layout with each registered paragraph it does not place, after its `after`."""
    layout = list(layout)
    for extra in EXTRA.values():
        if ("generated", extra.key) in layout:
            continue
        at = [n for n, item in enumerate(layout) if item == ("generated", extra.after)]
        gen = [n for n, (kind, _v) in enumerate(layout) if kind == "generated"]
        where = (at or gen or [len(layout) - 1])[-1] + 1
        layout.insert(where, ("generated", extra.key))
    return layout


def fill(text: str, values: dict) -> str:
    """The sentence with its placeholders filled: a number as reports write it (01, 4.759); an
    optional part [ … ] left out when one of its numbers is 0 or one of its texts is empty."""

    def empty(part: str) -> bool:
        names = [f for _l, f, _s, _c in string.Formatter().parse(part) if f is not None]
        return any(values[n] in (0, "") for n in names)

    text = _OPTIONAL.sub(lambda m: "" if empty(m.group(1)) else m.group(1), text)
    shown = {k: format_count(v) if isinstance(v, int) else v for k, v in values.items()}
    return text.format(**shown)


@dataclass
class Paragraph:
    """A generated paragraph and the figures it was written from."""

    key: str
    text: str
    figures: list = field(default_factory=list)  # [{key, params, value, label}]


class Review:
    """The generated paragraphs of one unit over one period."""

    def __init__(self, unit: OrgUnit, period: Period, templates: Templates | None = None):
        self.unit, self.period = unit, period
        self.t = templates or load_templates()
        self.ctx = Context(unit, period.start, period.end)
        committee = str(committee_short_name(unit, period.end))
        self.common = {
            "ky": period.label,
            "to_chuc": unit.name,
            "cap_uy": committee,
            "ubkt": f"UBKT {committee}",
        }
        self._used: list = []

    def title(self) -> str:
        return fill(self.t.get("bao_cao", "tieu_de"), self.common)

    def _fig(self, key: str, params: dict, label: str) -> int:
        value = self.ctx.figure(key, params).value
        self._used.append({"key": key, "params": params, "value": value, "label": label})
        return value

    def _s(self, section: str, name: str, **values) -> str:
        return fill(self.t.get(section, name), values)

    def _join(self, section: str, joiner: str, parts: list[str]) -> str:
        return self.t.get(section, joiner).join(p for p in parts if p)

    # for a registered paragraph's builder (`register_paragraph`)
    def fig(self, key: str, params: dict, label: str) -> int:
        return self._fig(key, params, label)

    def sentence(self, section: str, name: str, **values) -> str:
        return self._s(section, name, **values)

    def join(self, section: str, joiner: str, parts: list[str]) -> str:
        return self._join(section, joiner, parts)

    def paragraph(self, key: str) -> Paragraph:
        self._used = []
        text = EXTRA[key].build(self) if key in EXTRA else getattr(self, f"_{key}")()
        return Paragraph(key, text, self._used)

    def paragraphs(self) -> list[Paragraph]:
        """Every generated paragraph; ReviewError when the period has no KTGS or discipline
        figure at all (nothing to write about yet)."""
        out = [self.paragraph(key) for key in GENERATED]
        counted = [f["value"] for p in out if p.key != "tong_quan" for f in p.figures]
        if not any(counted):
            when = self.period.title
            if self.period.label != self.period.dates_label:
                when += f" ({self.period.dates_label})"
            raise ReviewError(
                f"{when} chưa có số liệu kiểm tra, "
                f"giám sát hay thi hành kỷ luật nào trong hồ sơ của {self.unit.name}: chưa soạn "
                "được báo cáo. Đồng chí chọn kỳ khác, hoặc nhập hồ sơ của kỳ này trước."
            )
        return out

    # --- the paragraphs -------------------------------------------------------------------

    def _tong_quan(self) -> str:
        s = "tong_quan"
        tccsd = self._fig("tochuc.to_chuc", {"loai": "tccsd"}, "tổ chức cơ sở đảng")
        committees = self._fig("tochuc.to_chuc", {"loai": "dang_bo_co_so"}, "đảng bộ cơ sở")
        cells = self._fig(
            "tochuc.to_chuc", {"loai": "chi_bo_truc_thuoc"}, "chi bộ trực thuộc đảng ủy cơ sở"
        )
        base_cells = self._fig("tochuc.to_chuc", {"loai": "chi_bo_co_so"}, "chi bộ cơ sở")
        members = self._fig("tochuc.dang_vien", {}, "đảng viên")
        kinds = [
            self._s(s, "dang_bo_co_so", so=committees, chi_bo_truc_thuoc=cells)
            if committees
            else "",
            self._s(s, "chi_bo_co_so", so=base_cells) if base_cells else "",
        ]
        return self._s(
            s,
            "cau",
            **self.common,
            tccsd=tccsd,
            cac_loai=self._join(s, "noi", kinds),
            dang_vien=members,
        )

    def _subject_figures(self, group: str, who: str) -> tuple[int, int, int]:
        """(organisations, members, committee members) a KTGS body group inspected or
        supervised (distinct per body: `ktgs.to_chuc`, `ktgs.dang_vien`, `ktgs.cap_uy_vien`)."""
        return tuple(
            self._fig(key, {"chu_the": group}, f"{what} được {who} KTGS")
            for key, what in (
                ("ktgs.to_chuc", "tổ chức đảng"),
                ("ktgs.dang_vien", "đảng viên"),
                ("ktgs.cap_uy_vien", "cấp ủy viên"),
            )
        )

    def _subjects(self, orgs: int, members: int, on_committees: int) -> str:
        """How the sentence names the subjects: "36 tổ chức đảng và 163 đảng viên là cấp ủy
        viên" (members all on committees), "… 172 đảng viên (trong đó 160 cấp ủy viên)"."""
        s = "kiem_tra_giam_sat"
        if members and members == on_committees:
            people = self._s(s, "cap_uy_vien", so=members)
        elif members:
            people = self._s(s, "dang_vien", so=members, cap_uy_vien=on_committees)
        else:
            people = ""
        orgs_text = self._s(s, "to_chuc", so=orgs) if orgs else ""
        return self._join(s, "noi", [orgs_text, people])

    def _kiem_tra_giam_sat(self) -> str:
        s = "kiem_tra_giam_sat"
        c = self.common
        own = self._subject_figures("cua_don_vi", f"{c['cap_uy']} và {c['ubkt']}")
        parts = []
        for group, who in (("cap_uy", c["cap_uy"]), ("ubkt", c["ubkt"])):
            figures = self._subject_figures(group, who)
            if any(figures):
                parts.append(self._s(s, "phan", chu_the=who, doi_tuong=self._subjects(*figures)))
        # the sub-units' bodies: every body's figure less the unit's own (a group is the sum of
        # its bodies' rows, so the difference is exact)
        every = self._subject_figures("tat_ca", "các cấp")
        below = tuple(a - b for a, b in zip(every, own, strict=True))
        if not any(own):
            if any(below):
                return self._s(s, "chi_cap_duoi", **c, cap_duoi=self._subjects(*below))
            return self._s(s, "khong_co", **c)
        return self._s(
            s,
            "cau",
            **c,
            doi_tuong=self._subjects(*own),
            cac_phan=self._join(s, "noi_phan", parts) if len(parts) > 1 else "",
            cap_duoi=self._subjects(*below),
        )

    def _forms(self, key: str, body: str, name: str, what: str) -> tuple[int, str]:
        """(total, "11 cảnh cáo, 04 khiển trách") of one deciding body and kind of subject."""
        s = "ky_luat"
        counts = []
        for form, label in DisciplineForm.choices:
            n = self._fig(
                key,
                {"co_quan": body, "hinh_thuc": form},
                f"{what} bị {name} kỷ luật ({label.lower()})",
            )
            if n:
                counts.append((n, label.lower()))
        if len(counts) == 1:
            return counts[0][0], self._s(s, "mot_hinh_thuc", ten=counts[0][1])
        text = self._join(
            s, "noi_hinh_thuc", [self._s(s, "hinh_thuc", so=n, ten=ten) for n, ten in counts]
        )
        return sum(n for n, _ in counts), text

    def _ky_luat(self) -> str:
        s = "ky_luat"
        c = self.common
        orgs = self._fig("kyluat.to_chuc", {"co_quan": "tat_ca"}, "tổ chức đảng bị kỷ luật")
        members = self._fig("kyluat.dang_vien", {"co_quan": "tat_ca"}, "đảng viên bị kỷ luật")
        if not orgs and not members:
            return self._s(s, "khong_co", **c)
        total = self._join(
            s,
            "noi",
            [
                self._s(s, "to_chuc", so=orgs) if orgs else "",
                self._s(s, "dang_vien", so=members) if members else "",
            ],
        )
        parts = []
        for body, name in discipline_body_rows(self.ctx):
            if not body.isdigit():  # the grassroots row, inside a sentence
                name = grassroots_group(lower=True)
            subjects = []
            for key, what, sentence in (
                ("kyluat.to_chuc", "tổ chức đảng", "to_chuc_co_quan"),
                ("kyluat.dang_vien", "đảng viên", "dang_vien_co_quan"),
            ):
                n, forms = self._forms(key, body, name, what)
                if n:
                    subjects.append(self._s(s, sentence, so=n, hinh_thuc=forms))
            if subjects:
                doi_tuong = self._join(s, "noi_co_quan", subjects)
                parts.append(self._s(s, "phan", co_quan=name, doi_tuong=doi_tuong))
        return self._s(s, "cau", **c, doi_tuong=total, cac_phan=self._join(s, "noi_phan", parts))


def outdated_in(ctx: Context, figures: list) -> list[str]:
    changed = []
    for f in figures:
        now = ctx.figure(f["key"], f["params"]).value
        if now != f["value"]:
            changed.append(f"{format_count(f['value'])} → {format_count(now)} {f['label']}")
    return changed
