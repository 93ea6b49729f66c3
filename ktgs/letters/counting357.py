"""The letters' figures of the QĐ 357-QĐ/UBKTTW statistical forms (statistical-forms.md §2.4:
F13 GQTC_DV, F14 GQTC_TCD, F21 XU_LY_DON_THU) for a unit's subtree over [start, end]: aggregate
queries only (eight, whatever the number of letters), read by `indicators357.py`.

A letter counts for the unit of its receiving body, as in `counting.py` (additive over sub-units;
voided letters never count). The level a letter is handled at (V2: UBKT Trung ương / tỉnh /
huyện / cơ sở) is derived, not stored: the level of the receiving body's unit kind
(`orgs.choices.Level`, as `deadlines.level_of` reads it); a body below the base level counts
with the base level.

F13 / F14 count subjects, not letters (C1): each accused member (F13) or accused organisation
(F14) of each denunciation letter once —

- "tong" (phải giải quyết): letters accepted for resolution on or before the end and not
  concluded before the start (being resolved during the period, or resolved in it);
- "xong" (đã giải quyết xong): concluded in the period;
- per content (V3 for members, V4 for organisations): the subjects of "tong" whose letter has a
  content item of that category (one subject may count under several contents: C4);
- per conclusion (V9), among "xong", from the letter's items' verdicts (the records conclude
  items, not each accused): "to_dung" an item true (đúng, có khuyết điểm / có vi phạm / đúng);
  "to_sai" every item false; "chua_co_so" no item true and one unfounded; "dung_vi_pham" an
  item "đúng, có vi phạm".

F21 counts letters per row level —

- appeals (khiếu nại) received in the period, in total and by who filed (tổ chức / đảng viên),
  and by the competent level: the level of the body the letter was forwarded to, else the
  receiving body's own (a letter forwarded to a body typed as text has no level);
- denunciations and petitions (tố cáo, kiến nghị / phản ánh) received in the period: in total, by
  who filed (đảng viên / công dân), by triage (C7: a signed letter is to be resolved; an
  anonymous one is not — «mạo tên» when so recorded, else «giấu tên», nặc danh included) and by
  content (V3: the letters with an item of that category);
- the accused of those denunciations and petitions by the level that manages them («do từng cấp
  quản lý»; subjects, not letters): an accused member's managing body (`orgs.ManagedBy` holding
  on the received date; none: the base level — a member outside every cadre list is managed by
  their grassroots organisation); an accused organisation's direct superior in today's tree (the
  unit above it; none in the records: the Centre); the accused typed as text are not counted;
- the result of routing in the period, for all kinds: forwarded (chuyển theo thẩm quyền); kept
  (lưu: not considered, kept as information, repeat letter).
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    BooleanField,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Length, Substr

from ktgs.core.models import Dated
from ktgs.letters.choices import (
    MEMBER_CONTENTS,
    UNIT_CONTENTS,
    AnonymousKind,
    FilerKind,
    LetterKind,
    LetterStatus,
    LetterVerdict,
)
from ktgs.letters.counting import letters_of
from ktgs.letters.models import SEGMENT, Letter, LetterItem
from ktgs.orgs.choices import Level
from ktgs.orgs.models import ManagedBy, OrgUnit
from ktgs.rules.letters import TRUE_ITEMS

ALL = ""  # the level key of the totals
# V2: the level a letter is handled at, from the receiving body's unit kind.
LEVELS = {
    Level.CENTRAL: "tw",
    Level.PROVINCE: "tinh",
    Level.SUPERIOR: "huyen",
    Level.BASE: "co_so",
    Level.BELOW_BASE: "co_so",
}
LEVEL_LABELS = {
    "tw": "UBKT Trung ương",
    "tinh": "UBKT tỉnh ủy và tương đương",
    "huyen": "UBKT huyện ủy và tương đương",
    "co_so": "UBKT đảng ủy cơ sở",
}
VERDICTS = {
    "chua_co_so": "Chưa có cơ sở kết luận",
    "to_sai": "Tố sai",
    "to_dung": "Tố đúng và đúng một phần",
    "dung_vi_pham": "Trong đó: đúng có vi phạm",
}
TRUE_LIKE = tuple(TRUE_ITEMS) + (LetterVerdict.PARTLY_TRUE,)
PENDING_OR_DONE = (LetterStatus.ACCEPTED, LetterStatus.CONCLUDED)
KEPT = (LetterStatus.NOT_CONSIDERED, LetterStatus.INFORMATION, LetterStatus.REPEAT)


@dataclass
class Figures357:
    unit: OrgUnit
    start: date
    end: date
    members: dict = field(default_factory=dict)  # (measure, level) -> n   (F13)
    units: dict = field(default_factory=dict)  # (measure, level) -> n     (F14)
    letters: dict = field(default_factory=dict)  # (measure, level) -> n   (F21)

    def get(self, table: str, measure: str, level: str = ALL) -> int:
        return getattr(self, table).get((measure, level), 0)


def _has(verdicts) -> Exists:
    """Does the row's letter have an item with one of these verdicts?"""
    return Exists(LetterItem.objects.filter(letter=OuterRef("letter_id"), verdict__in=verdicts))


def _by_content(rows, items: str, contents, level: str) -> list[dict]:
    """(level, category, n) of `rows` whose letter has a content item of each category of
    `contents` (`items`: the lookup from a row to its letter's items): each row once per
    category it has, however many items of it (C4) — one grouped query for every category."""
    return list(
        rows.filter(**{f"{items}__content_category__in": [c.value for c in contents]})
        .order_by()
        .values(level=Coalesce(level, Value("")), category=F(f"{items}__content_category"))
        .annotate(n=Count("pk", distinct=True))
    )


def _subjects(through, letters, contents, start: date, end: date) -> tuple[list, list]:
    """Two aggregate queries over the (letter, accused) rows: the rows by the letter's level,
    whether it was concluded in the period and which verdicts its items hold — each measure is a
    sum of these few groups —, and the rows by level and content."""
    denounced = letters.filter(
        kind=LetterKind.DENUNCIATION, status__in=PENDING_OR_DONE, accepted_on__lte=end
    ).filter(Q(concluded_on__isnull=True) | Q(concluded_on__gte=start))
    done = Q(letter__status=LetterStatus.CONCLUDED, letter__concluded_on__range=(start, end))
    rows = through.objects.filter(letter__in=denounced.values("pk"))
    by_content = _by_content(rows, "letter__items", contents, "letter__unit__kind__level")
    groups = (
        rows.annotate(
            done=ExpressionWrapper(done, output_field=BooleanField()),
            true=_has(TRUE_LIKE),
            false=_has((LetterVerdict.FALSE,)),
            unfounded=_has((LetterVerdict.UNFOUNDED,)),
            violation=_has((LetterVerdict.TRUE_VIOLATION,)),
        )
        .order_by()
        .values(
            "done",
            "true",
            "false",
            "unfounded",
            "violation",
            level=Coalesce("letter__unit__kind__level", Value("")),
        )
        .annotate(n=Count("pk"))
    )
    measured = []
    for g in groups:
        done, n = bool(g["done"]), g["n"]
        measured.append(
            {
                "level": g["level"],
                "tong": n,
                "xong": n * done,
                "to_dung": n * (done and g["true"]),
                "to_sai": n * (done and not g["true"] and not g["unfounded"] and g["false"]),
                "chua_co_so": n * (done and not g["true"] and g["unfounded"]),
                "dung_vi_pham": n * (done and g["violation"]),
            }
        )
    return measured, by_content


def _denounced(start: date, end: date) -> Q:
    return Q(
        kind__in=(LetterKind.DENUNCIATION, LetterKind.PETITION), received_on__range=(start, end)
    )


def _managing_levels(letters, start: date, end: date) -> list[dict]:
    """The accused of the denunciations and petitions received in the period, by the level of
    the letter's receiving body and the level that manages them: two aggregate queries."""
    received = letters.filter(_denounced(start, end)).values("pk")
    held = Dated.q_on(OuterRef("letter__received_on"))
    manager = (
        ManagedBy.objects.filter(held, member=OuterRef("member_id"))
        .order_by("pk")
        .values("body__unit__kind__level")[:1]
    )
    parent_path = Substr(OuterRef("orgunit__path"), 1, Length(OuterRef("orgunit__path")) - SEGMENT)
    parent = OrgUnit.objects.filter(path=parent_path).values("kind__level")[:1]
    out = []
    for through, managed in (
        (Letter.accused_members.through, Coalesce(Subquery(manager), Value(Level.BASE))),
        (Letter.accused_units.through, Coalesce(Subquery(parent), Value(Level.CENTRAL))),
    ):
        out += list(
            through.objects.filter(letter__in=received)
            .annotate(managed=managed)
            .order_by()
            .values("managed", level=Coalesce("letter__unit__kind__level", Value("")))
            .annotate(n=Count("pk"))
        )
    return out


def _letter_measures(start: date, end: date) -> dict:
    period = (start, end)
    appeal = Q(kind=LetterKind.COMPLAINT, received_on__range=period)
    denounced = _denounced(start, end)
    routed = Q(routed_on__range=period)
    out = {
        "kn_tong": appeal,
        "kn_to_chuc": appeal & Q(filer_kind=FilerKind.ORGANISATION),
        "kn_dang_vien": appeal & Q(filer_kind=FilerKind.PARTY_MEMBER),
        "tc_tong": denounced,
        "tc_dang_vien": denounced & Q(filer_kind=FilerKind.PARTY_MEMBER),
        "tc_cong_dan": denounced & Q(filer_kind=FilerKind.CITIZEN),
        "tc_phai": denounced & Q(anonymous=False),
        "tc_giau_ten": denounced & Q(anonymous=True) & ~Q(anonymous_kind=AnonymousKind.FALSE_NAME),
        "tc_mao_ten": denounced & Q(anonymous=True, anonymous_kind=AnonymousKind.FALSE_NAME),
        "kq_chuyen": routed & Q(status=LetterStatus.FORWARDED),
        "kq_luu": routed & Q(status__in=KEPT),
    }
    for level, key in LEVELS.items():
        competent = Q(forwarded_to__unit__kind__level=level) | Q(
            forwarded_to__isnull=True, unit__kind__level=level
        ) & ~Q(status=LetterStatus.FORWARDED)
        name = f"kn_tq_{key}"
        out[name] = (out[name] | (appeal & competent)) if name in out else appeal & competent
    return out


def count(unit: OrgUnit, start: date, end: date) -> Figures357:
    figures = Figures357(unit, start, end)
    base = letters_of(unit)
    for table, through, contents in (
        (figures.members, Letter.accused_members.through, MEMBER_CONTENTS),
        (figures.units, Letter.accused_units.through, UNIT_CONTENTS),
    ):
        measured, by_content = _subjects(through, base, contents, start, end)
        for row in measured:
            level = LEVELS.get(row.pop("level"), "co_so")
            for measure, n in row.items():
                _add(table, measure, level, n)
        for row in by_content:
            _add(table, row["category"], LEVELS.get(row["level"], "co_so"), row["n"])

    measures = _letter_measures(start, end)
    rows = (
        base.order_by()
        .values(level=Coalesce("unit__kind__level", Value("")))
        .annotate(**{name: Count("pk", filter=q) for name, q in measures.items()})
    )
    for row in rows:
        level = LEVELS.get(row.pop("level"), "co_so")
        for measure, n in row.items():
            _add(figures.letters, measure, level, n)
    received = base.filter(_denounced(start, end))
    for row in _by_content(received, "items", MEMBER_CONTENTS, "unit__kind__level"):
        _add(figures.letters, row["category"], LEVELS.get(row["level"], "co_so"), row["n"])
    for row in _managing_levels(base, start, end):
        managed = LEVELS.get(row["managed"], "co_so")
        _add(figures.letters, f"ql_{managed}", LEVELS.get(row["level"], "co_so"), row["n"])
    return figures


def _add(table: dict, measure: str, level: str, n: int) -> None:
    table[measure, level] = table.get((measure, level), 0) + n
    table[measure, ALL] = table.get((measure, ALL), 0) + n
