"""Where attachment files live: MEDIA_ROOT / Attachment.path (archived by `ktgs backup`)."""

from pathlib import Path

from django.conf import settings


def stored_path(attachment) -> Path:
    root = Path(settings.MEDIA_ROOT).resolve()
    path = (root / attachment.path).resolve()
    if not path.is_relative_to(root):  # paths are generated, but never trust a row blindly
        raise ValueError(attachment.path)
    return path


def open_stored(attachment):
    """The stored file opened for reading, or None when it is missing."""
    try:
        return open(stored_path(attachment), "rb")  # noqa: SIM115 (FileResponse closes it)
    except (FileNotFoundError, ValueError):
        return None
