#include "core/sync_state.hpp"

#include <algorithm>
#include <climits>
#include <cstdio>
#include <optional>

#include "core/change_log.hpp"
#include "core/clock.hpp"
#include "core/database.hpp"
#include "core/sync_entities.hpp"

namespace kervan {
namespace {

constexpr const char* kSeenPrefix = "sync.seen/";  // + entity + "/" + id -> local stamp
constexpr const char* kPeerPrefix = "sync.peer/";  // + peer + "/clock" or "/at"

}  // namespace

std::string read_meta_value(Database& db, const std::string& key) {
  Statement st(db, "SELECT value FROM meta WHERE key = ?1");
  st.bind(1, key);
  return st.step() ? st.column_text(0) : std::string();
}

void write_meta_value(Database& db, const std::string& key, const std::string& value) {
  Statement st(db, "INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  st.bind(1, key).bind(2, value).run();
}

std::string device_name(Database& db) { return read_meta_value(db, "device_name"); }

std::string device_display_name(Database& db, const std::string& device_id) {
  std::string name = device_name(db);
  return name.empty() ? "device-" + device_id.substr(0, 8) : name;
}

std::string peer_export_clock(Database& db, const std::string& peer) {
  return read_meta_value(db, kPeerPrefix + peer + "/clock");
}

void remember_export(Database& db, const std::string& peer, const HlcStamp& clock, const std::string& at_iso) {
  write_meta_value(db, "sync.last_export_at", at_iso);
  if (peer.empty()) return;
  write_meta_value(db, kPeerPrefix + peer + "/clock", clock.to_string());
  write_meta_value(db, kPeerPrefix + peer + "/at", at_iso);
}

void remember_import(Database& db, const std::string& at_iso) { write_meta_value(db, "sync.last_import_at", at_iso); }

void mark_seen(Database& db, const std::vector<std::pair<std::string, std::string>>& records, const std::string& stamp) {
  Statement st(db, "INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  for (const auto& [entity, id] : records) {
    st.bind(1, kSeenPrefix + entity + "/" + id).bind(2, stamp);
    st.run();
    st.reset();
  }
}

std::vector<std::pair<std::string, std::string>> records_seen_after(Database& db, const std::string& since) {
  // The meta key is the primary key, so the prefix range is an index search.
  Statement st(db, "SELECT key FROM meta WHERE key >= ?1 AND key < ?2 AND value > ?3");
  std::string prefix = kSeenPrefix;
  std::string end = prefix.substr(0, prefix.size() - 1) + static_cast<char>(prefix.back() + 1);
  st.bind(1, prefix).bind(2, end).bind(3, since);
  std::vector<std::pair<std::string, std::string>> out;
  while (st.step()) {
    std::string rest = st.column_text(0).substr(prefix.size());
    auto slash = rest.find('/');
    if (slash != std::string::npos) out.push_back({rest.substr(0, slash), rest.substr(slash + 1)});
  }
  return out;
}

namespace {

// Rows of a query as JSON array texts (the query selects one kervan_json_array(...) column,
// database.cpp: the same text as SQLite's json_array, which this build leaves out).
std::vector<std::string> json_rows(Database& db, const std::string& sql) {
  std::vector<std::string> rows;
  Statement st(db, sql);
  while (st.step()) rows.push_back(st.column_text(0));
  return rows;
}

std::string all_columns(Database& db, const std::string& table) {
  std::string cols;
  Statement st(db, "SELECT name FROM pragma_table_info(?1) ORDER BY cid");
  st.bind(1, table);
  while (st.step()) cols += (cols.empty() ? "" : ", ") + st.column_text(0);
  return cols;
}

}  // namespace

CanonicalState canonical_state(Database& db) {
  CanonicalState state;
  for (const auto& e : sync_entities()) {
    std::string cols = all_columns(db, e.table);
    state.push_back({e.name, json_rows(db, "SELECT kervan_json_array(" + cols + ") FROM " + e.table + " WHERE " +
                                               e.row_filter + " ORDER BY 1")});
  }
  std::vector<std::string> stamps;
  for (const auto& [key, fields] : ChangeLog(db).all_stamps()) {
    for (const auto& [field, stamp] : fields) stamps.push_back(Json::array({key.first, key.second, field, stamp}).dump());
  }
  std::sort(stamps.begin(), stamps.end());
  state.push_back({"field_stamps", stamps});
  state.push_back({"tombstones", json_rows(db, "SELECT kervan_json_array(entity, record_id, stamp) FROM tombstones ORDER BY 1")});
  state.push_back({"dedupe_keys", json_rows(db, "SELECT kervan_json_array(hash, entity, uuid_text(record)) FROM dedupe_hashes ORDER BY 1")});
  return state;
}

std::string state_digest(const CanonicalState& state) {
  uint64_t a = 0xcbf29ce484222325ULL, b = 0x84222325cbf29ce4ULL;
  auto add = [&](const std::string& text) {
    for (unsigned char c : text) {
      a = (a ^ c) * 0x100000001b3ULL;
      b = (b ^ c) * 0x100000001b3ULL + 0x9e3779b97f4a7c15ULL;
    }
    a = (a ^ 0x0a) * 0x100000001b3ULL;  // separator, so rows cannot run into each other
  };
  for (const auto& [table, rows] : state) {
    add(table);
    for (const auto& row : rows) add(row);
  }
  char buf[33];
  std::snprintf(buf, sizeof buf, "%016llx%016llx", static_cast<unsigned long long>(a), static_cast<unsigned long long>(b));
  return buf;
}

Json device_info(Database& db, const std::string& device_id) {
  auto or_null = [](const std::string& v) { return v.empty() ? Json(nullptr) : Json(v); };
  Json peers = Json::array();
  Statement st(db, "SELECT key, value FROM meta WHERE key >= ?1 AND key < ?2 ORDER BY key");
  std::string prefix = kPeerPrefix;
  st.bind(1, prefix).bind(2, prefix.substr(0, prefix.size() - 1) + static_cast<char>(prefix.back() + 1));
  while (st.step()) {
    std::string rest = st.column_text(0).substr(prefix.size());
    if (rest.size() < 6 || rest.compare(rest.size() - 6, 6, "/clock") != 0) continue;
    std::string peer = rest.substr(0, rest.size() - 6);
    peers.push_back({{"peer", peer},
                     {"last_export_clock", st.column_text(1)},
                     {"last_export_at", or_null(read_meta_value(db, prefix + peer + "/at"))}});
  }
  // The oldest change this device holds that no export carried yet: the records stamped after
  // the last export (each counted by its newest change, from the index: no scan) and an import
  // made since. Null when everything is exported. The export reminder counts from it.
  const std::string last_export = read_meta_value(db, "sync.last_export_at");
  const std::string last_import = read_meta_value(db, "sync.last_import_at");
  const int64_t exported_ms = last_export.empty() ? INT64_MIN : parse_iso8601(last_export).value_or(INT64_MIN);
  std::optional<int64_t> unexported;
  Statement oldest(db, "SELECT min(newest_ms) FROM record_stamps WHERE newest_ms > ?1");
  oldest.bind(1, exported_ms);
  if (oldest.step() && !oldest.column_is_null(0)) unexported = oldest.column_int(0);
  if (auto imported = parse_iso8601(last_import); imported && *imported > exported_ms) {
    unexported = std::min(unexported.value_or(*imported), *imported);
  }
  return Json{{"id", device_id},
              {"name", device_name(db)},
              {"display_name", device_display_name(db, device_id)},
              {"last_export_at", or_null(last_export)},
              {"last_import_at", or_null(last_import)},
              {"unexported_since", unexported ? Json(format_iso8601(*unexported)) : Json(nullptr)},
              {"peers", peers}};
}

}  // namespace kervan
