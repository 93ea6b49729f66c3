"""Real small filesystems for tests of full and read-only disks (needs root; else a skip).

`tmpfs(path, size)` mounts a tmpfs of `size` (e.g. "64k") at `path`; `read_only(path)` bind-mounts
`path` onto itself read-only. Both are context managers that unmount on leaving. Tests use them
and also monkeypatch the write, so the behaviour is checked where mounting is not permitted.
"""

import contextlib
import subprocess
from pathlib import Path

import pytest


def _run(*args: str) -> bool:
    try:
        done = subprocess.run(args, capture_output=True, timeout=10, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


@contextlib.contextmanager
def tmpfs(path: Path, size: str = "64k"):
    path.mkdir(parents=True, exist_ok=True)
    if not _run("mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(path)):
        pytest.skip("mounting a tmpfs is not permitted here")
    try:
        yield path
    finally:
        _run("umount", "-l", str(path))


@contextlib.contextmanager
def read_only(path: Path):
    path.mkdir(parents=True, exist_ok=True)
    if not _run("mount", "--bind", str(path), str(path)):
        pytest.skip("bind mounts are not permitted here")
    try:
        if not _run("mount", "-o", "remount,bind,ro", str(path)):
            pytest.skip("a read-only remount is not permitted here")
        yield path
    finally:
        _run("umount", "-l", str(path))
