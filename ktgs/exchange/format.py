"""The interchange format: which sheets exist, their Vietnamese column headers, keys and parsers.

A sheet is a table: in XLSX one worksheet named `Sheet.name`, in CSV one file named
`<Sheet.name>.csv`. Row 1 holds the headers (any order; case and accents ignored when matching),
every later non-empty row is one record. `key` names the fields that identify a record, so an
updated file updates by key. Later modules add their own sheets with `register()` (and an import
handler, see importer.HANDLERS). The human description is docs/formats.md; the template's
"Hướng dẫn" sheet is generated from the `help` texts here.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from ktgs.core.models import SECRECY_INPUT_CHOICES, Secrecy
from ktgs.core.vietnamese import fold
from ktgs.exchange import cells
from ktgs.orgs.choices import BodyKind, MembershipEnd, SeatRole, Sex, UnitAttributeKey
from ktgs.orgs.models import SuccessionKind

INSTRUCTIONS = "Hướng dẫn"


@dataclass(frozen=True)
class Column:
    header: str
    field: str
    parse: Callable[[object], object]
    help: str = ""
    required: bool = False
    show: Callable[[object], object] | None = None  # value → cell; None: as is ("" for None)

    def cell(self, value):
        if self.show is not None:
            return self.show(value)
        if value is None:
            return ""
        return value if isinstance(value, date | int) else str(value)


@dataclass(frozen=True)
class Sheet:
    name: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    help: str
    export_only: frozenset[str] = frozenset()  # fields written empty on export (e.g. a transfer)
    import_only: bool = False  # no record is ever exported (letters: the filer's identity)

    @property
    def headers(self) -> list[str]:
        return [c.header for c in self.columns]

    def column(self, field: str) -> Column:
        return next(c for c in self.columns if c.field == field)


SHEETS: dict[str, Sheet] = {}


def register(sheet: Sheet) -> Sheet:
    if sheet.name in SHEETS:
        raise ValueError(f"sheet {sheet.name!r} is already registered")
    SHEETS[sheet.name] = sheet
    return sheet


def loose(name: str) -> str:
    """Sheet names, file names and headers compare with case, accents and punctuation ignored."""
    return re.sub(r"[^a-z0-9]+", "", fold(name))


def sheet_named(name: str) -> Sheet | None:
    wanted = loose(name)
    return next((s for s in SHEETS.values() if loose(s.name) == wanted), None)


def _label(choices) -> Callable:
    labels = dict(choices)
    return lambda value: labels.get(value, value or "")


# --- the organisation model ------------------------------------------------------------------

UNIT_CODE = cells.code(40)
MEMBER_CODE = cells.code(20, upper=True)
DECISION = cells.text(120)
BODY_KINDS = [(k.value, k.label) for k in BodyKind]
MEMBER_SECRECY = [c for c in SECRECY_INPUT_CHOICES]


def unit_col(
    header="Mã tổ chức", field="unit", help="Mã của tổ chức (cột «Mã tổ chức» sheet Tổ chức)."
) -> Column:
    return Column(header, field, UNIT_CODE, help, required=True)


def member_col() -> Column:
    return Column(
        "Mã đảng viên", "member", MEMBER_CODE, "Mã đảng viên (sheet Đảng viên).", required=True
    )


def starts_col(header="Từ ngày") -> Column:
    return Column(
        header,
        "starts_on",
        cells.day(required=True, past=True),
        "Ngày bắt đầu (ngày/tháng/năm).",
        True,
    )


def ends_col() -> Column:
    return Column(
        "Đến trước ngày",
        "ends_on",
        cells.day(),
        "Ngày kết thúc — ngày đầu tiên không còn hiệu lực; để trống nếu còn đến nay.",
    )


def decision_col(header="Quyết định") -> Column:
    return Column(header, "decision", DECISION, "Số, ngày quyết định (nếu có).")


UNITS = register(
    Sheet(
        "Tổ chức",
        (
            unit_col(
                "Mã tổ chức", "code", "Mã ổn định, không đổi suốt đời tổ chức (ví dụ HA.DBK.001)."
            ),
            Column("Tên tổ chức", "name", cells.text(255, required=True), "Tên hiện nay.", True),
            Column("Tên gọi tắt", "short_name", cells.text(120), "Tên gọi tắt (nếu có)."),
            Column(
                "Mã loại",
                "kind",
                cells.code(40),
                "Mã loại tổ chức, xem bảng «Loại tổ chức» ở sheet Hướng dẫn (ví dụ cell = chi bộ trực thuộc).",
                True,
            ),
            Column(
                "Ngày thành lập", "established_on", cells.day(required=True, past=True), "", True
            ),
            Column(
                "Ngày giải thể", "closed_on", cells.day(past=True), "Để trống nếu còn hoạt động."
            ),
            decision_col("Quyết định giải thể"),
        ),
        key=("code",),
        help="Mỗi dòng một tổ chức đảng. Cấp trên ghi ở sheet «Trực thuộc».",
    )
)


def unit_days(file_rows: dict) -> dict[str, tuple[date, date | None]]:
    """Code → (established_on, closed_on) as the file's «Tổ chức» sheet gives them. Every check of
    one import reads these for a unit the file gives, not the stored values the same import is
    about to overwrite (a root created "today" by `createadmin`, repeated with its real date)."""
    return {r["code"]: (r["established_on"], r["closed_on"]) for r in file_rows.get(UNITS.name, [])}


LINKS = register(
    Sheet(
        "Trực thuộc",
        (
            unit_col(),
            unit_col("Mã cấp trên", "parent", "Mã tổ chức cấp trên trực tiếp."),
            starts_col(),
            ends_col(),
            decision_col(),
        ),
        key=("unit", "starts_on"),
        help="Tổ chức trực thuộc cấp trên nào, từ ngày nào. Một tổ chức chuyển cấp trên có nhiều "
        "dòng, các khoảng thời gian không chồng nhau. Tổ chức gốc (đảng bộ tỉnh) không có dòng.",
    )
)
NAMES = register(
    Sheet(
        "Tên cũ",
        (
            unit_col(),
            Column("Tên tổ chức", "name", cells.text(255, required=True), "", True),
            Column("Tên gọi tắt", "short_name", cells.text(120)),
            starts_col(),
            ends_col(),
            decision_col(),
        ),
        key=("unit", "starts_on"),
        help="Các tên tổ chức đã mang theo thời gian (khi đổi tên). Không bắt buộc.",
    )
)
SUCCESSIONS = register(
    Sheet(
        "Kế thừa",
        (
            unit_col("Mã tổ chức cũ", "predecessor", "Tổ chức đã sáp nhập hoặc chia tách."),
            unit_col("Mã tổ chức kế thừa", "successor", "Tổ chức tiếp nhận."),
            Column("Ngày hiệu lực", "on", cells.day(required=True, past=True), "", True),
            Column(
                "Hình thức",
                "kind",
                cells.choice(SuccessionKind.choices),
                "Sáp nhập hoặc Chia tách.",
                True,
                _label(SuccessionKind.choices),
            ),
            decision_col(),
        ),
        key=("predecessor", "successor"),
        help="Sáp nhập, chia tách: tổ chức nào tiếp nhận công việc của tổ chức nào. Không bắt buộc.",
    )
)
BODIES = register(
    Sheet(
        "Cơ quan",
        (
            unit_col(),
            Column(
                "Loại cơ quan",
                "kind",
                cells.choice(BODY_KINDS),
                "Cấp ủy, Ban thường vụ, Ủy ban kiểm tra, Chi bộ (hội nghị chi bộ) hoặc Cơ quan tham mưu.",
                True,
                _label(BODY_KINDS),
            ),
            Column("Tên cơ quan", "name", cells.text(255, required=True), "", True),
        ),
        key=("unit", "kind", "name"),
        help="Các cơ quan của tổ chức. Tổ chức mới được tạo sẵn cấp ủy, ban thường vụ, ủy ban kiểm "
        "tra, hội nghị chi bộ theo loại tổ chức; sheet này chỉ cần khi muốn đặt tên khác hoặc "
        "thêm cơ quan tham mưu. Mỗi tổ chức có tối đa một cơ quan mỗi loại (trừ cơ quan tham mưu).",
    )
)
TERMS = register(
    Sheet(
        "Nhiệm kỳ",
        (
            unit_col(),
            Column("Nhiệm kỳ", "name", cells.text(20, required=True), "Ví dụ 2020–2025.", True),
            starts_col(),
            ends_col(),
        ),
        key=("unit", "name"),
        help="Nhiệm kỳ cấp ủy của từng tổ chức.",
    )
)
ATTRIBUTES = register(
    Sheet(
        "Thuộc tính",
        (
            unit_col(),
            Column(
                "Thuộc tính",
                "key",
                cells.choice(UnitAttributeKey.choices),
                "; ".join(label for _v, label in UnitAttributeKey.choices) + ".",
                True,
                _label(UnitAttributeKey.choices),
            ),
            Column(
                "Giá trị",
                "value",
                cells.attribute_value,
                "Có hoặc Không; một số cho Số tổ đảng; chữ cho Tên gọi tắt của cấp ủy "
                "(ví dụ Đảng ủy Khối, Tỉnh ủy).",
                True,
                cells.write_attribute_value,
            ),
            starts_col(),
            ends_col(),
            decision_col(),
        ),
        key=("unit", "key", "starts_on"),
        help="Thuộc tính của tổ chức có thời hạn, ví dụ được ủy quyền kết nạp đảng viên, tên "
        "gọi tắt của cấp ủy trong báo cáo.",
    )
)
MEMBERS = register(
    Sheet(
        "Đảng viên",
        (
            member_col(),
            Column("Họ", "family_name", cells.text(60, required=True), "", True),
            Column("Tên đệm", "middle_name", cells.text(120)),
            Column("Tên", "given_name", cells.text(60, required=True), "", True),
            Column("Ngày sinh", "birth_date", cells.day(required=True, past=True), "", True),
            Column(
                "Giới tính",
                "sex",
                cells.choice(Sex.choices),
                "Nam hoặc Nữ.",
                True,
                _label(Sex.choices),
            ),
            Column(
                "Số CCCD", "citizen_id", cells.digits(12), "12 chữ số; nên định dạng ô là Văn bản."
            ),
            Column("Số CMND cũ", "old_id_number", cells.digits(9), "9 chữ số (nếu có)."),
            Column("Ngày vào Đảng", "admitted_on", cells.day(required=True, past=True), "", True),
            Column(
                "Ngày chính thức", "official_on", cells.day(past=True), "Để trống nếu còn dự bị."
            ),
            Column(
                "Độ mật",
                "secrecy",
                cells.choice(MEMBER_SECRECY, required=False, default=Secrecy.NORMAL.value),
                "Thường, Mật hoặc Tối mật; để trống là Thường.",
                show=_label(Secrecy.choices),
            ),
        ),
        key=("member",),
        help="Mỗi dòng một đảng viên, khóa là mã đảng viên. Nơi sinh hoạt ghi ở sheet «Sinh hoạt».",
    )
)
MEMBERSHIPS = register(
    Sheet(
        "Sinh hoạt",
        (
            member_col(),
            unit_col("Mã chi bộ", "unit", "Mã chi bộ (hoặc chi bộ cơ sở) nơi sinh hoạt."),
            starts_col(),
            ends_col(),
            Column(
                "Lý do kết thúc",
                "end_reason",
                cells.choice(MembershipEnd.choices, required=False),
                "Bắt buộc khi có ngày kết thúc: "
                + ", ".join(label for _v, label in MembershipEnd.choices)
                + ".",
                show=_label(MembershipEnd.choices),
            ),
            decision_col(),
            Column(
                "Ngày chuyển",
                "transfer_on",
                cells.day(past=True),
                "Chỉ điền khi đảng viên chuyển sinh hoạt sang chi bộ khác: ghi mã chi bộ mới và "
                "ngày chuyển. Đổi mã chi bộ mà không có ngày chuyển là sửa sai dòng hiện có.",
            ),
        ),
        key=("member", "starts_on"),
        help="Quá trình sinh hoạt đảng: mỗi dòng một khoảng thời gian tại một chi bộ, không chồng nhau.",
        export_only=frozenset({"transfer_on"}),
    )
)
SEATS = register(
    Sheet(
        "Cấp ủy viên",
        (
            member_col(),
            unit_col("Mã tổ chức", "unit", "Tổ chức có cơ quan đó."),
            Column(
                "Cơ quan",
                "body",
                cells.choice(BODY_KINDS[:3]),
                "Cấp ủy, Ban thường vụ hoặc Ủy ban kiểm tra.",
                True,
                _label(BODY_KINDS),
            ),
            Column(
                "Chức danh",
                "role",
                cells.choice(SeatRole.choices),
                ", ".join(label for _v, label in SeatRole.choices) + ".",
                True,
                _label(SeatRole.choices),
            ),
            Column("Nhiệm kỳ", "term", cells.text(20), "Tên nhiệm kỳ (sheet Nhiệm kỳ), nếu có."),
            starts_col(),
            ends_col(),
        ),
        key=("member", "unit", "body", "role", "starts_on"),
        help="Chức danh trong cấp ủy, ban thường vụ, ủy ban kiểm tra.",
    )
)
HEADS = register(
    Sheet(
        "Người đứng đầu",
        (unit_col(), member_col(), starts_col(), ends_col()),
        key=("unit", "starts_on"),
        help="Người đứng đầu tổ chức theo thời gian; mỗi lúc một người.",
    )
)
MANAGED = register(
    Sheet(
        "Diện quản lý",
        (
            member_col(),
            unit_col("Mã tổ chức", "unit", "Tổ chức có cấp ủy quản lý."),
            Column(
                "Cơ quan",
                "body",
                cells.choice(BODY_KINDS[:2]),
                "Cấp ủy hoặc Ban thường vụ.",
                True,
                _label(BODY_KINDS),
            ),
            starts_col(),
            ends_col(),
        ),
        key=("member", "unit", "body", "starts_on"),
        help="Đảng viên thuộc diện cấp ủy, ban thường vụ nào quản lý.",
    )
)
