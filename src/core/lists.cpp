// User-editable lists (lead sources, disqualification reasons): list.get, list.add,
// list.update. Values have stable keys; labels are in Turkish and English; a value is
// archived rather than deleted so records that use it keep their meaning.
#include <string>

#include "core/args.hpp"
#include "core/command.hpp"
#include "core/change_log.hpp"
#include "core/clock.hpp"
#include "core/database.hpp"
#include "core/record_types.hpp"
#include "core/sync_entities.hpp"
#include "core/text.hpp"

namespace kervan {
namespace {

constexpr std::string_view kLists[] = {"lead_source", "disqualify_reason", "deal_lost_reason"};

std::string require_list(const ArgsReader& reader) {
  std::string list = reader.required_text("list", {40});
  for (auto l : kLists) {
    if (l == list) return list;
  }
  throw CommandError("invalid_value", "Unknown list \"" + list + "\"; use lead_source, disqualify_reason or deal_lost_reason", "list");
}

// List values travel with sync as "list_value" records named by list and key.
void stamp_list_value(CommandContext& ctx, const std::string& list, const std::string& key,
                      const std::vector<std::string>& fields) {
  if (fields.empty()) return;
  const SyncEntity& e = *find_sync_entity("list_value");
  ctx.changes.stamp_fields(e.name, keyed_id(e, {{"list", list}, {"key", key}}), fields, ctx.clock.tick());
}

Json list_get(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"list", "include_archived"});
  std::string list = require_list(reader);
  bool archived = reader.boolean("include_archived").value_or(false);
  Statement st(ctx.db,
               "SELECT key, label_tr, label_en, archived FROM list_values WHERE list = ?1 AND (?2 OR archived = 0) "
               "ORDER BY position, key");
  st.bind(1, list).bind(2, archived ? 1 : 0);
  Json items = Json::array();
  while (st.step()) {
    items.push_back({{"key", st.column_text(0)},
                     {"label_tr", st.column_text(1)},
                     {"label_en", st.column_text(2)},
                     {"archived", st.column_int(3) != 0}});
  }
  return Json{{"list", list}, {"items", items}};
}

Json list_add(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"list", "label_tr", "label_en"});
  std::string list = require_list(reader);
  std::string label_tr = reader.text("label_tr", {100}).value_or("");
  std::string label_en = reader.text("label_en", {100}).value_or("");
  if (label_tr.empty() && label_en.empty()) throw CommandError("required", "A label is required", "label_tr");
  if (label_tr.empty()) label_tr = label_en;
  if (label_en.empty()) label_en = label_tr;
  if (text::fold(label_tr).empty() || text::fold(label_en).empty()) {
    throw CommandError("invalid_value", "A label needs at least one letter or digit", "label_tr");
  }
  // The key is the folded label with underscores: readable in exports and stable.
  std::string key = text::fold(label_en);
  for (char& c : key) {
    if (c == ' ') c = '_';
  }
  if (key.empty()) throw CommandError("invalid_value", "The label needs at least one letter or digit", "label_en");
  for (const auto& label : {label_tr, label_en}) {
    Statement same(ctx.db, "SELECT key FROM list_values WHERE list = ?1 AND (kervan_fold(label_tr) = ?2 OR "
                           "kervan_fold(label_en) = ?2 OR key = ?3)");
    same.bind(1, list).bind(2, text::fold(label)).bind(3, key);
    if (same.step()) {
      throw CommandError("duplicate", "The list already has \"" + label + "\" (key " + same.column_text(0) + ")",
                         "label_tr");
    }
  }
  Statement pos(ctx.db, "SELECT coalesce(max(position), 0) + 1 FROM list_values WHERE list = ?1");
  pos.bind(1, list).step();
  Statement st(ctx.db, "INSERT INTO list_values(list, key, label_tr, label_en, position) VALUES(?1, ?2, ?3, ?4, ?5)");
  st.bind(1, list).bind(2, key).bind(3, label_tr).bind(4, label_en).bind(5, pos.column_int(0)).run();
  stamp_list_value(ctx, list, key, {"list", "key", "label_tr", "label_en", "position", "archived"});
  return Json{{"list", list}, {"key", key}, {"label_tr", label_tr}, {"label_en", label_en}, {"archived", false}};
}

// Refuses a label without letters or digits, and one another value of the list already has.
void check_label(CommandContext& ctx, const std::string& list, const std::string& key, const std::string& label,
                 const char* field) {
  if (text::fold(label).empty()) {
    throw CommandError("invalid_value", "A label needs at least one letter or digit", field);
  }
  Statement same(ctx.db, "SELECT key FROM list_values WHERE list = ?1 AND key <> ?2 AND "
                         "(kervan_fold(label_tr) = ?3 OR kervan_fold(label_en) = ?3)");
  same.bind(1, list).bind(2, key).bind(3, text::fold(label));
  if (same.step()) {
    throw CommandError("duplicate", "The list already has \"" + label + "\" (key " + same.column_text(0) + ")", field);
  }
}

Json list_update(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"list", "key", "label_tr", "label_en", "archived"});
  std::string list = require_list(reader);
  std::string key = reader.required_text("key", {100});
  Statement find(ctx.db, "SELECT label_tr, label_en, archived FROM list_values WHERE list = ?1 AND key = ?2");
  find.bind(1, list).bind(2, key);
  if (!find.step()) throw CommandError("not_found", "The list " + list + " has no value \"" + key + "\"", "key");
  std::string label_tr = reader.text("label_tr", {100}).value_or(find.column_text(0));
  std::string label_en = reader.text("label_en", {100}).value_or(find.column_text(1));
  if (label_tr.empty() || label_en.empty()) throw CommandError("required", "Labels cannot be empty", "label_tr");
  check_label(ctx, list, key, label_tr, "label_tr");
  check_label(ctx, list, key, label_en, "label_en");
  bool archived = reader.boolean("archived").value_or(find.column_int(2) != 0);
  std::vector<std::string> changed;
  if (label_tr != find.column_text(0)) changed.push_back("label_tr");
  if (label_en != find.column_text(1)) changed.push_back("label_en");
  if (archived != (find.column_int(2) != 0)) changed.push_back("archived");
  stamp_list_value(ctx, list, key, changed);
  Statement st(ctx.db, "UPDATE list_values SET label_tr = ?3, label_en = ?4, archived = ?5 WHERE list = ?1 AND key = ?2");
  st.bind(1, list).bind(2, key).bind(3, label_tr).bind(4, label_en).bind(5, archived ? 1 : 0).run();
  return Json{{"list", list}, {"key", key}, {"label_tr", label_tr}, {"label_en", label_en}, {"archived", archived}};
}

}  // namespace

std::string resolve_list_value(Database& db, std::string_view list, std::string_view value, std::string_view field,
                               bool allow_archived) {
  if (value.empty()) return {};
  // A value without letters never matches a label (it would fold to "").
  Statement st(db, "SELECT key FROM list_values WHERE list = ?1 AND (?4 OR archived = 0) AND (key = ?2 OR "
                   "(?3 <> '' AND (kervan_fold(label_tr) = ?3 OR kervan_fold(label_en) = ?3))) "
                   "ORDER BY key = ?2 DESC LIMIT 1");
  st.bind(1, list).bind(2, value).bind(3, text::fold(value)).bind(4, allow_archived ? 1 : 0);
  if (st.step()) return st.column_text(0);
  std::string allowed;
  Statement all(db, "SELECT key FROM list_values WHERE list = ?1 AND archived = 0 ORDER BY position");
  all.bind(1, list);
  while (all.step()) allowed += (allowed.empty() ? "" : ", ") + all.column_text(0);
  throw CommandError("invalid_value",
                     "\"" + std::string(value) + "\" is not in the list " + std::string(list) + " (" + allowed + ")",
                     std::string(field));
}

void register_list_commands(CommandRegistry& registry) {
  registry.add({"list.get", "The values of an editable list (lead_source, disqualify_reason)", false, list_get});
  registry.add({"list.add", "Add a value to an editable list (label_tr, label_en)", true, list_add});
  registry.add({"list.update", "Rename or archive a value of an editable list", true, list_update});
}

}  // namespace kervan
