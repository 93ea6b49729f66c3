"""The demo's members, planned as plain rows (no database): pure and deterministic.

Born 1963–2001, ~55 % men, admitted at 18–40 and never after the reference date, full members
12 months after admission (so a few dozen are probationary on 30/06/2023 and none today).
About 85 % have a CCCD number, about 5 % only an old 9-digit CMND number, the rest neither.
"""

import random
from bisect import bisect
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from ktgs.core.citizen_id import make_citizen_id
from ktgs.demo import names
from ktgs.demo.layout import DEMO_REFERENCE_DATE, SEED, UnitPlan

MALE_SHARE = 0.55
RECENT_SHARE = 0.012  # admitted in the 12 months before the reference date
CITIZEN_ID_SHARE, OLD_ID_SHARE = 0.85, 0.05
BORN_FROM, BORN_UNTIL = date(1963, 1, 1), date(2001, 12, 31)
VETERAN_BORN_UNTIL = date(1975, 12, 31)  # admitted by 2015: can hold a seat from 2020
ADMISSION_AGE = (18, 40)


@dataclass(frozen=True)
class MemberPlan:
    code: str
    family_name: str
    middle_name: str
    given_name: str
    sex: str
    birth_date: date
    admitted_on: date
    official_on: date
    citizen_id: str | None
    old_id_number: str
    unit: str  # the cell's code

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.family_name, self.middle_name, self.given_name) if p)


def add_years(day: date, years: int) -> date:
    """The same day `years` later (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def member_code(index: int) -> str:
    """DV000001…DV999999, then DV1000000…: six digits at least, one code per index at any size."""
    if index < 1:
        raise ValueError(f"member index {index} < 1")
    return f"DV{index:06d}"


def plan_members(units: list[UnitPlan]) -> list[MemberPlan]:
    """Every member of the demo, cell by cell in the order of `units`, coded DV000001…"""
    rng = random.Random(f"{SEED}/members")
    rows: list[MemberPlan] = []
    for unit in units:
        for j in range(unit.members):
            rows.append(_member(len(rows) + 1, unit.code, j == 0, rng))
    return rows


class _Weighted:
    """A weighted choice among words (cheaper than random.choices for one draw)."""

    def __init__(self, rows: list[tuple[str, float]]):
        self.words = [word for word, _weight in rows]
        self.cum = list(accumulate(weight for _word, weight in rows))

    def pick(self, rng: random.Random) -> str:
        return self.words[bisect(self.cum, rng.random() * self.cum[-1])]


_FAMILY = _Weighted(names.FAMILY_NAMES)
_MIDDLE = {sex: _Weighted(rows) for sex, rows in names.MIDDLE_NAMES.items()}
_PROVINCES = _Weighted(names.CITIZEN_ID_PROVINCES)


def _name(rng: random.Random, sex: str) -> tuple[str, str, str]:
    return _FAMILY.pick(rng), _MIDDLE[sex].pick(rng), rng.choice(names.GIVEN_NAMES[sex])


def _member(index: int, unit: str, veteran: bool, rng: random.Random) -> MemberPlan:
    sex = "M" if rng.random() < MALE_SHARE else "F"
    birth = _day_between(rng, BORN_FROM, VETERAN_BORN_UNTIL if veteran else BORN_UNTIL)
    admitted = _admission(rng, birth)
    family, middle, given = _name(rng, sex)
    citizen_id, old_id = _ids(rng, index, birth, sex)
    return MemberPlan(
        code=member_code(index),
        family_name=family,
        middle_name=middle,
        given_name=given,
        sex=sex,
        birth_date=birth,
        admitted_on=admitted,
        official_on=add_years(admitted, 1),
        citizen_id=citizen_id,
        old_id_number=old_id,
        unit=unit,
    )


def _day_between(rng: random.Random, first: date, last: date) -> date:
    return first + timedelta(days=int(rng.random() * ((last - first).days + 1)))


def _admission(rng: random.Random, birth: date) -> date:
    """At 18–40; within the last 12 months before the reference date for ~1.2 % of members."""
    first = add_years(birth, ADMISSION_AGE[0])
    last = min(add_years(birth, ADMISSION_AGE[1]), DEMO_REFERENCE_DATE)
    year_before = add_years(DEMO_REFERENCE_DATE, -1)
    if rng.random() < RECENT_SHARE and last > year_before:
        return _day_between(rng, max(first, year_before + timedelta(days=1)), last)
    return _day_between(rng, first, min(last, year_before))


CCCD_SERIALS = 1_000_000  # members whose CCCD serial is unique by construction


def _ids(rng: random.Random, index: int, birth: date, sex: str) -> tuple[str | None, str]:
    """(CCCD, old CMND). The serials are a bijection of the index, so numbers never repeat:
    a CCCD's 6-digit serial only up to a million members (past that, with the province and birth
    year drawn at random, two members would share a number: they get an old CMND instead, whose
    9-digit number is a bijection of the index up to a billion)."""
    draw = rng.random()
    if draw < CITIZEN_ID_SHARE and index >= CCCD_SERIALS:
        return None, f"{(index * 7_654_321 + 123_456_789) % 1_000_000_000:09d}"
    if draw < CITIZEN_ID_SHARE:
        province = _PROVINCES.pick(rng)
        serial = (index * 482_117 + 271_828) % 1_000_000
        return make_citizen_id(province, birth, sex, serial), ""
    if draw < CITIZEN_ID_SHARE + OLD_ID_SHARE:
        return None, f"{(index * 7_654_321 + 123_456_789) % 1_000_000_000:09d}"
    return None, ""
