#include "core/sync_import.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "core/change_log.hpp"
#include "core/clock.hpp"
#include "core/database.hpp"
#include "core/sync.hpp"
#include "core/sync_document.hpp"
#include "core/sync_entities.hpp"
#include "core/sync_state.hpp"

namespace kervan {
namespace {

// The report's lists (capped) and exact counts.
class Report {
 public:
  void add(const char* list, Json entry) {
    ++counts_[list];
    if (lists_[list].size() < kMaxReportEntries) lists_[list].push_back(std::move(entry));
    else truncated_ = true;
  }
  void count(const char* list) {
    // Called once per record known already: no key string is made when the count exists.
    if (auto it = counts_.find(std::string_view(list)); it != counts_.end()) ++it->second;
    else ++counts_[list];
  }
  // Entries gathered elsewhere (the first of `total`).
  void add_gathered(const char* list, const std::vector<Json>& entries, std::size_t total) {
    counts_[list] += static_cast<int64_t>(total);
    Json& kept = lists_[list];
    if (kept.is_null()) kept = Json::array();
    for (const auto& entry : entries) {
      if (kept.size() < kMaxReportEntries) kept.push_back(entry);
    }
    if (static_cast<int64_t>(kept.size()) < counts_[list]) truncated_ = true;
  }
  Json to_json(const SyncDocument& doc, bool dry_run) const {
    Json out{{"source", {{"id", doc.device_id}, {"name", doc.device_name}}},
             {"format_version", doc.version},
             {"dry_run", dry_run},
             {"truncated", truncated_}};
    Json counts = Json::object();
    for (const char* list : {"added", "updated", "deleted", "skipped", "replaced", "discarded", "references", "clamped"}) {
      auto c = counts_.find(list);
      counts[list] = c == counts_.end() ? 0 : c->second;
      if (std::string_view(list) == "skipped") continue;
      auto l = lists_.find(list);
      out[list] = l == lists_.end() ? Json::array() : l->second;
    }
    out["counts"] = counts;
    return out;
  }

 private:
  std::map<std::string, int64_t, std::less<>> counts_;
  std::map<std::string, Json> lists_;
  bool truncated_ = false;
};

// The field stamps as they stand during the import: those stored before it kept packed (a
// short text per record, all in one buffer; unpacked when asked), those the import changed
// read back from the database.
class StampMirror {
 public:
  explicit StampMirror(ChangeLog& changes) : changes_(changes), view_(changes) {
    changes.for_each_packed([&](std::string_view entity, std::string_view id, bool uuid, std::string_view stamps) {
      // A text fits 32 bits: SQLite's longest text is 10^9 bytes (SQLITE_MAX_LENGTH).
      Entry entry{arena_.size(), static_cast<uint32_t>(stamps.size()), false};
      auto added = uuid ? records_.insert_uuid(entity, reinterpret_cast<const unsigned char*>(id.data()), entry)
                        : records_.insert(entity, id, entry);
      if (added.second) arena_.append(stamps);  // the first row of a record counts, as before
    });
  }
  std::optional<FieldStamps> find(const std::string& entity, const std::string& id) {
    const Entry* entry = records_.find(entity, id);
    if (entry && entry->changed) {
      FieldStamps stamps = changes_.record_stamps(entity, id);
      if (stamps.empty()) return std::nullopt;
      return stamps;
    }
    if (!entry || entry->size == kNoText) return std::nullopt;
    return changes_.unpack_stamps(packed(*entry));
  }
  FieldStamps get(const std::string& entity, const std::string& id) { return find(entity, id).value_or(FieldStamps{}); }
  // The record's stamps changed in the database.
  void changed(const std::string& entity, const std::string& id) {
    Entry& entry = *records_.insert(entity, id, Entry{0, kNoText, true}).first;
    entry.changed = true;
  }
  // True when the record's stamps as stored before the import (and not changed since) hold,
  // for every stamp of `fields` later than `floor`, the same or a later stamp: find() would
  // then give stamps no field of `fields` is newer than. False whenever that is not certain
  // (the caller then takes find()'s way). Reads the stored text in place.
  bool knows_all(const IncomingRecord& r, std::string_view floor) {
    const Entry* entry = records_.find_uuid(r.entity->name, r.uuid);
    if (!entry || entry->changed || entry->size == kNoText || !view_.load(packed(*entry))) return false;
    std::string_view last_stamp, last_local;  // the last pair compared: most fields share both
    for (const auto& f : r.entity->fields) {  // any order: every field is compared
      const IncomingField& field = r.fields.slot(f);
      std::string_view stamp = field.stamp;
      if (!field.value || stamp.empty() || stamp <= floor) continue;
      std::string_view local = view_.stamp(f.name, f.number);
      if (local.empty()) return false;
      if (same_text(stamp, last_stamp) && same_text(local, last_local)) continue;
      if (stamp > local) return false;
      last_stamp = stamp;
      last_local = local;
    }
    return true;
  }

 private:
  static bool same_text(std::string_view a, std::string_view b) { return a.data() == b.data() && a.size() == b.size(); }
  struct Entry {
    uint64_t offset = 0;
    uint32_t size = kNoText;  // kNoText: no stamps stored before the import
    bool changed = false;     // changed by the import: read from the database
  };
  static constexpr uint32_t kNoText = UINT32_MAX;
  std::string_view packed(const Entry& entry) const { return std::string_view(arena_).substr(entry.offset, entry.size); }
  ChangeLog& changes_;
  ChangeLog::PackedView view_;
  RecordTable<Entry> records_;
  std::string arena_;
};

}  // namespace

struct ImportMirror::Parts {
  explicit Parts(CommandContext& ctx) : stamps(ctx.changes) {
    Statement tombs(ctx.db, "SELECT entity, record_id, stamp FROM tombstones");
    while (tombs.step()) *tombstones.insert(tombs.column_view(0), tombs.column_view(1)).first = tombs.column_text(2);
  }
  StampMirror stamps;                    // the field stamps
  RecordTable<std::string> tombstones;   // mirror of tombstones

  // The record's tombstone stamp, "" when it has none; valid until a tombstone is added.
  const std::string& tombstone_of(const std::string& entity, const std::string& id) {
    return or_none(tombstones.find(entity, id));
  }
  const std::string& tombstone_of(const IncomingRecord& r) { return or_none(tombstones.find_uuid(r.entity->name, r.uuid)); }
  static const std::string& or_none(const std::string* stamp) {
    static const std::string none;
    return stamp ? *stamp : none;
  }
};

ImportMirror::ImportMirror(CommandContext& ctx) : parts_(std::make_unique<Parts>(ctx)) {}
ImportMirror::~ImportMirror() = default;

bool ImportMirror::known(const IncomingRecord& r) {
  return parts_->stamps.knows_all(r, parts_->tombstone_of(r));
}

namespace {

Json stamp_or_null(const std::string& stamp) { return stamp.empty() ? Json(nullptr) : Json(stamp); }

class Importer {
 public:
  // The mirror (stamps and tombstones, read once: most records of a file are usually known
  // already and need no row read) is the one the document was read with.
  Importer(CommandContext& ctx, SyncDocument& doc, ImportMirror& mirror)
      : ctx_(ctx), doc_(doc), mirror_(mirror.parts()), stamps_(mirror_.stamps), tombstones_(mirror_.tombstones) {}

  // Contract: runs every phase in order; the caller's transaction makes it all-or-nothing.
  Json run(bool dry_run) {
    clamp_and_observe();
    merge_tombstones();
    // Records are read again one at a time (doc_.load), entity by entity; those the reader
    // found known are not.
    for (const auto& e : sync_entities()) {
      for (std::size_t i = 0; i < doc_.records.size(); ++i) {
        if (doc_.records[i].entity != &e) continue;
        if (doc_.records[i].known) report_.count("skipped");
        else apply_record(doc_.load(i));
      }
    }
    apply_deletes();
    settle_references();
    refresh_touched();
    // Nothing written or removed: the references stand as they stood (0.2 s at 100k natively).
    Statement check(ctx_.db, !changed_any_ ? "SELECT 1 WHERE 0" : "PRAGMA foreign_key_check");
    if (check.step()) {
      throw CommandError("integrity", "The import would leave a " + check.column_text(0) +
                                          " row pointing at a missing record; nothing was imported");
    }
    std::vector<RecordKey> seen(seen_.begin(), seen_.end());
    mark_seen(ctx_.db, seen, ctx_.clock.tick().to_string());
    remember_import(ctx_.db, format_iso8601(ctx_.clock.now_ms()));
    return report_.to_json(doc_, dry_run);
  }

 private:
  CommandContext& ctx_;
  SyncDocument& doc_;
  Report report_;
  std::optional<RecordTable<char>> in_file_;  // the records of the file, made when first asked
  std::set<RecordKey> touched_;  // rows whose derived columns need recomputing
  std::set<RecordKey> seen_;     // records whose state changed here (forwarded by later exports)
  // Entities with rows stored or removed here, by position in sync_entities().
  std::vector<char> written_ = std::vector<char>(sync_entities().size()), removed_ = written_;
  bool changed_any_ = false;
  void note(std::vector<char>& which, const SyncEntity& e) {
    which[static_cast<std::size_t>(&e - sync_entities().data())] = 1;
    changed_any_ = true;
  }
  bool noted(const std::vector<char>& which, const SyncEntity& e) const {
    return which[static_cast<std::size_t>(&e - sync_entities().data())] != 0;
  }
  ImportMirror::Parts& mirror_;
  StampMirror& stamps_;                    // the field stamps
  RecordTable<std::string>& tombstones_;   // mirror of tombstones

  const std::string& tombstone_of(const std::string& entity, const std::string& id) {
    return mirror_.tombstone_of(entity, id);
  }
  bool in_file(const std::string& entity, const std::string& id) {
    if (!in_file_) {
      in_file_.emplace();
      in_file_->reserve(doc_.records.size());
      for (const auto& r : doc_.records) in_file_->insert_uuid(r.entity->name, r.uuid);
    }
    return in_file_->find(entity, id) != nullptr;
  }
  void set_stamps(const std::string& entity, const std::string& id, const FieldStamps& stamps) {
    ctx_.changes.set_stamps(entity, id, stamps);
    stamps_.changed(entity, id);
  }

  enum class Target { alive, deleted, unknown };

  // A stamp more than the allowed drift ahead of this device's wall clock is clamped to the
  // limit (and reported) so a device with a wrong date cannot win every conflict for years.
  void clamp_and_observe() {
    int64_t limit = doc_.clamp_limit_ms;
    auto clamp = [&](std::string& stamp, const std::string& entity, const std::string& id, const std::string& field) {
      auto parsed = HlcStamp::parse(stamp);
      if (!parsed || parsed->wall_ms <= limit) return;
      std::string clamped = HlcStamp{limit, parsed->counter, parsed->device}.to_string();
      Json entry{{"entity", entity}, {"id", id}, {"stamp", stamp}, {"clamped_to", clamped}};
      if (!field.empty()) entry["field"] = field;
      report_.add("clamped", entry);
      stamp = clamped;
    };
    clamp(doc_.clock, "document", "", "clock");
    // The records' stamps were clamped as they were read (reported here, in file order).
    report_.add_gathered("clamped", doc_.clamped, doc_.clamped_count);
    std::string newest = std::max(doc_.clock, doc_.newest);
    for (auto& t : doc_.tombstones) {
      clamp(t.stamp, t.entity->name, t.id, "");
      newest = std::max(newest, t.stamp);
    }
    if (auto stamp = HlcStamp::parse(newest)) ctx_.clock.observe(*stamp);
  }

  void merge_tombstones() {
    for (const auto& t : doc_.tombstones) {
      if (t.stamp <= tombstone_of(t.entity->name, t.id)) {
        report_.count("skipped");
        continue;
      }
      ctx_.changes.merge_tombstone(t.entity->name, t.id, t.stamp);
      *tombstones_.insert(t.entity->name, t.id).first = t.stamp;
      seen_.insert({t.entity->name, t.id});
    }
  }

  Target target_state(const std::string& entity, const std::string& id, bool file_counts) {
    const SyncEntity* e = find_sync_entity(entity);
    if (e && row_exists(ctx_.db, *e, id)) return Target::alive;
    if (!tombstone_of(entity, id).empty()) return Target::deleted;
    if (file_counts && in_file(entity, id)) return Target::alive;
    return Target::unknown;
  }

  // Settles the references among `fields` of `row` (values about to be stored): optional and
  // loose ones that cannot be kept become "". Returns the required ones whose target is deleted
  // or unknown (the caller skips the record, or keeps the local value); `action` is reported.
  std::vector<std::string> resolve_references(const SyncEntity& e, Json& row, const std::vector<std::string>& fields,
                                              const char* required_action) {
    std::vector<std::string> broken_required;
    for (const auto& name : fields) {
      const SyncField& f = *e.field(name);
      if (f.kind != SyncKind::reference || f.rule == RefRule::none) continue;
      std::string target_id = row[name].get<std::string>();
      if (target_id.empty()) continue;
      std::string target = f.target == "*" ? row["entity"].get<std::string>() : f.target;
      Target state = target_state(target, target_id, f.rule == RefRule::loose);
      bool broken = f.rule == RefRule::loose ? state == Target::unknown : state != Target::alive;
      if (!broken) continue;
      Json entry{{"entity", e.name}, {"id", row["id"]}, {"field", name}, {"target_entity", target},
                 {"target_id", target_id}, {"target", state == Target::deleted ? "deleted" : "unknown"}};
      if (f.rule == RefRule::required) {
        entry["action"] = required_action;
        broken_required.push_back(name);
      } else {
        entry["action"] = "cleared";
        row[name] = "";
      }
      report_.add("references", entry);
    }
    return broken_required;
  }

  // True when every field (created_at aside) was written after `tombstone`: the record was
  // written again as a whole after its delete (a rate set again, an activity linked again).
  static bool written_whole_after(const SyncEntity& e, const std::map<std::string, std::string>& stamps,
                                  const std::string& tombstone) {
    for (const auto& f : e.fields) {
      if (f.name == "created_at") continue;
      auto it = stamps.find(f.name);
      if (it == stamps.end() || it->second <= tombstone) return false;
    }
    return true;
  }

  // True when some incoming stamp is later than both the local one and the tombstone.
  static bool has_newer(const std::map<std::string, std::string>& incoming,
                        const std::map<std::string, std::string>& local, const std::string& tombstone) {
    for (const auto& [name, stamp] : incoming) {
      auto it = local.find(name);
      if (stamp > tombstone && (it == local.end() || stamp > it->second)) return true;
    }
    return false;
  }

  static std::map<std::string, std::string> stamps_of(const IncomingRecord& r) {
    std::map<std::string, std::string> out;
    for (const auto& [name, field] : r.fields) {
      if (!field.stamp.empty()) out[name] = std::string(field.stamp);
    }
    return out;
  }

  void report_discarded(const SyncEntity& e, const std::string& id, const std::map<std::string, std::string>& stamps,
                        const std::string& tombstone) {
    bool any = false;
    for (const auto& [name, stamp] : stamps) {
      if (stamp <= tombstone || name == "created_at") continue;
      report_.add("discarded", {{"entity", e.name}, {"id", id}, {"field", name}, {"reason", "deleted"},
                                {"stamp", stamp}, {"deleted_stamp", tombstone}});
      any = true;
    }
    if (!any) report_.count("skipped");
  }

  void apply_record(const IncomingRecord& r) {
    const SyncEntity& e = *r.entity;
    const std::string& tombstone = mirror_.tombstone_of(r);
    // The usual case of a file this device mostly knows, without making maps of the stamps.
    if (stamps_.knows_all(r, tombstone)) {
      report_.count("skipped");
      return;
    }
    auto incoming_stamps = stamps_of(r);
    auto known = stamps_.find(e.name, r.id);
    if (known && !has_newer(incoming_stamps, *known, tombstone)) {
      report_.count("skipped");  // everything in it is known here already
      return;
    }
    std::optional<Json> local;
    if (e.has_id_column()) {
      local = read_row(ctx_.db, e, r.id);
    } else {
      Json keys;
      for (const auto& k : e.key_fields) keys[k] = *r.fields.at(k).value;
      local = read_keyed_row(ctx_.db, e, keys);
    }
    if (!local) {
      if (!tombstone.empty() && !written_whole_after(e, incoming_stamps, tombstone)) {
        report_discarded(e, r.id, incoming_stamps, tombstone);
        return;
      }
      Json row{{"id", r.id}};
      std::vector<std::string> names;
      for (const auto& [name, field] : r.fields) {
        row[name] = *field.value;
        names.push_back(name);
      }
      if (!resolve_references(e, row, names, "record_skipped").empty()) return;
      insert_sync_row(ctx_.db, e, row);
      note(written_, e);
      set_stamps(e.name, r.id, incoming_stamps);
      touched_.insert({e.name, r.id});
      seen_.insert({e.name, r.id});
      report_.add("added", {{"entity", e.name}, {"id", r.id}});
      return;
    }
    auto local_stamps = stamps_.get(e.name, r.id);
    Json row = *local;
    std::vector<std::string> newer;  // fields whose incoming stamp wins
    for (const auto& [name, stamp] : incoming_stamps) {
      auto it = local_stamps.find(name);
      if ((it != local_stamps.end() && stamp <= it->second) || stamp <= tombstone) continue;
      newer.push_back(name);
      row[name] = *r.fields.at(name).value;
    }
    if (newer.empty()) {
      report_.count("skipped");
      return;
    }
    std::vector<std::string> changed;
    for (const auto& name : newer) {
      if (row[name] != (*local)[name]) changed.push_back(name);
    }
    // A required target (a deal's stage, ...) that is gone or unknown: keep the local value.
    for (const auto& name : resolve_references(e, row, changed, "field_skipped")) {
      row[name] = (*local)[name];
      newer.erase(std::remove(newer.begin(), newer.end(), name), newer.end());
    }
    changed.erase(std::remove_if(changed.begin(), changed.end(),
                                 [&](const std::string& name) { return row[name] == (*local)[name]; }),
                  changed.end());
    for (const auto& name : changed) {
      auto old_stamp = local_stamps.count(name) ? local_stamps[name] : std::string();
      report_.add("replaced", {{"entity", e.name}, {"id", r.id}, {"field", name}, {"old", (*local)[name]},
                               {"new", row[name]}, {"old_stamp", stamp_or_null(old_stamp)},
                               {"new_stamp", incoming_stamps[name]}});
    }
    update_sync_row(ctx_.db, e, row, changed);
    note(written_, e);
    FieldStamps taken;
    for (const auto& name : newer) taken[name] = incoming_stamps[name];
    set_stamps(e.name, r.id, taken);
    touched_.insert({e.name, r.id});
    seen_.insert({e.name, r.id});
    if (changed.empty()) report_.count("skipped");
    else report_.add("updated", {{"entity", e.name}, {"id", r.id}, {"fields", changed}});
  }

  // Removes a row with its stamps (the tombstone, if any, stays) and its duplicate keys.
  void remove_row(const SyncEntity& e, const Json& row) {
    note(removed_, e);
    const std::string& id = row["id"].get_ref<const std::string&>();
    ctx_.changes.drop_stamps(e.name, id);
    stamps_.changed(e.name, id);
    delete_sync_row(ctx_.db, e, row);
    refresh_derived(ctx_.db, ctx_.changes, e, row, true);
    touched_.erase({e.name, id});
    seen_.insert({e.name, id});
  }

  // Rows that have a tombstone and were not written whole after it are deleted: an edit does
  // not undo a delete (the edit is reported as discarded).
  void apply_deletes() {
    for (const auto& e : sync_entities()) {
      if (!e.has_id_column()) continue;
      std::vector<std::pair<std::string, std::string>> candidates;
      Statement st(ctx_.db, "SELECT t.record_id, t.stamp FROM tombstones t JOIN " + e.table +
                                " r ON r.id = t.record_id WHERE t.entity = ?1");
      st.bind(1, e.name);
      while (st.step()) candidates.push_back({st.column_text(0), st.column_text(1)});
      for (const auto& [id, tombstone] : candidates) {
        auto stamps = stamps_.get(e.name, id);
        if (written_whole_after(e, stamps, tombstone)) continue;
        auto row = read_row(ctx_.db, e, id);
        if (!row) continue;
        for (const auto& [name, stamp] : stamps) {
          if (stamp > tombstone && name != "created_at") {
            report_.add("discarded", {{"entity", e.name}, {"id", id}, {"field", name}, {"reason", "deleted"},
                                      {"stamp", stamp}, {"deleted_stamp", tombstone}});
          }
        }
        remove_row(e, *row);
        report_.add("deleted", {{"entity", e.name}, {"id", id}, {"stamp", tombstone}, {"cascade", false}});
      }
    }
  }

  // Ids of rows of `e` whose reference `f` points at no row of its target.
  std::vector<std::string> dangling(const SyncEntity& e, const SyncField& f, const SyncEntity& target,
                                    const std::string& polymorphic) {
    std::string sql = "SELECT id FROM " + e.table + " WHERE " + f.name + " IS NOT NULL AND " + f.name + " <> '' AND " +
                      f.name + " NOT IN (SELECT id FROM " + target.table + ")";
    if (!polymorphic.empty()) sql += " AND entity = ?1";
    Statement st(ctx_.db, sql);
    if (!polymorphic.empty()) st.bind(1, polymorphic);
    std::vector<std::string> ids;
    while (st.step()) ids.push_back(st.column_text(0));
    return ids;
  }

  // After deletes: optional references to rows that are gone become "" (their stamps kept,
  // so every device ends the same); records that need a deleted target go with it. Only the
  // references this import could have broken are looked at, those of entities it wrote and
  // those at entities it removed rows of: before it, every reference held (foreign keys are
  // checked by every command and at the end of every import, and a record deleted here drops
  // the activity links to it). At 100k, looking at every reference took 0.3 s natively.
  void settle_references() {
    bool again = true;
    while (again) {
      again = false;
      for (const auto& e : sync_entities()) {
        for (const auto& f : e.fields) {
          if (f.rule != RefRule::optional && f.rule != RefRule::required) continue;
          std::vector<std::string> targets{f.target};
          if (f.target == "*") targets = {"deal", "lead", "contact", "company"};
          for (const auto& target_name : targets) {
            const SyncEntity& target = *find_sync_entity(target_name);
            if (!noted(written_, e) && !noted(removed_, target)) continue;  // untouched: still holds
            for (const auto& id : dangling(e, f, target, f.target == "*" ? target_name : "")) {
              auto row = read_row(ctx_.db, e, id);
              if (!row) continue;
              Json entry{{"entity", e.name}, {"id", id}, {"field", f.name}, {"target_entity", target_name},
                         {"target_id", (*row)[f.name]}, {"target", "deleted"}};
              if (f.rule == RefRule::optional) {
                (*row)[f.name] = "";
                update_sync_row(ctx_.db, e, *row, {f.name});
                note(written_, e);
                touched_.insert({e.name, id});
                entry["action"] = "cleared";
              } else {
                remove_row(e, *row);
                report_.add("deleted", {{"entity", e.name}, {"id", id}, {"stamp", nullptr}, {"cascade", true}});
                entry["action"] = "record_deleted";
                again = true;
              }
              report_.add("references", entry);
            }
          }
        }
      }
    }
  }

  void refresh_touched() {
    std::set<RecordKey> rows = touched_;
    // A contact's duplicate keys include its company's name.
    for (const auto& [entity, id] : touched_) {
      if (entity != "company") continue;
      Statement st(ctx_.db, "SELECT id FROM contacts WHERE company_id = ?1");
      st.bind(1, id);
      while (st.step()) rows.insert({"contact", st.column_text(0)});
    }
    for (const auto& [entity, id] : rows) {
      const SyncEntity& e = *find_sync_entity(entity);
      if (auto row = read_row(ctx_.db, e, id)) refresh_derived(ctx_.db, ctx_.changes, e, *row);
    }
  }
};

}  // namespace

Json import_sync_document(CommandContext& ctx, SyncDocument& doc, bool dry_run, ImportMirror* mirror) {
  // References are settled before the end, so foreign keys are checked at the end too.
  ctx.db.exec("PRAGMA defer_foreign_keys = ON");
  ctx.db.exec("SAVEPOINT sync_import");
  try {
    std::optional<ImportMirror> own;
    if (!mirror) mirror = &own.emplace(ctx);
    Json report = Importer(ctx, doc, *mirror).run(dry_run);
    if (dry_run) ctx.db.exec("ROLLBACK TO sync_import");
    ctx.db.exec("RELEASE sync_import");
    return report;
  } catch (...) {
    ctx.db.exec("ROLLBACK TO sync_import");
    ctx.db.exec("RELEASE sync_import");
    throw;
  }
}

}  // namespace kervan
