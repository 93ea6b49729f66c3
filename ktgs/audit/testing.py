"""Test-only helpers. The application never imports this module."""

from contextlib import contextmanager

from django.db import connection

from ktgs.audit import triggers


@contextmanager
def triggers_lifted():
    """Remove the append-only triggers inside the block (in the test's transaction), then
    put them back. Used only by tests that tamper with the chain on purpose."""
    triggers.remove(connection)
    try:
        yield
    finally:
        triggers.install(connection)
