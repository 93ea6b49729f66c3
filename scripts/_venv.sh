# Sourced by start.sh and test.sh: make .venv with the pinned dependencies (quietly, once).
# Usage: ktgs_venv [EXTRA]   e.g. ktgs_venv test
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

ktgs_python() {
  for py in "${KTGS_PYTHON:-}" python3.13 python3.12 python3.11 python3; do
    [ -n "$py" ] || continue
    if command -v "$py" >/dev/null 2>&1 &&
       "$py" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
      echo "$py"; return 0
    fi
  done
  echo "KTGS cần Python 3.11 trở lên (python3 --version). / KTGS needs Python >= 3.11." >&2
  return 1
}

ktgs_venv() {
  local extra="${1:-}" spec="."
  [ -n "$extra" ] && spec=".[$extra]"
  if [ ! -x .venv/bin/python ]; then
    local py; py="$(ktgs_python)"
    if ! "$py" -m venv .venv; then
      echo "Không tạo được môi trường ảo. Trên Debian/Ubuntu: sudo apt install python3-venv" >&2
      rm -rf .venv; return 1
    fi
  fi
  local stamp=".venv/.installed-${extra:-base}"
  if [ ! -f "$stamp" ] || [ pyproject.toml -nt "$stamp" ] || [ requirements/constraints.txt -nt "$stamp" ]; then
    echo "== Cài đặt thư viện (${spec}) vào .venv =="
    .venv/bin/python -m pip install --quiet --disable-pip-version-check \
      -c requirements/constraints.txt -e "$spec"
    touch "$stamp"
  fi
  if [ "$extra" = test ]; then  # axe-core for the browser tests, from its npm package (no node)
    .venv/bin/python scripts/npm_fetch.py >/dev/null
  fi
  export PATH="$ROOT/.venv/bin:$PATH"
}
