"""Links to a record's page, for lists of hundreds of rows.

`{% url 'orgs:member_detail' m.code %}` walks Django's resolver for every row (~50 µs): two per
row of a member list, three per node of the tree — a tenth of the page's time at the nation
tier. `link(name, value)` reverses the view once per name (per script prefix) with a
placeholder, and puts each row's value in its place, quoted as `reverse` quotes it. For views
taking one `str` or `int` argument, which a value cannot break out of (a `/` is quoted too).
"""

from functools import lru_cache
from urllib.parse import quote

from django.urls import NoReverseMatch, get_script_prefix, reverse

PLACEHOLDERS = ("0ktgs0", "9876543210")  # for a `str` argument; for an `int` one
SAFE = "~:@!$&'()*+,;="  # what `reverse` leaves unquoted (RFC 3986 sub-delimiters, ~:@), less "/"


@lru_cache(maxsize=64)
def _pattern(name: str, prefix: str) -> tuple[str, str]:
    for placeholder in PLACEHOLDERS:
        try:
            before, after = reverse(name, args=[placeholder]).split(placeholder)
        except NoReverseMatch:
            continue
        return before, after
    raise NoReverseMatch(f"{name}: not a view taking one str or int argument")


def link(name: str, value) -> str:
    """`reverse(name, args=[value])`, without the resolver walk after the first call."""
    before, after = _pattern(name, get_script_prefix())
    return f"{before}{quote(str(value), safe=SAFE)}{after}"
