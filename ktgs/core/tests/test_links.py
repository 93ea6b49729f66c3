"""`core.links.link` gives what `reverse` gives, for any code a record may carry."""

import pytest
from django.urls import reverse, set_script_prefix

from ktgs.core.links import link

CODES = ["DV000123", "HA.DBK.001", "T01.X001", "mã có dấu", "a b", "50%", "x/y", "?#&=", "0ktgs0"]


@pytest.mark.parametrize("code", CODES)
def test_link_is_reverse(code):
    for name in ("orgs:member_detail", "orgs:unit_detail"):
        if "/" in code:  # the `str` converter refuses it: the link quotes it, staying one segment
            assert link(name, code).count("/") == reverse(name, args=["x"]).count("/")
            continue
        assert link(name, code) == reverse(name, args=[code])
    assert link("orgs:tree_children", 42) == reverse("orgs:tree_children", args=[42])


def test_link_follows_the_script_prefix():
    try:
        set_script_prefix("/ktgs/")
        assert link("orgs:unit_detail", "T01") == reverse("orgs:unit_detail", args=["T01"])
        assert link("orgs:unit_detail", "T01").startswith("/ktgs/")
    finally:
        set_script_prefix("/")
    assert link("orgs:unit_detail", "T01") == "/to-chuc/T01/"
