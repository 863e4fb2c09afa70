#include <doctest/doctest.h>
#include <sqlite3.h>

#include "core/schema.hpp"
#include "test_support.hpp"

using namespace kervan;
using namespace kervan::testing;

TEST_CASE("unknown commands and non-object arguments are refused with a named field") {
  auto core = memory_core();
  Json reply = core->call("lead.nonsense", Json::object());
  CHECK(error_code(reply) == "unknown_command");
  CHECK(error_field(reply) == "command");
  CHECK(error_code(core->call("lead.create", Json::array())) == "invalid_args");
  CHECK(error_code(core->call("lead.create", 42)) == "invalid_args");
}

TEST_CASE("call_text refuses malformed JSON, invalid UTF-8 and oversized requests") {
  auto core = memory_core();
  CHECK(error_code(core->call_text("lead.create", "{\"name\": ")) == "invalid_json");
  CHECK(error_code(core->call_text("lead.create", "{\"name\": \"\xC3\x28\"}")) == "invalid_utf8");
  std::string huge = "{\"name\": \"" + std::string(kMaxRequestBytes, 'a') + "\"}";
  CHECK(error_code(core->call_text("lead.create", huge)) == "too_large");
  CHECK(core->call("app.info", {})["counts"]["leads"] == 0);
  CHECK_FALSE(core->last_call_wrote());
}

TEST_CASE("request lines: a bad line gets an error and the next one is still served") {
  auto core = memory_core();
  CHECK(error_code(core->call_request_line("not json")) == "invalid_json");
  CHECK(error_code(core->call_request_line("[1,2]")) == "invalid_request");
  CHECK(error_code(core->call_request_line("{\"args\": {}}")) == "invalid_request");
  Json ok = core->call_request_line(R"({"command": "lead.create", "args": {"name": "Ayşe"}, "request_id": 7})");
  CHECK(error_code(ok) == "");
  CHECK(ok["request_id"] == 7);
  CHECK(ok["id"].is_string());
  CHECK(ok["name"] == "Ayşe");
}

TEST_CASE("write commands move the data version; reads and failures do not") {
  auto core = memory_core();
  uint64_t v0 = core->data_version();
  core->call("lead.list", {});
  CHECK(core->data_version() == v0);
  core->call("lead.create", {{"name", ""}});
  CHECK(core->data_version() == v0);
  CHECK_FALSE(core->last_call_wrote());
  core->call("lead.create", {{"name", "Ali"}});
  CHECK(core->data_version() == v0 + 1);
  CHECK(core->last_call_wrote());
}

TEST_CASE("app.info and app.commands describe the build") {
  auto core = memory_core();
  Json info = core->call("app.info", {});
  CHECK(info["app"] == "Kervan");
  CHECK(info["version"] == kVersion);
  CHECK(info["schema_version"] == 11);
  CHECK(info["schema_version"] == current_schema_version());
  CHECK(info["sqlite_version"] == "3.46.1");
  Json commands = core->call("app.commands", {})["commands"];
  bool has_list = false;
  for (const auto& c : commands) has_list = has_list || c["name"] == "lead.list";
  CHECK(has_list);
  CHECK(error_code(core->call("app.info", {{"x", 1}})) == "unknown_field");
}

TEST_CASE("settings: language accepts tr and en only") {
  auto core = memory_core();
  CHECK(core->call("settings.get", {{"key", "language"}})["value"].is_null());
  CHECK(core->call("settings.set", {{"key", "language"}, {"value", "tr"}})["value"] == "tr");
  CHECK(core->call("settings.get", {{"key", "language"}})["value"] == "tr");
  Json bad = core->call("settings.set", {{"key", "language"}, {"value", "de"}});
  CHECK(error_code(bad) == "invalid_value");
  CHECK(error_field(bad) == "value");
  CHECK(error_code(core->call("settings.set", {{"key", "colour"}, {"value", "x"}})) == "invalid_value");
  CHECK(core->call("settings.get", {})["settings"]["language"] == "tr");
}

TEST_CASE("a read command runs in one read transaction, and never inside someone else's") {
  Database db(":memory:");
  db.exec("CREATE TABLE t (x INTEGER)");
  {
    ReadTransaction read(db);
    CHECK(sqlite3_get_autocommit(db.handle()) == 0);
  }
  CHECK(sqlite3_get_autocommit(db.handle()) != 0);
  {
    Transaction tx(db);
    db.exec("INSERT INTO t VALUES (1)");
    {
      ReadTransaction read(db);  // joins the open transaction: must neither commit nor end it
    }
    CHECK(sqlite3_get_autocommit(db.handle()) == 0);
  }  // rolled back: the read did not commit the insert on the way
  Statement count(db, "SELECT count(*) FROM t");
  REQUIRE(count.step());
  CHECK(count.column_int(0) == 0);

  // Through the core: reads, failed reads and writes all leave no transaction open behind them.
  auto core = memory_core();
  CHECK(error_code(core->call("report.pipeline", {})).empty());
  CHECK(error_code(core->call("report.forecast", {{"months", 99}})) == "out_of_range");
  CHECK(error_code(core->call("lead.create", {{"name", "Ali"}})).empty());
  CHECK(core->call("lead.list", {})["total"] == 1);
}

TEST_CASE("a statement taken again from the reuse pool behaves like a fresh one") {
  Database db(":memory:");
  db.exec("CREATE TABLE t(a TEXT); INSERT INTO t VALUES ('x'), ('y')");
  const char* sql = "SELECT * FROM t WHERE a = ?1";
  {
    Statement st(db, sql);
    st.bind(1, std::string_view("x"));
    REQUIRE(st.step());  // left in the middle of its rows, bound
  }
  {
    Statement st(db, sql);  // the same text: the kept statement, reset with no bindings left
    CHECK_FALSE(st.step());  // ?1 is NULL again, so nothing matches
  }
  // The table changes shape while the statement is kept: SQLite prepares it again.
  db.exec("ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'new'");
  {
    Statement st(db, sql);
    st.bind(1, std::string_view("y"));
    REQUIRE(st.step());
    CHECK(st.column_text(0) == "y");
    CHECK(st.column_text(1) == "new");
  }
  // A kept statement holds no lock: the table can be dropped and VACUUM can run.
  CHECK_NOTHROW(db.exec("DROP TABLE t"));
  CHECK_NOTHROW(db.exec("VACUUM"));
  Statement gone(db, sql);  // kept, so it fails when run, as a fresh one fails when prepared
  CHECK_THROWS_AS(gone.step(), DatabaseError);
  // Two live statements of one text are two statements.
  db.exec("CREATE TABLE u(n INTEGER); INSERT INTO u VALUES (1), (2)");
  Statement outer(db, "SELECT n FROM u ORDER BY n");
  REQUIRE(outer.step());
  Statement inner(db, "SELECT n FROM u ORDER BY n");
  REQUIRE(inner.step());
  REQUIRE(inner.step());
  CHECK(inner.column_int(0) == 2);
  CHECK(outer.column_int(0) == 1);
}
