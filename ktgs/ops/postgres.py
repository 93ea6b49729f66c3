"""PostgreSQL: `pg_dump --format=custom` and `pg_restore`, with the parameters of
settings.DATABASES["default"] passed through the PG* environment variables — the password in
PGPASSWORD, never on a command line that `ps` shows.

The dump and the checksums see the same data: a REPEATABLE READ, READ ONLY transaction exports
its snapshot, pg_dump imports it (`--snapshot`), and the checksums are computed inside that same
transaction while pg_dump runs. Restoring needs a freshly created database with no tables
(`createdb`, no `ktgs migrate`): pg_restore creates the tables, triggers and sequences itself.
"""

import glob
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.db import connection, transaction

from ktgs.ops.checksums import populated_ktgs_tables, table_checksums, table_names
from ktgs.ops.errors import OpsError

ENV = {"HOST": "PGHOST", "PORT": "PGPORT", "USER": "PGUSER", "PASSWORD": "PGPASSWORD"}
OPTION_ENV = {
    "sslmode": "PGSSLMODE",
    "sslrootcert": "PGSSLROOTCERT",
    "sslcert": "PGSSLCERT",
    "sslkey": "PGSSLKEY",
    "passfile": "PGPASSFILE",
}


def binary(name: str) -> str:
    """`pg_dump` or `pg_restore`: on PATH, else the newest under /usr/lib/postgresql/*/bin."""
    if found := shutil.which(name):
        return found
    candidates = glob.glob(f"/usr/lib/postgresql/*/bin/{name}")

    def version(path: str) -> tuple[int, ...]:
        return tuple(int(n) for n in re.findall(r"\d+", Path(path).parent.parent.name))

    if candidates:
        return max(candidates, key=version)
    raise OpsError(
        f"Không tìm thấy chương trình {name}: cài gói postgresql-client cùng phiên bản với "
        "máy chủ PostgreSQL (hoặc mới hơn)."
    )


def environment() -> dict[str, str]:
    settings = connection.settings_dict
    env = dict(os.environ)  # libpq reads PG* there too, as Django's own connection does
    env["PGDATABASE"] = str(settings["NAME"])
    for key, var in ENV.items():
        if settings.get(key):
            env[var] = str(settings[key])
    for key, var in OPTION_ENV.items():
        if (settings.get("OPTIONS") or {}).get(key):
            env[var] = str(settings["OPTIONS"][key])
    return env


def _failed(what: str, code: int, errors) -> OpsError:
    errors.seek(0)
    text = errors.read().decode("utf-8", "replace").strip()[-2000:]
    return OpsError(f"{what} thất bại (mã {code}): {text}")


def _run(command: list[str], what: str) -> None:
    with tempfile.TemporaryFile() as errors:
        code = subprocess.run(command, env=environment(), stderr=errors, check=False).returncode
        if code:
            raise _failed(what, code, errors)


def snapshot(dest: Path) -> tuple[dict, dict | None]:
    """pg_dump into `dest`; return the checksums and the chain's end of the same snapshot."""
    from ktgs.audit.models import AuditEvent

    if connection.in_atomic_block:
        raise OpsError("Không sao lưu được bên trong một giao dịch đang mở.")
    command = [binary("pg_dump"), "--format=custom", "--no-password", f"--file={dest}"]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        cursor.execute("SELECT pg_export_snapshot()")
        snapshot_id = cursor.fetchone()[0]
        with tempfile.TemporaryFile() as errors:
            dump = subprocess.Popen(
                [*command, f"--snapshot={snapshot_id}"], env=environment(), stderr=errors
            )
            try:
                tables = table_checksums()
                chain_end = AuditEvent.objects.order_by("-seq").values("seq", "hash").first()
            except BaseException:
                dump.kill()
                dump.wait()
                raise
            if code := dump.wait():
                raise _failed("pg_dump", code, errors)
    return tables, chain_end


def check_empty() -> None:
    name = connection.settings_dict["NAME"]
    populated = populated_ktgs_tables()
    if populated:
        raise OpsError(
            f"Cơ sở dữ liệu đích không trống ({name}: có dữ liệu trong {', '.join(populated)}). "
            "Chỉ khôi phục vào một cơ sở dữ liệu mới tạo (createdb), chưa có bảng nào."
        )
    if table_names():
        raise OpsError(
            f"Cơ sở dữ liệu đích {name} đã có bảng (đã chạy ktgs migrate?). Hãy tạo một cơ sở "
            "dữ liệu mới bằng createdb và khôi phục vào đó, không chạy migrate trước."
        )


def install(source: Path) -> None:
    name = str(connection.settings_dict["NAME"])
    command = [
        binary("pg_restore"),
        "--no-owner",
        "--no-privileges",
        "--exit-on-error",
        "--single-transaction",
        "--no-password",
        f"--dbname={name}",
        str(source),
    ]
    _run(command, "pg_restore")
