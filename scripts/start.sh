#!/usr/bin/env bash
# Quick start: install, create the SQLite database, load the demo bloc, serve on
# $KTGS_ADDRESS (default 127.0.0.1:8000). Django's debug pages stay off (KTGS_DEBUG=1 turns
# them on): a mistyped address gets the Vietnamese 404 page, as in production.
source "$(dirname "$0")/_venv.sh"
ktgs_venv
export KTGS_DEBUG="${KTGS_DEBUG:-0}"
address="${KTGS_ADDRESS:-127.0.0.1:8000}"
case "$address" in
  *:*) ;;
  *) address="127.0.0.1:$address" ;;  # a port alone, as runserver accepts it
esac
ktgs migrate --no-input -v 0
ktgs demo --if-empty --print-logins
echo "== KTGS đang chạy tại http://$address (Ctrl+C để dừng) =="
exec ktgs runserver "$address" --noreload
