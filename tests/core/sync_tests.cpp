// sync.export / sync.import between devices: per-field merge, conflicts, deletes, idempotence,
// clock clamp, versions, malformed documents and references.
#include <algorithm>
#include <fstream>
#include <regex>
#include <set>

#include "core/clock.hpp"
#include "core/sync_document.hpp"
#include "core/sync_entities.hpp"
#include "core/text.hpp"
#include "sync_test_support.hpp"

namespace kervan::testing {
namespace {

constexpr int64_t kHour = 3600 * 1000;

// Sends everything `from` has to `to` and returns the report.
Json send(Device& from, Device& to) { return to.import_doc(from.export_doc()); }

// The first entry of a report list about `field`, or null.
Json entry_about(const Json& list, const std::string& field) {
  for (const auto& e : list) {
    if (e.value("field", "") == field) return e;
  }
  return nullptr;
}

// Error of importing `doc` into `device`, checking that nothing changed.
Json refused(Device& device, const Json& args) {
  std::string before = device.digest();
  Json reply = device.core->call("sync.import", args);
  CHECK(reply.contains("error"));
  CHECK(device.digest() == before);
  return reply;
}

}  // namespace

TEST_CASE("device name, export file name and the last export time") {
  Device a;
  Json info = a.call("device.get");
  CHECK(info["name"] == "");
  CHECK(info["last_export_at"].is_null());
  CHECK(info["display_name"].get<std::string>().rfind("device-", 0) == 0);
  CHECK(error_field(a.core->call("device.set_name", {{"name", ""}})) == "name");
  a.call("device.set_name", {{"name", "Fuar Laptopu Şişli"}});
  Json reply = a.call("sync.export", {{"peer", "office"}});
  CHECK(reply["file_name"] == "kervan-fuar-laptopu-sisli-2026-11-26.json");
  CHECK(reply["document"]["device"]["name"] == "Fuar Laptopu Şişli");
  info = a.call("device.get");
  CHECK(info["last_export_at"] == "2026-11-26T09:00:00.000Z");
  REQUIRE(info["peers"].size() == 1);
  CHECK(info["peers"][0]["peer"] == "office");
  CHECK(info["peers"][0]["last_export_clock"] == reply["clock"]);
}

TEST_CASE("device.get names the oldest change no export carried yet (the export reminder)") {
  Device a, b(2 * kHour);
  CHECK(a.call("device.get")["unexported_since"].is_null());  // nothing to export
  Json lead = a.call("lead.create", {{"name", "Ayşe Öztürk"}});
  CHECK(a.call("device.get")["unexported_since"] == "2026-11-26T09:00:00.000Z");
  a.clock.advance_ms(kHour);
  a.call("lead.update", {{"id", lead["id"]}, {"notes", "Fuarda görüştük"}});
  a.clock.advance_ms(kHour);
  a.call("lead.create", {{"name", "İsmail Işık"}});
  // Counted from the first change still waiting, not the last one.
  CHECK(a.call("device.get")["unexported_since"] == "2026-11-26T10:00:00.000Z");
  a.call("sync.export", {{"peer", "office"}});
  CHECK(a.call("device.get")["unexported_since"].is_null());
  a.clock.advance_ms(kHour);  // 12:00
  a.call("lead.update", {{"id", lead["id"]}, {"city", "İzmir"}});
  CHECK(a.call("device.get")["unexported_since"] == "2026-11-26T12:00:00.000Z");
  a.call("sync.export", {});
  // What another device brought in is not in this device's exports either: counted from the import.
  b.call("lead.create", {{"name", "Şule Çelik"}});
  a.clock.advance_ms(kHour);  // 13:00
  send(b, a);
  CHECK(a.call("device.get")["unexported_since"] == "2026-11-26T13:00:00.000Z");
}

TEST_CASE("a full export brings another device to the same data, derived columns included") {
  Device a, b(5 * kHour);
  Json company = a.call("company.create", {{"name", "Işık Makine A.Ş."}, {"phone", "0212 555 11 22"}});
  Json contact = a.call("contact.create", {{"name", "Şükrü Işık"}, {"company_id", company["id"]},
                                           {"emails", {"sukru@isik.com.tr"}}});
  a.call("lead.create", {{"name", "Ayşe Yılmaz"}, {"company", "Yılmaz Tekstil"}, {"phone", "0532 111 22 33"}});
  Json deal = a.call("deal.create", {{"name", "Pres hattı"}, {"company_id", company["id"]}, {"amount", 150000}});
  a.call("deal.move", {{"id", deal["id"]}, {"stage_id", "00000000-0000-4000-8000-000000000103"}});
  Json act = a.call("activity.create", {{"type", "call"}, {"subject", "Teklifi ara"},
                                        {"links", {{{"entity", "deal"}, {"id", deal["id"]}}}}});
  a.call("rate.set", {{"currency", "USD"}, {"per_base", "34.25"}});
  a.call("list.add", {{"list", "lead_source"}, {"label_tr", "Bayi"}, {"label_en", "Dealer"}});

  Json report = send(a, b);
  CHECK(report["counts"]["added"].get<int>() > 8);
  CHECK(report["own_file"] == false);
  CHECK(a.digest() == b.digest());
  // Derived data works on the receiver: Turkish-aware search and duplicate detection.
  CHECK(b.call("lead.list", {{"query", "ayse yilmaz"}})["total"] == 1);
  CHECK(b.call("contact.list", {{"query", "sukru"}})["total"] == 1);
  Json dupes = b.call("lead.duplicates", {{"record", {{"name", "Şükrü Işık"}, {"email", "sukru@isik.com.tr"}}}});
  CHECK(dupes.dump().find(contact["id"].get<std::string>()) != std::string::npos);
  CHECK(b.call("deal.get", {{"id", deal["id"]}})["stage_history"].size() == 2);
  CHECK(b.call("activity.get", {{"id", act["id"]}})["links"].size() == 1);
  CHECK(b.call("rate.list")["items"][0]["per_base"] == "34.25");
}

TEST_CASE("different fields of one record both survive; the same field goes to the later stamp") {
  Device a, b(2 * kHour);  // b's clock runs two hours ahead
  Json lead = a.call("lead.create", {{"name", "Mehmet Öz"}, {"phone", "0532 000 00 00"}});
  send(a, b);
  a.clock.advance_ms(10 * kHour);  // a edits later in real time, though b's clock is ahead
  a.call("lead.update", {{"id", lead["id"]}, {"phone", "0533 999 99 99"}, {"city", "İzmir"}});
  b.call("lead.update", {{"id", lead["id"]}, {"email", "mehmet@oz.com"}, {"city", "Bursa"}});
  Json at_b = send(a, b);
  Json at_a = send(b, a);
  CHECK(a.digest() == b.digest());
  Json merged = a.call("lead.get", {{"id", lead["id"]}});
  CHECK(merged["phone"] == "0533 999 99 99");
  CHECK(merged["email"] == "mehmet@oz.com");
  CHECK(merged["city"] == "İzmir");  // a's edit carries the later stamp
  // b's report shows its city replaced, with both values and stamps.
  Json replaced = entry_about(at_b["replaced"], "city");
  REQUIRE(replaced.is_object());
  CHECK(replaced["old"] == "Bursa");
  CHECK(replaced["new"] == "İzmir");
  CHECK(replaced["old_stamp"].get<std::string>() < replaced["new_stamp"].get<std::string>());
  CHECK(entry_about(at_a["replaced"], "city").is_null());  // a kept its own city
  CHECK(entry_about(at_a["replaced"], "email")["old"] == "");
}

TEST_CASE("a tie on wall time and counter is broken by the device id, whatever the order") {
  Device a;
  Json lead = a.call("lead.create", {{"name", "Eşit Saat"}});
  Json doc = a.export_doc();
  auto with_city = [&](const std::string& device, const std::string& city) {
    Json d = doc;
    d["device"]["id"] = device;
    for (auto& r : d["records"]) {
      if (r["id"] != lead["id"]) continue;
      r["values"]["city"] = city;
      r["stamps"]["city"] = "001795690000000:00003:" + device;
    }
    return d;
  };
  Json low = with_city("11111111-1111-4111-8111-111111111111", "Adana");
  Json high = with_city("99999999-9999-4999-8999-999999999999", "Van");
  Device x, y;
  x.import_doc(low);
  x.import_doc(high);
  y.import_doc(high);
  y.import_doc(low);
  CHECK(x.call("lead.get", {{"id", lead["id"]}})["city"] == "Van");
  CHECK(x.digest() == y.digest());
}

TEST_CASE("delete against edit: the delete wins in both orders, and the lost edit is reported") {
  Device a, b(kHour);
  Json lead = a.call("lead.create", {{"name", "Silinecek"}});
  send(a, b);
  a.call("lead.delete", {{"id", lead["id"]}});
  b.clock.advance_ms(5 * kHour);  // the edit is later than the delete
  b.call("lead.update", {{"id", lead["id"]}, {"notes", "önemli not"}});
  Json doc_a = a.export_doc(), doc_b = b.export_doc();
  Json at_a = a.import_doc(doc_b);
  Json at_b = b.import_doc(doc_a);
  CHECK(a.digest() == b.digest());
  CHECK(error_code(b.core->call("lead.get", {{"id", lead["id"]}})) == "not_found");
  Json discarded = entry_about(at_a["discarded"], "notes");
  REQUIRE(discarded.is_object());
  CHECK(discarded["reason"] == "deleted");
  CHECK(at_b["deleted"].size() == 1);
  CHECK(entry_about(at_b["discarded"], "notes").is_object());
  // Importing again changes nothing: no resurrection.
  CHECK(a.import_doc(doc_b)["counts"]["added"] == 0);
  CHECK(a.call("lead.list")["total"] == 0);
}

TEST_CASE("a rate deleted on one device and set again later on another comes back (written whole)") {
  Device a, b(kHour);
  a.call("rate.set", {{"currency", "EUR"}, {"per_base", "36"}});
  b.call("rate.set", {{"currency", "EUR"}, {"per_base", "37"}});  // same currency offline: one record
  send(a, b);
  send(b, a);
  CHECK(a.digest() == b.digest());
  CHECK(a.call("rate.list")["items"].size() == 1);
  a.call("rate.delete", {{"currency", "EUR"}});
  b.clock.advance_ms(3 * kHour);
  b.call("rate.set", {{"currency", "EUR"}, {"per_base", "38"}});
  send(a, b);
  send(b, a);
  CHECK(a.digest() == b.digest());
  CHECK(a.call("rate.list")["items"][0]["per_base"] == "38");
}

TEST_CASE("importing the same file twice, or an older file after a newer one, changes nothing") {
  Device a, b;
  Json lead = a.call("lead.create", {{"name", "Tekrar"}});
  Json older = a.export_doc();
  a.clock.advance_ms(kHour);
  a.call("lead.update", {{"id", lead["id"]}, {"city", "Ankara"}});
  Json newer = a.export_doc();
  b.import_doc(newer);
  std::string after_newer = b.digest();
  Json again = b.import_doc(newer);
  CHECK(again["counts"]["added"] == 0);
  CHECK(again["counts"]["updated"] == 0);
  CHECK(again["counts"]["skipped"].get<int>() > 0);
  CHECK(b.digest() == after_newer);
  Json old = b.import_doc(older);
  CHECK(old["counts"]["updated"] == 0);
  CHECK(old["replaced"].empty());
  CHECK(b.digest() == after_newer);
  CHECK(b.call("lead.get", {{"id", lead["id"]}})["city"] == "Ankara");
}

TEST_CASE("a stamp far in the future is clamped, reported and does not drag the clock") {
  Device a, b(3 * 24 * kHour);  // b believes it is three days later
  Json lead = b.call("lead.create", {{"name", "Gelecekten"}});
  Json report = send(b, a);
  REQUIRE(report["clamped"].size() > 0);
  std::string limit = format_iso8601(*a.clock.now + HybridClock::kMaxDriftMs);
  Json clamped = report["clamped"][1];
  CHECK(HlcStamp::parse(clamped["clamped_to"].get<std::string>())->wall_ms == *a.clock.now + HybridClock::kMaxDriftMs);
  // The lead came in; a's next write is stamped within the allowed drift, not three days ahead.
  CHECK(a.call("lead.get", {{"id", lead["id"]}})["name"] == "Gelecekten");
  a.call("lead.update", {{"id", lead["id"]}, {"city", "Kars"}});
  CHECK(a.call("lead.get", {{"id", lead["id"]}})["updated_at"].get<std::string>() <= limit);
}

TEST_CASE("a newer format version is refused, and the draft version 0; version 1 is read") {
  Device a, b, c;
  a.call("lead.create", {{"name", "Sürüm"}, {"city", "Iğdır"}});
  a.call("company.create", {{"name", "Sürüm A.Ş."}, {"tags", {"fuar"}}});
  Json doc = a.export_doc();
  CHECK(doc["version"] == 2);
  Json newer = doc;
  newer["version"] = 3;
  Json reply = refused(b, {{"document", newer}});
  CHECK(error_code(reply) == "unsupported_version");
  CHECK(error_field(reply) == "/version");
  CHECK(reply["error"]["message"].get<std::string>().find("update Kervan") != std::string::npos);

  Json version1 = as_version1(doc);
  Json report = c.import_doc(version1);
  CHECK(report["format_version"] == 1);
  CHECK(c.digest() == a.digest());
  CHECK(c.call("sync.import", {{"text", version1.dump()}})["counts"]["skipped"] == doc["records"].size());

  Json draft = version1;
  draft["version"] = 0;
  for (auto& r : draft["records"]) {
    for (auto& [name, f] : r["fields"].items()) f = Json::array({f["value"], f["stamp"]});
  }
  reply = refused(b, {{"document", draft}});
  CHECK(error_code(reply) == "unsupported_version");
  CHECK(error_field(reply) == "/version");
  CHECK(error_code(refused(b, {{"text", draft.dump()}})) == "unsupported_version");
}

TEST_CASE("malformed documents are refused naming the place, and change nothing") {
  Device a, b;
  Json lead = a.call("lead.create", {{"name", "Bozuk"}});
  b.call("lead.create", {{"name", "Yerel"}});
  Json doc = a.export_doc();
  int index = -1;
  for (std::size_t i = 0; i < doc["records"].size(); ++i) {
    if (doc["records"][i]["entity"] == "lead") index = static_cast<int>(i);
  }
  REQUIRE(index >= 0);
  std::string at = "/records/" + std::to_string(index);
  auto broken = [&](auto change) {
    Json d = as_version1(doc);
    change(d["records"][index]);
    return refused(b, {{"document", d}});
  };
  // Version 2 records: {entity, id, stamp, stamps, values}.
  auto broken2 = [&](auto change) {
    Json d = doc;
    change(d["records"][index]);
    Json reply = refused(b, {{"document", d}});
    Json streamed = refused(b, {{"text", d.dump()}});  // the streamed reading names the same place
    CHECK(error_field(streamed) == error_field(reply));
    return reply;
  };
  Json r = broken2([](Json& rec) { rec["values"]["name"] = 42; });
  CHECK(error_code(r) == "wrong_type");
  CHECK(error_field(r) == at + "/values/name");
  r = broken2([](Json& rec) { rec["values"]["colour"] = "red"; });
  CHECK(error_code(r) == "unknown_field");
  CHECK(error_field(r) == at + "/values/colour");
  r = broken2([](Json& rec) { rec["stamps"]["city"] = "yesterday"; rec["values"]["city"] = "Van"; });
  CHECK(error_code(r) == "invalid_stamp");
  CHECK(error_field(r) == at + "/stamps/city");
  r = broken2([](Json& rec) { rec["stamps"]["website"] = nullptr; rec["values"].erase("website"); });
  CHECK(error_code(r) == "invalid_value");
  CHECK(error_field(r) == at + "/stamps/website");
  r = broken2([](Json& rec) { rec["stamp"] = "yesterday"; });
  CHECK(error_code(r) == "invalid_stamp");
  CHECK(error_field(r) == at + "/stamp");
  r = broken2([](Json& rec) { rec["values"].erase("name"); });  // left out: never written, so empty
  CHECK(error_code(r) == "required");
  CHECK(error_field(r) == at + "/values/name");
  r = broken2([](Json& rec) { rec["fields"] = rec["values"]; });
  CHECK(error_code(r) == "unknown_field");
  CHECK(error_field(r) == at + "/fields");
  r = broken2([](Json& rec) { rec.erase("values"); });
  CHECK(error_code(r) == "missing_field");
  r = broken2([](Json& rec) { rec["values"]["status"] = "sold"; });
  CHECK(error_code(r) == "invalid_value");
  CHECK(error_field(r) == at + "/values/status");

  // Version 1 records: {entity, id, fields: {name: {value, stamp}}}.
  r = broken([](Json& rec) { rec["fields"]["name"]["value"] = 42; });
  CHECK(error_code(r) == "wrong_type");
  CHECK(error_field(r) == at + "/fields/name/value");
  r = broken([](Json& rec) { rec["fields"].erase("city"); });
  CHECK(error_code(r) == "missing_field");
  CHECK(error_field(r) == at + "/fields");
  r = broken([](Json& rec) { rec["entity"] = "spaceship"; });
  CHECK(error_code(r) == "unknown_entity");
  CHECK(error_field(r) == at + "/entity");
  r = broken([](Json& rec) { rec["id"] = "not-a-uuid"; });
  CHECK(error_code(r) == "invalid_id");
  CHECK(error_field(r) == at + "/id");
  r = broken([](Json& rec) { rec["fields"]["colour"] = {{"value", "red"}, {"stamp", nullptr}}; });
  CHECK(error_code(r) == "unknown_field");
  r = broken([](Json& rec) { rec["fields"]["status"]["value"] = "sold"; });
  CHECK(error_code(r) == "invalid_value");
  r = broken([](Json& rec) { rec["fields"]["city"]["stamp"] = "yesterday"; });
  CHECK(error_code(r) == "invalid_stamp");
  CHECK(error_field(r) == at + "/fields/city/stamp");
  r = broken([](Json& rec) { rec["fields"]["notes"]["value"] = std::string(20001, 'x'); });
  CHECK(error_code(r) == "too_long");

  Json dup = doc;
  dup["records"].push_back(dup["records"][index]);
  r = refused(b, {{"document", dup}});
  CHECK(error_code(r) == "duplicate_record");
  Json other = doc;
  other["format"] = "vcard";
  CHECK(error_code(refused(b, {{"document", other}})) == "wrong_format");
  CHECK(error_code(refused(b, {{"document", Json::array()}})) == "wrong_format");
  CHECK(error_code(refused(b, {{"text", "{\"format\": \"kervan-sync\", "}})) == "invalid_json");
  CHECK(error_code(refused(b, {{"text", std::string(100, '[') + std::string(100, ']')}})) == "too_deep");
  CHECK(error_code(refused(b, {{"text", "{\"format\": \"kervan-sync\xff\"}"}})) == "invalid_utf8");
  CHECK(error_code(refused(b, {{"document", doc}, {"text", doc.dump()}})) == "required");
}

TEST_CASE("a stamp text is accepted exactly when it reads back unchanged") {
  // The definition the in-place check replaced: parsed, non-empty device of at most 64 bytes
  // of UTF-8, and written back byte for byte.
  auto round_trip = [](std::string_view text) {
    auto stamp = kervan::HlcStamp::parse(text);
    return stamp && !stamp->device.empty() && stamp->device.size() <= 64 && stamp->to_string() == text &&
           kervan::text::is_valid_utf8(stamp->device);
  };
  const std::string good = "001795683600000:00042:95a30d1e-3de6-4a98-8eac-ed2cb2b7df9a";
  CHECK(kervan::is_stamp_text(good));
  CHECK(kervan::is_stamp_text("001795683600000:00000:x"));
  CHECK(kervan::is_stamp_text("001795683600000:00000:" + std::string(64, 'd')));
  CHECK_FALSE(kervan::is_stamp_text("001795683600000:00000:" + std::string(65, 'd')));
  CHECK_FALSE(kervan::is_stamp_text("001795683600000:00000:"));
  CHECK_FALSE(kervan::is_stamp_text("01795683600000:00000:dev"));
  CHECK_FALSE(kervan::is_stamp_text("+01795683600000:00000:dev"));
  CHECK_FALSE(kervan::is_stamp_text("001795683600000:0000a:dev"));
  CHECK_FALSE(kervan::is_stamp_text("001795683600000-00000:dev"));
  CHECK_FALSE(kervan::is_stamp_text("001795683600000:00000:\xff"));
  CHECK(kervan::is_stamp_text("001795683600000:00000:cihaz-\xc4\xb0"));
  // Every one-byte change, deletion and insertion of a real stamp: both definitions agree.
  const char replacements[] = {'0', '9', ':', 'a', '-', ' ', '+', '\0', '\xc4', '\xff'};
  int accepted = 0, checked = 0;
  for (std::size_t i = 0; i <= good.size(); ++i) {
    std::vector<std::string> variants;
    if (i < good.size()) variants.push_back(good.substr(0, i) + good.substr(i + 1));
    for (char c : replacements) {
      if (i < good.size()) variants.push_back(good.substr(0, i) + c + good.substr(i + 1));
      variants.push_back(good.substr(0, i) + c + good.substr(i));
    }
    for (const auto& v : variants) {
      CHECK_MESSAGE(kervan::is_stamp_text(v) == static_cast<bool>(round_trip(v)), v);
      accepted += kervan::is_stamp_text(v);
      ++checked;
    }
  }
  CHECK(accepted > 100);  // the comparison covers accepted texts too, not only refused ones
  CHECK(accepted < checked);
}

TEST_CASE("references: an unknown company is reported and not pointed at; a missing stage skips the record") {
  Device a, b;
  Json company = a.call("company.create", {{"name", "Kayıp Ltd."}});
  Json contact = a.call("contact.create", {{"name", "Ali Veli"}, {"company_id", company["id"]}});
  Json deal = a.call("deal.create", {{"name", "Yetim fırsat"}, {"company_id", company["id"]}});
  Json stage = a.call("stage.add", {{"pipeline_id", "00000000-0000-4000-8000-000000000100"}, {"name", "Yeni"}});
  Json step = a.call("stage.add_step", {{"stage_id", stage["id"]}, {"text", "Numune gönder"}});
  Json doc = a.export_doc();
  Json cut = Json::array();
  for (const auto& r : doc["records"]) {
    if (r["id"] != company["id"] && r["id"] != stage["id"]) cut.push_back(r);
  }
  doc["records"] = cut;
  Json report = b.import_doc(doc);
  Json deal_ref = entry_about(report["references"], "company_id");
  REQUIRE(deal_ref.is_object());
  CHECK(deal_ref["action"] == "cleared");
  CHECK(deal_ref["target"] == "unknown");
  CHECK(b.call("deal.get", {{"id", deal["id"]}})["company_id"] == "");
  CHECK(b.call("contact.get", {{"id", contact["id"]}})["company_id"] == "");
  Json step_ref = entry_about(report["references"], "stage_id");
  REQUIRE(step_ref.is_object());
  CHECK(step_ref["action"] == "record_skipped");
  CHECK(b.core->call("stage.checklist", {{"stage_id", stage["id"]}}).contains("error"));
}

TEST_CASE("a company deleted on one device while linked on another: the link is cleared everywhere") {
  Device a, b(kHour);
  Json company = a.call("company.create", {{"name", "Kapanan A.Ş."}});
  send(a, b);
  a.call("company.delete", {{"id", company["id"]}});
  Json contact = b.call("contact.create", {{"name", "Yeni Kişi"}, {"company_id", company["id"]}});
  Json at_a = send(b, a);
  Json at_b = send(a, b);
  CHECK(a.digest() == b.digest());
  CHECK(a.call("contact.get", {{"id", contact["id"]}})["company_id"] == "");
  CHECK(entry_about(at_a["references"], "company_id")["action"] == "cleared");
  CHECK(entry_about(at_b["references"], "company_id")["action"] == "cleared");
}

TEST_CASE("a lead deleted on one device while an activity is linked to it on another: the link goes everywhere") {
  Device a, b(kHour);
  Json lead = a.call("lead.create", {{"name", "Silinecek Aday"}});
  send(a, b);
  b.call("lead.delete", {{"id", lead["id"]}});
  Json activity = a.call("activity.create", {{"type", "call"}, {"subject", "Aday aranacak"},
                                             {"links", {{{"entity", "lead"}, {"id", lead["id"]}}}}});
  Json at_b = send(a, b);  // the link points at a lead b deleted: not stored
  Json at_a = send(b, a);  // the lead's tombstone: a removes it, and the link with it
  CHECK(a.digest() == b.digest());
  CHECK(a.call("activity.get", {{"id", activity["id"]}})["links"].empty());
  Json link = entry_about(at_a["references"], "record_id");
  REQUIRE(link.is_object());
  CHECK(link["action"] == "record_deleted");
  CHECK(entry_about(at_b["references"], "record_id")["action"] == "record_skipped");
}

TEST_CASE("since_peer exports only what changed, and forwards what other devices sent") {
  Device a, b, c;
  a.call("lead.create", {{"name", "Birinci"}});
  Json first = a.export_doc({{"since_peer", "b"}});
  CHECK(first["since"].is_null());
  b.import_doc(first);
  a.clock.advance_ms(kHour);
  Json second_lead = a.call("lead.create", {{"name", "İkinci"}});
  c.clock.advance_ms(-5 * kHour);  // c's clock is behind: its stamps are older than a's last export
  Json from_c = c.call("lead.create", {{"name", "Üçüncü"}});
  a.import_doc(c.export_doc());
  Json second = a.export_doc({{"since_peer", "b"}});
  CHECK(second["since"] == first["clock"]);
  std::set<std::string> ids;
  for (const auto& r : second["records"]) {
    if (r["entity"] == "lead") ids.insert(r["id"].get<std::string>());
  }
  std::set<std::string> expected{second_lead["id"].get<std::string>(), from_c["id"].get<std::string>()};
  CHECK(ids == expected);
  b.import_doc(second);
  CHECK(b.call("lead.list")["total"] == 3);
  CHECK(a.export_doc({{"since_peer", "b"}})["records"].empty());
}

TEST_CASE("a dry run reports without changing anything; importing one's own file changes nothing") {
  Device a, b;
  a.call("lead.create", {{"name", "Deneme"}});
  Json doc = a.export_doc();
  std::string before = b.digest();
  Json report = b.call("sync.import", {{"document", doc}, {"dry_run", true}});
  CHECK(report["dry_run"] == true);
  CHECK(report["counts"]["added"].get<int>() >= 1);
  CHECK(b.digest() == before);
  std::string own = a.digest();
  Json self = a.import_doc(doc);
  CHECK(self["own_file"] == true);
  CHECK(self["counts"]["added"] == 0);
  CHECK(a.digest() == own);
}

}  // namespace kervan::testing

// ---- the JSON Schema in assets/ ------------------------------------------------------------

namespace kervan::testing {
namespace {

// Checks `value` against the subset of JSON Schema 2020-12 the sync schema uses; returns the
// first problem as "pointer: what", or "".
std::string schema_problem(const Json& root, const Json& schema, const Json& value, const std::string& at) {
  if (schema.contains("$ref")) {
    std::string ref = schema["$ref"];
    REQUIRE(ref.rfind("#/$defs/", 0) == 0);
    return schema_problem(root, root["$defs"][ref.substr(8)], value, at);
  }
  if (schema.contains("const") && value != schema["const"]) return at + ": not " + schema["const"].dump();
  if (schema.contains("enum") && std::find(schema["enum"].begin(), schema["enum"].end(), value) == schema["enum"].end()) {
    return at + ": not one of the enum";
  }
  if (schema.contains("oneOf")) {
    int matches = 0;
    for (const auto& option : schema["oneOf"]) matches += schema_problem(root, option, value, at).empty();
    if (matches != 1) return at + ": matches " + std::to_string(matches) + " of oneOf";
  }
  if (schema.contains("type")) {
    std::string type = schema["type"];
    bool ok = (type == "object" && value.is_object()) || (type == "array" && value.is_array()) ||
              (type == "string" && value.is_string()) || (type == "integer" && value.is_number_integer()) ||
              (type == "null" && value.is_null()) || (type == "boolean" && value.is_boolean());
    if (!ok) return at + ": not " + type;
  }
  if (value.is_string()) {
    if (schema.contains("pattern") && !std::regex_search(value.get<std::string>(), std::regex(schema["pattern"].get<std::string>()))) {
      return at + ": does not match " + schema["pattern"].get<std::string>();
    }
    if (schema.contains("maxLength") && value.get<std::string>().size() > schema["maxLength"].get<std::size_t>() * 4) {
      return at + ": too long";
    }
  }
  if (value.is_number_integer() && schema.contains("minimum") && value.get<int64_t>() < schema["minimum"].get<int64_t>()) {
    return at + ": below minimum";
  }
  if (value.is_object()) {
    for (const auto& key : schema.value("required", Json::array())) {
      if (!value.contains(key.get<std::string>())) return at + ": missing " + key.get<std::string>();
    }
    for (const auto& [key, item] : value.items()) {
      const Json props = schema.value("properties", Json::object());
      std::string problem;
      if (props.contains(key)) {
        problem = schema_problem(root, props[key], item, at + "/" + key);
      } else if (schema.contains("additionalProperties")) {
        const Json& extra = schema["additionalProperties"];
        if (extra.is_boolean() && !extra.get<bool>()) return at + ": unexpected " + key;
        if (extra.is_object()) problem = schema_problem(root, extra, item, at + "/" + key);
      }
      if (!problem.empty()) return problem;
    }
  }
  if (value.is_array() && schema.contains("items")) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      std::string problem = schema_problem(root, schema["items"], value[i], at + "/" + std::to_string(i));
      if (!problem.empty()) return problem;
    }
  }
  return "";
}

Json load_schema() {
  std::ifstream file(std::string(KERVAN_TEST_DATA_DIR) + "/../../assets/sync-format.schema.json");
  REQUIRE(file.good());
  return Json::parse(file);
}

}  // namespace

TEST_CASE("exported documents satisfy assets/sync-format.schema.json, and the schema knows every entity") {
  Json schema = load_schema();
  CHECK(schema["$schema"] == "https://json-schema.org/draft/2020-12/schema");
  Device a, b;
  Json company = a.call("company.create", {{"name", "Şema A.Ş."}, {"tags", {"fuar"}}});
  Json deal = a.call("deal.create", {{"name", "Şema fırsatı"}, {"company_id", company["id"]}});
  a.call("deal.win", {{"id", deal["id"]}, {"amount", 5000}});
  Json lead = a.call("lead.create", {{"name", "Silinen"}});
  a.call("lead.delete", {{"id", lead["id"]}});
  a.call("rate.set_base", {{"currency", "USD"}});
  Json full = a.export_doc();
  CHECK(schema_problem(schema, schema, full, "") == "");
  b.import_doc(full);
  Json since = a.export_doc({{"since", full["clock"]}});
  CHECK(schema_problem(schema, schema, since, "") == "");
  CHECK(full["tombstones"].size() == 1);

  std::set<std::string> in_schema, in_core;
  for (const auto& e : schema["$defs"]["entity"]["enum"]) in_schema.insert(e.get<std::string>());
  for (const auto& e : sync_entities()) in_core.insert(e.name);
  CHECK(in_schema == in_core);
  // The validator is not a rubber stamp: a broken document fails it.
  Json broken = full;
  broken["records"][0]["id"] = "NOT-A-UUID";
  CHECK(schema_problem(schema, schema, broken, "") == "/records/0: matches 0 of oneOf");
  CHECK(schema_problem(schema, schema["$defs"]["record_v2"], broken["records"][0], "/records/0") ==
        "/records/0/id: does not match " + schema["$defs"]["uuid"]["pattern"].get<std::string>());
  // A version 1 file (an older build's) satisfies it too.
  CHECK(schema_problem(schema, schema, as_version1(full), "") == "");
  broken = as_version1(full);
  broken["records"][0]["fields"]["created_at"] = "2026-11-26";
  CHECK(schema_problem(schema, schema, broken, "") == "/records/0: matches 0 of oneOf");
  broken = full;
  broken.erase("clock");
  CHECK(schema_problem(schema, schema, broken, "") == ": missing clock");
}

TEST_CASE("a record known here but for one newer field is updated, not skipped as known") {
  Device a, b(kHour);
  Json lead = a.call("lead.create", {{"name", "Bilinen"}, {"city", "Sivas"}, {"notes", "ilk"}});
  a.call("lead.create", {{"name", "Öteki"}});
  send(a, b);
  a.clock.advance_ms(2 * kHour);
  a.call("lead.update", {{"id", lead["id"]}, {"notes", "yeni"}});
  Json report = send(a, b);
  CHECK(report["counts"]["updated"] == 1);
  CHECK(report["counts"]["skipped"] == 1);  // the other lead
  REQUIRE(report["updated"].size() == 1);
  CHECK(report["updated"][0]["fields"] == Json::array({"notes"}));
  CHECK(b.call("lead.get", {{"id", lead["id"]}})["notes"] == "yeni");
  CHECK(b.call("lead.get", {{"id", lead["id"]}})["city"] == "Sivas");
  CHECK(a.digest() == b.digest());
  // Now everything in the file is known: skipped, nothing changes.
  std::string before = b.digest();
  Json again = send(a, b);
  CHECK(again["counts"]["updated"] == 0);
  CHECK(again["counts"]["skipped"] == 2);
  CHECK(b.digest() == before);
}

TEST_CASE("an incoming field newer than the local one but not than the record's tombstone is not taken") {
  Device a, b(kHour);
  std::string id = a.call("lead.create", {{"name", "Silinen"}, {"notes", "eski"}})["id"];
  send(a, b);
  a.clock.advance_ms(2 * kHour);
  a.call("lead.update", {{"id", id}, {"notes", "ara"}});
  Json doc = a.export_doc();
  std::string edit_stamp;
  for (const auto& r : doc["records"]) {
    if (r["id"] == id) edit_stamp = field_stamps_of(r)["notes"];
  }
  auto edit = HlcStamp::parse(edit_stamp);
  REQUIRE(edit.has_value());
  // A file carrying the record and, from a third device, a later tombstone for it.
  auto with_tombstone = [&](int64_t delta_ms) {
    Json d = doc;
    d["tombstones"].push_back(
        {{"entity", "lead"}, {"id", id}, {"stamp", HlcStamp{edit->wall_ms + delta_ms, 0, "cihaz-3"}.to_string()}});
    return d;
  };
  SUBCASE("the tombstone is later than the edit: the edit is neither taken nor reported") {
    Json report = b.import_doc(with_tombstone(1000));
    CHECK(report["counts"]["updated"] == 0);
    CHECK(report["replaced"].empty());
    CHECK(report["counts"]["deleted"] == 1);
    CHECK(report["discarded"].empty());
  }
  SUBCASE("the edit is later than the tombstone: taken, then discarded with the record's delete") {
    Json report = b.import_doc(with_tombstone(-1000));
    CHECK(report["counts"]["updated"] == 1);
    CHECK(report["counts"]["deleted"] == 1);
    CHECK(entry_about(report["discarded"], "notes").is_object());
  }
  CHECK(error_code(b.core->call("lead.get", {{"id", id}})) == "not_found");
}

TEST_CASE("a dry run that numbered a new device leaves no trace in the packed stamps") {
  // Device numbers given during a dry run are rolled back; a later import must not reuse them
  // for another device's stamps from a stale cache.
  Device here, b(1000), c(2000);
  std::string b_lead = b.call("lead.create", {{"name", "Bora"}})["id"];
  std::string c_lead = c.call("lead.create", {{"name", "Cemre"}})["id"];
  Json b_doc = b.export_doc(), c_doc = c.export_doc();
  here.call("lead.create", {{"name", "Burada"}});
  here.call("sync.import", {{"document", b_doc}, {"dry_run", true}});
  here.import_doc(c_doc);
  here.import_doc(b_doc);
  Json state = here.state();
  auto device_of = [&](const std::string& id) {
    std::set<std::string> devices;
    for (const auto& s : state["field_stamps"]) {
      if (s[1] == id) devices.insert(HlcStamp::parse(s[3].get<std::string>())->device);
    }
    return devices;
  };
  CHECK(device_of(b_lead) == std::set<std::string>{b.core->device_id()});
  CHECK(device_of(c_lead) == std::set<std::string>{c.core->device_id()});
  CHECK(here.export_doc()["records"].size() == 3);
}

}  // namespace kervan::testing
