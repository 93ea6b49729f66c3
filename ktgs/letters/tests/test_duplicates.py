"""Likely duplicates and repeated letters are linked (same filer by blind index, same accused,
similar summary), never refused."""

import pytest
from django.urls import reverse

from ktgs.letters import services
from ktgs.letters.models import LetterLink
from ktgs.letters.tests.helpers import register, ubkt
from ktgs.orgs.models import Member

pytestmark = pytest.mark.django_db


def _reasons(later) -> dict[int, list[str]]:
    return {link.earlier_id: link.reasons for link in LetterLink.objects.filter(letter=later)}


def test_same_filer_matched_on_the_folded_name_or_the_citizen_id(demo, cast):
    body = ubkt(demo.bloc)
    first = register(
        cast["inspector"],
        body,
        filer=services.Filer(name="Nguyễn Văn Đức"),
        summary="Cán bộ phường thu tiền sai quy định khi cấp giấy phép.",
    ).letter
    by_name = register(
        cast["inspector"],
        body,
        filer=services.Filer(name="  nguyen van  duc "),
        summary="Lãnh đạo cơ quan bổ nhiệm người nhà không đủ tiêu chuẩn.",
    ).letter
    by_id = register(
        cast["inspector"],
        body,
        filer=services.Filer(name="Người khác", citizen_id="001185009999"),
        summary="Trưởng ban chiếm dụng đất công làm nhà riêng trái phép.",
    ).letter
    again = register(
        cast["inspector"],
        body,
        filer=services.Filer(name="Tên khác", citizen_id="001185009999"),
        summary="Đơn vị báo cáo sai số liệu thi đua cuối năm.",
    ).letter
    assert _reasons(by_name) == {first.pk: ["same_filer"]}
    assert _reasons(by_id) == {}
    assert _reasons(again) == {by_id.pk: ["same_filer"]}


def test_same_accused_and_similar_summary(demo, cast):
    body = ubkt(demo.bloc)
    accused = Member.objects.live().filter(current_unit=demo.cell).order_by("code").first()
    text = "Tố cáo đồng chí trưởng phòng nhận tiền của doanh nghiệp khi thẩm định hồ sơ."
    first = register(
        cast["inspector"],
        body,
        accused_members=[accused],
        summary=text,
        filer=services.Filer(name="X"),
    ).letter
    repeat = register(
        cast["inspector"],
        body,
        summary=text.replace("Tố cáo", "Tiếp tục tố cáo"),
        filer=services.Filer(name="Y"),
    ).letter
    same_accused = register(
        cast["inspector"],
        body,
        accused_members=[accused],
        summary="Một việc khác về đất đai.",
        filer=services.Filer(name="Z"),
    ).letter
    unrelated = register(
        cast["inspector"], body, summary="Phản ánh về giờ làm việc.", filer=services.Filer(name="W")
    ).letter
    assert _reasons(repeat) == {first.pk: ["similar_summary"]}
    assert _reasons(same_accused) == {first.pk: ["same_accused"]}
    assert _reasons(unrelated) == {}


def test_links_shown_on_both_letters(demo, cast, client_as):
    body = ubkt(demo.bloc)
    first = register(cast["inspector"], body).letter
    later = register(cast["inspector"], body, summary="Khác hẳn.").letter  # same filer
    client = client_as("inspector")
    for page, other in ((later, first), (first, later)):
        html = client.get(reverse("letters:detail", args=[page.pk])).content.decode()
        assert reverse("letters:detail", args=[other.pk]) in html
        assert "Cùng người gửi" in html
