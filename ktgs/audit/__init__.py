"""Audit trail. Use `from ktgs.audit.services import record`."""
