"""Historical letters in the interchange format: the sheet «Đơn thư» (one row per letter), for
bringing a register kept in a spreadsheet into KTGS. Import only: no export writes letters (an
export would carry what the filer's identity protects; docs/formats.md «Đơn thư»).

A letter is identified by its receiving body (unit code and body kind), the year of its received
date and its number (`Letter`'s unique key). Import only adds: a known letter with the same
content is left alone («không đổi», so a file can be imported twice), with different content it
is an error naming the columns that differ — never overwritten.

The filer's identity (name, address, phone, citizen ID) is encrypted on the way in
(`crypto.encrypt`, with the blind indexes) exactly as `services.letter_register` does. No problem
message, audit event or log line ever holds a filer cell: a bad filer cell names its column and
row only (the parsers below never repeat the cell, `cells.text` does not either).

Registered from `LettersConfig.ready()` (`register_sheets`); the receiving unit is in the column
«Mã tổ chức» (field "unit") and the accused codes in fields the upload's reach check reads
(`exchange.reach`), so a user imports letters only of units where they may change records.
"""

import re
from dataclasses import dataclass, field

from ktgs.audit.services import record
from ktgs.core.models import SECRECY_INPUT_CHOICES, TOP_SECRET, TOP_SECRET_REFUSED, Secrecy
from ktgs.core.vietnamese import format_date
from ktgs.exchange import cells
from ktgs.exchange.format import SHEETS, Column, Sheet, register
from ktgs.letters import crypto, deadlines
from ktgs.letters.choices import (
    ROUTED,
    AnonymousKind,
    Channel,
    ContentCategory,
    FilerKind,
    LetterGround,
    LetterKind,
    LetterStatus,
    LetterVerdict,
)
from ktgs.letters.models import Letter, LetterItem
from ktgs.letters.services import RECEIVING_BODIES, _link_likely_duplicates
from ktgs.orgs.models import Body, Member, OrgUnit
from ktgs.rules import letters as rules

IMPORTED_ACTION = "letters.letter.imported"
SEPARATOR = "|"
BODIES = [(k.value, k.label) for k in RECEIVING_BODIES]
CHANNELS = list(Channel.choices)
KINDS = list(LetterKind.choices)
STATUSES = list(LetterStatus.choices)
GROUNDS = list(LetterGround.choices)
FILER_KINDS = list(FilerKind.choices)
ANONYMOUS_KINDS = list(AnonymousKind.choices)
CATEGORIES = list(ContentCategory.choices)
ITEM_VERDICTS = [
    (v.value, v.label)
    for v in (
        LetterVerdict.FALSE,
        LetterVerdict.UNFOUNDED,
        LetterVerdict.TRUE_SHORTCOMING,
        LetterVerdict.TRUE_VIOLATION,
        LetterVerdict.TRUE,
    )
]
# Where the letter stands decides which history columns it may fill.
ACCEPTED_OR_LATER = (LetterStatus.ACCEPTED, LetterStatus.CONCLUDED)
FILER_COLUMNS = ("filer_name", "filer_address", "filer_phone", "filer_citizen_id")


def _labels(choices) -> str:
    return "; ".join(label for _v, label in choices)


def _show(choices):
    labels = dict(choices)
    return lambda value: labels.get(value, value or "")


def _choice(choices, *, required=True, default=""):
    parse = cells.choice(list(choices), required=required, default=default)

    def run(raw):
        try:
            return parse(raw)
        except cells.CellError as exc:
            raise cells.CellError(exc.message, f"Nhập một trong: {_labels(choices)}.") from None

    return run


def _number(raw) -> int:
    value = cells.raw_text(raw).strip()
    if not value:
        raise cells.CellError("Chưa nhập số đơn.", "Nhập số đơn trong sổ, ví dụ 12.")
    if not value.isdigit() or int(value) < 1:
        raise cells.CellError(
            f"«{value}» không phải số đơn.", "Số đơn là một số nguyên dương, ví dụ 12."
        )
    return int(value)


def _yes_no(raw) -> bool:
    if isinstance(raw, bool):
        return raw
    value = cells.raw_text(raw).strip().lower()
    if value in ("", "không", "khong", "k", "0", "false"):
        return False
    if value in ("có", "co", "x", "1", "true"):
        return True
    raise cells.CellError(
        f"«{value}» không phải Có hoặc Không.",
        "Ghi Có nếu đơn nặc danh, mạo danh; để trống nếu không.",
    )


def _codes(max_length: int, *, upper: bool = False):
    """Codes separated by commas, semicolons or spaces → a tuple (empty: ())."""
    one = cells.code(max_length, upper=upper)

    def parse(raw) -> tuple[str, ...]:
        parts = [p for p in re.split(r"[,;\s]+", cells.raw_text(raw)) if p]
        return tuple(dict.fromkeys(one(p) for p in parts))

    return parse


def _items(raw) -> tuple[str, ...]:
    text = cells.text(20000)(raw)
    return tuple(" ".join(p.split()) for p in text.split(SEPARATOR) if p.strip())


def _categories(raw) -> tuple[str, ...]:
    """One content category per item, in order, separated like the items ("" leaves one
    unclassified)."""
    text = cells.raw_text(raw)
    if not text.strip():
        return ()
    one = _choice(CATEGORIES, required=False)
    return tuple(one(p.strip()) for p in text.split(SEPARATOR))


def _verdicts(raw) -> tuple[str, ...]:
    text = cells.raw_text(raw)
    if not text.strip():
        return ()
    one = _choice(ITEM_VERDICTS)
    return tuple(one(p.strip()) for p in text.split(SEPARATOR))


# --- the filer's cells: never repeated in a message -------------------------------------------


def _secret_text(max_length: int):
    plain = cells.text(max_length)

    def parse(raw) -> str:
        try:
            return " ".join(plain(raw).split())
        except cells.CellError as exc:  # its messages never hold the cell; kept so
            raise cells.CellError(exc.message, exc.fix) from None

    return parse


def _phone(raw) -> str:
    value = _secret_text(30)(raw)
    if value and not all(ch.isdigit() or ch in "+-. ()" for ch in value):
        raise cells.CellError(
            "Số điện thoại có ký tự không phải chữ số.",
            "Số điện thoại chỉ gồm chữ số (có thể có dấu +, -, dấu chấm, ngoặc).",
        )
    return value


def _citizen_id(raw) -> str:
    if isinstance(raw, int | float) and not isinstance(raw, bool):  # a number lost its zeros
        value = cells.raw_text(raw).zfill(12)
    else:
        value = _secret_text(20)(raw).replace(" ", "")
    if value and not (value.isdigit() and len(value) in (9, 12)):
        raise cells.CellError(
            "Số CCCD không đúng dạng.",
            "Số CCCD có 12 chữ số (CMND cũ: 9 chữ số); nên định dạng ô là Văn bản.",
        )
    return value


LETTERS = Sheet(
    "Đơn thư",
    (
        Column(
            "Mã tổ chức",
            "unit",
            cells.code(40),
            "Mã tổ chức đảng có cơ quan nhận đơn (sheet Tổ chức).",
            True,
        ),
        Column(
            "Cơ quan tiếp nhận",
            "body",
            _choice(BODIES),
            _labels(BODIES) + ".",
            True,
            _show(BODIES),
        ),
        Column("Số đơn", "number", _number, "Số trong sổ đơn thư, duy nhất mỗi năm.", True),
        Column("Ngày nhận", "received_on", cells.day(required=True, past=True), "", True),
        Column("Hình thức tiếp nhận", "channel", _choice(CHANNELS), _labels(CHANNELS) + ".", True),
        Column("Loại đơn", "kind", _choice(KINDS), _labels(KINDS) + ".", True),
        Column("Nặc danh", "anonymous", _yes_no, "Có nếu nặc danh, mạo danh, không rõ người gửi."),
        Column(
            "Loại đơn không rõ người gửi",
            "anonymous_kind",
            _choice(ANONYMOUS_KINDS, required=False),
            _labels(ANONYMOUS_KINDS) + ". Chỉ khi đơn nặc danh; để trống nếu chưa rõ.",
            show=_show(ANONYMOUS_KINDS),
        ),
        Column(
            "Người gửi là",
            "filer_kind",
            _choice(FILER_KINDS, required=False),
            _labels(FILER_KINDS) + ". Không ghi cho đơn nặc danh; để trống nếu chưa rõ.",
            show=_show(FILER_KINDS),
        ),
        Column("Họ tên người gửi", "filer_name", _secret_text(255), "Bắt buộc nếu không nặc danh."),
        Column("Địa chỉ người gửi", "filer_address", _secret_text(500)),
        Column("Điện thoại người gửi", "filer_phone", _phone),
        Column("Số CCCD người gửi", "filer_citizen_id", _citizen_id, "12 (hoặc 9) chữ số."),
        Column("Tóm tắt nội dung", "summary", cells.text(20000, required=True), "", True),
        Column(
            "Nội dung đơn",
            "items",
            _items,
            f"Các nội dung tố cáo, khiếu nại, cách nhau bằng dấu «{SEPARATOR}»; để trống: một "
            "nội dung là phần tóm tắt.",
        ),
        Column(
            "Đảng viên bị tố cáo",
            "accused_members",
            _codes(20, upper=True),
            "Mã đảng viên, cách nhau bằng dấu phẩy.",
        ),
        Column(
            "Tổ chức bị tố cáo",
            "accused_units",
            _codes(40),
            "Mã tổ chức, cách nhau bằng dấu phẩy.",
        ),
        Column("Bị tố cáo (ghi bằng chữ)", "accused_text", cells.text(4000)),
        Column(
            "Phân loại nội dung",
            "categories",
            _categories,
            "Nội dung tố cáo theo danh mục của biểu thống kê (đảng viên: 11 mục; tổ chức đảng: "
            f"7 mục), mỗi nội dung một mục, theo thứ tự, cách nhau bằng «{SEPARATOR}»; có thể "
            "để trống.",
        ),
        Column(
            "Tình trạng",
            "status",
            _choice(STATUSES, required=False, default=LetterStatus.REGISTERED.value),
            _labels(STATUSES) + ". Để trống: chưa phân loại.",
            show=_show(STATUSES),
        ),
        Column("Ngày xử lý đơn", "routed_on", cells.day(past=True), "Ngày phân loại, xử lý."),
        Column(
            "Lý do không xem xét",
            "ground",
            _choice(GROUNDS, required=False),
            "Chỉ khi tình trạng là «Không xem xét, lưu đơn».",
        ),
        Column("Chuyển đến", "forwarded_to_text", cells.text(300), "Nơi chuyển đơn đến."),
        Column("Ngày thụ lý", "accepted_on", cells.day(past=True), "Ngày quyết định giải quyết."),
        Column("Số quyết định thụ lý", "accept_number", cells.text(50)),
        Column("Ngày kết luận", "concluded_on", cells.day(past=True)),
        Column("Số kết luận", "conclusion_number", cells.text(50)),
        Column("Kết luận", "conclusion", cells.text(20000)),
        Column(
            "Kết luận từng nội dung",
            "verdicts",
            _verdicts,
            f"Mỗi nội dung một kết luận, theo thứ tự, cách nhau bằng «{SEPARATOR}».",
        ),
        Column("Ngày trả lời", "replied_on", cells.day(past=True)),
        Column("Trả lời người gửi", "reply", cells.text(20000)),
        Column(
            "Độ mật",
            "secrecy",
            cells.choice(SECRECY_INPUT_CHOICES, required=False, default=Secrecy.NORMAL.value),
            "Thường hoặc Mật; để trống là Thường.",
            show=_show(Secrecy.choices),
        ),
    ),
    key=("unit", "body", "received_on", "number"),
    help="Đơn thư đã nhận (sổ đơn cũ): mỗi dòng một đơn. Chỉ thêm mới: đơn đã có (cùng cơ quan, "
    "năm, số) không sửa qua tệp. Thông tin người gửi được mã hóa ngay khi nhập; không xuất ra "
    "tệp nào.",
    import_only=True,
)

# The columns compared with a stored letter (the filer's too: by their decrypted values, and a
# difference names the column only).
COMPARED = tuple(
    c.field
    for c in LETTERS.columns
    if c.field not in ("unit", "body", "number", "received_on") and c.field != "items"
) + ("items",)


def register_sheets() -> None:
    """Add the sheet to the format and the handler to the importer (once)."""
    from ktgs.exchange import importer

    if LETTERS.name in SHEETS:
        return
    register(LETTERS)
    importer.HANDLERS.append(LetterHandler())


# --- checking ------------------------------------------------------------------------------------


@dataclass
class New:
    row: object  # importer.Row
    body: Body
    members: list
    units: list


@dataclass
class Plan:
    creates: list[New] = field(default_factory=list)
    warnings: list = field(default_factory=list)


class LetterHandler:
    """No `export_rows`: the export writes the sheet's headers only, never a letter."""

    sheets = (LETTERS.name,)

    def check(self, rows, problems, counts, tick, file_rows=None) -> Plan:
        return Checker(rows, problems, counts).run()

    def write(self, plan: Plan, tick) -> None:
        for new in plan.creates:
            _create(new)


def _problem(row, field_name, message, fix=""):
    from ktgs.exchange.importer import Problem

    header = row.headers.get(field_name) if field_name else None
    return Problem(row.sheet, row.number, header, message, fix)


def _stored_row(letter: Letter) -> dict:
    """A stored letter as the sheet's values (the filer decrypted, in memory only)."""
    items = list(letter.items.order_by("position"))
    return {
        "channel": letter.channel,
        "kind": letter.kind,
        "anonymous": letter.anonymous,
        "anonymous_kind": letter.anonymous_kind,
        "filer_kind": letter.filer_kind,
        "filer_name": crypto.decrypt(letter.filer_name),
        "filer_address": crypto.decrypt(letter.filer_address),
        "filer_phone": crypto.decrypt(letter.filer_phone),
        "filer_citizen_id": crypto.decrypt(letter.filer_citizen_id),
        "summary": letter.summary,
        "items": tuple(i.content for i in items),
        "accused_members": tuple(sorted(m.code for m in letter.accused_members.all())),
        "accused_units": tuple(sorted(u.code for u in letter.accused_units.all())),
        "accused_text": letter.accused_text,
        "categories": tuple(i.content_category for i in items)
        if any(i.content_category for i in items)
        else (),
        "status": letter.status,
        "routed_on": letter.routed_on,
        "ground": letter.ground,
        "forwarded_to_text": letter.forwarded_to_text,
        "accepted_on": letter.accepted_on,
        "accept_number": letter.accept_number,
        "concluded_on": letter.concluded_on,
        "conclusion_number": letter.conclusion_number,
        "conclusion": letter.conclusion,
        "verdicts": tuple(i.verdict for i in items if i.verdict),
        "replied_on": letter.replied_on,
        "reply": letter.reply,
        "secrecy": letter.secrecy,
    }


def _as_file(row) -> dict:
    values = dict(row.values)
    values["items"] = values["items"] or (values["summary"].strip(),)
    values["accused_members"] = tuple(sorted(values["accused_members"]))
    values["accused_units"] = tuple(sorted(values["accused_units"]))
    values["summary"] = values["summary"].strip()
    if not any(values["categories"]):
        values["categories"] = ()
    return values


class Checker:
    def __init__(self, rows, problems, counts):
        self.rows = rows.get(LETTERS.name, [])
        self.problems = problems
        self.counts = counts
        self.plan = Plan()

    def problem(self, row, field_name, message, fix=""):
        self.problems.append(_problem(row, field_name, message, fix))

    def tally(self, what: str) -> None:
        c = self.counts.setdefault(LETTERS.name, {"created": 0, "updated": 0, "unchanged": 0})
        c[what] += 1

    def run(self) -> Plan:
        seen: dict[tuple, int] = {}
        for row in self.rows:
            key = (row["unit"], row["body"], row["received_on"].year, row["number"])
            if key in seen:
                self.problem(
                    row,
                    "number",
                    f"Đơn số {row['number']} năm {key[2]} của cơ quan này đã có ở dòng "
                    f"{seen[key]}.",
                    "Mỗi đơn một dòng; đơn khác thì ghi số khác.",
                )
                continue
            seen[key] = row.number
            self._check(row)
        return self.plan

    def _check(self, row) -> None:
        before = len(self.problems)
        body = self._body(row)
        self._shape(row)
        members, units = self._accused(row)
        if len(self.problems) > before or body is None:
            return
        stored = (
            Letter.objects.filter(body=body, year=row["received_on"].year, number=row["number"])
            .prefetch_related("items", "accused_members", "accused_units")
            .first()
        )
        if stored is not None:
            self._compare(row, stored)
            return
        self.tally("created")
        self.plan.creates.append(New(row, body, members, units))

    def _body(self, row) -> Body | None:
        unit = OrgUnit.objects.filter(code=row["unit"]).first()
        if unit is None or unit.voided_at is not None:
            self.problem(
                row,
                "unit",
                f"Không có tổ chức mã «{row['unit']}».",
                "Kiểm tra lại mã tổ chức (cột «Mã tổ chức» của sheet «Tổ chức»).",
            )
            return None
        body = Body.objects.filter(unit=unit, kind=row["body"]).select_related("unit").first()
        if body is None:
            self.problem(
                row,
                "body",
                f"{unit.name} không có {dict(BODIES)[row['body']].lower()}.",
                "Chọn cơ quan mà tổ chức này có (sheet «Cơ quan»).",
            )
        return body

    def _accused(self, row) -> tuple[list, list]:
        members = list(
            Member.objects.filter(code__in=row["accused_members"], voided_at__isnull=True)
        )
        missing = set(row["accused_members"]) - {m.code for m in members}
        if missing:
            self.problem(
                row,
                "accused_members",
                "Không có đảng viên mã " + ", ".join(f"«{c}»" for c in sorted(missing)) + ".",
                "Kiểm tra lại mã; người chưa rõ hoặc không có trong KTGS thì ghi ở cột «Bị tố "
                "cáo (ghi bằng chữ)».",
            )
        units = list(OrgUnit.objects.filter(code__in=row["accused_units"], voided_at__isnull=True))
        missing = set(row["accused_units"]) - {u.code for u in units}
        if missing:
            self.problem(
                row,
                "accused_units",
                "Không có tổ chức mã " + ", ".join(f"«{c}»" for c in sorted(missing)) + ".",
                "Kiểm tra lại mã; tổ chức chưa rõ thì ghi ở cột «Bị tố cáo (ghi bằng chữ)».",
            )
        return members, units

    def _shape(self, row) -> None:  # noqa: C901 — one check per column, in the sheet's order
        p = self.problem
        status, received = row["status"], row["received_on"]
        if row["secrecy"] == TOP_SECRET:
            p(row, "secrecy", TOP_SECRET_REFUSED, "Xóa dòng này khỏi tệp.")
        if row["anonymous_kind"] and not row["anonymous"]:
            p(
                row,
                "anonymous_kind",
                "Có loại đơn không rõ người gửi mà cột «Nặc danh» không ghi Có.",
                "Ghi Có ở cột «Nặc danh», hoặc bỏ loại đơn không rõ người gửi.",
            )
        if row["filer_kind"] and row["anonymous"]:
            p(
                row,
                "filer_kind",
                "Đơn nặc danh không ghi người gửi là ai.",
                "Bỏ cột «Người gửi là» cho đơn nặc danh.",
            )
        categories, items = row["categories"], row["items"] or (row["summary"],)
        if categories and len(categories) != len(items):
            p(
                row,
                "categories",
                f"Có {len(categories)} mục phân loại cho {len(items)} nội dung.",
                f"Mỗi nội dung một mục (có thể để trống), theo thứ tự, cách nhau bằng "
                f"«{SEPARATOR}».",
            )
        if not row["anonymous"] and not row["filer_name"]:
            p(
                row,
                "filer_name",
                "Chưa ghi họ tên người gửi.",
                "Ghi họ tên người gửi; đơn không rõ người gửi thì ghi Có ở cột «Nặc danh».",
            )
        for name in ("routed_on", "accepted_on", "concluded_on", "replied_on"):
            on = row[name]
            if on is not None and on < received:
                p(
                    row,
                    name,
                    f"{row.headers[name]} ({format_date(on)}) trước ngày nhận đơn "
                    f"({format_date(received)}).",
                    "Sửa ngày cho đúng: không thể trước ngày nhận.",
                )
        if status == LetterStatus.REGISTERED and row["routed_on"]:
            p(
                row,
                "status",
                "Có ngày xử lý đơn mà tình trạng là «chưa phân loại».",
                "Ghi tình trạng của đơn (ví dụ «Đang giải quyết»), hoặc bỏ ngày xử lý đơn.",
            )
        if status in ROUTED and status != LetterStatus.REGISTERED and not row["routed_on"]:
            p(
                row,
                "routed_on",
                "Đơn đã phân loại, xử lý nhưng chưa ghi ngày xử lý đơn.",
                "Ghi ngày phân loại, xử lý đơn (ngày/tháng/năm).",
            )
        if status == LetterStatus.CONCLUDED and not row["routed_on"]:
            p(row, "routed_on", "Đơn đã kết luận nhưng chưa ghi ngày xử lý đơn.", "Ghi ngày đó.")
        if (status == LetterStatus.NOT_CONSIDERED) != bool(row["ground"]):
            p(
                row,
                "ground",
                "Lý do không xem xét chỉ ghi (và phải ghi) khi tình trạng là «Không xem xét, "
                "lưu đơn».",
                f"Nhập một trong: {_labels(GROUNDS)}; hoặc sửa tình trạng.",
            )
        if (status == LetterStatus.FORWARDED) != bool(row["forwarded_to_text"]):
            p(
                row,
                "forwarded_to_text",
                "Nơi chuyển đến chỉ ghi (và phải ghi) khi tình trạng là «Đã chuyển cấp có thẩm "
                "quyền».",
                "Ghi tên cơ quan nhận đơn chuyển đến, hoặc sửa tình trạng.",
            )
        accepted = status in ACCEPTED_OR_LATER
        if accepted and not row["accepted_on"]:
            p(row, "accepted_on", "Đơn đã thụ lý nhưng chưa ghi ngày thụ lý.", "Ghi ngày đó.")
        if not accepted and (row["accepted_on"] or row["accept_number"]):
            p(
                row,
                "accepted_on" if row["accepted_on"] else "accept_number",
                "Có ngày, số thụ lý mà tình trạng không phải «Đang giải quyết» hay «Đã kết luận».",
                "Sửa tình trạng hoặc bỏ ngày, số thụ lý.",
            )
        if row["routed_on"] and row["accepted_on"] and row["accepted_on"] < row["routed_on"]:
            p(row, "accepted_on", "Ngày thụ lý trước ngày xử lý đơn.", "Sửa ngày.")
        self._conclusion(row)

    def _conclusion(self, row) -> None:
        p = self.problem
        concluded = row["status"] == LetterStatus.CONCLUDED
        said = [
            f for f in ("concluded_on", "conclusion_number", "conclusion", "verdicts") if row[f]
        ]
        if not concluded and said:
            p(
                row,
                said[0],
                "Có kết luận mà đơn chưa kết luận (tình trạng không phải «Đã kết luận»): không "
                "kết luận đơn chưa thụ lý.",
                "Sửa tình trạng thành «Đã kết luận» (ghi cả ngày thụ lý), hoặc bỏ kết luận.",
            )
        if concluded and not row["concluded_on"]:
            p(row, "concluded_on", "Đơn đã kết luận nhưng chưa ghi ngày kết luận.", "Ghi ngày đó.")
        on = row["concluded_on"]
        if on and row["accepted_on"] and on < row["accepted_on"]:
            p(row, "concluded_on", "Ngày kết luận trước ngày thụ lý.", "Sửa ngày.")
        verdicts = row["verdicts"]
        items = row["items"] or (row["summary"],)
        if verdicts and len(verdicts) != len(items):
            p(
                row,
                "verdicts",
                f"Có {len(verdicts)} kết luận cho {len(items)} nội dung.",
                f"Mỗi nội dung một kết luận, theo thứ tự, cách nhau bằng «{SEPARATOR}».",
            )
        if verdicts and row["kind"] != LetterKind.DENUNCIATION:
            p(
                row,
                "verdicts",
                "Kết luận từng nội dung (tố cáo đúng, sai …) chỉ dành cho đơn tố cáo.",
                "Bỏ cột này cho đơn khiếu nại, kiến nghị; ghi kết quả ở cột «Kết luận».",
            )
        elif verdicts:
            allowed = rules.verdict_choices(row["received_on"])
            if allowed is not None:
                wrong = [v for v in verdicts if v not in allowed.item_verdicts]
                if wrong:
                    labels = dict(LetterVerdict.choices)
                    p(
                        row,
                        "verdicts",
                        f"«{labels[wrong[0]]}» không phải kết luận nội dung theo quy định áp "
                        f"dụng ngày nhận đơn — {allowed.basis.citation}.",
                        "Nhập một trong: "
                        + "; ".join(labels[v] for v in allowed.item_verdicts)
                        + ".",
                    )
        replied = row["replied_on"]
        if row["reply"] and not replied:
            p(row, "replied_on", "Có nội dung trả lời mà chưa ghi ngày trả lời.", "Ghi ngày đó.")
        if replied and on and replied < on:
            p(
                row,
                "replied_on",
                "Ngày trả lời người gửi trước ngày kết luận: không trả lời kết luận trước khi có "
                "kết luận.",
                "Sửa ngày trả lời hoặc ngày kết luận.",
            )
        if row["status"] == LetterStatus.ACCEPTED and (row["reply"] or replied):
            p(
                row,
                "reply" if row["reply"] else "replied_on",
                "Đơn đang giải quyết (chưa kết luận) mà đã có trả lời người gửi.",
                "Ghi trả lời sau khi có kết luận (tình trạng «Đã kết luận»).",
            )

    def _compare(self, row, stored: Letter) -> None:
        if stored.voided_at is not None:
            self.problem(
                row,
                "number",
                "Đơn này đã bị hủy trên phần mềm; không nhập lại qua tệp.",
                "Bỏ dòng này khỏi tệp.",
            )
            return
        new, old = _as_file(row), _stored_row(stored)
        changed = [LETTERS.column(f).header for f in COMPARED if new[f] != old[f]]
        if changed:
            self.problem(
                row,
                None,
                f"Đơn số {stored.number}/{stored.year} đã có trong KTGS với nội dung khác: "
                + ", ".join(changed)
                + ".",
                "KTGS không ghi đè đơn đã có. Nếu là cùng đơn, ghi lại đúng nội dung đã nhập "
                "(hoặc sửa trên phần mềm); nếu là đơn khác, ghi số đơn khác.",
            )
            return
        self.tally("unchanged")


# --- writing -------------------------------------------------------------------------------------


def _create(new: New) -> Letter:
    values = _as_file(new.row)
    body = new.body
    name_index, id_index = crypto.blind_index(
        name=values["filer_name"], citizen_id=values["filer_citizen_id"]
    )
    letter = Letter(
        body=body,
        unit=body.unit,
        year=values["received_on"].year,
        number=values["number"],
        received_on=values["received_on"],
        channel=values["channel"],
        kind=values["kind"],
        anonymous=values["anonymous"],
        anonymous_kind=values["anonymous_kind"],
        filer_kind=values["filer_kind"],
        summary=values["summary"],
        accused_text=values["accused_text"],
        status=values["status"],
        routed_on=values["routed_on"],
        ground=values["ground"],
        forwarded_to_text=values["forwarded_to_text"],
        accepted_on=values["accepted_on"],
        accept_number=values["accept_number"],
        concluded_on=values["concluded_on"],
        conclusion_number=values["conclusion_number"],
        conclusion=values["conclusion"],
        replied_on=values["replied_on"],
        reply=values["reply"],
        secrecy=values["secrecy"],
        filer_name_index=name_index,
        filer_id_index=id_index,
        **{f: crypto.encrypt(values[f]) for f in FILER_COLUMNS},
    )
    if letter.status in ACCEPTED_OR_LATER:
        deadlines.refresh_due(letter)
    letter.save()
    letter.accused_members.set(new.members)
    letter.accused_units.set(new.units)
    verdicts = values["verdicts"] or ("",) * len(values["items"])
    categories = values["categories"] or ("",) * len(values["items"])
    LetterItem.objects.bulk_create(
        LetterItem(letter=letter, position=i, content=c, verdict=v, content_category=k)
        for i, (c, v, k) in enumerate(zip(values["items"], verdicts, categories, strict=True), 1)
    )
    links = _link_likely_duplicates(letter, new.members, new.units)
    record(
        IMPORTED_ACTION,
        target=letter,
        unit_id=body.unit_id,
        details={
            "body": body.name,
            "number": letter.number,
            "year": letter.year,
            "received_on": letter.received_on,
            "kind": letter.kind,
            "status": letter.status,
            "anonymous": letter.anonymous,
            "anonymous_kind": letter.anonymous_kind,
            "filer_given": any(values[f] for f in FILER_COLUMNS),
            "items": len(values["items"]),
            "accused_members": [m.code for m in new.members],
            "accused_units": [u.code for u in new.units],
            "linked_to": [link.earlier_id for link in links],
            "secrecy": letter.secrecy,
        },
    )
    return letter


__all__ = ["LETTERS", "LetterHandler", "register_sheets"]
