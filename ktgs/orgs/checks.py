"""System check (`ktgs check`): on PostgreSQL, the folded search keys have their trigram
indexes (ktgs/orgs/trigram.py); without them searches are right but scan whole tables."""

from django.core.checks import Warning, register
from django.db import DatabaseError, connection

from ktgs.orgs import trigram


@register()
def trigram_indexes(app_configs=None, databases=None, **kwargs):
    if databases or connection.vendor != "postgresql":  # `migrate` puts them back itself
        return []
    try:
        if not trigram.applicable(connection):
            return []
        missing = trigram.missing(connection)
    except DatabaseError:
        return []
    if not missing:
        return []
    return [
        Warning(
            f"Thiếu chỉ mục tìm kiếm theo tên (pg_trgm): {', '.join(missing)}; tìm đảng viên, "
            "tổ chức đảng theo tên sẽ quét cả bảng.",
            hint="Chạy một lần `CREATE EXTENSION pg_trgm;` (quyền superuser) rồi `ktgs migrate`.",
            id="orgs.W001",
        )
    ]
