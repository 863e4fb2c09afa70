#include <doctest/doctest.h>

#include <filesystem>

#include "core/record_types.hpp"
#include "sync_test_support.hpp"
#include "test_support.hpp"

using namespace kervan;
using namespace kervan::testing;

namespace {
std::string create_lead(Core& core, Json fields) {
  Json lead = core.call("lead.create", fields);
  REQUIRE_MESSAGE(error_code(lead) == "", lead.dump());
  return lead["id"];
}
int64_t count(Core& core, const char* command, Json args = Json::object()) {
  return core.call(command, args)["total"].get<int64_t>();
}
}  // namespace

TEST_CASE("lead fields of the booth: website, interest, consent with its time, tags, source from the list") {
  ManualClock clock;
  auto core = memory_core(clock);
  Json lead = core->call("lead.create", {{"name", "Ayşe Kaya"},
                                         {"website", "aysekaya.com.tr"},
                                         {"interest", "CNC tezgâhı fiyat teklifi"},
                                         {"consent", true},
                                         {"tags", {"fuar", "Fuar", " sıcak ", ""}},
                                         {"source", "Fuar"}});
  REQUIRE(error_code(lead) == "");
  CHECK(lead["consent"] == true);
  CHECK(lead["consent_at"] == "2026-11-26T09:00:00.000Z");
  CHECK(lead["tags"] == Json::array({"fuar", "sıcak"}));  // trimmed, empty and repeated (folded) dropped
  CHECK(lead["source"] == "trade_show");                  // a label in either language becomes the key
  CHECK(error_field(core->call("lead.create", {{"name", "X"}, {"source", "carrier pigeon"}})) == "source");
  CHECK(error_field(core->call("lead.create", {{"name", "X"}, {"consent", "yes"}})) == "consent");
  CHECK(error_field(core->call("lead.create", {{"name", "X"}, {"tags", "a,b"}})) == "tags");
  Json off = core->call("lead.update", {{"id", lead["id"]}, {"consent", false}});
  CHECK(off["consent_at"] == "");
}

TEST_CASE("invalid e-mails and phones are stored as typed but flagged") {
  auto core = memory_core();
  Json lead = core->call("lead.create", {{"name", "Kart Okunmadı"}, {"email", "ali@@firma"}, {"phone", "12"}});
  REQUIRE(error_code(lead) == "");
  CHECK(lead["email"] == "ali@@firma");
  REQUIRE(lead["warnings"].size() == 2);
  CHECK(lead["warnings"][0]["code"] == "invalid_email");
  CHECK(lead["warnings"][1]["code"] == "invalid_phone");
  Json good = core->call("lead.create", {{"name", "Doğru"}, {"email", "dogru@firma.com.tr"}, {"phone", "0532 123 45 67"}});
  CHECK(good["warnings"].empty());
}

TEST_CASE("statuses: qualify, disqualify with a reason, reopen; wrong moves are refused") {
  auto core = memory_core();
  std::string id = create_lead(*core, {{"name", "Deniz"}});
  Json no_reason = core->call("lead.disqualify", {{"id", id}});
  CHECK(error_field(no_reason) == "reason");
  Json bad_reason = core->call("lead.disqualify", {{"id", id}, {"reason", "bored"}});
  CHECK(error_code(bad_reason) == "invalid_value");
  Json unq = core->call("lead.disqualify", {{"id", id}, {"reason", "Bütçesi yok"}, {"note", "Gelecek yıl"}});
  CHECK(unq["status"] == "unqualified");
  CHECK(unq["disqualify_reason"] == "no_budget");
  CHECK(unq["notes"] == "Gelecek yıl");
  CHECK(error_code(core->call("lead.convert", {{"id", id}})) == "invalid_transition");
  Json reopened = core->call("lead.reopen", {{"id", id}});
  CHECK(reopened["status"] == "working");
  CHECK(reopened["disqualify_reason"] == "");
  CHECK(error_code(core->call("lead.reopen", {{"id", id}})) == "invalid_transition");
  CHECK(core->call("lead.qualify", {{"id", id}})["status"] == "qualified");
  CHECK(error_code(core->call("lead.qualify", {{"id", "missing"}})) == "not_found");
}

TEST_CASE("list filters: status, source, event, owner, tag, created range") {
  ManualClock clock;
  auto core = memory_core(clock);
  create_lead(*core, {{"name", "A"}, {"source", "trade_show"}, {"event", "WIN Eurasia 2026"}, {"owner", "Selin"},
                      {"tags", {"Sıcak"}}});
  clock.advance_ms(86400000);  // next day
  create_lead(*core, {{"name", "B"}, {"source", "web_form"}, {"owner", "Mert"}});
  clock.advance_ms(86400000);
  std::string c = create_lead(*core, {{"name", "C"}, {"source", "trade_show"}, {"event", "WIN Eurasia 2026"}});
  core->call("lead.qualify", {{"id", c}});
  CHECK(count(*core, "lead.list", {{"source", "trade_show"}}) == 2);
  CHECK(count(*core, "lead.list", {{"source", "Fuar"}}) == 2);
  CHECK(count(*core, "lead.list", {{"event", "WIN Eurasia 2026"}, {"status", "qualified"}}) == 1);
  CHECK(count(*core, "lead.list", {{"owner", "Mert"}}) == 1);
  CHECK(count(*core, "lead.list", {{"tag", "sicak"}}) == 1);
  CHECK(count(*core, "lead.list", {{"created_from", "2026-11-27"}}) == 2);
  CHECK(count(*core, "lead.list", {{"created_to", "2026-11-27"}}) == 2);
  CHECK(count(*core, "lead.list", {{"created_from", "2026-11-27"}, {"created_to", "2026-11-27"}}) == 1);
  CHECK(error_field(core->call("lead.list", {{"created_from", "27.11.2026"}})) == "created_from");
}

TEST_CASE("editable lists are seeded in both languages and can grow, be renamed and archived") {
  auto core = memory_core();
  Json sources = core->call("list.get", {{"list", "lead_source"}});
  REQUIRE(sources["items"].size() == 6);
  CHECK(sources["items"][1]["key"] == "trade_show");
  CHECK(sources["items"][1]["label_tr"] == "Fuar");
  Json reasons = core->call("list.get", {{"list", "disqualify_reason"}});
  CHECK(reasons["items"].size() == 6);
  Json added = core->call("list.add", {{"list", "lead_source"}, {"label_tr", "LinkedIn mesajı"}, {"label_en", "LinkedIn message"}});
  CHECK(added["key"] == "linkedin_message");
  CHECK(error_code(core->call("list.add", {{"list", "lead_source"}, {"label_tr", "fuar"}})) == "duplicate");
  CHECK(create_lead(*core, {{"name", "L"}, {"source", "LinkedIn mesajı"}}).size() == 36);
  core->call("list.update", {{"list", "lead_source"}, {"key", "linkedin_message"}, {"archived", true}});
  CHECK(core->call("list.get", {{"list", "lead_source"}})["items"].size() == 6);
  CHECK(core->call("list.get", {{"list", "lead_source"}, {"include_archived", true}})["items"].size() == 7);
  CHECK(error_field(core->call("list.get", {{"list", "colours"}})) == "list");
}

TEST_CASE("conversion: only a qualified lead, one transaction, links both ways, read-only afterwards") {
  auto core = memory_core();
  std::string id = create_lead(*core, {{"name", "Şükrü Işık"},
                                       {"company", "Işık Makine San. ve Tic. A.Ş."},
                                       {"title", "Genel Müdür"},
                                       {"email", "sukru@isikmakine.com.tr"},
                                       {"phone", "0532 123 45 67"},
                                       {"city", "Bursa"},
                                       {"interest", "Yedek parça"},
                                       {"tags", {"fuar"}}});
  Json refused = core->call("lead.convert", {{"id", id}});
  CHECK(error_code(refused) == "invalid_transition");
  CHECK(count(*core, "contact.list") == 0);

  core->call("lead.qualify", {{"id", id}});
  Json result = core->call("lead.convert", {{"id", id}});
  REQUIRE_MESSAGE(error_code(result) == "", result.dump());
  Json lead = result["lead"], contact = result["contact"], company = result["company"];
  CHECK(lead["status"] == "converted");
  CHECK(contact["name"] == "Şükrü Işık");
  CHECK(contact["emails"] == Json::array({"sukru@isikmakine.com.tr"}));
  CHECK(contact["phones"] == Json::array({"0532 123 45 67"}));
  CHECK(contact["title"] == "Genel Müdür");
  CHECK(contact["notes"] == "Yedek parça");
  CHECK(company["name"] == "Işık Makine San. ve Tic. A.Ş.");
  CHECK(company["city"] == "Bursa");
  CHECK(lead["contact_id"] == contact["id"]);
  CHECK(lead["company_id"] == company["id"]);
  CHECK(contact["company_id"] == company["id"]);
  CHECK(contact["source_lead_id"] == id);

  Json shown_contact = core->call("contact.get", {{"id", contact["id"]}});
  CHECK(shown_contact["company_name"] == "Işık Makine San. ve Tic. A.Ş.");
  CHECK(shown_contact["leads"][0]["id"] == id);
  Json shown_company = core->call("company.get", {{"id", company["id"]}});
  CHECK(shown_company["contacts"][0]["id"] == contact["id"]);
  CHECK(shown_company["leads"][0]["id"] == id);

  CHECK(error_code(core->call("lead.convert", {{"id", id}})) == "already_converted");
  CHECK(error_code(core->call("lead.update", {{"id", id}, {"name", "X"}})) == "read_only");
  CHECK(error_code(core->call("lead.delete", {{"id", id}})) == "read_only");
  CHECK(count(*core, "contact.list") == 1);
  CHECK(count(*core, "company.list") == 1);
}

TEST_CASE("conversion never creates a contact or company twice: matches must be linked") {
  auto core = memory_core();
  std::string first = create_lead(*core, {{"name", "Gülşen Ünal"}, {"company", "Akın Tekstil Tic. Ltd. Şti."},
                                          {"email", "gulsen.unal@akintekstil.net.tr"}, {"phone", "0509 960 30 82"}});
  core->call("lead.qualify", {{"id", first}});
  Json converted = core->call("lead.convert", {{"id", first}});
  REQUIRE(error_code(converted) == "");
  std::string contact_id = converted["contact"]["id"], company_id = converted["company"]["id"];

  // The same person at the next fair, typed differently, with a new title and city.
  std::string second = create_lead(*core, {{"name", "GÜLŞEN ÜNAL"}, {"company", "Akın Tekstil"},
                                           {"email", "gulsen.unal@akintekstil.net.tr"}, {"phone", "+90 509 960 3082"},
                                           {"title", "Satınalma Uzmanı"}, {"city", "Konya"}});
  core->call("lead.qualify", {{"id", second}});
  Json preview = core->call("lead.convert_preview", {{"id", second}});
  REQUIRE(preview["candidates"]["contacts"].size() >= 1);
  CHECK(preview["candidates"]["contacts"][0]["id"] == contact_id);
  REQUIRE(preview["candidates"]["companies"].size() >= 1);
  CHECK(preview["candidates"]["companies"][0]["id"] == company_id);

  Json refused = core->call("lead.convert", {{"id", second}});
  CHECK(error_code(refused) == "possible_duplicate");
  CHECK(count(*core, "contact.list") == 1);

  Json linked = core->call("lead.convert", {{"id", second},
                                            {"contact", {{"mode", "link"}, {"id", contact_id}}},
                                            {"company", {{"mode", "link"}, {"id", company_id}}}});
  REQUIRE_MESSAGE(error_code(linked) == "", linked.dump());
  CHECK(linked["contact"]["title"] == "Satınalma Uzmanı");       // empty field filled
  CHECK(linked["contact"]["emails"].size() == 1);                 // same e-mail not added twice
  CHECK(linked["contact"]["phones"].size() == 1);                 // same phone in another format
  CHECK(linked["company"]["city"] == "Konya");
  CHECK(linked["company"]["name"] == "Akın Tekstil Tic. Ltd. Şti.");  // name kept, same company key: no conflict
  CHECK(count(*core, "contact.list") == 1);
  CHECK(count(*core, "company.list") == 1);
  Json contact = core->call("contact.get", {{"id", contact_id}});
  CHECK(contact["leads"].size() == 2);
}

TEST_CASE("linking reports conflicting values side by side and keeps the existing ones") {
  auto core = memory_core();
  Json company = core->call("company.create", {{"name", "Öz Kalıp"}, {"city", "İzmir"}});
  Json contact = core->call("contact.create", {{"name", "Mert Can"}, {"title", "Müdür"}, {"company_id", company["id"]}});
  std::string id = create_lead(*core, {{"name", "Mert Can"}, {"title", "Satış Müdürü"}, {"company", "Öz Kalıp"}, {"city", "Manisa"}});
  core->call("lead.qualify", {{"id", id}});
  Json result = core->call("lead.convert", {{"id", id},
                                            {"contact", {{"mode", "link"}, {"id", contact["id"]}}},
                                            {"company", {{"mode", "link"}, {"id", company["id"]}}}});
  REQUIRE(error_code(result) == "");
  CHECK(result["contact"]["title"] == "Müdür");
  CHECK(result["company"]["city"] == "İzmir");
  REQUIRE(result["conflicts"].size() == 2);
  CHECK(result["conflicts"][0]["field"] == "city");
  CHECK(result["conflicts"][0]["existing"] == "İzmir");
  CHECK(result["conflicts"][0]["lead"] == "Manisa");
  CHECK(result["conflicts"][1]["field"] == "title");
}

TEST_CASE("a failed conversion leaves nothing half-created") {
  auto core = memory_core();
  std::string id = create_lead(*core, {{"name", "Yarım Kalmasın"}, {"company", "Tam Firma"}});
  core->call("lead.qualify", {{"id", id}});
  Json bad = core->call("lead.convert", {{"id", id}, {"contact", {{"mode", "link"}, {"id", "no-such-contact"}}}});
  CHECK(error_code(bad) == "not_found");
  CHECK(error_field(bad) == "contact");
  CHECK(count(*core, "company.list") == 0);  // the company created before the failure was rolled back
  CHECK(core->call("lead.get", {{"id", id}})["status"] == "qualified");
  Json none = core->call("lead.convert", {{"id", id}, {"company", {{"mode", "none"}}}});
  REQUIRE(error_code(none) == "");
  CHECK(none["company"].is_null());
  CHECK(none["contact"]["company_id"] == "");
}

TEST_CASE("lead.merge keeps the fuller value of each field, joins notes, deletes the other") {
  auto core = memory_core();
  std::string a = create_lead(*core, {{"name", "Can Öz"}, {"company", "Öz Ltd"}, {"notes", "Fuarda tanıştık"}, {"tags", {"fuar"}}});
  std::string b = create_lead(*core, {{"name", "Can Özdemir"}, {"phone", "0533 111 22 33"}, {"notes", "Katalog istedi"},
                                      {"tags", {"katalog"}}});
  core->call("lead.qualify", {{"id", b}});
  Json merged = core->call("lead.merge", {{"into", a}, {"from", b}});
  REQUIRE_MESSAGE(error_code(merged) == "", merged.dump());
  Json lead = merged["lead"];
  CHECK(lead["name"] == "Can Özdemir");
  CHECK(lead["phone"] == "0533 111 22 33");
  CHECK(lead["notes"] == "Fuarda tanıştık\nKatalog istedi");
  CHECK(lead["tags"] == Json::array({"fuar", "katalog"}));
  CHECK(lead["status"] == "qualified");
  CHECK(error_code(core->call("lead.get", {{"id", b}})) == "not_found");
  CHECK(error_code(core->call("lead.merge", {{"into", a}, {"from", a}})) == "invalid_value");
}

TEST_CASE("lead.enrich attaches a visitor's new details to the lead we have, never overwriting") {
  auto core = memory_core();
  std::string id = create_lead(*core, {{"name", "Elif Şahin"}, {"company", "Şahin Gıda"}, {"interest", "Ambalaj"}});
  Json result = core->call("lead.enrich", {{"id", id},
                                           {"fields", {{"name", "Elif Sahin"}, {"phone", "0544 222 33 44"},
                                                       {"interest", "Etiket makinesi"}, {"company", "Başka Firma"}}}});
  REQUIRE_MESSAGE(error_code(result) == "", result.dump());
  CHECK(result["lead"]["phone"] == "0544 222 33 44");
  CHECK(result["lead"]["interest"] == "Ambalaj; Etiket makinesi");
  CHECK(result["lead"]["name"] == "Elif Şahin");
  REQUIRE(result["conflicts"].size() == 1);
  CHECK(result["conflicts"][0]["field"] == "company");
}

TEST_CASE("companies: tax number checked, delete asks what happens to its contacts") {
  auto core = memory_core();
  CHECK(error_field(core->call("company.create", {{"name", "X"}, {"tax_number", "12345"}})) == "tax_number");
  CHECK(error_field(core->call("company.create", {{"name", ""}})) == "name");
  Json company = core->call("company.create", {{"name", "Anadolu Döküm A.Ş."}, {"tax_office", "Kadıköy"}, {"tax_number", "1234567890"}});
  REQUIRE(error_code(company) == "");
  Json contact = core->call("contact.create", {{"name", "Burak Ay"}, {"company_id", company["id"]}});
  CHECK(error_field(core->call("contact.create", {{"name", "Y"}, {"company_id", "nope"}})) == "company_id");
  Json refused = core->call("company.delete", {{"id", company["id"]}});
  CHECK(error_code(refused) == "has_contacts");
  CHECK(count(*core, "company.list") == 1);
  Json done = core->call("company.delete", {{"id", company["id"]}, {"contacts", "unlink"}});
  REQUIRE(error_code(done) == "");
  CHECK(core->call("contact.get", {{"id", contact["id"]}})["company_id"] == "");
  CHECK(count(*core, "company.list", {{"query", "dokum"}}) == 0);
  CHECK(count(*core, "contact.list", {{"query", "burak"}}) == 1);
}

TEST_CASE("duplicates while typing: among leads, contacts and companies, with score and reasons") {
  auto core = memory_core();
  create_lead(*core, {{"name", "Hakan Şahin"}, {"company", "Gökkuşağı Ambalaj San. ve Tic. A.Ş."},
                      {"email", "hakan.sahin@gokkusagiambalaj.com.tr"}, {"phone", "0505 908 30 16"}});
  core->call("company.create", {{"name", "Gökkuşağı Ambalaj Sanayi ve Ticaret Anonim Şirketi"}});
  Json found = core->call("lead.duplicates", {{"record", {{"name", "HAKAN ŞAHİN"}, {"phone", "+90 505 908 3016"},
                                                          {"company", "Gökkuşağı Ambalaj"}}}});
  REQUIRE_MESSAGE(error_code(found) == "", found.dump());
  REQUIRE(found["candidates"].size() == 2);
  bool lead_seen = false, company_seen = false;
  for (const auto& c : found["candidates"]) {
    CHECK(c["score"].get<double>() >= found["threshold"].get<double>());
    CHECK(!c["reasons"].empty());
    lead_seen = lead_seen || c["entity"] == "lead";
    company_seen = company_seen || c["entity"] == "company";
  }
  CHECK(lead_seen);
  CHECK(company_seen);
  Json none = core->call("lead.duplicates", {{"record", {{"name", "Zeynep Ak"}, {"company", "Başka İş"}}}});
  CHECK(none["candidates"].empty());
  CHECK(error_field(core->call("lead.duplicates", Json::object())) == "id");
}

TEST_CASE("lead.facets lists the events, owners and tags in use") {
  auto core = memory_core();
  create_lead(*core, {{"name", "A"}, {"event", "Fuar B"}, {"owner", "Selin"}, {"tags", {"sıcak"}}});
  create_lead(*core, {{"name", "B"}, {"event", "Fuar A"}, {"tags", {"Sıcak", "bayi"}}});
  create_lead(*core, {{"name", "C"}, {"event", "Fuar B"}});
  Json facets = core->call("lead.facets", Json::object());
  CHECK(facets["events"] == Json::parse(R"([{"value":"Fuar A","count":1},{"value":"Fuar B","count":2}])"));
  CHECK(facets["owners"] == Json::parse(R"([{"value":"Selin","count":1}])"));
  REQUIRE(facets["tags"].size() == 2);
  CHECK(facets["tags"][0]["value"] == "bayi");
  CHECK(facets["tags"][1]["count"] == 2);  // "sıcak" and "Sıcak" are one tag
}

TEST_CASE("conversion can open a deal linked to the new contact, company and the lead") {
  auto core = memory_core();
  std::string id = create_lead(*core, {{"name", "Nur Aksoy"}, {"company", "Aksoy Makina"}, {"owner", "Selin"}});
  core->call("lead.qualify", {{"id", id}});
  Json bad = core->call("lead.convert", {{"id", id}, {"deal", {{"amount", -5}}}});
  CHECK(error_field(bad) == "deal.amount");
  CHECK(core->call("contact.list", Json::object())["total"] == 0);  // nothing half-created
  Json result = core->call("lead.convert", {{"id", id}, {"deal", {{"amount", 2500000}, {"currency", "TRY"},
                                                                   {"expected_close", "2027-01-31"}}}});
  REQUIRE_MESSAGE(error_code(result) == "", result.dump());
  Json deal = result["deal"];
  CHECK(deal["name"] == "Aksoy Makina");
  CHECK(deal["amount"] == 2500000);
  CHECK(deal["company_id"] == result["company"]["id"]);
  CHECK(deal["contact_id"] == result["contact"]["id"]);
  CHECK(deal["source_lead_id"] == id);
  CHECK(deal["owner"] == "Selin");
  CHECK(deal["status"] == "open");
}

TEST_CASE("the duplicate key index kept on every write equals one rebuilt from the records") {
  auto path = (std::filesystem::temp_directory_path() / "kervan-test-dedupe-rebuild.db").string();
  std::filesystem::remove(path);
  Json kept;
  {
    ManualClock clock;
    Device other(-60 * 1000);
    other.call("lead.create", {{"name", "Uzak Ümit"}, {"email", "umit@uzak.com.tr"}, {"company", "Uzak Lojistik A.Ş."}});
    Core core(path, CoreOptions{clock.source()});
    auto call = [&](const char* name, const Json& args) {
      Json reply = core.call(name, args);
      REQUIRE_MESSAGE(error_code(reply) == "", name << " " << reply.dump());
      clock.advance_ms(1000);
      return reply;
    };
    std::string a = call("lead.create", {{"name", "Şule Yıldız"}, {"company", "Yıldız Kimya San. A.Ş."},
                                         {"email", "sule@yildizkimya.com.tr"}, {"phone", "0532 444 55 66"}})["id"];
    std::string b = call("lead.create", {{"name", "Şule Yıldız"}, {"phone", "+90 532 444 5566"}})["id"];
    call("lead.update", {{"id", a}, {"notes", "Numune istedi"}});          // keys unchanged
    call("lead.update", {{"id", a}, {"email", "s.yildiz@yildizkimya.com.tr"}});  // one key replaced
    call("lead.update", {{"id", b}, {"phone", ""}});                       // a key dropped
    call("lead.merge", {{"into", a}, {"from", b}});
    std::string c = call("lead.create", {{"name", "İlker Işık"}, {"company", "Işık Döküm Ltd. Şti."}})["id"];
    call("lead.qualify", {{"id", c}});
    Json converted = call("lead.convert", {{"id", c}});
    std::string company = converted["company"]["id"];
    call("company.update", {{"id", company}, {"name", "Işık Döküm Sanayi A.Ş."}});
    call("contact.update", {{"id", converted["contact"]["id"]}, {"emails", {"ilker@isikdokum.com.tr"}}});
    std::string gone = call("company.create", {{"name", "Silinecek Ticaret"}, {"phone", "0212 555 00 00"}})["id"];
    call("company.delete", {{"id", gone}});
    call("lead.delete", {{"id", call("lead.create", {{"name", "Geçici Kayıt"}, {"email", "g@x.com"}})["id"]}});
    call("sync.import", {{"document", other.export_doc()}});
    kept = call("sync.digest", {{"detail", true}})["state"];
    REQUIRE(kept.contains("dedupe_keys"));
    CHECK(kept["dedupe_keys"].size() > 10);
  }
  {
    Database db(path);
    Transaction tx(db);
    rebuild_dedupe_keys(db);
    tx.commit();
  }
  Core core(path, CoreOptions{ManualClock{}.source()});
  Json rebuilt = core.call("sync.digest", {{"detail", true}})["state"];
  CHECK(rebuilt["dedupe_keys"] == kept["dedupe_keys"]);
  Json found = core.call("lead.duplicates", {{"record", {{"name", "Sule Yildiz"}, {"phone", "0532 444 55 66"}}}});
  CHECK(found["candidates"].size() == 1);
  std::filesystem::remove(path);
}
