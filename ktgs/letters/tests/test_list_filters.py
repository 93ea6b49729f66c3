"""The letters list's filters (`letters/filters.py`) and the figures' links: every letters
figure opens the list filtered so that it lists exactly the letters counted (for the item
verdicts: the page's count of items), «hạn chế» rows included; each filter on its own; a bad
value said next to its field and the list not filtered on it; pages of 50; no filer field."""

import itertools
import re
from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from ktgs.demo.builder import demo_users
from ktgs.letters import services
from ktgs.letters.models import Letter, LetterItem
from ktgs.letters.tests.helpers import register, ubkt
from ktgs.reports import indicators
from ktgs.reports.indicators import Context

pytestmark = pytest.mark.django_db

START, END = date(2026, 1, 1), date(2026, 3, 31)
KEYS = [
    "donthu.tiep_nhan",
    "donthu.xu_ly",
    "donthu.khong_xem_xet",
    "donthu.giai_quyet",
    "donthu.noi_dung",
    "donthu.cuoi_ky",
]
ROW = re.compile(r'<tr[^>]* data-letter="')
FILER_NAME = "Trần Thị Bích"  # helpers.register's filer


def _letter(user, body, *, verdicts=(), accused=None, **fields):
    """A registered letter put directly in the state `fields` describe."""
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
    if accused is not None:
        letter.accused_units.add(accused)
    return letter


@pytest.fixture(scope="module")
def letters(demo, django_db_blocker):
    """Letters of every figure: received, anonymous, routed each way (two grounds), accepted,
    concluded with each letter verdict (and an item without a verdict), pending and overdue at
    the end, outside the period, voided, in the sub-unit; one secret, one accusing the bloc
    (both «hạn chế» for the committee leader). Made once for the module, rolled back after
    it."""
    with django_db_blocker.unblock(), transaction.atomic():
        cast = demo_users()
        u, g = cast["inspector"], cast["grassroots_officer"]
        bloc, base = ubkt(demo.bloc), ubkt(demo.base_committee)
        done = {"status": "concluded", "accepted_on": date(2026, 2, 3)}
        routed = {"routed_on": date(2026, 3, 5)}
        _letter(u, bloc, verdicts=["true_violation", "true_shortcoming"], concluded_on=date(2026, 3, 20), **done)  # fmt: skip
        _letter(u, bloc, anonymous=True, verdicts=["false"], concluded_on=date(2026, 3, 25), **done)
        _letter(u, bloc, verdicts=["true", "unfounded", ""], concluded_on=date(2026, 3, 10), **done)
        _letter(u, bloc, kind="complaint", verdicts=["false", "false"], concluded_on=date(2026, 4, 2), **done)  # fmt: skip
        _letter(u, bloc, anonymous=True, status="not_considered", ground="anonymous", **routed)
        _letter(u, bloc, kind="complaint", status="not_considered", ground="no_address", **routed)
        _letter(u, bloc, kind="complaint", status="forwarded", **routed)
        _letter(u, bloc, kind="petition", status="information", **routed)
        _letter(u, bloc, status="appeal", **routed)
        _letter(
            u, bloc, status="repeat", routed_on=date(2025, 12, 20), received_on=date(2025, 12, 1)
        )
        _letter(u, bloc, kind="complaint", status="accepted", accepted_on=date(2026, 3, 3), due_on=date(2026, 3, 20), **routed)  # fmt: skip
        _letter(u, bloc, status="accepted", accepted_on=date(2026, 1, 3), due_on=date(2026, 6, 20))
        _letter(u, bloc, received_on=date(2025, 11, 15), verdicts=["true_violation", "false"], status="concluded", accepted_on=date(2025, 12, 5), concluded_on=date(2026, 3, 10))  # fmt: skip
        _letter(u, bloc, kind="petition", received_on=date(2026, 4, 6))
        voided = _letter(u, bloc, kind="petition")
        Letter.objects.filter(pk=voided.pk).update(voided_at=timezone.now())
        _letter(g, base, kind="complaint")
        # hidden from the committee leader: above their clearance; accusing their unit
        secret = _letter(u, bloc, anonymous=True, status="accepted", accepted_on=date(2026, 2, 1), due_on=date(2026, 3, 1))  # fmt: skip
        Letter.objects.filter(pk=secret.pk).update(secrecy="secret")
        _letter(u, bloc, verdicts=["true_violation"], accused=demo.bloc, concluded_on=date(2026, 3, 12), **done)  # fmt: skip
        yield demo
        transaction.set_rollback(True)


def sweep(key: str) -> list[dict]:
    ind = indicators.get(key)
    names = [p.name for p in ind.params]
    return [
        dict(zip(names, combo, strict=True))
        for combo in itertools.product(*[list(p.values) for p in ind.params])
    ]


def listed(page, key: str) -> int:
    """What the page says it lists: its letters, or for the item figure the items it counts."""
    assert page.status_code == 200, page.content.decode()[:500]
    if key == "donthu.noi_dung":
        return page.context["items"]
    assert len(ROW.findall(page.content.decode())) == min(page.context["page"].paginator.count, 50)
    return page.context["page"].paginator.count


@pytest.mark.parametrize("key", KEYS)
@pytest.mark.parametrize("role", ["ubkt_leader", "committee_leader"])
def test_each_letters_figure_lists_its_letters(client_as, letters, key, role):
    client = client_as(role)
    checked = nonzero = 0
    for unit in (letters.bloc, letters.base_committee):
        ctx = Context(unit, START, END)
        for params in sweep(key):
            figure = ctx.figure(key, params)
            assert figure.url.startswith(reverse("letters:list") + "?so-lieu=1&"), figure.url
            assert listed(client.get(figure.url), key) == figure.value, (key, params, figure.url)
            checked += 1
            nonzero += figure.value > 0
    assert checked and nonzero, key


def test_a_lower_clearance_lists_as_many_rows_some_restricted(client_as, letters):
    ctx = Context(letters.bloc, START, END)
    pending = ctx.figure("donthu.cuoi_ky", {"cuoi_ky": "dang_giai_quyet"})
    resolved = ctx.figure("donthu.giai_quyet", {})
    for figure in (pending, resolved):
        page = client_as("committee_leader").get(figure.url)
        html = page.content.decode()
        assert page.context["page"].paginator.count == figure.value
        assert html.count('data-letter="restricted"') == 1, figure.url
        # the UBKT leader (cleared for «tối mật»; the bloc's UBKT, not the accused) sees both
        full = client_as("ubkt_leader").get(figure.url).content.decode()
        assert 'data-letter="restricted"' not in full
    # outside the figures the hidden letters are simply not listed
    plain = client_as("committee_leader").get(reverse("letters:list"), {"tinh-trang": "accepted"})
    assert 'data-letter="restricted"' not in plain.content.decode()


def _count(client, **query) -> int:
    page = client.get(reverse("letters:list"), {k.replace("_", "-"): v for k, v in query.items()})
    assert page.status_code == 200
    assert not page.context["q"].errors, page.context["q"].errors
    return page.context["page"].paginator.count


def test_each_filter_on_its_own(client_as, letters):
    c = client_as("ubkt_leader")
    everything = _count(c)
    assert everything >= 17
    assert _count(c, don_vi=letters.base_committee.code) == 1
    assert _count(c, loai="petition") == 2  # the voided one is never listed
    assert _count(c, nac_danh="co") == 3
    assert _count(c, nac_danh="khong") == everything - 3
    assert _count(c, tinh_trang="not_considered") == 2
    assert _count(c, ly_do="no_address") == 1
    assert _count(c, ket_luan="true") == 2
    assert _count(c, ket_luan="partly_true") == 2
    assert _count(c, ket_luan="false") == 2
    assert _count(c, noi_dung="false") == 3
    assert _count(c, noi_dung="co-ket-luan") == 6
    assert _count(c, tu="01/04/2026") == 1  # received from April: the petition
    assert _count(c, ngay="ket-luan", tu="01/04/2026", den="30/04/2026") == 1
    assert _count(c, ngay="thu-ly", tu="01/01/2026", den="31/01/2026") == 1
    assert _count(c, ngay="phan-loai", den="31/12/2025") == 1
    assert _count(c, dang_giai_quyet="15/03/2026") == 6  # 3 accepted + 3 concluded after
    assert _count(c, dang_giai_quyet="31/03/2026", qua_han="1") == 2
    # filters add up: denunciations concluded in March, whole verdict «sai»
    march = {"ngay": "ket-luan", "tu": "01/03/2026", "den": "31/03/2026"}
    assert _count(c, loai="denunciation", ket_luan="false", **march) == 1


def test_the_result_line_says_the_filter(client_as, letters):
    page = client_as("ubkt_leader").get(
        reverse("letters:list"),
        {"don-vi": letters.bloc.code, "ngay": "ket-luan", "tu": "01/03/2026", "loai": "petition"},
    )
    line = re.search(r'<p class="result-line".*?</p>', page.content.decode(), re.S).group(0)
    assert "<strong>0</strong> đơn thư" in line
    assert "ngày kết luận từ 01/03/2026" in line and "loại đơn: kiến nghị, phản ánh" in line
    assert "Không có đơn thư nào như đã lọc." in page.content.decode()


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"tu": "32/01/2026"}, "tu"),
        ({"tu": "01/04/2026", "den": "01/03/2026"}, "den"),
        ({"loai": "xyz"}, "loai"),
        ({"nac-danh": "xyz"}, "nac-danh"),
        ({"tinh-trang": "xyz"}, "tinh-trang"),
        ({"ly-do": "xyz"}, "ly-do"),
        ({"ket-luan": "true_violation"}, "ket-luan"),  # an item's verdict, not a letter's
        ({"noi-dung": "partly_true"}, "noi-dung"),  # a letter's verdict, not an item's
        ({"ngay": "xyz", "tu": "01/04/2026"}, "ngay"),
        ({"dang-giai-quyet": "hôm qua"}, "dang-giai-quyet"),
    ],
)
def test_a_bad_value_is_said_by_its_field_and_not_filtered_on(client_as, letters, query, field):
    client = client_as("ubkt_leader")
    page = client.get(reverse("letters:list"), query)
    assert page.status_code == 200
    html = page.content.decode()
    field_id = "id_" + field.replace("-", "_")
    assert re.search(
        rf'<p class="field-error" id="{field_id}_error" role="alert">[^<]+</p>', html
    ), html[:3000]
    assert f'aria-describedby="{field_id}_error"' in html
    rest = {k: v for k, v in query.items() if k != field and not (field == "den" and k == "tu")}
    if field == "ngay":  # the dates still filter, on the received date
        rest = {"tu": "01/04/2026"}
    expected = client.get(reverse("letters:list"), rest).context["page"].paginator.count
    assert page.context["page"].paginator.count == expected


def test_a_unit_that_is_not_found_is_said_and_not_filtered_on(client_as, letters):
    page = client_as("ubkt_leader").get(reverse("letters:list"), {"don-vi": "không có đâu"})
    assert page.status_code == 200
    assert 'id="id_don_vi_error"' in page.content.decode()
    assert page.context["page"].paginator.count == _count(client_as("ubkt_leader"))


def test_figures_of_a_unit_outside_the_scope_list_the_readers_own(client_as, letters):
    url = reverse("letters:list")
    # a role that does not read letters reads no letter behind a figure either
    assert client_as("sysadmin").get(url, {"so-lieu": "1"}).status_code == 403
    page = client_as("grassroots_officer").get(url, {"so-lieu": "1", "don-vi": letters.bloc.code})
    # the bloc is outside the officer's scope: the unit reads as not found, and the figures of
    # their own unit are listed instead — never the bloc's
    assert page.status_code == 200
    assert page.context["q"].unit.code == letters.base_committee.code
    assert page.context["page"].paginator.count == 1


def test_pages_of_fifty_with_the_filter_kept_and_no_query_per_row(client_as, letters, cast):
    client = client_as("ubkt_leader")
    query = {"loai": "petition", "don-vi": letters.bloc.code}
    with CaptureQueriesContext(connection) as two:
        assert client.get(reverse("letters:list"), query).context["page"].paginator.count == 2
    bloc = ubkt(letters.bloc)
    for n in range(55):
        _letter(cast["inspector"], bloc, kind="petition", received_on=date(2026, 5, 1 + n % 28))
    with CaptureQueriesContext(connection) as fifty:
        first = client.get(reverse("letters:list"), query)
    assert len(fifty.captured_queries) == len(two.captured_queries)  # as many for 50 rows as 2
    html = first.content.decode()
    assert first.context["page"].paginator.count == 57 and len(ROW.findall(html)) == 50
    assert "loai=petition" in html and f"don-vi={letters.bloc.code}" in html and "page=2" in html
    second = client.get(reverse("letters:list"), {**query, "page": "2"})
    assert len(ROW.findall(second.content.decode())) == 7


def test_the_list_never_shows_nor_takes_the_filer(client_as, letters):
    client = client_as("ubkt_leader")
    html = client.get(reverse("letters:list")).content.decode()
    assert FILER_NAME not in html and "001185004321" not in html
    # a filer's name in the query filters nothing (there is no such parameter)
    assert _count(client, nguoi_gui=FILER_NAME) == _count(client)
