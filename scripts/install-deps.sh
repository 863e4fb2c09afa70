#!/usr/bin/env bash
# Installs what Kervan needs on a Debian bookworm machine: only what is missing.
# Debian packages through apt, playwright-core through npm (pinned in package-lock.json).
set -euo pipefail
cd "$(dirname "$0")/.."

need_pkgs=(cmake g++ make emscripten doctest-dev nlohmann-json3-dev chromium dpkg-dev tcl
           fonts-dejavu-core fonttools python3 clang libclang-rt-14-dev terser)
missing=()
for p in "${need_pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# Node.js may come from another Debian-compatible source; only install it when absent.
command -v node >/dev/null || missing+=(nodejs)
command -v npm >/dev/null || missing+=(npm)
if ((${#missing[@]})); then
  echo "install-deps: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if [ ! -d node_modules/playwright-core ]; then
  echo "install-deps: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
fi
