#include <doctest/doctest.h>

#include <cstdio>
#include <filesystem>

#include "core/core.hpp"
#include "core/database.hpp"
#include "core/schema.hpp"
#include "test_support.hpp"

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
    Statement st(db, "SELECT stamp FROM field_stamps WHERE record_id = ?1 AND field = 'name'");
    st.bind(1, first_id);
    REQUIRE(st.step());
    auto stamp = HlcStamp::parse(st.column_text(0));
    REQUIRE(stamp);
    CHECK(stamp->counter == 2);
  }
  std::filesystem::remove(path);
}
