#include <doctest/doctest.h>

#include <filesystem>
#include <map>
#include <set>

#include "core/change_log.hpp"
#include "core/database.hpp"
#include "test_support.hpp"

using namespace kervan;
using namespace kervan::testing;

namespace {
Json names_of(const Json& list) {
  Json out = Json::array();
  for (const auto& item : list["items"]) out.push_back(item["name"]);
  return out;
}
}  // namespace

TEST_CASE("lead.create stores text exactly as typed and answers the whole lead") {
  ManualClock clock;
  auto core = memory_core(clock);
  Json lead = core->call("lead.create", {{"name", "Şükrü Işık"},
                                         {"company", "Öztürk Gıda San. ve Tic. A.Ş."},
                                         {"email", "sukru@ozturkgida.com.tr"},
                                         {"phone", "0532 123 45 67"},
                                         {"city", "İzmir"},
                                         {"notes", "Fiyat istedi.\nİkinci satır"}});
  REQUIRE(error_code(lead) == "");
  CHECK(lead["id"].get<std::string>().size() == 36);
  CHECK(lead["name"] == "Şükrü Işık");
  CHECK(lead["company"] == "Öztürk Gıda San. ve Tic. A.Ş.");
  CHECK(lead["city"] == "İzmir");
  CHECK(lead["notes"] == "Fiyat istedi.\nİkinci satır");
  CHECK(lead["status"] == "new");
  CHECK(lead["created_at"] == "2026-11-26T09:00:00.000Z");
  CHECK(lead["updated_at"] == lead["created_at"]);
  CHECK(lead["title"] == "");
  Json again = core->call("lead.get", {{"id", lead["id"]}});
  CHECK(again == lead);
}

TEST_CASE("lead.create needs a name or a company and names the field") {
  auto core = memory_core();
  Json reply = core->call("lead.create", {{"name", "   "}, {"company", ""}});
  CHECK(error_code(reply) == "required");
  CHECK(error_field(reply) == "name");
  CHECK(error_code(core->call("lead.create", {{"company", "Arçelik"}})) == "");
  CHECK(core->call("app.info", {})["counts"]["leads"] == 1);
}

TEST_CASE("bad input is refused with the field named and nothing stored") {
  auto core = memory_core();
  struct Case {
    Json args;
    std::string code;
    std::string field;
  };
  std::vector<Case> cases = {
      {{{"name", 42}}, "wrong_type", "name"},
      {{{"name", "Ali"}, {"email", Json::array()}}, "wrong_type", "email"},
      {{{"name", std::string(1024 * 1024, 'x')}}, "too_long", "name"},
      {{{"name", "Ali"}, {"notes", std::string(20001, 'n')}}, "too_long", "notes"},
      {{{"name", "Ali"}, {"nmae", "typo"}}, "unknown_field", "nmae"},
      {{{"name", "Ali\x01"}}, "invalid_character", "name"},
      {{{"name", "Ali\nVeli"}}, "invalid_character", "name"},
      {{{"name", "Ali"}, {"id", "chosen"}}, "unknown_field", "id"},
  };
  for (const auto& c : cases) {
    CAPTURE(c.args.dump().substr(0, 80));
    Json reply = core->call("lead.create", c.args);
    CHECK(error_code(reply) == c.code);
    CHECK(error_field(reply) == c.field);
  }
  // Invalid UTF-8 inside a JSON value built natively (the browser bridge checks text first).
  Json raw = core->call_text("lead.create", std::string("{\"name\": \"A\xFF\"}"));
  CHECK(error_code(raw) == "invalid_utf8");
  CHECK(core->call("app.info", {})["counts"]["leads"] == 0);
}

TEST_CASE("fields are trimmed; 200 Turkish characters fit in a name") {
  auto core = memory_core();
  std::string long_name;
  for (int i = 0; i < 200; ++i) long_name += "ş";
  Json lead = core->call("lead.create", {{"name", "  " + long_name + "  "}});
  REQUIRE(error_code(lead) == "");
  CHECK(lead["name"] == long_name);
  CHECK(error_code(core->call("lead.create", {{"name", long_name + "ş"}})) == "too_long");
}

TEST_CASE("lead.update changes only what is given, stamps only what changed") {
  ManualClock clock;
  auto core = memory_core(clock);
  Json lead = core->call("lead.create", {{"name", "Ayşe Yılmaz"}, {"city", "Bursa"}});
  std::string id = lead["id"];
  clock.advance_ms(60'000);
  Json updated = core->call("lead.update", {{"id", id}, {"city", "İstanbul"}, {"name", "Ayşe Yılmaz"}});
  REQUIRE(error_code(updated) == "");
  CHECK(updated["city"] == "İstanbul");
  CHECK(updated["name"] == "Ayşe Yılmaz");
  CHECK(updated["updated_at"] == "2026-11-26T09:01:00.000Z");
  CHECK(updated["created_at"] == "2026-11-26T09:00:00.000Z");

  uint64_t version = core->data_version();
  Json same = core->call("lead.update", {{"id", id}, {"city", "İstanbul"}});
  CHECK(same["updated_at"] == "2026-11-26T09:01:00.000Z");
  CHECK(core->data_version() == version + 1);  // a write command ran, but stored nothing new

  Json cleared = core->call("lead.update", {{"id", id}, {"name", ""}});
  CHECK(error_code(cleared) == "required");
  CHECK(core->call("lead.get", {{"id", id}})["name"] == "Ayşe Yılmaz");
}

TEST_CASE("lead.update: status moves only between new and working here") {
  auto core = memory_core();
  std::string id = core->call("lead.create", {{"name", "Can"}})["id"];
  CHECK(core->call("lead.update", {{"id", id}, {"status", "working"}})["status"] == "working");
  Json bad = core->call("lead.update", {{"id", id}, {"status", "converted"}});
  CHECK(error_code(bad) == "invalid_transition");
  CHECK(error_field(bad) == "status");
}

TEST_CASE("unknown ids are refused naming the id") {
  auto core = memory_core();
  for (const char* command : {"lead.get", "lead.update", "lead.delete"}) {
    Json reply = core->call(command, {{"id", "no-such-id"}});
    CHECK(error_code(reply) == "not_found");
    CHECK(error_field(reply) == "id");
  }
  CHECK(error_code(core->call("lead.get", Json::object())) == "required");
}

TEST_CASE("lead.delete removes the lead and leaves a tombstone") {
  auto core = memory_core();
  std::string id = core->call("lead.create", {{"name", "Silinecek"}})["id"];
  Json reply = core->call("lead.delete", {{"id", id}});
  CHECK(reply["deleted"] == true);
  CHECK(error_code(core->call("lead.get", {{"id", id}})) == "not_found");
  Json info = core->call("app.info", {});
  CHECK(info["counts"]["leads"] == 0);
  CHECK(info["counts"]["tombstones"] == 1);
}

TEST_CASE("every field write records a hybrid logical clock stamp in one shared place") {
  auto path = (std::filesystem::temp_directory_path() / "kervan-test-stamps.db").string();
  std::filesystem::remove(path);
  ManualClock clock;
  {
    Core core(path, CoreOptions{clock.source()});
    std::string id = core.call("lead.create", {{"name", "Emre"}, {"city", "Ankara"}})["id"];
    clock.advance_ms(1000);
    core.call("lead.update", {{"id", id}, {"city", "Konya"}});
    core.call("lead.delete", {{"id", core.call("lead.create", {{"name", "Gone"}})["id"]}});

    Database db(path);
    auto stamps = ChangeLog(db).record_stamps("lead", id);
    CHECK(stamps.size() == 4);  // name, city, status, created_at
    auto name = HlcStamp::parse(stamps["name"]);
    auto city = HlcStamp::parse(stamps["city"]);
    REQUIRE(name);
    REQUIRE(city);
    CHECK(name->wall_ms == 1795683600000LL);
    CHECK(city->wall_ms == 1795683601000LL);
    CHECK(city->device == core.device_id());
    CHECK(*name < *city);

    Statement tomb(db, "SELECT count(*) FROM tombstones WHERE entity = 'lead'");
    tomb.step();
    CHECK(tomb.column_int(0) == 1);
    Statement orphan(db, "SELECT count(*) FROM record_stamps WHERE uuid_text(record) NOT IN (SELECT id FROM leads)");
    orphan.step();
    CHECK(orphan.column_int(0) == 0);
  }
  std::filesystem::remove(path);
}

TEST_CASE("lead.list: Turkish-aware search") {
  auto core = memory_core();
  core->call("lead.create", {{"name", "Şükrü Işık"}, {"company", "Işıklar Elektrik"}});
  core->call("lead.create", {{"name", "İsmail Çelik"}, {"city", "İstanbul"}});
  core->call("lead.create", {{"name", "Gül Öztürk"}, {"phone", "0532 123 45 67"}, {"email", "gul@ornek.com.tr"}});
  core->call("lead.create", {{"name", "John Smith"}, {"company", "Acme Inc."}});

  auto total = [&](const std::string& q) { return core->call("lead.list", {{"query", q}})["total"].get<int>(); };
  CHECK(total("sukru isik") == 1);
  CHECK(total("ISIK") == 1);
  CHECK(total("işık") == 1);
  CHECK(total("IŞIKLAR") == 1);
  CHECK(total("ismail") == 1);
  CHECK(total("ISMAIL") == 1);
  CHECK(total("İSMAİL ÇELİK") == 1);
  CHECK(total("celik istanbul") == 1);  // words may come from different fields
  CHECK(total("istanbul celik") == 1);  // in any order
  CHECK(total("gul ozturk") == 1);
  CHECK(total("05321234567") == 1);
  CHECK(total("532 123") == 1);
  CHECK(total("gul@ornek") == 1);
  CHECK(total("acme") == 1);
  CHECK(total("I") == 3);               // ı, İ, I and i all match: Işık, İsmail, Smith
  CHECK(total("nobody") == 0);
  CHECK(total("") == 4);
  CHECK(total("%") == 4);               // LIKE wildcards are not special
  CHECK(total("_") == 4);
}

TEST_CASE("lead.list: sort in Turkish order, status filter, paging") {
  ManualClock clock;
  auto core = memory_core(clock);
  for (const char* name : {"Zeynep", "Çağla", "Cem", "İpek", "Ilgaz", "Şule", "Sude", "Ömer", "Oya", "Ünal"}) {
    core->call("lead.create", {{"name", name}});
    clock.advance_ms(1000);
  }
  Json asc = core->call("lead.list", {{"sort", "name"}});
  CHECK(names_of(asc) == Json::array({"Cem", "Çağla", "Ilgaz", "İpek", "Oya", "Ömer", "Sude", "Şule", "Ünal", "Zeynep"}));
  Json desc = core->call("lead.list", {{"sort", "-name"}, {"limit", 2}});
  CHECK(names_of(desc) == Json::array({"Zeynep", "Ünal"}));
  CHECK(desc["total"] == 10);
  Json newest = core->call("lead.list", {{"limit", 3}, {"offset", 1}});
  CHECK(names_of(newest) == Json::array({"Oya", "Ömer", "Sude"}));
  CHECK(newest["total"] == 10);

  std::string id = asc["items"][0]["id"];
  core->call("lead.update", {{"id", id}, {"status", "working"}});
  Json working = core->call("lead.list", {{"status", "working"}});
  CHECK(names_of(working) == Json::array({"Cem"}));

  CHECK(error_field(core->call("lead.list", {{"sort", "salary"}})) == "sort");
  CHECK(error_field(core->call("lead.list", {{"status", "hot"}})) == "status");
  CHECK(error_field(core->call("lead.list", {{"limit", 0}})) == "limit");
  CHECK(error_field(core->call("lead.list", {{"limit", "ten"}})) == "limit");
  CHECK(error_field(core->call("lead.list", {{"offset", -1}})) == "offset");
}
