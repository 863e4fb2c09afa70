#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "core/change_log.hpp"
#include "core/core.hpp"
#include "core/database.hpp"
#include "core/schema.hpp"
#include "sync_test_support.hpp"

using namespace kervan;

namespace {
std::string temp_db(const char* name) {
  auto path = std::filesystem::temp_directory_path() / (std::string("kervan-test-") + name + ".db");
  std::filesystem::remove(path);
  return path.string();
}
}  // namespace

TEST_CASE("a new database is migrated to the current schema version") {
  Database db(":memory:");
  CHECK(schema_version(db) == 0);
  migrate(db);
  CHECK(schema_version(db) == current_schema_version());
  migrate(db);  // idempotent
  CHECK(schema_version(db) == current_schema_version());
  Statement fk(db, "PRAGMA foreign_keys");
  fk.step();
  CHECK(fk.column_int(0) == 1);
}

TEST_CASE("a database from a newer Kervan is refused, not touched") {
  std::string path = temp_db("newer");
  {
    Database db(path);
    db.exec("PRAGMA user_version = 999");
  }
  CHECK_THROWS_WITH_AS(Core{path}, doctest::Contains("newer than this Kervan"), std::runtime_error);
  Database db(path);
  CHECK(schema_version(db) == 999);
  std::filesystem::remove(path);
}

TEST_CASE("the device id is generated once and kept across openings") {
  std::string path = temp_db("device");
  std::string first;
  {
    Core core(path);
    first = core.device_id();
    CHECK(first.size() == 36);
  }
  {
    Core core(path);
    CHECK(core.device_id() == first);
    CHECK(core.call("app.info", {})["device_id"] == first);
  }
  std::filesystem::remove(path);
}

TEST_CASE("the clock survives a restart: stamps keep increasing") {
  std::string path = temp_db("clock");
  testing::ManualClock clock;
  std::string first_id;
  {
    Core core(path, CoreOptions{clock.source()});
    first_id = core.call("lead.create", {{"name", "A"}})["id"];
    core.call("lead.update", {{"id", first_id}, {"name", "B"}});
  }
  {
    Core core(path, CoreOptions{clock.source()});  // same wall time: the counter must continue
    core.call("lead.update", {{"id", first_id}, {"name", "C"}});
    Database db(path);
    auto stamp = HlcStamp::parse(ChangeLog(db).field_stamp("lead", first_id, "name"));
    REQUIRE(stamp);
    CHECK(stamp->counter == 2);
  }
  std::filesystem::remove(path);
}

namespace {

// What migration 7 (report summaries) creates, besides its triggers and views.
constexpr const char* kDropVersion7 = R"sql(
  DROP TABLE IF EXISTS deal_facts; DROP TABLE IF EXISTS deal_facts_refresh; DROP TABLE IF EXISTS open_stage_sums;
  DROP TABLE IF EXISTS open_stage_sums_change; DROP TABLE IF EXISTS lead_months; DROP TABLE IF EXISTS lead_owner_months;
  DROP TABLE IF EXISTS lead_event_months; DROP TABLE IF EXISTS lead_months_change; DROP TABLE IF EXISTS lead_won_months;
  DROP TABLE IF EXISTS lead_won_months_change; DROP TABLE IF EXISTS lead_share_change; DROP TABLE IF EXISTS closed_months;
  DROP TABLE IF EXISTS closed_months_change; DROP TABLE IF EXISTS open_months; DROP TABLE IF EXISTS open_months_change;
  DROP TABLE IF EXISTS undone_days; DROP TABLE IF EXISTS undone_days_change; DROP TABLE IF EXISTS done_months;
  DROP TABLE IF EXISTS done_months_change; DROP INDEX IF EXISTS deals_for_forecast; DROP INDEX IF EXISTS deals_for_won;
)sql";

// Turns a current database back into the version-5 layout (field_stamps, one row per field),
// so migration 6 can be run on real data (after migrations 8 and 7 are undone): this table,
// filled by unpack_record_stamps, then kBackToVersion5.
constexpr const char* kFieldStampsVersion5 = R"sql(
  CREATE TABLE field_stamps (
    entity    TEXT NOT NULL,
    record_id TEXT NOT NULL,
    field     TEXT NOT NULL,
    stamp     TEXT NOT NULL,
    PRIMARY KEY (entity, record_id, field)
  ) WITHOUT ROWID;
)sql";

// One field_stamps row per field of each packed group [wall, counter, device no, field no...]
// of record_stamps (migration 6's layout). In C++: SQLite is built without JSON functions.
void unpack_record_stamps(Database& db) {
  Statement st(db, "SELECT r.entity, uuid_text(r.record), r.stamps FROM record_stamps r");
  Statement device(db, "SELECT device_id FROM stamp_devices WHERE no = ?1");
  Statement field(db, "SELECT field FROM stamp_fields WHERE no = ?1");
  Statement insert(db, "INSERT INTO field_stamps VALUES(?1, ?2, ?3, printf('%015d:%05d:', ?4, ?5) || ?6)");
  while (st.step()) {
    for (const auto& group : Json::parse(st.column_text(2))) {
      device.reset();
      REQUIRE(device.bind(1, group[2].get<int64_t>()).step());
      for (size_t i = 3; i < group.size(); ++i) {
        field.reset();
        REQUIRE(field.bind(1, group[i].get<int64_t>()).step());
        insert.reset();
        insert.bind(1, st.column_text(0)).bind(2, st.column_text(1)).bind(3, field.column_text(0));
        insert.bind(4, group[0].get<int64_t>()).bind(5, group[1].get<int64_t>()).bind(6, device.column_text(0)).run();
      }
    }
  }
}

constexpr const char* kBackToVersion5 = R"sql(
  DROP TABLE record_stamps;
  CREATE TABLE dedupe_keys_text (
    key       TEXT NOT NULL,
    entity    TEXT NOT NULL,
    record_id TEXT NOT NULL,
    PRIMARY KEY (key, entity, record_id)
  ) WITHOUT ROWID;
  DROP TABLE dedupe_keys;
  ALTER TABLE dedupe_keys_text RENAME TO dedupe_keys;
  CREATE INDEX dedupe_keys_by_record ON dedupe_keys(entity, record_id);
  CREATE INDEX leads_by_source ON leads(source);
  CREATE INDEX leads_by_owner ON leads(owner);
  CREATE INDEX activity_links_by_record ON activity_links(entity, record_id);
  DROP TABLE stamp_fields;
  DROP TABLE stamp_devices;
  PRAGMA user_version = 5;
)sql";

}  // namespace

TEST_CASE("migration 6 packs the field stamps of a version-5 database, keeping every stamp") {
  std::string path = temp_db("stamps-v5");
  testing::ManualClock clock;
  Json full, since, state;
  std::string mid;
  size_t stamp_count = 0;
  {
    testing::Device other(-3600 * 1000);  // a second device, an hour behind
    std::string shared = other.call("lead.create", {{"name", "Uzak Kişi"}, {"city", "İzmir"}})["id"];
    Core core(path, CoreOptions{clock.source()});
    auto call = [&](const char* name, const Json& args) {
      Json reply = core.call(name, args);
      REQUIRE(testing::error_code(reply) == "");
      clock.advance_ms(1000);
      return reply;
    };
    std::string lead = call("lead.create", {{"name", "Şükrü Işık"}, {"company", "Anadolu A.Ş."}})["id"];
    call("lead.update", {{"id", lead}, {"city", "Konya"}});
    call("lead.delete", {{"id", call("lead.create", {{"name", "Gone"}})["id"]}});
    call("sync.import", {{"document", other.export_doc()}});
    mid = call("sync.export", Json::object())["clock"];
    call("lead.update", {{"id", shared}, {"phone", "+90 532 000 00 00"}});  // two devices' stamps
    std::string company = call("company.create", {{"name", "Ege Gıda Ltd. Şti."}})["id"];
    call("deal.create", {{"name", "Ambalaj projesi"}, {"company_id", company}, {"amount", 150000}});
    full = call("sync.export", Json::object())["document"];
    since = call("sync.export", {{"since", mid}})["document"];
    state = call("sync.digest", {{"detail", true}})["state"];
    stamp_count = state["field_stamps"].size();
  }
  {
    Database db(path);
    testing::undo_search_migration(db);
    std::vector<std::pair<std::string, std::string>> objects;
    Statement list(db, "SELECT type, name FROM sqlite_schema WHERE type IN ('trigger', 'view')");
    while (list.step()) objects.emplace_back(list.column_text(0), list.column_text(1));
    for (const auto& [type, name] : objects) db.exec("DROP " + type + " " + name);
    db.exec(kDropVersion7);
    db.exec(kFieldStampsVersion5);
    unpack_record_stamps(db);
    db.exec(kBackToVersion5);
    Statement st(db, "SELECT count(*) FROM field_stamps");
    st.step();
    REQUIRE(st.column_int(0) == static_cast<int64_t>(stamp_count));
  }
  Core core(path, CoreOptions{clock.source()});
  {
    Database db(path);
    CHECK(schema_version(db) == current_schema_version());
    Statement st(db, "SELECT count(*) FROM sqlite_schema WHERE name = 'field_stamps'");
    st.step();
    CHECK(st.column_int(0) == 0);
    Statement pages(db, "SELECT freelist_count * 4 <= page_count FROM pragma_freelist_count, pragma_page_count");
    pages.step();
    CHECK(pages.column_int(0) == 1);  // the old table's pages were given back
  }
  CHECK(core.call("sync.digest", {{"detail", true}})["state"] == state);
  {
    // The upgrade VACUUMed (rowids may move) after building the search indexes: they still agree.
    Database db(path);
    for (std::string index : {"leads_search", "contacts_search", "companies_search", "deals_search"}) {
      CHECK_NOTHROW(db.exec("INSERT INTO " + index + "(" + index + ", rank) VALUES('integrity-check', 1)"));
    }
  }
  Json found = core.call("lead.list", {{"query", "şükrü"}});
  REQUIRE(found["items"].size() == 1);
  CHECK(found["items"][0]["name"] == "Şükrü Işık");
  Json full_after = core.call("sync.export", Json::object())["document"];
  Json since_after = core.call("sync.export", {{"since", mid}})["document"];
  CHECK(full_after["records"] == full["records"]);
  CHECK(full_after["tombstones"] == full["tombstones"]);
  CHECK(since_after["records"] == since["records"]);
  CHECK(since_after["tombstones"] == since["tombstones"]);
  CHECK(since["records"].size() < full["records"].size());
  std::filesystem::remove(path);
}

TEST_CASE("uuid_blob keeps a lowercase UUID in 16 bytes and uuid_text gives it back; other text stays") {
  Database db(":memory:");
  Statement st(db, "SELECT typeof(uuid_blob(?1)), length(uuid_blob(?1)), uuid_text(uuid_blob(?1))");
  for (std::string id : {new_uuid(), derived_uuid("list_value/lead_source/other"), std::string("00000000-0000-4000-8000-000000000101")}) {
    st.bind(1, id);
    REQUIRE(st.step());
    CHECK(st.column_text(0) == "blob");
    CHECK(st.column_int(1) == 16);
    CHECK(st.column_text(2) == id);
    st.reset();
  }
  for (std::string other : {"A0000000-0000-4000-8000-000000000101", "not-a-uuid", ""}) {
    st.bind(1, other);
    REQUIRE(st.step());
    CHECK(st.column_text(0) == "text");
    CHECK(st.column_text(2) == other);
    st.reset();
  }
}

TEST_CASE("migration 10 replaces the duplicate key texts of a version-9 database by hashes rebuilt from the records") {
  std::string path = temp_db("dedupe-v9");
  Json state;
  {
    Core core(path, CoreOptions{testing::ManualClock{}.source()});
    REQUIRE(testing::error_code(core.call("lead.create", {{"name", "Gökhan Çelik"}, {"company", "Çelik Yapı A.Ş."},
                                                           {"phone", "0542 333 22 11"}})) == "");
    REQUIRE(testing::error_code(core.call("company.create", {{"name", "Çelik Yapı Anonim Şirketi"}})) == "");
    state = core.call("sync.digest", {{"detail", true}})["state"];
  }
  {
    // The version-9 layout, holding keys of an older rule that must not survive the upgrade.
    Database db(path);
    testing::undo_dedupe_hashes_migration(db);
    db.exec("INSERT INTO dedupe_keys VALUES ('n:eski kural', 'lead', x'00112233445566778899aabbccddeeff');"
            "CREATE INDEX dedupe_keys_by_record ON dedupe_keys(entity, record); PRAGMA user_version = 9");
  }
  Core core(path, CoreOptions{testing::ManualClock{}.source()});
  {
    Database db(path);
    CHECK(schema_version(db) == current_schema_version());
    Statement st(db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('dedupe_keys', 'dedupe_keys_by_record')");
    st.step();
    CHECK(st.column_int(0) == 0);
  }
  CHECK(core.call("sync.digest", {{"detail", true}})["state"] == state);
  Json found = core.call("lead.duplicates", {{"record", {{"name", "GÖKHAN ÇELİK"}, {"phone", "+90 542 333 2211"}}}});
  REQUIRE(found["candidates"].size() == 1);
  CHECK(found["candidates"][0]["entity"] == "lead");
  std::filesystem::remove(path);
}
