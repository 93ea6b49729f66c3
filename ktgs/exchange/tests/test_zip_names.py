"""Issue 11, defect 4: a .zip of CSV files made with Info-ZIP `zip` (Linux, macOS) stores the
UTF-8 bytes of «Đảng viên.csv» without the UTF-8 flag (general-purpose bit 11); Python reads such
names as cp437 («─Éß║úng vi├¬n.csv») and the sheet was refused as unknown."""

import shutil
import struct
import subprocess
import zipfile

import pytest

from ktgs.exchange.format import SHEETS
from ktgs.exchange.importer import run_import
from ktgs.exchange.reader import read_book

pytestmark = pytest.mark.django_db

NAMES = ("Đảng viên.csv", "Sinh hoạt.csv")
FLAG = 0x800


def _clear_utf8_flags(path):
    """Rewrite the zip at `path` with bit 11 cleared in every local and central header (the
    name bytes stay UTF-8): what Info-ZIP `zip` writes."""
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        central = archive.start_dir
    for info in infos:
        assert data[info.header_offset : info.header_offset + 4] == b"PK\x03\x04"
        flags = struct.unpack_from("<H", data, info.header_offset + 6)[0]
        struct.pack_into("<H", data, info.header_offset + 6, flags & ~FLAG)
    at = central
    for _info in infos:
        assert data[at : at + 4] == b"PK\x01\x02"
        flags = struct.unpack_from("<H", data, at + 8)[0]
        struct.pack_into("<H", data, at + 8, flags & ~FLAG)
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", data, at + 28)
        at += 46 + name_len + extra_len + comment_len
    path.write_bytes(bytes(data))


def _csv(name: str) -> bytes:
    return ("\ufeff" + ",".join(SHEETS[name.removesuffix(".csv")].headers) + "\n").encode()


def _zip_without_flag(path):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in NAMES:
            archive.writestr(name, _csv(name))
    _clear_utf8_flags(path)
    with zipfile.ZipFile(path) as archive:  # as Python reads it: cp437, no flag
        assert {i.flag_bits & FLAG for i in archive.infolist()} == {0}
        assert "─Éß║úng vi├¬n.csv" in archive.namelist()
    return path


def _sheets(path) -> list[str]:
    book = read_book(path, path.name, lambda *args: args)
    assert book.problems == []
    return sorted(raw.sheet.name for raw in book.sheets)


def test_utf8_names_without_the_flag_are_read_as_utf8(tmp_path):
    path = _zip_without_flag(tmp_path / "dang-vien.zip")
    assert _sheets(path) == ["Sinh hoạt", "Đảng viên"]
    result = run_import(path, file_name=path.name)
    assert result.ok, result.problems


def test_names_with_the_flag_still_read(tmp_path):
    path = tmp_path / "co-co.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name in NAMES:
            archive.writestr(name, _csv(name))
    assert _sheets(path) == ["Sinh hoạt", "Đảng viên"]


def test_a_legacy_code_page_name_falls_back_to_cp437(tmp_path):
    """Bytes that are not UTF-8 (here cp437 «É») keep Python's cp437 reading: an unknown sheet,
    named as Python reads it, not a crash."""
    path = tmp_path / "cu.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Xang.csv", b"a,b\n")
    data = path.read_bytes()
    assert data.count(b"Xang.csv") == 2  # the local and the central header
    path.write_bytes(data.replace(b"Xang.csv", b"\x90ang.csv"))  # byte 0x90: cp437 «É»
    book = read_book(path, path.name, lambda *args: args)
    assert [p[0] for p in book.problems] == ["Éang"]


@pytest.mark.skipif(shutil.which("zip") is None, reason="Info-ZIP `zip` is not installed")
def test_a_zip_made_by_the_zip_command_is_read(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    for name in NAMES:
        (folder / name).write_bytes(_csv(name))
    path = tmp_path / "lenh-zip.zip"
    subprocess.run(
        ["zip", "-q", str(path), *NAMES],
        cwd=folder,
        check=True,
        env={"LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "PATH": "/usr/bin:/bin"},
    )
    assert _sheets(path) == ["Sinh hoạt", "Đảng viên"]
