"""The demo's organisation tree, planned as plain data (no database): pure and deterministic.

With the default 4,759 members the bloc has the example report's shape: 44 đảng bộ cơ sở with
288 chi bộ trực thuộc between them, and 28 chi bộ cơ sở. Other sizes scale the number of units
with the number of members, so that a cell keeps about fifteen members.
"""

import random
from dataclasses import dataclass, replace
from datetime import date, timedelta
from itertools import accumulate

from ktgs.demo import names

SEED = "ktgs-demo/2023-06-30"
DEMO_REFERENCE_DATE = date(2023, 6, 30)
DEFAULT_MEMBERS = 4759
MIN_MEMBERS, MAX_MEMBERS = 100, 6_000_000  # the nation has about 5.6 million
MIN_PER_CELL = 3
CELLS_PER_COMMITTEE = (3, 12)

PROVINCE, BLOC, PARTY_AGENCIES = "HA", "HA.DBK", "HA.CQD"
# Every unit exists before the first admission in the demo (born 1963 + 18 years = 1981).
PROVINCE_SINCE, SUPERIOR_SINCE = date(1976, 1, 1), date(1978, 3, 15)
GRASSROOTS_SINCE, UNITS_UNTIL = date(1979, 1, 2), date(1980, 12, 31)

# How many more members a đảng bộ of this category has than the average.
CATEGORY_WEIGHT = {"agency": 0.9, "hospital": 1.5, "school": 1.4, "company": 1.2, "bank": 1.0}


@dataclass(frozen=True)
class Shape:
    """How many grassroots organisations and cells the bloc has."""

    base_committees: int
    cells: int  # chi bộ trực thuộc
    base_cells: int

    @property
    def grassroots(self) -> int:
        return self.base_committees + self.base_cells


REPORT_SHAPE = Shape(base_committees=44, cells=288, base_cells=28)


@dataclass(frozen=True)
class UnitPlan:
    code: str
    name: str
    kind: str  # OrgKind.code
    parent: str | None  # parent's code
    established_on: date
    short_name: str = ""
    category: str = ""  # of a đảng bộ cơ sở and its cells: agency, hospital, school…
    members: int = 0  # members registered here (cells only)


def shape_for(members: int) -> Shape:
    """The bloc's shape for `members` members: the report's at 4,759, scaled otherwise."""
    scale = members / DEFAULT_MEMBERS
    committees = max(1, round(REPORT_SHAPE.base_committees * scale))
    cells = max(CELLS_PER_COMMITTEE[0] * committees, round(REPORT_SHAPE.cells * scale))
    base_cells = max(1, round(REPORT_SHAPE.base_cells * scale))
    return Shape(base_committees=committees, cells=cells, base_cells=base_cells)


def spread(total: int, weights: list[float], low: int, high: int, rng: random.Random) -> list[int]:
    """Split `total` into len(weights) parts between low and high, unequal as the weights are."""
    slots = len(weights)
    if not low * slots <= total <= high * slots:
        raise ValueError(f"cannot split {total} into {slots} parts of {low}..{high}")
    counts, left = [low] * slots, total - low * slots
    cum = list(accumulate(weights))
    while left:
        for i in rng.choices(range(slots), cum_weights=cum, k=left):
            if counts[i] < high:
                counts[i] += 1
                left -= 1
    return counts


def plan_units(members: int = DEFAULT_MEMBERS) -> list[UnitPlan]:
    """Every unit of the demo, each after its parent."""
    rng = random.Random(f"{SEED}/units")
    shape = shape_for(members)
    committees = _base_committees(shape, rng)
    base_cells = _base_cells(shape, len(committees), rng)
    cells = _cells(committees, shape, rng)
    bloc_cells = _fill(cells + base_cells, members, rng)
    by_code = {u.code: u for u in bloc_cells}
    ordered = [by_code.get(u.code, u) for u in committees + base_cells + cells]
    return _top_units() + ordered + _party_agency_cells(rng)


def _top_units() -> list[UnitPlan]:
    return [
        UnitPlan(
            PROVINCE,
            names.PROVINCE_NAME,
            "province",
            None,
            PROVINCE_SINCE,
            short_name="Đảng bộ tỉnh",
        ),
        UnitPlan(
            BLOC, names.BLOC_NAME, "superior", PROVINCE, SUPERIOR_SINCE, short_name="Đảng bộ Khối"
        ),
        UnitPlan(
            PARTY_AGENCIES,
            names.PARTY_AGENCIES_NAME,
            "superior",
            PROVINCE,
            SUPERIOR_SINCE,
            short_name="Đảng bộ Cơ quan Đảng",
        ),
    ]


def _numbered(name: str, index: int, count: int) -> str:
    """The index-th use of a name from a list of `count` names: repeats get "(2)", "(3)"…"""
    return name if index < count else f"{name} ({index // count + 1})"


def _established(rng: random.Random, after: date) -> date:
    return after + timedelta(days=rng.randint(0, (UNITS_UNTIL - after).days))


def _base_committees(shape: Shape, rng: random.Random) -> list[UnitPlan]:
    pool = names.BASE_COMMITTEES
    units = []
    for i in range(shape.base_committees):
        name, category = pool[i % len(pool)]
        units.append(
            UnitPlan(
                f"{BLOC}.{i + 1:03d}",
                _numbered(f"Đảng bộ {name}", i, len(pool)),
                "base_committee",
                BLOC,
                _established(rng, GRASSROOTS_SINCE),
                category=category,
            )
        )
    return units


def _base_cells(shape: Shape, first: int, rng: random.Random) -> list[UnitPlan]:
    pool = names.BASE_CELLS
    return [
        UnitPlan(
            f"{BLOC}.{first + i + 1:03d}",
            _numbered(f"Chi bộ {pool[i % len(pool)]}", i, len(pool)),
            "base_cell",
            BLOC,
            _established(rng, GRASSROOTS_SINCE),
            category="base_cell",
        )
        for i in range(shape.base_cells)
    ]


def _cells(committees: list[UnitPlan], shape: Shape, rng: random.Random) -> list[UnitPlan]:
    """The chi bộ trực thuộc: 3 to 12 per đảng bộ cơ sở, more in the larger categories."""
    weights = [CATEGORY_WEIGHT[u.category] * rng.uniform(0.4, 1.6) for u in committees]
    low, high = CELLS_PER_COMMITTEE
    high = max(high, -(-shape.cells // len(committees)) + 2)
    counts = spread(shape.cells, weights, low, high, rng)
    cells = []
    for parent, count in zip(committees, counts, strict=True):
        pool = names.CELL_NAMES[parent.category]
        for j in range(count):
            name = f"Chi bộ {pool[j]}" if j < len(pool) else f"Chi bộ số {j + 1}"
            cells.append(
                UnitPlan(
                    f"{parent.code}.{j + 1:02d}",
                    name,
                    "cell",
                    parent.code,
                    _established(rng, parent.established_on),
                    category=parent.category,
                )
            )
    return cells


def _fill(cells: list[UnitPlan], members: int, rng: random.Random) -> list[UnitPlan]:
    """Give every cell of the bloc its number of members, summing to `members`."""
    weights = [
        rng.uniform(0.6, 2.0)
        if u.kind == "base_cell"
        else CATEGORY_WEIGHT[u.category] * rng.uniform(0.5, 1.5)
        for u in cells
    ]
    counts = spread(members, weights, MIN_PER_CELL, members, rng)
    return [replace(u, members=n) for u, n in zip(cells, counts, strict=True)]


def _party_agency_cells(rng: random.Random) -> list[UnitPlan]:
    return [
        UnitPlan(
            f"{PARTY_AGENCIES}.{i:03d}",
            f"Chi bộ {name}",
            "base_cell",
            PARTY_AGENCIES,
            _established(rng, SUPERIOR_SINCE),
            category="party_agency",
            members=count,
        )
        for i, (name, count) in enumerate(names.PARTY_AGENCY_CELLS, start=1)
    ]


def is_bloc_unit(unit: UnitPlan) -> bool:
    return unit.code.startswith(BLOC + ".")
