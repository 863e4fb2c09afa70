#!/usr/bin/env bash
# Runs every Kervan test on a fresh Debian bookworm machine, installing what is missing:
# native core suites (doctest, CLI, page VFS) under AddressSanitizer and UBSan, the libFuzzer
# targets on a fixed seed, then the WebAssembly build, the browser end-to-end tests in
# headless Chromium and one small benchmark run.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
cd "$root"

./scripts/install-deps.sh
./scripts/fetch-sources.sh

echo "== native tests"
native="$root/build/native-test"
if [ ! -f "$native/CMakeCache.txt" ]; then
  # Debug: the instrumented build compiles fastest and the suites are small.
  cmake -S . -B "$native" -DCMAKE_BUILD_TYPE=Debug -DKERVAN_SANITIZE=ON >/dev/null
fi
cmake --build "$native" -j"$(nproc)"
(cd "$native" && ctest --output-on-failure)

echo "== fuzz targets (libFuzzer: corpus replay, then a fixed-seed run of each)"
./tests/fuzz/run.sh

echo "== wasm build"
KERVAN_SKIP_INSTALL=1 ./build-wasm.sh

echo "== browser tests"
node tests/e2e/run.mjs

# Not a timed test: the benchmark runs once at its smallest size so it keeps working; its
# figures are printed, never judged.
echo "== benchmark, once at 1k"
node bench/run.mjs --cli "$native/src/cli/kervan" --sizes 1k --runs 1 --work "$root/build/bench-small"
