"""One log record is one line: user text cannot start a forged record."""

import io
import logging
import sys

import pytest
from django.urls import reverse

from ktgs.core.logging import CONTINUATION, OneLineFormatter

FORGED = "/dang-vien/x\r\n2025-01-01 09:00:00 WARNING ktgs: đăng nhập thành công: quantri"


def record(message: str, *args, exc_info=None) -> logging.LogRecord:
    return logging.LogRecord(
        "django.request", logging.WARNING, __file__, 1, message, args, exc_info
    )


def test_a_message_with_cr_lf_stays_on_one_line():
    line = OneLineFormatter("%(levelname)s %(name)s: %(message)s").format(
        record("Not Found: %s", FORGED)
    )
    assert "\n" not in line and "\r" not in line
    assert line == (
        "WARNING django.request: Not Found: /dang-vien/x\\r\\n2025-01-01 09:00:00 WARNING ktgs: "
        "đăng nhập thành công: quantri"
    )


def test_terminal_escapes_and_unicode_line_breaks_are_escaped():
    line = OneLineFormatter().format(record("tên: %s", "A\x1b[31mB\u2028C\u202eD\x00"))
    assert line == "tên: A\\x1b[31mB\\u2028C\\u202eD\\x00"


def test_vietnamese_text_is_left_alone():
    assert OneLineFormatter().format(record("Đã thêm %s", "Nguyễn Thị Hoà")) == (
        "Đã thêm Nguyễn Thị Hoà"
    )


def test_a_traceback_is_on_continuation_lines():
    try:
        raise ValueError("tên sai\nFORGED 2025-01-01 ERROR root: hết")
    except ValueError:
        exc_info = sys.exc_info()
    text = OneLineFormatter().format(record("Lỗi khi lưu", exc_info=exc_info))
    first, *rest = text.split("\n")
    assert first == "Lỗi khi lưu"
    assert rest and all(line.startswith(CONTINUATION) for line in rest)
    assert rest[-2:] == [
        f"{CONTINUATION}ValueError: tên sai",
        f"{CONTINUATION}FORGED 2025-01-01 ERROR root: hết",
    ]
    assert not any(line.startswith("FORGED") for line in text.splitlines())


@pytest.fixture
def django_log():
    """What Django's loggers write, read from the handler the settings configure."""
    handler = next(h for h in logging.getLogger("django").handlers if h.name == "console")
    stream = handler.setStream(io.StringIO())
    try:
        yield handler.stream
    finally:
        handler.setStream(stream)


@pytest.mark.django_db
def test_a_request_for_a_forged_path_logs_one_line(client_as, django_log):
    """Django logs "Not Found: <path>" with the decoded path; %0D%0A must not split it."""
    response = client_as("inspector").get("/dang-vien/x%0D%0AFORGED%20WARNING/")
    assert response.status_code == 404
    lines = django_log.getvalue().splitlines()
    assert lines and all(not line.startswith("FORGED") for line in lines), lines
    [line] = [line for line in lines if "Not Found" in line]
    assert line.endswith("WARNING django.request: Not Found: /dang-vien/x\\r\\nFORGED WARNING/")


@pytest.mark.django_db
def test_a_refused_page_logs_one_line_without_a_traceback(client_as, django_log):
    """A 403 is an answer, not a fault: "Forbidden" on one line, no traceback to wade through."""
    response = client_as("committee_leader").get(reverse("orgs:member_create"))
    assert response.status_code == 403
    lines = django_log.getvalue().splitlines()
    assert [line for line in lines if "Forbidden" in line], lines
    assert not [line for line in lines if line.startswith(CONTINUATION)], lines
    assert "Traceback" not in django_log.getvalue()


def test_other_errors_keep_their_traceback():
    try:
        raise ValueError("hỏng")
    except ValueError:
        exc_info = sys.exc_info()
    assert "Traceback" in OneLineFormatter().format(record("Lỗi", exc_info=exc_info))
