class OpsError(Exception):
    """A backup or restore cannot go on; the message is Vietnamese, for the operator."""
