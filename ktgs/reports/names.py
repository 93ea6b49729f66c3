"""Names as the reports write them (docs/reports.md, «Tên gọi tắt»).

The core lives in `ktgs.orgs.shortnames`, because the figures pages of inspections and discipline
(earlier in the dependency order) use it too; the reports import it from here.
"""

from ktgs.orgs.shortnames import (
    GRASSROOTS_GROUP,
    ShortName,
    body_short_name,
    body_short_names,
    committee_short_name,
    committee_short_names,
    derive_committee,
)

__all__ = [
    "GRASSROOTS_GROUP",
    "ShortName",
    "body_short_name",
    "body_short_names",
    "committee_short_name",
    "committee_short_names",
    "derive_committee",
    "grassroots_group",
]


def grassroots_group(*, lower: bool = False) -> str:
    """The label of the grassroots committees and cells together: "Đảng ủy, chi bộ cơ sở" at the
    head of a table row, "đảng ủy, chi bộ cơ sở" inside a sentence."""
    return GRASSROOTS_GROUP.lower() if lower else GRASSROOTS_GROUP
