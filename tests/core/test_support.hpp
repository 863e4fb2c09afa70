// Helpers shared by the core test suites.
#pragma once
#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "core/core.hpp"

namespace kervan::testing {

// A wall clock the test moves by hand; starts at 2026-11-26T09:00:00Z.
struct ManualClock {
  std::shared_ptr<int64_t> now = std::make_shared<int64_t>(1795683600000LL);
  WallClock source() const {
    auto p = now;
    return [p] { return *p; };
  }
  void advance_ms(int64_t ms) const { *now += ms; }
};

inline std::unique_ptr<Core> memory_core(const ManualClock& clock = {}) {
  return std::make_unique<Core>(":memory:", CoreOptions{clock.source()});
}

// The error code of a reply, or "" when it succeeded.
inline std::string error_code(const Json& reply) {
  return reply.contains("error") ? reply["error"]["code"].get<std::string>() : std::string();
}
inline std::string error_field(const Json& reply) {
  return reply.contains("error") && reply["error"].contains("field") ? reply["error"]["field"].get<std::string>()
                                                                     : std::string();
}

}  // namespace kervan::testing
