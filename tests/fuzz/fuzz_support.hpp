// Shared by the fuzz targets: what counts as a finding besides a crash or a sanitizer report.
#pragma once
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace kervan::fuzz {

// A broken promise of the code under test: print it and abort, so libFuzzer saves the input.
[[noreturn]] inline void fail(std::string_view what) {
  std::fprintf(stderr, "fuzz invariant broken: %.*s\n", static_cast<int>(what.size()), what.data());
  std::abort();
}

}  // namespace kervan::fuzz
