#!/usr/bin/env bash
# Run on a Debian 12 machine with package access (a developer's machine): downloads the .deb files whose headers and
# libraries the H100 machine lacks into .cache/gpu-debs, which the device tool carries along (`carry: [".cache/gpu-debs"]`).
# See ../shared/design/gpu-build.md for the recipe these files serve.
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
dest="$root/.cache/gpu-debs"
mkdir -p "$dest"
cd "$dest"
packages=(libsqlite3-dev libpcre2-dev libginac-dev libginac11 libcln-dev libcln6 libseccomp-dev libzip-dev libzip4
          libcxxopts-dev libboost1.74-dev libboost-filesystem1.74-dev libboost-filesystem1.74.0 libboost-system1.74-dev
          libboost-system1.74.0 libboost-atomic1.74-dev libboost-atomic1.74.0)
missing=()
for p in "${packages[@]}"; do ls "${p}"_*.deb >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then apt-get download "${missing[@]}"; fi
ls -la "$dest"
