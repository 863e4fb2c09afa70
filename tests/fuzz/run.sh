#!/usr/bin/env bash
# Builds the libFuzzer targets with clang, replays the committed corpus (every file must pass),
# then fuzzes each target. New interesting inputs go to a scratch folder, not into the
# repository: to grow the committed corpus, run with KERVAN_FUZZ_MERGE=1 and commit what
# tests/fuzz/corpus gains.
#   tests/fuzz/run.sh             CI: a fixed seed and a fixed number of inputs per target, so
#                                 a commit passes or fails the same way on every run
#   tests/fuzz/run.sh SECONDS     explore: a random seed for SECONDS per target
#                                 (or KERVAN_FUZZ_SECONDS=N)
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
seconds="${1:-${KERVAN_FUZZ_SECONDS:-}}"
# Inputs per target in CI: about 40-60 s each on a 2-core machine (sync import is the slowest).
declare -A ci_runs=([sync_import]=20000 [csv]=100000 [vcard]=150000)
build="${KERVAN_FUZZ_BUILD_DIR:-$root/build/fuzz}"
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
findings="$build/findings"  # crash-*/timeout-* inputs are kept here to replay: fuzz_<target> FILE

if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DKERVAN_FUZZ=ON -DKERVAN_BUILD_TESTS=OFF >/dev/null
fi
targets=(sync_import csv vcard)
cmake --build "$build" -j"$(nproc)" --target "${targets[@]/#/fuzz_}"
mkdir -p "$findings"

for t in "${targets[@]}"; do
  corpus="$root/tests/fuzz/corpus/$t"
  dict="$root/tests/fuzz/$t.dict"
  options=(-max_len=65536 -rss_limit_mb=2048 -timeout=20 -print_final_stats=1 -artifact_prefix="$findings/$t-")
  [ -f "$dict" ] && options+=(-dict="$dict")
  echo "fuzz $t: replaying $(ls "$corpus" | wc -l) corpus files"
  "$build/tests/fuzz/fuzz_$t" "${options[@]}" -runs=0 "$corpus" 2>"$scratch/$t.replay.log" \
    || { cat "$scratch/$t.replay.log"; echo "fuzz $t: a corpus file fails (input kept in $findings)"; exit 1; }
  if [ -n "$seconds" ]; then
    echo "fuzz $t: ${seconds} s, random seed"
    bound=(-max_total_time="$seconds")
  else
    echo "fuzz $t: ${ci_runs[$t]} inputs, seed 1"
    bound=(-seed=1 -runs="${ci_runs[$t]}" -max_total_time=600)
  fi
  mkdir -p "$scratch/$t"
  (cd "$scratch" && "$build/tests/fuzz/fuzz_$t" "${options[@]}" "${bound[@]}" "$scratch/$t" "$corpus") \
    >"$scratch/$t.log" 2>&1 || { tail -60 "$scratch/$t.log"; echo "fuzz $t: finding kept in $findings"; exit 1; }
  grep -E "^stat::number_of_executed_units|^stat::new_units_added" "$scratch/$t.log" | tr '\n' ' '; echo
  if [ "${KERVAN_FUZZ_MERGE:-0}" = 1 ]; then
    "$build/tests/fuzz/fuzz_$t" "${options[@]}" -merge=1 "$corpus" "$scratch/$t" >/dev/null 2>&1
  fi
done
