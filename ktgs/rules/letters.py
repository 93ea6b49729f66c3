"""Letters (đơn thư) rules read from the pack: who may file, the grounds on which a letter is not
considered, how an anonymous but specific letter and a letter that both complains and denounces
are handled, the resolution time limits and their extension, the verdicts.

Every lookup is chosen by the date the letter was RECEIVED (`received_on`) and goes through
`rule_in_force`, so the office corrections of a commission leader apply (`unit`: the unit of the
receiving / resolving body). A letter received before the pack's first letters row (QĐ 30-QĐ/TW,
26/7/2016) has no rules: the lookups return None, and the app registers it with a warning that
its limits are not computed. None also answers a kind without a sourced rule (kiến nghị, phản
ánh has no resolution limit).

A time limit counts, in the row's day type, from the day its row names (`counts_from`): the day
the competent body received the letter ("receipt"), or its decision to resolve / to form the team
("decision"); that day itself is not counted (`calendar.add_working_days`, Bộ luật Dân sự Điều
147). Working days skip weekends, Tết and the public holidays of the year they fall in.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from django.core.exceptions import ValidationError

from ktgs.core.vietnamese import format_date
from ktgs.orgs.models import OrgUnit
from ktgs.rules.calendar import add_working_days
from ktgs.rules.choices import LetterGround, LetterKind, LetterVerdict
from ktgs.rules.discipline import Basis, _Cited
from ktgs.rules.lookup import RuleNotInForce, rule_in_force
from ktgs.rules.models import RuleRow

FIRST_ROW_ON = date(2016, 7, 26)  # QĐ 30-QĐ/TW: tests/test_letters_rules.py keeps it in step
NOT_COMPUTED = (
    "Đơn nhận trước ngày {first}: bộ quy tắc chưa có quy định về đơn thư cho thời gian này, "
    "thời hạn giải quyết không được tính."
)
DAY_TYPE_NAMES = {"working": "ngày làm việc", "calendar": "ngày"}
TRUE_ITEMS = {LetterVerdict.TRUE, LetterVerdict.TRUE_SHORTCOMING, LetterVerdict.TRUE_VIOLATION}


def not_computed_warning() -> str:
    """The warning of a letter received before the pack's first letters row."""
    return NOT_COMPUTED.format(first=format_date(FIRST_ROW_ON))


@dataclass(frozen=True)
class Filers(_Cited):
    kind: str
    filers: tuple[str, ...]  # LetterFiler codes
    on_behalf: bool
    text: str
    basis: Basis


@dataclass(frozen=True)
class Grounds(_Cited):
    kind: str
    grounds: tuple[str, ...]  # LetterGround codes, in the row's order
    text: str
    basis: Basis

    @property
    def choices(self) -> list[tuple[str, str]]:
        return [(g, LetterGround(g).label) for g in self.grounds]


@dataclass(frozen=True)
class Handling(_Cited):
    key: str  # "anonymous_specific" | "mixed"
    action: str  # "information" | "complaint_only"
    may_lead_to: str  # "signs_of_violation" | ""
    text: str
    basis: Basis


@dataclass(frozen=True)
class TimeLimit(_Cited):
    kind: str
    level: str  # the level asked for ("*": none given)
    days: int
    day_type: str  # "working" | "calendar"
    counts_from: str  # "receipt" | "decision"
    extension_cap: int  # total days of extension allowed (0: none), in the same day type
    basis: Basis

    @property
    def unit_name(self) -> str:
        return DAY_TYPE_NAMES[self.day_type]

    def add(self, start: date, n: int) -> date:
        """The n-th day of this limit's day type after `start` (start not counted)."""
        if self.day_type == "working":
            return add_working_days(start, n)
        return start + timedelta(days=n)


@dataclass(frozen=True)
class Deadline:
    limit: TimeLimit
    start: date | None  # the day counted from; None: the decision it counts from is not made yet
    extended_days: int
    due: date | None  # the last day to resolve; None while start is None


@dataclass(frozen=True)
class Verdicts(_Cited):
    item_verdicts: tuple[str, ...]  # choices for each content item
    letter_verdicts: tuple[str, ...]  # the whole letter's figure, derived from the items
    basis: Basis

    @property
    def item_choices(self) -> list[tuple[str, str]]:
        return [(v, LetterVerdict(v).label) for v in self.item_verdicts]


@dataclass(frozen=True)
class LetterRules:
    """Every letters rule of the regime in force on the day a letter was received."""

    received_on: date
    filers: dict[str, Filers]  # per kind (denunciation, complaint)
    not_considered: dict[str, Grounds]
    anonymous_specific: Handling
    mixed: Handling
    limits: dict[str, TimeLimit]  # per kind, at the level asked for
    verdicts: Verdicts

    @property
    def to_check(self) -> bool:
        """Whether any value used is still "to be checked" (the page says so)."""
        cited = [
            *self.filers.values(),
            *self.not_considered.values(),
            self.anonymous_specific,
            self.mixed,
            *self.limits.values(),
            self.verdicts,
        ]
        return any(c.status == "to_check" for c in cited)


def _row(family: str, key: str, on: date, unit: OrgUnit | None) -> RuleRow | None:
    try:
        return rule_in_force(family, key, on, unit=unit)
    except RuleNotInForce:
        return None


def letter_rules_on(
    received_on: date, *, level: str | None = None, unit: OrgUnit | None = None
) -> LetterRules | None:
    """The rules for a letter received on `received_on` (limits at `level`, e.g. "province"),
    or None before the pack's first letters row (warn: limits not computed)."""
    kinds = (LetterKind.DENUNCIATION, LetterKind.COMPLAINT)
    limits = {k: time_limit(k, received_on, level, unit=unit) for k in kinds}
    if any(limit is None for limit in limits.values()):
        return None
    filers = {k: who_may_file(k, received_on, unit=unit) for k in kinds}
    grounds = {k: grounds_not_considered(received_on, k, unit=unit) for k in kinds}
    anonymous = handling("anonymous_specific", received_on, unit=unit)
    mixed = handling("mixed", received_on, unit=unit)
    verdicts = verdict_choices(received_on, unit=unit)
    parts = [*filers.values(), *grounds.values(), anonymous, mixed, verdicts]
    if any(p is None for p in parts):  # the pack tests keep every family from the same day
        raise RuleNotInForce(f"Bộ quy tắc đơn thư thiếu dòng cho ngày {format_date(received_on)}.")
    return LetterRules(received_on, filers, grounds, anonymous, mixed, limits, verdicts)


def who_may_file(kind: str, received_on: date, *, unit: OrgUnit | None = None) -> Filers | None:
    row = _row("letters_filers", kind, received_on, unit)
    if row is None:
        return None
    v = row.value
    return Filers(kind, tuple(v["filers"]), v["on_behalf"], v["text"], Basis.of(row))


def grounds_not_considered(
    received_on: date, kind: str = LetterKind.DENUNCIATION, *, unit: OrgUnit | None = None
) -> Grounds | None:
    """The grounds on which a letter of `kind` received that day is not considered."""
    row = _row("letters_not_considered", kind, received_on, unit)
    if row is None:
        return None
    return Grounds(kind, tuple(row.value["grounds"]), row.value["text"], Basis.of(row))


def handling(key: str, received_on: date, *, unit: OrgUnit | None = None) -> Handling | None:
    """ "anonymous_specific": an anonymous / hidden- / false-name denunciation with a clear
    accused and specific content (kept as information, may lead to an inspection on signs of
    violation); "mixed": a letter that both complains and denounces."""
    row = _row("letters_handling", key, received_on, unit)
    if row is None:
        return None
    v = row.value
    return Handling(key, v["action"], v.get("may_lead_to", ""), v["text"], Basis.of(row))


def time_limit(
    kind: str,
    received_on: date,
    level: str | None = None,
    *,
    variant: str = "",
    unit: OrgUnit | None = None,
) -> TimeLimit | None:
    """The resolution limit of a letter of `kind` received that day, resolved at `level`
    (central, province, superior, base, below_base; None: the general value). `variant`
    "central_cadre": a denunciation resolved by the Politburo or the Secretariat (QĐ 164-QĐ/TW),
    where a row holds, else the general row of the kind."""
    row = None
    if variant:
        row = _row("letters_deadline", f"{kind}:{variant}", received_on, unit)
    row = row or _row("letters_deadline", kind, received_on, unit)
    if row is None:
        return None
    v = row.value
    lvl = level or "*"
    days = v["days"].get(lvl, v["days"]["*"])
    caps = v.get("extension_cap", {})
    cap = caps.get(lvl, caps.get("*", 0))
    return TimeLimit(kind, lvl, days, v["day_type"], v["counts_from"], cap, Basis.of(row))


def extension_cap(
    kind: str,
    received_on: date,
    level: str | None = None,
    *,
    variant: str = "",
    unit: OrgUnit | None = None,
) -> int | None:
    """The total days of extension allowed (in the limit's day type); None without a limit."""
    limit = time_limit(kind, received_on, level, variant=variant, unit=unit)
    return None if limit is None else limit.extension_cap


def extension_allowed(
    kind: str,
    received_on: date,
    level: str | None = None,
    *,
    days: int,
    granted: Iterable[int] = (),
    variant: str = "",
    unit: OrgUnit | None = None,
) -> TimeLimit:
    """Check a new extension of `days` on top of those already `granted`; the limit when it
    fits, else a ValidationError in Vietnamese citing the rule."""
    limit = time_limit(kind, received_on, level, variant=variant, unit=unit)
    if limit is None:
        raise ValidationError(
            {"extension": f"{not_computed_warning()} Không gia hạn được khi chưa có thời hạn."}
        )
    _check_extensions(limit, [*granted, days])
    return limit


def _check_extensions(limit: TimeLimit, extensions: list[int]) -> int:
    if any(not isinstance(n, int) or n <= 0 for n in extensions):
        raise ValidationError({"extension": "Số ngày gia hạn phải là số nguyên lớn hơn 0."})
    total = sum(extensions)
    what = LetterKind(limit.kind).label.lower()
    if total and not limit.extension_cap:
        raise ValidationError(
            {
                "extension": f"Quy định ({limit.citation}) không cho gia hạn thời hạn giải quyết "
                f"{what}; đồng chí không gia hạn được."
            }
        )
    if total > limit.extension_cap:
        raise ValidationError(
            {
                "extension": f"Gia hạn tổng cộng {total} {limit.unit_name} vượt mức tối đa "
                f"{limit.extension_cap} {limit.unit_name} ({limit.citation}); đồng chí chỉ gia "
                f"hạn thêm được {max(limit.extension_cap - sum(extensions[:-1]), 0)} "
                f"{limit.unit_name}."
            }
        )
    return total


def resolution_deadline(
    kind: str,
    received_on: date,
    level: str | None = None,
    *,
    start_on: date | None = None,
    extensions: Iterable[int] = (),
    variant: str = "",
    unit: OrgUnit | None = None,
) -> Deadline | None:
    """The last day to resolve a letter of `kind` received on `received_on` (which selects the
    rule), or None when no limit holds (before the pack's first letters row; kiến nghị).

    The limit counts from what its row says: "receipt" — `start_on` when given (the day the
    competent body received a forwarded letter), else `received_on`; "decision" — `start_on`,
    the decision to resolve / forming the team (due None until it is made). `extensions`: the
    days of each extension granted, in the limit's day type; beyond the cap: ValidationError.
    """
    limit = time_limit(kind, received_on, level, variant=variant, unit=unit)
    if limit is None:
        return None
    extended = _check_extensions(limit, list(extensions))
    start = start_on if limit.counts_from == "decision" else (start_on or received_on)
    if start is None:
        return Deadline(limit, None, extended, None)
    if start < received_on:
        raise ValidationError(
            {"start_on": "Ngày bắt đầu tính thời hạn không được trước ngày nhận đơn."}
        )
    return Deadline(limit, start, extended, limit.add(start, limit.days + extended))


def verdict_choices(received_on: date, *, unit: OrgUnit | None = None) -> Verdicts | None:
    """The verdicts for a content item of a denunciation received that day, and the whole
    letter's figures (derived by `letter_verdict`)."""
    row = _row("letters_verdict", LetterKind.DENUNCIATION, received_on, unit)
    if row is None:
        return None
    v = row.value
    return Verdicts(tuple(v["item_verdicts"]), tuple(v["letter_verdicts"]), Basis.of(row))


def letter_verdict(item_verdicts: Iterable[str]) -> str:
    """The whole letter's figure from its items' verdicts: "true" when every item is true (đúng,
    có khuyết điểm / có vi phạm), "false" when none is, else "partly_true"; "" without items."""
    items = list(item_verdicts)
    if not items:
        return ""
    true = sum(1 for v in items if v in TRUE_ITEMS)
    if true == len(items):
        return LetterVerdict.TRUE
    return LetterVerdict.FALSE if true == 0 else LetterVerdict.PARTLY_TRUE
