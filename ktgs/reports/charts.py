"""Charts of the period report (docs/reports.md, "Biểu đồ").

Three charts, each drawn by matplotlib (Agg, no display, offline) from the indicators of
`ktgs.reports.indicators` — never from a count of its own:

- `ktgs-quy`: inspections and supervisions per quarter of the period (per year when the period
  holds more than `MAX_BUCKETS` quarters), stacked by performing body group: the unit's committee
  side (with its standing committee), its UBKT, the grassroots bodies, and the bodies between
  when there are any;
- `ktgs-chu-the`: inspections and supervisions of the period per body group (the rows of the
  table "Kiểm tra, giám sát theo chủ thể");
- `ky-luat-hinh-thuc`: discipline per form over the term holding the period's end (its
  cumulative range; the period itself for a unit with no term), members and organisations apart.

Readable in black and white: grey fills with hatches, every value written beside its bar, no
meaning carried by a colour. Texts in Vietnamese (DejaVu Sans, shipped with matplotlib, has every
Vietnamese letter), numbers as "4.759".

For the page: `chart_svg` (text kept as text, so it can be read and searched). For a Word
document: `report_charts(unit, period)` lists (name, title) of the charts of a report and
`chart_png(name, unit, period)` gives each as a PNG of A4 text width (`WIDTH_IN` inches at `DPI`
dots per inch), to embed at `WIDTH_IN` inches. `chart_data` gives the figures a chart draws
(the page shows them as a table beside the image).

Queries: one indicator context per bucket (each family's few aggregate queries) — a number set
by the period's length, never by the number of records.
"""

import io
import os
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings

from ktgs.core.vietnamese import format_date, format_int
from ktgs.orgs.models import OrgUnit
from ktgs.reports.indicators import Context
from ktgs.reports.names import committee_short_name
from ktgs.reports.periods import (
    Period,
    PeriodKind,
    month_end,
    month_of,
    month_start,
    term_name,
)

# matplotlib keeps its font cache in MPLCONFIGDIR: under the data directory, never in $HOME.
os.environ.setdefault("MPLCONFIGDIR", str(settings.DATA_DIR / "matplotlib"))

WIDTH_IN = 6.5  # A4 (210 mm) less the Party format's margins (30 mm left, 15 mm right) ≈ 165 mm
DPI = 300
PANEL_HEIGHT_IN = 2.6
MAX_BUCKETS = 24  # quarters; beyond, years; beyond 24 years, no chart (too long to read)
NO_DATA = "Không có số liệu trong khoảng thời gian này."
TOO_LONG = (
    "Khoảng thời gian dài hơn {n} năm: biểu đồ theo quý, theo năm không đọc được. "
    "Đồng chí hãy chọn một kỳ ngắn hơn."
)
ROMAN = ("I", "II", "III", "IV")
# (fill, hatch) of the series in order: greys far apart, each with its own hatch.
STYLES = (("#ffffff", "///"), ("#a6a6a6", ""), ("#e0e0e0", "..."), ("#595959", ""))
INK = "#000000"

KT, GS = "ktgs.cuoc_kiem_tra", "ktgs.cuoc_giam_sat"
MEMBER_FORMS = ("reprimand", "warning", "removal", "expulsion")
ORG_FORMS = ("reprimand", "warning", "dissolution")


@dataclass
class Series:
    label: str
    values: list[int]


@dataclass
class Panel:
    title: str
    categories: list[str]
    series: list[Series]
    stacked: bool = False
    horizontal: bool = False

    def totals(self) -> list[int]:
        return [sum(s.values[i] for s in self.series) for i in range(len(self.categories))]

    def rows(self) -> list[tuple[str, list[int], int]]:
        """(category, the value of each series, their total): the chart's table."""
        return [
            (c, [s.values[i] for s in self.series], t)
            for i, (c, t) in enumerate(zip(self.categories, self.totals(), strict=True))
        ]


@dataclass
class ChartData:
    name: str
    title: str
    range_label: str  # "từ 01/01/2023 đến 30/06/2023"
    panels: list[Panel] = field(default_factory=list)
    message: str = ""  # instead of the chart: no figures, a period too long

    @property
    def empty(self) -> bool:
        return bool(self.message) or not any(
            v for p in self.panels for s in p.series for v in s.values
        )

    @property
    def note(self) -> str:
        return self.message or (NO_DATA if self.empty else "")


# --- the figures -------------------------------------------------------------------------------


def buckets(period: Period) -> list[tuple[str, date, date]] | None:
    """(label, start, end) of the quarters of the period (clipped to it), or of its years when
    there are more than MAX_BUCKETS quarters; None when there are more than MAX_BUCKETS years.
    Quarters follow the office's cut-off day of months (docs/reports.md, "Kỳ báo cáo")."""
    source = period.source
    cutoff = source.settings.cutoff(PeriodKind.MONTH) if source else None
    for size in (3, 12):
        year, month = month_of(period.start, cutoff)
        first = (month - 1) // size * size + 1
        out = []
        while len(out) <= MAX_BUCKETS:
            start, end = month_start(year, first, cutoff), month_end(year, first + size - 1, cutoff)
            if start > period.end:
                break
            label = f"Quý {ROMAN[first // 3]}/{year}" if size == 3 else f"Năm {year}"
            out.append((label, max(start, period.start), min(end, period.end)))
            first += size
            if first > 12:
                year, first = year + 1, 1
        if len(out) <= MAX_BUCKETS:
            return out
    return None


def _groups(unit: OrgUnit, on: date) -> list[tuple[str, tuple[str, ...]]]:
    """(label, body groups of the "ktgs" indicators) of the performing bodies, as reports name
    them on `on`."""
    name = str(committee_short_name(unit, on))
    return [
        (f"{name} (gồm BTV)", ("cap_uy",)),
        (f"UBKT {name}", ("ubkt",)),
        ("Cấp ủy, UBKT cơ sở", ("cap_uy_co_so", "ubkt_co_so")),
    ]


OTHERS = "Cấp ủy, UBKT trực thuộc (trên cơ sở)"
OWN_AND_GRASSROOTS = ("cap_uy", "ubkt", "cap_uy_co_so", "ubkt_co_so")


def _ktgs_row(ctx: Context, key: str, groups) -> list[int]:
    """The figure of each group, then the bodies in no group (tat_ca less the others)."""
    values = [sum(ctx.figure(key, {"chu_the": g}).value for g in gs) for _label, gs in groups]
    total = ctx.figure(key, {"chu_the": "tat_ca"}).value
    return [*values, total - sum(values)]


def _with_others(labels: list[str], panels_values: list[list[list[int]]]) -> list[str]:
    """Keep the "others" group only when one of its figures is not zero."""
    if any(v[-1] for rows in panels_values for v in rows):
        return [*labels, OTHERS]
    for rows in panels_values:
        for v in rows:
            v.pop()
    return labels


def _quarters(unit: OrgUnit, period: Period) -> ChartData:
    data = ChartData("ktgs-quy", "Kiểm tra, giám sát theo quý", period.dates_label)
    parts = buckets(period)
    if parts is None:
        data.message = TOO_LONG.format(n=MAX_BUCKETS)
        return data
    if len(parts) and parts[0][0].startswith("Năm"):
        data.title = "Kiểm tra, giám sát theo năm"
    groups = _groups(unit, period.end)
    kt, gs = [], []
    for _label, start, end in parts:
        ctx = Context(unit, start, end)
        kt.append(_ktgs_row(ctx, KT, groups))
        gs.append(_ktgs_row(ctx, GS, groups))
    labels = _with_others([g[0] for g in groups], [kt, gs])
    categories = [p[0] for p in parts]
    for title, rows in (("Cuộc kiểm tra", kt), ("Cuộc giám sát", gs)):
        series = [Series(lab, [r[i] for r in rows]) for i, lab in enumerate(labels)]
        data.panels.append(Panel(title, categories, series, stacked=True))
    return data


def _bodies(unit: OrgUnit, period: Period) -> ChartData:
    data = ChartData("ktgs-chu-the", "Kiểm tra, giám sát theo chủ thể", period.dates_label)
    ctx = Context(unit, period.start, period.end)
    groups = [
        (label, (g,))
        for g, label in zip(OWN_AND_GRASSROOTS, _body_labels(unit, period), strict=True)
    ]
    kt, gs = [_ktgs_row(ctx, KT, groups)], [_ktgs_row(ctx, GS, groups)]
    labels = _with_others([g[0] for g in groups], [kt, gs])
    series = [Series("Cuộc kiểm tra", kt[0]), Series("Cuộc giám sát", gs[0])]
    data.panels.append(Panel("Số cuộc", labels, series, horizontal=True))
    return data


def _body_labels(unit: OrgUnit, period: Period) -> list[str]:
    name = str(committee_short_name(unit, period.end))
    return [f"{name} (gồm BTV)", f"UBKT {name}", "Cấp ủy cơ sở", "UBKT cơ sở"]


def discipline_range(period: Period) -> tuple[date, date, str]:
    """The term holding the period's end, up to that end (the period alone without a term)."""
    if period.term is None or period.cumulative is None:
        return period.start, period.end, period.dates_label
    start, end = period.cumulative
    term = f"nhiệm kỳ {term_name(period.term.name)}"
    return start, end, f"{term}, từ {format_date(start)} đến {format_date(end)}"


def _discipline(unit: OrgUnit, period: Period) -> ChartData:
    from ktgs.core.choices import DisciplineForm

    start, end, label = discipline_range(period)
    data = ChartData("ky-luat-hinh-thuc", "Thi hành kỷ luật theo hình thức", label)
    ctx = Context(unit, start, end)
    forms = dict(DisciplineForm.choices)
    for title, key, which in (
        ("Đảng viên bị kỷ luật", "kyluat.dang_vien", MEMBER_FORMS),
        ("Tổ chức đảng bị kỷ luật", "kyluat.to_chuc", ORG_FORMS),
    ):
        values = [ctx.figure(key, {"hinh_thuc": f}).value for f in which]
        data.panels.append(Panel(title, [forms[f] for f in which], [Series(title, values)]))
    return data


CHARTS = {"ktgs-quy": _quarters, "ktgs-chu-the": _bodies, "ky-luat-hinh-thuc": _discipline}
TITLES = {
    "ktgs-quy": "Kiểm tra, giám sát theo quý",
    "ktgs-chu-the": "Kiểm tra, giám sát theo chủ thể",
    "ky-luat-hinh-thuc": "Thi hành kỷ luật theo hình thức (trong nhiệm kỳ)",
}


def chart_data(name: str, unit: OrgUnit, period: Period) -> ChartData:
    """The figures of chart `name` (KeyError for a name that is not a chart)."""
    return CHARTS[name](unit, period)


def report_charts(unit: OrgUnit, period: Period) -> list[tuple[str, str]]:
    """(name, title) of the charts of the report of `unit` over `period`, in the report's order:
    a document embeds `chart_png(name, unit, period)` for each (no query)."""
    return list(TITLES.items())


# --- the drawing -------------------------------------------------------------------------------

RC = {
    "font.family": "DejaVu Sans",  # shipped with matplotlib: no font to fetch, every Vietnamese letter
    "font.size": 8,
    "svg.fonttype": "none",  # text stays text in the SVG
    "svg.hashsalt": "ktgs",  # the same SVG for the same figures
    "hatch.color": INK,
    "hatch.linewidth": 0.6,
    "axes.edgecolor": INK,
    "axes.labelcolor": INK,
    "text.color": INK,
    "xtick.color": INK,
    "ytick.color": INK,
}


def _draw(data: ChartData):
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter, MaxNLocator

    panels = [] if data.empty else data.panels
    height = 1.0 + PANEL_HEIGHT_IN * max(1, len(panels))
    if panels and panels[0].horizontal:
        height = 1.2 + 0.45 * len(panels[0].categories) * len(panels[0].series)
    fig = Figure(figsize=(WIDTH_IN, height))
    fig.suptitle(f"{data.title}\n{data.range_label}", fontsize=9, fontweight="bold")
    if not panels:
        fig.text(0.5, 0.45, data.note, ha="center", va="center", wrap=True, fontsize=9)
        return fig
    axes = fig.subplots(len(panels), 1, squeeze=False)[:, 0]
    numbers = FuncFormatter(lambda v, _pos: format_int(int(v)))
    for index, (ax, panel) in enumerate(zip(axes, panels, strict=True)):
        _panel(ax, panel, index)
        value_axis = ax.xaxis if panel.horizontal else ax.yaxis
        value_axis.set_major_locator(MaxNLocator(integer=True))
        value_axis.set_major_formatter(numbers)
        ax.spines[["top", "right"]].set_visible(False)
    if len(panels[0].series) > 1:
        handles, labels = axes[0].get_legend_handles_labels()
        fig.legend(
            handles,
            labels,
            loc="lower center",
            ncol=min(len(labels), 2),
            frameon=False,
            fontsize=7.5,
        )
        fig.tight_layout(rect=(0, 0.06 + 0.04 * (len(labels) > 2), 1, 1))
    else:
        fig.tight_layout()
    return fig


def _panel(ax, panel: Panel, index: int) -> None:
    """Draw one panel; each figure written is an SVG group `value-<panel>-<series>-<category>`
    (`total-<panel>-<category>` above a stack), so that a test can read what the chart says."""
    n, k = len(panel.categories), len(panel.series)
    positions = list(range(n))
    top = max(
        [
            *(panel.totals() if panel.stacked else []),
            *(v for s in panel.series for v in s.values),
            1,
        ]
    )
    if panel.stacked:
        base = [0] * n
        for k_i, ((fill, hatch), s) in enumerate(
            zip(STYLES[: len(panel.series)], panel.series, strict=True)
        ):
            bars = ax.bar(
                positions, s.values, 0.6, bottom=base, label=s.label, color=fill,
                edgecolor=INK, hatch=hatch, linewidth=0.6,
            )  # fmt: skip
            for i, (bar, v, b) in enumerate(zip(bars, s.values, base, strict=True)):
                if v and v >= top * 0.12:  # a segment tall enough holds its figure
                    ax.text(
                        bar.get_x() + bar.get_width() / 2, b + v / 2, format_int(v),
                        ha="center", va="center", fontsize=7,
                        bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none"},
                        gid=f"value-{index}-{k_i}-{i}",
                    )  # fmt: skip
            base = [b + v for b, v in zip(base, s.values, strict=True)]
        for x, total in zip(positions, base, strict=True):
            ax.text(x, total + top * 0.02, format_int(total), ha="center", va="bottom",
                    fontsize=7.5, fontweight="bold", gid=f"total-{index}-{x}")  # fmt: skip
        ax.set_ylim(0, top * 1.15)
        ax.set_xticks(positions, panel.categories, rotation=45 if n > 8 else 0,
                      ha="right" if n > 8 else "center")  # fmt: skip
        ax.set_title(f"{panel.title} (số trên cột: tổng)", fontsize=8.5, loc="left")
        return
    width = 0.8 / k
    for i, ((fill, hatch), s) in enumerate(
        zip(STYLES[: len(panel.series)], panel.series, strict=True)
    ):
        offsets = [p - 0.4 + width * (i + 0.5) for p in positions]
        draw = ax.barh if panel.horizontal else ax.bar
        bars = draw(offsets, s.values, width * 0.9, label=s.label, color=fill, edgecolor=INK,
                    hatch=hatch, linewidth=0.6)  # fmt: skip
        labels = ax.bar_label(bars, [format_int(v) for v in s.values], padding=2, fontsize=7.5)
        for j, label in enumerate(labels):
            label.set_gid(f"value-{index}-{i}-{j}")
    if panel.horizontal:
        ax.set_yticks(positions, panel.categories)
        ax.invert_yaxis()
        ax.set_xlim(0, top * 1.15)
    else:
        ax.set_xticks(positions, panel.categories)
        ax.set_ylim(0, top * 1.15)
    ax.set_title(panel.title, fontsize=8.5, loc="left")


def _save(data: ChartData, fmt: str) -> bytes:
    import matplotlib

    with matplotlib.rc_context(RC):
        fig = _draw(data)
        out = io.BytesIO()
        fig.savefig(out, format=fmt, dpi=DPI, metadata=_metadata(fmt, data))
    return out.getvalue()


def _metadata(fmt: str, data: ChartData) -> dict:
    if fmt == "svg":
        return {"Title": data.title, "Date": None, "Creator": "KTGS"}
    return {"Title": data.title, "Software": "KTGS"}


def chart_svg(name: str, unit: OrgUnit, period: Period) -> str:
    """Chart `name` as SVG text (texts as <text>, for the page)."""
    return _save(chart_data(name, unit, period), "svg").decode()


def chart_png(name: str, unit: OrgUnit, period: Period) -> bytes:
    """Chart `name` as a PNG `WIDTH_IN` inches wide at `DPI` (for a Word document)."""
    return _save(chart_data(name, unit, period), "png")


def render(data: ChartData, fmt: str) -> bytes:
    """`data` drawn as "svg" or "png"."""
    return _save(data, fmt)
