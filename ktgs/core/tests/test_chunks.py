"""Look-ups over many values stay under the engine's limit on query variables (core/chunks.py)."""

import pytest
from django.db import connection

from ktgs.core.chunks import by_refs, chunk_size, values_in
from ktgs.orgs.models import Member


@pytest.fixture
def tiny_limit(monkeypatch):
    """An engine that takes at most 100 variables in one query, as if an old SQLite build."""
    monkeypatch.setattr(type(connection.features), "max_query_params", 100)
    return 100


@pytest.mark.django_db
def test_five_thousand_values_are_asked_in_chunks_under_the_limit(tiny_limit, demo):
    codes = [f"DV{n:06d}" for n in range(1, 5001)]  # 4.759 demo members and 241 unknown codes
    seen = []
    found = list(
        values_in(
            Member.objects.all(),
            "code",
            codes,
            fetch=lambda qs: seen.append(qs.query.sql_with_params()[1]) or qs.values_list("code"),
        )
    )
    stored = Member.objects.filter(code__lte="DV005000").values_list("code", flat=True)
    assert sorted(c for (c,) in found) == sorted(stored)
    assert len(seen) == -(-5000 // chunk_size())
    assert max(len(params) for params in seen) <= tiny_limit


@pytest.mark.django_db
def test_by_refs_finds_records_by_external_ref_or_by_id_each_once(tiny_limit):
    from ktgs.inspections.models import Inspection

    stored = list(Inspection.objects.values_list("pk", "external_ref")[:400])
    if not stored:
        pytest.skip("the demo has no inspections")
    refs = [ref or f"none-{pk}" for pk, ref in stored] * 2 + [""]
    pks = [pk for pk, _ref in stored]
    found = [
        pk for (pk,) in by_refs(Inspection.objects.all(), refs, pks, lambda q: q.values_list("pk"))
    ]
    assert sorted(found) == sorted(pks)


def test_chunk_size_follows_the_engine(monkeypatch):
    monkeypatch.setattr(type(connection.features), "max_query_params", None)
    assert chunk_size() == 900
    monkeypatch.setattr(type(connection.features), "max_query_params", 999)
    assert chunk_size() == 900
    monkeypatch.setattr(type(connection.features), "max_query_params", 60)
    assert chunk_size() == 10
