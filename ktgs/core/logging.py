"""A log formatter that keeps one record on one line, whatever text it carries.

A message can quote user input (a URL path, a name in an error); a CR or LF in it would start
what looks like a new record ("… Not Found: /x\\n2025-01-01 … WARNING login ok: admin").
`OneLineFormatter` writes control characters of the message as escapes (\\n, \\r, \\x1b, \\u2028 …),
and puts a traceback on continuation lines that all start with CONTINUATION, so a line that
starts anything else is always the beginning of a real record.

A refusal (PermissionDenied, answered 403) is an expected answer, not a fault: Django logs it with
the exception attached, and its traceback would bury real errors; it is logged as its one line.
"""

import logging

from django.core.exceptions import PermissionDenied

from ktgs.core.validators import forbidden_char

CONTINUATION = "    | "
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(ch: str) -> str:
    if ch in _SHORT:
        return _SHORT[ch]
    return f"\\x{ord(ch):02x}" if ord(ch) < 0x100 else f"\\u{ord(ch):04x}"


def escape_controls(text: str) -> str:
    """`text` with every control, line-separator and bidi-override character escaped."""
    if forbidden_char(text) is None:
        return text
    return "".join(_escape_char(ch) if forbidden_char(ch) else ch for ch in text)


def _is_refusal(record: logging.LogRecord) -> bool:
    exc = record.exc_info[1] if isinstance(record.exc_info, tuple) else record.exc_info
    return isinstance(exc, PermissionDenied) and not record.stack_info


class OneLineFormatter(logging.Formatter):
    """logging.Formatter whose output has exactly one line per record, plus continuation lines
    (prefixed with CONTINUATION) for a traceback or stack."""

    def format(self, record: logging.LogRecord) -> str:
        record.message = escape_controls(record.getMessage())
        if self.usesTime():
            record.asctime = self.formatTime(record, self.datefmt)
        text = self.formatMessage(record)
        if _is_refusal(record):
            return text
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        blocks = [record.exc_text, self.formatStack(record.stack_info) if record.stack_info else ""]
        lines = [line for block in blocks if block for line in block.splitlines()]
        return "".join([text, *(f"\n{CONTINUATION}{escape_controls(line)}" for line in lines)])
