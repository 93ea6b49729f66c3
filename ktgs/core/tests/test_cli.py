"""The `ktgs` console command: help, and Django's management commands under it."""

import subprocess
import sys


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "ktgs", *args], capture_output=True, text=True, timeout=120
    )


def test_help_lists_the_ktgs_commands():
    out = run("--help")
    assert out.returncode == 0
    for command in ("migrate", "demo", "createadmin", "changepassword", "audit verify", "backup"):
        assert command in out.stdout


def test_every_command_the_help_names_exists():
    import re

    from django.core.management import get_commands

    named = set(re.findall(r"^  ktgs (\w+)", run("--help").stdout, flags=re.M)) - {"help"}
    assert {"backup", "restore", "otp", "deactivate", "audit"} <= named
    assert named <= set(get_commands()), named - set(get_commands())


def test_management_commands_run_under_ktgs(tmp_path):
    import os

    env = {**os.environ, "KTGS_DATA_DIR": str(tmp_path)}
    env.pop("DATABASE_URL", None)
    out = subprocess.run(
        [sys.executable, "-m", "ktgs", "demo", "--help"],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip
    assert out.returncode == 0 and "--members" in out.stdout
