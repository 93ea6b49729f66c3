"""Shared pytest fixtures for the whole KTGS suite.

The demo bloc of `ktgs demo` (Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh Hòa An: 72 tổ chức cơ sở
đảng, 288 chi bộ trực thuộc, 4.759 đảng viên on 30/06/2023, its committees, and one demo user
per role) is built ONCE per test session, right after the test database is migrated. Every test
that uses the database (`db` fixture or `@pytest.mark.django_db`) sees it, and whatever the test
changes is rolled back when it ends. Look things up by their stable codes ("HA.DBK",
"HA.DBK.001", "HA.DBK.001.01", "DV000001"), never by ids.

Fixtures:
    demo       (session) counts, the reference date and the main units, see `DemoBloc`
    cast       {role value: demo User}, e.g. cast["inspector"]
    client_as  client_as("inspector") -> a django.test.Client logged in as that demo user
               (past the second factor for the demo users who have one)
    empty_database (data folder, DATABASE_URL or None) of a migrated, empty database of its own,
               for tests that drive `ktgs` commands in a child process; a copy of one that
               `ktgs migrate` made once per test process (`ktgs.ops.tests.helpers.migrated`)

Rules:
    * Do NOT use `transactional_db`, `live_server`, `django_db(transaction=True)`,
      `django_db_reset_sequences` or `django_db_serialized_rollback`: they empty the database
      after the test, and every later test would run without the demo. Collection stops with an
      error if a test asks for one of them. Browser tests run the app in a separate server
      process (its own KTGS_DATA_DIR, `ktgs migrate` then `ktgs demo`), not through live_server.
    * Keep migrations on (no `--nomigrations`): the unit kinds are seeded by a migration.
    * Passwords are hashed with MD5 during tests (fast); the demo users' password is the one
      `ktgs demo` prints, `ktgs.demo.builder.DEMO_PASSWORD`, so `client.login()` works too.
"""

import os
from dataclasses import dataclass
from datetime import date

import pytest
from django.test import Client, override_settings

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# The audit key of the tests (this process, and the `ktgs` child processes some tests start), so
# the suite needs no key from the developer and writes none into the keys folder of children.
TEST_AUDIT_KEY = "ktgs-test-audit-key-not-secret-0123456789"
os.environ.setdefault("KTGS_AUDIT_KEY", TEST_AUDIT_KEY)
os.environ.setdefault("KTGS_SECRET_KEY", "ktgs-test-secret-key-not-secret")
FLUSHING_FIXTURES = {
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}


def _flushes_database(item: pytest.Item) -> bool:
    if FLUSHING_FIXTURES & set(getattr(item, "fixturenames", ())):
        return True
    marker = item.get_closest_marker("django_db")
    if marker is None:
        return False
    return bool(
        marker.kwargs.get("transaction")
        or marker.kwargs.get("reset_sequences")
        or marker.kwargs.get("serialized_rollback")
        or marker.args[:1] == (True,)
    )


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    offending = [item.nodeid for item in items if _flushes_database(item)]
    if offending:
        raise pytest.UsageError(
            "These tests would empty the database and remove the demo for the tests after "
            "them (see conftest.py): " + ", ".join(offending)
        )


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher(tmp_path_factory):
    """Fast hashing; the audit chain's head file, uploaded files (MEDIA_ROOT) and the units'
    package signing keys in temporary folders (not in data/); the tests' audit key."""
    head_dir = tmp_path_factory.mktemp("audit-head")
    media = tmp_path_factory.mktemp("files")
    package_keys = tmp_path_factory.mktemp("khoa-goi")
    with override_settings(
        KTGS_PACKAGE_KEYS_DIR=package_keys,
        PASSWORD_HASHERS=FAST_HASHERS,
        KTGS_AUDIT_HEAD_DIR=head_dir,
        MEDIA_ROOT=media,
        KTGS_AUDIT_KEY=os.environ["KTGS_AUDIT_KEY"],
    ):
        yield


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, _fast_password_hasher):
    """The test database, migrated, with the demo bloc in it (kept by --reuse-db)."""
    from ktgs.demo.builder import build_demo
    from ktgs.orgs.models import OrgUnit

    with django_db_blocker.unblock():
        if not OrgUnit.objects.exists():
            build_demo()


@dataclass(frozen=True)
class DemoBloc:
    counts: dict  # as `build_demo()` returned them (and the "demo.loaded" audit event holds)
    reference_date: date  # 30/06/2023: the example report's figures hold on this day
    province: object  # OrgUnit "HA", Đảng bộ tỉnh Hòa An
    bloc: object  # OrgUnit "HA.DBK", Đảng bộ Khối Cơ quan và Doanh nghiệp tỉnh
    base_committee: object  # OrgUnit "HA.DBK.001", the first đảng bộ cơ sở (Sở Y tế)
    cell: object  # OrgUnit "HA.DBK.001.01", its first chi bộ


@pytest.fixture(scope="session")
def demo(django_db_setup, django_db_blocker) -> DemoBloc:
    """The demo as built for this session. Its units are read-only handles: re-read a unit
    from the database in a test that changes it."""
    from ktgs.audit.models import AuditEvent
    from ktgs.demo.builder import DEMO_REFERENCE_DATE
    from ktgs.orgs.models import OrgUnit

    with django_db_blocker.unblock():
        units = {
            u.code: u
            for u in OrgUnit.objects.filter(
                code__in=["HA", "HA.DBK", "HA.DBK.001", "HA.DBK.001.01"]
            ).select_related("kind")
        }
        event = AuditEvent.objects.get(action="demo.loaded")
    return DemoBloc(
        counts=event.details,
        reference_date=DEMO_REFERENCE_DATE,
        province=units["HA"],
        bloc=units["HA.DBK"],
        base_committee=units["HA.DBK.001"],
        cell=units["HA.DBK.001.01"],
    )


@pytest.fixture
def cast(db) -> dict:
    """{role value: the demo User holding that role}, read afresh for each test."""
    from ktgs.demo.builder import demo_users

    return demo_users()


@pytest.fixture
def client_as(cast):
    """client_as("inspector") -> a test Client logged in (force_login) as that demo user; for the
    demo users with an authenticator app (system administrator, UBKT leader) as if they had also
    entered its code, as they must before any page opens."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    def login(role: str) -> Client:
        client = Client()
        client.force_login(cast[role])
        device = TOTPDevice.objects.filter(user=cast[role], confirmed=True).first()
        if device is not None:
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
        return client

    return login


@pytest.fixture
def empty_database(tmp_path):
    """(data folder, DATABASE_URL or None) of a migrated, empty database: a fresh SQLite file,
    or a fresh database on the PostgreSQL server of a PostgreSQL run (dropped afterwards)."""
    import uuid

    from ktgs.ops.tests.helpers import engine, migrated

    url, name = None, None
    if engine() == "postgresql":
        from ktgs.ops.tests.test_backup_postgres import Server

        name = f"ktgs_empty_{uuid.uuid4().hex[:8]}"
        url = Server().url(name)  # created by migrated()
    data_dir = tmp_path / "empty"
    data_dir.mkdir()
    migrated(data_dir, url)
    yield data_dir, url
    if name:
        Server().drop(name)
