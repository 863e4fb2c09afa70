// The streamed export (issue 7) against the builder it replaced: the text written record by
// record must be exactly what dumping the old builder's whole document gave, compact and with
// the CLI's indentation, for full and changes-only exports; and the streamed import must
// read it as the tree import does.
#include <cstdio>
#include <filesystem>
#include <map>
#include <set>

#include "core/change_log.hpp"
#include "core/clock.hpp"
#include "core/sync.hpp"
#include "core/sync_document.hpp"
#include "core/sync_entities.hpp"
#include "core/sync_import.hpp"
#include "core/sync_state.hpp"
#include "sync_test_support.hpp"

namespace kervan::testing {
namespace {

// ---- The export as it was before streaming (sync_export.cpp before issue 7), verbatim ----
struct Selection {
  std::map<std::string, std::set<std::string>> records;  // entity -> ids
  std::map<RecordKey, std::string> tombstones;           // -> stamp
};

// Records and tombstones changed after `since` here: written (stamp) or received (seen mark).
void select_changed(Database& db, ChangeLog& changes, const std::string& since, Selection& out) {
  for (const auto& [entity, id] : changes.stamped_after(since)) out.records[entity].insert(id);
  Statement tombs(db, "SELECT entity, record_id, stamp FROM tombstones WHERE stamp > ?1");
  tombs.bind(1, since);
  while (tombs.step()) out.tombstones[{tombs.column_text(0), tombs.column_text(1)}] = tombs.column_text(2);
  for (const auto& [entity, id] : records_seen_after(db, since)) out.records[entity].insert(id);
}

// Every row and every stamp, read once per export (a few queries instead of some per record).
class Snapshot {
 public:
  Snapshot(Database& db, ChangeLog& changes) : db_(db), stamps_(changes.all_stamps()) {}
  const Json* row(const SyncEntity& e, const std::string& id) {
    const auto& rows = rows_of(e);
    auto found = rows.find(id);
    return found == rows.end() ? nullptr : &found->second;
  }
  const std::map<std::string, Json>& rows_of(const SyncEntity& e) {
    auto [it, fresh] = rows_.try_emplace(e.name);
    if (fresh) {
      for (auto& r : read_rows(db_, e)) it->second.emplace(r["id"].get<std::string>(), std::move(r));
    }
    return it->second;
  }
  bool stamped(const SyncEntity& e, const std::string& id) const { return stamps_.count({e.name, id}) > 0; }
  Json record_json(const SyncEntity& e, const Json& row) const {
    const std::string& id = row["id"].get_ref<const std::string&>();
    static const FieldStamps none;
    auto s = stamps_.find({e.name, id});
    const auto& stamps = s == stamps_.end() ? none : s->second;
    // Format version 2 (the builder wrote version 1; the selection is unchanged): the stamp
    // most fields carry, of equal counts the later; the fields carried with another stamp; the
    // values of the fields that were written or are not empty.
    std::map<std::string, int> counts;
    for (const auto& f : e.fields) {
      if (auto it = stamps.find(f.name); it != stamps.end()) ++counts[it->second];
    }
    Json common = nullptr;
    int most = 0;
    for (const auto& [stamp, count] : counts) {
      if (count >= most) common = stamp, most = count;
    }
    Json values = Json::object(), others = Json::object();
    for (const auto& f : e.fields) {
      auto it = stamps.find(f.name);
      Json stamp = it == stamps.end() ? Json(nullptr) : Json(it->second);
      if (stamp.is_null() && row[f.name] == empty_sync_value(f.kind)) continue;
      values[f.name] = row[f.name];
      if (stamp != common) others[f.name] = stamp;
    }
    Json record{{"entity", e.name}, {"id", id}, {"values", values}};
    if (!common.is_null()) record["stamp"] = common;
    if (!others.empty()) record["stamps"] = others;
    return record;
  }

 private:
  Database& db_;
  std::map<RecordKey, FieldStamps> stamps_;
  std::map<std::string, std::map<std::string, Json>> rows_;
};


Json reference_export(CommandContext& ctx, const std::string& since, const HlcStamp& clock) {
  Selection selection;
  Snapshot snapshot(ctx.db, ctx.changes);
  if (since.empty()) {
    // Rows never written (the pipeline and lists every database starts with) are the same on
    // every device and stay out of the file.
    for (const auto& e : sync_entities()) {
      for (const auto& [id, row] : snapshot.rows_of(e)) {
        if (snapshot.stamped(e, id)) selection.records[e.name].insert(id);
      }
    }
    Statement tombs(ctx.db, "SELECT entity, record_id, stamp FROM tombstones");
    while (tombs.step()) selection.tombstones[{tombs.column_text(0), tombs.column_text(1)}] = tombs.column_text(2);
  } else {
    select_changed(ctx.db, ctx.changes, since, selection);
  }

  // Whole rows in entity order; each row's targets are added (or their tombstones), so the
  // file never points at a record it does not carry and the receiver may lack.
  std::map<std::string, std::map<std::string, const Json*>> rows;  // entity -> id -> row
  std::vector<RecordKey> pending;
  for (const auto& [entity, ids] : selection.records) {
    for (const auto& id : ids) pending.push_back({entity, id});
  }
  while (!pending.empty()) {
    auto [entity, id] = pending.back();
    pending.pop_back();
    const SyncEntity* e = find_sync_entity(entity);
    if (!e || rows[entity].count(id)) continue;
    const Json* row = snapshot.row(*e, id);
    if (!row) {  // deleted since: its tombstone travels instead
      if (std::string stamp = ctx.changes.tombstone(entity, id); !stamp.empty()) selection.tombstones[{entity, id}] = stamp;
      continue;
    }
    for (const auto& f : e->fields) {
      if (f.kind != SyncKind::reference) continue;
      const std::string& target_id = (*row)[f.name].get_ref<const std::string&>();
      if (target_id.empty()) continue;
      std::string target = f.target == "*" ? (*row)["entity"].get<std::string>() : f.target;
      if (const SyncEntity* te = find_sync_entity(target); te && snapshot.row(*te, target_id)) {
        pending.push_back({target, target_id});
      } else if (std::string stamp = ctx.changes.tombstone(target, target_id); !stamp.empty()) {
        selection.tombstones[{target, target_id}] = stamp;
      }
    }
    rows[entity][id] = row;
  }

  Json records = Json::array();
  for (const auto& e : sync_entities()) {
    for (const auto& [id, row] : rows[e.name]) records.push_back(snapshot.record_json(e, *row));
  }
  Json tombstones = Json::array();
  for (const auto& [key, stamp] : selection.tombstones) {
    const SyncEntity* e = find_sync_entity(key.first);
    if (!e || !e->has_id_column()) continue;
    tombstones.push_back({{"entity", key.first}, {"id", key.second}, {"stamp", stamp}});
  }
  return Json{{"format", kSyncFormatName},
              {"version", kSyncFormatVersion},
              {"device", {{"id", ctx.clock.device_id()}, {"name", device_display_name(ctx.db, ctx.clock.device_id())}}},
              {"exported_at", format_iso8601(ctx.clock.now_ms())},
              {"clock", clock.to_string()},
              {"since", since.empty() ? Json(nullptr) : Json(since)},
              {"records", records},
              {"tombstones", tombstones}};
}


// ---- end of the old builder ----

// The same tree, number types included (Json::parse makes 5 unsigned, -5 signed; == does not
// tell them apart).
bool same_tree(const Json& a, const Json& b) {
  if (a.type() != b.type() || a.size() != b.size()) return false;
  if (a.is_object()) {
    for (auto it = a.begin(); it != a.end(); ++it) {
      if (!b.contains(it.key()) || !same_tree(it.value(), b[it.key()])) return false;
    }
    return true;
  }
  if (a.is_array()) {
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (!same_tree(a[i], b[i])) return false;
    }
    return true;
  }
  return a == b;
}

struct FileDevice {
  ManualClock clock;
  std::string path;
  std::unique_ptr<Core> core;
  explicit FileDevice(const std::string& name)
      : path((std::filesystem::temp_directory_path() / ("kervan-stream-test-" + name + ".db")).string()) {
    std::remove(path.c_str());
    core = std::make_unique<Core>(path, CoreOptions{clock.source()});
  }
  ~FileDevice() {
    core.reset();
    std::remove(path.c_str());
  }
  Json call(std::string_view name, const Json& args = Json::object()) {
    Json reply = core->call(name, args);
    INFO(name << " " << args.dump() << " -> " << reply.dump());
    REQUIRE_FALSE(reply.contains("error"));
    return reply;
  }
  // The old builder's document, read through a second connection to the same file.
  Json reference(const std::string& since, const std::string& clock_text, int64_t now_ms) {
    Database db(path);
    ChangeLog changes(db);
    std::string device_id = core->device_id();
    HybridClock hlc(device_id, [now_ms] { return now_ms; });
    CommandContext ctx{db, hlc, changes};
    return reference_export(ctx, since, *HlcStamp::parse(clock_text));
  }
  // The streamed text and its chunks.
  std::string streamed(const Json& args, int indent, std::vector<std::size_t>* chunk_sizes = nullptr) {
    std::string text;
    Json reply = core->export_sync(args, [&](std::string_view chunk) {
      text += chunk;
      if (chunk_sizes) chunk_sizes->push_back(chunk.size());
    }, indent);
    INFO(reply.dump());
    REQUIRE_FALSE(reply.contains("error"));
    CHECK_FALSE(reply.contains("document"));
    return text;
  }
};

// A bit of everything: every entity, edits, deletes (tombstones), seeded rows pointed at.
void fill(FileDevice& d, int leads) {
  Json company = d.call("company.create", {{"name", "Işık Makine A.Ş."}, {"phone", "0212 555 11 22"}});
  Json contact = d.call("contact.create", {{"name", "Şükrü Işık"}, {"company_id", company["id"]},
                                           {"emails", {"sukru@isik.com.tr"}}});
  for (int i = 0; i < leads; ++i) {
    Json lead = d.call("lead.create", {{"name", "Ayşe Yılmaz " + std::to_string(i)}, {"company", "Yılmaz \"Tekstil\"\n"},
                                       {"phone", "0532 111 22 " + std::to_string(10 + i % 80)}, {"tags", {"fuar", "ğüşiöç"}}});
    if (i % 7 == 3) d.call("lead.update", {{"id", lead["id"]}, {"city", "İzmir"}});
    if (i % 11 == 5) d.call("lead.delete", {{"id", lead["id"]}});
    d.clock.advance_ms(1000);
  }
  Json deal = d.call("deal.create", {{"name", "Pres hattı"}, {"company_id", company["id"]}, {"contact_id", contact["id"]},
                                     {"amount", 150000}});
  d.call("deal.move", {{"id", deal["id"]}, {"stage_id", "00000000-0000-4000-8000-000000000103"}});
  d.call("activity.create", {{"type", "call"}, {"subject", "Teklifi ara"}, {"links", {{{"entity", "deal"}, {"id", deal["id"]}}}}});
  d.call("rate.set", {{"currency", "USD"}, {"per_base", "34.25"}});
  d.call("list.add", {{"list", "lead_source"}, {"label_tr", "Bayi"}, {"label_en", "Dealer"}});
  Json gone = d.call("company.create", {{"name", "Silinecek Ltd."}});
  d.call("company.delete", {{"id", gone["id"]}});
}

void check_same(FileDevice& d, const Json& args, const std::string& since) {
  for (int indent : {-1, 1}) {
    std::vector<std::size_t> chunks;
    std::string text = d.streamed(args, indent, &chunks);
    Json streamed = Json::parse(text);
    Json reference = d.reference(since, streamed["clock"], *parse_iso8601(streamed["exported_at"].get<std::string>()));
    CHECK(streamed == reference);
    CHECK(text == reference.dump(indent));
    // Handed over in pieces of about 64 KB, never as one piece of the whole text.
    for (std::size_t size : chunks) CHECK(size < 64 * 1024 + 16 * 1024);
    if (text.size() > 200 * 1024) CHECK(chunks.size() > 2);
  }
}

}  // namespace

TEST_CASE("the streamed export is the old builder's document, byte for byte, full and since a stamp") {
  FileDevice d("a");
  fill(d, 40);
  check_same(d, Json::object(), "");
  std::string mid = d.call("sync.export")["clock"];
  d.clock.advance_ms(5000);
  Json lead = d.call("lead.create", {{"name", "Yeni Müşteri"}, {"company", "Işık Makine A.Ş."}});
  d.call("contact.update", {{"id", d.call("contact.list")["items"][0]["id"]}, {"title", "Müdür"}});
  check_same(d, {{"since", mid}}, mid);
}

TEST_CASE("the row-to-text export writes every kind of value as dumping the tree does") {
  // The writer reads SQLite columns straight into text: escapes, lists, nulls and numbers
  // must come out as nlohmann's dump writes them.
  FileDevice d("kinds");
  Json odd = d.call("lead.create", {{"name", "Kontrol"}, {"company", "Ters \\ eğik \"tırnak\" / €₺ 😀"},
                                    {"tags", {"a\"b", "c\\d", "", "İğüşöç"}}});
  Json plain = d.call("lead.create", {{"name", "Etiketsiz"}, {"tags", Json::array()}});
  Json company = d.call("company.create", {{"name", "\"\"\\\\"}});
  d.call("deal.create", {{"name", "Açık"}, {"company_id", company["id"]}, {"amount", 0}});
  Json won = d.call("deal.create", {{"name", "Kazanıldı"}, {"amount", 9007199254740993LL}, {"tags", {"büyük", "x/y"}}});
  d.call("deal.win", {{"id", won["id"]}, {"amount", 9007199254740993LL}});
  d.call("rate.set", {{"currency", "EUR"}, {"per_base", "36.123456"}});
  {
    // Commands refuse control characters; an older or damaged database may still hold them,
    // and tags that are not a list read as [].
    Database db(d.path);
    std::string controls = "a\x01\x1f\tb\bc\fd\re\nf\x7f";
    Statement(db, "UPDATE leads SET name = ?1, tags = ?2 WHERE id = ?3")
        .bind(1, "Kontrol " + controls)
        .bind(2, Json::array({controls, "satır\nsonu"}).dump())
        .bind(3, odd["id"].get<std::string>())
        .run();
    Statement(db, "UPDATE leads SET tags = '{\"a\":1}', company_id = NULL WHERE id = ?1")
        .bind(1, plain["id"].get<std::string>())
        .run();
  }
  check_same(d, Json::object(), "");
  std::string compact = d.streamed(Json::object(), -1);
  CHECK(compact.find("\\u0001") != std::string::npos);
  CHECK(compact.find("\\u001f\\tb\\bc\\fd\\re\\nf") != std::string::npos);
  CHECK(compact.find("\"tags\":[]") != std::string::npos);
  CHECK(compact.find(":null") != std::string::npos);
  CHECK(compact.find("9007199254740993") != std::string::npos);
  CHECK(compact.find("😀") != std::string::npos);
  // The import's parser reads the whole file as Json::parse does.
  for (int indent : {-1, 1}) {
    std::string text = d.streamed(Json::object(), indent);
    Json plain;
    REQUIRE(parse_plain_json(text, plain));
    CHECK(same_tree(plain, Json::parse(text)));
  }
}

TEST_CASE("the import's plain JSON parser gives Json::parse's tree or leaves the text to it") {
  for (std::string text : {std::string(R"({"a":[],"b":{},"c":"","d":null,"e":true,"f":false})"),
                           std::string(" \t\r\n{ \"x\" : [ 1 , -2 , 0 , -0 , 999999999999999999 , -999999999999999999 ] } \n"),
                           std::string(R"(["\"\\\/\b\f\n\r\t", "\u0000\u001f\u00e7\u011F\u20ba\uFFFF a", "ğüşıöç İ 😀 ₺"])"),
                           std::string(R"({"k":1,"k":[2],"z":{"k":"a"},"z":3})"),
                           std::string(R"([[[[]]],{"a":{"b":{"c":[null]}}},"x"])"),
                           std::string(R"("yalnız")"), std::string("42"), std::string("null")}) {
    INFO(text);
    Json plain;
    REQUIRE(parse_plain_json(text, plain));
    CHECK(same_tree(plain, Json::parse(text)));
  }
  for (std::string text : {"1.5", "1e3", "-1E2", "[0.0]", "1234567890123456789", "-1234567890123456789", "01", "-",
                           "[-]", R"("\ud83d\ude00")", "\"raw\ttab\"", "[1,]", R"({"a":1,})", R"({"a" 1})", "tru",
                           "nul", "\"open", R"("\x")", R"("\u12g4")", R"("\u12")", "", "[1] 2", "{'a':1}", "[1 2]",
                           "{\"a\":1", "[", "+1"}) {
    INFO(text);
    Json plain;
    CHECK_FALSE(parse_plain_json(text, plain));
  }
}

TEST_CASE("a large export streams in many chunks and equals the old builder's") {
  FileDevice d("big");
  fill(d, 300);
  check_same(d, Json::object(), "");
}

TEST_CASE("the streamed import reads a file as the tree import does") {
  FileDevice a("src");
  fill(a, 60);
  std::string text = a.streamed(Json::object(), 1);
  Device b, c;
  Json by_text = b.core->import_sync_text(text, false);
  Json by_tree = c.core->call("sync.import", {{"document", Json::parse(text)}});
  REQUIRE_FALSE(by_text.contains("error"));
  CHECK(by_text == by_tree);
  CHECK(b.digest() == c.digest());
  CHECK(b.digest() == a.call("sync.digest")["digest"]);
  // A second import of the same text changes nothing.
  Json again = b.core->import_sync_text(text, false);
  CHECK(again["counts"]["added"] == 0);
}

TEST_CASE("the streamed import refuses as the tree import does, naming the place") {
  FileDevice a("bad");
  fill(a, 3);
  Json doc = Json::parse(a.streamed(Json::object(), -1));
  Device b;
  auto both = [&](const Json& d) {
    Json by_text = b.core->import_sync_text(d.dump(1), true);
    Json by_tree = b.core->call("sync.import", {{"document", d}, {"dry_run", true}});
    CHECK(by_text == by_tree);
    return by_text;
  };
  Json d = doc;
  d["records"][2]["values"]["created_at"] = 5;
  CHECK(error_field(both(d)) == "/records/2/values/created_at");
  d = doc;
  d["tombstones"][0]["stamp"] = "soon";
  CHECK(error_field(both(d)) == "/tombstones/0/stamp");
  d = doc;
  d["records"] = Json::object();
  CHECK(error_code(both(d)) == "wrong_type");
  d = doc;
  d.erase("tombstones");
  CHECK(error_code(both(d)) == "missing_field");
  d = doc;
  d["version"] = 3;
  CHECK(error_code(both(d)) == "unsupported_version");
  // Version 1 is read as it is, and reads as version 2 does.
  Json v2 = both(doc);
  d = as_version1(doc);
  Json v1 = both(d);
  CHECK(v1["format_version"] == 1);
  v1["format_version"] = 2;
  CHECK(v1 == v2);
  d["records"][2]["fields"]["created_at"]["value"] = 5;
  CHECK(error_field(both(d)) == "/records/2/fields/created_at/value");
  // Version 0 (a draft before the first release, fields as [value, stamp] pairs) is refused.
  d = as_version1(doc);
  d["version"] = 0;
  for (auto& r : d["records"]) {
    for (auto& [name, f] : r["fields"].items()) f = Json::array({f["value"], f["stamp"]});
  }
  CHECK(error_code(both(d)) == "unsupported_version");
  // Syntax: the byte of the first error, as parsing the whole text reports it.
  std::string text = doc.dump();
  std::string broken = text;
  broken.erase(broken.find("],\"since\""), 1);  // the records list is not closed
  Json r = b.core->import_sync_text(broken, false);
  CHECK(error_code(r) == "invalid_json");
  try {
    (void)Json::parse(broken);
  } catch (const Json::parse_error& e) {
    CHECK(r["error"]["message"].get<std::string>().find("near byte " + std::to_string(e.byte)) != std::string::npos);
  }
}

TEST_CASE("the streamed import finds every break in the file's framing and reports it where a parser does") {
  FileDevice a("frame");
  fill(a, 3);
  const std::string text = a.streamed(Json::object(), -1);
  Device b;
  std::string before = b.digest();
  auto expect_refused = [&](const std::string& broken, const std::string& what) {
    CAPTURE(what);
    Json r = b.core->import_sync_text(broken, false);
    REQUIRE(r.contains("error"));
    bool deep = false;
    std::size_t byte = 0;
    try {
      (void)Json::parse(broken);
      deep = true;  // valid JSON: only the nesting can be wrong
    } catch (const Json::parse_error& e) {
      byte = e.byte;
    }
    if (deep) {
      CHECK(error_code(r) == "too_deep");
    } else {
      CHECK(error_code(r) == "invalid_json");
      CHECK(r["error"]["message"].get<std::string>().find("near byte " + std::to_string(byte)) != std::string::npos);
    }
    CHECK(b.digest() == before);  // nothing imported
  };
  auto at = [&](const std::string& needle) {
    std::size_t p = text.find(needle);
    REQUIRE(p != std::string::npos);
    return p;
  };
  std::string t = text;
  std::size_t second = at("},{\"entity\"");  // between two records
  expect_refused(t.substr(0, second + 1) + " " + t.substr(second + 2), "records without a comma");
  expect_refused(t.substr(0, second + 1) + ",," + t.substr(second + 2), "two commas");
  std::size_t end_records = at("}],");
  expect_refused(t.substr(0, end_records + 1) + "," + t.substr(end_records + 1), "a comma before the closing bracket");
  std::size_t colon = at("\"format\":") + 8;
  expect_refused(t.substr(0, colon) + " " + t.substr(colon + 1), "a member without its colon");
  expect_refused(t + " x", "something after the object");
  expect_refused(t + "{}", "a second object");
  expect_refused(t.substr(0, t.size() - 1), "the object not closed");
  expect_refused(t.substr(0, t.size() / 2), "cut in the middle of a record");
  std::size_t value = at("\"created_at\":");
  expect_refused(t.substr(0, value) + "\"created_at\": tru" + t.substr(value + 13 + 5), "a word that is not JSON in a record");
  // Nested 40 deep inside a record: valid JSON, too deep for a sync file.
  expect_refused(t.substr(0, second + 3) + "\"deep\":" + std::string(40, '[') + std::string(40, ']') + "," +
                     t.substr(second + 3),
                 "an array nested 40 deep in a record");
  expect_refused(t.substr(0, 1) + "\"deep\":" + std::string(40, '[') + std::string(40, ']') + "," + t.substr(1),
                 "an array nested 40 deep at the top");
  // The same text unbroken imports.
  Json ok = b.core->import_sync_text(text, true);
  CHECK_FALSE(ok.contains("error"));
}

TEST_CASE("clamped stamps are reported once, in file order, and the records stored clamped") {
  Device a, b;
  a.clock.advance_ms(72LL * 3600 * 1000);  // a's clock is three days ahead of b's
  a.call("lead.create", {{"name", "Gelecek"}});
  a.call("lead.create", {{"name", "Yarın"}});
  Json doc = a.export_doc();
  Json by_text = b.core->import_sync_text(doc.dump(), true);
  Json by_tree = b.core->call("sync.import", {{"document", doc}, {"dry_run", true}});
  CHECK(by_text == by_tree);
  CHECK(by_text["counts"]["clamped"].get<int>() > 2);
}

TEST_CASE("the reader marks known exactly the records with nothing newer than the stored stamps") {
  FileDevice a("known-a"), b("known-b");
  b.clock.advance_ms(3600 * 1000);
  fill(a, 12);
  std::string first = a.streamed(Json::object(), -1);
  Json report = b.core->import_sync_text(first, false);
  REQUIRE_FALSE(report.contains("error"));
  std::string lead = a.call("lead.list", {{"limit", 1}})["items"][0]["id"];
  a.clock.advance_ms(2 * 3600 * 1000);
  a.call("lead.update", {{"id", lead}, {"notes", "sonra"}});
  std::string second = a.streamed(Json::object(), -1);
  // Which records b's mirror calls known, read through a second connection to b's file.
  auto unknown_in = [&](const std::string& text) {
    Database db(b.path);
    ChangeLog changes(db);
    HybridClock hlc(b.core->device_id(), [] { return int64_t{0}; });
    CommandContext ctx{db, hlc, changes};
    ImportMirror mirror(ctx);
    SyncDocument doc = read_sync_text(text, INT64_MAX, [&](const IncomingRecord& r) { return mirror.known(r); });
    std::vector<std::string> unknown;
    for (const auto& r : doc.records) {
      if (!r.known) unknown.push_back(r.entity->name + " " + r.id());
    }
    return unknown;
  };
  // Seeded rows a file carries unstamped (the default pipeline and stages pointed at) have no
  // stored stamps to compare with: they take the full way, which skips them too.
  std::set<std::string> unstamped;
  for (const auto& u : unknown_in(first)) {
    CHECK((u.rfind("pipeline ", 0) == 0 || u.rfind("stage ", 0) == 0));
    unstamped.insert(u);
  }
  std::set<std::string> expected = unstamped;
  expected.insert("lead " + lead);
  auto in_second = unknown_in(second);
  CHECK(std::set<std::string>(in_second.begin(), in_second.end()) == expected);
  // The import of the second file takes the one edit and counts the others as skipped.
  Json again = b.core->import_sync_text(second, false);
  CHECK(again["counts"]["updated"] == 1);
  CHECK(again["counts"]["added"] == 0);
  in_second = unknown_in(second);
  CHECK(std::set<std::string>(in_second.begin(), in_second.end()) == unstamped);
}

// The import reads most records straight from the file's text (RecordScanner in
// sync_document.cpp) and leaves any other shape to the tree reader: either way the reply must
// be the tree import's, accepted or refused, with the same place named.
TEST_CASE("records read straight from the text give the tree import's reply, odd shapes included") {
  FileDevice a("scan");
  fill(a, 4);
  const Json doc = Json::parse(a.streamed(Json::object(), -1));
  auto first_of = [&](const std::string& entity) {
    for (std::size_t i = 0; i < doc["records"].size(); ++i) {
      if (doc["records"][i]["entity"] == entity && doc["records"][i].contains("stamp")) return i;
    }
    FAIL("no " << entity);
    return std::size_t{0};
  };
  const std::size_t lead_at = first_of("lead"), deal_at = first_of("deal");
  const Json lead = doc["records"][lead_at], deal = doc["records"][deal_at];
  const std::string stamp = lead["stamp"];
  Device b;
  // The file with record `at` written as `record`, imported (dry run) from its text and from its tree.
  auto both = [&](std::size_t at, const std::string& record) {
    Json holder = doc;
    holder["records"][at] = "@RECORD@";
    std::string text = holder.dump();
    text.replace(text.find("\"@RECORD@\""), 10, record);
    INFO(record);
    Json by_text = b.core->import_sync_text(text, true);
    Json by_tree = b.core->call("sync.import", {{"document", Json::parse(text)}, {"dry_run", true}});
    CHECK(by_text == by_tree);
    if (!by_text.contains("error")) {  // stored alike: values and stamps
      Device c, d;
      c.core->import_sync_text(text, false);
      d.core->call("sync.import", {{"document", Json::parse(text)}});
      CHECK(c.digest() == d.digest());
    }
    return by_text;
  };
  auto edit = [](std::string s, const std::string& from, const std::string& to) {
    auto at = s.find(from);
    REQUIRE(at != std::string::npos);
    return s.replace(at, from.size(), to);
  };
  auto accepted = [](const Json& reply) { return !reply.contains("error"); };

  // As written, indented, keys in another order, spaces around the colons.
  CHECK(accepted(both(lead_at, lead.dump())));
  CHECK(accepted(both(lead_at, lead.dump(2))));
  std::string reordered = "{\"values\":" + lead["values"].dump() + ",\"stamp\":" + lead["stamp"].dump() +
                          ",\"id\":" + lead["id"].dump() + ",\"entity\":\"lead\"}";
  CHECK(accepted(both(lead_at, reordered)));
  std::string spaced = lead.dump();
  for (std::size_t at = 0; (at = spaced.find("\":", at)) != std::string::npos; at += 4) spaced.replace(at, 2, "\" : ");
  CHECK(accepted(both(lead_at, spaced)));

  // Escapes in values and keys; a key given twice (the last counts, as in a parser).
  Json with_city = lead;
  with_city["values"]["city"] = "X";
  std::string city = with_city.dump();
  CHECK(accepted(both(lead_at, edit(city, "\"city\":\"X\"", R"("city":"\u0130zmir \"merkez\" \/ \t \\")"))));
  CHECK(accepted(both(lead_at, edit(city, "\"city\":\"X\"", R"("ci\u0074y":"X")"))));
  CHECK(accepted(both(lead_at, edit(city, "\"city\":\"X\"", R"("city":"Önce","city":"X")"))));
  CHECK(accepted(both(lead_at, edit(city, "\"entity\":\"lead\"", R"("entity":"deal","entity":"lead")"))));
  CHECK(error_code(both(lead_at, edit(city, "\"city\":\"X\"", R"("city":"X","city":5)"))) == "wrong_type");

  // Stamps: for one field, given twice, null, for a field left out of values, for many fields.
  Json stamped = with_city;
  stamped["stamps"] = {{"city", nullptr}};
  CHECK(accepted(both(lead_at, stamped.dump())));
  CHECK(accepted(both(lead_at, edit(stamped.dump(), "\"stamps\":{\"city\":null}",
                                    "\"stamps\":{\"city\":\"" + stamp + "\",\"city\":null}"))));
  CHECK(accepted(both(lead_at, edit(stamped.dump(), "\"stamps\":{\"city\":null}",
                                    "\"stamps\":{\"city\":null,\"city\":\"" + stamp + "\"}"))));
  Json absent = lead;
  absent["values"].erase("website");
  absent["stamps"] = {{"website", stamp}};
  CHECK(error_field(both(lead_at, absent.dump())) == "/records/" + std::to_string(lead_at) + "/stamps/website");
  Json many = lead;
  for (const auto& [name, value] : lead["values"].items()) many["stamps"][name] = stamp;
  CHECK(accepted(both(lead_at, many.dump())));
  CHECK(error_field(both(lead_at, edit(stamped.dump(), "\"city\":null", "\"city\":\"soon\""))) ==
        "/records/" + std::to_string(lead_at) + "/stamps/city");
  CHECK(error_code(both(lead_at, edit(lead.dump(), "\"values\":", "\"stamps\":null,\"values\":"))) == "wrong_type");

  // The record's stamp: null, of the wrong type, not a stamp.
  CHECK(accepted(both(lead_at, edit(lead.dump(), "\"" + stamp + "\"", "null"))));
  CHECK(error_code(both(lead_at, edit(lead.dump(), "\"" + stamp + "\"", "5"))) == "wrong_type");
  CHECK(error_code(both(lead_at, edit(lead.dump(), "\"" + stamp + "\"", "\"soon\""))) == "invalid_stamp");

  // Keys and entities that do not belong; a wrong id; values of the wrong shape.
  Json extra = lead;
  extra["extra"] = 1;
  CHECK(error_code(both(lead_at, extra.dump())) == "unknown_field");
  extra = lead;
  extra["values"]["shoe_size"] = 42;
  CHECK(error_code(both(lead_at, extra.dump())) == "unknown_field");
  CHECK(error_code(both(lead_at, edit(lead.dump(), "\"lead\"", "\"Lead\""))) == "unknown_entity");
  std::string id = lead["id"], upper = id;
  for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  CHECK(error_code(both(lead_at, edit(lead.dump(), id, upper))) == "invalid_id");
  CHECK(error_code(both(lead_at, edit(lead.dump(), "\"id\":", "\"id\":1,\"x\":"))) == "unknown_field");
  Json bare = lead;
  bare["values"] = Json::object();
  CHECK(error_code(both(lead_at, bare.dump())) == "invalid_value");  // its status may not be ""
  bare["values"] = Json::array();
  CHECK(error_code(both(lead_at, bare.dump())) == "wrong_type");
  bare.erase("values");
  CHECK(error_code(both(lead_at, bare.dump())) == "missing_field");

  // Values against their kinds and the domain rules.
  Json status = lead;
  status["values"]["status"] = "bogus";
  CHECK(error_field(both(lead_at, status.dump())) == "/records/" + std::to_string(lead_at) + "/values/status");
  Json tags = lead;
  tags["values"]["tags"] = {"a\"b", "ç", ""};
  CHECK(accepted(both(lead_at, tags.dump())));
  tags["values"]["tags"] = Json::array();
  for (int i = 0; i < 51; ++i) tags["values"]["tags"].push_back("t" + std::to_string(i));
  CHECK(error_code(both(lead_at, tags.dump())) == "too_long");
  Json longer = lead;
  std::size_t max = find_sync_entity("lead")->field("name")->max_chars;
  std::string name;
  for (std::size_t i = 0; i <= max; ++i) name += "ş";
  longer["values"]["name"] = name;
  CHECK(error_code(both(lead_at, longer.dump())) == "too_long");
  name.erase(name.size() - 2);
  longer["values"]["name"] = name;
  CHECK(accepted(both(lead_at, longer.dump())));

  std::string amount = "\"amount\":" + deal["values"]["amount"].dump();
  for (const char* value : {"\"150000\"", "1.5e5", "150000.0", "-5", "123456789012345678901", "1000000000000000001",
                            "999999999999999999", "0", "null", "true"}) {
    INFO(value);
    Json reply = both(deal_at, edit(deal.dump(), amount, std::string("\"amount\":") + value));
    CHECK(accepted(reply) == (std::string_view(value) == "999999999999999999" || std::string_view(value) == "0"));
  }
}

}  // namespace kervan::testing
