// sync.export: the records (whole, every field with its stamp) and tombstones that changed
// after a clock stamp, or all of them, plus every record they point at, as one document.
#include <map>
#include <set>

#include "core/change_log.hpp"
#include "core/clock.hpp"
#include "core/database.hpp"
#include "core/sync.hpp"
#include "core/sync_entities.hpp"
#include "core/sync_state.hpp"

namespace kervan {
namespace {

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
    Json fields = Json::object();
    for (const auto& f : e.fields) {
      auto it = stamps.find(f.name);
      fields[f.name] = {{"value", row[f.name]}, {"stamp", it == stamps.end() ? Json(nullptr) : Json(it->second)}};
    }
    return Json{{"entity", e.name}, {"id", id}, {"fields", fields}};
  }

 private:
  Database& db_;
  std::map<RecordKey, FieldStamps> stamps_;
  std::map<std::string, std::map<std::string, Json>> rows_;
};

}  // namespace

Json build_sync_export(CommandContext& ctx, const std::string& since, const HlcStamp& clock) {
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

}  // namespace kervan
