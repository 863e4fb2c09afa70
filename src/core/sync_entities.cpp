#include "core/sync_entities.hpp"

#include "core/change_log.hpp"
#include "core/clock.hpp"
#include "core/database.hpp"
#include "core/deals.hpp"
#include "core/record_types.hpp"

namespace kervan {
namespace {

struct RefSpec {
  std::string_view entity, field;
  RefRule rule;
  std::string_view target;
};

// Every reference between records and what it needs from its target (docs/sync.md).
constexpr RefSpec kRefs[] = {
    {"stage", "pipeline_id", RefRule::required, "pipeline"},
    {"stage_step", "stage_id", RefRule::required, "stage"},
    {"company", "source_lead_id", RefRule::loose, "lead"},
    {"contact", "company_id", RefRule::optional, "company"},
    {"contact", "source_lead_id", RefRule::loose, "lead"},
    {"lead", "contact_id", RefRule::optional, "contact"},
    {"lead", "company_id", RefRule::optional, "company"},
    {"deal", "company_id", RefRule::loose, "company"},
    {"deal", "contact_id", RefRule::loose, "contact"},
    {"deal", "source_lead_id", RefRule::loose, "lead"},
    {"deal", "pipeline_id", RefRule::required, "pipeline"},
    {"deal", "stage_id", RefRule::required, "stage"},
    {"deal_stage", "deal_id", RefRule::required, "deal"},
    {"deal_stage", "stage_id", RefRule::loose, "stage"},
    {"deal_step", "deal_id", RefRule::required, "deal"},
    {"deal_step", "step_id", RefRule::required, "stage_step"},
    {"activity_link", "activity_id", RefRule::required, "activity"},
    {"activity_link", "record_id", RefRule::required, "*"},
};

void add_ref(SyncEntity& e, SyncField& f) {
  for (const auto& r : kRefs) {
    if (r.entity == e.name && r.field == f.name) {
      f.kind = SyncKind::reference;
      f.rule = r.rule;
      f.target = r.target;
    }
  }
}

SyncEntity from_record_type(const RecordType& type) {
  SyncEntity e{std::string(type.entity), std::string(type.table)};
  for (const auto& f : type.fields) {
    SyncField s{std::string(f.name)};
    s.max_chars = f.rule.max_chars;
    switch (f.kind) {
      case FieldKind::text: s.kind = SyncKind::text; break;
      case FieldKind::text_list: s.kind = SyncKind::text_list; break;
      case FieldKind::boolean: s.kind = SyncKind::boolean; break;
      case FieldKind::reference: s.kind = SyncKind::reference; s.nullable = true; break;
    }
    add_ref(e, s);
    e.fields.push_back(s);
  }
  e.fields.push_back({"created_at", SyncKind::text, 40});
  e.searchable = true;
  e.dedupe = true;
  return e;
}

SyncEntity from_table(const Table& t) {
  SyncEntity e{std::string(t.entity), std::string(t.table)};
  for (const auto& c : t.columns) {
    SyncField s{std::string(c.name)};
    switch (c.kind) {
      case ColKind::text: s.kind = SyncKind::text; break;
      case ColKind::integer: s.kind = SyncKind::integer; break;
      case ColKind::opt_integer: s.kind = SyncKind::opt_integer; break;
      case ColKind::boolean: s.kind = SyncKind::boolean; break;
      case ColKind::reference: s.kind = SyncKind::reference; s.nullable = true; break;
      case ColKind::json: s.kind = SyncKind::json; break;
    }
    add_ref(e, s);
    e.fields.push_back(s);
  }
  e.fields.push_back({"created_at", SyncKind::text, 40});
  e.searchable = t.searchable;
  return e;
}

std::vector<SyncEntity> build_entities() {
  std::vector<SyncEntity> out;
  for (const Table* t : {&pipeline_table(), &stage_table(), &step_table()}) out.push_back(from_table(*t));
  for (const RecordType* t : {&company_type(), &contact_type(), &lead_type()}) out.push_back(from_record_type(*t));
  for (const Table* t : {&deal_table(), &history_table(), &deal_step_table(), &activity_table(),
                         &activity_link_table(), &rate_table()}) {
    out.push_back(from_table(*t));
  }
  SyncEntity list{"list_value",
                  "list_values",
                  {{"list", SyncKind::text, 40},
                   {"key", SyncKind::text, 200},
                   {"label_tr", SyncKind::text, 100},
                   {"label_en", SyncKind::text, 100},
                   {"position", SyncKind::integer},
                   {"archived", SyncKind::boolean}}};
  list.key_fields = {"list", "key"};
  list.timestamps = false;
  out.push_back(list);
  // Only settings that mean the same on every device travel; language and booth defaults
  // stay with the device.
  SyncEntity setting{"setting", "settings", {{"key", SyncKind::text, 60}, {"value", SyncKind::text, 200}}};
  setting.key_fields = {"key"};
  setting.row_filter = "key IN ('base_currency')";
  setting.timestamps = false;
  out.push_back(setting);
  return out;
}

}  // namespace

Json sync_value(const Statement& st, int col, const SyncField& f) {
  switch (f.kind) {
    case SyncKind::integer: return st.column_int(col);
    case SyncKind::opt_integer: return st.column_is_null(col) ? Json(nullptr) : Json(st.column_int(col));
    case SyncKind::boolean: return st.column_int(col) != 0;
    case SyncKind::text_list:
    case SyncKind::json: {
      Json v = Json::parse(st.column_text(col), nullptr, false);
      return v.is_array() ? v : Json::array();
    }
    default: return st.column_is_null(col) ? std::string() : st.column_text(col);
  }
}

const Json& empty_sync_value(SyncKind kind) {
  static const Json text = "", zero = 0, null = nullptr, no = false, list = Json::array();
  switch (kind) {
    case SyncKind::integer: return zero;
    case SyncKind::opt_integer: return null;
    case SyncKind::boolean: return no;
    case SyncKind::text_list:
    case SyncKind::json: return list;
    default: return text;
  }
}

namespace {

void bind_value(Statement& st, int index, const SyncField& f, const Json& v) {
  switch (f.kind) {
    case SyncKind::integer: st.bind(index, v.get<int64_t>()); break;
    case SyncKind::opt_integer:
      if (v.is_null()) st.bind_null(index);
      else st.bind(index, v.get<int64_t>());
      break;
    case SyncKind::boolean: st.bind(index, v.get<bool>() ? 1 : 0); break;
    case SyncKind::text_list:
    case SyncKind::json: st.bind(index, v.dump()); break;
    default: {
      const auto& text = v.get_ref<const std::string&>();
      if (text.empty() && f.nullable) st.bind_null(index);
      else st.bind(index, text);
    }
  }
}

std::string column_list(const SyncEntity& e) {
  std::string cols = e.has_id_column() ? "id" : "";
  for (const auto& f : e.fields) cols += (cols.empty() ? "" : ", ") + f.name;
  return cols;
}

// "id = ?N" or "list = ?N AND key = ?N+1", bound from the row by bind_key.
std::string key_condition(const SyncEntity& e, int first) {
  if (e.has_id_column()) return "id = ?" + std::to_string(first);
  std::string out;
  for (const auto& k : e.key_fields) out += (out.empty() ? "" : " AND ") + k + " = ?" + std::to_string(first++);
  return out;
}

void bind_key(Statement& st, const SyncEntity& e, const Json& row, int first) {
  if (e.has_id_column()) {
    st.bind(first, row["id"].get_ref<const std::string&>());
    return;
  }
  for (const auto& k : e.key_fields) st.bind(first++, row[k].get_ref<const std::string&>());
}

const RecordType* record_type_of(std::string_view entity) {
  for (const RecordType* t : {&lead_type(), &contact_type(), &company_type()}) {
    if (t->entity == entity) return t;
  }
  return nullptr;
}

const Table* table_of(std::string_view entity) {
  for (const Table* t : {&deal_table(), &activity_table()}) {
    if (t->entity == entity) return t;
  }
  return nullptr;
}

}  // namespace

const SyncField* SyncEntity::field(std::string_view name) const {
  // By halving over the names in order: asked for every field of every record an import reads.
  if (by_name.size() == fields.size()) {
    std::size_t low = 0, high = by_name.size();
    while (low < high) {
      std::size_t mid = (low + high) / 2;
      int c = std::string_view(fields[by_name[mid]].name).compare(name);
      if (c == 0) return &fields[by_name[mid]];
      if (c < 0) low = mid + 1;
      else high = mid;
    }
    return nullptr;
  }
  for (const auto& f : fields) {  // an entity made outside sync_entities()
    if (f.name == name) return &f;
  }
  return nullptr;
}

const std::vector<SyncEntity>& sync_entities() {
  static const std::vector<SyncEntity> entities = [] {
    auto out = build_entities();
    std::size_t number = 0;
    for (auto& e : out) {  // by insertion: a few dozen fields at most
      for (std::size_t i = 0; i < e.fields.size(); ++i) {
        e.fields[i].number = number++;
        e.by_name.push_back(i);
        for (std::size_t k = i; k > 0 && e.fields[e.by_name[k]].name < e.fields[e.by_name[k - 1]].name; --k) {
          std::swap(e.by_name[k], e.by_name[k - 1]);
        }
      }
    }
    return out;
  }();
  return entities;
}

const SyncEntity* find_sync_entity(std::string_view name) {
  for (const auto& e : sync_entities()) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

std::string keyed_id(const SyncEntity& e, const Json& row) {
  std::string name = e.name;
  for (const auto& k : e.key_fields) {
    const Json& v = row.contains(k) ? row[k] : Json();
    name += "\n" + (v.is_string() ? v.get<std::string>() : v.dump());
  }
  return derived_uuid(name);
}

std::string sync_id_of(const SyncEntity& e, const Json& row) {
  return e.has_id_column() ? row["id"].get<std::string>() : keyed_id(e, row);
}

void for_each_stored_row(Database& db, const SyncEntity& e, const std::function<void(const Statement&)>& fn,
                         const std::string& where, const std::vector<std::string>& params) {
  Statement st(db, "SELECT " + column_list(e) + " FROM " + e.table + " WHERE (" + e.row_filter + ") AND (" + where +
                       ")" + (e.has_id_column() ? " ORDER BY id" : ""));
  for (std::size_t i = 0; i < params.size(); ++i) st.bind(static_cast<int>(i + 1), params[i]);
  while (st.step()) fn(st);
}

void for_each_row(Database& db, const SyncEntity& e, const std::function<void(Json&)>& fn, const std::string& where,
                  const std::vector<std::string>& params) {
  for_each_stored_row(db, e, [&](const Statement& st) {
    Json row;
    int col = 0;
    if (e.has_id_column()) row["id"] = st.column_text(col++);
    for (const auto& f : e.fields) row[f.name] = sync_value(st, col++, f);
    if (!e.has_id_column()) row["id"] = keyed_id(e, row);
    fn(row);
  }, where, params);
}

std::vector<Json> read_rows(Database& db, const SyncEntity& e, const std::string& where,
                            const std::vector<std::string>& params) {
  std::vector<Json> rows;
  for_each_row(db, e, [&](Json& row) { rows.push_back(std::move(row)); }, where, params);
  return rows;
}

std::optional<Json> read_row(Database& db, const SyncEntity& e, std::string_view id) {
  if (e.has_id_column()) {
    auto rows = read_rows(db, e, "id = ?1", {std::string(id)});
    if (rows.empty()) return std::nullopt;
    return rows.front();
  }
  // Keyed tables are small (list values, settings): find the row whose derived id matches.
  for (auto& row : read_rows(db, e)) {
    if (row["id"] == id) return row;
  }
  return std::nullopt;
}

std::optional<Json> read_keyed_row(Database& db, const SyncEntity& e, const Json& keys) {
  std::vector<std::string> params;
  for (const auto& k : e.key_fields) params.push_back(keys[k].get<std::string>());
  auto rows = read_rows(db, e, key_condition(e, 1), params);
  if (rows.empty()) return std::nullopt;
  return rows.front();
}

bool row_exists(Database& db, const SyncEntity& e, std::string_view id) {
  if (!e.has_id_column()) return read_row(db, e, id).has_value();
  Statement st(db, "SELECT 1 FROM " + e.table + " WHERE id = ?1");
  st.bind(1, id);
  return st.step();
}

void insert_sync_row(Database& db, const SyncEntity& e, const Json& row) {
  std::string cols = column_list(e);
  int count = static_cast<int>(e.fields.size()) + (e.has_id_column() ? 1 : 0);
  if (e.timestamps) {
    cols += ", updated_at";
    ++count;
  }
  std::string sql = "INSERT INTO " + e.table + "(" + cols + ") VALUES(?1";
  for (int i = 2; i <= count; ++i) sql += ", ?" + std::to_string(i);
  Statement st(db, sql + ")");
  int index = 1;
  if (e.has_id_column()) st.bind(index++, row["id"].get_ref<const std::string&>());
  for (const auto& f : e.fields) bind_value(st, index++, f, row[f.name]);
  if (e.timestamps) st.bind(index++, row["created_at"].get_ref<const std::string&>());  // refresh_derived sets it
  st.run();
}

void update_sync_row(Database& db, const SyncEntity& e, const Json& row, const std::vector<std::string>& fields) {
  if (fields.empty()) return;
  std::string sql = "UPDATE " + e.table + " SET ";
  int index = 1;
  for (const auto& name : fields) {
    sql += (index > 1 ? ", " : "") + name + " = ?" + std::to_string(index);
    ++index;
  }
  Statement st(db, sql + " WHERE " + key_condition(e, index));
  index = 1;
  for (const auto& name : fields) bind_value(st, index++, *e.field(name), row[name]);
  bind_key(st, e, row, index);
  st.run();
}

void delete_sync_row(Database& db, const SyncEntity& e, const Json& row) {
  Statement st(db, "DELETE FROM " + e.table + " WHERE " + key_condition(e, 1));
  bind_key(st, e, row, 1);
  st.run();
}

void refresh_derived(Database& db, ChangeLog& changes, const SyncEntity& e, const Json& row, bool deleted) {
  const std::string& id = row["id"].get_ref<const std::string&>();
  if (deleted) {
    if (e.dedupe) refresh_dedupe_keys(db, e.name, id, nullptr);
    return;
  }
  if (e.timestamps) {
    // Locally updated_at is the wall time of the latest write; the newest stamp gives the same
    // on every device.
    std::string newest;
    for (const auto& [field, stamp] : changes.record_stamps(e.name, id)) newest = std::max(newest, stamp);
    if (auto stamp = HlcStamp::parse(newest)) {
      Statement st(db, "UPDATE " + e.table + " SET updated_at = ?2 WHERE id = ?1");
      st.bind(1, id).bind(2, format_iso8601(stamp->wall_ms)).run();
    }
  }
  if (const RecordType* type = record_type_of(e.name)) {
    auto record = find_record(db, *type, id);
    if (!record) return;
    Statement st(db, "UPDATE " + e.table + " SET search_text = ?2 WHERE id = ?1");
    st.bind(1, id).bind(2, search_text_of(*type, *record)).run();
    refresh_dedupe_keys(db, e.name, id, *record);
  } else if (const Table* table = table_of(e.name)) {
    auto stored = find_row(db, *table, id);
    if (!stored) return;
    Statement st(db, "UPDATE " + e.table + " SET search_text = ?2 WHERE id = ?1");
    st.bind(1, id).bind(2, row_search_text(*table, *stored)).run();
  }
}

}  // namespace kervan
