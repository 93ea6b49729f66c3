"""`ktgs demo --tier nation`: the whole country after the 2025 reorganisation, for benchmarks.

Shape at full scale (`--scale 1`): 34 provinces and cities (demo names), each a Đảng bộ tỉnh /
thành phố with its communes and wards (about 3,321 đảng bộ xã, phường, đặc khu in the country,
kind «superior» with the unit attribute «commune» from 01/07/2025) and four province-level blocs
(Đảng ủy UBND, Đảng ủy các cơ quan Đảng, Đảng ủy Công an, Đảng ủy Quân sự; kind «superior»);
about 55,000 grassroots organisations under them (chi bộ cơ sở and đảng bộ cơ sở, the latter
with 3–9 chi bộ trực thuộc); 5.6 million members; two terms of committees (2020–2025, the same
holders re-elected for 2025–2030), heads and diện quản lý; and the 2020–2025 term's KTGS records:
each grassroots organisation inspected by its superior's standing committee and supervised by
its UBKT, about a quarter of the members inspected by their own organisation, each commune and
bloc inspected by the province, discipline decisions on 1 member in 150 — over 2 million
inspection subjects and decisions in all. `--scale 0.001` keeps the 34 provinces and shrinks
everything else (at least one commune per province, one grassroots organisation per superior).

Written province by province, every row numbered here (no read-back of ids), through
`core.bulk` (COPY on PostgreSQL, executemany on SQLite), in one transaction with one audit
event. Derived fields as the services keep them: `OrgUnit.path`/`place_key`/`search_key`/
`sort_key`, one `UnitLink` per non-root unit, the default bodies, the member's name keys, one
open `Membership` from admission, `Member.current_unit` and `area`.
"""

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from ktgs.accounts.models import User
from ktgs.audit.services import record
from ktgs.core import bulk
from ktgs.core.choices import DisciplineForm, InspectionKind
from ktgs.core.db import indexes_rebuilt_after, refresh_statistics
from ktgs.core.vietnamese import text_sort_key
from ktgs.demo import names
from ktgs.demo.layout import GRASSROOTS_SINCE, PROVINCE_SINCE, SUPERIOR_SINCE, UNITS_UNTIL
from ktgs.demo.people import _member, member_code
from ktgs.demo.plan import CONGRESSES, TERM_NAMES, Sizes, compose
from ktgs.discipline.models import Decision
from ktgs.documents.models import IssuerSymbol
from ktgs.inspections.choices import ConclusionResult
from ktgs.inspections.models import Inspection, InspectionSubject
from ktgs.orgs import counters
from ktgs.orgs.choices import BodyKind, SeatRole
from ktgs.orgs.models import (
    Body,
    CommitteeSeat,
    HeadOfUnit,
    ManagedBy,
    Member,
    Membership,
    OrgKind,
    OrgUnit,
    Term,
    UnitAttribute,
    UnitLink,
    area_of,
    path_segment,
    unit_search_key,
)
from ktgs.orgs.services import member_name_keys

SEED = "ktgs-demo/nation"
NATION_MEMBERS, NATION_COMMUNES, COMMUNE_GRASSROOTS = 5_600_000, 3_321, 46_500
ROOT = "VN"
# the largest scale SQLite is offered (about 280,000 members); the nation goes to PostgreSQL
SQLITE_MAX_SCALE = 0.05
COMMUNE_SINCE, SPLIT_DECISION = date(2025, 7, 1), "Quyết định hợp nhất, sáp nhập (dữ liệu mẫu)"
CITIES = 6  # of the 34: thành phố trực thuộc trung ương
PROVINCE_WORDS = [
    "Hòa An",
    "Bình Sơn",
    "An Lạc",
    "Phú Xuân",
    "Thanh Bình",
    "Tân Hòa",
    "Hưng Yên Hạ",
    "Long Giang",
    "Bắc Hà",
    "Đông Sơn",
    "Hải Phong",
    "Nam Định Thượng",
    "Tây Nguyên Hạ",
    "Kim Thành",
    "Vĩnh An",
    "Quảng Hòa",
    "Gia Lộc",
    "Hà Tiên Thượng",
    "Trà Giang",
    "Cẩm Xuyên",
    "Lạc Sơn",
    "Mỹ Lộc",
    "Ninh Hải",
    "Phước Long",
    "Sơn Hà",
    "Thái Hòa",
    "Uông Bí Hạ",
    "Vạn Ninh",
    "Yên Thế",
    "Đồng Xuân",
    "Hoài Đức",
    "Kỳ Anh",
    "Lệ Thủy",
    "Ngọc Lặc",
]
PLACE_WORDS = [
    "An",
    "Bình",
    "Cát",
    "Đông",
    "Giang",
    "Hòa",
    "Hưng",
    "Khánh",
    "Lạc",
    "Lâm",
    "Long",
    "Minh",
    "Mỹ",
    "Nam",
    "Nghĩa",
    "Ninh",
    "Phong",
    "Phú",
    "Phước",
    "Quang",
    "Sơn",
    "Tân",
    "Thanh",
    "Thạnh",
    "Thịnh",
    "Thuận",
    "Tiến",
    "Trung",
    "Vĩnh",
    "Xuân",
    "Yên",
    "Hải",
    "Hà",
    "Đức",
    "Bắc",
]
# province-level blocs: code, name (after "Đảng bộ "), short name, grassroots at full scale,
# share of đảng bộ cơ sở among them, names of their grassroots organisations
BLOCS = (
    ("UB", "Ủy ban nhân dân", "Đảng ủy UBND", 110, 0.35),
    ("CQD", "các cơ quan Đảng", "Đảng ủy các cơ quan Đảng", 25, 0.2),
    ("CA", "Công an", "Đảng ủy Công an", 70, 0.5),
    ("QS", "Quân sự", "Đảng ủy Quân sự", 45, 0.4),
)
COMMUNE_BASE_COMMITTEE_SHARE = 0.08
CELLS_PER_COMMITTEE = (3, 9)
VETERANS = 3  # the first members of every chi bộ can hold its offices from 2020
INSPECTED_SHARE = 0.3  # members inspected by their own organisation in the term
PER_INSPECTION = 5  # members in one such inspection
DISCIPLINE_SHARE = 1 / 150
# the records' period: the 2020–2025 term, from the last congress of its start (the province's,
# CONGRESSES) to before the first of 2025, so every committee seat of a subject is held that day
TERM = (date(2020, 11, 2), date(2025, 2, 28))


class NationError(Exception):
    """The nation cannot be built here (the message is Vietnamese, for the user)."""


@dataclass
class Unit:
    code: str
    name: str
    kind: str
    parent: "Unit | None"
    established_on: date
    short_name: str = ""
    members: int = 0
    commune: bool = False
    id: int = 0
    path: str = ""
    search_key: str = ""
    children: list = field(default_factory=list)


def check_scale(scale: float, vendor: str) -> None:
    if not 0 < scale <= 1:
        raise NationError(
            f"--scale phải lớn hơn 0 và không quá 1 (1 là cả nước), không phải {scale}."
        )
    if vendor != "postgresql" and scale > SQLITE_MAX_SCALE:
        raise NationError(
            "Dữ liệu mẫu toàn quốc (5,6 triệu đảng viên) chỉ nạp vào PostgreSQL (đặt DATABASE_URL). "
            f"Với SQLite, đồng chí dùng --scale không quá {SQLITE_MAX_SCALE} "
            f"(khoảng {round(NATION_MEMBERS * SQLITE_MAX_SCALE):,} đảng viên).".replace(",", ".")
        )


def allocate(total: int, weights: list[float], low: int) -> list[int]:
    """`total` split into len(weights) parts of at least `low`, in proportion to the weights."""
    extra = total - low * len(weights)
    if extra < 0:
        raise ValueError(f"cannot split {total} into {len(weights)} parts of at least {low}")
    whole = sum(weights)
    shares = [extra * w / whole for w in weights]
    counts = [low + int(s) for s in shares]
    left = total - sum(counts)
    by_fraction = sorted(range(len(weights)), key=lambda i: int(shares[i]) - shares[i])
    for i in by_fraction[:left]:
        counts[i] += 1
    return counts


def _day(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=rng.randint(0, (last - first).days))


def _place(rng: random.Random) -> str:
    return f"{rng.choice(PLACE_WORDS)} {rng.choice(PLACE_WORDS)}"


class _Tree:
    """The units of the nation planned in memory (no members yet): 100,750 at full scale."""

    def __init__(self, scale: float):
        self.rng = random.Random(f"{SEED}/units")
        self.scale = scale
        self.root = Unit(
            ROOT, "Đảng Cộng sản Việt Nam (dữ liệu mẫu)", "central", None, PROVINCE_SINCE
        )
        self.provinces: list[Unit] = []
        self._provinces()

    def add(self, parent: Unit, code: str, name: str, kind: str, since: date, **kw) -> Unit:
        unit = Unit(code, name, kind, parent, _day(self.rng, since, UNITS_UNTIL), **kw)
        parent.children.append(unit)
        return unit

    def _provinces(self) -> None:
        rng, scale = self.rng, self.scale
        weights = [rng.uniform(0.4, 2.0) for _ in PROVINCE_WORDS]
        communes = allocate(max(len(weights), round(NATION_COMMUNES * scale)), weights, 1)
        grassroots = allocate(max(sum(communes), round(COMMUNE_GRASSROOTS * scale)), weights, 0)
        for n, (word, count) in enumerate(zip(PROVINCE_WORDS, communes, strict=True), start=1):
            city = n <= CITIES
            province = Unit(
                f"T{n:02d}",
                f"Đảng bộ {'thành phố' if city else 'tỉnh'} {word}",
                "province",
                self.root,
                PROVINCE_SINCE,
                short_name="Đảng bộ thành phố" if city else "Đảng bộ tỉnh",
            )
            self.root.children.append(province)
            self.provinces.append(province)
            per_commune = allocate(max(count, grassroots[n - 1]), [1.0] * count, 1)
            for i, orgs in enumerate(per_commune, start=1):
                ward = rng.random() < (0.5 if city else 0.25)
                commune = self.add(
                    province,
                    f"{province.code}.X{i:03d}",
                    f"Đảng bộ {'phường' if ward else 'xã'} {_place(rng)}",
                    "superior",
                    SUPERIOR_SINCE,
                    commune=True,
                )
                self._grassroots(commune, orgs, COMMUNE_BASE_COMMITTEE_SHARE, ward)
            for code, name, short, orgs, share in BLOCS:
                bloc = self.add(
                    province,
                    f"{province.code}.{code}",
                    f"Đảng bộ {name} {'thành phố' if city else 'tỉnh'} {word}",
                    "superior",
                    SUPERIOR_SINCE,
                    short_name=short,
                )
                self._grassroots(bloc, max(1, round(orgs * scale)), share, city)

    def _grassroots(self, superior: Unit, count: int, share: float, urban: bool) -> None:
        rng = self.rng
        for i in range(1, count + 1):
            code = f"{superior.code}.{i:03d}"
            if rng.random() < share:
                org = self.add(
                    superior,
                    code,
                    self._org_name(superior, i, True, urban),
                    "base_committee",
                    GRASSROOTS_SINCE,
                )
                for j in range(1, rng.randint(*CELLS_PER_COMMITTEE) + 1):
                    self.add(org, f"{code}.{j:02d}", f"Chi bộ số {j}", "cell", org.established_on)
            else:
                self.add(
                    superior,
                    code,
                    self._org_name(superior, i, False, urban),
                    "base_cell",
                    GRASSROOTS_SINCE,
                )

    def _org_name(self, superior: Unit, i: int, committee: bool, urban: bool) -> str:
        rng, head = self.rng, "Đảng bộ" if committee else "Chi bộ"
        if superior.commune:
            if committee:
                return f"Đảng bộ {rng.choice(('Trường Trung học phổ thông', 'Công ty cổ phần'))} {_place(rng)}"
            return f"Chi bộ {'tổ dân phố' if urban else 'thôn'} {_place(rng)} {i}"
        if superior.code.endswith(".CA"):
            return f"{head} Công an {'phường' if urban else 'xã'} {_place(rng)}"
        if superior.code.endswith(".QS"):
            return f"{head} Ban Chỉ huy Quân sự {_place(rng)}"
        pool = names.BASE_COMMITTEES if committee else [(n, "") for n in names.BASE_CELLS]
        return f"{head} {pool[i % len(pool)][0]} ({i})"

    def holding(self) -> list[Unit]:
        """The chi bộ that hold members (chi bộ cơ sở and chi bộ trực thuộc), province by province."""
        return [u for u in self.walk() if u.kind in ("base_cell", "cell")]

    def walk(self):
        stack = [self.root]
        while stack:
            unit = stack.pop()
            yield unit
            stack.extend(reversed(unit.children))


class _Ids:
    """The next id of each table (1 in an empty database)."""

    def __init__(self, models):
        self.next = {m: (m.objects.aggregate(n=Max("pk"))["n"] or 0) + 1 for m in models}

    def take(self, model) -> int:
        n = self.next[model]
        self.next[model] = n + 1
        return n


TABLES = (
    OrgUnit,
    UnitLink,
    Body,
    Term,
    UnitAttribute,
    IssuerSymbol,
    Member,
    Membership,
    CommitteeSeat,
    HeadOfUnit,
    ManagedBy,
    Inspection,
    InspectionSubject,
    Decision,
)


class _Loader:
    """Writes the planned tree, then the members, offices and records province by province."""

    def __init__(self, tree: _Tree):
        self.tree = tree
        self.ids = _Ids(TABLES)
        self.now = timezone.now()
        self.kinds = {k.code: k for k in OrgKind.objects.all()}
        self.rng = random.Random(f"{SEED}/people")
        self.records = random.Random(f"{SEED}/records")
        self.index = Member.objects.count()  # member codes follow any existing ones
        self.counts = dict.fromkeys(("members", "seats", "inspections", "subjects", "decisions"), 0)
        self.numbers: dict[int, int] = {}  # body id: decisions numbered so far
        self.bodies: dict[str, dict[str, int]] = {}  # unit code: {body kind: id}
        self.terms: dict[str, list[tuple[int, str, date, date | None]]] = {}

    # --- units, bodies, terms, attributes, symbols ---------------------------------------------

    def units(self) -> None:
        units = list(self.tree.walk())
        for unit in units:
            unit.id = self.ids.take(OrgUnit)
            unit.path = (unit.parent.path if unit.parent else "") + path_segment(unit.id)
            unit.search_key = unit_search_key(unit.name, unit.short_name)
        bulk.insert(OrgUnit, map(self._unit_row, units), ids=True)
        bulk.insert(
            UnitLink,
            (
                dict(
                    id=self.ids.take(UnitLink),
                    unit_id=u.id,
                    parent_id=u.parent.id,
                    starts_on=u.established_on,
                )
                for u in units
                if u.parent
            ),
            ids=True,
        )
        bulk.insert(Body, (row for u in units for row in self._body_rows(u)), ids=True)
        bulk.insert(Term, (row for u in units if u.parent for row in self._term_rows(u)), ids=True)
        bulk.insert(UnitAttribute, self._attributes(units), ids=True)
        bulk.insert(IssuerSymbol, self._symbols(units), ids=True)

    def _unit_row(self, u: Unit) -> dict:
        return dict(
            id=u.id,
            code=u.code,
            name=u.name,
            short_name=u.short_name,
            kind_id=self.kinds[u.kind].pk,
            established_on=u.established_on,
            path=u.path,
            sort_key=text_sort_key(u.name),
            search_key=u.search_key,
            place_key=u.parent.search_key if u.parent else "",
        )

    def _body_rows(self, u: Unit):
        kind = self.kinds[u.kind]
        wanted = [(BodyKind.COMMITTEE, f"Cấp ủy {u.name}")]
        if kind.has_standing_committee:
            wanted.append((BodyKind.STANDING, f"Ban Thường vụ {u.name}"))
        if kind.has_inspection_commission:
            wanted.append((BodyKind.INSPECTION, f"Ủy ban Kiểm tra {u.name}"))
        if kind.is_cell:
            wanted.append((BodyKind.CELL_MEETING, u.name))
        mine = self.bodies[u.code] = {}
        for body_kind, name in wanted:
            mine[body_kind] = self.ids.take(Body)
            yield dict(id=mine[body_kind], unit_id=u.id, kind=body_kind, name=name[:255])

    def _term_rows(self, u: Unit):
        first, second, days = CONGRESSES["cell" if u.kind == "cell" else u.kind]
        starts = [
            first + timedelta(self.tree.rng.randint(0, days)),
            second + timedelta(self.tree.rng.randint(0, days)),
        ]
        mine = self.terms[u.code] = []
        for name, starts_on, ends_on in zip(TERM_NAMES, starts, [starts[1], None], strict=True):
            mine.append((self.ids.take(Term), name, starts_on, ends_on))
            yield dict(
                id=mine[-1][0], unit_id=u.id, name=name, starts_on=starts_on, ends_on=ends_on
            )

    def _attributes(self, units: list[Unit]):
        for u in units:
            short = {"province": "Thành ủy" if u.short_name.endswith("phố") else "Tỉnh ủy"}.get(
                u.kind, u.short_name if u.kind == "superior" else ""
            )
            if short:
                yield dict(
                    id=self.ids.take(UnitAttribute),
                    unit_id=u.id,
                    key="committee_short_name",
                    value=short,
                    starts_on=u.established_on,
                )
            if u.commune:
                yield dict(
                    id=self.ids.take(UnitAttribute),
                    unit_id=u.id,
                    key="commune",
                    value=True,
                    starts_on=COMMUNE_SINCE,
                    decision=SPLIT_DECISION,
                )

    def _symbols(self, units: list[Unit]):
        for u in units:
            upper = u.kind in ("province", "superior")
            symbols = {
                BodyKind.COMMITTEE: "TU" if u.kind == "province" else "ĐU" if upper else "CB",
                BodyKind.INSPECTION: "UBKTTU" if u.kind == "province" else "UBKTĐU",
            }
            if u.kind == "base_committee":
                symbols[BodyKind.COMMITTEE] = "ĐU"
            symbols[BodyKind.STANDING] = symbols[BodyKind.COMMITTEE]
            for body_kind, body in self.bodies.get(u.code, {}).items():
                if body_kind in symbols and u.kind != "central":
                    yield dict(
                        id=self.ids.take(IssuerSymbol),
                        body_id=body,
                        symbol=symbols[body_kind],
                        starts_on=u.established_on,
                    )

    # --- members and offices, one province at a time ---------------------------------------------

    def province(self, province: Unit) -> None:
        self.people: dict[int, tuple[int, str]] = {}  # member id: (cell id, full name)
        self.cell_members: dict[str, list[int]] = {}
        self.disciplined: list[tuple[int, Unit]] = []
        self.official: dict[int, date] = {}
        members, memberships = [], []
        for unit in self._below(province):
            if unit.members:
                self._members(unit, members, memberships)
        bulk.insert(Member, members, ids=True)
        bulk.insert(Membership, memberships, ids=True)
        del members, memberships
        self.top: dict[str, list[int]] = {}  # unit code: its committee's members, first first
        seats, heads, managed = [], [], []
        for unit in reversed(list(self._below(province))):  # children before their parents
            self._offices(unit, seats, heads, managed)
        bulk.insert(CommitteeSeat, seats, ids=True)
        bulk.insert(HeadOfUnit, heads, ids=True)
        bulk.insert(ManagedBy, managed, ids=True)
        self.counts["seats"] += len(seats)
        self._records(province)

    def _below(self, province: Unit):
        stack = [province]
        while stack:
            unit = stack.pop()
            yield unit
            stack.extend(reversed(unit.children))

    def _members(self, unit: Unit, members: list, memberships: list) -> None:
        ids = self.cell_members[unit.code] = []
        for j in range(unit.members):
            self.index += 1
            m = _member(self.index, unit.code, j < VETERANS, self.rng)
            full_name, search_key, sort_key = _names(m.family_name, m.middle_name, m.given_name)
            pk = self.ids.take(Member)
            members.append(
                dict(
                    id=pk,
                    code=member_code(self.index),
                    family_name=m.family_name,
                    middle_name=m.middle_name,
                    given_name=m.given_name,
                    full_name=full_name,
                    search_key=search_key,
                    sort_key=sort_key,
                    birth_date=m.birth_date,
                    sex=m.sex,
                    citizen_id=m.citizen_id,
                    old_id_number=m.old_id_number,
                    admitted_on=m.admitted_on,
                    official_on=m.official_on,
                    current_unit_id=unit.id,
                    area=area_of(unit.path),
                )
            )
            memberships.append(
                dict(
                    id=self.ids.take(Membership),
                    member_id=pk,
                    unit_id=unit.id,
                    starts_on=m.admitted_on,
                )
            )
            ids.append(pk)
            self.people[pk] = (unit.id, full_name)
            self.official[pk] = m.official_on
            if self.records.random() < DISCIPLINE_SHARE:
                self.disciplined.append((pk, unit))
        self.counts["members"] += unit.members

    def _offices(self, unit: Unit, seats: list, heads: list, managed: list) -> None:
        ranked, sizes = self._ranked(unit)
        picked, top, _others = compose(sizes, ranked, ranked)
        self.top[unit.code] = top
        bodies = self.bodies[unit.code]
        head_body = BodyKind.COMMITTEE if sizes.committee else BodyKind.STANDING
        for term_id, _name, starts_on, ends_on in self.terms[unit.code]:
            for member, body, role in picked:
                seats.append(
                    dict(
                        id=self.ids.take(CommitteeSeat),
                        member_id=member,
                        body_id=bodies[body],
                        role=role,
                        term_id=term_id,
                        starts_on=starts_on,
                        ends_on=ends_on,
                    )
                )
                if role == SeatRole.SECRETARY and body == head_body:
                    heads.append(
                        dict(
                            id=self.ids.take(HeadOfUnit),
                            unit_id=unit.id,
                            member_id=member,
                            starts_on=starts_on,
                            ends_on=ends_on,
                        )
                    )
                    if unit.kind in ("base_committee", "base_cell"):
                        managed.append(self._managed(member, unit.parent, starts_on, ends_on))
                if body == BodyKind.STANDING and unit.kind == "superior":
                    managed.append(self._managed(member, unit.parent, starts_on, ends_on))

    def _managed(self, member: int, by: Unit, starts_on: date, ends_on: date | None) -> dict:
        return dict(
            id=self.ids.take(ManagedBy),
            member_id=member,
            body_id=self.bodies[by.code][BodyKind.STANDING],
            starts_on=starts_on,
            ends_on=ends_on,
        )

    def _ranked(self, unit: Unit) -> tuple[list[int], Sizes]:
        """Who may sit on the unit's bodies, most likely first, and how many seats there are:
        a chi bộ's veterans; the veterans of a đảng bộ cơ sở's cells in turn; the committee
        members of a superior's (or a province's) organisations in turn."""
        if unit.members:
            ranked = self.cell_members[unit.code][:VETERANS]
            deputy = unit.members >= 12 and self.records.random() < 0.6
            return ranked, Sizes(committee=1 + deputy, deputies=int(deputy))
        pools = [self.top.get(c.code, []) for c in unit.children]
        if unit.kind == "base_committee":
            pools = [self.cell_members[c.code][:VETERANS] for c in unit.children]
        ranked = [p[i] for i in range(max(map(len, pools), default=0)) for p in pools if i < len(p)]
        if unit.kind == "base_committee":
            size = 5 if len(ranked) < 12 else 7 if len(ranked) < 21 else 9
            return ranked, Sizes(
                committee=size,
                deputies=1,
                standing=3 if size == 9 else 0,
                inspection=size // 2 + 1,
                inspection_deputies=1,
            )
        if unit.kind == "superior":
            return ranked, Sizes(
                committee=15, deputies=2, standing=5, inspection=5, inspection_deputies=1
            )
        return ranked, Sizes(
            committee=45, deputies=3, standing=13, inspection=9, inspection_deputies=2
        )

    # --- the 2020–2025 term's records ----------------------------------------------------------

    def _records(self, province: Unit) -> None:
        self.inspections: list[dict] = []
        self.subjects: list[dict] = []
        for superior in province.children:
            self._inspect(
                province,
                superior,
                BodyKind.STANDING,
                InspectionKind.COMPLIANCE,
                self._committee(superior),
            )
            for org in superior.children:
                committee = self._committee(org)
                self._inspect(
                    superior, org, BodyKind.STANDING, InspectionKind.COMPLIANCE, committee
                )
                self._inspect(
                    superior,
                    org,
                    BodyKind.INSPECTION,
                    InspectionKind.SUPERVISION_THEMATIC,
                    committee[:1],
                )
                self._members_inspected(org, set(committee))
        bulk.insert(Inspection, self.inspections, ids=True)
        bulk.insert(InspectionSubject, self.subjects, ids=True)
        self.counts["inspections"] += len(self.inspections)
        self.counts["subjects"] += len(self.subjects)
        decisions = [self._decision(pk, cell) for pk, cell in self.disciplined]
        bulk.insert(Decision, decisions, ids=True)
        self.counts["decisions"] += len(decisions)

    def _committee(self, unit: Unit) -> list[int]:
        """The members of the unit's committee (the 2020–2025 seats: the same as `top`)."""
        return self.top.get(unit.code, [])

    def _inspection(self, performer: Unit, body: str, kind: str) -> int:
        body_id = self.bodies[performer.code][body]
        self.numbers[body_id] = number = self.numbers.get(body_id, 0) + 1
        symbol = {BodyKind.INSPECTION: "UBKT", BodyKind.STANDING: ""}.get(body, "")
        symbol += "TU" if performer.kind == "province" else "ĐU"
        day = _day(self.records, *TERM)
        pk = self.ids.take(Inspection)
        self.inspections.append(
            dict(
                id=pk,
                kind=kind,
                body_id=body_id,
                unit_id=performer.id,
                topic="Kiểm tra, giám sát theo chương trình nhiệm kỳ (dữ liệu mẫu toàn quốc)",
                legal_basis="Điều lệ Đảng (Điều 30, 32); Quy định số 296-QĐ/TW",
                decision_number=f"{number}-QĐ/{symbol}",
                decided_on=day,
                concluded_on=day + timedelta(days=45),
                created_at=self.now,
            )
        )
        return pk

    def _result(self) -> str:
        draw = self.records.random()
        if draw < 0.04:
            return ConclusionResult.VIOLATION
        return ConclusionResult.SHORTCOMINGS if draw < 0.45 else ConclusionResult.NO_SHORTCOMING

    def _subject(
        self,
        inspection: int,
        *,
        unit: Unit | None = None,
        member: int = 0,
        committee: Unit | None = None,
    ) -> None:
        cell, name = self.people[member] if member else (unit.id, unit.name)
        level = committee and self.kinds[committee.kind].level
        self.subjects.append(
            dict(
                id=self.ids.take(InspectionSubject),
                inspection_id=inspection,
                unit_id=cell,
                member_id=member or None,
                name=name,
                committee_unit_id=committee.id if committee else None,
                committee_level=level or "",
                result=self._result(),
                concluded_on=self.inspections[-1]["concluded_on"],
            )
        )

    def _inspect(self, performer: Unit, org: Unit, body: str, kind: str, holders: list) -> None:
        if body not in self.bodies[performer.code]:
            return
        pk = self._inspection(performer, body, kind)
        self._subject(pk, unit=org)
        for member in holders:
            self._subject(pk, member=member, committee=org)

    def _members_inspected(self, org: Unit, committee: set[int]) -> None:
        cells = [org] if org.members else org.children
        everyone = [pk for cell in cells for pk in self.cell_members.get(cell.code, [])]
        chosen = [pk for pk in everyone if self.records.random() < INSPECTED_SHARE]
        for start in range(0, len(chosen), PER_INSPECTION):
            pk = self._inspection(org, BodyKind.COMMITTEE, InspectionKind.COMPLIANCE)
            for member in chosen[start : start + PER_INSPECTION]:
                self._subject(pk, member=member, committee=org if member in committee else None)

    def _decision(self, member: int, cell: Unit) -> dict:
        org = cell if cell.kind == "base_cell" else cell.parent
        by_ubkt = self.records.random() < 0.3
        performer = org.parent if by_ubkt else org
        body = BodyKind.INSPECTION if by_ubkt else BodyKind.COMMITTEE
        body_id = self.bodies[performer.code][body]
        self.numbers[body_id] = number = self.numbers.get(body_id, 0) + 1
        day = _day(self.records, *TERM)
        form = DisciplineForm.WARNING if by_ubkt else DisciplineForm.REPRIMAND
        return dict(
            id=self.ids.take(Decision),
            body_id=body_id,
            subject_unit_id=cell.id,
            member_id=member,
            subject_name=self.people[member][1],
            subject_kind="full" if self.official[member] <= day else "probationary",
            form=form,
            number=f"{number}-QĐ/{'UBKTĐU' if by_ubkt else 'ĐU' if org.kind == 'base_committee' else 'CB'}",
            signed_on=day,
            announced_on=day,
            received_on=day,
            effective_on=day,
            effect_ends_on=day + timedelta(days=365),
            basis="Điều lệ Đảng; Quy định số 69-QĐ/TW",
            created_at=self.now,
        )


_NAMES: dict[tuple[str, str, str], tuple[str, str, str]] = {}


def _names(family: str, middle: str, given: str) -> tuple[str, str, str]:
    """(full_name, search_key, sort_key) as the services compute them, once per name."""
    key = (family, middle, given)
    if key not in _NAMES:
        _NAMES[key] = member_name_keys(family, middle, given)
    return _NAMES[key]


# the units of the nation the demo users are assigned to, in place of the bloc demo's
USER_UNITS = {"HA": ROOT, "HA.DBK": "T01", "HA.DBK.001": "T01.X001.001"}


def build_nation(*, scale: float = 1.0, progress=None, alongside: bool = False) -> dict:
    """Build the nation (or `scale` of it) into an empty database; return the counts.
    `alongside` (tests): beside what the database holds, without the demo users."""
    from ktgs.demo.builder import DEMO_USERS, NOT_EMPTY, DemoError, _write_users

    check_scale(scale, connection.vendor)
    tree = _Tree(scale)
    holding = tree.holding()
    total = max(3 * len(holding), round(NATION_MEMBERS * scale))
    rng = random.Random(f"{SEED}/fill")
    weights = [
        rng.uniform(1.0, 3.0) if u.kind == "base_cell" else rng.uniform(0.6, 1.6) for u in holding
    ]
    for unit, count in zip(holding, allocate(total, weights, 3), strict=True):
        unit.members = count
    with transaction.atomic():
        if not alongside and (OrgUnit.objects.exists() or Member.objects.exists()):
            raise DemoError(NOT_EMPTY)
        if not alongside and User.objects.filter(username__in=[u[0] for u in DEMO_USERS]).exists():
            raise DemoError("Đã có tài khoản trùng tên tài khoản mẫu.")
        loader = _Loader(tree)
        with indexes_rebuilt_after(TABLES):
            loader.units()
            for n, province in enumerate(tree.provinces, start=1):
                loader.province(province)
                if progress:
                    progress(n, len(tree.provinces), loader.counts)
        bulk.reset_sequences(*TABLES)
        if not alongside:
            by_code = {u.code: u for u in tree.walk() if u.code in USER_UNITS.values()}
            _write_users({demo: _ref(by_code[code]) for demo, code in USER_UNITS.items()})
        counters.rebuild(sync_areas=False)  # the counters the tree and unit pages read
        counts = _counts(tree, loader)
        record("demo.loaded", details=counts)
    _NAMES.clear()
    refresh_statistics(vacuum=tuple(m._meta.db_table for m in TABLES))
    return counts


def _ref(unit: Unit) -> OrgUnit:
    return OrgUnit(pk=unit.id, code=unit.code, name=unit.name)


def _counts(tree: _Tree, loader: _Loader) -> dict:
    kinds: dict[str, int] = {}
    communes = 0
    for unit in tree.walk():
        kinds[unit.kind] = kinds.get(unit.kind, 0) + 1
        communes += unit.commune
    return {
        "tier": "nation",
        "scale": tree.scale,
        "provinces": kinds.get("province", 0),
        "communes": communes,
        "superiors": kinds.get("superior", 0),
        "grassroots": kinds.get("base_committee", 0) + kinds.get("base_cell", 0),
        "base_committees": kinds.get("base_committee", 0),
        "base_cells": kinds.get("base_cell", 0),
        "cells": kinds.get("cell", 0),
        "units": sum(kinds.values()),
        **loader.counts,
    }


def user_unit_names() -> dict[str, str]:
    """{unit code in DEMO_USERS: name of the nation's unit the user sits in} (for the table)."""
    names = dict(OrgUnit.objects.filter(code__in=USER_UNITS.values()).values_list("code", "name"))
    return {demo: names.get(code, code) for demo, code in USER_UNITS.items()}
