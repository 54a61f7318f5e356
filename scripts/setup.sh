#!/usr/bin/env bash
# Installs what is missing and builds rbench, incrementally:
#   1. Debian packages (only those not installed yet),
#   2. the project virtual environment .venv (torch wheel for LibTorch, Python test oracles), redone only
#      when scripts/requirements.txt changes,
#   3. CMake configure (once) and an incremental Ninja build into build/.
# Used by both quick-start commands (scripts/quickstart.sh and scripts/test.sh).
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

log() { echo "[setup] $*" >&2; }

apt_packages=(
  build-essential cmake ninja-build pkg-config git python3 python3-venv python3-pip
  libsentencepiece-dev sentencepiece libsqlite3-dev sqlite3 nlohmann-json3-dev
  libboost-dev libboost-filesystem-dev libcxxopts-dev libgtest-dev libgmock-dev libpcre2-dev
  libginac-dev libseccomp-dev libzip-dev libssl-dev zlib1g-dev
  chromium  # headless browser for the HTML report test (tests/e2e)
)
missing=()
for p in "${apt_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  log "installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [ "$(id -u)" -eq 0 ] || sudo_cmd=(sudo)
  "${sudo_cmd[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

req="$root/scripts/requirements.txt"
stamp="$root/.venv/.requirements.sha256"
want=$(sha256sum "$req" | cut -d' ' -f1)
if [ ! -x "$root/.venv/bin/python" ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
  log "preparing the virtual environment .venv (torch wheel + test oracles)"
  [ -x "$root/.venv/bin/python" ] || python3 -m venv "$root/.venv"
  "$root/.venv/bin/pip" install -q --disable-pip-version-check -r "$req"
  echo "$want" > "$stamp"
fi

build="$root/build"
if [ ! -f "$build/build.ninja" ]; then
  torch_prefix=$("$root/.venv/bin/python" -c 'import torch.utils; print(torch.utils.cmake_prefix_path)')
  log "configuring $build"
  cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$torch_prefix" \
    -DRBENCH_PYTHON="$root/.venv/bin/python" >"$root/.venv/configure.log" 2>&1 \
    || { cat "$root/.venv/configure.log" >&2; exit 1; }
fi
log "building (incremental)"
cmake --build "$build" -j "$(nproc)"
