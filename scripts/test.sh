#!/usr/bin/env bash
# Run the whole test suite (SQLite by default; set DATABASE_URL for PostgreSQL).
# Extra arguments go to pytest, e.g. `bash scripts/test.sh -k member -x`.
# The tests run on every core (pytest-xdist, one file per worker at a time); KTGS_TEST_WORKERS=N
# sets the number of workers (0: one process, no workers), or pass -n yourself.
source "$(dirname "$0")/_venv.sh"
ktgs_venv test
set +e
workers=(-n "${KTGS_TEST_WORKERS:-auto}" --dist loadfile)
for arg in "$@"; do
  case "$arg" in -n | -n* | --numprocesses* | no:xdist) workers=() ;; esac
done
python -m pytest "${workers[@]}" "$@"
code=$?
set -e
if [ "$code" -eq 5 ]; then echo "Không có bài kiểm thử nào được chạy." >&2; exit 1; fi
exit "$code"
