"""axe-core for the browser tests: the npm package's `axe.min.js` (pinned in requirements/npm.txt,
fetched into .venv/npm/ by scripts/npm_fetch.py, which `bash scripts/test.sh` runs), injected
into the page by axe-playwright-python's runner (docs/decisions/0010)."""

from functools import cache
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / ".venv" / "npm" / "axe-core" / "axe.min.js"


@cache
def axe() -> Axe:
    if not SCRIPT.exists():
        raise RuntimeError(
            f"{SCRIPT} is missing: run `python scripts/npm_fetch.py` (scripts/test.sh does)."
        )
    return Axe(axe_script=SCRIPT.read_text(encoding="utf-8"))
