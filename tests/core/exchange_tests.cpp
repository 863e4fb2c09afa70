// CSV import and export through the commands, on real files with exact bytes
// (tests/data/exchange/) and on the trade-show list tests/data/fair-leads-tr.csv.
#include <doctest/doctest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <set>

#include "exchange_test_support.hpp"

using namespace kervan;
using namespace kervan::testing;

namespace {

Json preview(Core& core, const std::string& entity, const std::string& bytes) {
  return call_with_file(core, "import.csv.preview", entity, bytes);
}

Json import_csv(Core& core, const std::string& entity, const std::string& bytes, const Json& mapping,
                Json extra = Json::object()) {
  extra["mapping"] = mapping;
  return call_with_file(core, "import.csv", entity, bytes, std::move(extra));
}

// The guessed mapping of a file, then its import with that mapping.
Json import_guessed(Core& core, const std::string& entity, const std::string& bytes, Json extra = Json::object()) {
  Json seen = preview(core, entity, bytes);
  REQUIRE_MESSAGE(!seen.contains("error"), seen.dump());
  return import_csv(core, entity, bytes, seen["mapping"], std::move(extra));
}

Json find_skip(const Json& report, int64_t row) {
  for (const auto& s : report["skipped"]) {
    if (s["row"] == row) return s;
  }
  return nullptr;
}

Json lead_named(Core& core, const std::string& query) {
  Json list = core.call("lead.list", {{"query", query}});
  REQUIRE_MESSAGE(list["total"] == 1, query << ": " << list.dump());
  return list["items"][0];
}

}  // namespace

TEST_CASE("preview of the trade-show list: UTF-8 BOM, ';', Turkish headers mapped") {
  auto core = memory_core();
  std::string bytes = exchange_file("../fair-leads-tr.csv");
  Json p = preview(*core, "lead", bytes);
  REQUIRE_MESSAGE(!p.contains("error"), p.dump());
  CHECK(p["encoding"] == "utf-8-bom");
  CHECK(p["delimiter"] == ";");
  CHECK(p["row_count"] == 400);
  CHECK(p["header"][0] == "Ad Soyad");
  CHECK(p["mapping"] == Json{"name", "company", "title", "email", "phone", "city", "interest", "consent"});
  CHECK(p["columns"][0]["confidence"] == "exact");
  CHECK(p["rows"].size() == 20);
  CHECK(p["rows"][0]["row"] == 2);
  CHECK(p["rows"][0]["record"]["name"] == "Serkan Çelik");
  CHECK(p["rows"][0]["record"]["consent"] == false);  // "Hayır"
  CHECK(p["rows"][1]["record"]["consent"] == true);   // "Evet"
  CHECK(p["problems"].empty());
  CHECK(stored(*core, "lead") == 0);
}

TEST_CASE("importing the trade-show list catches the duplicates the list's truth file marks") {
  auto core = memory_core();
  std::string bytes = exchange_file("../fair-leads-tr.csv");
  Json report = import_guessed(*core, "lead", bytes, {{"defaults", {{"event", "İstanbul Fuarı 2026"}}}});
  REQUIRE_MESSAGE(!report.contains("error"), report.dump());
  Json truth = Json::parse(exchange_file("../fair-leads-truth.json"));
  std::set<int64_t> truly_duplicate;
  for (const auto& t : truth) {
    if (!t["dup_of_row"].is_null()) truly_duplicate.insert(t["row"].get<int64_t>());
  }
  std::set<int64_t> skipped_as_duplicate;
  for (const auto& s : report["skipped"]) {
    CHECK_MESSAGE(s["reason"] == "duplicate_in_file", s.dump());
    skipped_as_duplicate.insert(s["row"].get<int64_t>());
    CHECK(s["duplicate_of"]["row"].get<int64_t>() < s["row"].get<int64_t>());
  }
  std::size_t caught = 0;
  for (auto row : skipped_as_duplicate) caught += truly_duplicate.count(row);
  double precision = static_cast<double>(caught) / static_cast<double>(skipped_as_duplicate.size());
  double recall = static_cast<double>(caught) / static_cast<double>(truly_duplicate.size());
  MESSAGE("import of fair-leads-tr.csv: " << report["created"] << " created, " << skipped_as_duplicate.size()
                                          << " skipped as duplicates; precision " << precision << ", recall " << recall);
  CHECK(precision >= 0.95);
  CHECK(recall >= 0.8);
  CHECK(report["created"].get<std::size_t>() + skipped_as_duplicate.size() == 400);
  CHECK(stored(*core, "lead") == report["created"].get<int64_t>());
  CHECK(core->call("lead.list", {{"event", "İstanbul Fuarı 2026"}})["total"] == report["created"]);
  SUBCASE("the same file again creates nothing: every row is already stored") {
    Json again = import_guessed(*core, "lead", bytes);
    CHECK(again["created"] == 0);
    CHECK(again["skipped_count"] == 400);
    CHECK(again["skipped"][0]["reason"] == "duplicate");
    CHECK(stored(*core, "lead") == report["created"].get<int64_t>());
  }
}

TEST_CASE("a Windows-1254 CSV from an older Turkish Excel") {
  auto core = memory_core();
  std::string bytes = exchange_file("leads-windows1254.csv");
  Json p = preview(*core, "lead", bytes);
  REQUIRE_MESSAGE(!p.contains("error"), p.dump());
  CHECK(p["encoding"] == "windows-1254");
  CHECK(p["delimiter"] == ";");
  CHECK(p["header"] == Json{"Adı", "Soyadı", "Firma", "Ünvan", "E-posta", "Cep Telefonu", "Şehir", "Açıklama"});
  CHECK(p["mapping"] == Json{"first_name", "last_name", "company", "title", "email", "phone", "city", "notes"});
  CHECK(p["rows"][0]["record"]["name"] == "Şükrü Işık");
  CHECK(p["rows"][0]["record"]["notes"] == "“Acil” teklif istiyor – 5.000 € bütçe…");
  CHECK(p["rows"][1]["record"]["notes"] == "Fiyat; teslimat ve ödeme");
  Json report = import_csv(*core, "lead", bytes, p["mapping"]);
  REQUIRE_MESSAGE(!report.contains("error"), report.dump());
  CHECK(report["rows"] == 6);
  CHECK(report["created"] == 3);
  Json bad_email = find_skip(report, 4);
  CHECK(bad_email["reason"] == "invalid_email");
  CHECK(bad_email["field"] == "email");
  CHECK(bad_email["column"] == 5);
  CHECK(find_skip(report, 5)["reason"] == "empty_row");
  Json repeat = find_skip(report, 7);
  CHECK(repeat["reason"] == "duplicate_in_file");
  CHECK(repeat["duplicate_of"]["row"] == 2);
  Json ibrahim = lead_named(*core, "ibrahim agaoglu");
  CHECK(ibrahim["city"] == "Kırşehir");
  CHECK(ibrahim["notes"] == "Œ Š Ÿ ‰ ™ • — ‘tırnak’");
  CHECK(lead_named(*core, "ayse yilmaz")["phone"] == "+90 (533) 444 55 66");
  SUBCASE("invalid_emails keep stores the address as typed and warns") {
    auto fresh = memory_core();
    Json kept = import_csv(*fresh, "lead", bytes, p["mapping"], {{"invalid_emails", "keep"}});
    CHECK(kept["created"] == 4);
    bool warned = false;
    for (const auto& w : kept["warnings"]) warned = warned || (w["row"] == 4 && w["code"] == "invalid_email");
    CHECK(warned);
    CHECK(lead_named(*fresh, "caglar")["warnings"][0]["code"] == "invalid_email");
  }
}

TEST_CASE("contacts from a UTF-8 CSV with quoted line breaks: companies linked or created once") {
  auto core = memory_core();
  Json existing = core->call("company.create", {{"name", "Kaya Gıda Sanayi A.Ş."}});
  REQUIRE(error_code(existing) == "");
  std::string bytes = exchange_file("contacts-utf8-bom.csv");
  Json p = preview(*core, "contact", bytes);
  CHECK(p["encoding"] == "utf-8-bom");
  CHECK(p["delimiter"] == ",");
  CHECK(p["row_count"] == 3);
  CHECK(p["mapping"] == Json{"name", "company", "title", "emails", "phones", "notes"});
  Json report = import_csv(*core, "contact", bytes, p["mapping"]);
  REQUIRE_MESSAGE(!report.contains("error"), report.dump());
  CHECK(report["created"] == 3);
  CHECK(report["companies_created"] == 1);
  CHECK(stored(*core, "company") == 2);
  Json contacts = core->call("contact.list", {{"sort", "name"}})["items"];
  REQUIRE(contacts.size() == 3);
  CHECK(contacts[0]["name"] == "Elif Şahin");
  CHECK(contacts[0]["notes"] == "İlk satır\nİkinci satır");
  CHECK(contacts[1]["name"] == "Mehmet \"Memo\" Kaya");
  CHECK(contacts[1]["notes"] == "Adres:\nAtatürk Cd. No:5\nÇankaya");
  CHECK(contacts[1]["company_id"] == existing["id"]);
  CHECK(contacts[2]["company_id"] == existing["id"]);
  CHECK(contacts[2]["phones"].empty());
  Json deniz = core->call("company.get", {{"id", contacts[0]["company_id"]}});
  CHECK(deniz["name"] == "Deniz Lojistik, Taşımacılık A.Ş.");
}

TEST_CASE("tab-separated companies: tax numbers checked by the company command, district into the address") {
  auto core = memory_core();
  std::string bytes = exchange_file("companies.tsv");
  Json p = preview(*core, "company", bytes);
  CHECK(p["delimiter"] == "\t");
  CHECK(p["mapping"] == Json{"name", "tax_office", "tax_number", "phone", "address", "address", "city", "website"});
  Json report = import_csv(*core, "company", bytes, p["mapping"], {{"defaults", {{"owner", "Deniz"}, {"tags", {"fuar"}}}}});
  REQUIRE_MESSAGE(!report.contains("error"), report.dump());
  CHECK(report["created"] == 2);
  Json bad_tax = find_skip(report, 3);
  CHECK(bad_tax["reason"] == "invalid_value");
  CHECK(bad_tax["field"] == "tax_number");
  CHECK(bad_tax["column"] == 3);
  Json companies = core->call("company.list", {{"sort", "name"}})["items"];
  REQUIRE(companies.size() == 2);
  CHECK(companies[0]["address"] == "Söğütlüçeşme Cd. 10, Kadıköy");
  CHECK(companies[0]["owner"] == "Deniz");
  CHECK(companies[0]["tags"] == Json{"fuar"});
  CHECK(companies[1]["name"] == "Trakya Tarım");
  CHECK(companies[1]["city"] == "Edirne");
}

TEST_CASE("header guesses: Turkish and English, case and dotted/dotless i folded") {
  auto core = memory_core();
  auto mapping_of = [&](const std::string& entity, const std::string& header) {
    Json p = core->call("import.csv.preview", {{"entity", entity}, {"text", header + "\nx;y\n"}});
    REQUIRE_MESSAGE(!p.contains("error"), p.dump());
    return p["mapping"];
  };
  CHECK(mapping_of("lead", "İSİM;SOYİSİM;ŞİRKET;GÖREV;EPOSTA;GSM;İL;İLÇE;ADRES;NOTLAR;KAYNAK;FUAR;WEB") ==
        Json{"first_name", "last_name", "company", "title", "email", "phone", "city", "notes", "notes", "notes",
             "source", "event", "website"});
  CHECK(mapping_of("lead", "First Name;Last Name;Organization;Job Title;E-mail;Mobile;City;Notes;Source;Event;Website") ==
        Json{"first_name", "last_name", "company", "title", "email", "phone", "city", "notes", "source", "event",
             "website"});
  CHECK(mapping_of("lead", "Adı Soyadı;Firma Adı;Pozisyon;Mail;Tel;Kurum") ==
        Json{"name", "company", "title", "email", "phone", "notes"});
  // "Ticari Unvan" is the company's legal name; a bare "Unvan" is a job title.
  CHECK(mapping_of("lead", "Ticari Unvan;Unvan;Yetkili") == Json{"company", "title", "name"});
  CHECK(mapping_of("company", "Ticari Unvan;Vergi Dairesi;VKN;Yetkili") ==
        Json{"name", "tax_office", "tax_number", "notes"});
  // A second phone of a lead goes to notes instead of being lost; contacts keep both.
  CHECK(mapping_of("lead", "Ad Soyad;Telefon;Cep") == Json{"name", "phone", "notes"});
  CHECK(mapping_of("contact", "Ad Soyad;Telefon;Cep;Şehir") == Json{"name", "phones", "phones", "notes"});
  // Numbers and extra words: partial matches.
  CHECK(mapping_of("lead", "Ad Soyad;Cep Tel 2;İş E-posta Adresi") == Json{"name", "phone", "email"});
  CHECK(mapping_of("lead", "Ad Soyad;Ad;Soyad") == Json{"name", nullptr, nullptr});
  CHECK(mapping_of("lead", "Ad Soyad;Bilinmeyen;") == Json{"name", nullptr, nullptr});
  Json p = core->call("import.csv.preview",
                      {{"entity", "lead"}, {"text", "Kişi;Sütun\nAli;ali@x.com.tr\nVeli;veli@y.com\nCan;can@z.net\n"}});
  CHECK(p["mapping"] == Json{"name", "email"});
  CHECK(p["columns"][1]["confidence"] == "content");
}

TEST_CASE("rows refused by the record commands are skipped with their field; the rest are imported") {
  auto core = memory_core();
  std::string long_name(201, 'a');
  std::string csv = "Ad Soyad;Firma;Kaynak;E-posta\n" + long_name + ";X;;\nAli Veli;Y;Uzaydan gelen;ali@y.com\n" +
                    "Can Cansu;Z;;can@z.com;fazla\n;;;\n";
  Json report = core->call("import.csv", {{"entity", "lead"}, {"text", csv},
                                          {"mapping", {"name", "company", "source", "email"}}});
  REQUIRE_MESSAGE(!report.contains("error"), report.dump());
  CHECK(report["created"] == 2);
  Json too_long = find_skip(report, 2);
  CHECK(too_long["reason"] == "too_long");
  CHECK(too_long["field"] == "name");
  CHECK(too_long["column"] == 1);
  CHECK(find_skip(report, 5)["reason"] == "empty_row");
  std::set<std::string> warning_codes;
  for (const auto& w : report["warnings"]) warning_codes.insert(w["code"].get<std::string>());
  CHECK(warning_codes.count("unknown_source") == 1);  // kept without the source
  CHECK(warning_codes.count("extra_cells") == 1);
  CHECK(lead_named(*core, "ali veli")["source"] == "");
  bool ragged = false;
  for (const auto& problem : report["problems"]) ragged = ragged || problem["code"] == "ragged_row";
  CHECK(ragged);
}

TEST_CASE("defaults, duplicates attach and dry runs") {
  auto core = memory_core();
  Json ali = core->call("lead.create", {{"name", "Ali Veli"}, {"email", "ali@veli.com.tr"}});
  std::string csv = "Ad Soyad;E-posta;Telefon;Şehir\nALİ VELİ;ali@veli.com.tr;0532 111 22 33;Bursa\nCan Cansu;can@cansu.com;;\n";
  Json mapping = {"name", "email", "phone", "city"};
  SUBCASE("a dry run reports everything and keeps nothing") {
    Json dry = core->call("import.csv", {{"entity", "lead"}, {"text", csv}, {"mapping", mapping}, {"dry_run", true}});
    CHECK(dry["created"] == 1);
    CHECK(dry["dry_run"] == true);
    CHECK(find_skip(dry, 2)["duplicate_of"]["id"] == ali["id"]);
    CHECK(stored(*core, "lead") == 1);
  }
  SUBCASE("attach adds the row's details to the lead it duplicates, never overwriting") {
    Json report = core->call("import.csv", {{"entity", "lead"}, {"text", csv}, {"mapping", mapping},
                                            {"duplicates", "attach"},
                                            {"defaults", {{"source", "Fuar"}, {"event", "Bursa Fuarı"}, {"tags", {"2026"}}}}});
    REQUIRE_MESSAGE(!report.contains("error"), report.dump());
    CHECK(report["attached"] == 1);
    CHECK(report["created"] == 1);
    CHECK(report["attached_rows"][0]["id"] == ali["id"]);
    Json enriched = core->call("lead.get", {{"id", ali["id"]}});
    CHECK(enriched["name"] == "Ali Veli");
    CHECK(enriched["phone"] == "0532 111 22 33");
    CHECK(enriched["city"] == "Bursa");
    Json can = lead_named(*core, "can cansu");
    CHECK(can["event"] == "Bursa Fuarı");
    CHECK(can["tags"] == Json{"2026"});
    CHECK_FALSE(can["source"].get<std::string>().empty());
  }
  SUBCASE("import keeps the duplicate and warns") {
    Json report = core->call("import.csv", {{"entity", "lead"}, {"text", csv}, {"mapping", mapping}, {"duplicates", "import"}});
    CHECK(report["created"] == 2);
    CHECK(report["warnings"][0]["code"] == "possible_duplicate");
    CHECK(stored(*core, "lead") == 3);
  }
}

TEST_CASE("bad CSV input is refused naming the field or place, and nothing is written") {
  auto core = memory_core();
  std::string good = "Ad Soyad;Firma;E-posta\nAli Veli;X;ali@x.com\n";
  Json mapping = {"name", "company", "email"};
  auto refused = [&](const Json& args, const std::string& code, const std::string& field) {
    Json reply = core->call("import.csv", args);
    CHECK_MESSAGE(error_code(reply) == code, reply.dump());
    CHECK_MESSAGE(error_field(reply) == field, reply.dump());
    CHECK(stored(*core, "lead") == 0);
    return reply.contains("error") ? reply["error"]["message"].get<std::string>() : std::string();
  };
  refused({{"entity", "lead"}, {"text", ""}, {"mapping", mapping}}, "empty_file", "text");
  refused({{"entity", "lead"}, {"data_base64", base64("\xEF\xBB\xBF \r\n")}, {"mapping", mapping}}, "empty_file",
          "data_base64");
  std::string garbage;
  for (int i = 0; i < 512; ++i) garbage += static_cast<char>((i * 7919 + 13) % 256);
  refused({{"entity", "lead"}, {"data_base64", base64(garbage)}, {"mapping", mapping}}, "not_text", "data_base64");
  refused({{"entity", "lead"}, {"data_base64", "not base64!"}, {"mapping", mapping}}, "invalid_base64", "data_base64");
  refused({{"entity", "lead"}, {"text", good}, {"data_base64", base64(good)}, {"mapping", mapping}}, "required",
          "data_base64");
  refused({{"entity", "lead"}, {"mapping", mapping}}, "required", "data_base64");
  refused({{"entity", "deal"}, {"text", good}, {"mapping", mapping}}, "invalid_value", "entity");
  refused({{"text", good}, {"mapping", mapping}}, "required", "entity");
  std::string message = refused({{"entity", "lead"}, {"text", good}, {"mapping", {"name", "company", "mail"}}},
                                "unknown_field", "mapping[2]");
  CHECK(message.starts_with("column 3 (\"E-posta\"): a lead has no field \"mail\""));
  message = refused({{"entity", "lead"}, {"text", good}, {"mapping", {"name", "email", "email"}}}, "duplicate_mapping",
                    "mapping[2]");
  CHECK(message == "column 3 (\"E-posta\") and column 2 (\"Firma\") both map to email, which takes one column");
  refused({{"entity", "lead"}, {"text", good}, {"mapping", {"name", "company"}}}, "invalid_value", "mapping");
  refused({{"entity", "lead"}, {"text", good}}, "required", "mapping");
  refused({{"entity", "lead"}, {"text", good}, {"mapping", "name"}}, "wrong_type", "mapping");
  refused({{"entity", "lead"}, {"text", good}, {"mapping", {"name", 3, nullptr}}}, "wrong_type", "mapping[1]");
  refused({{"entity", "lead"}, {"text", good}, {"mapping", {"name", "first_name", nullptr}}}, "invalid_value", "mapping");
  refused({{"entity", "lead"}, {"text", good}, {"mapping", {nullptr, nullptr, "email"}}}, "required", "mapping");
  refused({{"entity", "contact"}, {"text", good}, {"mapping", {nullptr, "company", "emails"}}}, "required", "mapping");
  refused({{"entity", "lead"}, {"data_base64", base64(exchange_file("header-only.csv"))}, {"mapping", mapping}},
          "no_rows", "data_base64");
  refused({{"entity", "lead"}, {"text", "Ad;Not\nAli;\"açık kaldı\n"}, {"mapping", {"name", "notes"}}},
          "unclosed_quote", "text");
  refused({{"entity", "lead"}, {"text", good}, {"mapping", mapping}, {"duplicates", "merge"}}, "invalid_value",
          "duplicates");
  refused({{"entity", "lead"}, {"text", good}, {"mapping", mapping}, {"defaults", {{"source", "Uzay"}}}},
          "invalid_value", "defaults.source");
  refused({{"entity", "contact"}, {"text", good}, {"mapping", {"name", "company", "emails"}}, {"defaults", {{"event", "x"}}}},
          "unknown_field", "event");
  refused({{"entity", "lead"}, {"text", good}, {"mapping", mapping}, {"encoding", "ebcdic"}}, "invalid_value", "encoding");
  refused({{"entity", "lead"}, {"text", good}, {"mapping", mapping}, {"delimiter", "::"}}, "invalid_value", "delimiter");
  refused({{"entity", "lead"}, {"text", good}, {"mapping", mapping}, {"mapp", 1}}, "unknown_field", "mapp");
  // The preview reports a header-only file instead of refusing it: the mapping step still works.
  Json p = preview(*core, "lead", exchange_file("header-only.csv"));
  CHECK(p["row_count"] == 0);
  CHECK(p["problems"][0]["code"] == "no_rows");
  CHECK(error_field(preview(*core, "person", "a;b\n1;2\n")) == "entity");
  CHECK(error_field(core->call("import.csv.preview", {{"entity", "lead"}, {"text", good}, {"rows", 0}})) == "rows");
}

TEST_CASE("export.csv: every row of the filtered list, Excel-friendly and formula-safe") {
  auto core = memory_core();
  std::string csv = "Ad Soyad;Firma;Telefon;Etkinlik\n";
  for (int i = 0; i < 2010; ++i) {  // more than one page (1000) of export
    // One-word names and companies: look-alike rows would make every row a duplicate candidate of every other.
    csv += "Kişi" + std::to_string(i) + ";F" + std::to_string(i) + " Ambalaj;;" + (i % 2 ? "Fuar A" : "Fuar B") + "\n";
  }
  csv += "=HYPERLINK(\"http://x\");\"Noktalı; virgül\";+90 532 000 00 00;Fuar A\n";
  Json imported = core->call("import.csv", {{"entity", "lead"}, {"text", csv}, {"mapping", {"name", "company", "phone", "event"}},
                                            {"duplicates", "import"}});
  REQUIRE_MESSAGE(imported["created"] == 2011, imported.dump().substr(0, 500));
  Json out = core->call("export.csv", {{"command", "lead.list"}, {"args", {{"event", "Fuar A"}, {"sort", "name"}, {"limit", 5}}},
                                       {"columns", {{{"field", "name"}, {"title", "Ad Soyad"}},
                                                    {{"field", "company"}, {"title", "Firma"}},
                                                    {{"field", "phone"}, {"title", "Telefon"}},
                                                    {{"field", "consent"}, {"title", "KVKK"}}}},
                                       {"yes_no", {"Evet", "Hayır"}}});
  REQUIRE_MESSAGE(!out.contains("error"), out.dump());
  CHECK(out["rows"] == 1006);
  const std::string text = out["text"];
  CHECK(text.starts_with("\xEF\xBB\xBF" "Ad Soyad;Firma;Telefon;KVKK\r\n"));
  CHECK(text.find("\"'=HYPERLINK(\"\"http://x\"\")\";\"Noktalı; virgül\";'+90 532 000 00 00;Hayır\r\n") != std::string::npos);
  std::size_t lines = 0;
  for (std::size_t at = text.find("\r\n"); at != std::string::npos; at = text.find("\r\n", at + 2)) ++lines;
  CHECK(lines == 1007);
  CHECK(text.find('\n') == text.find("\r\n") + 1);  // no bare LF line ends
  CHECK(out["filename"].get<std::string>().starts_with("lead-list-2026-11-26"));
  SUBCASE("the exported file imports back") {
    auto other = memory_core();
    Json back = other->call("import.csv", {{"entity", "lead"}, {"text", text}, {"mapping", {"name", "company", "phone", "consent"}},
                                           {"duplicates", "import"}});
    CHECK(back["created"] == 1006);
    CHECK(back["encoding"] == "utf-8-bom");
  }
  SUBCASE("comma delimiter and default columns") {
    Json all = core->call("export.csv", {{"command", "lead.list"}, {"args", {{"query", "kişi1999"}}}, {"delimiter", ","}});
    CHECK(all["rows"] == 1);
    CHECK(all["text"].get<std::string>().find(",name,notes,") != std::string::npos);  // the items' keys
  }
  SUBCASE("only list reads are exported") {
    CHECK(error_field(core->call("export.csv", {{"command", "lead.create"}})) == "command");
    CHECK(error_field(core->call("export.csv", {{"command", "app.info"}})) == "command");
    CHECK(error_code(core->call("export.csv", {{"command", "nope.list"}})) == "unknown_command");
    CHECK(error_field(core->call("export.csv", {{"command", "lead.list"}, {"args", {{"status", "x"}}}})) == "status");
    CHECK(error_field(core->call("export.csv", {{"command", "lead.list"}, {"columns", {{{"title", "x"}}}}})) == "field");
    CHECK(error_field(core->call("export.csv", {{"command", "lead.list"}, {"yes_no", {"Evet"}}})) == "yes_no");
  }
}

TEST_CASE("export.csv: deal amounts as decimal numbers beside their currency") {
  auto core = memory_core();
  REQUIRE(!core->call("deal.create", {{"name", "Pres hattı"}, {"amount", 1250050}, {"currency", "TRY"}}).contains("error"));
  REQUIRE(!core->call("deal.create", {{"name", "Yedek parça"}, {"amount", 7}, {"currency", "EUR"}}).contains("error"));
  Json columns = {{{"field", "name"}, {"title", "Fırsat"}},
                  {{"field", "amount"}, {"title", "Tutar"}, {"format", "minor_units"}},
                  {{"field", "currency"}, {"title", "Para birimi"}}};
  Json out = core->call("export.csv", {{"command", "deal.list"}, {"args", {{"sort", "name"}}}, {"columns", columns},
                                       {"decimal_separator", ","}});
  REQUIRE_MESSAGE(!out.contains("error"), out.dump());
  // 1250050 kuruş = 12500,50 TRY; 7 cents = 0,07 EUR. The ; delimiter keeps the , of the number.
  CHECK(out["text"] == "\xEF\xBB\xBF" "Fırsat;Tutar;Para birimi\r\nPres hattı;12500,50;TRY\r\nYedek parça;0,07;EUR\r\n");
  Json dotted = core->call("export.csv", {{"command", "deal.list"}, {"args", {{"sort", "name"}}}, {"columns", columns},
                                          {"delimiter", ","}});
  CHECK(dotted["text"].get<std::string>().find("Pres hattı,12500.50,TRY\r\n") != std::string::npos);
  CHECK(error_field(core->call("export.csv", {{"command", "deal.list"}, {"decimal_separator", ";"}})) == "decimal_separator");
  CHECK(error_field(core->call("export.csv", {{"command", "deal.list"},
                                              {"columns", {{{"field", "amount"}, {"format", "money"}}}}})) ==
        "columns[0].format");
}

// Not run by default: kervan_core_tests -tc="bench: import*" --no-skip
TEST_CASE("bench: import of 10k CSV leads with duplicate checking" * doctest::skip()) {
  const std::vector<std::string> first = {"Ayşe", "Mehmet", "Fatma", "Mustafa", "Emine", "Ahmet", "Hatice", "Ali",
                                          "Zeynep", "Hüseyin", "Elif", "Hasan", "Şükrü", "İbrahim", "Özlem", "Çağla",
                                          "Gökhan", "Ümit", "Burcu", "Serkan", "Derya", "Onur", "Sibel", "Kemal"};
  const std::vector<std::string> last = {"Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk",
                                         "Aydın", "Özdemir", "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara",
                                         "Koç", "Kurt", "Özkan", "Şimşek", "Polat", "Erdoğan", "Güneş", "Işık"};
  const std::vector<std::pair<std::string, std::string>> companies = {
      {"Gökkuşağı Ambalaj", "gokkusagi"}, {"Anadolu Makina", "anadolumakina"}, {"Ege Zeytin", "egezeytin"},
      {"Toros İnşaat", "torosinsaat"},    {"Boğaziçi Medikal", "bogazici"},   {"Erciyes Otomotiv", "erciyes"},
      {"Marmara Kimya", "marmarakimya"},  {"Güven Lojistik", "guvenlojistik"}, {"Şimşek Enerji", "simsekenerji"},
      {"Ilgaz Mobilya", "ilgaz"},         {"Doğuş Tekstil", "dogustekstil"},  {"Kuzey Gıda", "kuzeygida"},
      {"Akdeniz Tarım", "akdeniztarim"},  {"Trakya Cam", "trakyacam"},        {"Yeşil Plastik", "yesilplastik"},
      {"Öncü Metal", "onculmetal"}};
  const std::vector<std::string> forms = {" A.Ş.", " Ltd. Şti.", " San. ve Tic. A.Ş.", ""};
  const std::vector<std::string> cities = {"İstanbul", "Ankara", "İzmir", "Bursa", "Konya", "Kayseri", "Muğla"};
  uint64_t state = 20261127;
  auto next = [&](std::size_t n) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::size_t>((state >> 33) % n);
  };
  std::vector<std::string> rows;
  std::size_t planted = 0;
  for (int i = 0; i < 10000; ++i) {
    if (i > 100 && i % 20 == 0) {
      // The same visitor again: the name in capitals, the phone written another way.
      std::string again = rows[next(rows.size())];
      std::size_t cut = again.find(';');
      std::string name = again.substr(0, cut);
      for (auto& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      rows.push_back(name + again.substr(cut));
      ++planted;
      continue;
    }
    const auto& [company, domain] = companies[next(companies.size())];
    std::string phone = "05" + std::to_string(30 + next(20)) + " " + std::to_string(100 + i % 900) + " " +
                        std::to_string(10 + i / 900) + " " + std::to_string(10 + next(90));
    rows.push_back(first[next(first.size())] + " " + last[next(last.size())] + ";" + company +
                   forms[next(forms.size())] + ";k" + std::to_string(i) + "@" + domain + ".com.tr;" + phone + ";" +
                   cities[next(cities.size())]);
  }
  std::string csv = "Ad Soyad;Firma;E-posta;Telefon;Şehir\r\n";
  for (const auto& r : rows) csv += r + "\r\n";
  std::vector<double> times;
  Json report;
  for (int run = 0; run < 3; ++run) {
    auto core = memory_core();
    auto start = std::chrono::steady_clock::now();
    report = core->call("import.csv", {{"entity", "lead"}, {"text", csv},
                                       {"mapping", {"name", "company", "email", "phone", "city"}}});
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    REQUIRE_MESSAGE(!report.contains("error"), report.dump());
  }
  std::sort(times.begin(), times.end());
  std::size_t in_file = 0;
  for (const auto& s : report["skipped"]) in_file += s["reason"] == "duplicate_in_file" ? 1 : 0;
  MESSAGE("10k-lead CSV import: median " << times[1] << " s (runs " << times[0] << ", " << times[1] << ", " << times[2]
                                         << "); created " << report["created"] << ", duplicates in file " << in_file
                                         << " of " << planted << " planted");
  CHECK(in_file >= planted * 9 / 10);
}
