#!/usr/bin/env bash
# Run the whole test suite (SQLite by default; set DATABASE_URL for PostgreSQL).
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k member -x`.
source "$(dirname "$0")/_venv.sh"
ktgs_venv test
set +e
python -m pytest "$@"
code=$?
set -e
if [ "$code" -eq 5 ]; then echo "Không có bài kiểm thử nào được chạy." >&2; exit 1; fi
exit "$code"
