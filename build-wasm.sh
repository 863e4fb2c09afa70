#!/usr/bin/env bash
# Builds Kervan's static site into dist/ (index.html, kervan.js, kervan.wasm, service worker,
# manifest, icons). It can be copied to any static host, under any sub-path.
#   ./build-wasm.sh          install what is missing, build dist/
#   ./build-wasm.sh serve    the same, then serve dist/ on http://127.0.0.1:8080
# KERVAN_SKIP_INSTALL=1 skips the package check (CI runs it once up front);
# KERVAN_WASM_BUILD_DIR and KERVAN_DIST_DIR move the build and the output (parallel builds).
set -euo pipefail
root="$(cd "$(dirname "$0")" && pwd)"
cd "$root"

[ "${KERVAN_SKIP_INSTALL:-0}" = 1 ] || ./scripts/install-deps.sh
./scripts/fetch-sources.sh

# Debian's emcc runs node scripts that need Debian's acorn module.
export NODE_PATH=/usr/share/nodejs
build="${KERVAN_WASM_BUILD_DIR:-$root/build/wasm}"
if [ ! -f "$build/CMakeCache.txt" ]; then
  emcmake cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DKERVAN_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" -j"$(nproc)"

dist="${KERVAN_DIST_DIR:-$root/dist}"
rm -rf "$dist"
mkdir -p "$dist"
cp "$build/src/platform/kervan.html" "$dist/index.html"
NODE_PATH=/usr/share/nodejs node web/minify-page.mjs "$dist/index.html"
cp "$build/src/platform/kervan.js" "$build/src/platform/kervan.wasm" "$dist/"
cp web/manifest.webmanifest web/icon.svg "$dist/"
python3 web/make-icons.py "$dist"
# The service worker's cache is named after the content it serves, so a new build replaces
# the old cache and an unchanged build keeps it.
build_id=$(cat "$dist/index.html" "$dist/kervan.js" "$dist/kervan.wasm" web/sw.js web/manifest.webmanifest \
  web/icon.svg web/make-icons.py \
  | sha256sum | cut -c1-16)
# Minified like kervan.js (terser, installed with emscripten's tools): its comments are for
# people reading web/sw.js, not for every visitor's download.
sed "s/__KERVAN_BUILD_ID__/$build_id/g" web/sw.js \
  | NODE_PATH=/usr/share/nodejs terser --compress --mangle -o "$dist/sw.js"
echo "build-wasm: dist/ ready (build $build_id, $(du -sh "$dist" | cut -f1))"

if [ "${1:-}" = serve ]; then
  echo "Kervan: http://127.0.0.1:8080/  (Ctrl+C stops)"
  exec python3 -m http.server 8080 --bind 127.0.0.1 --directory "$dist"
fi
