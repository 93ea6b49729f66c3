"""Test helpers: a form page read as a browser would submit it."""

import html
import re
from html.parser import HTMLParser


class FormFields(HTMLParser):
    """What a browser would send for the page's form: every input as shown (hidden ones too,
    radios and checkboxes checked only; a name met twice gives a list), selects at their selected option, textareas' text."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "input" and a.get("name") and a.get("name") != "csrfmiddlewaretoken":
            if a.get("type") not in ("radio", "checkbox") or "checked" in a:
                self._add(a["name"], a.get("value") or "")
        elif tag == "select":
            self._select = a.get("name")
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea = a.get("name")
            self.data[self._textarea] = ""

    def _add(self, name: str, value: str) -> None:
        """A name met again (a picker's chosen entries, its hidden initials) sends a list."""
        if name not in self.data:
            self.data[name] = value
        elif isinstance(self.data[name], list):
            self.data[name].append(value)
        else:
            self.data[name] = [self.data[name], value]

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data

    def handle_endtag(self, tag):
        if tag == "textarea":  # a browser drops the newline right after <textarea>
            text = self.data[self._textarea]
            self.data[self._textarea] = text[1:] if text.startswith("\n") else text
            self._textarea = None
        elif tag == "select":
            self._select = None


def opened(client, url: str) -> dict:
    page = client.get(url)
    assert page.status_code == 200
    parser = FormFields()
    parser.feed(page.content.decode())
    return parser.data


def errors_above(response) -> str:
    match = re.search(
        r'<div class="form-errors" role="alert">(.*?)</div>', response.content.decode(), re.S
    )
    return html.unescape(match.group(1)) if match else ""
