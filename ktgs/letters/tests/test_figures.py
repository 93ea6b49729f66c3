"""The letters' figures: a hand-built set of letters counted by hand, the period table and the
review's paragraph built from them, and a report page / docx that still works with them."""

from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from ktgs.letters import counting, services
from ktgs.letters.models import Letter, LetterItem
from ktgs.letters.tests.helpers import register, ubkt
from ktgs.reports import tables
from ktgs.reports.indicators import Context
from ktgs.reports.periods import UnitPeriods
from ktgs.reports.review import Review, load_templates

pytestmark = pytest.mark.django_db

START, END = date(2026, 1, 1), date(2026, 3, 31)


def _letter(user, body, *, verdicts=(), **fields):
    """A registered letter, then put directly in the state `fields` describe (the routing and
    handling services are not needed to count)."""
    received = fields.pop("received_on", date(2026, 3, 2))
    anonymous = fields.pop("anonymous", False)
    kind = fields.pop("kind", "denunciation")
    extra = {"filer": services.Filer()} if anonymous else {}
    letter = register(
        user,
        body,
        received_on=received,
        anonymous=anonymous,
        kind=kind,
        items=[f"Nội dung {n}" for n in range(1, len(verdicts) + 1)] or (),
        summary=f"Đơn {kind} nhận {received} số {Letter.objects.count() + 1}.",
        **extra,
    ).letter
    Letter.objects.filter(pk=letter.pk).update(**fields)
    for position, verdict in enumerate(verdicts, 1):
        LetterItem.objects.filter(letter=letter, position=position).update(verdict=verdict)
    return letter


@pytest.fixture
def letters(demo, cast):
    bloc, base = ubkt(demo.bloc), ubkt(demo.base_committee)
    u, g = cast["inspector"], cast["grassroots_officer"]
    concluded = {"status": "concluded", "accepted_on": date(2026, 3, 3)}
    # L1 tố cáo: both items true → đúng
    _letter(
        u,
        bloc,
        verdicts=["true_violation", "true_shortcoming"],
        concluded_on=date(2026, 3, 20),
        due_on=date(2026, 7, 10),
        **concluded,
    )
    # L2 tố cáo nặc danh, accepted: its item false → sai
    _letter(
        u, bloc, anonymous=True, verdicts=["false"], concluded_on=date(2026, 3, 25), **concluded
    )
    # L3 tố cáo nặc danh: not considered (ground anonymous)
    _letter(
        u,
        bloc,
        anonymous=True,
        status="not_considered",
        ground="anonymous",
        routed_on=date(2026, 3, 5),
    )
    # L4 khiếu nại: forwarded
    _letter(u, bloc, kind="complaint", status="forwarded", routed_on=date(2026, 3, 5))
    # L5 khiếu nại: being resolved, due before the end → overdue at the end of the period
    _letter(
        u,
        bloc,
        kind="complaint",
        status="accepted",
        routed_on=date(2026, 3, 3),
        accepted_on=date(2026, 3, 3),
        due_on=date(2026, 3, 20),
    )
    # L6 tố cáo received last year, concluded in the period: one item true, one false → đúng
    # một phần (resolved, not received, in the period)
    _letter(
        u,
        bloc,
        received_on=date(2025, 12, 15),
        verdicts=["true_violation", "false"],
        status="concluded",
        accepted_on=date(2026, 1, 5),
        concluded_on=date(2026, 3, 10),
    )
    # L7 after the period; L8 voided: neither counts
    _letter(u, bloc, kind="petition", received_on=date(2026, 4, 6))
    voided = _letter(u, bloc, kind="petition")
    Letter.objects.filter(pk=voided.pk).update(voided_at=timezone.now())
    # L9 khiếu nại received by the sub-unit's UBKT: counts for the bloc and for the sub-unit
    _letter(g, base, kind="complaint")
    return demo


def test_figures_counted_by_hand(letters):
    f = counting.count(letters.bloc, START, END)
    assert f.get("letters", counting.RECEIVED) == 6
    assert f.get("letters", counting.RECEIVED, "denunciation") == 3
    assert f.get("letters", counting.RECEIVED, "complaint") == 3
    assert f.get("letters", counting.RECEIVED, "petition") == 0
    assert f.get("letters", counting.ANONYMOUS) == 2
    assert f.get("letters", counting.ACCEPTED) == 4  # L1, L2, L5, L6
    assert f.get("letters", counting.NOT_CONSIDERED) == 1
    assert f.get("grounds", "anonymous") == 1 and f.get("grounds", "no_address") == 0
    assert f.get("letters", counting.FORWARDED) == 1
    assert f.get("letters", counting.RESOLVED, "denunciation") == 3
    assert f.get("letters", counting.RESOLVED) == 3
    assert [f.get("letter_verdicts", v) for v in ("true", "partly_true", "false")] == [1, 1, 1]
    assert f.get("item_verdicts", "true_violation") == 2
    assert f.get("item_verdicts", "true_shortcoming") == 1
    assert f.get("item_verdicts", "false") == 2
    assert f.get("letters", counting.PENDING_END) == 1
    assert f.get("letters", counting.OVERDUE_END) == 1
    # at an earlier end, L5 is not late yet and L1/L2 were still being resolved
    early = counting.count(letters.bloc, START, date(2026, 3, 15))
    assert early.get("letters", counting.OVERDUE_END) == 0
    assert early.get("letters", counting.PENDING_END) == 3  # L1, L2, L5
    # the sub-unit alone: its own letter only
    assert counting.count(letters.base_committee, START, END).get("letters", counting.RECEIVED) == (
        1
    )


def test_the_period_table_and_the_review_paragraph(letters):
    ctx = Context(letters.bloc, START, END)
    table = next(t for t in tables.tables() if t.key == "don_thu")
    computed = tables.compute(table, ctx)
    rows = {r.key: [c.value for c in r.cells] for r in computed.rows}
    #                        tn nd kxx ch tt kn tl gq đ  đmp s  qh
    assert rows["to_cao"] == [3, 2, 1, 0, 0, 0, 3, 3, 1, 1, 1, 0]
    assert rows["khieu_nai"] == [3, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 1]
    assert rows["tong"] == [6, 2, 1, 1, 0, 0, 4, 3, 1, 1, 1, 1]
    assert not computed.flags
    items = tables.compute(next(t for t in tables.tables() if t.key == "don_thu_noi_dung"), ctx)
    assert [c.value for c in items.rows[-1].cells] == [2, 0, 1, 2, 0, 5]

    review = Review(letters.bloc, UnitPeriods(letters.bloc).range(START, END))
    text = review.paragraph("don_thu").text
    assert "tiếp nhận 06 đơn (03 tố cáo, 03 khiếu nại; 02 đơn nặc danh)" in text
    assert "không xem xét 01 đơn (01 đơn nặc danh)" in text
    assert "chuyển 01 đơn đến cấp có thẩm quyền" in text
    assert "giải quyết 03 đơn tố cáo: 01 đúng, 01 đúng một phần, 01 sai" in text
    assert "01 đơn đang giải quyết đã quá hạn" in text
    assert "lưu" not in text and "khiếu nại kỷ luật" not in text  # zero clauses left out
    assert "don_thu" in [p.key for p in review.paragraphs()]


def test_report_page_and_docx_show_the_letters_table(letters, client_as):
    client = client_as("ubkt_leader")
    query = {"tu": "01/01/2026", "den": "31/03/2026"}
    page = client.get(reverse("reports:unit", args=["HA.DBK"]), query)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-table="don_thu"' in html and "Tiếp nhận và giải quyết đơn thư" in html
    docx = client.get(reverse("reports:docx", args=["HA.DBK"]), query)
    assert docx.status_code == 200
    xlsx = client.get(reverse("reports:xlsx", args=["HA.DBK"]), query)
    assert xlsx.status_code == 200


def test_registered_with_the_reports_without_changing_them():
    keys = [t.key for t in tables.load_tables()]
    assert keys[-2:] == ["don_thu", "don_thu_noi_dung"]  # after the reports' own tables
    own = [t.key for t in tables.load_tables(tables.DATA_DIR)]
    assert "don_thu" not in own and set(own) < set(keys)
    layout = [v for kind, v in load_templates().layout if kind == "generated"]
    assert layout[layout.index("ky_luat") + 1] == "don_thu"
