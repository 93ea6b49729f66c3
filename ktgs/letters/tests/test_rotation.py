"""`ktgs letters rotate-key`: every identity re-encrypted under the new key, none left under the
old key alone; refused, changing nothing, when an old key is missing."""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings

from ktgs.accounts.access import visible_to
from ktgs.letters import crypto, services
from ktgs.letters.identity import identity_read
from ktgs.letters.models import Letter
from ktgs.letters.tests.helpers import register, ubkt

pytestmark = pytest.mark.django_db

NEW_KEY = "nouvelle-cle-des-lettres-" + "k" * 40


def _tokens() -> dict[int, tuple[str, ...]]:
    return {
        row[0]: row[1:]
        for row in Letter.objects.values_list("pk", *services.FILER_FIELDS).order_by("pk")
    }


def test_rotation_reencrypts_every_identity(demo, cast):
    old_key = settings.KTGS_LETTERS_KEY
    body = ubkt(demo.bloc)
    filers = [
        services.Filer(
            name=f"Người gửi số {i}", address=f"Địa chỉ {i}", citizen_id=f"00118500{i:04d}"
        )
        for i in range(3)
    ]
    letters = [
        register(cast["inspector"], body, filer=f, summary=f"Việc riêng số {i} " * (i + 1)).letter
        for i, f in enumerate(filers)
    ]
    anonymous = register(cast["inspector"], body, anonymous=True, filer=services.Filer()).letter
    before = _tokens()
    alone = override_settings(KTGS_LETTERS_KEY=NEW_KEY, KTGS_LETTERS_KEYS_OLD=[])
    with alone, pytest.raises(crypto.InvalidToken):  # the new key alone cannot read them yet
        crypto.decrypt(before[letters[0].pk][0])
    with override_settings(KTGS_LETTERS_KEY=NEW_KEY, KTGS_LETTERS_KEYS_OLD=[old_key]):
        call_command("letters", "rotate-key")
    after = _tokens()
    assert after[anonymous.pk] == ("", "", "", "")
    old = crypto._fernet(old_key)
    with override_settings(KTGS_LETTERS_KEY=NEW_KEY, KTGS_LETTERS_KEYS_OLD=[]):
        scope = visible_to(cast["ubkt_leader"])
        for letter, filer in zip(letters, filers, strict=True):
            tokens = after[letter.pk]
            assert tokens != before[letter.pk]
            for token in tokens:
                if token:
                    assert crypto.under_current_key(token)
                    with pytest.raises(crypto.InvalidToken):
                        old.decrypt(token.encode())
            shown = identity_read(scope, Letter.objects.get(pk=letter.pk))
            assert (shown.name, shown.address, shown.citizen_id) == (
                filer.name,
                filer.address,
                filer.citizen_id,
            )


def test_rotation_without_the_old_key_changes_nothing(demo, cast):
    register(cast["inspector"], ubkt(demo.bloc))
    before = _tokens()
    alone = override_settings(KTGS_LETTERS_KEY=NEW_KEY, KTGS_LETTERS_KEYS_OLD=[])
    with alone, pytest.raises(CommandError, match="KTGS_LETTERS_KEYS_OLD"):
        call_command("letters", "rotate-key")
    assert _tokens() == before


NEW_INDEX_KEY = "nouvelle-cle-des-index-" + "i" * 40


def test_reindex_after_a_new_index_key_keeps_duplicates_found(demo, cast):
    """`ktgs letters reindex`: under a new KTGS_LETTERS_INDEX_KEY the stored indexes are
    recomputed from the decrypted identities, so a new letter of the same filer is still linked;
    the old indexes no longer match anything."""
    body = ubkt(demo.bloc)
    filer = services.Filer(name="Lê Văn Tám", citizen_id="001185009999")
    first = register(cast["inspector"], body, filer=filer).letter
    old_indexes = Letter.objects.values_list("filer_name_index", "filer_id_index").get(pk=first.pk)
    with override_settings(KTGS_LETTERS_INDEX_KEY=NEW_INDEX_KEY):
        call_command("letters", "reindex", stdout=StringIO())
        new_indexes = Letter.objects.values_list("filer_name_index", "filer_id_index").get(
            pk=first.pk
        )
        assert new_indexes == crypto.blind_index(name=filer.name, citizen_id=filer.citizen_id)
        assert set(new_indexes).isdisjoint(old_indexes)
        again = register(
            cast["inspector"], body, filer=filer, summary="Một việc khác hẳn, nói lại lần nữa."
        )
        assert any(link.earlier_id == first.pk for link in again.links)
