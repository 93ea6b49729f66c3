#!/usr/bin/env bash
# Quick start: install, create the SQLite database, load the demo bloc, serve on :8000.
source "$(dirname "$0")/_venv.sh"
ktgs_venv
ktgs migrate --no-input -v 0
ktgs demo --if-empty
ktgs demo --print-logins
echo "== KTGS đang chạy tại http://127.0.0.1:8000 (Ctrl+C để dừng) =="
exec ktgs runserver "${KTGS_ADDRESS:-127.0.0.1:8000}" --noreload
