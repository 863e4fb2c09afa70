// Activities (calls, meetings, tasks, e-mails, notes) linked to deals, leads, contacts and
// companies: activity.create, activity.update, activity.complete (with an optional follow-up
// in the same transaction), activity.delete, activity.list; and timeline.get.
#include <algorithm>
#include <string>
#include <vector>

#include "core/change_log.hpp"
#include "core/clock.hpp"
#include "core/database.hpp"
#include "core/deals.hpp"
#include "core/records.hpp"
#include "core/text.hpp"

namespace kervan {
namespace {

constexpr std::string_view kTypes[] = {"call", "meeting", "task", "email", "note"};

const char* table_of(std::string_view entity) {
  if (entity == "deal") return "deals";
  if (entity == "lead") return "leads";
  if (entity == "contact") return "contacts";
  if (entity == "company") return "companies";
  return nullptr;
}

// {entity, id} checked: a known entity and an existing record.
std::pair<std::string, std::string> read_ref(const Json& value, std::string_view field) {
  std::string name(field);
  if (!value.is_object()) throw CommandError("wrong_type", "The field " + name + " must be {entity, id}", name);
  ArgsReader r(value);
  r.allow_only({"entity", "id"});
  std::string entity = r.required_text("entity", {20});
  if (!table_of(entity)) {
    throw CommandError("invalid_value", "Unknown entity \"" + entity + "\"; use deal, lead, contact or company", name);
  }
  return {entity, r.required_text("id", {64})};
}

void require_target(Database& db, const std::string& entity, const std::string& id, std::string_view field) {
  Statement st(db, std::string("SELECT 1 FROM ") + table_of(entity) + " WHERE id = ?1");
  st.bind(1, id);
  if (!st.step()) {
    throw CommandError("not_found", "No " + entity + " has the id \"" + id + "\"", std::string(field));
  }
}

std::vector<std::pair<std::string, std::string>> read_links(Database& db, const Json& raw) {
  if (!raw.is_array() || raw.size() > 20) {
    throw CommandError("wrong_type", "The field links must be a list of at most 20 {entity, id}", "links");
  }
  std::vector<std::pair<std::string, std::string>> links;
  for (const auto& item : raw) {
    auto ref = read_ref(item, "links");
    require_target(db, ref.first, ref.second, "links");
    if (std::find(links.begin(), links.end(), ref) == links.end()) links.push_back(ref);
  }
  return links;
}

Json links_of(Database& db, const std::string& activity_id) {
  Json out = Json::array();
  for (auto& l : select_rows(db, activity_link_table(), "activity_id = ?1", {activity_id}, "rowid")) {
    out.push_back({{"entity", l["entity"]}, {"id", l["record_id"]}});
  }
  return out;
}

void set_links(CommandContext& ctx, const std::string& activity_id,
               const std::vector<std::pair<std::string, std::string>>& links) {
  auto existing = select_rows(ctx.db, activity_link_table(), "activity_id = ?1", {activity_id});
  for (auto& row : existing) {
    std::pair<std::string, std::string> ref{row["entity"], row["record_id"]};
    if (std::find(links.begin(), links.end(), ref) == links.end()) {
      delete_row(ctx, activity_link_table(), row["id"].get<std::string>());
    }
  }
  for (const auto& ref : links) {
    bool have = false;
    for (auto& row : existing) have = have || (row["entity"] == ref.first && row["record_id"] == ref.second);
    if (have) continue;
    Json link = blank_row(activity_link_table());
    // Named by its two ends, so the same link made on two devices is one record.
    link["id"] = derived_uuid("activity_link\n" + activity_id + "\n" + ref.first + "\n" + ref.second);
    link["activity_id"] = activity_id;
    link["entity"] = ref.first;
    link["record_id"] = ref.second;
    insert_row(ctx, activity_link_table(), link);
  }
}

Json activity_view(CommandContext& ctx, Json activity, int64_t now_ms) {
  activity["links"] = links_of(ctx.db, activity["id"].get<std::string>());
  const std::string& due = activity["due_at"].get_ref<const std::string&>();
  activity["overdue"] = !activity["done"].get<bool>() && !due.empty() && time_ms(due) < now_ms;
  return activity;
}

// Applies the activity fields present in args; `now` is the done time when it turns done.
void apply_activity_args(const ArgsReader& reader, Json& a, const std::string& now) {
  if (reader.has("type")) {
    std::string type = reader.required_text("type", {20});
    if (std::find(std::begin(kTypes), std::end(kTypes), type) == std::end(kTypes)) {
      throw CommandError("invalid_value", "Unknown type \"" + type + "\"; use call, meeting, task, email or note",
                         "type");
    }
    a["type"] = type;
  }
  if (reader.has("subject")) a["subject"] = reader.required_text("subject", {300});
  if (reader.has("due_at")) a["due_at"] = read_time(reader, "due_at");
  if (reader.has("duration_minutes")) a["duration_minutes"] = reader.integer("duration_minutes", 0, 10080).value_or(0);
  if (reader.has("owner")) a["owner"] = reader.text("owner", {100}).value_or("");
  if (reader.has("notes")) a["notes"] = reader.text("notes", {20000, true}).value_or("");
  if (auto done = reader.boolean("done")) {
    if (*done != a["done"].get<bool>()) a["done_at"] = *done ? now : "";
    a["done"] = *done;
  }
}

Json create_activity(CommandContext& ctx, const ArgsReader& reader,
                     const std::vector<std::pair<std::string, std::string>>& links) {
  Json a = blank_row(activity_table());
  a["type"] = "task";
  apply_activity_args(reader, a, format_iso8601(ctx.clock.now_ms()));
  if (a["subject"] == "") throw CommandError("required", "The field subject is required", "subject");
  insert_row(ctx, activity_table(), a);
  set_links(ctx, a["id"].get<std::string>(), links);
  return a;
}

const std::initializer_list<std::string_view> kActivityFields = {"type", "subject", "due_at", "duration_minutes",
                                                                 "done", "owner", "notes", "links"};

Json activity_create(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only(kActivityFields);
  std::vector<std::pair<std::string, std::string>> links;
  if (reader.has("links")) links = read_links(ctx.db, reader.raw("links"));
  return activity_view(ctx, create_activity(ctx, reader, links), ctx.clock.now_ms());
}

Json activity_get(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id"});
  return activity_view(ctx, require_row(ctx.db, activity_table(), read_id(reader)), ctx.clock.now_ms());
}

Json activity_update(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  std::vector<std::string_view> allowed(kActivityFields);
  allowed.push_back("id");
  reader.allow_only(allowed);
  Json a = require_row(ctx.db, activity_table(), read_id(reader));
  Json updated = a;
  apply_activity_args(reader, updated, format_iso8601(ctx.clock.now_ms()));
  set_fields(ctx, activity_table(), a, updated);
  if (reader.has("links")) set_links(ctx, a["id"].get<std::string>(), read_links(ctx.db, reader.raw("links")));
  return activity_view(ctx, a, ctx.clock.now_ms());
}

Json activity_complete(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id", "follow_up", "notes"});
  Json a = require_row(ctx.db, activity_table(), read_id(reader));
  if (a["done"].get<bool>()) throw CommandError("invalid_transition", "The activity is already done", "id");
  Json values = {{"done", true}, {"done_at", format_iso8601(ctx.clock.now_ms())}};
  if (reader.has("notes")) values["notes"] = reader.text("notes", {20000, true}).value_or("");
  set_fields(ctx, activity_table(), a, values);
  Json out = {{"activity", activity_view(ctx, a, ctx.clock.now_ms())}, {"follow_up", nullptr}};
  const Json& follow = reader.raw("follow_up");
  if (!follow.is_null()) {
    if (!follow.is_object()) {
      throw CommandError("wrong_type", "The field follow_up must be {subject, due_at, type}", "follow_up");
    }
    ArgsReader fr(follow);
    fr.allow_only({"subject", "due_at", "type", "duration_minutes", "owner", "notes"});
    Json defaults = follow;
    if (!defaults.contains("owner")) defaults["owner"] = a["owner"];
    if (!defaults.contains("type")) defaults["type"] = a["type"];
    ArgsReader dr(defaults);
    std::vector<std::pair<std::string, std::string>> links;
    for (const auto& l : links_of(ctx.db, a["id"].get<std::string>())) links.emplace_back(l["entity"], l["id"]);
    try {
      out["follow_up"] = activity_view(ctx, create_activity(ctx, dr, links), ctx.clock.now_ms());
    } catch (const CommandError& e) {
      throw CommandError(e.code(), std::string("Follow-up: ") + e.what(), "follow_up." + e.field());
    }
  }
  return out;
}

Json activity_delete(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id"});
  std::string id = read_id(reader);
  require_row(ctx.db, activity_table(), id);
  for (auto& l : select_rows(ctx.db, activity_link_table(), "activity_id = ?1", {id})) {
    delete_row(ctx, activity_link_table(), l["id"].get<std::string>());
  }
  delete_row(ctx, activity_table(), id);
  return Json{{"id", id}, {"deleted", true}};
}

Json activity_list(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"query", "owner", "type", "related", "due_from", "due_to", "overdue", "done", "sort", "limit",
                     "offset"});
  int64_t now = ctx.clock.now_ms();
  std::string where = "1";
  std::vector<std::string> params;
  auto param = [&](const std::string& v) {
    params.push_back(v);
    return "?" + std::to_string(params.size());
  };
  if (auto owner = reader.text("owner", {100}); owner && !owner->empty()) where += " AND owner = " + param(*owner);
  if (auto type = reader.text("type", {20}); type && !type->empty()) where += " AND type = " + param(*type);
  if (!reader.raw("related").is_null()) {
    auto ref = read_ref(reader.raw("related"), "related");
    std::string e = param(ref.first);
    std::string i = param(ref.second);
    where += " AND id IN (SELECT activity_id FROM activity_links WHERE entity = " + e + " AND record_id = " + i + ")";
  }
  if (auto from = read_time(reader, "due_from"); !from.empty()) {
    where += " AND due_at <> '' AND due_at >= " + param(from);
  }
  if (auto to = reader.text("due_to", {40}); to && !to->empty()) {
    std::string t = read_time(reader, "due_to");
    // A bare date as the upper bound means the whole day.
    if (to->size() == 10) t = format_iso8601(time_ms(t) + 86400000 - 1);
    where += " AND due_at <> '' AND due_at <= " + param(t);
  }
  if (auto overdue = reader.boolean("overdue")) {
    std::string n = param(format_iso8601(now));
    where += *overdue ? " AND done = 0 AND due_at <> '' AND due_at < " + n
                      : " AND NOT (done = 0 AND due_at <> '' AND due_at < " + n + ")";
  }
  if (auto done = reader.boolean("done")) where += *done ? " AND done = 1" : " AND done = 0";
  add_search_terms("activities", reader.text("query", {500}).value_or(""), where, params);
  std::string sort = reader.text("sort", {40}).value_or("");
  if (sort.empty()) sort = "due_at";
  bool desc = sort[0] == '-';
  std::string key = desc ? sort.substr(1) : sort;
  if (key != "due_at" && key != "created_at" && key != "subject" && key != "done_at") {
    throw CommandError("invalid_value", "Cannot sort by \"" + sort + "\"; use due_at, created_at, done_at or subject",
                       "sort");
  }
  std::string dir = desc ? " DESC" : " ASC";
  // Activities without a due time come after the scheduled ones.
  std::string order = (key == "due_at" ? std::string("due_at = '', ") : std::string()) + key +
                      (key == "subject" ? " COLLATE TURKISH" : "") + dir + ", created_at" + dir + ", id";
  int64_t limit = reader.integer("limit", 1, 100000).value_or(100);
  int64_t offset = reader.integer("offset", 0, INT64_MAX / 2).value_or(0);
  auto rows = select_rows(ctx.db, activity_table(), where, params, order);
  Json items = Json::array();
  for (int64_t i = offset; i < static_cast<int64_t>(rows.size()) && i < offset + limit; ++i) {
    items.push_back(activity_view(ctx, rows[static_cast<std::size_t>(i)], now));
  }
  return Json{{"items", items}, {"total", rows.size()}, {"limit", limit}, {"offset", offset}, {"sort", sort}};
}

// Activities and recorded field changes of one record, oldest first.
Json timeline_get(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"entity", "id"});
  auto ref = read_ref(args, "entity");
  require_target(ctx.db, ref.first, ref.second, "id");
  Json events = Json::array();
  for (auto& a : select_rows(ctx.db, activity_table(),
                             "id IN (SELECT activity_id FROM activity_links WHERE entity = ?1 AND record_id = ?2)",
                             {ref.first, ref.second})) {
    std::string at = a["done"].get<bool>() ? a["done_at"].get<std::string>()
                     : a["due_at"] != ""   ? a["due_at"].get<std::string>()
                                           : a["created_at"].get<std::string>();
    events.push_back({{"at", at}, {"kind", "activity"}, {"activity", activity_view(ctx, a, ctx.clock.now_ms())}});
  }
  // Field changes: the latest stamp of each field (the change log keeps the last write).
  for (const auto& [field, text] : ctx.changes.record_stamps(ref.first, ref.second)) {
    auto stamp = HlcStamp::parse(text);
    if (!stamp) continue;
    events.push_back({{"at", format_iso8601(stamp->wall_ms)}, {"kind", "field"}, {"field", field}});
  }
  if (ref.first == "deal") {
    for (auto& e : select_rows(ctx.db, history_table(), "deal_id = ?1", {ref.second})) {
      events.push_back({{"at", e["entered_at"]}, {"kind", "stage"}, {"stage_id", e["stage_id"]}, {"reason", e["reason"]}});
    }
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const Json& a, const Json& b) { return a["at"].get<std::string>() < b["at"].get<std::string>(); });
  return Json{{"entity", ref.first}, {"id", ref.second}, {"items", events}};
}

}  // namespace

Json next_activity(Database& db, std::string_view entity, std::string_view id) {
  auto rows = select_rows(db, activity_table(),
                          "done = 0 AND due_at <> '' AND id IN (SELECT activity_id FROM activity_links WHERE entity = ?1 "
                          "AND record_id = ?2)",
                          {std::string(entity), std::string(id)}, "due_at, created_at, id");
  if (rows.empty()) return nullptr;
  const Json& a = rows.front();
  return pick(a, {"id", "type", "subject", "due_at", "owner"});
}

ActivityTouch activity_touch(Database& db, std::string_view deal_id, const std::string& now_iso) {
  Statement st(db,
               "SELECT coalesce(max(max(a.created_at, a.done_at)), ''), "
               "coalesce(max(a.done = 0 AND a.due_at > ?2), 0) FROM activities a "
               "JOIN activity_links l ON l.activity_id = a.id WHERE l.entity = 'deal' AND l.record_id = ?1");
  st.bind(1, deal_id).bind(2, now_iso);
  st.step();
  return ActivityTouch{st.column_text(0), st.column_int(1) != 0};
}

void drop_links_to(CommandContext& ctx, std::string_view entity, std::string_view id) {
  for (auto& l : select_rows(ctx.db, activity_link_table(), "entity = ?1 AND record_id = ?2",
                             {std::string(entity), std::string(id)})) {
    delete_row(ctx, activity_link_table(), l["id"].get<std::string>());
  }
}

void register_activity_commands(CommandRegistry& registry) {
  registry.add({"activity.create",
                "Create an activity (type call|meeting|task|email|note, subject, due_at, duration_minutes, owner, "
                "notes, done, links: [{entity: deal|lead|contact|company, id}])",
                true, activity_create});
  registry.add({"activity.get", "One activity with its links", false, activity_get});
  registry.add({"activity.update", "Change some fields of an activity (links replaces the links)", true,
                activity_update});
  registry.add({"activity.complete", "Mark an activity done; follow_up {subject, due_at, type} creates the next one",
                true, activity_complete});
  registry.add({"activity.delete", "Delete an activity and its links", true, activity_delete});
  registry.add({"activity.list",
                "Activities by owner, type, related {entity, id}, due_from/to, overdue, done, query; sorted and paged",
                false, activity_list});
  registry.add({"timeline.get", "Activities, stage moves and field changes of a record {entity, id}, oldest first",
                false, timeline_get});
}

}  // namespace kervan
