// Helpers shared by the CSV and vCard test suites: test files as bytes and as the
// base64 text the import commands take.
#pragma once
#include <fstream>
#include <sstream>
#include <string>

#include "core/encoding.hpp"
#include "test_support.hpp"

namespace kervan::testing {

// The bytes of tests/data/exchange/<name> (or tests/data/<name> when name starts with "../").
inline std::string exchange_file(const std::string& name) {
  std::string path = std::string(KERVAN_TEST_DATA_DIR) + "/exchange/" + name;
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline std::string base64(const std::string& bytes) { return encoding::base64_encode(bytes); }

// Runs an import command on a file: {entity, data_base64, ...extra}.
inline Json call_with_file(Core& core, const std::string& command, const std::string& entity, const std::string& bytes,
                           Json extra = Json::object()) {
  extra["entity"] = entity;
  extra["data_base64"] = base64(bytes);
  return core.call(command, extra);
}

// How many records of a kind are stored (through its list command).
inline int64_t stored(Core& core, const std::string& entity) {
  Json list = core.call(entity + ".list", {{"limit", 1}});
  REQUIRE_MESSAGE(!list.contains("error"), list.dump());
  return list["total"].get<int64_t>();
}

}  // namespace kervan::testing
