"""A grassroots clerk cannot reach another unit's member by typing the URL.

Sign in as the demo's grassroots officer ("canbo.coso", đảng bộ cơ sở HA.DBK.001), type the
address of a member of another đảng bộ cơ sở (HA.DBK.002): the Vietnamese "not found" page, the
member's name nowhere. The address of a member of their own đảng bộ: the member's page.

The app is the session's demo app (same data directory), served by a second process with
DEBUG off: with DEBUG on, Django answers a 404 with its English debug page instead of the page
users get. The member codes are read from that app's database file.
"""

import contextlib
import re
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import ARTIFACTS, REPO, SERVER_START_TIMEOUT, _free_port, _tail

pytestmark = pytest.mark.browser

CLERK = "canbo.coso"
OWN_UNITS = "HA.DBK.001.%"
OTHER_UNITS = "HA.DBK.002.%"


def _wait_until_up(server: subprocess.Popen, base_url: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while True:
        if server.poll() is not None:
            pytest.fail(f"runserver exited {server.returncode}:\n{_tail(log)}", pytrace=False)
        try:
            with urllib.request.urlopen(f"{base_url}/dang-nhap/", timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except (urllib.error.URLError, OSError):
            if time.monotonic() > deadline:
                pytest.fail(f"runserver did not answer:\n{_tail(log)}", pytrace=False)
            time.sleep(0.2)


@pytest.fixture(scope="module")
def live_app(live_app: str, app_env: dict[str, str]):
    """The session's app and data (migrated, demo loaded), served again with DEBUG off."""
    env = {**app_env, "KTGS_DEBUG": "0"}
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / "browser-app-server-nodebug.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "ktgs", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=REPO,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    try:
        _wait_until_up(server, base_url, log)
        yield base_url
    finally:
        server.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            server.wait(timeout=10)
        if server.poll() is None:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
def members(app_env: dict[str, str]) -> dict[str, tuple[str, str]]:
    """{"own": (code, full name), "other": (code, full name)}: the first member, by code, of
    the clerk's đảng bộ and of another one, from the app's own database."""
    db = Path(app_env["KTGS_DATA_DIR"]) / "ktgs.sqlite3"
    query = (
        "SELECT m.code, m.full_name FROM orgs_member m JOIN orgs_orgunit u "
        "ON u.id = m.current_unit_id WHERE u.code LIKE ? AND m.voided_at IS NULL "
        "ORDER BY m.code LIMIT 1"
    )
    with contextlib.closing(sqlite3.connect(db)) as conn:
        return {
            "own": conn.execute(query, [OWN_UNITS]).fetchone(),
            "other": conn.execute(query, [OTHER_UNITS]).fetchone(),
        }


def sign_in(page: Page, password: str) -> None:
    page.goto("/dang-nhap/")
    page.locator("input[name='username']").fill(CLERK)
    page.locator("input[name='password']").fill(password)
    page.get_by_role("button", name="Đăng nhập").click()
    expect(page).not_to_have_url(re.compile(r"/dang-nhap/"))


def test_clerk_cannot_open_another_units_member_by_url(
    page: Page, demo_password: str, members, shot
) -> None:
    sign_in(page, demo_password)
    other_code, other_name = members["other"]
    response = page.goto(f"/dang-vien/{other_code}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text("Không tìm thấy")
    expect(page.locator("main")).to_contain_text("nằm ngoài phạm vi đồng chí được xem")
    assert other_name not in page.content()
    shot("other-unit-member")

    own_code, own_name = members["own"]
    response = page.goto(f"/dang-vien/{own_code}/")
    assert response is not None and response.status == 200
    expect(page.get_by_role("heading", level=1)).to_have_text(own_name)
    shot("own-unit-member")
