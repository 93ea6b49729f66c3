"""The narrative review's drafts (docs/reports.md, «Báo cáo thuyết minh») on the demo bloc:
generated from the report page's period and saved with the figures it was written from; edited
and kept; a later change of a record flags the paragraph; bad input said, nothing saved."""

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from ktgs.accounts.access import visible_to
from ktgs.audit.models import AuditEvent
from ktgs.core.choices import DisciplineSubject
from ktgs.core.vietnamese import format_count
from ktgs.discipline.counting import counted
from ktgs.orgs.models import OrgUnit, Term
from ktgs.reports import drafts
from ktgs.reports.indicators import Context
from ktgs.reports.models import ReportDraft
from ktgs.reports.periods import Period, UnitPeriods
from ktgs.reports.review import ReviewError, fill, load_templates

pytestmark = pytest.mark.django_db
REFERENCE = date(2023, 6, 30)


def bloc() -> OrgUnit:
    return OrgUnit.objects.get(code="HA.DBK")


def term_period(unit: OrgUnit) -> Period:
    start = Term.objects.get(unit=unit, name="2020–2025").starts_on
    return UnitPeriods(unit).range(start, REFERENCE)


def create(user, unit: OrgUnit | None = None, period: Period | None = None) -> ReportDraft:
    unit = unit or bloc()
    return drafts.draft_create(
        scope=visible_to(user), unit=unit, period=period or term_period(unit), user=user
    )


def test_fill_writes_counts_as_reports_do_and_leaves_out_a_zero_clause():
    text = "có {a} TCCSĐ[, trong đó {b} chi bộ cơ sở], với {c} đảng viên[ ({d})]"
    assert fill(text, {"a": 72, "b": 4, "c": 4759, "d": ""}) == (
        "có 72 TCCSĐ, trong đó 04 chi bộ cơ sở, với 4.759 đảng viên"
    )
    assert (
        fill(text, {"a": 72, "b": 0, "c": 4759, "d": "x"}) == "có 72 TCCSĐ, với 4.759 đảng viên (x)"
    )


def test_the_report_pages_button_makes_a_draft_whose_figures_are_the_indicators(client_as, cast):
    client = client_as("inspector")
    page = client.get(reverse("reports:unit", args=["HA.DBK"]), {"ky": "nam", "nam": "2023"})
    assert "Soạn báo cáo" in page.content.decode()
    before = ReportDraft.objects.count()
    response = client.post(
        reverse("reports:draft_create", args=["HA.DBK"]), {"ky": "nam", "nam": "2023"}
    )
    assert ReportDraft.objects.count() == before + 1
    draft = ReportDraft.objects.latest("pk")
    assert response.url == reverse("reports:draft", args=["HA.DBK", draft.pk])
    assert (draft.starts_on, draft.ends_on, draft.period_kind) == (
        date(2023, 1, 1),
        date(2023, 12, 31),
        "nam",
    )
    assert "năm 2023" in draft.title and draft.created_by == cast["inspector"]
    generated = [p for p in draft.paragraphs if p["kind"] == "generated"]
    # this app's paragraphs, then those other apps register (review.register_paragraph)
    assert [p["key"] for p in generated][:3] == ["tong_quan", "kiem_tra_giam_sat", "ky_luat"]
    ctx = Context(draft.unit, draft.starts_on, draft.ends_on)
    for p in generated:  # every figure kept is the indicator's, and the text states the totals
        assert p["figures"]
        for f in p["figures"]:
            assert ctx.figure(f["key"], f["params"]).value == f["value"]
    discipline = generated[2]
    total = next(
        f["value"]
        for f in discipline["figures"]
        if f["key"] == "kyluat.dang_vien" and f["params"] == {"co_quan": "tat_ca"}
    )
    assert f"{format_count(total)} đảng viên" in discipline["text"]
    assert AuditEvent.objects.filter(action="reports.draft.created").exists()
    kinds = [k for k, _ in draft.document_paragraphs()]
    assert kinds[0] == "heading" and "text" in kinds

    page = client.get(response.url).content.decode()
    assert discipline["text"] in page.replace("&#x27;", "'")
    assert "Số liệu đã thay đổi" not in page


def test_an_edited_paragraph_is_kept(client_as):
    client = client_as("inspector")
    client.post(reverse("reports:draft_create", args=["HA.DBK"]), {"ky": "nam", "nam": "2023"})
    draft = ReportDraft.objects.latest("pk")
    texts = [p["text"] for p in draft.paragraphs]
    texts[2] = "Đảng ủy Khối đã lãnh đạo, chỉ đạo sát sao công tác kiểm tra, giám sát."
    url = reverse("reports:draft", args=["HA.DBK", draft.pk])
    response = client.post(url, {"tieu-de": "Báo cáo năm 2023", "doan": texts, "action": "luu"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.paragraphs[2]["text"] == texts[2] and draft.title == "Báo cáo năm 2023"
    event = AuditEvent.objects.filter(action="reports.draft.updated").latest("pk")
    assert event.details["paragraphs"] == [3]
    assert texts[2] in client.get(url).content.decode()
    listing = client.get(reverse("reports:drafts", args=["HA.DBK"])).content.decode()
    assert "Báo cáo năm 2023" in listing


def test_a_later_change_of_a_record_flags_the_paragraph_until_it_is_written_again(cast):
    draft = create(cast["inspector"])
    index = next(n for n, p in enumerate(draft.paragraphs) if p.get("key") == "ky_luat")
    old = next(
        f["value"]
        for f in draft.paragraphs[index]["figures"]
        if f["key"] == "kyluat.dang_vien" and f["params"] == {"co_quan": "tat_ca"}
    )
    assert drafts.draft_outdated(draft) == {}
    # a decision of the period is voided after the draft was written
    decision = (
        counted(draft.unit, draft.starts_on, draft.ends_on)
        .exclude(subject_kind=DisciplineSubject.ORGANISATION)
        .order_by("pk")
        .first()
    )
    type(decision).objects.filter(pk=decision.pk).update(voided_at=timezone.now())

    flags = drafts.draft_outdated(draft)
    assert list(flags) == [index]
    assert f"{format_count(old)} → {format_count(old - 1)} đảng viên bị kỷ luật" in flags[index]

    draft = drafts.draft_regenerate(
        scope=visible_to(cast["inspector"]), draft=draft, index=index, user=cast["inspector"]
    )
    assert drafts.draft_outdated(draft) == {}
    assert f"{format_count(old - 1)} đảng viên" in draft.paragraphs[index]["text"]


def test_the_draft_page_shows_the_change_and_a_button_to_write_it_again(client_as, cast):
    draft = create(cast["inspector"])
    decision = counted(draft.unit, draft.starts_on, draft.ends_on).order_by("pk").first()
    type(decision).objects.filter(pk=decision.pk).update(voided_at=timezone.now())
    client = client_as("inspector")
    url = reverse("reports:draft", args=["HA.DBK", draft.pk])
    html = client.get(url).content.decode()
    assert "Số liệu đã thay đổi:" in html
    index = next(n for n, p in enumerate(draft.paragraphs) if p.get("key") == "ky_luat")
    assert f'value="tao-lai-{index}"' in html
    texts = [p["text"] for p in draft.paragraphs]
    client.post(url, {"tieu-de": draft.title, "doan": texts, "action": f"tao-lai-{index}"})
    assert "Số liệu đã thay đổi:" not in client.get(url).content.decode()


def test_a_period_with_no_figures_is_said_and_nothing_saved(client_as):
    ctx = Context(bloc(), date(2001, 1, 1), date(2001, 12, 31))
    assert not ctx.figure("ktgs.to_chuc", {}).value and not ctx.figure("kyluat.dang_vien", {}).value
    client = client_as("inspector")
    before = ReportDraft.objects.count()
    response = client.post(
        reverse("reports:draft_create", args=["HA.DBK"]), {"ky": "nam", "nam": "2001"}, follow=True
    )
    assert ReportDraft.objects.count() == before
    assert "chưa có số liệu kiểm tra, giám sát hay thi hành kỷ luật" in response.content.decode()
    assert response.redirect_chain[0][0].endswith("/bao-cao/HA.DBK/?ky=nam&nam=2001")


def test_a_period_ending_before_it_starts_is_refused(client_as, cast):
    client = client_as("inspector")
    before = ReportDraft.objects.count()
    response = client.post(
        reverse("reports:draft_create", args=["HA.DBK"]),
        {"tu": "30/06/2023", "den": "01/01/2023"},
        follow=True,
    )
    assert ReportDraft.objects.count() == before
    assert "trước" in response.content.decode()
    backwards = Period("khoang", date(2023, 6, 30), date(2023, 1, 1), source=UnitPeriods(bloc()))
    with pytest.raises(ValidationError, match="trước ngày đầu kỳ"):
        create(cast["inspector"], period=backwards)
    assert ReportDraft.objects.count() == before


def test_a_template_with_an_unknown_placeholder_is_named_and_nothing_saved(
    client_as, settings, tmp_path
):
    settings.DATA_DIR = tmp_path
    (tmp_path / "mau-bao-cao").mkdir()
    office = tmp_path / "mau-bao-cao" / "cau.toml"
    office.write_text('[ky_luat]\ncau = "Đã kỷ luật {so_dang_vien} đảng viên."\n', "utf-8")
    with pytest.raises(ReviewError) as caught:
        load_templates()
    assert str(office) in str(caught.value) and "{so_dang_vien}" in str(caught.value)
    before = ReportDraft.objects.count()
    response = client_as("inspector").post(
        reverse("reports:draft_create", args=["HA.DBK"]), {"ky": "nam", "nam": "2023"}, follow=True
    )
    assert ReportDraft.objects.count() == before
    html = response.content.decode()
    assert "không có chỗ điền «{so_dang_vien}»" in html and "cau.toml" in html


def test_an_office_rewords_a_sentence_and_keeps_the_rest(cast, settings, tmp_path):
    settings.DATA_DIR = tmp_path
    (tmp_path / "mau-bao-cao").mkdir()
    (tmp_path / "mau-bao-cao" / "cau.toml").write_text(
        '[tong_quan]\ncau = "Toàn {to_chuc} có {dang_vien} đảng viên sinh hoạt tại {tccsd} TCCSĐ."\n',
        "utf-8",
    )
    draft = create(cast["inspector"])
    overview = next(p for p in draft.paragraphs if p.get("key") == "tong_quan")
    members = next(f["value"] for f in overview["figures"] if f["key"] == "tochuc.dang_vien")
    assert overview["text"].startswith("Toàn ")
    assert f"{format_count(members)} đảng viên sinh hoạt" in overview["text"]
    assert (
        "thi hành kỷ luật" in next(p for p in draft.paragraphs if p.get("key") == "ky_luat")["text"]
    )


def test_who_may_write_and_see_drafts(client_as, cast):
    draft = create(cast["inspector"])
    url = reverse("reports:draft", args=["HA.DBK", draft.pk])
    create_url = reverse("reports:draft_create", args=["HA.DBK"])
    # a unit outside the user's scope: the same answer as a missing one
    officer = client_as("grassroots_officer")
    assert officer.get(url).status_code == 404
    assert officer.post(create_url, {"ky": "nam", "nam": "2023"}).status_code == 404
    missing = reverse("reports:draft", args=["HA.DBK", draft.pk + 1000])
    assert client_as("inspector").get(missing).status_code == 404
    # the committee's leader reads the draft but does not write it
    leader = client_as("committee_leader")
    page = leader.get(url)
    assert page.status_code == 200 and "Lưu dự thảo" not in page.content.decode()
    assert leader.post(url, {"tieu-de": "x", "doan": []}).status_code == 403
    assert leader.post(create_url, {"ky": "nam", "nam": "2023"}).status_code == 403
    with pytest.raises(Exception, match="không soạn báo cáo"):
        create(cast["committee_leader"])


def test_the_draft_of_another_unit_is_not_found_under_this_one(client_as, cast):
    unit = OrgUnit.objects.get(code="HA.DBK.001")
    draft = ReportDraft.objects.create(
        unit=unit, period_kind="nam", starts_on=date(2023, 1, 1), ends_on=REFERENCE, title="x"
    )
    assert (
        client_as("inspector").get(reverse("reports:draft", args=[unit.code, draft.pk])).status_code
        == 200
    )
    url = reverse("reports:draft", args=["HA.DBK", draft.pk])
    assert client_as("inspector").get(url).status_code == 404
    assert re.search(r"Không tìm thấy", client_as("inspector").get(url).content.decode())


def test_every_placeholder_a_sentence_lists_can_be_used(cast, settings, tmp_path):
    """An office file using, in every sentence, every placeholder it may: the review is written
    (no placeholder the code does not fill)."""
    from ktgs.reports.review import SENTENCES

    settings.DATA_DIR = tmp_path
    (tmp_path / "mau-bao-cao").mkdir()
    lines = []
    for section, sentences in SENTENCES.items():
        lines.append(f"[{section}]")
        for name, allowed in sentences.items():
            text = " ".join(f"<{p}={{{p}}}>" for p in sorted(allowed)) or " / "
            lines.append(f'{name} = "{text}"')
    (tmp_path / "mau-bao-cao" / "cau.toml").write_text("\n".join(lines) + "\n", "utf-8")
    draft = create(cast["inspector"])
    assert draft.title.startswith("<ky=")
    texts = {p["key"]: p["text"] for p in draft.paragraphs if p["kind"] == "generated"}
    assert "<cap_uy=" in texts["ky_luat"] and "<so=" in texts["kiem_tra_giam_sat"]
