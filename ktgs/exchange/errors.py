class FileRefused(Exception):
    """The whole file is refused before any row is read (too large, a zip bomb, not XLSX or CSV,
    not UTF-8...). The message is Vietnamese and says what to do."""
