"""Write the shipped Word templates (ktgs/documents/docx/*.docx) from ktgs/documents/layout.py.

Run after changing the layout: `.venv/bin/python scripts/build_docx_templates.py`, then commit
the .docx files (an office downloads them from "Mẫu văn bản" to make its own).
"""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ktgs.documents.layout import write_all  # noqa: E402

if __name__ == "__main__":
    for path in write_all(ROOT / "ktgs" / "documents" / "docx"):
        print(path.relative_to(ROOT))
