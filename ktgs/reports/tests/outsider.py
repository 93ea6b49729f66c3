"""An outsider's dataset: an XLSX workbook built from docs/formats.md alone (sheet names, headers
and values as the page documents them), for a bloc whose size and figures are parameters — not
from the demo's code, names or numbers. Imported into an empty database, it must give the figures
it was built for (test_outsider_dataset.py).

The bloc: a province (the root) with its standing committee and UBKT, a bloc under it
(kind `superior`, term 2020–2025), N đảng bộ cơ sở with their cells, M chi bộ cơ sở, members
spread over every cell, committee seats in each đảng bộ cơ sở, inspections and supervisions by
the bloc's committee, standing committee and UBKT (plus some that must not count: after the
range, by a grassroots committee) and discipline decisions by the province's and the bloc's
bodies, by grassroots committees and by cells.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from openpyxl import Workbook

# Deciding bodies of a discipline decision: (whose: province / bloc / grassroots / cell, body).
PROVINCE_BTV = ("province", "Ban thường vụ")
PROVINCE_UBKT = ("province", "Ủy ban kiểm tra")
BLOC_BTV = ("bloc", "Ban thường vụ")
BLOC_UBKT = ("bloc", "Ủy ban kiểm tra")
GRASSROOTS_COMMITTEE = ("grassroots", "Cấp ủy")
CELL = ("cell", "Chi bộ")

SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng"]
MIDDLE = ["Văn", "Thị", "Hữu", "Minh", "Thanh", "Đức", "Ngọc", "Quang"]
GIVEN = ["An", "Bình", "Cường", "Dung", "Giang", "Hà", "Hải", "Hạnh", "Khánh", "Lan", "Long"]


def d(day: date) -> str:
    """A date as the page asks for text dates: ngày/tháng/năm."""
    return day.strftime("%d/%m/%Y")


@dataclass
class Bloc:
    """What to build. `discipline` lists (deciding body, form, "member" or "org", how many)."""

    prefix: str  # codes: province PREFIX, bloc PREFIX.K, đảng bộ cơ sở PREFIX.K.001, ...
    province_name: str
    bloc_name: str
    committees: int  # đảng bộ cơ sở
    cells: int  # chi bộ trực thuộc, spread over the đảng bộ cơ sở
    base_cells: int  # chi bộ cơ sở
    members: int  # members today (the expelled ones come on top)
    term_start: date
    committee_inspected: tuple[int, int]  # (organisations, committee members), committee + BTV
    ubkt_inspected: tuple[int, int]  # (organisations, committee members), the bloc's UBKT
    discipline: list = field(default_factory=list)
    seats_per_committee: int = 5  # cấp ủy viên of each đảng bộ cơ sở
    end: date = date(2023, 6, 30)  # the range's last day; the records fall within the term

    @property
    def expelled(self) -> int:
        return sum(
            n for _body, form, kind, n in self.discipline if form == "Khai trừ" and kind == "member"
        )


class Sheets:
    """Rows per sheet; every column of the page's table is a header (an optional one left empty:
    a missing header is an error). Written once with openpyxl's write-only mode."""

    HEADERS = {
        "Tổ chức": "Mã tổ chức|Tên tổ chức|Tên gọi tắt|Mã loại|Ngày thành lập|Ngày giải thể|"
        "Quyết định giải thể",
        "Trực thuộc": "Mã tổ chức|Mã cấp trên|Từ ngày|Đến trước ngày|Quyết định",
        "Nhiệm kỳ": "Mã tổ chức|Nhiệm kỳ|Từ ngày|Đến trước ngày",
        "Thuộc tính": "Mã tổ chức|Thuộc tính|Giá trị|Từ ngày|Đến trước ngày|Quyết định",
        "Đảng viên": "Mã đảng viên|Họ|Tên đệm|Tên|Ngày sinh|Giới tính|Số CCCD|Số CMND cũ|"
        "Ngày vào Đảng|Ngày chính thức|Độ mật",
        "Sinh hoạt": "Mã đảng viên|Mã chi bộ|Từ ngày|Đến trước ngày|Lý do kết thúc|Quyết định|"
        "Ngày chuyển",
        "Cấp ủy viên": "Mã đảng viên|Mã tổ chức|Cơ quan|Chức danh|Nhiệm kỳ|Từ ngày|Đến trước ngày",
        "Kiểm tra, giám sát": "Mã hồ sơ|Loại|Tổ chức thực hiện|Cơ quan thực hiện|Số quyết định|"
        "Ngày quyết định|Nội dung|Căn cứ|Kết thúc theo kế hoạch|Ngày thông báo kết luận|Độ mật",
        "Đối tượng KTGS": "Mã hồ sơ|Mã tổ chức|Mã đảng viên|Kết quả|Ngày kết luận",
        "Quyết định kỷ luật": "Mã hồ sơ|Mã đảng viên|Mã tổ chức|Tổ chức quyết định|"
        "Cơ quan quyết định|Hình thức|Số quyết định|Ngày ký|Ngày công bố|Ngày nhận|Vi phạm|"
        "Loại vi phạm|Nhóm vi phạm|Vi phạm từ ngày|Vi phạm đến ngày|Độ mật",
    }

    def __init__(self):
        self.headers = {name: cols.split("|") for name, cols in self.HEADERS.items()}
        self.rows = {name: [] for name in self.HEADERS}

    def add(self, sheet: str, **values) -> None:
        """A row given by header ({"Mã tổ chức": ...}); spaces and commas of a header become
        underscores in the keyword (Mã_tổ_chức), other columns stay empty."""
        named = {k.replace("_", " "): v for k, v in values.items()}
        headers = self.headers[sheet]
        unknown = set(named) - set(headers)
        assert not unknown, (sheet, unknown)
        self.rows[sheet].append([named.get(h, "") for h in headers])

    def save(self, path: Path) -> Path:
        book = Workbook(write_only=True)
        for name, header in self.headers.items():
            ws = book.create_sheet(name)
            ws.append(header)
            for row in self.rows[name]:
                ws.append(row)
        book.save(path)
        return path


def build(bloc: Bloc, path: Path) -> Path:
    s = Sheets()
    p, k = bloc.prefix, f"{bloc.prefix}.K"
    founded, province_founded = date(1995, 1, 1), date(1976, 1, 1)

    def unit(code, name, kind, parent=None):
        s.add("Tổ chức", Mã_tổ_chức=code, Tên_tổ_chức=name, Mã_loại=kind, Ngày_thành_lập=d(founded))
        if parent:
            s.add("Trực thuộc", Mã_tổ_chức=code, Mã_cấp_trên=parent, Từ_ngày=d(founded))

    s.add(
        "Tổ chức",
        Mã_tổ_chức=p,
        Tên_tổ_chức=bloc.province_name,
        Mã_loại="province",
        Ngày_thành_lập=d(province_founded),
    )
    unit(k, bloc.bloc_name, "superior", p)
    for code, short, since in ((p, "Tỉnh ủy", province_founded), (k, "Đảng ủy Khối", founded)):
        s.add(
            "Thuộc tính",
            Mã_tổ_chức=code,
            Thuộc_tính="Tên gọi tắt của cấp ủy",
            Giá_trị=short,
            Từ_ngày=d(since),
        )
    term_end = bloc.term_start.replace(year=bloc.term_start.year + 5)
    s.add(
        "Nhiệm kỳ",
        Mã_tổ_chức=k,
        Nhiệm_kỳ="2020–2025",
        Từ_ngày=d(bloc.term_start),
        Đến_trước_ngày=d(term_end),
    )

    # Organisations: đảng bộ cơ sở PREFIX.K.001… with cells .01…, chi bộ cơ sở PREFIX.K.501…
    committees = [f"{k}.{i + 1:03d}" for i in range(bloc.committees)]
    base_cells = [f"{k}.{501 + i:03d}" for i in range(bloc.base_cells)]
    cells_of = {c: [] for c in committees}
    for i in range(bloc.cells):
        parent = committees[i % bloc.committees]
        cells_of[parent].append(f"{parent}.{len(cells_of[parent]) + 1:02d}")
    for n, code in enumerate(committees, 1):
        unit(code, f"Đảng bộ Công ty Cổ phần Số {n}", "base_committee", k)
        for m, cell in enumerate(cells_of[code], 1):
            unit(cell, f"Chi bộ Phòng {m} (đảng bộ số {n})", "cell", code)
    for n, code in enumerate(base_cells, 1):
        unit(code, f"Chi bộ Sở Ngành {n}", "base_cell", k)
    grassroots = committees + base_cells

    # Members: spread round-robin over every cell (the expelled ones on top of `members`).
    all_cells = [c for code in committees for c in cells_of[code]] + base_cells
    members, cell_of = [], {}
    for i in range(bloc.members + bloc.expelled):
        code = f"{p}DV{i + 1:06d}"
        born = date(1960 + i % 35, 1 + i % 12, 1 + i % 28)
        admitted = date(born.year + 22, 3, 1 + i % 28)
        probation = i % 50 == 7 and admitted.year >= 2015
        s.add(
            "Đảng viên",
            Mã_đảng_viên=code,
            Họ=SURNAMES[i % len(SURNAMES)],
            Tên_đệm=MIDDLE[i % len(MIDDLE)],
            Tên=GIVEN[i % len(GIVEN)],
            Ngày_sinh=d(born),
            Giới_tính="Nữ" if i % 3 == 0 else "Nam",
            Ngày_vào_Đảng=d(admitted),
            Ngày_chính_thức="" if probation else d(admitted + timedelta(days=365)),
        )
        cell_of[code] = all_cells[i % len(all_cells)]
        s.add("Sinh hoạt", Mã_đảng_viên=code, Mã_chi_bộ=cell_of[code], Từ_ngày=d(admitted))
        members.append(code)

    # Seats: the first members of each đảng bộ cơ sở sit on its committee from 01/08/2020.
    seat_start = date(2020, 8, 1)
    seated, by_committee = [], {}
    for code in committees:
        own = [m for m in members if cell_of[m].startswith(code + ".")]
        by_committee[code] = own
        for j, member in enumerate(own[: bloc.seats_per_committee]):
            title = "Bí thư" if j == 0 else "Phó Bí thư" if j == 1 else "Cấp ủy viên"
            s.add(
                "Cấp ủy viên",
                Mã_đảng_viên=member,
                Mã_tổ_chức=code,
                Cơ_quan="Cấp ủy",
                Chức_danh=title,
                Từ_ngày=d(seat_start),
            )
            seated.append(member)
    # The bloc's own secretary and UBKT chairman (grassroots members, not counted anywhere).
    for member, body, title in (
        (seated[0], "Cấp ủy", "Bí thư"),
        (seated[1], "Ủy ban kiểm tra", "Chủ nhiệm UBKT"),
    ):
        s.add(
            "Cấp ủy viên",
            Mã_đảng_viên=member,
            Mã_tổ_chức=k,
            Cơ_quan=body,
            Chức_danh=title,
            Nhiệm_kỳ="2020–2025",
            Từ_ngày=d(bloc.term_start),
        )
    taken = set(seated)  # subjects of discipline: members of cells under a đảng bộ cơ sở
    ordinary = [m for m in members if m not in taken and cell_of[m].count(".") == 3]

    _inspections(s, bloc, k, grassroots, seated, by_committee)
    _discipline(s, bloc, p, k, committees, base_cells, cell_of, seated, ordinary)
    return s.save(path)


def _inspections(s: Sheets, bloc: Bloc, k: str, grassroots, seated, by_committee) -> None:
    """Each body group's organisations and committee members in two overlapping inspections
    (so a subject met twice counts once); for the committee group one by the committee and one
    by the standing committee (one row together). Then records that must not count."""
    year = bloc.term_start.year

    def record(code, kind, unit, body, number, on, orgs, people, concluded=True):
        s.add(
            "Kiểm tra, giám sát",
            Mã_hồ_sơ=code,
            Loại=kind,
            Tổ_chức_thực_hiện=unit,
            Cơ_quan_thực_hiện=body,
            Số_quyết_định=number,
            Ngày_quyết_định=d(on),
            Nội_dung="Việc thực hiện nghị quyết đại hội",
            Ngày_thông_báo_kết_luận=d(on + timedelta(days=60)) if concluded else "",
        )
        for org in orgs:
            s.add(
                "Đối tượng KTGS",
                Mã_hồ_sơ=code,
                Mã_tổ_chức=org,
                Kết_quả="Có ưu điểm, có hạn chế, khuyết điểm" if concluded else "",
            )
        for member in people:
            s.add(
                "Đối tượng KTGS",
                Mã_hồ_sơ=code,
                Mã_đảng_viên=member,
                Kết_quả="Không có khuyết điểm" if concluded else "",
            )

    groups = (
        (("Cấp ủy", "Ban thường vụ"), bloc.committee_inspected, "ĐUK"),
        (("Ủy ban kiểm tra", "Ủy ban kiểm tra"), bloc.ubkt_inspected, "UBKTĐUK"),
    )
    for n, (bodies, (n_org, n_people), suffix) in enumerate(groups):
        orgs, people = grassroots[:n_org], seated[:n_people]
        half_o, half_p = (n_org + 1) // 2, (n_people + 1) // 2
        # the two overlap by one organisation and one member
        record(
            f"{k}-KTGS-{n}-A",
            "Giám sát chuyên đề",
            k,
            bodies[0],
            f"{10 + n}-QĐ/{suffix}",
            date(year + 1, 4, 10),
            orgs[: half_o + 1],
            people[: half_p + 1],
        )
        record(
            f"{k}-KTGS-{n}-B",
            "Kiểm tra chấp hành",
            k,
            bodies[1],
            f"{20 + n}-QĐ/{suffix}",
            date(year + 2, 5, 12),
            orgs[half_o:],
            people[half_p:],
        )
    # After the range: does not count.
    record(
        f"{k}-KTGS-SAU",
        "Kiểm tra chấp hành",
        k,
        "Ủy ban kiểm tra",
        "99-QĐ/UBKTĐUK",
        bloc.end + timedelta(days=1),
        grassroots[-3:],
        seated[-3:],
        concluded=False,
    )
    # By a grassroots committee on one of its cells: a row of the subtree, not the bloc's own.
    first = next(iter(by_committee))
    record(
        f"{first}-GS-1",
        "Giám sát chuyên đề",
        first,
        "Cấp ủy",
        "05-QĐ/ĐU",
        date(year + 1, 9, 1),
        [f"{first}.01"],
        [],
    )


def _discipline(s: Sheets, bloc: Bloc, p, k, committees, base_cells, cell_of, seated, ordinary):
    """One row per decision, subjects taken in turn: organisations (for the province's standing
    committee the bloc, for its UBKT a đảng bộ cơ sở under the bloc committee, for the bloc's
    bodies the chi bộ cơ sở and đảng bộ cơ sở), a cách chức subject from the committee members,
    the rest ordinary members; and one more decision signed after the range (must not count).
    Signed from 01/08 of the term's second year: under QĐ 22-QĐ/TW (28/7/2021), which gives a
    UBKT khiển trách, cảnh cáo of organisations directly under a lower committee."""
    orgs = iter(base_cells + committees)
    people = iter(ordinary)
    office = iter(reversed(seated))
    signed = date(bloc.term_start.year + 1, 8, 1)
    counted = sum(c for *_x, c in bloc.discipline)
    n = 0
    for (whose, body), form, kind, count in [
        *bloc.discipline,
        (BLOC_UBKT, "Cảnh cáo", "member", 1),
    ]:
        for _ in range(count):
            n += 1
            on = bloc.end + timedelta(days=5) if n > counted else signed + timedelta(days=7 * n)
            if kind == "org":
                # a committee or its standing committee decides on an organisation directly
                # under it (QĐ 296-QĐ/TW, Điều 11), a UBKT on one directly under a lower
                # committee (QĐ 22-QĐ/TW)
                member = ""
                if (whose, body) == PROVINCE_UBKT:
                    org = committees[-1]
                else:
                    org = k if whose == "province" else next(orgs)
            else:
                member, org = next(office) if form == "Cách chức" else next(people), ""
            cell = cell_of.get(member, "")
            decider = {"province": p, "bloc": k, "grassroots": cell.rsplit(".", 1)[0], "cell": cell}
            s.add(
                "Quyết định kỷ luật",
                Mã_hồ_sơ=f"KL-{p}-{n:03d}",
                Mã_đảng_viên=member,
                Mã_tổ_chức=org,
                Tổ_chức_quyết_định=decider[whose],
                Cơ_quan_quyết_định=body,
                Hình_thức=form,
                Số_quyết_định=f"{n:02d}-QĐ/KL",
                Ngày_ký=d(on),
                Ngày_công_bố=d(on + timedelta(days=3)),
                Vi_phạm="Vi phạm quy định về những điều đảng viên không được làm",
                Vi_phạm_từ_ngày=d(on - timedelta(days=120)),
                Vi_phạm_đến_ngày=d(on - timedelta(days=60)),
            )


def figures(unit_code: str, end: str) -> dict:
    """The figures of a unit as the app reads them (run in the child process on the imported
    database, after django.setup()): the home page's overview today and on `end`, the KTGS
    figures and the discipline figures from the start of the unit's term holding `end`."""
    from ktgs.core.choices import DisciplineForm
    from ktgs.discipline import counting as discipline
    from ktgs.inspections import counting as inspections
    from ktgs.orgs import asof, selectors
    from ktgs.orgs.models import OrgUnit
    from ktgs.reports.periods import term_on, unit_terms

    unit = OrgUnit.objects.get(code=unit_code)
    last = date.fromisoformat(end)
    term = term_on(unit_terms(unit), last)
    start = term.starts_on

    def glance(g):
        return {
            "by_kind": dict(g.grassroots_by_kind),
            "grassroots": g.grassroots_total,
            "cells": g.subordinate_cells,
            "members": g.members_total,
        }

    ktgs = inspections.count(unit, start, last)
    rows = discipline.count(unit, start, last)
    return {
        "tables": report_tables(unit, start, last),
        "term": [term.name, start.isoformat()],
        "today": glance(selectors.unit_glance(unit)),
        "on_end": glance(asof.glance_on(unit, last)),
        "ktgs_own": [ktgs.own_total.organisations, ktgs.own_total.committee_members],
        "ktgs_rows": {r.name: [r.organisations, r.committee_members] for r in ktgs.rows if r.own},
        "ktgs_total": [ktgs.total.organisations, ktgs.total.committee_members],
        "discipline": {
            r.name: {
                "organisations": {
                    DisciplineForm(f).label: n for f, n in r.organisations.cells if n
                },
                "members": {DisciplineForm(f).label: n for f, n in r.members.cells if n},
            }
            for r in rows.rows
        },
        "discipline_total": [rows.total.organisations.total, rows.total.members.total],
    }


def report_tables(unit, start, end) -> dict:
    """Every shipped report table as the report page computes it: {table: {"rows": {row key:
    {column key: value}}, "flags": [...]}} (run in the child process)."""
    from ktgs.reports import tables
    from ktgs.reports.indicators import Context

    out = {}
    for table in tables.load_tables():
        done = tables.compute(table, Context(unit, start, end))
        out[table.key] = {
            "rows": {
                r.key: {c.key: cell.value for c, cell in zip(table.columns, r.cells, strict=True)}
                for r in done.rows
            },
            "flags": done.flags,
        }
    return out
