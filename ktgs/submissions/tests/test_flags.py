"""The flags of a closed period are kept and computed again only when the audit trail shows a
change in the superior's subtree, or when asked (docs/submissions.md)."""

import pytest

from ktgs.inspections.services import inspection_void
from ktgs.submissions import flags, services
from ktgs.submissions.tests.test_services import (
    _close_2022,
    _submit_2022,
    _void,
    _with_inspection,
    unit,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def computed(monkeypatch):
    """How many times the flags were computed from the records."""
    calls = []
    compute = services.closure_flags

    def counted(closure):
        calls.append(closure.pk)
        return compute(closure)

    monkeypatch.setattr(services, "closure_flags", counted)
    return calls


def test_flags_are_kept_until_an_audited_change_in_the_subtree(cast, computed):
    bloc = unit("HA.DBK")
    child, inspection = _with_inspection(bloc)
    _submit_2022(cast, child)
    closure = _close_2022(cast, bloc)
    assert flags.closure_flags(closure) == [] and len(computed) == 1
    closure.refresh_from_db()
    assert closure.checked_seq is not None and closure.checked_at is not None
    assert flags.closure_flags(closure) == [] and len(computed) == 1  # kept
    inspection_void(inspection, reason="Ghi nhầm")  # audited, in the bloc's subtree
    found = flags.closure_flags(closure)
    assert len(computed) == 2
    assert {f.unit.code for f in found} == {child.code, bloc.code}
    closure.refresh_from_db()
    kept = flags.closure_flags(closure)  # read back from the closure: same flags, same events
    assert len(computed) == 2
    assert [(f.unit, f.changes, [e.pk for e in f.events]) for f in kept] == [
        (f.unit, f.changes, [e.pk for e in f.events]) for f in found
    ]


def test_a_change_outside_the_services_shows_when_checked_again(cast, computed):
    bloc = unit("HA.DBK")
    child, inspection = _with_inspection(bloc)
    _submit_2022(cast, child)
    closure = _close_2022(cast, bloc)
    assert flags.closure_flags(closure) == []
    _void(inspection)  # a direct UPDATE: no audit event
    assert flags.closure_flags(closure) == []  # not seen: nothing told KTGS
    found = flags.closure_flags(closure, force=True)  # «Kiểm tra lại»
    assert {f.unit.code for f in found} == {child.code, bloc.code}
    assert all(f.events == [] for f in found)  # no event names who did it
    assert len(computed) == 2


def test_the_period_page_checks_again_when_asked(cast, client_as):
    bloc = unit("HA.DBK")
    child, inspection = _with_inspection(bloc)
    _submit_2022(cast, child)
    _close_2022(cast, bloc)
    client = client_as("inspector")
    url = f"/nop-bao-cao/{bloc.code}/ky/?ky=nam&nam=2022"
    assert "data-flag>" not in client.get(url).content.decode()
    _void(inspection)
    assert "data-flag>" not in client.get(url).content.decode()
    assert "data-flag>" in client.get(url + "&kiem-tra=1").content.decode()
