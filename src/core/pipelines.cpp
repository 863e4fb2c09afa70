// Pipelines, their ordered stages and the stages' checklists: pipeline.list/create/update/
// delete, stage.add/update/reorder/remove, stage.checklist/add_step/remove_step. Also the
// typed row layer (deals.hpp) the deal, activity and rate records share.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "core/change_log.hpp"
#include "core/clock.hpp"
#include "core/database.hpp"
#include "core/deals.hpp"
#include "core/sync_entities.hpp"
#include "core/text.hpp"

namespace kervan {

// ---- table definitions -------------------------------------------------------------------

const Table& pipeline_table() {
  static const Table t{"pipeline", "pipelines", "pipeline",
                       {{"name"}, {"name_tr"}, {"position", ColKind::integer}}};
  return t;
}

const Table& stage_table() {
  static const Table t{"stage",
                       "stages",
                       "stage",
                       {{"pipeline_id"},
                        {"name"},
                        {"name_tr"},
                        {"position", ColKind::integer},
                        {"probability", ColKind::integer},
                        {"stale_after_days", ColKind::integer}}};
  return t;
}

const Table& step_table() {
  static const Table t{"stage_step", "stage_steps", "checklist step",
                       {{"stage_id"}, {"text"}, {"required", ColKind::boolean}, {"position", ColKind::integer}}};
  return t;
}

const Table& deal_table() {
  static const Table t{"deal",
                       "deals",
                       "deal",
                       {{"name"},
                        {"company_id", ColKind::reference},
                        {"contact_id", ColKind::reference},
                        {"owner"},
                        {"pipeline_id"},
                        {"stage_id"},
                        {"amount", ColKind::integer},
                        {"currency"},
                        {"probability", ColKind::integer},
                        {"probability_override", ColKind::boolean},
                        {"expected_close"},
                        {"status"},
                        {"lost_reason"},
                        {"closed_at"},
                        {"won_amount", ColKind::opt_integer},
                        {"close_rate_micro", ColKind::opt_integer},
                        {"close_base_currency"},
                        {"source_lead_id", ColKind::reference},
                        {"notes"},
                        {"tags", ColKind::json},
                        {"stage_entered_at"}},
                       true,
                       {"name", "owner", "notes", "tags"}};
  return t;
}

const Table& history_table() {
  static const Table t{"deal_stage",
                       "deal_stage_history",
                       "stage history entry",
                       {{"deal_id"}, {"stage_id"}, {"stage_name"}, {"entered_at"}, {"left_at"}, {"reason"}, {"confirmed", ColKind::json}}};
  return t;
}

const Table& deal_step_table() {
  static const Table t{"deal_step", "deal_steps", "deal checklist entry",
                       {{"deal_id"}, {"step_id"}, {"done", ColKind::boolean}, {"done_at"}}};
  return t;
}

const Table& rate_table() {
  static const Table t{"rate", "rates", "rate", {{"currency"}, {"per_base_micro", ColKind::integer}}};
  return t;
}

const Table& activity_table() {
  static const Table t{"activity",
                       "activities",
                       "activity",
                       {{"type"},
                        {"subject"},
                        {"due_at"},
                        {"duration_minutes", ColKind::integer},
                        {"done", ColKind::boolean},
                        {"done_at"},
                        {"owner"},
                        {"notes"}},
                       true,
                       {"subject", "owner", "notes"}};
  return t;
}

const Table& activity_link_table() {
  static const Table t{"activity_link", "activity_links", "activity link", {{"activity_id"}, {"entity"}, {"record_id"}}};
  return t;
}

// ---- typed row layer ---------------------------------------------------------------------

namespace {

Json empty_of(const Column& c) {
  switch (c.kind) {
    case ColKind::integer: return 0;
    case ColKind::opt_integer: return nullptr;
    case ColKind::boolean: return false;
    case ColKind::json: return Json::array();
    default: return "";
  }
}

Json read_col(const Statement& st, int index, const Column& c) {
  switch (c.kind) {
    case ColKind::integer: return st.column_int(index);
    case ColKind::opt_integer: return st.column_is_null(index) ? Json(nullptr) : Json(st.column_int(index));
    case ColKind::boolean: return st.column_int(index) != 0;
    case ColKind::json: {
      Json v = Json::parse(st.column_text(index), nullptr, false);
      return v.is_discarded() ? Json::array() : v;
    }
    default: return st.column_text(index);
  }
}

void bind_col(Statement& st, int index, const Column& c, const Json& v) {
  switch (c.kind) {
    case ColKind::integer: st.bind(index, v.get<int64_t>()); break;
    case ColKind::opt_integer:
      if (v.is_null()) st.bind_null(index);
      else st.bind(index, v.get<int64_t>());
      break;
    case ColKind::boolean: st.bind(index, v.get<bool>() ? 1 : 0); break;
    case ColKind::json: st.bind(index, v.dump()); break;
    case ColKind::reference:
      if (v.get_ref<const std::string&>().empty()) st.bind_null(index);
      else st.bind(index, v.get_ref<const std::string&>());
      break;
    default: st.bind(index, v.get_ref<const std::string&>()); break;
  }
}

Json read_full_row(const Statement& st, const Table& t) {
  Json row;
  row["id"] = st.column_text(0);
  int i = 1;
  for (const auto& c : t.columns) row[std::string(c.name)] = read_col(st, i++, c);
  row["created_at"] = st.column_text(i++);
  row["updated_at"] = st.column_text(i++);
  return row;
}

}  // namespace

std::string row_search_text(const Table& t, const Json& row) {
  std::string out;
  for (auto name : t.search_fields) {
    const Json& v = row[std::string(name)];
    if (v.is_string()) out += text::fold(v.get<std::string>()) + " ";
    if (v.is_array()) {
      for (const auto& item : v) {
        if (item.is_string()) out += text::fold(item.get<std::string>()) + " ";
      }
    }
  }
  return out;
}

const Column* Table::column(std::string_view name) const {
  for (const auto& c : columns) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

std::string Table::select_columns(std::string_view prefix) const {
  std::string p(prefix);
  std::string cols = p + "id";
  for (const auto& c : columns) cols += ", " + p + std::string(c.name);
  return cols + ", " + p + "created_at, " + p + "updated_at";
}

Json blank_row(const Table& t) {
  Json row;
  row["id"] = new_uuid();
  for (const auto& c : t.columns) row[std::string(c.name)] = empty_of(c);
  row["created_at"] = "";
  row["updated_at"] = "";
  return row;
}

std::optional<Json> find_row(Database& db, const Table& t, std::string_view id) {
  Statement st(db, "SELECT " + t.select_columns() + " FROM " + std::string(t.table) + " WHERE id = ?1");
  st.bind(1, id);
  if (!st.step()) return std::nullopt;
  return read_full_row(st, t);
}

Json require_row(Database& db, const Table& t, std::string_view id, std::string_view field) {
  auto row = find_row(db, t, id);
  if (!row) {
    throw CommandError("not_found", "No " + std::string(t.label) + " has the id \"" + std::string(id) + "\"",
                       std::string(field));
  }
  return *row;
}

std::vector<Json> select_rows(Database& db, const Table& t, const std::string& where,
                              const std::vector<std::string>& params, const std::string& order) {
  Statement st(db, "SELECT " + t.select_columns() + " FROM " + std::string(t.table) + " WHERE " + where +
                       (order.empty() ? "" : " ORDER BY " + order));
  for (std::size_t i = 0; i < params.size(); ++i) st.bind(static_cast<int>(i + 1), params[i]);
  std::vector<Json> rows;
  while (st.step()) rows.push_back(read_full_row(st, t));
  return rows;
}

void insert_row(CommandContext& ctx, const Table& t, Json& row) {
  HlcStamp stamp = ctx.clock.tick();
  std::string now = format_iso8601(stamp.wall_ms);
  row["created_at"] = now;
  row["updated_at"] = now;
  std::size_t count = t.columns.size() + 3 + (t.searchable ? 1 : 0);
  std::string sql = "INSERT INTO " + std::string(t.table) + "(" + t.select_columns() +
                    (t.searchable ? ", search_text" : "") + ") VALUES(?1";
  for (std::size_t i = 2; i <= count; ++i) sql += ", ?" + std::to_string(i);
  Statement st(ctx.db, sql + ")");
  int i = 1;
  st.bind(i++, row["id"].get_ref<const std::string&>());
  for (const auto& c : t.columns) bind_col(st, i++, c, row[std::string(c.name)]);
  st.bind(i++, now);
  st.bind(i++, now);
  if (t.searchable) st.bind(i++, row_search_text(t, row));
  st.run();
  std::vector<std::string> fields;
  for (const auto& c : t.columns) fields.emplace_back(c.name);
  fields.emplace_back("created_at");
  ctx.changes.stamp_fields(t.entity, row["id"].get<std::string>(), fields, stamp);
}

void update_row(CommandContext& ctx, const Table& t, Json& row, const std::vector<std::string>& changed) {
  if (changed.empty()) return;
  HlcStamp stamp = ctx.clock.tick();
  row["updated_at"] = format_iso8601(stamp.wall_ms);
  std::string sql = "UPDATE " + std::string(t.table) + " SET ";
  int i = 2;
  for (const auto& name : changed) sql += name + " = ?" + std::to_string(i++) + ", ";
  sql += "updated_at = ?" + std::to_string(i);
  if (t.searchable) sql += ", search_text = ?" + std::to_string(i + 1);
  Statement st(ctx.db, sql + " WHERE id = ?1");
  st.bind(1, row["id"].get_ref<const std::string&>());
  i = 2;
  for (const auto& name : changed) bind_col(st, i++, *t.column(name), row[name]);
  st.bind(i++, row["updated_at"].get_ref<const std::string&>());
  if (t.searchable) st.bind(i++, row_search_text(t, row));
  st.run();
  ctx.changes.stamp_fields(t.entity, row["id"].get<std::string>(), changed, stamp);
}

void set_fields(CommandContext& ctx, const Table& t, Json& row, const Json& values) {
  std::vector<std::string> changed;
  for (const auto& [key, value] : values.items()) {
    if (row[key] != value) {
      row[key] = value;
      changed.push_back(key);
    }
  }
  update_row(ctx, t, row, changed);
}

void delete_row(CommandContext& ctx, const Table& t, std::string_view id) {
  Statement st(ctx.db, "DELETE FROM " + std::string(t.table) + " WHERE id = ?1");
  st.bind(1, id).run();
  ctx.changes.record_delete(t.entity, id, ctx.clock.tick());
}

std::string read_id(const ArgsReader& reader, std::string_view key) { return reader.required_text(key, {64}); }

std::string read_date(const ArgsReader& reader, std::string_view key) {
  std::string value = reader.text(key, {40}).value_or("");
  if (value.empty()) return value;
  if (value.size() != 10 || !parse_iso8601(value)) {
    throw CommandError("invalid_value", "The field " + std::string(key) + " must be a date like 2026-12-31",
                       std::string(key));
  }
  return value;
}

std::string read_time(const ArgsReader& reader, std::string_view key) {
  std::string value = reader.text(key, {40}).value_or("");
  if (value.empty()) return value;
  auto ms = parse_iso8601(value);
  if (!ms) {
    throw CommandError("invalid_value",
                       "The field " + std::string(key) + " must be a date (2026-11-26) or a UTC time (2026-11-26T09:00:00Z)",
                       std::string(key));
  }
  return format_iso8601(*ms);
}

int64_t time_ms(const std::string& iso) {
  if (iso.empty()) return 0;
  return parse_iso8601(iso).value_or(0);
}

// ---- pipelines and stages ----------------------------------------------------------------

namespace {

int64_t count_of(Database& db, const std::string& sql, std::string_view id) {
  Statement st(db, sql);
  st.bind(1, id);
  st.step();
  return st.column_int(0);
}

std::vector<Json> stages_of(Database& db, std::string_view pipeline_id) {
  return select_rows(db, stage_table(), "pipeline_id = ?1", {std::string(pipeline_id)}, "position, created_at, id");
}

Json steps_of(Database& db, std::string_view stage_id) {
  Json items = Json::array();
  for (auto& step : select_rows(db, step_table(), "stage_id = ?1", {std::string(stage_id)}, "position, created_at, id")) {
    items.push_back({{"id", step["id"]}, {"text", step["text"]}, {"required", step["required"]}});
  }
  return items;
}

Json stage_view(Database& db, Json stage) {
  std::string id = stage["id"];
  stage["deal_count"] = count_of(db, "SELECT count(*) FROM deals WHERE stage_id = ?1 AND status = 'open'", id);
  stage["checklist"] = steps_of(db, id);
  return stage;
}

Json pipeline_view(Database& db, Json pipeline) {
  std::string id = pipeline["id"];
  Json stages = Json::array();
  for (auto& s : stages_of(db, id)) stages.push_back(stage_view(db, std::move(s)));
  pipeline["stages"] = stages;
  pipeline["deal_count"] = count_of(db, "SELECT count(*) FROM deals WHERE pipeline_id = ?1 AND status = 'open'", id);
  pipeline["deal_count_all"] = count_of(db, "SELECT count(*) FROM deals WHERE pipeline_id = ?1", id);
  return pipeline;
}

// Positions 1..n in the given order, written only where they change.
void renumber(CommandContext& ctx, std::vector<Json>& stages) {
  int64_t pos = 1;
  for (auto& s : stages) set_fields(ctx, stage_table(), s, {{"position", pos++}});
}

// Reads the stage fields present in args onto `stage`.
void apply_stage_args(const ArgsReader& reader, Json& stage) {
  if (reader.has("name")) stage["name"] = reader.required_text("name", {100});
  if (reader.has("name_tr")) stage["name_tr"] = reader.text("name_tr", {100}).value_or("");
  if (auto p = reader.integer("probability", 0, 100)) stage["probability"] = *p;
  if (auto d = reader.integer("stale_after_days", 0, 3650)) stage["stale_after_days"] = *d;
}

Json pipeline_list(CommandContext& ctx, const Json& args) {
  ArgsReader(args).allow_only({});
  Json items = Json::array();
  for (auto& p : select_rows(ctx.db, pipeline_table(), "1", {}, "position, created_at, id")) {
    items.push_back(pipeline_view(ctx.db, std::move(p)));
  }
  return Json{{"items", items}};
}

Json pipeline_get(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id"});
  return pipeline_view(ctx.db, require_row(ctx.db, pipeline_table(), read_id(reader)));
}

Json pipeline_create(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"name", "name_tr", "stages"});
  Json pipeline = blank_row(pipeline_table());
  pipeline["name"] = reader.required_text("name", {100});
  pipeline["name_tr"] = reader.text("name_tr", {100}).value_or("");
  Statement pos(ctx.db, "SELECT coalesce(max(position), 0) + 1 FROM pipelines");
  pos.step();
  pipeline["position"] = pos.column_int(0);
  insert_row(ctx, pipeline_table(), pipeline);
  const Json& stages = reader.raw("stages");
  if (!stages.is_null()) {
    if (!stages.is_array() || stages.size() > 50) {
      throw CommandError("wrong_type", "The field stages must be a list of at most 50 stages", "stages");
    }
    int64_t position = 1;
    for (const auto& item : stages) {
      if (!item.is_object()) throw CommandError("wrong_type", "Every stage must be an object", "stages");
      ArgsReader sr(item);
      sr.allow_only({"name", "name_tr", "probability", "stale_after_days"});
      Json stage = blank_row(stage_table());
      stage["pipeline_id"] = pipeline["id"];
      stage["position"] = position++;
      if (!sr.has("name")) throw CommandError("required", "Every stage needs a name", "name");
      apply_stage_args(sr, stage);
      insert_row(ctx, stage_table(), stage);
    }
  }
  return pipeline_view(ctx.db, pipeline);
}

Json pipeline_update(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id", "name", "name_tr", "position"});
  Json pipeline = require_row(ctx.db, pipeline_table(), read_id(reader));
  Json values = Json::object();
  if (reader.has("name")) values["name"] = reader.required_text("name", {100});
  if (reader.has("name_tr")) values["name_tr"] = reader.text("name_tr", {100}).value_or("");
  if (auto p = reader.integer("position", 0, 100000)) values["position"] = *p;
  set_fields(ctx, pipeline_table(), pipeline, values);
  return pipeline_view(ctx.db, pipeline);
}

void delete_stage_steps(CommandContext& ctx, std::string_view stage_id) {
  for (auto& step : select_rows(ctx.db, step_table(), "stage_id = ?1", {std::string(stage_id)})) {
    std::string step_id = step["id"];
    for (auto& ds : select_rows(ctx.db, deal_step_table(), "step_id = ?1", {step_id})) {
      delete_row(ctx, deal_step_table(), ds["id"].get<std::string>());
    }
    delete_row(ctx, step_table(), step_id);
  }
}

Json pipeline_delete(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id"});
  std::string id = read_id(reader);
  require_row(ctx.db, pipeline_table(), id);
  int64_t deals = count_of(ctx.db, "SELECT count(*) FROM deals WHERE pipeline_id = ?1", id);
  if (deals > 0) {
    throw CommandError("has_deals",
                       "The pipeline has " + std::to_string(deals) + " deal(s); move or delete them first", "id");
  }
  for (auto& stage : stages_of(ctx.db, id)) {
    delete_stage_steps(ctx, stage["id"].get<std::string>());
    delete_row(ctx, stage_table(), stage["id"].get<std::string>());
  }
  delete_row(ctx, pipeline_table(), id);
  return Json{{"id", id}, {"deleted", true}};
}

Json stage_add(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"pipeline_id", "name", "name_tr", "probability", "stale_after_days", "position"});
  Json pipeline = require_row(ctx.db, pipeline_table(), read_id(reader, "pipeline_id"), "pipeline_id");
  std::vector<Json> stages = stages_of(ctx.db, pipeline["id"].get<std::string>());
  Json stage = blank_row(stage_table());
  stage["pipeline_id"] = pipeline["id"];
  if (!reader.has("name")) throw CommandError("required", "The field name is required", "name");
  apply_stage_args(reader, stage);
  auto at = reader.integer("position", 1, 1000).value_or(static_cast<int64_t>(stages.size()) + 1);
  at = std::min<int64_t>(at, static_cast<int64_t>(stages.size()) + 1);
  stage["position"] = at;
  insert_row(ctx, stage_table(), stage);
  stages.insert(stages.begin() + (at - 1), stage);
  renumber(ctx, stages);
  return stage_view(ctx.db, require_row(ctx.db, stage_table(), stage["id"].get<std::string>()));
}

Json stage_update(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id", "name", "name_tr", "probability", "stale_after_days"});
  Json stage = require_row(ctx.db, stage_table(), read_id(reader));
  Json updated = stage;
  apply_stage_args(reader, updated);
  Json values = Json::object();
  for (const char* key : {"name", "name_tr", "probability", "stale_after_days"}) values[key] = updated[key];
  int64_t old_probability = stage["probability"];
  set_fields(ctx, stage_table(), stage, values);
  if (stage["probability"] != old_probability) {
    // Open deals without an override follow their stage's default.
    for (auto& deal : select_rows(ctx.db, deal_table(), "stage_id = ?1 AND status = 'open' AND probability_override = 0",
                                  {stage["id"].get<std::string>()})) {
      set_fields(ctx, deal_table(), deal, {{"probability", stage["probability"]}});
    }
  }
  return stage_view(ctx.db, stage);
}

Json stage_reorder(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"pipeline_id", "stage_ids"});
  Json pipeline = require_row(ctx.db, pipeline_table(), read_id(reader, "pipeline_id"), "pipeline_id");
  std::vector<Json> stages = stages_of(ctx.db, pipeline["id"].get<std::string>());
  const Json& ids = reader.raw("stage_ids");
  if (!ids.is_array()) throw CommandError("wrong_type", "The field stage_ids must be a list of stage ids", "stage_ids");
  std::set<std::string> given;
  for (const auto& id : ids) {
    if (!id.is_string()) throw CommandError("wrong_type", "The field stage_ids must be a list of stage ids", "stage_ids");
    given.insert(id.get<std::string>());
  }
  std::set<std::string> existing;
  for (const auto& s : stages) existing.insert(s["id"].get<std::string>());
  if (given != existing || ids.size() != stages.size()) {
    throw CommandError("invalid_value",
                       "stage_ids must list every stage of the pipeline exactly once (" +
                           std::to_string(stages.size()) + " stages)",
                       "stage_ids");
  }
  std::vector<Json> ordered;
  for (const auto& id : ids) {
    for (auto& s : stages) {
      if (s["id"] == id) ordered.push_back(s);
    }
  }
  renumber(ctx, ordered);
  return pipeline_view(ctx.db, pipeline);
}

Json stage_remove(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id", "move_to"});
  Json stage = require_row(ctx.db, stage_table(), read_id(reader));
  std::string id = stage["id"];
  std::vector<Json> deals = select_rows(ctx.db, deal_table(), "stage_id = ?1", {id}, "created_at, id");
  std::string move_to = reader.text("move_to", {64}).value_or("");
  if (!deals.empty()) {
    if (move_to.empty()) {
      throw CommandError("has_deals",
                         "The stage has " + std::to_string(deals.size()) +
                             " deal(s); give move_to, another stage of the same pipeline, to move them there",
                         "move_to");
    }
    Json target = require_row(ctx.db, stage_table(), move_to, "move_to");
    if (target["pipeline_id"] != stage["pipeline_id"] || move_to == id) {
      throw CommandError("invalid_value", "move_to must be another stage of the same pipeline", "move_to");
    }
    for (auto& deal : deals) {
      if (deal["status"] == "open") {
        move_deal_to_stage(ctx, deal, target, "stage_removed");
      } else {
        // A closed deal keeps its history (entries carry the stage name); reopened, it
        // continues from the new stage.
        set_fields(ctx, deal_table(), deal, {{"stage_id", target["id"]}});
      }
    }
  }
  delete_stage_steps(ctx, id);
  delete_row(ctx, stage_table(), id);
  std::vector<Json> rest = stages_of(ctx.db, stage["pipeline_id"].get<std::string>());
  renumber(ctx, rest);
  return Json{{"id", id}, {"deleted", true}, {"deals_moved", deals.size()}};
}

Json stage_checklist(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"stage_id"});
  Json stage = require_row(ctx.db, stage_table(), read_id(reader, "stage_id"), "stage_id");
  return Json{{"stage_id", stage["id"]}, {"items", steps_of(ctx.db, stage["id"].get<std::string>())}};
}

Json stage_add_step(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"stage_id", "text", "required"});
  Json stage = require_row(ctx.db, stage_table(), read_id(reader, "stage_id"), "stage_id");
  Json step = blank_row(step_table());
  step["stage_id"] = stage["id"];
  step["text"] = reader.required_text("text", {300});
  step["required"] = reader.boolean("required").value_or(false);
  Statement pos(ctx.db, "SELECT coalesce(max(position), 0) + 1 FROM stage_steps WHERE stage_id = ?1");
  pos.bind(1, stage["id"].get<std::string>()).step();
  step["position"] = pos.column_int(0);
  insert_row(ctx, step_table(), step);
  return Json{{"id", step["id"]}, {"stage_id", step["stage_id"]}, {"text", step["text"]}, {"required", step["required"]}};
}

Json stage_remove_step(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id"});
  Json step = require_row(ctx.db, step_table(), read_id(reader));
  std::string id = step["id"];
  for (auto& ds : select_rows(ctx.db, deal_step_table(), "step_id = ?1", {id})) {
    delete_row(ctx, deal_step_table(), ds["id"].get<std::string>());
  }
  delete_row(ctx, step_table(), id);
  return Json{{"id", id}, {"deleted", true}};
}

}  // namespace

void register_pipeline_commands(CommandRegistry& registry) {
  registry.add({"pipeline.list", "Pipelines with their stages in order, checklists and open deal counts", false,
                pipeline_list});
  registry.add({"pipeline.get", "One pipeline with its stages", false, pipeline_get});
  registry.add({"pipeline.create", "Create a pipeline (name, name_tr, stages: [{name, probability, stale_after_days}])",
                true, pipeline_create});
  registry.add({"pipeline.update", "Rename or reposition a pipeline", true, pipeline_update});
  registry.add({"pipeline.delete", "Delete a pipeline with its stages (refused while it has deals)", true,
                pipeline_delete});
  registry.add({"stage.add", "Add a stage to a pipeline (name, probability, stale_after_days, position)", true,
                stage_add});
  registry.add({"stage.update", "Rename a stage or change its probability and stale days", true, stage_update});
  registry.add({"stage.reorder", "Order the stages of a pipeline (pipeline_id, stage_ids: full list)", true,
                stage_reorder});
  registry.add({"stage.remove", "Remove a stage; move_to another stage of the pipeline when it has deals", true,
                stage_remove});
  registry.add({"stage.checklist", "The checklist steps of a stage (stage_id)", false, stage_checklist});
  registry.add({"stage.add_step", "Add a checklist step to a stage (stage_id, text, required)", true, stage_add_step});
  registry.add({"stage.remove_step", "Remove a checklist step (id)", true, stage_remove_step});
}

}  // namespace kervan
