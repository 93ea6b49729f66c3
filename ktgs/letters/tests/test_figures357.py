"""The QĐ 357 letters forms (GQTC_DV, GQTC_TCD, XU_LY_DON_THU): a hand-built set of letters
counted by hand per column, the tables in a report page and its XLSX, and the categories they
need (who filed, the kind of anonymous letter, each item's content) refused where they do not
apply."""

import re
from datetime import date
from io import BytesIO

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from ktgs.accounts.access import visible_to
from ktgs.letters import counting357, handling, services
from ktgs.letters.models import SEGMENT, Letter, LetterItem
from ktgs.letters.tests.helpers import register, ubkt
from ktgs.orgs.models import Body, ManagedBy, Member, OrgUnit
from ktgs.reports import tables
from ktgs.reports.indicators import Context

pytestmark = pytest.mark.django_db

START, END = date(2026, 1, 1), date(2026, 3, 31)
KEYS = ("qd357_gqtc_dv", "qd357_gqtc_tcd", "qd357_xu_ly_don_thu")
CONCLUDED = {"status": "concluded", "accepted_on": date(2026, 3, 3), "routed_on": date(2026, 3, 3)}


def _letter(user, body, *, items=(), **fields):
    """A registered letter (items: (verdict, category) per content item), then put directly in
    the state `fields` describe."""
    anonymous = fields.pop("anonymous", False)
    register_fields = {
        k: fields.pop(k)
        for k in ("kind", "received_on", "accused_members", "accused_units", "filer_kind")
        if k in fields
    }
    if anonymous:
        register_fields |= {"filer": services.Filer(), "anonymous_kind": fields.pop("ak", "")}
    letter = register(
        user,
        body,
        anonymous=anonymous,
        items=[f"Nội dung {n}" for n in range(1, len(items) + 1)],
        summary=f"Đơn số {Letter.objects.count() + 1} về việc thứ {Letter.objects.count() * 7}.",
        **register_fields,
    ).letter
    Letter.objects.filter(pk=letter.pk).update(**fields)
    for position, (verdict, category) in enumerate(items, 1):
        LetterItem.objects.filter(letter=letter, position=position).update(
            verdict=verdict, content_category=category
        )
    return letter


@pytest.fixture
def forms357(demo, cast):
    bloc, base = ubkt(demo.bloc), ubkt(demo.base_committee)
    u, g = cast["inspector"], cast["grassroots_officer"]
    m1, m2 = Member.objects.live().filter(current_unit=demo.cell).order_by("code")[:2]
    # m1 is managed by the bloc's committee; m2 by no list (→ the base level)
    ManagedBy.objects.filter(member__in=[m1, m2]).delete()
    committee = Body.objects.get(unit=demo.bloc, kind="committee")
    ManagedBy.objects.create(member=m1, body=committee, starts_on=date(2020, 1, 1))
    # A1 tố cáo (bloc) of m1, m2 by a member: one item true with a violation, one false
    _letter(
        u,
        bloc,
        accused_members=[m1, m2],
        filer_kind="party_member",
        items=[("true_violation", "dv_tham_nhung"), ("false", "dv_dao_duc_loi_song")],
        concluded_on=date(2026, 3, 20),
        **CONCLUDED,
    )
    # A2 tố cáo mạo tên (bloc) of m1: being resolved
    _letter(
        u,
        bloc,
        anonymous=True,
        ak="false_name",
        accused_members=[m1],
        items=[("", "dv_dat_dai")],
        status="accepted",
        accepted_on=date(2026, 3, 3),
        routed_on=date(2026, 3, 3),
    )
    # A3 tố cáo (base) of m2 and of the cell by a citizen: unfounded + false → chưa có cơ sở
    _letter(
        g,
        base,
        accused_members=[m2],
        accused_units=[demo.cell],
        filer_kind="citizen",
        items=[("unfounded", "tc_can_bo"), ("false", "")],
        concluded_on=date(2026, 3, 10),
        **CONCLUDED,
    )
    # A4 tố cáo (bloc) of m1 concluded last year: counts nowhere in the period
    _letter(
        u,
        bloc,
        received_on=date(2025, 11, 10),
        accused_members=[m1],
        items=[("false", "dv_khac")],
        status="concluded",
        routed_on=date(2025, 12, 1),
        accepted_on=date(2025, 12, 1),
        concluded_on=date(2025, 12, 20),
    )
    # A5 tố cáo (bloc) of m2, every item false → tố sai; two items of one content, which
    # counts the letter (and m2) once under that content
    _letter(
        u,
        bloc,
        accused_members=[m2],
        items=[("false", "dv_tham_nhung"), ("false", "dv_tham_nhung")],
        concluded_on=date(2026, 3, 25),
        **CONCLUDED,
    )
    # A6 khiếu nại (bloc) by an organisation, forwarded to the base UBKT
    _letter(
        u,
        bloc,
        kind="complaint",
        filer_kind="organisation",
        status="forwarded",
        routed_on=date(2026, 3, 5),
        forwarded_to=base,
    )
    # A7 khiếu nại (bloc) by a member, not routed yet: the bloc's level is competent
    _letter(u, bloc, kind="complaint", filer_kind="party_member")
    # A8 kiến nghị giấu tên (bloc): not considered → lưu
    _letter(
        u,
        bloc,
        kind="petition",
        anonymous=True,
        ak="hidden_name",
        status="not_considered",
        ground="hidden_name",
        routed_on=date(2026, 3, 5),
    )
    # A9 voided: never counts
    voided = _letter(u, bloc, accused_members=[m1], items=[("", "dv_tham_nhung")])
    Letter.objects.filter(pk=voided.pk).update(voided_at=timezone.now())
    return demo


def _levels(demo):
    high = counting357.LEVELS[demo.bloc.kind.level]
    low = counting357.LEVELS[demo.base_committee.kind.level]
    assert high != low  # the set needs two levels to test the split
    return high, low


def test_the_forms_counted_by_hand(forms357):
    high, low = _levels(forms357)
    f = counting357.count(forms357.bloc, START, END)
    m = lambda measure, level="": f.get("members", measure, level)  # noqa: E731
    # F13: (letter, member) pairs: A1 ×2, A2, A3, A5 being resolved or resolved in the period
    assert m("tong") == 5 and m("tong", high) == 4 and m("tong", low) == 1
    assert m("xong") == 4  # A1 ×2, A3, A5
    assert [m("to_dung"), m("dung_vi_pham"), m("chua_co_so"), m("to_sai")] == [2, 2, 1, 1]
    assert m("dv_tham_nhung") == 3 and m("dv_dao_duc_loi_song") == 2 and m("dv_dat_dai") == 1
    assert m("dv_khac") == 0  # A4 was concluded before the period
    # F14: the cell accused in A3
    u = lambda measure, level="": f.get("units", measure, level)  # noqa: E731
    assert [u("tong"), u("tong", low), u("xong"), u("chua_co_so"), u("tc_can_bo")] == [1] * 5
    assert u("to_sai") == 0 and u("tong", high) == 0
    # F21 per level of the receiving body
    x = lambda measure, level="": f.get("letters", measure, level)  # noqa: E731
    assert [x("kn_tong"), x("kn_to_chuc"), x("kn_dang_vien")] == [2, 1, 1]
    assert x(f"kn_tq_{low}") == 1 and x(f"kn_tq_{high}") == 1  # A6 forwarded down, A7 own level
    assert x("tc_tong") == 5 and x("tc_tong", high) == 4 and x("tc_tong", low) == 1
    assert [x("tc_dang_vien"), x("tc_cong_dan")] == [1, 1]
    assert [x("tc_phai"), x("tc_giau_ten"), x("tc_mao_ten")] == [3, 1, 1]
    assert x("dv_tham_nhung") == 2 and x("dv_dat_dai") == 1 and x("dv_khac") == 0
    assert [x("kq_chuyen"), x("kq_luu")] == [1, 1]
    # the accused of A1, A2, A3, A5 by managing level: m1 ×2 (A1, A2) by the bloc's level, m2 ×3
    # (A1, A3, A5) at the base level, the cell (A3) by the level of the unit above it
    above = OrgUnit.objects.get(path=forms357.cell.path[:-SEGMENT])
    expected = {key: 0 for key in ("tw", "tinh", "huyen", "co_so")}
    expected[high] += 2
    expected["co_so"] += 3
    expected[counting357.LEVELS[above.kind.level]] += 1
    assert {k: x(f"ql_{k}") for k in expected} == expected
    assert x("ql_co_so", low) == 1 + (counting357.LEVELS[above.kind.level] == "co_so")
    # the sub-unit alone: its own letter
    sub = counting357.count(forms357.base_committee, START, END)
    assert sub.get("members", "tong") == 1 and sub.get("letters", "tc_tong") == 1


def test_the_tables_in_the_report_page_and_xlsx(forms357, client_as):
    high, _low = _levels(forms357)
    ctx = Context(forms357.bloc, START, END)
    by_key = {t.key: t for t in tables.tables()}
    dv = tables.compute(by_key["qd357_gqtc_dv"], ctx)
    columns = by_key["qd357_gqtc_dv"].columns
    cells = {c.key: v.value for c, v in zip(columns, dv.rows[0].cells, strict=True)}
    assert cells["tong"] == 5 and cells["xong"] == 4 and cells[f"cap_{high}"] == 4
    assert cells["nd_6"] == 3  # V3 item 6 «Tham nhũng, cố ý làm trái»
    assert cells["kl_to_dung"] == 2 and not dv.flags
    xl = tables.compute(by_key["qd357_xu_ly_don_thu"], ctx)
    rows = {r.key: [c.value for c in r.cells] for r in xl.rows}
    columns = [c.key for c in by_key["qd357_xu_ly_don_thu"].columns]
    assert rows["tong"][columns.index("tc_tong")] == 5
    assert rows[high][columns.index("tc_tong")] == 4
    assert rows["tong"][columns.index("tc_mao_ten")] == 1
    assert not xl.flags  # the total row and column reconcile

    client = client_as("ubkt_leader")
    query = {"tu": "01/01/2026", "den": "31/03/2026"}
    html = client.get(reverse("reports:unit", args=[forms357.bloc.code]), query).content.decode()
    for key in KEYS:
        assert f'data-table="{key}"' in html
    assert "GQTC_DV — Giải quyết tố cáo đảng viên" in html
    xlsx = client.get(reverse("reports:xlsx", args=[forms357.bloc.code]), query)
    assert xlsx.status_code == 200
    book = load_workbook(BytesIO(xlsx.content))
    text = " ".join(
        str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row if v
    )
    assert "XU_LY_DON_THU" in text and "Không phải giải quyết (mạo tên)" in text


def test_the_forms_are_sourced_reconstructions_that_reconcile(forms357):
    """As the reports' own QĐ 357 forms are (reports/tests/test_357_forms.py)."""
    shipped = [t for t in tables.tables() if t.key in KEYS]
    assert len(shipped) == 3
    for t in shipped:
        assert t.reconstruction and "statistical-forms.md" in t.note, t.key
        assert "Chưa đưa vào" in t.note and "monsoc/wh_qldld@608b48ec" in t.source, t.key
        for col in t.columns:
            assert re.search(r"statistical-forms\.md §2\.4", col.source), (t.key, col.key)
        for unit in (forms357.bloc, forms357.base_committee):
            done = tables.compute(t, Context(unit, START, END))
            assert done.flags == [], (t.key, unit.code)
            values = {
                (r.key, c.key): cell.value
                for r in done.rows
                for c, cell in zip(t.columns, r.cells, strict=True)
            }
            for row in (r for r in t.rows if r.sum):
                for c in t.columns:
                    assert values[row.key, c.key] == sum(values[p, c.key] for p in row.sum)
            for col in (c for c in t.columns if c.sum):
                for r in done.rows:
                    assert values[r.key, col.key] == sum(values[r.key, p] for p in col.sum)


def test_categories_refused_where_they_do_not_apply(demo, cast):
    body = ubkt(demo.bloc)
    with pytest.raises(ValidationError) as exc:
        register(cast["inspector"], body, anonymous_kind="false_name")
    assert "anonymous_kind" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        register(
            cast["inspector"], body, anonymous=True, filer=services.Filer(), filer_kind="citizen"
        )
    assert "filer_kind" in exc.value.message_dict
    with pytest.raises(ValidationError):
        register(cast["inspector"], body, filer_kind="alien")
    assert not Letter.objects.exists()
    letter = register(
        cast["inspector"], body, anonymous=True, filer=services.Filer(), anonymous_kind="false_name"
    ).letter
    assert (letter.anonymous_kind, letter.filer_kind) == ("false_name", "")


def test_the_register_form_and_the_conclude_page_record_them(demo, cast, client_as):
    client = client_as("inspector")
    body = ubkt(demo.bloc)
    page = client.get(reverse("letters:create")).content.decode()
    assert 'name="filer_kind"' in page and 'name="anonymous_kind"' in page
    # the conclude page: a content category per item, saved with the verdicts
    letter = register(cast["inspector"], body, items=["Một", "Hai"], filer_kind="citizen").letter
    assert letter.filer_kind == "citizen"
    Letter.objects.filter(pk=letter.pk).update(
        status="accepted", accepted_on=date(2026, 3, 3), routed_on=date(2026, 3, 3)
    )
    one, two = letter.items.order_by("position")
    url = reverse("letters:conclude", args=[letter.pk])
    assert f'name="category_{one.pk}"' in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "concluded_on": "20/03/2026",
            f"verdict_{one.pk}": "true",  # received before QĐ 21: đúng / sai
            f"category_{one.pk}": "dv_tham_nhung",
            f"verdict_{two.pk}": "",
            f"category_{two.pk}": "tc_can_bo",
        },
    )
    assert response.status_code == 302
    one.refresh_from_db()
    two.refresh_from_db()
    assert (one.verdict, one.content_category, two.content_category) == (
        "true",
        "dv_tham_nhung",
        "tc_can_bo",
    )
    with pytest.raises(ValidationError) as exc:
        handling.items_conclude(
            scope=visible_to(cast["inspector"]),
            letter=letter,
            verdicts={},
            categories={two.pk: "nonsense"},
            concluded_on=date(2026, 3, 20),
        )
    assert f"category_{two.pk}" in exc.value.message_dict
    two.refresh_from_db()
    assert two.content_category == "tc_can_bo"
