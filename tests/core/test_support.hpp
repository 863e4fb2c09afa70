// Helpers shared by the core test suites.
#pragma once
#include <doctest/doctest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "core/core.hpp"
#include "core/database.hpp"

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

// Puts back the version-9 duplicate keys table (empty: migration 10 rebuilds from the records).
inline void undo_dedupe_hashes_migration(Database& db) {
  db.exec("DROP TABLE IF EXISTS dedupe_hashes; DROP TABLE IF EXISTS dedupe_record_keys; "
          "CREATE TABLE IF NOT EXISTS dedupe_keys (key TEXT NOT NULL, entity TEXT NOT NULL, record BLOB NOT NULL, "
          "PRIMARY KEY (key, entity, record)) WITHOUT ROWID;");
}

// Drops what migration 9 made (forecast snapshot lines as rows), and what came after it.
inline void undo_snapshot_lines_migration(Database& db) {
  undo_dedupe_hashes_migration(db);
  db.exec("DROP TRIGGER IF EXISTS forecast_snapshot_lines_insert; DROP TRIGGER IF EXISTS forecast_snapshot_lines_delete; "
          "DROP VIEW IF EXISTS forecast_snapshot_lines_in_json; DROP TABLE IF EXISTS forecast_snapshot_lines;");
}

// Drops what migration 8 made (search indexes, their triggers and the sort indexes), and what
// came after it, so a test can take a database back before it and open it again.
inline void undo_search_migration(Database& db) {
  undo_snapshot_lines_migration(db);
  for (std::string t : {"leads", "contacts", "companies", "deals"}) {
    db.exec("DROP TABLE IF EXISTS " + t + "_search_terms; DROP TABLE IF EXISTS " + t + "_search; DROP TRIGGER IF EXISTS " +
            t + "_search_insert; DROP TRIGGER IF EXISTS " + t + "_search_delete; DROP TRIGGER IF EXISTS " + t +
            "_search_update;");
  }
  for (const char* index : {"leads_by_name", "leads_by_company", "leads_by_city", "leads_by_event_sorted",
                            "leads_by_status_sorted", "contacts_by_name", "contacts_by_title", "contacts_by_owner",
                            "companies_by_name", "companies_by_city", "companies_by_owner"}) {
    db.exec(std::string("DROP INDEX IF EXISTS ") + index);
  }
}

}  // namespace kervan::testing
