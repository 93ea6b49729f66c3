"""The filters of the letters list (`/don-thu/`, docs/letters.md «Tìm, lọc sổ đơn thư»): read
from the page's query into a `selectors.LetterFilter`, each bad value refused with a message
shown next to its field and the list left unfiltered on that field (as the discipline list).

Parameters (each optional):

* `don-vi`: the receiving body's unit, with its sub-units (the unit picker, `orgs.unit_filter`);
* `ngay` = `nhan` (default) | `phan-loai` | `thu-ly` | `ket-luan`: which date `tu` / `den`
  bound — received, routed, accepted for resolution, concluded;
* `loai` (LetterKind), `nac-danh` = `co` | `khong`, `tinh-trang` (LetterStatus), `ly-do`
  (LetterGround), `ket-luan` (the whole letter's verdict: `true`, `partly_true`, `false`),
  `noi-dung` (an item verdict, or `co-ket-luan`: any; the page also counts those items);
* `dang-giai-quyet` = a day: being resolved that day; `qua-han=1`: of those, past their due
  date that day (without a day: today);
* `so-lieu=1`: opened from a figure — every letter the figure counts, those the reader may not
  see as «hạn chế» rows (needs RECORDS_VIEW on the unit; without `don-vi`, the reader's top
  unit).

No parameter names the filer: the list never filters, sorts or shows by the filer.
"""

from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.utils import timezone

from ktgs.core.vietnamese import format_date, parse_date
from ktgs.letters.choices import LetterGround, LetterKind, LetterStatus, LetterVerdict
from ktgs.letters.selectors import ANY_ITEM_VERDICT, RECORDS_VIEW, LetterFilter
from ktgs.orgs.models import OrgUnit
from ktgs.orgs.selectors import scope_roots
from ktgs.orgs.unit_filter import UnitFilter, read_unit_filter

NO_RECORDS = "Vai trò của đồng chí không xem sổ đơn thư."
NO_ROWS = (
    "Vai trò của đồng chí không xem sổ đơn thư của tổ chức này, nên không xem được các đơn "
    "sau số liệu."
)
UNIT_LABEL = "Cơ quan tiếp nhận thuộc (gồm cấp dưới)"

# `ngay`: (slug, date field, label)
DATES = {
    "nhan": ("received_on", "Ngày nhận"),
    "phan-loai": ("routed_on", "Ngày phân loại, xử lý đơn"),
    "thu-ly": ("accepted_on", "Ngày quyết định giải quyết (thụ lý)"),
    "ket-luan": ("concluded_on", "Ngày kết luận"),
}
ANONYMOUS = {"co": "Nặc danh, mạo danh, không rõ người gửi", "khong": "Có tên người gửi"}
LETTER_VERDICTS = {
    str(LetterVerdict.TRUE): "Đúng",
    str(LetterVerdict.PARTLY_TRUE): "Đúng một phần",
    str(LetterVerdict.FALSE): "Sai",
}
ANY_ITEM = "co-ket-luan"
ITEM_VERDICTS = {
    ANY_ITEM: "Mọi nội dung đã có kết luận",
    **{v: label for v, label in LetterVerdict.choices if v != LetterVerdict.PARTLY_TRUE},
}


@dataclass
class ListQuery:
    f: LetterFilter
    unit: OrgUnit | None
    date_slug: str
    figures: bool
    unit_filter: UnitFilter
    errors: dict[str, str] = field(default_factory=dict)  # parameter → message
    item_slug: str = ""
    overdue_asked: bool = False  # «chỉ đơn quá hạn» ticked (applied only with a valid day)

    @property
    def date_label(self) -> str:
        return DATES[self.date_slug][1]

    def params(self) -> dict[str, str]:
        """The query that reproduces this filter (the unit as its code)."""
        f = self.f
        values = {
            "so-lieu": "1" if self.figures else "",
            "don-vi": self.unit.code if self.unit else "",
            "ngay": self.date_slug if (f.start or f.end) and self.date_slug != "nhan" else "",
            "tu": format_date(f.start) if f.start else "",
            "den": format_date(f.end) if f.end else "",
            "loai": f.kind,
            "nac-danh": "" if f.anonymous is None else ("co" if f.anonymous else "khong"),
            "tinh-trang": f.status,
            "ly-do": f.ground,
            "ket-luan": f.verdict,
            "noi-dung": self.item_slug,
            "dang-giai-quyet": format_date(f.pending_on) if f.pending_on else "",
            "qua-han": "1" if f.overdue else "",
        }
        return {k: v for k, v in values.items() if v}

    def query_string(self) -> str:
        return urlencode(self.params())

    @property
    def filtered(self) -> bool:
        return bool(set(self.params()) - {"so-lieu"})

    def summary(self) -> list[str]:
        """The filter in words, for the result line."""
        f, out = self.f, []
        if self.unit:
            out.append(f"cơ quan tiếp nhận thuộc {self.unit.name}")
        if f.start or f.end:
            span = " ".join(
                part
                for part in (
                    f"từ {format_date(f.start)}" if f.start else "",
                    f"đến {format_date(f.end)}" if f.end else "",
                )
                if part
            )
            out.append(f"{self.date_label.lower()} {span}")
        if f.kind:
            out.append(f"loại đơn: {LetterKind(f.kind).label.lower()}")
        if f.anonymous is not None:
            out.append(ANONYMOUS["co" if f.anonymous else "khong"].lower())
        if f.status:
            out.append(f"tình trạng: {LetterStatus(f.status).label.lower()}")
        if f.ground:
            out.append(f"lý do không xem xét: {LetterGround(f.ground).label.lower()}")
        if f.verdict:
            out.append(f"kết luận đơn: {LETTER_VERDICTS[f.verdict].lower()}")
        if self.item_slug:
            out.append(f"có nội dung kết luận: {ITEM_VERDICTS[self.item_slug].lower()}")
        if f.pending_on:
            words = "quá hạn" if f.overdue else "đang giải quyết"
            out.append(f"{words} ngày {format_date(f.pending_on)}")
        return out


def _day(g, name: str, errors: dict) -> date | None:
    text = g.get(name, "").strip()
    if not text:
        return None
    try:
        return parse_date(text)
    except ValueError as exc:
        errors[name] = f"{exc} Danh sách đang không lọc theo ngày này."
        return None


def _choice(g, name: str, allowed, errors: dict) -> str:
    value = g.get(name, "").strip()
    if value and value not in allowed:
        errors[name] = (
            f"Không có lựa chọn «{value[:40]}»: chọn lại trong danh sách. Danh sách đang không "
            "lọc theo mục này."
        )
        return ""
    return value


def read_list_query(request) -> ListQuery:
    """The filter of the page's query; PermissionDenied when the reader may not list it."""
    g, scope = request.GET, request.scope
    picked = read_unit_filter(request, "don-vi", label=UNIT_LABEL)
    unit = picked.unit
    figures = g.get("so-lieu") == "1"
    if figures and unit is None:  # the figures' unit was not (or wrongly) typed: the top one
        unit = scope_roots(scope=scope).first()
        if not picked.text:
            picked.unit = unit  # the field shows the unit listed
    if not scope.may_anywhere(RECORDS_VIEW):
        raise PermissionDenied(NO_RECORDS)
    if figures and (unit is None or not scope.may(RECORDS_VIEW, unit.path)):
        raise PermissionDenied(NO_ROWS)
    errors: dict[str, str] = {}
    date_slug = _choice(g, "ngay", DATES, errors) or "nhan"
    start = _day(g, "tu", errors)
    end = _day(g, "den", errors)
    if start and end and start > end:
        errors["den"] = (
            f"«Từ ngày» ({format_date(start)}) sau «Đến ngày» ({format_date(end)}): đổi lại "
            "khoảng thời gian; danh sách đang không lọc theo ngày."
        )
        start = end = None
    anonymous = _choice(g, "nac-danh", ANONYMOUS, errors)
    item_slug = _choice(g, "noi-dung", ITEM_VERDICTS, errors)
    pending_on = _day(g, "dang-giai-quyet", errors)
    overdue = g.get("qua-han") == "1"
    if overdue and pending_on is None and "dang-giai-quyet" not in errors:
        pending_on = timezone.localdate()
    f = LetterFilter(
        unit_path=unit.path if unit else "",
        date_field=DATES[date_slug][0],
        start=start,
        end=end,
        kind=_choice(g, "loai", LetterKind.values, errors),
        anonymous=None if not anonymous else anonymous == "co",
        status=_choice(g, "tinh-trang", LetterStatus.values, errors),
        ground=_choice(g, "ly-do", LetterGround.values, errors),
        verdict=_choice(g, "ket-luan", LETTER_VERDICTS, errors),
        item_verdict=ANY_ITEM_VERDICT if item_slug == ANY_ITEM else item_slug,
        pending_on=pending_on,
        overdue=overdue and pending_on is not None,
    )
    return ListQuery(f, unit, date_slug, figures, picked, errors, item_slug, overdue)


@dataclass
class Field:
    """One field of the filter form as the template draws it."""

    name: str
    label: str
    value: str  # what the field shows: the value read, or the text typed when it was refused
    error: str = ""
    choices: list[tuple[str, str]] | None = None  # a select; None: a date box
    blank: str = "Tất cả"  # the select's first option (no filter); "" for none

    @property
    def id(self) -> str:
        return "id_" + self.name.replace("-", "_")


def form_fields(q: ListQuery, g) -> dict[str, Field]:
    """The form's fields (but the unit picker), by parameter name."""
    values, errors = q.params(), q.errors

    def box(name, label):  # a date not applied (refused, or a reversed range) shows as typed
        shown = values.get(name) or g.get(name, "").strip()[:40]
        return Field(name, label, shown, errors.get(name, ""))

    def select(name, label, choices, blank="Tất cả"):
        value = values.get(name, "") if name != "ngay" else q.date_slug
        return Field(name, label, value, errors.get(name, ""), list(choices), blank)

    fields = [
        select("loai", "Loại đơn", LetterKind.choices),
        select("nac-danh", "Người gửi", ANONYMOUS.items()),
        select("tinh-trang", "Tình trạng", LetterStatus.choices),
        select("ly-do", "Lý do không xem xét", LetterGround.choices),
        select("ket-luan", "Kết luận đơn", LETTER_VERDICTS.items()),
        select("noi-dung", "Có nội dung kết luận", ITEM_VERDICTS.items()),
        select(
            "ngay", "Lọc khoảng thời gian theo", [(s, lab) for s, (_n, lab) in DATES.items()], ""
        ),
        box("tu", "Từ ngày"),
        box("den", "Đến ngày"),
        box("dang-giai-quyet", "Đang giải quyết ngày"),
    ]
    return {f.name.replace("-", "_"): f for f in fields}
