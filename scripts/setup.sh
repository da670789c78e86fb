#!/usr/bin/env bash
# Installs what Gongzhi needs on a Debian or Ubuntu machine: system packages (when missing),
# a virtual environment in .venv and the pinned Python dependencies. Safe to run again.
#   scripts/setup.sh          packages to run the portal
#   scripts/setup.sh --test   also what the test suite needs (PostgreSQL, Redis, Chromium, poppler)
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "Gongzhi needs Python 3.11 or newer; '$PYTHON' is $("$PYTHON" --version 2>&1)." >&2
  echo "Install it (apt-get install python3 python3-venv) or set PYTHON=/path/to/python3.11." >&2
  exit 1
fi

# Debian package -> a file that shows it is installed.
declare -A RUNTIME=(
  [libpango-1.0-0]=/usr/lib/x86_64-linux-gnu/libpango-1.0.so.0
  [libpangoft2-1.0-0]=/usr/lib/x86_64-linux-gnu/libpangoft2-1.0.so.0
  [libharfbuzz-subset0]=/usr/lib/x86_64-linux-gnu/libharfbuzz-subset.so.0
  [fonts-noto-cjk]=/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc
)
declare -A TESTING=(
  [postgresql]=/usr/bin/psql
  [redis-server]=/usr/bin/redis-server
  [chromium]=/usr/bin/chromium
  [poppler-utils]=/usr/bin/pdftotext
  [gettext]=/usr/bin/msgfmt
)
missing=()
for pkg in "${!RUNTIME[@]}"; do
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done
if [[ "${1:-}" == "--test" ]]; then
  for pkg in "${!TESTING[@]}"; do
    [[ -e "${TESTING[$pkg]}" ]] || dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
fi
if ((${#missing[@]})); then
  echo "Installing system packages: ${missing[*]}"
  SUDO=""
  [[ $(id -u) -eq 0 ]] || SUDO="sudo"
  if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null; }; then
    echo "Could not install ${missing[*]} with apt-get. Install them by hand, then run this again." >&2
    echo "(libharfbuzz-subset0 makes PDFs 4x faster; fonts-noto-cjk renders Chinese in PDFs.)" >&2
    exit 1
  fi
fi

if [[ ! -x .venv/bin/python ]]; then
  "$PYTHON" -m venv .venv || { echo "Could not create .venv: install python3-venv." >&2; exit 1; }
fi
stamp=.venv/.installed-$(sha256sum pyproject.toml | cut -c1-16)
if [[ ! -f $stamp ]]; then
  .venv/bin/pip install --quiet --upgrade pip
  .venv/bin/pip install --quiet -e ".[dev]"
  rm -f .venv/.installed-* && touch "$stamp"
fi
