// Lead commands: lead.create, lead.get, lead.update, lead.delete, lead.list.
#include <array>
#include <string>
#include <vector>

#include "core/args.hpp"
#include "core/change_log.hpp"
#include "core/command.hpp"
#include "core/database.hpp"
#include "core/text.hpp"

namespace kervan {
namespace {

constexpr std::string_view kEntity = "lead";

struct LeadField {
  std::string_view name;
  TextRule rule;
  bool searchable;
};

// The editable text fields of a lead, in API order. Column names equal the API names.
constexpr std::array<LeadField, 11> kLeadFields = {{
    {"name", {200, false}, true},
    {"company", {200, false}, true},
    {"title", {200, false}, true},
    {"email", {254, false}, true},
    {"phone", {50, false}, true},
    {"city", {100, false}, true},
    {"country", {100, false}, true},
    {"source", {100, false}, true},
    {"event", {200, false}, true},
    {"notes", {20000, true}, true},
    {"owner", {100, false}, true},
}};

constexpr std::array<std::string_view, 5> kStatuses = {"new", "working", "qualified", "unqualified", "converted"};

std::string select_columns() {
  std::string cols = "id";
  for (const auto& f : kLeadFields) cols += ", " + std::string(f.name);
  return cols + ", status, created_at, updated_at";
}

Json read_lead(const Statement& st) {
  Json lead;
  lead["id"] = st.column_text(0);
  int col = 1;
  for (const auto& f : kLeadFields) lead[std::string(f.name)] = st.column_text(col++);
  lead["status"] = st.column_text(col++);
  lead["created_at"] = st.column_text(col++);
  lead["updated_at"] = st.column_text(col++);
  return lead;
}

// Folded text of every searchable field, plus the phone's digits alone so that
// "05321234567" finds "0532 123 45 67".
std::string search_text_of(const Json& lead) {
  std::string out;
  for (const auto& f : kLeadFields) {
    if (!f.searchable) continue;
    std::string folded = text::fold(lead[std::string(f.name)].get_ref<const std::string&>());
    if (!folded.empty()) out += folded + " ";
  }
  std::string digits;
  for (char c : lead["phone"].get_ref<const std::string&>()) {
    if (c >= '0' && c <= '9') digits += c;
  }
  if (!digits.empty()) out += digits;
  return out;
}

std::optional<Json> find_lead(Database& db, std::string_view id) {
  Statement st(db, "SELECT " + select_columns() + " FROM leads WHERE id = ?1");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read_lead(st);
}

Json require_lead(Database& db, std::string_view id) {
  auto lead = find_lead(db, id);
  if (!lead) throw CommandError("not_found", "No lead has the id \"" + std::string(id.substr(0, 80)) + "\"", "id");
  return *lead;
}

void check_has_name_or_company(const Json& lead) {
  if (lead["name"].get_ref<const std::string&>().empty() && lead["company"].get_ref<const std::string&>().empty()) {
    throw CommandError("required", "A lead needs a name or a company", "name");
  }
}

void write_lead(Database& db, const Json& lead, bool insert) {
  std::string sql;
  if (insert) {
    sql = "INSERT INTO leads(" + select_columns() + ", search_text) VALUES(?1";
    for (std::size_t i = 2; i <= kLeadFields.size() + 5; ++i) sql += ", ?" + std::to_string(i);
    sql += ")";
  } else {
    sql = "UPDATE leads SET ";
    int index = 2;
    for (const auto& f : kLeadFields) sql += std::string(f.name) + " = ?" + std::to_string(index++) + ", ";
    sql += "status = ?" + std::to_string(index) + ", created_at = ?" + std::to_string(index + 1) +
           ", updated_at = ?" + std::to_string(index + 2) + ", search_text = ?" + std::to_string(index + 3) +
           " WHERE id = ?1";
  }
  Statement st(db, sql);
  int index = 1;
  st.bind(index++, lead["id"].get_ref<const std::string&>());
  for (const auto& f : kLeadFields) st.bind(index++, lead[std::string(f.name)].get_ref<const std::string&>());
  st.bind(index++, lead["status"].get_ref<const std::string&>());
  st.bind(index++, lead["created_at"].get_ref<const std::string&>());
  st.bind(index++, lead["updated_at"].get_ref<const std::string&>());
  st.bind(index++, search_text_of(lead));
  st.run();
}

std::string read_id(const ArgsReader& reader) { return reader.required_text("id", {64, false}); }

Json lead_create(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"name", "company", "title", "email", "phone", "city", "country", "source", "event", "notes",
                     "owner"});
  Json lead;
  lead["id"] = new_uuid();
  std::vector<std::string> written;
  for (const auto& f : kLeadFields) {
    std::string value = reader.text(f.name, f.rule).value_or("");
    if (!value.empty()) written.emplace_back(f.name);
    lead[std::string(f.name)] = value;
  }
  check_has_name_or_company(lead);
  HlcStamp stamp = ctx.clock.tick();
  std::string now = format_iso8601(stamp.wall_ms);
  lead["status"] = "new";
  lead["created_at"] = now;
  lead["updated_at"] = now;
  written.insert(written.end(), {"status", "created_at"});
  write_lead(ctx.db, lead, true);
  ctx.changes.stamp_fields(kEntity, lead["id"].get<std::string>(), written, stamp);
  return lead;
}

Json lead_get(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id"});
  return require_lead(ctx.db, read_id(reader));
}

Json lead_update(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id", "name", "company", "title", "email", "phone", "city", "country", "source", "event",
                     "notes", "owner", "status"});
  Json lead = require_lead(ctx.db, read_id(reader));
  std::vector<std::string> changed;
  for (const auto& f : kLeadFields) {
    auto value = reader.text(f.name, f.rule);
    if (value && *value != lead[std::string(f.name)].get_ref<const std::string&>()) {
      lead[std::string(f.name)] = *value;
      changed.emplace_back(f.name);
    }
  }
  if (auto status = reader.text("status", {20, false})) {
    const std::string& current = lead["status"].get_ref<const std::string&>();
    bool simple = (*status == "new" || *status == "working") && (current == "new" || current == "working");
    if (*status != current && !simple) {
      throw CommandError("invalid_transition",
                         "lead.update moves a lead only between new and working; the lead is " + current, "status");
    }
    if (*status != current) {
      lead["status"] = *status;
      changed.emplace_back("status");
    }
  }
  check_has_name_or_company(lead);
  if (changed.empty()) return lead;  // nothing changed: no stamp, no new updated_at
  HlcStamp stamp = ctx.clock.tick();
  lead["updated_at"] = format_iso8601(stamp.wall_ms);
  write_lead(ctx.db, lead, false);
  ctx.changes.stamp_fields(kEntity, lead["id"].get<std::string>(), changed, stamp);
  return lead;
}

Json lead_delete(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id"});
  std::string id = read_id(reader);
  require_lead(ctx.db, id);
  Statement st(ctx.db, "DELETE FROM leads WHERE id = ?1");
  st.bind(1, id).run();
  ctx.changes.record_delete(kEntity, id, ctx.clock.tick());
  return Json{{"id", id}, {"deleted", true}};
}

// Sort keys the list accepts; text columns sort in Turkish alphabetical order.
struct SortKey {
  std::string_view name;
  std::string_view sql;
};
constexpr std::array<SortKey, 11> kSortKeys = {{
    {"name", "name COLLATE TURKISH"},
    {"company", "company COLLATE TURKISH"},
    {"title", "title COLLATE TURKISH"},
    {"city", "city COLLATE TURKISH"},
    {"country", "country COLLATE TURKISH"},
    {"source", "source COLLATE TURKISH"},
    {"event", "event COLLATE TURKISH"},
    {"owner", "owner COLLATE TURKISH"},
    {"status", "status"},
    {"created_at", "created_at"},
    {"updated_at", "updated_at"},
}};

Json lead_list(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"query", "status", "sort", "limit", "offset"});
  std::string query = reader.text("query", {500, false}).value_or("");
  std::string status = reader.text("status", {20, false}).value_or("");
  std::string sort = reader.text("sort", {40, false}).value_or("-created_at");
  int64_t limit = reader.integer("limit", 1, 100000).value_or(100);
  int64_t offset = reader.integer("offset", 0, INT64_MAX / 2).value_or(0);

  std::string where = " WHERE 1";
  std::vector<std::string> params;
  if (!status.empty()) {
    bool known = false;
    for (auto s : kStatuses) known = known || s == status;
    if (!known) {
      throw CommandError("invalid_value",
                         "Unknown status \"" + status + "\"; use new, working, qualified, unqualified or converted",
                         "status");
    }
    params.push_back(status);
    where += " AND status = ?" + std::to_string(params.size());
  }
  std::string folded = text::fold(query);
  std::size_t start = 0;
  while (start < folded.size()) {
    std::size_t end = folded.find(' ', start);
    if (end == std::string::npos) end = folded.size();
    params.push_back("%" + folded.substr(start, end - start) + "%");
    where += " AND search_text LIKE ?" + std::to_string(params.size());
    start = end + 1;
  }

  bool descending = !sort.empty() && sort[0] == '-';
  std::string_view sort_name = descending ? std::string_view(sort).substr(1) : std::string_view(sort);
  const SortKey* key = nullptr;
  for (const auto& k : kSortKeys) {
    if (k.name == sort_name) key = &k;
  }
  if (!key) {
    throw CommandError("invalid_value",
                       "Cannot sort by \"" + sort + "\"; use a field name such as name or -created_at", "sort");
  }
  std::string direction = descending ? " DESC" : " ASC";
  std::string order = " ORDER BY " + std::string(key->sql) + direction + ", created_at" + direction + ", id";

  Statement count(ctx.db, "SELECT count(*) FROM leads" + where);
  for (std::size_t i = 0; i < params.size(); ++i) count.bind(static_cast<int>(i + 1), params[i]);
  count.step();
  int64_t total = count.column_int(0);

  Statement st(ctx.db, "SELECT " + select_columns() + " FROM leads" + where + order + " LIMIT ?" +
                           std::to_string(params.size() + 1) + " OFFSET ?" + std::to_string(params.size() + 2));
  for (std::size_t i = 0; i < params.size(); ++i) st.bind(static_cast<int>(i + 1), params[i]);
  st.bind(static_cast<int>(params.size() + 1), limit);
  st.bind(static_cast<int>(params.size() + 2), offset);
  Json items = Json::array();
  while (st.step()) items.push_back(read_lead(st));
  return Json{{"items", std::move(items)}, {"total", total}, {"limit", limit}, {"offset", offset}, {"sort", sort}};
}

}  // namespace

void register_lead_commands(CommandRegistry& registry) {
  registry.add({"lead.create", "Create a lead (name or company required); returns it", true, lead_create});
  registry.add({"lead.get", "One lead by id", false, lead_get});
  registry.add({"lead.update", "Change some fields of a lead; returns it", true, lead_update});
  registry.add({"lead.delete", "Delete a lead (leaves a tombstone for sync)", true, lead_delete});
  registry.add({"lead.list", "Leads matching query/status, sorted and paged: items, total", false, lead_list});
}

}  // namespace kervan
