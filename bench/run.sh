#!/usr/bin/env bash
# KTGS benchmark (docs/benchmarks.md): bash bench/run.sh [--members N] [--requests R] [--keep]
# SQLite in a throwaway folder by default; set DATABASE_URL to a PostgreSQL server to run there
# (throwaway databases ktgs_bench_a / ktgs_bench_b are created and dropped on it).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv/bin/python ]; then
    echo "Chưa có .venv: chạy bash scripts/start.sh (hoặc scripts/test.sh) một lần trước." >&2
    exit 1
fi
exec .venv/bin/python bench/bench.py "$@"
