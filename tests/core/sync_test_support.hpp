// Helpers shared by the sync suites: devices with their own clocks, export and import.
#pragma once
#include <string>

#include "test_support.hpp"

namespace kervan::testing {

// One device: a core with its own hand-moved clock.
struct Device {
  ManualClock clock;
  std::unique_ptr<Core> core;

  explicit Device(int64_t offset_ms = 0) {
    clock.advance_ms(offset_ms);
    core = memory_core(clock);
  }
  Json call(std::string_view name, const Json& args = Json::object()) {
    Json reply = core->call(name, args);
    INFO(name << " " << args.dump() << " -> " << reply.dump());
    REQUIRE_FALSE(reply.contains("error"));
    return reply;
  }
  // The document of sync.export with these arguments.
  Json export_doc(const Json& args = Json::object()) { return call("sync.export", args)["document"]; }
  // The report of importing `doc` (which must be accepted).
  Json import_doc(const Json& doc) { return call("sync.import", {{"document", doc}}); }
  std::string digest() { return call("sync.digest")["digest"]; }
  Json state() { return call("sync.digest", {{"detail", true}})["state"]; }
};

}  // namespace kervan::testing
