#!/usr/bin/env bash
# Set up everything the build and the tests need; skip what is already done.
#   tools/bootstrap.sh            system packages, Python venv, npm packages
# System packages are installed with apt when run as root; otherwise the
# exact command to run is printed and the script stops.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=${VENV:-.venv}

say() { printf '==> %s\n' "$*"; }

# -- 1. System packages ---------------------------------------------------
missing=()
while read -r pkg; do
  [[ -z "$pkg" || "$pkg" == \#* ]] && continue
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done < tools/system-packages.txt
if ((${#missing[@]})); then
  cmd="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
  if [[ $(id -u) -eq 0 ]]; then
    say "installing system packages: ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "These system packages are missing: ${missing[*]}" >&2
    echo "Run as root, then run make again:" >&2
    echo "  sudo sh -c '$cmd'" >&2
    exit 1
  fi
fi

# -- 2. Python packages (pinned in requirements.lock) ------------------------
stamp="$VENV/.kb-installed"
if [[ ! -x "$VENV/bin/python" ]]; then
  say "creating $VENV"
  "$PYTHON" -m venv "$VENV"
fi
if [[ ! -f "$stamp" || requirements.lock -nt "$stamp" || pyproject.toml -nt "$stamp" ]]; then
  say "installing Python packages from requirements.lock"
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check -r requirements.lock
  "$VENV/bin/python" -m pip install -q --disable-pip-version-check --no-deps -e .
  touch "$stamp"
fi

# -- 3. npm packages (axe-core, DAISY Ace; pinned in package-lock.json) --------
if [[ -f package-lock.json ]]; then
  nstamp=node_modules/.kb-installed
  if [[ ! -f "$nstamp" || package-lock.json -nt "$nstamp" ]]; then
    say "installing npm packages from package-lock.json"
    ELECTRON_SKIP_BINARY_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1 npm ci --silent --no-audit --no-fund
    touch "$nstamp"
  fi
fi
