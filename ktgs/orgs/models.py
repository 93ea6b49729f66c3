"""The organisation tree, its bodies and terms, and the register of members.

Every fact that changes over time is `Dated`: it holds from `starts_on` (inclusive) until
`ends_on` (exclusive; open when null). `OrgUnit.path` and `Member.current_unit` are caches of
today's state, kept by the services in `services.py`, so that subtree queries are one indexed
prefix match; the dated rows (`UnitLink`, `Membership`) are the history they are derived from.
"""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from ktgs.core.links import link
from ktgs.core.models import Dated, SecretRecord, Versioned, Voidable, secrecy_check
from ktgs.core.vietnamese import fold
from ktgs.orgs.choices import (
    BodyKind,
    Level,
    MembershipEnd,
    MemberStatus,
    SeatRole,
    Sex,
    UnitAttributeKey,
)

PATH_STEP = 7  # each level of OrgUnit.path: the id in base 36, zero-padded to 6, then "."
AREA_LENGTH = 2 * PATH_STEP  # Member.area: the path of the cell's ancestor one level below a root


def ancestor_paths(path: str) -> list[str]:
    """The paths of the unit at `path` and of its ancestors in today's tree, root first."""
    return [path[:end] for end in range(PATH_STEP, len(path) + 1, PATH_STEP)]


def area_of(path: str) -> str:
    """The area of a member registered in the unit at `path`: the path of its ancestor one level
    below a root (a province at the nation tier; the unit itself when shallower)."""
    return path[:AREA_LENGTH]


def unit_search_key(name: str, short_name: str = "") -> str:
    """What the pickers match a typed name against: name and short name folded."""
    return fold(f"{name} {short_name}")[:400]


def path_segment(unit_id: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    n = unit_id
    while n:
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out.rjust(PATH_STEP - 1, "0") + "."


class OrgKind(models.Model):
    """A kind of party organisation, kept as data so that a reorganisation is a data change."""

    code = models.SlugField("mã loại", max_length=40, unique=True)
    name = models.CharField("tên loại", max_length=120)
    level = models.CharField("cấp", max_length=20, choices=Level.choices)
    is_grassroots = models.BooleanField("là tổ chức cơ sở đảng", default=False)
    has_inspection_commission = models.BooleanField("có ủy ban kiểm tra", default=False)
    has_standing_committee = models.BooleanField("có ban thường vụ", default=False)
    is_cell = models.BooleanField("là chi bộ (quyết định qua hội nghị chi bộ)", default=False)
    allowed_parents = models.ManyToManyField(
        "self",
        symmetrical=False,
        blank=True,
        related_name="allowed_children",
        verbose_name="được trực thuộc loại",
    )
    order = models.PositiveSmallIntegerField("thứ tự", default=0)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = "loại tổ chức đảng"

    def __str__(self) -> str:
        return self.name


class OrgUnit(Versioned, Voidable):
    """A party organisation (tổ chức đảng). `code` is stable for life; the name may change."""

    code = models.CharField("mã tổ chức", max_length=40, unique=True)
    name = models.CharField("tên tổ chức", max_length=255)
    short_name = models.CharField("tên gọi tắt", max_length=120, blank=True)
    kind = models.ForeignKey(OrgKind, on_delete=models.PROTECT, verbose_name="loại tổ chức")
    established_on = models.DateField("ngày thành lập")
    closed_on = models.DateField("ngày giải thể", null=True, blank=True)
    closed_decision = models.CharField("quyết định giải thể, sáp nhập", max_length=120, blank=True)
    path = models.CharField(max_length=255, db_index=True, editable=False)
    sort_key = models.CharField(max_length=250, editable=False, default="")
    # the name and short name folded (core.vietnamese.fold): what the pickers search; set with
    # sort_key by every writer of a name (`unit_name_keys`). PostgreSQL adds a trigram index.
    search_key = models.CharField(max_length=400, editable=False, default="", db_index=True)
    # its superior's name folded (today's tree): a word typed may name the place instead of the
    # unit ("van phong y te"); kept by `orgs.placekeys` wherever names or paths change
    place_key = models.CharField(max_length=400, editable=False, default="")

    class Meta:
        ordering = ["path"]
        verbose_name = "tổ chức đảng"

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return link("orgs:unit_detail", self.code)

    def tree_children_url(self) -> str:
        return link("orgs:tree_children", self.pk)

    @property
    def depth(self) -> int:
        return len(self.path) // PATH_STEP

    @property
    def parent_path(self) -> str:
        return self.path[:-PATH_STEP]

    def contains(self, other: "OrgUnit") -> bool:
        """True when `other` is this unit or lies in its subtree (today's tree)."""
        return other.path.startswith(self.path)


class UnitLink(Dated):
    """The unit's parent over a period: the tree on any date is the links holding that day."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="links")
    parent = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="child_links")
    decision = models.CharField("quyết định", max_length=120, blank=True)

    class Meta:
        indexes = [models.Index(fields=["unit", "starts_on"]), models.Index(fields=["parent"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("starts_on")),
                name="unitlink_dates_ordered",
            ),
            models.CheckConstraint(condition=~Q(unit=models.F("parent")), name="unitlink_no_self"),
        ]


class UnitName(Dated):
    """A name the unit bore over a period (written by a rename). The name today is also kept on
    `OrgUnit.name`; a unit never renamed has no rows, and its name on any date is `name`."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="names")
    name = models.CharField("tên tổ chức", max_length=255)
    short_name = models.CharField("tên gọi tắt", max_length=120, blank=True)
    decision = models.CharField("quyết định", max_length=120, blank=True)

    class Meta:
        ordering = ["unit", "starts_on"]
        indexes = [models.Index(fields=["unit", "starts_on"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("starts_on")),
                name="unitname_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SuccessionKind(models.TextChoices):
    MERGED = "merged", "Sáp nhập"
    SPLIT = "split", "Chia tách"


class UnitSuccession(models.Model):
    """From `on`, `successor` carries on (part of) `predecessor`'s work: a record stored with
    the predecessor's id is found from its successor today."""

    predecessor = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="successions")
    successor = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="predecessions")
    on = models.DateField("ngày hiệu lực")
    kind = models.CharField("hình thức", max_length=10, choices=SuccessionKind.choices)
    decision = models.CharField("quyết định", max_length=120, blank=True)

    class Meta:
        ordering = ["on", "predecessor"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="unitsuccession_unique_pair"
            ),
            models.CheckConstraint(
                condition=~Q(predecessor=models.F("successor")), name="unitsuccession_no_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.get_kind_display()})"


class Body(models.Model):
    """A body of a unit that acts: its committee, standing committee, UBKT, cell meeting…"""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="bodies")
    kind = models.CharField("loại cơ quan", max_length=20, choices=BodyKind.choices)
    name = models.CharField("tên cơ quan", max_length=255)

    class Meta:
        ordering = ["unit", "kind", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "kind"],
                condition=~Q(kind=BodyKind.ADVISORY),
                name="body_one_per_kind",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Term(Dated):
    """Nhiệm kỳ of a unit's committee, e.g. 2020–2025."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="terms")
    name = models.CharField("nhiệm kỳ", max_length=20)

    class Meta:
        ordering = ["unit", "starts_on"]
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="term_unique_name")]

    def __str__(self) -> str:
        return f"Nhiệm kỳ {self.name}"


class UnitAttribute(Dated):
    """A dated attribute of a unit that the rules depend on (e.g. authorised to admit members)."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="attributes")
    key = models.CharField("thuộc tính", max_length=40, choices=UnitAttributeKey.choices)
    value = models.JSONField("giá trị")
    decision = models.CharField("quyết định", max_length=120, blank=True)

    class Meta:
        indexes = [models.Index(fields=["unit", "key", "starts_on"])]


class Member(Versioned, Voidable, SecretRecord):
    """Đảng viên. `code` is the key every record has; the citizen ID is kept when known.

    For access, a member concerns one unit: their cell today, or the last one for a former
    member (ACCESS_PATHS lists current members only, as the register does)."""

    ACCESS_PATHS = ("current_unit__path",)

    code = models.CharField("mã đảng viên", max_length=20, unique=True)
    family_name = models.CharField("họ", max_length=60)
    middle_name = models.CharField("tên đệm", max_length=120, blank=True)
    given_name = models.CharField("tên", max_length=60)
    full_name = models.CharField("họ và tên", max_length=255, editable=False)
    search_key = models.CharField(max_length=255, editable=False, db_index=True)
    sort_key = models.CharField(max_length=200, editable=False, db_index=True)
    birth_date = models.DateField("ngày sinh")
    sex = models.CharField("giới tính", max_length=1, choices=Sex.choices)
    # NULL (not "") when unknown, so that the partial unique constraint ignores it.
    citizen_id = models.CharField("số CCCD", max_length=12, null=True, blank=True)  # noqa: DJ001
    old_id_number = models.CharField("số CMND cũ", max_length=9, blank=True)
    admitted_on = models.DateField("ngày vào Đảng")
    official_on = models.DateField("ngày chính thức", null=True, blank=True)
    current_unit = models.ForeignKey(
        OrgUnit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="current_members",
        editable=False,
        verbose_name="đang sinh hoạt tại",
    )
    # `area_of(current_unit.path)`: a cache kept by `save` and, for bulk writes and moved
    # subtrees, by `orgs.areas.sync` (which `counters.refresh` calls); read only while
    # `current_unit` is set. The lists of a whole area walk it in name order (decision 0012).
    area = models.CharField(max_length=AREA_LENGTH, default="", editable=False)
    # the member lists' rows: a member above the reader's clearance is annotated restricted;
    # every other row finds False here, not through the template's failed-lookup path
    restricted = False

    class Meta:
        ordering = ["sort_key", "code"]
        verbose_name = "đảng viên"
        constraints = [
            models.UniqueConstraint(
                fields=["citizen_id"],
                condition=Q(voided_at__isnull=True, citizen_id__isnull=False),
                name="member_citizen_id_unique_live",
            ),
            models.CheckConstraint(
                condition=Q(official_on__isnull=True) | Q(official_on__gte=models.F("admitted_on")),
                name="member_official_after_admission",
            ),
            secrecy_check("member"),
        ]
        indexes = [
            # a cell's members in name order; and the members of a subtree read cell by cell
            # (a capped count, a rare name) without reading a member row (PostgreSQL's INCLUDE)
            models.Index(
                fields=["current_unit", "sort_key", "code"],
                include=["search_key", "secrecy", "voided_at"],
                name="orgs_member_cell_walk",
            ),
            # the member lists and the name picker walk this in name order, reading only the
            # index (PostgreSQL's INCLUDE; on SQLite a plain partial index): docs/decisions/0012
            models.Index(
                fields=["sort_key", "code"],
                include=["id", "search_key", "current_unit", "secrecy"],
                condition=Q(voided_at__isnull=True),
                name="orgs_member_name_walk",
            ),
            # the same walk within one area (a province of the nation): its members only
            models.Index(
                fields=["area", "sort_key", "code"],
                include=["id", "search_key", "current_unit", "secrecy"],
                condition=Q(voided_at__isnull=True),
                name="orgs_member_area_walk",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs):
        fields = kwargs.get("update_fields")
        if self.current_unit_id is not None and (fields is None or "current_unit" in fields):
            self.area = area_of(self.current_unit.path)
            if fields is not None:
                kwargs["update_fields"] = {*fields, "area"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return link("orgs:member_detail", self.code)

    def registered_unit(self) -> OrgUnit | None:
        """The member's cell today, or the last one for a former member."""
        if self.current_unit_id:
            return self.current_unit
        last = self.memberships.select_related("unit").order_by("-starts_on").first()
        return last.unit if last else None

    def access_unit_paths(self) -> list[str]:
        unit = self.registered_unit()
        return [unit.path] if unit is not None else []

    def change_unit_paths(self) -> list[str]:
        """The member's cell (today's, or the last one) keeps the record and its files."""
        return self.access_unit_paths()

    def status_on(self, day: date) -> str | None:
        """Full or probationary on `day` (None before admission)."""
        if day < self.admitted_on:
            return None
        if self.official_on is not None and self.official_on <= day:
            return MemberStatus.FULL
        return MemberStatus.PROBATIONARY

    def clean(self) -> None:
        if self.official_on and self.admitted_on and self.official_on < self.admitted_on:
            raise ValidationError({"official_on": "Ngày chính thức không thể trước ngày vào Đảng."})
        if self.birth_date and self.admitted_on and self.admitted_on <= self.birth_date:
            raise ValidationError({"admitted_on": "Ngày vào Đảng phải sau ngày sinh."})


class Membership(Dated):
    """A period of party registration in one unit, and how it ended."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="memberships")
    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="memberships")
    end_reason = models.CharField(
        "lý do kết thúc", max_length=20, choices=MembershipEnd.choices, blank=True
    )
    decision = models.CharField("quyết định", max_length=120, blank=True)

    class Meta:
        ordering = ["member", "starts_on"]
        indexes = [
            models.Index(fields=["member", "starts_on"]),
            models.Index(fields=["unit", "starts_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(ends_on__gt=models.F("starts_on")),
                name="membership_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True, end_reason="")
                | Q(ends_on__isnull=False) & ~Q(end_reason=""),
                name="membership_end_has_reason",
            ),
        ]


class CommitteeSeat(Dated):
    """A member's seat on a committee, standing committee or UBKT, with its role."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="seats")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="seats")
    role = models.CharField("chức danh", max_length=30, choices=SeatRole.choices)
    term = models.ForeignKey(
        Term, on_delete=models.PROTECT, null=True, blank=True, related_name="seats"
    )

    class Meta:
        ordering = ["body", "role", "starts_on"]
        indexes = [models.Index(fields=["member", "starts_on"])]


class HeadOfUnit(Dated):
    """Người đứng đầu (bí thư) of a unit over a period; one at a time."""

    unit = models.ForeignKey(OrgUnit, on_delete=models.PROTECT, related_name="heads")
    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="headships")

    class Meta:
        ordering = ["unit", "starts_on"]
        indexes = [models.Index(fields=["member"])]


class ManagedBy(Dated):
    """Diện ... quản lý: the body whose personnel remit covers the member over a period."""

    member = models.ForeignKey(Member, on_delete=models.PROTECT, related_name="managed_by")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="managed_members")

    class Meta:
        ordering = ["member", "starts_on"]


class UnitCount(models.Model):
    """The figures the tree and unit pages read on every view, kept per unit by the services in
    the transaction of each change (`orgs.counters`; `ktgs counters check` recomputes them and
    reports drift; docs/decisions/0013-unit-counters.md).

    `members`: live members registered directly in the unit today (`Member.current_unit`).
    `sub_members`: the same over the unit's subtree (today's tree: `path` prefix), itself
    included. `sub_pending`: among those, the members not yet full on `counted_on`, by their
    official date ({"yyyy-mm-dd": n, "": n for no date yet}); "probationary today" is the sum of
    the entries after today, so a date that passes needs no write. `sub_kinds`: live, open units
    of the subtree (itself included) per kind id ({"3": n})."""

    unit = models.OneToOneField(OrgUnit, on_delete=models.CASCADE, related_name="counts")
    members = models.PositiveIntegerField(default=0)
    sub_members = models.PositiveIntegerField(default=0)
    sub_pending = models.JSONField(default=dict)
    sub_kinds = models.JSONField(default=dict)
    counted_on = models.DateField()

    class Meta:
        verbose_name = "số liệu của tổ chức"

    def __str__(self) -> str:
        return f"{self.unit_id}: {self.sub_members} đảng viên"

    def probationary_on(self, day: date) -> int:
        """Members of the subtree still probationary on `day` (not before `counted_on`)."""
        key = day.isoformat()
        return sum(n for official, n in self.sub_pending.items() if not official or official > key)
