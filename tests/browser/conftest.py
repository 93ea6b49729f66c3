"""Browser tests: the real app in its own process, driven by Debian's Chromium via Playwright.

The app is NOT pytest-django's live_server: that needs a transactional test database, whose
flushes would wipe the demo bloc the rest of the suite builds once. Instead `live_app` runs
`ktgs migrate`, `ktgs demo` and `ktgs runserver` in a child process on a fresh SQLite data dir
(also during a PostgreSQL run: DATABASE_URL is removed from the child's environment).

Chromium is /usr/bin/chromium from Debian (`apt install chromium`); Playwright never downloads a
browser. Without it these tests are skipped, except in CI (CI=true), where they fail.
Screenshots of every step go to test-artifacts/ at the repository root.
"""

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from ktgs.ops.tests.helpers import migrated

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path(os.environ.get("KTGS_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_TIMEOUT = 60  # seconds for runserver to answer once the data is loaded
DEMO_TIMEOUT = 600  # seconds for `ktgs demo`


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def pytest_runtest_setup(item: pytest.Item) -> None:
    """Before any fixture starts (the app takes a while): no Chromium → skip, or fail in CI."""
    if item.get_closest_marker("browser") is None or CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} not found: install Debian's chromium (apt install chromium)"
    if in_ci():
        pytest.fail(f"{reason}; browser tests are required when CI=true", pytrace=False)
    pytest.skip(reason)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call):
    """Keep each phase's report on the item, so `page` can take a screenshot on failure."""
    report = yield
    setattr(item, f"rep_{report.when}", report)
    return report


# --- the app under test ----------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _ktgs(args: list[str], env: dict[str, str], log: Path, timeout: float) -> str:
    """Run `ktgs ARGS` (this interpreter, repo root), appending its output to `log`."""
    command = [sys.executable, "-m", "ktgs", *args]
    try:
        done = subprocess.run(
            command, cwd=REPO, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        pytest.fail(f"`ktgs {' '.join(args)}` took more than {timeout}s", pytrace=False)
    with log.open("a") as out:
        out.write(f"$ ktgs {' '.join(args)}\n{done.stdout}{done.stderr}\n")
    if done.returncode != 0:
        output = (done.stdout + done.stderr)[-4000:]
        pytest.fail(f"`ktgs {' '.join(args)}` exited {done.returncode}:\n{output}", pytrace=False)
    return done.stdout


@pytest.fixture(scope="session")
def app_env(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """Environment for the app process: its own SQLite data dir, development profile."""
    env = dict(os.environ)
    env.pop("DATABASE_URL", None)
    env.update(
        KTGS_DATA_DIR=str(tmp_path_factory.mktemp("browser-app-data")),
        KTGS_PROFILE="development",
        KTGS_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SETTINGS_MODULE="config.settings",
        PYTHONUNBUFFERED="1",
        # Tests only: each import progress step lasts 1.5 s, so test_import sees the bar move.
        KTGS_IMPORT_THROTTLE_MS="1500",
        # Tests only: the tree shows a node's children 30 at a time (100 in service), so that
        # the demo bloc's 72 grassroots organisations need «Xem thêm» (test_tree_more).
        KTGS_TREE_CHUNK="30",
    )
    return env


@pytest.fixture(scope="session")
def live_app(app_env: dict[str, str]) -> Iterator[str]:
    """Base URL ("http://127.0.0.1:PORT") of the app with the demo bloc loaded."""
    ARTIFACTS.mkdir(exist_ok=True)
    setup_log = ARTIFACTS / "browser-app-setup.log"
    server_log = ARTIFACTS / "browser-app-server.log"
    setup_log.write_text("")
    migrated(Path(app_env["KTGS_DATA_DIR"]))  # `ktgs migrate`, run once per test process
    _ktgs(["demo"], app_env, setup_log, timeout=DEMO_TIMEOUT)

    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    with server_log.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "ktgs", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=REPO,
            env=app_env,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        deadline = time.monotonic() + SERVER_START_TIMEOUT
        while True:
            if server.poll() is not None:
                pytest.fail(
                    f"runserver exited {server.returncode}:\n{_tail(server_log)}", pytrace=False
                )
            try:
                with urllib.request.urlopen(f"{base_url}/dang-nhap/", timeout=5):
                    break
            except urllib.error.HTTPError:
                break  # it answers; the tests will say whether the answer is right
            except (urllib.error.URLError, OSError):
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"runserver did not answer on {base_url} within "
                        f"{SERVER_START_TIMEOUT}s:\n{_tail(server_log)}",
                        pytrace=False,
                    )
                time.sleep(0.2)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="session")
def demo_password() -> str:
    from ktgs.demo.builder import DEMO_PASSWORD

    return DEMO_PASSWORD


# --- the browser -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium():
    """One headless Chromium per module. Module scope on purpose: while Playwright's sync API
    is active, Django refuses ORM calls in this process ("async context"), so it must not
    outlive the browser tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


def _artifact_prefix(request: pytest.FixtureRequest) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")


class Shots:
    """Numbered full-page screenshots of one test: test-artifacts/<test>-01-<step>.png, ..."""

    def __init__(self, page, prefix: str) -> None:
        self.page = page
        self.prefix = prefix
        self.count = 0
        ARTIFACTS.mkdir(exist_ok=True)
        for old in ARTIFACTS.glob(f"{prefix}-*.png"):
            old.unlink()

    def __call__(self, step: str) -> Path:
        self.count += 1
        path = ARTIFACTS / f"{self.prefix}-{self.count:02d}-{step}.png"
        self.page.screenshot(path=path, full_page=True)
        return path


@pytest.fixture
def viewport() -> dict[str, int]:
    """The browser window size; a test parametrizes `viewport` for another screen."""
    return {"width": 1280, "height": 800}


@pytest.fixture
def page(request: pytest.FixtureRequest, chromium, live_app: str, viewport: dict[str, int]):
    """A fresh browser context (no cookies) on the app; relative URLs resolve against it."""
    context = chromium.new_context(
        base_url=live_app, viewport=viewport, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh"
    )
    context.set_default_timeout(15_000)
    page = context.new_page()
    try:
        yield page
    finally:
        report = getattr(request.node, "rep_call", None)
        if report is not None and report.failed:
            ARTIFACTS.mkdir(exist_ok=True)
            with contextlib.suppress(Exception):  # must not hide the test's own failure
                path = ARTIFACTS / f"{_artifact_prefix(request)}-FAILED.png"
                page.screenshot(path=path, full_page=True)
        context.close()


@pytest.fixture
def shot(request: pytest.FixtureRequest, page) -> Shots:
    """shot("step-name") saves a numbered screenshot of the page."""
    return Shots(page, _artifact_prefix(request))
