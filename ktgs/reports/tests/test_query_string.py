"""The drill-down links' query strings (`indicators.query_string`, each part quoted once) are
exactly what `urllib.parse.urlencode` writes."""

from urllib.parse import urlencode

import pytest

from ktgs.reports.indicators import query_string


@pytest.mark.parametrize(
    "query",
    [
        {},
        {"don-vi": "HA.DBK", "tu": "16/07/2020", "den": "11/09/2025", "co-quan": "nhom-cap-uy"},
        {"q": "Đảng ủy Khối & cơ quan = 1+1", "so-lieu": 1, "loai": ""},
    ],
)
def test_query_string_is_urlencode(query):
    assert query_string(query) == urlencode(query)
    assert query_string(query) == urlencode(query)  # again, from the cache
