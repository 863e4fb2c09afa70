// Helpers shared by the sync suites: devices with their own clocks, export and import.
#pragma once
#include <string>

#include "core/sync_entities.hpp"
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

// The stamp of each field a version 2 record carries (null: never written).
inline Json field_stamps_of(const Json& record) {
  Json out = Json::object();
  Json common = record.contains("stamp") ? record["stamp"] : Json(nullptr);
  for (const auto& [name, value] : record["values"].items()) {
    out[name] = record.contains("stamps") && record["stamps"].contains(name) ? record["stamps"][name] : common;
  }
  return out;
}

// A version 2 document written out as version 1 (every field as {value, stamp}), as an older
// build exported it.
inline Json as_version1(const Json& doc) {
  Json out = doc;
  out["version"] = 1;
  for (auto& r : out["records"]) {
    const SyncEntity* e = find_sync_entity(r["entity"].get<std::string>());
    REQUIRE(e != nullptr);
    Json stamps = field_stamps_of(r), fields = Json::object();
    for (const auto& f : e->fields) {
      bool carried = r["values"].contains(f.name);
      fields[f.name] = {{"value", carried ? r["values"][f.name] : empty_sync_value(f.kind)},
                        {"stamp", carried ? stamps[f.name] : Json(nullptr)}};
    }
    r = Json{{"entity", r["entity"]}, {"id", r["id"]}, {"fields", fields}};
  }
  return out;
}

}  // namespace kervan::testing
