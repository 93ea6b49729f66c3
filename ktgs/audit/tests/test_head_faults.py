"""A head that cannot be written after the commit (data folder read-only or full): the action
stays done and reported as done; `ktgs audit verify` says the head is behind and how to fix it."""

import errno
import logging

import pytest
from django.core.management import call_command
from django.urls import reverse

from ktgs.audit import head
from ktgs.audit.models import AuditEvent
from ktgs.audit.services import record
from ktgs.audit.verify import verify
from ktgs.core.tests import mounts
from ktgs.documents.tests import files
from ktgs.orgs.models import Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def head_dir(settings, tmp_path):
    settings.KTGS_AUDIT_HEAD_DIR = tmp_path / "head"
    return settings.KTGS_AUDIT_HEAD_DIR


@pytest.fixture
def chain_with_head(head_dir, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        last = record("test.thing.done", details={"n": 0})
    head.write(head.signed(last.seq, last.hash))
    return last


def _refuse_writes(monkeypatch, code=errno.EROFS):
    def refused(*args, **kwargs):
        raise OSError(code, "Read-only file system")

    monkeypatch.setattr(head, "write", refused)


def test_a_head_write_that_fails_after_the_commit_is_logged_not_raised(
    chain_with_head, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    _refuse_writes(monkeypatch)
    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        event = record("test.thing.done", details={"n": 1})
    assert AuditEvent.objects.filter(pk=event.pk).exists()
    assert "audit head not written" in caplog.text
    assert head.read()["seq"] == chain_with_head.seq


def test_verify_names_a_head_behind_the_chain_and_reset_repairs_it(
    chain_with_head, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(head, "_advance", _raise_erofs)
    with django_capture_on_commit_callbacks(execute=True):
        record("test.thing.done", details={"n": 1})
        record("test.thing.done", details={"n": 2})
    monkeypatch.undo()
    verdict = verify()
    assert verdict.ok, verdict.message  # the chain holds; the head only lags
    assert "chậm 2 sự kiện" in verdict.message
    assert "không ghi được đầu chuỗi" in verdict.message
    assert "Read-only file system" in verdict.message  # the marker's error
    assert "ktgs audit head --reset" in verdict.message
    call_command("audit", "head", "--reset")
    after = verify()
    assert "khớp đầu chuỗi đã ghi" in after.message and "chậm" not in after.message
    assert head.failure() is None


def _raise_erofs(*args, **kwargs):
    raise OSError(errno.EROFS, "Read-only file system")


def _attach(client, member):
    url = reverse("documents:attachment_add", args=["orgs.member", member.pk])
    return client.post(url, {"file": files.upload("Biên bản.pdf", files.pdf()), "note": ""})


def test_an_attachment_saved_with_a_head_that_cannot_be_written_answers_success(
    chain_with_head, client_as, monkeypatch, django_capture_on_commit_callbacks, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "files"
    member = Member.objects.live().filter(current_unit__code__startswith="HA.DBK.001.")[0]
    _refuse_writes(monkeypatch, errno.EACCES)
    client = client_as("inspector")
    with django_capture_on_commit_callbacks(execute=True):
        response = _attach(client, member)
    assert response.status_code == 302  # the attachment is saved: no error page for it
    assert AuditEvent.objects.filter(action="documents.attachment.added").exists()


def test_a_really_read_only_head_folder_does_not_fail_the_action(
    chain_with_head, head_dir, django_capture_on_commit_callbacks
):
    with mounts.read_only(head_dir), django_capture_on_commit_callbacks(execute=True):
        event = record("test.thing.done", details={"n": 1})
    assert head.read()["seq"] == chain_with_head.seq < event.seq
    assert "chậm 1 sự kiện" in verify().message
