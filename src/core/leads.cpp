// Lead commands: lead.create, lead.get, lead.update, lead.delete, lead.list. The lifecycle
// (qualify, disqualify, reopen, convert, merge) lives in lead_lifecycle.cpp.
#include <algorithm>
#include <array>
#include <map>
#include <string>
#include <vector>

#include "core/args.hpp"
#include "core/clock.hpp"
#include "core/command.hpp"
#include "core/database.hpp"
#include "core/record_types.hpp"
#include "core/text.hpp"

namespace kervan {

const RecordType& lead_type() {
  static const RecordType type{
      "lead",
      "leads",
      "lead",
      {
          {"name", FieldKind::text, {200}, true, true},
          {"company", FieldKind::text, {200}, true, true},
          {"title", FieldKind::text, {200}, true, true},
          {"email", FieldKind::text, {254}, true, true},
          {"phone", FieldKind::text, {50}, true, true},
          {"city", FieldKind::text, {100}, true, true},
          {"country", FieldKind::text, {100}, true, true},
          {"website", FieldKind::text, {200}, true, true},
          {"source", FieldKind::text, {100}, true, false},
          {"event", FieldKind::text, {200}, true, true},
          {"interest", FieldKind::text, {500}, true, true},
          {"notes", FieldKind::text, {20000, true}, true, true},
          {"owner", FieldKind::text, {100}, true, true},
          {"consent", FieldKind::boolean, {}, true, false},
          {"consent_at", FieldKind::text, {40}, false, false},
          {"tags", FieldKind::text_list, {60}, true, true},
          {"status", FieldKind::text, {20}, false, false},
          {"disqualify_reason", FieldKind::text, {100}, false, false},
          {"contact_id", FieldKind::reference, {64}, false, false, "contacts"},
          {"company_id", FieldKind::reference, {64}, false, false, "companies"},
          {"converted_at", FieldKind::text, {40}, false, false},
      }};
  return type;
}

namespace {

constexpr std::array<std::string_view, 5> kStatuses = {"new", "working", "qualified", "unqualified", "converted"};

const std::initializer_list<std::string_view> kWritable = {
    "name", "company", "title", "email", "phone", "city", "country", "website", "source",
    "event", "interest", "notes", "owner", "consent", "tags"};

void check_has_name_or_company(const Json& lead) {
  if (lead["name"].get_ref<const std::string&>().empty() && lead["company"].get_ref<const std::string&>().empty()) {
    throw CommandError("required", "A lead needs a name or a company", "name");
  }
}

// Normalises what apply_fields cannot: the source against its list, and the consent time.
void finish_fields(CommandContext& ctx, Json& lead, std::vector<std::string>& changed) {
  bool consent_changed = false;
  for (const auto& name : changed) {
    if (name == "source") {
      lead["source"] = resolve_list_value(ctx.db, "lead_source", lead["source"].get<std::string>(), "source");
    }
    consent_changed = consent_changed || name == "consent";
  }
  if (consent_changed) {
    // The time consent was given is part of the consent (KVKK): set when it turns on.
    lead["consent_at"] = lead["consent"].get<bool>() ? format_iso8601(ctx.clock.now_ms()) : "";
    changed.emplace_back("consent_at");
  }
}

Json lead_create(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only(kWritable);
  Json lead = blank_record(lead_type());
  lead["status"] = "new";
  std::vector<std::string> written = apply_fields(lead_type(), reader, lead);
  finish_fields(ctx, lead, written);
  check_has_name_or_company(lead);
  written.emplace_back("status");
  insert_record(ctx, lead_type(), lead, written);
  refresh_dedupe_keys(ctx.db, "lead", lead["id"].get<std::string>(), lead);
  return with_warnings(lead);
}

Json lead_get(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id"});
  return with_warnings(require_record(ctx.db, lead_type(), reader.required_text("id", {64})));
}

Json lead_update(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  std::vector<std::string_view> allowed(kWritable);
  allowed.push_back("id");
  allowed.push_back("status");
  reader.allow_only(allowed);
  Json lead = require_record(ctx.db, lead_type(), reader.required_text("id", {64}));
  const Json before = lead;
  const std::string current = lead["status"].get<std::string>();
  if (current == "converted") {
    throw CommandError("read_only", "A converted lead cannot be changed; edit the contact or company it became", "id");
  }
  std::vector<std::string> changed = apply_fields(lead_type(), reader, lead);
  finish_fields(ctx, lead, changed);
  // A label given for the source ("Trade show") is the same value as its key: not a change.
  std::erase_if(changed, [&](const std::string& f) { return before[f] == lead[f]; });
  if (auto status = reader.text("status", {20})) {
    if (status->empty()) throw CommandError("invalid_value", "status cannot be empty", "status");
    // Only the working state is set by hand; other moves have their own commands.
    bool simple = (*status == "new" || *status == "working") && (current == "new" || current == "working");
    if (*status != current && !simple) {
      throw CommandError("invalid_transition",
                         "lead.update moves a lead only between new and working; use lead.qualify, "
                         "lead.disqualify, lead.reopen or lead.convert (the lead is " + current + ")",
                         "status");
    }
    if (*status != current) {
      lead["status"] = *status;
      changed.emplace_back("status");
    }
  }
  check_has_name_or_company(lead);
  update_record(ctx, lead_type(), lead, changed);
  if (!changed.empty()) refresh_dedupe_keys(ctx.db, "lead", lead["id"].get<std::string>(), lead);
  return with_warnings(lead);
}

Json lead_delete(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id"});
  std::string id = reader.required_text("id", {64});
  Json lead = require_record(ctx.db, lead_type(), id);
  if (lead["status"] == "converted") {
    throw CommandError("read_only", "A converted lead is kept as the record of where its contact came from", "id");
  }
  delete_record(ctx, lead_type(), id);
  refresh_dedupe_keys(ctx.db, "lead", id, nullptr);
  return Json{{"id", id}, {"deleted", true}};
}

Json lead_list(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"query", "status", "source", "event", "owner", "tag", "created_from", "created_to", "sort",
                     "limit", "offset"});
  std::string where;
  std::vector<std::string> params;
  auto add_equal = [&](std::string_view column, const std::string& value) {
    params.push_back(value);
    where += " AND " + std::string(column) + " = ?" + std::to_string(params.size());
  };
  if (auto status = reader.text("status", {20}); status && !status->empty()) {
    bool known = false;
    for (auto s : kStatuses) known = known || s == *status;
    if (!known) {
      throw CommandError("invalid_value",
                         "Unknown status \"" + *status + "\"; use new, working, qualified, unqualified or converted",
                         "status");
    }
    add_equal("status", *status);
  }
  if (auto source = reader.text("source", {100}); source && !source->empty()) {
    add_equal("source", resolve_list_value(ctx.db, "lead_source", *source, "source", true));
  }
  if (auto event = reader.text("event", {200}); event && !event->empty()) add_equal("event", *event);
  if (auto owner = reader.text("owner", {100}); owner && !owner->empty()) add_equal("owner", *owner);
  if (auto tag = reader.text("tag", {60}); tag && !tag->empty()) {
    add_tag_filter(lead_type(), *tag, where, params);
  }
  for (const char* bound : {"created_from", "created_to"}) {
    auto value = reader.text(bound, {40});
    if (!value || value->empty()) continue;
    auto ms = parse_iso8601(*value);
    if (!ms) {
      throw CommandError("invalid_value", std::string("The field ") + bound +
                                              " must be a date (2026-11-26) or a UTC time (2026-11-26T09:00:00Z)",
                         bound);
    }
    bool from = std::string_view(bound) == "created_from";
    // A bare date as the upper bound means the whole day.
    int64_t edge = from ? *ms : (value->size() == 10 ? *ms + 86400000 - 1 : *ms);
    params.push_back(format_iso8601(edge));
    where += std::string(" AND created_at ") + (from ? ">= ?" : "<= ?") + std::to_string(params.size());
  }
  Search search = add_search_terms("leads", reader.text("query", {500}).value_or(""), where, params);
  std::string sort = reader.text("sort", {40}).value_or("-created_at");
  if (sort.empty()) sort = "-created_at";
  std::string order = order_by(lead_type(), sort,
                               {"name", "company", "title", "city", "country", "source", "event", "owner", "status",
                                "created_at", "updated_at"});
  Paging paging = read_paging(reader);
  Json result = list_records(ctx.db, lead_type(), where, params, order, paging.limit, paging.offset, sort, search);
  for (auto& item : result["items"]) item = with_warnings(std::move(item));
  return result;
}

// The values in use for the list filters: events, owners and tags, with counts.
Json lead_facets(CommandContext& ctx, const Json& args) {
  ArgsReader(args).allow_only({});
  Json out = Json::object();
  for (const char* column : {"event", "owner"}) {
    Json values = Json::array();
    Statement st(ctx.db, std::string("SELECT ") + column + ", count(*) FROM leads WHERE " + column +
                             " <> '' GROUP BY " + column + " ORDER BY " + column + " COLLATE TURKISH");
    while (st.step()) values.push_back({{"value", st.column_text(0)}, {"count", st.column_int(1)}});
    out[std::string(column) + "s"] = values;
  }
  // Tags counted per folded form and shown as written last, in Turkish order: what SQL over
  // json_each gave before SQLite was built without its JSON functions (a smaller download).
  struct Tag {
    std::string value;
    int64_t count = 0;
  };
  std::map<std::string, Tag> by_folded;
  std::vector<std::string> items;
  Statement st(ctx.db, "SELECT tags FROM leads WHERE tags <> '[]'");
  while (st.step()) {
    json_text_items(st.column_text(0), items);
    for (auto& item : items) {
      Tag& tag = by_folded[text::fold(item)];
      tag.value = std::move(item);
      ++tag.count;
    }
  }
  std::vector<const Tag*> sorted;
  for (const auto& [folded, tag] : by_folded) sorted.push_back(&tag);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Tag* a, const Tag* b) { return text::compare_turkish(a->value, b->value) < 0; });
  Json tags = Json::array();
  for (const Tag* tag : sorted) tags.push_back({{"value", tag->value}, {"count", tag->count}});
  out["tags"] = tags;
  return out;
}

}  // namespace

void register_lead_commands(CommandRegistry& registry) {
  registry.add({"lead.create", "Create a lead (name or company required); returns it", true, lead_create});
  registry.add({"lead.get", "One lead by id", false, lead_get});
  registry.add({"lead.update", "Change some fields of a lead; returns it", true, lead_update});
  registry.add({"lead.delete", "Delete a lead (leaves a tombstone for sync)", true, lead_delete});
  registry.add({"lead.list",
                "Leads by query, status, source, event, owner, tag, created_from/to; sorted and paged: items, total",
                false, lead_list});
  registry.add({"lead.facets", "Events, owners and tags in use, with counts (for filters)", false, lead_facets});
  register_lifecycle_commands(registry);
}

}  // namespace kervan
