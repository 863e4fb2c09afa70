// Regression tests for hostile and edge inputs found in review.
#include <doctest/doctest.h>

#include <filesystem>

#include "core/change_log.hpp"
#include "core/database.hpp"
#include "test_support.hpp"

using namespace kervan;
using namespace kervan::testing;

namespace {
std::string make_lead(Core& core, Json fields) {
  Json lead = core.call("lead.create", fields);
  REQUIRE_MESSAGE(error_code(lead) == "", lead.dump());
  return lead["id"];
}
}  // namespace

TEST_CASE("deeply nested JSON is refused before it is parsed") {
  auto core = memory_core();
  std::string deep = "{\"x\": " + std::string(200000, '[') + std::string(200000, ']') + "}";
  CHECK(error_code(core->call_text("app.info", deep)) == "too_deep");
  std::string line = "{\"command\": \"app.info\", \"request_id\": " + std::string(100000, '[') + std::string(100000, ']') + "}";
  CHECK(error_code(core->call_request_line(line)) == "too_deep");
  std::string fine = "{\"name\": \"[[[[\", \"tags\": [\"a\"]}";  // brackets inside strings do not count
  CHECK(error_code(core->call_text("lead.create", fine)) == "");
}

TEST_CASE("names that only look filled (Unicode spaces) are empty; direction overrides are refused") {
  auto core = memory_core();
  CHECK(error_code(core->call("lead.create", {{"name", "\u00a0\u200b"}})) == "required");
  CHECK(error_code(core->call("contact.create", {{"name", "\u3000"}})) == "required");
  CHECK(error_code(core->call("lead.create", {{"name", "Ali\u202eilA"}})) == "invalid_character");
  CHECK(error_code(core->call("lead.create", {{"name", "Ali\u0085"}})) == "invalid_character");
  Json trimmed = core->call("lead.create", {{"name", "\u00a0Ayşe\u3000"}});
  CHECK(trimmed["name"] == "Ayşe");
}

TEST_CASE("distinct list entries are kept: e-mails by address, tags by their punctuation") {
  auto core = memory_core();
  Json c = core->call("contact.create", {{"name", "T"}, {"emails", {"ali.veli@firma.com", "ali@veli.firma.com", "ALI.VELI@firma.com"}},
                                         {"tags", {"C++", "C#", "c++"}}, {"phones", {"0532 123 45 67", "+90 532 123 4567"}}});
  REQUIRE(error_code(c) == "");
  CHECK(c["emails"] == Json::array({"ali.veli@firma.com", "ali@veli.firma.com"}));
  CHECK(c["tags"] == Json::array({"C++", "C#"}));
  CHECK(c["phones"].size() == 1);
}

TEST_CASE("merges and conversions are held to the field limits") {
  auto core = memory_core();
  std::string big(15000, 'n');
  std::string a = make_lead(*core, {{"name", "A"}, {"notes", big}});
  std::string b = make_lead(*core, {{"name", "B"}, {"notes", big + "x"}});
  Json merged = core->call("lead.merge", {{"into", a}, {"from", b}});
  CHECK(error_code(merged) == "too_long");
  CHECK(error_field(merged) == "notes");
  CHECK(error_code(core->call("lead.get", {{"id", b}})) == "");  // nothing written
}

TEST_CASE("editable lists: no duplicate or letterless labels; archived values only in filters") {
  auto core = memory_core();
  Json dup = core->call("list.update", {{"list", "lead_source"}, {"key", "referral"}, {"label_tr", "Fuar"}});
  CHECK(error_code(dup) == "duplicate");
  Json blank = core->call("list.update", {{"list", "lead_source"}, {"key", "other"}, {"label_tr", "%%%"}});
  CHECK(error_code(blank) == "invalid_value");
  CHECK(error_field(core->call("lead.create", {{"name", "A"}, {"source", "!!!"}})) == "source");
  std::string id = make_lead(*core, {{"name", "Web"}, {"source", "web_form"}});
  core->call("list.update", {{"list", "lead_source"}, {"key", "web_form"}, {"archived", true}});
  CHECK(error_field(core->call("lead.create", {{"name", "B"}, {"source", "web_form"}})) == "source");
  CHECK(core->call("lead.list", {{"source", "web_form"}})["total"] == 1);
  CHECK(core->call("lead.get", {{"id", id}})["source"] == "web_form");  // old records keep their value
}

TEST_CASE("unlinking after a delete is stamped, so sync carries it") {
  auto path = (std::filesystem::temp_directory_path() / "kervan-test-unlink.db").string();
  std::filesystem::remove(path);
  ManualClock clock;
  {
    Core core(path, CoreOptions{clock.source()});
    std::string id = make_lead(core, {{"name", "Can"}, {"company", "Can Ltd"}});
    core.call("lead.qualify", {{"id", id}});
    Json converted = core.call("lead.convert", {{"id", id}});
    REQUIRE(error_code(converted) == "");
    clock.advance_ms(5000);
    REQUIRE(error_code(core.call("company.delete", {{"id", converted["company"]["id"]}, {"contacts", "unlink"}})) == "");
    Json lead = core.call("lead.get", {{"id", id}});
    CHECK(lead["company_id"] == "");
    CHECK(lead["updated_at"] == "2026-11-26T09:00:05.000Z");
    Database db(path);
    auto stamp = HlcStamp::parse(ChangeLog(db).field_stamp("lead", id, "company_id"));
    REQUIRE(stamp);
    CHECK(stamp->wall_ms == 1795683605000LL);
    CHECK(core.call("contact.get", {{"id", converted["contact"]["id"]}})["company_id"] == "");
  }
  std::filesystem::remove(path);
}

TEST_CASE("many look-alike leads do not hide the existing contact from conversion") {
  auto core = memory_core();
  Json contact = core->call("contact.create", {{"name", "Zeynep Kaya"}, {"emails", {"zeynep@kaya.com.tr"}}});
  std::string last;
  for (int i = 0; i < 40; ++i) last = make_lead(*core, {{"name", "Zeynep Kaya"}, {"email", "zeynep@kaya.com.tr"}});
  core->call("lead.qualify", {{"id", last}});
  CHECK(error_code(core->call("lead.convert", {{"id", last}})) == "possible_duplicate");
  Json preview = core->call("lead.convert_preview", {{"id", last}});
  REQUIRE(preview["candidates"]["contacts"].size() == 1);
  CHECK(preview["candidates"]["contacts"][0]["id"] == contact["id"]);
}

TEST_CASE("renaming a company re-indexes its contacts for duplicate detection") {
  auto core = memory_core();
  Json company = core->call("company.create", {{"name", "Eski Ltd"}});
  core->call("contact.create", {{"name", "Mehmet Yılmaz"}, {"company_id", company["id"]}});
  core->call("company.update", {{"id", company["id"]}, {"name", "Yeni Teknoloji"}});
  Json found = core->call("lead.duplicates", {{"record", {{"name", "Mehmet Yilmaz"}, {"company", "Yeni Teknoloji"}}}});
  bool contact_found = false;
  for (const auto& c : found["candidates"]) contact_found = contact_found || c["entity"] == "contact";
  CHECK(contact_found);
}

TEST_CASE("a source label equal to the stored key is not a change") {
  ManualClock clock;
  auto core = memory_core(clock);
  std::string id = make_lead(*core, {{"name", "S"}, {"source", "trade_show"}});
  clock.advance_ms(1000);
  Json same = core->call("lead.update", {{"id", id}, {"source", "Trade show"}});
  CHECK(same["updated_at"] == "2026-11-26T09:00:00.000Z");
}

TEST_CASE("conversion choices: an id alone links; odd modes and fields are refused by name") {
  auto core = memory_core();
  Json company = core->call("company.create", {{"name", "Bağlı Firma"}});
  std::string id = make_lead(*core, {{"name", "Ece"}, {"company", "Bambaşka"}});
  core->call("lead.qualify", {{"id", id}});
  CHECK(error_field(core->call("lead.convert", {{"id", id}, {"company", {{"mode", "new"}, {"id", company["id"]}}}})) == "company");
  CHECK(error_field(core->call("lead.convert", {{"id", id}, {"contact", {{"nmae", "x"}}}})) == "contact");
  Json linked = core->call("lead.convert", {{"id", id}, {"company", {{"id", company["id"]}}}});
  REQUIRE_MESSAGE(error_code(linked) == "", linked.dump());
  CHECK(linked["company"]["id"] == company["id"]);
  CHECK(error_field(core->call("lead.update", {{"id", id}, {"city", "x"}})) == "id");
  CHECK(error_field(core->call("company.delete", {{"id", company["id"]}, {"contacts", "bogus"}})) == "contacts");
}
