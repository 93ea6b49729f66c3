"""A letter's files go through the documents app: added by who keeps the register, listed on
the letter's page, refused to whoever does not see the letter."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from ktgs.documents.models import Attachment
from ktgs.documents.tests import files
from ktgs.letters.tests.helpers import register, ubkt

pytestmark = pytest.mark.django_db


def test_attach_a_file_to_a_letter(demo, cast, client_as):
    letter = register(cast["inspector"], ubkt(demo.bloc)).letter
    url = reverse(
        "documents:attachment_add",
        kwargs={"owner_type": "letters.letter", "owner_id": letter.pk},
    )
    upload = SimpleUploadedFile("Đơn gốc.pdf", files.pdf(), content_type="application/pdf")
    done = client_as("inspector").post(url, {"file": upload})
    assert done.status_code == 302
    assert done["Location"] == reverse("letters:detail", args=[letter.pk]) + "#tai-lieu"
    (attachment,) = Attachment.objects.filter(owner_type="letters.letter", owner_id=str(letter.pk))
    page = client_as("inspector").get(reverse("letters:detail", args=[letter.pk])).content.decode()
    assert attachment.name in page
    # the grassroots officer of a unit below does not see the letter, nor may add to it
    assert client_as("grassroots_officer").get(url).status_code == 404
    # the committee leader sees the letter but does not write it
    assert client_as("committee_leader").get(url).status_code == 403
