"""The chain's end as an earlier backup recorded it: `ktgs audit verify --backup FILE...`.

A backup (docs/backup.md) starts with `manifest.json`, whose "audit" entry holds the chain's end
in the backed-up database and the head recorded outside it. Only that entry is read here (the
archive format itself belongs to ktgs/ops/archive.py); decrypt an encrypted backup first.
"""

import json
import tarfile
from pathlib import Path

from ktgs.audit.verify import Anchor


class AnchorError(Exception):
    """A backup cannot be read; the message is Vietnamese."""


def from_backup(path: Path) -> list[Anchor]:
    try:
        with tarfile.open(path, mode="r:*") as tar:
            first = tar.next()
            if first is None or first.name != "manifest.json" or not first.isfile():
                raise ValueError("thiếu manifest.json ở đầu tệp")
            audit = json.load(tar.extractfile(first))["audit"]
    except (OSError, EOFError, tarfile.TarError, ValueError, KeyError, TypeError) as exc:
        raise AnchorError(f"Không đọc được bản sao lưu {path}: {exc}") from exc
    ends = [audit.get("chain_end"), audit.get("recorded_head")]
    return [Anchor(path.name, int(e["seq"]), str(e["hash"])) for e in ends if e]
