"""Programme pages: list, create, the programme page with progress and items, item forms,
permissions (outside scope 404, read-only 403), and a query count that does not grow."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ktgs.audit.models import AuditEvent
from ktgs.core.tests.formpage import FormFields, errors_above, opened
from ktgs.inspections.models import Inspection
from ktgs.inspections.services import SubjectInput, inspection_create
from ktgs.orgs.picking import body_label
from ktgs.programmes import services
from ktgs.programmes.models import Programme
from ktgs.programmes.tests.conftest import add_item, body_of, unit

pytestmark = pytest.mark.django_db


def detail(p) -> str:
    return reverse("programmes:detail", args=[p.pk])


def test_list_filters_by_year_and_body(programme, client_as):
    other = services.programme_create(
        body=body_of("HA.DBK", "standing"),
        year=2025,
        number="07-CTr/ĐUK",
        issued_on=date(2025, 1, 10),
        title="Chương trình của Ban Thường vụ",
    )
    client = client_as("inspector")
    page = client.get(reverse("programmes:list")).content.decode()
    assert "02-CTr/UBKTĐUK" in page and "07-CTr/ĐUK" in page
    page = client.get(reverse("programmes:list"), {"nam": "2025"}).content.decode()
    assert "02-CTr/UBKTĐUK" not in page and "07-CTr/ĐUK" in page
    page = client.get(reverse("programmes:list"), {"co_quan": programme.body_id}).content.decode()
    assert "02-CTr/UBKTĐUK" in page and "07-CTr/ĐUK" not in page
    assert other.pk


def test_grassroots_officer_sees_own_units_programme_only(programme, client_as):
    own = services.programme_create(
        body=body_of("HA.DBK.001"),
        year=2026,
        number="01-CTr/UBKTĐU",
        issued_on=date(2026, 1, 5),
        title="Chương trình của UBKT Đảng ủy Sở Y tế",
    )
    client = client_as("grassroots_officer")
    page = client.get(reverse("programmes:list")).content.decode()
    assert "01-CTr/UBKTĐU" in page and "02-CTr/UBKTĐUK" not in page
    assert client.get(detail(own)).status_code == 200
    assert client.get(detail(programme)).status_code == 404


def test_create_form_creates_and_redirects(client_as):
    client = client_as("inspector")
    body = body_of("HA.DBK")
    response = client.post(
        reverse("programmes:create"),
        {
            "body": body_label(body),
            "year": "2026",
            "number": "03-CTr/UBKTĐUK",
            "issued_on": "05/01/2026",
            "title": "Chương trình kiểm tra, giám sát năm 2026",
        },
    )
    programme = Programme.objects.get(body=body, year=2026)
    assert response.status_code == 302 and response["Location"] == detail(programme)


def test_create_form_shows_the_wrong_type_next_to_the_number(client_as):
    response = client_as("inspector").post(
        reverse("programmes:create"),
        {
            "body": body_label(body_of("HA.DBK")),
            "year": "2026",
            "number": "03-KH/UBKTĐUK",
            "issued_on": "05/01/2026",
            "title": "Kế hoạch",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "id_number_error" in html and "NN-CTr" in html
    assert not Programme.objects.filter(body__unit__code="HA.DBK", year=2026).exists()


def test_programme_page_shows_progress_items_and_the_create_button(programme, client_as):
    done, started, todo = (add_item(programme, n) for n in (1, 2, 3))
    for item, n in ((done, 61), (started, 62)):
        inspection_create(
            body=programme.body,
            kind=item.kind,
            decided_on=date(2026, 3, 2),
            decision_number=f"{n}-QĐ/UBKTĐUK",
            topic=item.topic,
            subjects=[SubjectInput(unit=unit("HA.DBK.001"))],
            programme_item=item,
        )
    Inspection.objects.filter(programme_item=done).update(concluded_on=date(2026, 4, 1))
    html = client_as("inspector").get(detail(programme)).content.decode()
    assert "02-CTr/UBKTĐUK" in html and "Ủy ban Kiểm tra" in html
    assert '<progress class="progress-bar progress-started" max="100" value="67"' in html
    assert '<progress class="progress-bar progress-concluded" max="100" value="33"' in html
    create = reverse("inspections:create")
    assert f"{create}?muc={todo.pk}" in html
    assert f"{create}?muc={done.pk}" not in html and f"{create}?muc={started.pk}" not in html
    assert "Đã kết luận" in html and "Đang thực hiện" in html and "Chưa thực hiện" in html
    assert reverse("inspections:detail", args=[done.inspections.get().pk]) in html


def test_read_only_role_sees_no_write_buttons_and_gets_403(programme, client_as):
    item = add_item(programme)
    client = client_as("committee_leader")
    html = client.get(detail(programme)).content.decode()
    assert "?muc=" not in html and "Thêm nội dung" not in html
    assert client.post(reverse("programmes:item_add", args=[programme.pk]), {}).status_code == 403
    url = reverse("programmes:item_remove", args=[programme.pk, item.pk])
    assert client.post(url, {"x": "1"}).status_code == 403
    assert programme.items.count() == 1


def test_add_item_form_and_its_errors(programme, client_as):
    client = client_as("inspector")
    url = reverse("programmes:item_add", args=[programme.pk])
    bad = client.post(
        url, {"kind": "compliance", "topic": "Kiểm tra", "quarter": "2", "unit_codes": "HA.CQD.001"}
    )
    # A unit outside the user's scope is answered as one that does not exist (docs/security.md).
    assert bad.status_code == 200
    assert "Không có tổ chức đảng mã HA.CQD.001 trong phạm vi" in bad.content.decode()
    ok = client.post(
        url,
        {
            "kind": "compliance",
            "topic": "Kiểm tra chấp hành",
            "month": "7",
            "unit_codes": "ha.dbk.004",
        },
    )
    item = programme.items.get()
    assert ok.status_code == 302 and (item.quarter, item.month) == (3, 7)
    assert ok["Location"].endswith(f"#noi-dung-{item.pk}")


def test_edit_and_remove_item(programme, client_as):
    item = add_item(programme)
    client = client_as("inspector")
    edit = reverse("programmes:item_edit", args=[programme.pk, item.pk])
    assert "HA.DBK.001" in client.get(edit).content.decode()
    client.post(
        edit,
        {
            "kind": "finance",
            "topic": "Kiểm tra tài chính",
            "quarter": "4",
            "unit_codes": "HA.DBK.002",
            "version": item.version,
        },
    )
    item.refresh_from_db()
    assert (item.kind, item.quarter) == ("finance", 4)
    remove = reverse("programmes:item_remove", args=[programme.pk, item.pk])
    assert client.post(remove, {"xac_nhan": "1"}).status_code == 302
    assert not programme.items.exists()
    assert AuditEvent.objects.filter(action="programmes.item.removed").exists()


def test_a_save_from_a_stale_item_form_is_refused_and_can_be_reapplied(programme, client_as):
    item = add_item(programme)
    edit = reverse("programmes:item_edit", args=[programme.pk, item.pk])
    first, second = client_as("inspector"), client_as("ubkt_leader")
    form_a, form_b = opened(first, edit), opened(second, edit)
    assert first.post(edit, {**form_a, "lead": "Chủ nhiệm UBKT"}).status_code == 302
    refused = second.post(edit, {**form_b, "quarter": "4"})
    item.refresh_from_db()
    assert (item.lead, item.quarter) == ("Chủ nhiệm UBKT", 1)
    assert "Chủ trì: «Phó Chủ nhiệm UBKT» khi đồng chí mở trang, nay là «Chủ nhiệm UBKT»" in (
        errors_above(refused)
    )
    shown = FormFields()
    shown.feed(refused.content.decode())
    assert second.post(edit, shown.data).status_code == 302
    item.refresh_from_db()
    assert (item.lead, item.quarter) == ("Chủ nhiệm UBKT", 4)


def test_void_page(programme, client_as):
    client = client_as("inspector")
    url = reverse("programmes:void", args=[programme.pk])
    assert client.post(url, {"reason": "Nhập nhầm"}).status_code == 302
    assert client.get(detail(programme)).status_code == 404


def test_nav_link(client_as):
    html = client_as("committee_leader").get(reverse("home")).content.decode()
    assert (
        f'href="{reverse("programmes:list")}" title="Chương trình kiểm tra, giám sát">Chương trình</a>'
        in html
    )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_pages_use_the_same_number_of_queries_with_3_and_30_items(programme, client_as):
    client = client_as("inspector")
    member = unit("HA.DBK.001.01").current_members.first()
    for n in range(1, 4):
        add_item(programme, n, subjects=[unit("HA.DBK.001"), member])
    first = programme.items.first()
    inspection_create(
        body=programme.body,
        kind=first.kind,
        decided_on=date(2026, 3, 2),
        decision_number="70-QĐ/UBKTĐUK",
        topic=first.topic,
        subjects=[SubjectInput(unit=unit("HA.DBK.001"))],
        programme_item=first,
    )
    small = (_queries(client, detail(programme)), _queries(client, reverse("programmes:list")))
    for n in range(4, 31):
        item = add_item(programme, n, subjects=[unit("HA.DBK.002"), member])
        if n % 5 == 0:
            inspection_create(
                body=programme.body,
                kind=item.kind,
                decided_on=date(2026, 3, 2),
                decision_number=f"{70 + n}-QĐ/UBKTĐUK",
                topic=item.topic,
                subjects=[SubjectInput(unit=unit("HA.DBK.002"))],
                programme_item=item,
            )
    for year in (2024, 2025):  # more programmes in the list
        services.programme_create(
            body=body_of("HA.DBK"),
            year=year,
            number=f"{year - 2000}-CTr/UBKTĐUK",
            issued_on=date(year, 1, 6),
            title=f"Chương trình năm {year}",
        )
    large = (_queries(client, detail(programme)), _queries(client, reverse("programmes:list")))
    assert programme.items.count() == 30
    assert large == small
