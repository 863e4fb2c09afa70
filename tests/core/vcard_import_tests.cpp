// import.vcard and export.vcard through the commands, on real .vcf files (tests/data/exchange/).
#include <doctest/doctest.h>

#include "exchange_test_support.hpp"

using namespace kervan;
using namespace kervan::testing;

namespace {

Json import_vcard(Core& core, const std::string& entity, const std::string& bytes, Json extra = Json::object()) {
  return call_with_file(core, "import.vcard", entity, bytes, std::move(extra));
}

Json skipped_card(const Json& report, int64_t card) {
  for (const auto& s : report["skipped"]) {
    if (s["card"] == card) return s;
  }
  return nullptr;
}

Json only(Core& core, const std::string& command, const std::string& query) {
  Json list = core.call(command, {{"query", query}});
  REQUIRE_MESSAGE(list["total"] == 1, query << ": " << list.dump());
  return list["items"][0];
}

}  // namespace

TEST_CASE("a stack of vCards as leads: 2.1, 3.0 and 4.0, duplicates and broken cards reported") {
  auto core = memory_core();
  Json report = import_vcard(*core, "lead", exchange_file("cards-mixed.vcf"), {{"defaults", {{"event", "Fuar"}}}});
  REQUIRE_MESSAGE(!report.contains("error"), report.dump());
  CHECK(report["cards"] == 7);
  CHECK(report["created"] == 5);
  Json repeat = skipped_card(report, 5);
  CHECK(repeat["reason"] == "duplicate_in_file");
  CHECK(repeat["duplicate_of"]["card"] == 1);
  Json broken = skipped_card(report, 6);
  CHECK(broken["reason"] == "malformed_line");
  CHECK(broken["line"] == 50);
  CHECK(broken["message"].get<std::string>().starts_with("line 53 is not NAME:value"));

  Json gulsen = only(*core, "lead.list", "gulsen bozkurt");
  CHECK(gulsen["company"] == "Yıldırım Ambalaj Ltd. Şti.");
  CHECK(gulsen["title"] == "İşletme Müdürü");
  CHECK(gulsen["email"] == "gulsen.bozkurt@yildirimambalaj.com.tr");
  CHECK(gulsen["phone"] == "+90-506-533-96-57");  // the cell phone, "tel:" dropped
  CHECK(gulsen["city"] == "Bornova");
  CHECK(gulsen["country"] == "Türkiye");
  CHECK(gulsen["website"] == "https://www.yildirimambalaj.com.tr");
  CHECK(gulsen["tags"] == Json{"Fuar 2026", "Ambalaj"});
  CHECK(gulsen["event"] == "Fuar");
  CHECK(gulsen["notes"] == "Phone: 0232 444 00 11\nAddress: Kazım Dirik Mh. 372/8, 35100 Bornova, İzmir, Türkiye\n"
                           "Fuarda görüştük. Ambalaj makinesi için teklif istiyor, bütçe onaylı; Ocak ayında karar "
                           "verecekler.\nİkinci satır: önemli müşteri adayı — takip et.");
  Json sukru = only(*core, "lead.list", "sukru ozkan");
  CHECK(sukru["company"] == "Ünlü Ambalaj A.Ş.");
  CHECK(sukru["phone"] == "05412624809");
  CHECK(sukru["notes"] == "Phone: 02123334455\nBayilik görüşmesi için arayın. İkinci\r\nsatır");
  CHECK(only(*core, "lead.list", "seyma ince")["company"] == "Akış Metal");
  Json hakan = only(*core, "lead.list", "hakan simsek");
  CHECK(hakan["name"] == "Dr. Hakan Şimşek");
  CHECK(hakan["title"] == "Ar-Ge Müdürü; Kurucu Ortak");
  Json marmara = only(*core, "lead.list", "marmara");
  CHECK(marmara["name"] == "");
  CHECK(marmara["company"] == "Marmara Kimya");
}

TEST_CASE("the same vCards as contacts: every e-mail and phone kept, companies linked") {
  auto core = memory_core();
  Json report = import_vcard(*core, "contact", exchange_file("cards-mixed.vcf"));
  REQUIRE_MESSAGE(!report.contains("error"), report.dump());
  CHECK(report["created"] == 4);
  CHECK(skipped_card(report, 7)["reason"] == "missing_required");  // an ORG alone is no person
  CHECK(report["companies_created"] == 4);
  Json gulsen = only(*core, "contact.list", "gulsen");
  CHECK(gulsen["phones"] == Json{"+90-506-533-96-57", "0232 444 00 11"});
  CHECK(gulsen["notes"].get<std::string>().starts_with("Address: Kazım Dirik Mh."));
  CHECK(gulsen["notes"].get<std::string>().find("Web: https://www.yildirimambalaj.com.tr") != std::string::npos);
  CHECK(core->call("contact.get", {{"id", gulsen["id"]}})["company_name"] == "Yıldırım Ambalaj Ltd. Şti.");
  SUBCASE("importing the file again finds every card already stored") {
    Json again = import_vcard(*core, "contact", exchange_file("cards-mixed.vcf"));
    CHECK(again["created"] == 0);
    CHECK(skipped_card(again, 1)["reason"] == "duplicate");
    CHECK(skipped_card(again, 5)["reason"] == "duplicate");
  }
}

TEST_CASE("a phone's vCard 3.0 export, with duplicates of stored leads and contacts caught") {
  auto core = memory_core();
  Json oguz = core->call("contact.create", {{"name", "Oğuz Koç"}, {"phones", {"0505 908 30 16"}}});
  REQUIRE(error_code(oguz) == "");
  Json report = import_vcard(*core, "contact", exchange_file("phone-export-3.0.vcf"), {{"duplicates", "attach"}});
  REQUIRE_MESSAGE(!report.contains("error"), report.dump());
  CHECK(report["created"] == 2);
  CHECK(report["attached"] == 1);
  Json attached = core->call("contact.get", {{"id", oguz["id"]}});
  CHECK(attached["emails"] == Json{"oguz.koc@kocotomotiv.com.tr"});
  CHECK(attached["title"] == "Servis Müdürü");
  CHECK(attached["company_name"] == "Koç Otomotiv");
  CHECK(attached["tags"] == Json{"myContacts", "Fuar"});
  Json emine = only(*core, "contact.list", "emine demir");
  CHECK(emine["phones"] == Json{"0533 123 45 67", "0312 222 33 44"});
  CHECK(emine["emails"] == Json{"emine.demir@gmail.com"});
  CHECK(only(*core, "contact.list", "nazli guc")["notes"] ==
        "Uzun not: bu satırda çok baytlı bir harf ikiye bölünerek katlandığı halde doğru okunmalıdır.");
}

TEST_CASE("export.vcard writes vCard 4.0 that reads back the same") {
  auto core = memory_core();
  Json company = core->call("company.create", {{"name", "Öztürk Gıda; Tic. A.Ş."}});
  Json contact = core->call("contact.create", {{"name", "Ayşe Nur Öztürk"},
                                               {"title", "Satın Alma, Lojistik Müdürü"},
                                               {"emails", {"ayse@ozturkgida.com.tr", "aysenur@gmail.com"}},
                                               {"phones", {"0532 123 45 67"}},
                                               {"company_id", company["id"]},
                                               {"tags", {"fuar, 2026", "vip"}},
                                               {"notes", "Uzun bir not: " + std::string(40, 'x') + " İstanbul'da görüşüldü.\nİkinci satır\\son"}});
  REQUIRE(error_code(contact) == "");
  Json out = core->call("export.vcard", {{"contact_id", contact["id"]}});
  REQUIRE_MESSAGE(!out.contains("error"), out.dump());
  const std::string text = out["text"];
  CHECK(out["filename"] == "Ayşe Nur Öztürk.vcf");
  CHECK(text.starts_with("BEGIN:VCARD\r\nVERSION:4.0\r\n"));
  CHECK(text.ends_with("END:VCARD\r\n"));
  CHECK(text.find("\r\nFN:Ayşe Nur Öztürk\r\n") != std::string::npos);
  CHECK(text.find("\r\nN:Öztürk;Ayşe Nur;;;\r\n") != std::string::npos);
  CHECK(text.find("\r\nORG:Öztürk Gıda\\; Tic. A.Ş.\r\n") != std::string::npos);
  CHECK(text.find("\r\nTITLE:Satın Alma\\, Lojistik Müdürü\r\n") != std::string::npos);
  CHECK(text.find("\r\nEMAIL;PREF=1:ayse@ozturkgida.com.tr\r\n") != std::string::npos);
  CHECK(text.find("\r\nCATEGORIES:fuar\\, 2026,vip\r\n") != std::string::npos);
  CHECK(text.find("\r\nUID:urn:uuid:" + contact["id"].get<std::string>() + "\r\n") != std::string::npos);
  for (std::size_t start = 0, end; (end = text.find("\r\n", start)) != std::string::npos; start = end + 2) {
    CHECK(end - start <= 75);
  }
  auto other = memory_core();
  Json back = other->call("import.vcard", {{"entity", "contact"}, {"text", text}});
  REQUIRE(back["created"] == 1);
  Json copy = other->call("contact.get", {{"id", back["created_ids"][0]}});
  for (const char* field : {"name", "title", "emails", "phones", "notes", "tags", "company_name"}) {
    CHECK_MESSAGE(copy[field] == contact[field], field);
  }
  CHECK(error_field(core->call("export.vcard", {{"contact_id", "nope"}})) == "contact_id");
  CHECK(error_field(core->call("export.vcard", {})) == "contact_id");
}

TEST_CASE("bad vCard input is refused naming the field or line, and nothing is written") {
  auto core = memory_core();
  auto refused = [&](const Json& args, const std::string& code, const std::string& field) {
    Json reply = core->call("import.vcard", args);
    CHECK_MESSAGE(error_code(reply) == code, reply.dump());
    CHECK_MESSAGE(error_field(reply) == field, reply.dump());
    CHECK(stored(*core, "lead") == 0);
    CHECK(stored(*core, "contact") == 0);
  };
  refused({{"entity", "lead"}, {"text", "Ad;Soyad\nAli;Veli\n"}}, "not_vcard", "text");
  refused({{"entity", "lead"}, {"text", ""}}, "empty_file", "text");
  std::string cut = exchange_file("cards-mixed.vcf");
  cut.resize(cut.size() - 30);  // a truncated download
  refused({{"entity", "contact"}, {"data_base64", base64(cut)}}, "unclosed_card", "data_base64");
  refused({{"entity", "company"}, {"text", "BEGIN:VCARD\nFN:a\nEND:VCARD\n"}}, "invalid_value", "entity");
  refused({{"entity", "lead"}, {"text", "BEGIN:VCARD\nFN:a\nEND:VCARD\n"}, {"duplicates", "x"}}, "invalid_value",
          "duplicates");
  std::string garbage;
  for (int i = 0; i < 300; ++i) garbage += static_cast<char>((i * 131 + 7) % 256);
  refused({{"entity", "lead"}, {"data_base64", base64(garbage)}}, "not_vcard", "data_base64");
  // A card whose name has a control character is skipped, the others imported.
  Json report = core->call("import.vcard", {{"entity", "lead"},
                                            {"text", "BEGIN:VCARD\nFN:Ali\x01Veli\nEND:VCARD\nBEGIN:VCARD\nFN:Can\nEND:VCARD\n"}});
  CHECK(report["created"] == 1);
  CHECK(report["skipped"][0]["reason"] == "invalid_character");
  CHECK(report["skipped"][0]["field"] == "name");
  CHECK(report["skipped"][0]["line"] == 2);
}
