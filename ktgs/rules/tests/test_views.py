"""Rule pages: every rule with source, validity and status (filters, a fixed number of queries),
one rule with its history, and a UBKT leader's override of a value "to be checked" — audited,
applied from its date, shown wherever the rule is used; refused to everyone else."""

from datetime import date

import pytest
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from ktgs.accounts import services as account_services
from ktgs.audit.models import AuditEvent
from ktgs.rules.lookup import rule_in_force
from ktgs.rules.models import RuleRow
from ktgs.rules.selectors import value_lines
from ktgs.rules.tests.helpers import override as rule_override

pytestmark = pytest.mark.django_db

LIST = reverse("rules:list")
TO_CHECK_BADGE = '<span class="status status-probationary">Cần kiểm tra lại</span>'


def detail(row) -> str:
    return reverse("rules:detail", args=[row.pk])


def assets_row() -> RuleRow:
    """A pack value still to be checked: UBKT may inspect asset declarations, from QĐ 21."""
    return RuleRow.objects.get(
        family="competence", key="assets:inspection", starts_on=date(2026, 4, 11), origin="pack"
    )


def confirmed_row() -> RuleRow:
    return RuleRow.objects.get(
        family="competence", key="ktgs_duty:inspection", starts_on=date(2025, 5, 30)
    )


def good_post(**changes) -> dict:
    data = {
        "unit": "HA.DBK",  # where the demo leader decides
        "value": '{"allowed": true, "levels": ["central", "province", "superior", "base"]}',
        "starts_on": "01/09/2026",
        "ends_on": "",
        "source": "12-HD/TU",
        "article": "Điểm 3",
        "reason": "Tỉnh ủy giao UBKT đảng ủy cơ sở kiểm soát kê khai tài sản (ví dụ).",
    }
    return {**data, **changes}


def page(client, url, params=None) -> str:
    response = client.get(url, params or {})
    assert response.status_code == 200
    return response.content.decode()


# --- the list ----------------------------------------------------------------------------


def test_list_shows_every_family_with_source_validity_and_status(client_as):
    html = page(client_as("committee_leader"), LIST)
    total = RuleRow.objects.count()
    assert f"<strong>{total}</strong> dòng quy tắc" in html
    assert "Thẩm quyền kiểm tra, giám sát" in html and "Các bước quy trình" in html
    row = assets_row()
    title = "Kiểm soát kê khai tài sản, thu nhập · Ủy ban kiểm tra"
    assert f'href="{detail(row)}">{title}</a>' in html  # the key in words
    assert "từ 11/04/2026" in html and "QĐ 21-QĐ/TW" in html
    assert "Được thực hiện: có<br>Chỉ ở cấp: Trung ương; Tỉnh; Cấp trên cơ sở; Cơ sở" in html
    assert "assets:inspection" not in html and "allowed: có" not in html  # no raw codes
    assert "Cán bộ thuộc diện cấp ủy cấp trên quản lý · mọi loại vi phạm: " in html
    assert TO_CHECK_BADGE in html  # "to be checked" stands out
    assert 'class="nav-rules" href="/quy-tac/">Quy định</a>' in html
    # many families: every group closed, its name and count in the summary
    assert '<details class="rule-group" id="nhom-competence">' in html
    assert 'Thời hạn giải quyết đơn <span class="small muted">(' in html


def test_technical_view_shows_the_raw_keys_and_values_and_keeps_itself(client_as):
    html = page(client_as("inspector"), LIST, {"ky-thuat": "1", "nhom": "competence"})
    row = assets_row()
    assert f'href="{detail(row)}?ky-thuat=1">' in html  # kept in the links
    assert '<code class="small">assets:inspection</code>' in html
    assert "allowed: có<br>levels: central, province, superior, base" in html
    assert 'name="ky-thuat" value="1" checked' in html  # kept in the filter form
    assert '<details class="rule-group" id="nhom-competence" open>' in html  # one family: open
    one = page(client_as("inspector"), detail(row), {"ky-thuat": "1"})
    assert "<code>competence / assets:inspection</code>" in one
    assert "Kiểm soát kê khai tài sản, thu nhập · Ủy ban kiểm tra</h1>" in one
    plain = page(client_as("inspector"), detail(row))
    assert "assets:inspection" not in plain and "Được thực hiện: có" in plain


def test_filter_by_regulation_lists_the_documents_in_the_order_they_took_effect(client_as):
    client = client_as("inspector")
    html = page(client, LIST, {"van_ban": "296-QĐ/TW"})
    n = RuleRow.objects.filter(source="296-QĐ/TW").count()
    assert n and f"<strong>{n}</strong> dòng quy tắc" in html
    assert f'<option value="296-QĐ/TW" selected>QĐ 296-QĐ/TW — từ 30/05/2025, {n} dòng' in html
    assert html.index('value="30-QĐ/TW"') < html.index('value="22-QĐ/TW"')
    assert html.index('value="22-QĐ/TW"') < html.index('value="296-QĐ/TW"')
    assert html.index('value="296-QĐ/TW"') < html.index('value="21-QĐ/TW"')
    assert f'id="quy-tac-{RuleRow.objects.filter(source="296-QĐ/TW").first().pk}"' in html
    assert f'id="quy-tac-{assets_row().pk}"' not in html  # a QĐ 21 row
    assert "<strong>0</strong> dòng quy tắc" in page(client, LIST, {"van_ban": "999-QĐ/XX"})


def test_filters_family_day_status_and_origin(client_as):
    client = client_as("inspector")
    steps = page(client, LIST, {"nhom": "steps"})
    assert f'id="quy-tac-{assets_row().pk}"' not in steps
    n_steps = RuleRow.objects.filter(family="steps").count()
    assert f"<strong>{n_steps}</strong> dòng quy tắc" in steps

    # On 01/01/2020 the QĐ 30 period (26/7/2016 – 27/7/2021) holds, not the QĐ 22 one.
    rows = RuleRow.objects.filter(family="competence", key="compliance:*").order_by("starts_on")
    qd30, qd22 = rows[0], rows[1]
    on_2020 = page(client, LIST, {"nhom": "competence", "ngay": "01/01/2020"})
    assert f'id="quy-tac-{qd30.pk}"' in on_2020 and f'id="quy-tac-{qd22.pk}"' not in on_2020
    assert "có hiệu lực ngày 01/01/2020" in on_2020
    assert f'id="quy-tac-{assets_row().pk}"' not in on_2020  # from 11/04/2026

    confirmed = page(client, LIST, {"tinh_trang": "confirmed"})
    assert TO_CHECK_BADGE not in confirmed and "Đã xác nhận" in confirmed
    assert f'id="quy-tac-{confirmed_row().pk}"' in confirmed

    office = rule_override(
        assets_row(), value={"allowed": True}, starts_on=date(2026, 9, 1), source="12-HD/TU"
    )
    only_office = page(client, LIST, {"nguon": "office"})
    assert "<strong>1</strong> dòng quy tắc" in only_office
    assert f'id="quy-tac-{office.pk}"' in only_office
    assert f'điều chỉnh dòng <a href="{detail(assets_row())}">' in only_office


def test_a_date_that_cannot_be_read_is_said_and_ignored(client_as):
    html = page(client_as("inspector"), LIST, {"ngay": "31/02/2026"})
    assert 'class="field-error" id="id_ngay_error">Ngày' in html and "31/02/2026" in html
    assert f"<strong>{RuleRow.objects.count()}</strong> dòng quy tắc" in html


def test_list_runs_a_fixed_number_of_queries(client_as):
    client = client_as("inspector")
    client.get(LIST)  # session, scope: warm

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(LIST).status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    to_check = RuleRow.objects.filter(status="to_check", origin="pack", ends_on__isnull=True)
    for row in to_check.order_by("pk")[:5]:
        rule_override(row, value=row.value, starts_on=date(2026, 9, 1), source="12-HD/TU")
    assert RuleRow.objects.filter(origin="office").count() == 5
    assert queries() == before
    assert before <= 8


# --- who reads ---------------------------------------------------------------------------


def test_anyone_with_a_role_reads_a_visitor_signs_in_first(client, client_as):
    row = assets_row()
    for role in ("sysadmin", "ubkt_leader", "inspector", "grassroots_officer"):
        assert client_as(role).get(detail(row)).status_code == 200, role
    assert client.get(LIST).status_code == 302


def test_a_user_without_a_role_may_not_read(client):
    user = account_services.user_create(username="khong.vai.tro", password="Mat-khau-dai-2026!")
    client.force_login(user)
    response = client.get(LIST)
    assert response.status_code == 403
    assert "assets:inspection" not in response.content.decode()


# --- one rule ----------------------------------------------------------------------------


def test_detail_shows_the_row_its_history_and_no_form_to_a_reader(client_as):
    row = confirmed_row()
    history = RuleRow.objects.filter(family=row.family, key=row.key)
    html = page(client_as("inspector"), detail(row))
    assert (
        "Thẩm quyền kiểm tra, giám sát: "
        "Kiểm tra việc thực hiện nhiệm vụ kiểm tra, giám sát · Ủy ban kiểm tra</h1>"
    ) in html
    assert f"Các dòng của quy tắc này ({history.count()})" in html
    assert all(f'id="quy-tac-{h.pk}"' in html for h in history)
    assert "Điều chỉnh giá trị" not in html


def test_leader_sees_the_override_form_with_the_current_value(client_as):
    html = page(client_as("ubkt_leader"), detail(assets_row()))
    assert '<h2 id="dieu-chinh">Điều chỉnh giá trị</h2>' in html
    assert "&quot;allowed&quot;: true" in html  # the value as JSON, ready to edit
    assert 'name="reason"' in html
    confirmed = page(client_as("ubkt_leader"), detail(confirmed_row()))
    assert "đã được xác nhận theo văn bản nên không điều chỉnh được" in confirmed
    assert 'name="reason"' not in confirmed


def test_missing_row_is_404(client_as):
    assert client_as("inspector").get(reverse("rules:detail", args=[10**9])).status_code == 404


# --- the override ------------------------------------------------------------------------


def test_leader_overrides_from_a_date_audited_and_shown_where_used(client_as):
    row = assets_row()
    client = client_as("ubkt_leader")
    response = client.post(detail(row), good_post(), follow=True)
    office = RuleRow.objects.get(origin="office")
    assert response.redirect_chain[-1][0] == detail(office)
    html = response.content.decode()
    assert (
        "Đã điều chỉnh giá trị cho Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh và các tổ chức "
        "trực thuộc từ ngày 01/09/2026 (HD 12-HD/TU, Điểm 3)."
    ) in html
    assert "điều chỉnh của đơn vị từ 01/09/2026" in html
    assert "Tỉnh ủy giao UBKT đảng ủy cơ sở" in html  # the reason, kept on the row
    assert (office.corrects_id, office.starts_on, office.ends_on) == (
        row.pk,
        date(2026, 9, 1),
        None,
    )
    assert office.value == {"allowed": True, "levels": ["central", "province", "superior", "base"]}
    assert RuleRow.objects.get(pk=row.pk).value == row.value  # the pack row stays

    event = AuditEvent.objects.filter(action="rules.row.overridden").latest("seq")
    assert event.actor_name and event.target_id == str(office.pk)
    assert event.details["reason"].startswith("Tỉnh ủy giao UBKT")
    assert event.details["starts_on"] == "01/09/2026"

    assert office.unit.code == "HA.DBK" and event.unit_id == office.unit_id
    key, bloc = ("competence", "assets:inspection"), office.unit
    assert rule_in_force(*key, date(2026, 8, 31), unit=bloc).pk == row.pk
    assert rule_in_force(*key, date(2026, 9, 1), unit=bloc).pk == office.pk
    assert rule_in_force(*key, date(2030, 1, 1), unit=bloc).pk == office.pk

    pack_page = page(client_as("inspector"), detail(row))
    assert f'href="{detail(office)}">HD 12-HD/TU, Điểm 3</a>' in pack_page
    assert "điều chỉnh của đơn vị từ 01/09/2026" in pack_page


@pytest.mark.parametrize("role", ["sysadmin", "inspector", "committee_leader"])
def test_override_is_refused_to_anyone_but_the_leader(client_as, role):
    response = client_as(role).post(detail(assets_row()), good_post())
    assert response.status_code == 403
    assert not RuleRow.objects.filter(origin="office").exists()
    assert not AuditEvent.objects.filter(action="rules.row.overridden").exists()


def test_a_confirmed_row_is_not_overridden(client_as):
    response = client_as("ubkt_leader").post(detail(confirmed_row()), good_post())
    assert response.status_code == 200
    assert "Chỉ điều chỉnh được giá trị đang “cần kiểm tra lại”." in response.content.decode()
    assert not RuleRow.objects.filter(origin="office").exists()


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"starts_on": "45/13/2026"}, 'Ngày "45/13/2026" không hợp lệ'),
        (
            {"starts_on": "01/01/2026"},
            "Ngày bắt đầu phải trong thời gian hiệu lực của dòng gốc (từ 11/04/2026).",
        ),
        ({"ends_on": "01/08/2026"}, "Ngày kết thúc phải sau ngày bắt đầu"),
        ({"value": '{"allowed": true,'}, "Giá trị không đọc được (dòng 1, cột 18)"),
        ({"value": "[true]"}, "Giá trị phải là một bảng trong ngoặc nhọn"),
        ({"value": '{"allowed": "yes"}'}, "Giá trị điều chỉnh không đúng dạng của nhóm quy tắc."),
        ({"source": "123/QĐ-UBND"}, "123/QĐ-UBND"),
        ({"reason": "   "}, "Chưa nhập lý do điều chỉnh."),
    ],
)
def test_bad_override_says_what_is_wrong_and_writes_nothing(client_as, changes, message):
    response = client_as("ubkt_leader").post(detail(assets_row()), good_post(**changes))
    html = response.content.decode().replace("&quot;", '"')
    assert response.status_code == 200
    assert 'class="field-error"' in html and message in html
    assert not RuleRow.objects.filter(origin="office").exists()


def test_a_date_outside_a_closed_row_names_both_ends(client_as):
    qd22 = RuleRow.objects.get(
        family="competence", key="compliance:*", starts_on=date(2021, 7, 28), origin="pack"
    )
    html = client_as("ubkt_leader").post(detail(qd22), good_post()).content.decode()
    assert "(từ 28/07/2021 đến trước 30/05/2025)" in html


# --- the basis wherever a rule is used, a value in words ----------------------------------


def test_rule_basis_tag_names_source_and_office_override():
    row = assets_row()
    office = rule_override(
        row, value={"allowed": True}, starts_on=date(2026, 9, 1), source="299-QĐ/TU"
    )
    template = Template("{% load rule_tags %}{% rule_basis row %}")
    pack = template.render(Context({"row": row}))
    assert f'<a href="{detail(row)}">QĐ 21-QĐ/TW' in pack and "(cần kiểm tra lại)" in pack
    mine = template.render(Context({"row": office}))
    assert f'<a href="{detail(office)}">QĐ 299-QĐ/TU</a>' in mine
    assert "điều chỉnh của đơn vị từ 01/09/2026" in mine


def test_value_lines_read_nested_tables():
    value = {
        "own_member": {"*": {"reprimand": "decide", "expulsion": "propose"}},
        "allowed": False,
        "steps": ["plan", "meeting"],
        "days": {},
    }
    assert value_lines(value) == [  # keys sorted: jsonb (PostgreSQL) keeps no order
        "allowed: không",
        "days: (trống)",
        "own_member › *: expulsion = propose, reprimand = decide",
        "steps: plan, meeting",
    ]
