// Deal commands: deal.create, deal.get, deal.update, deal.list, deal.move, deal.check_step,
// deal.win, deal.lose, deal.reopen, deal.delete. A deal sits in one stage of one pipeline;
// every stage it enters and leaves is kept in deal_stage_history.
#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "core/change_log.hpp"
#include "core/clock.hpp"
#include "core/database.hpp"
#include "core/deals.hpp"
#include "core/record_types.hpp"
#include "core/text.hpp"

namespace kervan {
namespace {

constexpr int64_t kDayMs = 86400000;
constexpr int64_t kMaxAmount = 1000000000000000000LL;  // 10^18 minor units

std::string now_iso(CommandContext& ctx) { return format_iso8601(ctx.clock.now_ms()); }

bool exists(Database& db, const std::string& table, const std::string& id) {
  Statement st(db, "SELECT 1 FROM " + table + " WHERE id = ?1");
  st.bind(1, id);
  return st.step();
}

std::string default_pipeline(Database& db) {
  Statement st(db, "SELECT id FROM pipelines ORDER BY position, created_at, id LIMIT 1");
  if (!st.step()) throw CommandError("not_found", "There is no pipeline; create one first", "pipeline_id");
  return st.column_text(0);
}

std::string first_stage(Database& db, const std::string& pipeline_id) {
  Statement st(db, "SELECT id FROM stages WHERE pipeline_id = ?1 ORDER BY position, created_at, id LIMIT 1");
  st.bind(1, pipeline_id);
  if (!st.step()) throw CommandError("invalid_value", "The pipeline has no stages; add one first", "pipeline_id");
  return st.column_text(0);
}

Json read_tags(const ArgsReader& reader) {
  const Json& raw = reader.raw("tags");
  if (raw.is_null()) return Json::array();
  if (!raw.is_array() || raw.size() > 50) {
    throw CommandError("wrong_type", "The field tags must be a list of at most 50 texts", "tags");
  }
  Json out = Json::array();
  std::vector<std::string> seen;
  for (const auto& item : raw) {
    if (!item.is_string()) throw CommandError("wrong_type", "Every tag must be text", "tags");
    std::string tag = check_text("tags", item.get<std::string>(), {60});
    std::string key = text::fold(tag);
    if (tag.empty() || std::find(seen.begin(), seen.end(), key) != seen.end()) continue;
    seen.push_back(key);
    out.push_back(tag);
  }
  return out;
}

// The deal fields a caller may set (stage and pipeline are set by deal.create / deal.move).
void apply_deal_args(CommandContext& ctx, const ArgsReader& reader, Json& deal, const Json& stage) {
  if (reader.has("name")) deal["name"] = reader.required_text("name", {200});
  const std::pair<const char*, const char*> refs[] = {
      {"company_id", "companies"}, {"contact_id", "contacts"}, {"source_lead_id", "leads"}};
  for (const auto& [key, table] : refs) {
    if (!reader.has(key)) continue;
    std::string id = reader.text(key, {64}).value_or("");
    if (!id.empty() && !exists(ctx.db, table, id)) {
      throw CommandError("not_found", std::string("No record has the ") + key + " \"" + id + "\"", key);
    }
    deal[key] = id;
  }
  if (reader.has("owner")) deal["owner"] = reader.text("owner", {100}).value_or("");
  if (reader.has("notes")) deal["notes"] = reader.text("notes", {20000, true}).value_or("");
  if (reader.has("tags")) deal["tags"] = read_tags(reader);
  if (reader.has("amount")) {
    if (reader.raw("amount").is_null()) throw CommandError("required", "The field amount cannot be empty", "amount");
    deal["amount"] = *reader.integer("amount", 0, kMaxAmount);
  }
  if (reader.has("currency")) {
    deal["currency"] = check_currency(ctx.db, reader.text("currency", {10}).value_or(""));
  }
  if (reader.has("probability")) {
    if (reader.raw("probability").is_null()) {
      deal["probability_override"] = false;
      deal["probability"] = stage["probability"];
    } else {
      deal["probability"] = *reader.integer("probability", 0, 100);
      deal["probability_override"] = true;
    }
  }
  if (reader.has("expected_close")) deal["expected_close"] = read_date(reader, "expected_close");
}

// What every deal of one reply shares: the base currency, the rates, the stages and, for a
// list, the names and activity facts of all deals read in a few queries instead of per deal.
struct ViewCache {
  int64_t now_ms = 0;
  std::string now_iso;
  std::string base;
  std::map<std::string, int64_t> rates;
  std::map<std::string, Json> stages;
  bool bulk = false;
  std::map<std::string, std::string> company_names, contact_names;
  std::map<std::string, ActivityTouch> touches;
  std::map<std::string, Json> next;
};

ViewCache load_cache(Database& db, int64_t now_ms, bool bulk) {
  ViewCache c;
  c.now_ms = now_ms;
  c.now_iso = format_iso8601(now_ms);
  c.base = base_currency(db);
  Statement rates(db, "SELECT currency, per_base_micro FROM rates");
  while (rates.step()) c.rates[rates.column_text(0)] = rates.column_int(1);
  c.rates[c.base] = 1000000;
  for (auto& stage : select_rows(db, stage_table(), "1")) c.stages[stage["id"].get<std::string>()] = stage;
  c.bulk = bulk;
  if (!bulk) return c;
  Statement companies(db, "SELECT id, name FROM companies WHERE id IN (SELECT company_id FROM deals)");
  while (companies.step()) c.company_names[companies.column_text(0)] = companies.column_text(1);
  Statement contacts(db, "SELECT id, name FROM contacts WHERE id IN (SELECT contact_id FROM deals)");
  while (contacts.step()) c.contact_names[contacts.column_text(0)] = contacts.column_text(1);
  Statement touch(db,
                  "SELECT l.record_id, max(max(a.created_at, a.done_at)), max(a.done = 0 AND a.due_at > ?1) "
                  "FROM activity_links l JOIN activities a ON a.id = l.activity_id WHERE l.entity = 'deal' "
                  "GROUP BY l.record_id");
  touch.bind(1, c.now_iso);
  while (touch.step()) c.touches[touch.column_text(0)] = ActivityTouch{touch.column_text(1), touch.column_int(2) != 0};
  Statement next(db,
                 "SELECT l.record_id, a.id, a.type, a.subject, a.due_at, a.owner FROM activity_links l "
                 "JOIN activities a ON a.id = l.activity_id WHERE l.entity = 'deal' AND a.done = 0 AND a.due_at <> '' "
                 "ORDER BY l.record_id, a.due_at, a.created_at, a.id");
  while (next.step()) {
    std::string deal_id = next.column_text(0);
    if (c.next.count(deal_id)) continue;
    c.next[deal_id] = {{"id", next.column_text(1)}, {"type", next.column_text(2)}, {"subject", next.column_text(3)},
                       {"due_at", next.column_text(4)}, {"owner", next.column_text(5)}};
  }
  return c;
}

// Amounts in the base currency: a won deal uses its final amount and the rate of its closing
// day; weighted by the probability (100 when won, 0 when lost).
void add_money(const ViewCache& c, Json& deal) {
  const std::string status = deal["status"];
  int64_t amount = deal["amount"];
  std::optional<int64_t> rate;
  int64_t percent = deal["probability"];
  if (status == "won") {
    if (!deal["won_amount"].is_null()) amount = deal["won_amount"];
    if (!deal["close_rate_micro"].is_null() && deal["close_base_currency"] == c.base) {
      rate = deal["close_rate_micro"].get<int64_t>();
    }
    percent = 100;
  } else if (status == "lost") {
    percent = 0;
  }
  if (!rate) {
    auto it = c.rates.find(deal["currency"].get<std::string>());
    if (it != c.rates.end()) rate = it->second;
  }
  if (rate) {
    int64_t base = to_base(amount, *rate);
    deal["amount_base"] = base;
    deal["weighted_base"] = weighted(base, percent);
  } else {
    deal["amount_base"] = nullptr;
    deal["weighted_base"] = nullptr;
  }
}

bool is_stale(Database& db, const ViewCache& c, const Json& deal, const Json& stage) {
  if (deal["status"] != "open") return false;
  int64_t days = stage["stale_after_days"];
  if (days <= 0) return false;
  const std::string& id = deal["id"].get_ref<const std::string&>();
  ActivityTouch touch;
  if (!c.bulk) {
    touch = activity_touch(db, id, c.now_iso);
  } else if (auto it = c.touches.find(id); it != c.touches.end()) {
    touch = it->second;
  }
  if (touch.future_scheduled) return false;
  std::string last = std::max(deal["stage_entered_at"].get<std::string>(), touch.last_at);
  return c.now_ms - time_ms(last) >= days * kDayMs;
}

Json name_link(Database& db, const ViewCache& c, const char* table, const std::map<std::string, std::string>& names,
               const std::string& id) {
  if (id.empty()) return nullptr;
  if (c.bulk) {
    auto it = names.find(id);
    return it == names.end() ? Json(nullptr) : Json{{"id", id}, {"name", it->second}};
  }
  Statement st(db, std::string("SELECT name FROM ") + table + " WHERE id = ?1");
  st.bind(1, id);
  return st.step() ? Json{{"id", id}, {"name", st.column_text(0)}} : Json(nullptr);
}

// The deal as commands return it: the stored fields plus stage, money, stale, next activity.
Json deal_view(Database& db, const ViewCache& c, Json deal) {
  auto it = c.stages.find(deal["stage_id"].get<std::string>());
  Json stage = it != c.stages.end() ? it->second : Json{{"stale_after_days", 0}, {"name", ""}, {"name_tr", ""}};
  deal["stage"] = {{"id", deal["stage_id"]}, {"name", stage["name"]}, {"name_tr", stage["name_tr"]}};
  add_money(c, deal);
  deal["company"] = name_link(db, c, "companies", c.company_names, deal["company_id"]);
  deal["contact"] = name_link(db, c, "contacts", c.contact_names, deal["contact_id"]);
  deal["base_currency"] = c.base;
  deal["stale"] = is_stale(db, c, deal, stage);
  bool open = deal["status"] == "open";
  const std::string& id = deal["id"].get_ref<const std::string&>();
  if (!open) {
    deal["next_activity"] = nullptr;
  } else if (!c.bulk) {
    deal["next_activity"] = next_activity(db, "deal", id);
  } else {
    auto n = c.next.find(id);
    deal["next_activity"] = n == c.next.end() ? Json(nullptr) : n->second;
  }
  deal["days_in_stage"] = open ? (c.now_ms - time_ms(deal["stage_entered_at"])) / kDayMs : 0;
  return deal;
}

Json open_history_entry(CommandContext& ctx, const Json& deal, const std::string& stage_id, const std::string& at,
                        std::string_view reason, const Json& confirmed) {
  Json entry = blank_row(history_table());
  entry["deal_id"] = deal["id"];
  entry["stage_id"] = stage_id;
  // The name at the time, so the history still reads after the stage is renamed or removed.
  if (auto stage = find_row(ctx.db, stage_table(), stage_id)) entry["stage_name"] = (*stage)["name"];
  entry["entered_at"] = at;
  entry["reason"] = std::string(reason);
  entry["confirmed"] = confirmed;
  insert_row(ctx, history_table(), entry);
  return entry;
}

void close_history(CommandContext& ctx, const Json& deal, const std::string& at) {
  for (auto& entry : select_rows(ctx.db, history_table(), "deal_id = ?1 AND left_at = ''", {deal["id"].get<std::string>()})) {
    set_fields(ctx, history_table(), entry, {{"left_at", at}});
  }
}

Json stage_names(Database& db) {
  Json names = Json::object();
  Statement st(db, "SELECT id, name, name_tr FROM stages");
  while (st.step()) names[st.column_text(0)] = {{"name", st.column_text(1)}, {"name_tr", st.column_text(2)}};
  return names;
}

Json deal_checklist(Database& db, const Json& deal) {
  Json out = Json::array();
  std::string deal_id = deal["id"];
  for (auto& stage : select_rows(db, stage_table(), "pipeline_id = ?1", {deal["pipeline_id"].get<std::string>()},
                                 "position, created_at, id")) {
    Json steps = Json::array();
    Statement st(db,
                 "SELECT s.id, s.text, s.required, coalesce(d.done, 0), coalesce(d.done_at, '') FROM stage_steps s "
                 "LEFT JOIN deal_steps d ON d.step_id = s.id AND d.deal_id = ?2 WHERE s.stage_id = ?1 "
                 "ORDER BY s.position, s.created_at, s.id");
    st.bind(1, stage["id"].get<std::string>()).bind(2, deal_id);
    while (st.step()) {
      steps.push_back({{"id", st.column_text(0)},
                       {"text", st.column_text(1)},
                       {"required", st.column_int(2) != 0},
                       {"done", st.column_int(3) != 0},
                       {"done_at", st.column_text(4)}});
    }
    if (!steps.empty()) out.push_back({{"stage_id", stage["id"]}, {"stage_name", stage["name"]}, {"steps", steps}});
  }
  return out;
}

Json deal_full(CommandContext& ctx, Json deal) {
  int64_t now = ctx.clock.now_ms();
  deal = deal_view(ctx.db, load_cache(ctx.db, now, false), std::move(deal));
  Json names = stage_names(ctx.db);
  Json history = Json::array();
  std::map<std::string, int64_t> totals;
  std::vector<std::string> order;
  for (auto& e : select_rows(ctx.db, history_table(), "deal_id = ?1", {deal["id"].get<std::string>()},
                             "entered_at, rowid")) {
    std::string stage_id = e["stage_id"];
    int64_t end = e["left_at"] == "" ? now : time_ms(e["left_at"]);
    int64_t ms = std::max<int64_t>(0, end - time_ms(e["entered_at"]));
    if (!totals.count(stage_id)) order.push_back(stage_id);
    totals[stage_id] += ms;
    Json name = names.contains(stage_id) ? names[stage_id] : Json{{"name", e["stage_name"]}, {"name_tr", ""}};
    if (!names.contains(stage_id)) names[stage_id] = name;
    Json entry = pick(e, {"stage_id", "entered_at", "left_at", "reason", "confirmed"});
    entry["stage_name"] = name["name"];
    entry["stage_name_tr"] = name["name_tr"];
    entry["duration_ms"] = ms;
    history.push_back(std::move(entry));
  }
  Json time_in_stages = Json::array();
  for (const auto& id : order) {
    Json name = names.contains(id) ? names[id] : Json{{"name", ""}, {"name_tr", ""}};
    time_in_stages.push_back({{"stage_id", id},
                              {"stage_name", name["name"]},
                              {"stage_name_tr", name["name_tr"]},
                              {"total_ms", totals[id]},
                              {"days", totals[id] / kDayMs}});
  }
  deal["stage_history"] = history;
  deal["time_in_stages"] = time_in_stages;
  deal["checklist"] = deal_checklist(ctx.db, deal);
  return deal;
}

Json require_stage_of(Database& db, const std::string& stage_id, const std::string& pipeline_id) {
  Json stage = require_row(db, stage_table(), stage_id, "stage_id");
  if (stage["pipeline_id"] != pipeline_id) {
    throw CommandError("wrong_pipeline", "The stage belongs to another pipeline", "stage_id");
  }
  return stage;
}

const std::initializer_list<std::string_view> kDealFields = {
    "name", "company_id", "contact_id", "owner", "amount", "currency", "probability",
    "expected_close", "source_lead_id", "notes", "tags"};

Json deal_create(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  std::vector<std::string_view> allowed(kDealFields);
  allowed.push_back("pipeline_id");
  allowed.push_back("stage_id");
  reader.allow_only(allowed);
  std::string pipeline_id = reader.text("pipeline_id", {64}).value_or("");
  std::string stage_id = reader.text("stage_id", {64}).value_or("");
  if (pipeline_id.empty() && !stage_id.empty()) {
    pipeline_id = require_row(ctx.db, stage_table(), stage_id, "stage_id")["pipeline_id"];
  }
  if (pipeline_id.empty()) pipeline_id = default_pipeline(ctx.db);
  require_row(ctx.db, pipeline_table(), pipeline_id, "pipeline_id");
  if (stage_id.empty()) stage_id = first_stage(ctx.db, pipeline_id);
  Json stage = require_stage_of(ctx.db, stage_id, pipeline_id);
  Json deal = blank_row(deal_table());
  deal["pipeline_id"] = pipeline_id;
  deal["stage_id"] = stage_id;
  deal["currency"] = base_currency(ctx.db);
  deal["status"] = "open";
  deal["probability"] = stage["probability"];
  deal["won_amount"] = nullptr;
  deal["close_rate_micro"] = nullptr;
  apply_deal_args(ctx, reader, deal, stage);
  if (deal["name"] == "") throw CommandError("required", "The field name is required", "name");
  std::string now = now_iso(ctx);
  deal["stage_entered_at"] = now;
  insert_row(ctx, deal_table(), deal);
  open_history_entry(ctx, deal, stage_id, now, "created", Json::array());
  return deal_full(ctx, deal);
}

Json deal_get(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id"});
  return deal_full(ctx, require_row(ctx.db, deal_table(), read_id(reader)));
}

Json deal_update(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  std::vector<std::string_view> allowed(kDealFields);
  allowed.push_back("id");
  allowed.push_back("stage_id");
  allowed.push_back("pipeline_id");
  reader.allow_only(allowed);
  if (reader.has("stage_id") || reader.has("pipeline_id")) {
    throw CommandError("invalid_value", "Use deal.move to change the stage of a deal",
                       reader.has("stage_id") ? "stage_id" : "pipeline_id");
  }
  Json deal = require_row(ctx.db, deal_table(), read_id(reader));
  Json stage = require_row(ctx.db, stage_table(), deal["stage_id"].get<std::string>(), "stage_id");
  Json updated = deal;
  apply_deal_args(ctx, reader, updated, stage);
  if (deal["status"] == "won" && updated["currency"] != deal["currency"]) {
    // The closing rate belongs to the currency the deal was won in.
    throw CommandError("invalid_transition", "The currency of a won deal is fixed; reopen it to change it", "currency");
  }
  Json values = Json::object();
  for (const auto& [key, value] : updated.items()) values[key] = value;
  set_fields(ctx, deal_table(), deal, values);
  return deal_full(ctx, deal);
}

// Required checklist steps of the stages a move passes (the current one and any skipped),
// that this deal has not done.
Json unfinished_steps(Database& db, const Json& deal, const Json& from, const Json& to) {
  Json out = Json::array();
  if (to["position"].get<int64_t>() <= from["position"].get<int64_t>()) return out;
  Statement st(db,
               "SELECT s.id, s.text, g.id, g.name FROM stage_steps s JOIN stages g ON g.id = s.stage_id "
               "WHERE g.pipeline_id = ?1 AND g.position >= ?2 AND g.position < ?3 AND s.required = 1 "
               "AND NOT EXISTS (SELECT 1 FROM deal_steps d WHERE d.step_id = s.id AND d.deal_id = ?4 AND d.done = 1) "
               "ORDER BY g.position, s.position, s.id");
  st.bind(1, deal["pipeline_id"].get<std::string>())
      .bind(2, from["position"].get<int64_t>())
      .bind(3, to["position"].get<int64_t>())
      .bind(4, deal["id"].get<std::string>());
  while (st.step()) {
    out.push_back({{"step_id", st.column_text(0)}, {"text", st.column_text(1)}, {"stage_id", st.column_text(2)},
                   {"stage_name", st.column_text(3)}});
  }
  return out;
}

void require_open(const Json& deal, const char* action) {
  if (deal["status"] != "open") {
    throw CommandError("invalid_transition",
                       std::string("The deal is ") + deal["status"].get<std::string>() + "; reopen it (deal.reopen) to " +
                           action,
                       "status");
  }
}

Json deal_move(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id", "stage_id", "confirm"});
  Json deal = require_row(ctx.db, deal_table(), read_id(reader));
  require_open(deal, "move it");
  Json to = require_stage_of(ctx.db, read_id(reader, "stage_id"), deal["pipeline_id"]);
  bool confirm = reader.boolean("confirm").value_or(false);
  if (to["id"] == deal["stage_id"]) return deal_full(ctx, deal);
  Json from = require_row(ctx.db, stage_table(), deal["stage_id"].get<std::string>(), "stage_id");
  Json missing = unfinished_steps(ctx.db, deal, from, to);
  if (!missing.empty() && !confirm) {
    std::string list;
    for (const auto& m : missing) {
      list += (list.empty() ? "" : ", ") + std::string("\"") + m["text"].get<std::string>() + "\" (" +
              m["stage_name"].get<std::string>() + ")";
    }
    throw CommandError("unfinished_steps",
                       "Required steps are not done: " + list + "; send confirm: true to move anyway", "confirm");
  }
  move_deal_to_stage(ctx, deal, to, missing.empty() ? "moved" : "moved_confirmed", missing);
  return deal_full(ctx, deal);
}

Json deal_check_step(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id", "step_id", "done"});
  Json deal = require_row(ctx.db, deal_table(), read_id(reader));
  Json step = require_row(ctx.db, step_table(), read_id(reader, "step_id"), "step_id");
  Json stage = require_row(ctx.db, stage_table(), step["stage_id"].get<std::string>(), "step_id");
  if (stage["pipeline_id"] != deal["pipeline_id"]) {
    throw CommandError("wrong_pipeline", "The step belongs to a stage of another pipeline", "step_id");
  }
  auto done = reader.boolean("done");
  if (!done) throw CommandError("required", "The field done (true or false) is required", "done");
  auto rows = select_rows(ctx.db, deal_step_table(), "deal_id = ?1 AND step_id = ?2",
                          {deal["id"].get<std::string>(), step["id"].get<std::string>()});
  std::string at = *done ? now_iso(ctx) : "";
  if (rows.empty()) {
    Json row = blank_row(deal_step_table());
    // Named by deal and step, so the same step ticked on two devices is one record.
    row["id"] = derived_uuid("deal_step\n" + deal["id"].get<std::string>() + "\n" + step["id"].get<std::string>());
    row["deal_id"] = deal["id"];
    row["step_id"] = step["id"];
    row["done"] = *done;
    row["done_at"] = at;
    insert_row(ctx, deal_step_table(), row);
  } else if (rows.front()["done"] != *done) {
    Json row = rows.front();
    row["done"] = *done;
    row["done_at"] = at;
    update_row(ctx, deal_step_table(), row, {"deal_id", "step_id", "done", "done_at"});  // whole (docs/sync.md)
  }
  return deal_full(ctx, deal);
}

Json deal_win(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id", "amount"});
  Json deal = require_row(ctx.db, deal_table(), read_id(reader));
  require_open(deal, "win it");
  int64_t amount = reader.integer("amount", 0, kMaxAmount).value_or(deal["amount"].get<int64_t>());
  std::string now = now_iso(ctx);
  auto rate = rate_micro(ctx.db, deal["currency"].get<std::string>());
  set_fields(ctx, deal_table(), deal,
             {{"status", "won"},
              {"won_amount", amount},
              {"closed_at", now},
              {"close_rate_micro", rate ? Json(*rate) : Json(nullptr)},
              {"close_base_currency", base_currency(ctx.db)}});
  close_history(ctx, deal, now);
  return deal_full(ctx, deal);
}

Json deal_lose(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id", "reason"});
  Json deal = require_row(ctx.db, deal_table(), read_id(reader));
  require_open(deal, "lose it");
  std::string reason = reader.text("reason", {100}).value_or("");
  if (reason.empty()) throw CommandError("required", "A lost deal needs a reason (deal_lost_reason list)", "reason");
  reason = resolve_list_value(ctx.db, "deal_lost_reason", reason, "reason");
  std::string now = now_iso(ctx);
  set_fields(ctx, deal_table(), deal, {{"status", "lost"}, {"lost_reason", reason}, {"closed_at", now}});
  close_history(ctx, deal, now);
  return deal_full(ctx, deal);
}

Json deal_reopen(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id"});
  Json deal = require_row(ctx.db, deal_table(), read_id(reader));
  if (deal["status"] == "open") throw CommandError("invalid_transition", "The deal is already open", "status");
  std::string now = now_iso(ctx);
  set_fields(ctx, deal_table(), deal,
             {{"status", "open"},
              {"lost_reason", ""},
              {"closed_at", ""},
              {"won_amount", nullptr},
              {"close_rate_micro", nullptr},
              {"close_base_currency", ""},
              {"stage_entered_at", now}});
  open_history_entry(ctx, deal, deal["stage_id"], now, "reopened", Json::array());
  return deal_full(ctx, deal);
}

Json deal_delete(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id"});
  std::string id = read_id(reader);
  require_row(ctx.db, deal_table(), id);
  for (auto& e : select_rows(ctx.db, history_table(), "deal_id = ?1", {id})) {
    delete_row(ctx, history_table(), e["id"].get<std::string>());
  }
  for (auto& s : select_rows(ctx.db, deal_step_table(), "deal_id = ?1", {id})) {
    delete_row(ctx, deal_step_table(), s["id"].get<std::string>());
  }
  drop_links_to(ctx, "deal", id);
  delete_row(ctx, deal_table(), id);
  return Json{{"id", id}, {"deleted", true}};
}

Json deal_list(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"query", "pipeline_id", "stage_id", "status", "owner", "company_id", "contact_id",
                     "expected_from", "expected_to", "stale", "without_next_step", "sort", "limit", "offset"});
  std::string where = "1";
  std::vector<std::string> params;
  auto add_equal = [&](const char* column, const std::string& value) {
    params.push_back(value);
    where += std::string(" AND ") + column + " = ?" + std::to_string(params.size());
  };
  for (const char* key : {"pipeline_id", "stage_id", "company_id", "contact_id"}) {
    if (auto v = reader.text(key, {64}); v && !v->empty()) add_equal(key, *v);
  }
  if (auto owner = reader.text("owner", {100}); owner && !owner->empty()) add_equal("owner", *owner);
  if (auto status = reader.text("status", {10}); status && !status->empty()) {
    if (*status != "open" && *status != "won" && *status != "lost") {
      throw CommandError("invalid_value", "Unknown status \"" + *status + "\"; use open, won or lost", "status");
    }
    add_equal("status", *status);
  }
  if (auto from = read_date(reader, "expected_from"); !from.empty()) {
    params.push_back(from);
    where += " AND expected_close <> '' AND expected_close >= ?" + std::to_string(params.size());
  }
  if (auto to = read_date(reader, "expected_to"); !to.empty()) {
    params.push_back(to);
    where += " AND expected_close <> '' AND expected_close <= ?" + std::to_string(params.size());
  }
  Search search = add_search_terms("deals", reader.text("query", {500}).value_or(""), where, params);
  add_match_filter("deals", index_query(ctx.db, "deals", search, where, params), false, where, params);
  std::string sort = reader.text("sort", {40}).value_or("");
  if (sort.empty()) sort = "-created_at";
  bool descending = sort[0] == '-';
  std::string key = descending ? sort.substr(1) : sort;
  const char* sortable[] = {"name", "owner", "amount", "currency", "probability", "expected_close", "status",
                            "closed_at", "created_at", "updated_at", "stage"};
  if (std::find(std::begin(sortable), std::end(sortable), key) == std::end(sortable)) {
    throw CommandError("invalid_value",
                       "Cannot sort by \"" + sort + "\"; use name, owner, amount, currency, probability, "
                       "expected_close, status, closed_at, created_at, updated_at or stage (a leading - sorts descending)",
                       "sort");
  }
  std::string dir = descending ? " DESC" : " ASC";
  bool text_key = key == "name" || key == "owner";
  // Stage order is the pipeline's order (position), not the stage name.
  std::string column = key == "stage" ? "(SELECT position FROM stages WHERE stages.id = deals.stage_id)" : key;
  std::string order = column + (text_key ? " COLLATE TURKISH" : "") + dir + ", created_at" + dir + ", id";
  auto stale = reader.boolean("stale");
  auto without_next = reader.boolean("without_next_step");
  int64_t limit = reader.integer("limit", 1, 100000).value_or(100);
  int64_t offset = reader.integer("offset", 0, INT64_MAX / 2).value_or(0);

  ViewCache cache = load_cache(ctx.db, ctx.clock.now_ms(), true);
  std::vector<Json> matching;
  int64_t sum_base = 0, sum_weighted = 0;
  for (auto& row : select_rows(ctx.db, deal_table(), where, params, order)) {
    Json deal = deal_view(ctx.db, cache, std::move(row));
    if (stale && deal["stale"].get<bool>() != *stale) continue;
    if (without_next) {
      bool none = deal["status"] == "open" && deal["next_activity"].is_null();
      if (none != *without_next) continue;
    }
    if (deal["amount_base"].is_number()) sum_base += deal["amount_base"].get<int64_t>();
    if (deal["weighted_base"].is_number()) sum_weighted += deal["weighted_base"].get<int64_t>();
    matching.push_back(std::move(deal));
  }
  Json items = Json::array();
  for (int64_t i = offset; i < static_cast<int64_t>(matching.size()) && i < offset + limit; ++i) {
    items.push_back(std::move(matching[static_cast<std::size_t>(i)]));
  }
  return Json{{"items", items},
              {"total", matching.size()},
              {"limit", limit},
              {"offset", offset},
              {"sort", sort},
              {"totals", {{"amount_base", sum_base}, {"weighted_base", sum_weighted}}},
              {"base_currency", cache.base}};
}

}  // namespace

Json create_deal(CommandContext& ctx, const Json& args) { return deal_create(ctx, args); }

void move_deal_to_stage(CommandContext& ctx, Json& deal, const Json& stage, std::string_view reason,
                        const Json& confirmed) {
  std::string now = now_iso(ctx);
  close_history(ctx, deal, now);
  open_history_entry(ctx, deal, stage["id"], now, reason, confirmed);
  Json values = {{"stage_id", stage["id"]}, {"stage_entered_at", now}};
  if (!deal["probability_override"].get<bool>()) values["probability"] = stage["probability"];
  set_fields(ctx, deal_table(), deal, values);
}

void register_deal_commands(CommandRegistry& registry) {
  register_pipeline_commands(registry);
  register_rate_commands(registry);
  register_activity_commands(registry);
  registry.add({"deal.create",
                "Create a deal (name; pipeline_id/stage_id default to the first; amount in minor units, currency, "
                "probability, expected_close, company_id, contact_id, owner, notes, tags)",
                true, deal_create});
  registry.add({"deal.get", "One deal with stage history, time in each stage, checklist and next activity", false,
                deal_get});
  registry.add({"deal.update", "Change some fields of a deal (probability: null follows the stage again)", true,
                deal_update});
  registry.add({"deal.list",
                "Deals by pipeline_id, stage_id, status, owner, company_id, expected_from/to, stale, "
                "without_next_step, query; sorted and paged: items, total, totals in the base currency",
                false, deal_list});
  registry.add({"deal.move", "Move an open deal to another stage of its pipeline (confirm: true past unfinished "
                             "required steps)",
                true, deal_move});
  registry.add({"deal.check_step", "Mark a checklist step done or not for a deal (id, step_id, done)", true,
                deal_check_step});
  registry.add({"deal.win", "Win an open deal (amount: final amount, defaults to the deal's)", true, deal_win});
  registry.add({"deal.lose", "Lose an open deal (reason from deal_lost_reason, required)", true, deal_lose});
  registry.add({"deal.reopen", "Reopen a won or lost deal", true, deal_reopen});
  registry.add({"deal.delete", "Delete a deal with its history (leaves tombstones)", true, deal_delete});
}

}  // namespace kervan
