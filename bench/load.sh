#!/usr/bin/env bash
# KTGS under concurrent load (docs/benchmarks.md, «Tải đồng thời»):
#   bash bench/load.sh [--members N | --demo "--tier nation"] [--users 8] [--seconds 60] [--existing]
# Installs the load tool (locust, the `load` extra) into .venv on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/_venv.sh
ktgs_venv load
exec .venv/bin/python bench/load.py "$@"
