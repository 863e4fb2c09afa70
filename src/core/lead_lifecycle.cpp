// The life of a lead after capture: lead.qualify, lead.disqualify, lead.reopen, lead.enrich
// (attach new information to an existing lead), lead.merge, lead.convert_preview and
// lead.convert. Statuses: new -> working -> qualified | unqualified (reason) -> converted;
// an unqualified lead can be reopened; a converted lead is read-only.
//
// Conversion field mapping (documented in README):
//   lead.name -> contact.name          lead.title -> contact.title
//   lead.email -> contact.emails[]     lead.phone -> contact.phones[]
//   lead.owner -> contact.owner, company.owner
//   lead.tags -> contact.tags          lead.notes + interest -> contact.notes
//   lead.company -> company.name       lead.website -> company.website
//   lead.city/country -> company.city/country
// When linking to an existing record, empty fields are filled from the lead and list fields
// gain the lead's values; a field holding a different value is reported as a conflict and
// left as it is.
#include <algorithm>
#include <iterator>
#include <string>
#include <tuple>
#include <vector>

#include "core/args.hpp"
#include "core/clock.hpp"
#include "core/command.hpp"
#include "core/database.hpp"
#include "core/deals.hpp"
#include "core/dedupe.hpp"
#include "core/record_types.hpp"
#include "core/text.hpp"

namespace kervan {
namespace {

const std::string& str(const Json& record, const char* key) { return record[key].get_ref<const std::string&>(); }

Json load_lead(CommandContext& ctx, const ArgsReader& reader, const char* field = "id") {
  return require_record(ctx.db, lead_type(), reader.required_text(field, {64}), field);
}

void require_status(const Json& lead, std::initializer_list<std::string_view> allowed, const std::string& action) {
  const std::string& status = str(lead, "status");
  for (auto s : allowed) {
    if (s == status) return;
  }
  std::string list;
  for (auto s : allowed) list += (list.empty() ? "" : " or ") + std::string(s);
  throw CommandError("invalid_transition", "Only a " + list + " lead can be " + action + "; this one is " + status,
                     "status");
}

void set_status(CommandContext& ctx, Json& lead, const std::string& status, const std::string& reason) {
  std::vector<std::string> changed;
  if (str(lead, "status") != status) {
    lead["status"] = status;
    changed.emplace_back("status");
  }
  if (str(lead, "disqualify_reason") != reason) {
    lead["disqualify_reason"] = reason;
    changed.emplace_back("disqualify_reason");
  }
  update_record(ctx, lead_type(), lead, changed);
}

Json lead_qualify(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id"});
  Json lead = load_lead(ctx, reader);
  require_status(lead, {"new", "working", "qualified"}, "qualified");
  set_status(ctx, lead, "qualified", "");
  return with_warnings(lead);
}

Json lead_disqualify(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id", "reason", "note"});
  Json lead = load_lead(ctx, reader);
  require_status(lead, {"new", "working", "qualified", "unqualified"}, "disqualified");
  std::string reason = reader.required_text("reason", {100});
  reason = resolve_list_value(ctx.db, "disqualify_reason", reason, "reason");
  if (auto note = reader.text("note", {2000, true}); note && !note->empty()) {
    std::string notes = str(lead, "notes");
    lead["notes"] = notes.empty() ? *note : notes + "\n" + *note;
    update_record(ctx, lead_type(), lead, {"notes"});
  }
  set_status(ctx, lead, "unqualified", reason);
  return with_warnings(lead);
}

Json lead_reopen(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id"});
  Json lead = load_lead(ctx, reader);
  require_status(lead, {"unqualified", "qualified"}, "reopened");
  set_status(ctx, lead, "working", "");
  return with_warnings(lead);
}

// Folds the text fields of `from` into `into`: empty fields filled, notes and interest
// joined, tags united. Returns the changed field names and, in `conflicts`, the fields where
// both hold different values (into's value is kept).
std::vector<std::string> fold_into(Json& into, const Json& from, Json& conflicts, bool prefer_fuller) {
  std::vector<std::string> changed;
  for (const auto& f : lead_type().fields) {
    if (!f.writable) continue;
    std::string name(f.name);
    const Json& incoming = from[name];
    Json& current = into[name];
    if (f.kind == FieldKind::text_list) {
      for (const auto& v : incoming) {
        bool present = false;
        for (const auto& c : current) present = present || text::fold(c.get<std::string>()) == text::fold(v.get<std::string>());
        if (!present) {
          current.push_back(v);
          if (changed.empty() || changed.back() != name) changed.push_back(name);
        }
      }
    } else if (f.kind == FieldKind::boolean) {
      if (incoming.get<bool>() && !current.get<bool>()) {
        current = true;
        into["consent_at"] = from["consent_at"];
        changed.push_back(name);
        changed.emplace_back("consent_at");
      }
    } else {
      const std::string& a = current.get_ref<const std::string&>();
      const std::string& b = incoming.get_ref<const std::string&>();
      if (b.empty() || a == b) continue;
      if (a.empty()) {
        current = b;
        changed.push_back(name);
      } else if (name == "notes" || name == "interest") {
        if (a.find(b) == std::string::npos) {
          current = a + (name == "notes" ? "\n" : "; ") + b;
          changed.push_back(name);
        }
      } else if (text::fold(a) != text::fold(b)) {
        if (prefer_fuller && text::count_code_points(b) > text::count_code_points(a)) {
          conflicts.push_back({{"field", name}, {"kept", b}, {"dropped", a}});
          current = b;
          changed.push_back(name);
        } else {
          conflicts.push_back({{"field", name}, {"kept", a}, {"dropped", b}});
        }
      }
    }
  }
  return changed;
}

// lead.enrich: what a booth visitor just told us, attached to the lead we already have
// instead of creating a second one. Never overwrites: differences are reported.
Json lead_enrich(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id", "fields"});
  Json lead = load_lead(ctx, reader);
  if (str(lead, "status") == "converted") {
    throw CommandError("read_only", "A converted lead cannot be changed; update its contact instead", "id");
  }
  const Json& fields = reader.raw("fields");
  if (fields.is_null()) throw CommandError("required", "fields (an object of lead fields) is required", "fields");
  if (!fields.is_object()) throw CommandError("wrong_type", "fields must be an object of lead fields", "fields");
  ArgsReader field_reader(fields);
  field_reader.allow_only({"name", "company", "title", "email", "phone", "city", "country", "website", "source",
                           "event", "interest", "notes", "owner", "consent", "tags"});
  Json incoming = blank_record(lead_type());
  apply_fields(lead_type(), field_reader, incoming);
  incoming["source"] = resolve_list_value(ctx.db, "lead_source", str(incoming, "source"), "source");
  if (incoming["consent"].get<bool>()) incoming["consent_at"] = format_iso8601(ctx.clock.now_ms());
  Json conflicts = Json::array();
  std::vector<std::string> changed = fold_into(lead, incoming, conflicts, false);
  update_record(ctx, lead_type(), lead, changed);
  if (!changed.empty()) refresh_dedupe_keys(ctx.db, "lead", str(lead, "id"), lead);
  return Json{{"lead", with_warnings(lead)}, {"changed", changed}, {"conflicts", conflicts}};
}

// lead.merge: `from` folds into `into` (fuller value of each field kept, notes joined, tags
// united) and is deleted.
Json lead_merge(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"into", "from"});
  Json into = load_lead(ctx, reader, "into");
  Json from = load_lead(ctx, reader, "from");
  if (str(into, "id") == str(from, "id")) throw CommandError("invalid_value", "A lead cannot merge into itself", "from");
  if (str(from, "status") == "converted") throw CommandError("read_only", "A converted lead cannot be merged away", "from");
  if (str(into, "status") == "converted") throw CommandError("read_only", "A converted lead cannot take a merge", "into");
  Json conflicts = Json::array();
  std::vector<std::string> changed = fold_into(into, from, conflicts, true);
  // The more advanced status wins (a qualified lead stays qualified).
  auto rank = [](const std::string& s) { return s == "qualified" ? 3 : s == "working" ? 2 : s == "new" ? 1 : 0; };
  if (rank(str(from, "status")) > rank(str(into, "status"))) {
    into["status"] = from["status"];
    into["disqualify_reason"] = "";
    changed.emplace_back("status");
    changed.emplace_back("disqualify_reason");
  }
  update_record(ctx, lead_type(), into, changed);
  refresh_dedupe_keys(ctx.db, "lead", str(into, "id"), into);
  delete_record(ctx, lead_type(), str(from, "id"));
  refresh_dedupe_keys(ctx.db, "lead", str(from, "id"), nullptr);
  return Json{{"lead", with_warnings(into)}, {"merged_from", from["id"]}, {"conflicts", conflicts}};
}

Json lead_convert_preview(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id"});
  Json lead = load_lead(ctx, reader);
  Json candidates = conversion_candidates(ctx.db, lead);
  return Json{{"lead", with_warnings(lead)}, {"candidates", candidates}, {"can_convert", str(lead, "status") == "qualified"}};
}

// Fills empty fields of an existing record from `values`; list fields gain missing values.
// Different non-empty values are reported in conflicts and left alone.
std::vector<std::string> fill_existing(Json& record, const Json& values, const std::string& entity, Json& conflicts) {
  std::vector<std::string> changed;
  for (const auto& [key, value] : values.items()) {
    Json& current = record[key];
    if (value.is_array()) {
      bool added = false;
      const FieldDef* field = contact_type().field(key);
      for (const auto& v : value) {
        const std::string& text = v.get_ref<const std::string&>();
        bool present = false;
        for (const auto& c : current) present = present || entry_key(*field, c.get<std::string>()) == entry_key(*field, text);
        if (!present && !text.empty()) {
          current.push_back(v);
          added = true;
        }
      }
      if (added) changed.push_back(key);
      continue;
    }
    const std::string& incoming = value.get_ref<const std::string&>();
    if (incoming.empty()) continue;
    const std::string& existing = current.get_ref<const std::string&>();
    if (existing.empty()) {
      current = incoming;
      changed.push_back(key);
    } else if (text::fold(existing) != text::fold(incoming) &&
               !(key == "name" && entity == "company" && dedupe::company_key(existing) == dedupe::company_key(incoming))) {
      conflicts.push_back({{"record", entity}, {"field", key}, {"existing", existing}, {"lead", incoming}});
    }
  }
  return changed;
}

// Reads {"mode": "new"|"link"|"none", "id": "..."} for the contact or the company.
std::pair<std::string, std::string> read_choice(const Json& args, const char* key, const char* default_mode) {
  auto it = args.find(key);
  if (it == args.end() || it->is_null()) return {default_mode, ""};
  if (!it->is_object()) throw CommandError("wrong_type", std::string(key) + " must be {mode, id}", key);
  for (const auto& [name, value] : it->items()) {
    if (name != "mode" && name != "id") {
      throw CommandError("unknown_field", "Unknown field \"" + std::string(text::cut(name, 60)) + "\" in " + key, key);
    }
  }
  auto read = [&](const char* name, std::size_t max) {
    auto v = it->find(name);
    if (v == it->end() || v->is_null()) return std::string();
    if (!v->is_string()) throw CommandError("wrong_type", std::string(key) + "." + name + " must be text", key);
    return check_text(std::string(key) + "." + name, v->get<std::string>(), {max});
  };
  std::string id = read("id", 64);
  // An id alone means linking to that record.
  std::string mode = read("mode", 10);
  if (mode.empty()) mode = id.empty() ? default_mode : "link";
  if (mode != "link" && !id.empty()) {
    throw CommandError("invalid_value", std::string(key) + ".id is only used with mode link", key);
  }
  bool none_ok = std::string_view(key) == "company";
  if (mode != "new" && mode != "link" && !(none_ok && mode == "none")) {
    throw CommandError("invalid_value",
                       std::string(key) + ".mode must be new or link" + (none_ok ? " or none" : ""), key);
  }
  if (mode == "link" && id.empty()) throw CommandError("required", std::string(key) + ".id is required to link", key);
  return {mode, id};
}

Json lead_convert(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id", "contact", "company", "deal", "allow_duplicates"});
  Json lead = load_lead(ctx, reader);
  if (str(lead, "status") == "converted") {
    throw CommandError("already_converted", "The lead was converted already", "id");
  }
  require_status(lead, {"qualified"}, "converted (qualify it first)");
  bool allow_duplicates = reader.boolean("allow_duplicates").value_or(false);
  auto [contact_mode, contact_id] = read_choice(args, "contact", "new");
  auto [company_mode, company_id] =
      read_choice(args, "company", str(lead, "company").empty() ? "none" : "new");
  if (contact_mode == "new" && str(lead, "name").empty()) {
    throw CommandError("required", "The lead has no name: link it to an existing contact or add a name first", "contact");
  }
  if (company_mode == "new" && str(lead, "company").empty()) {
    throw CommandError("required", "The lead has no company name: link an existing company or choose none", "company");
  }

  // Nothing twice: creating a record that detection says exists needs an explicit choice.
  Json candidates = conversion_candidates(ctx.db, lead);
  if (!allow_duplicates) {
    for (auto [mode, kind, list] : {std::tuple{&contact_mode, "contact", "contacts"}, {&company_mode, "company", "companies"}}) {
      if (*mode == "new" && !candidates[list].empty()) {
        throw CommandError("possible_duplicate",
                           std::string("A matching ") + kind + " exists (" + candidates[list][0]["label"].get<std::string>() +
                               "): link it, or convert with allow_duplicates",
                           kind);
      }
    }
  }

  Json conflicts = Json::array();
  Json company = nullptr;
  if (company_mode == "new") {
    company = blank_record(company_type());
    company["name"] = lead["company"];
    for (const char* f : {"website", "city", "country", "owner"}) company[f] = lead[f];
    company["source_lead_id"] = lead["id"];
    insert_record(ctx, company_type(), company, {"name", "website", "city", "country", "owner", "source_lead_id"});
    refresh_dedupe_keys(ctx.db, "company", str(company, "id"), company);
  } else if (company_mode == "link") {
    company = require_record(ctx.db, company_type(), company_id, "company");
    Json values = {{"name", lead["company"]}};
    for (const char* f : {"website", "city", "country", "owner"}) values[f] = lead[f];
    auto changed = fill_existing(company, values, "company", conflicts);
    update_record(ctx, company_type(), company, changed);
    if (!changed.empty()) refresh_dedupe_keys(ctx.db, "company", str(company, "id"), company);
  }
  std::string new_company_id = company.is_null() ? "" : str(company, "id");

  std::string notes = str(lead, "notes");
  if (!str(lead, "interest").empty()) notes = (notes.empty() ? "" : notes + "\n") + str(lead, "interest");
  Json emails = Json::array(), phones = Json::array();
  if (!str(lead, "email").empty()) emails.push_back(lead["email"]);
  if (!str(lead, "phone").empty()) phones.push_back(lead["phone"]);
  Json contact;
  if (contact_mode == "new") {
    contact = blank_record(contact_type());
    for (const char* f : {"name", "title", "owner", "tags"}) contact[f] = lead[f];
    contact["emails"] = emails;
    contact["phones"] = phones;
    contact["company_id"] = new_company_id;
    contact["notes"] = notes;
    contact["source_lead_id"] = lead["id"];
    insert_record(ctx, contact_type(), contact,
                  {"name", "title", "emails", "phones", "company_id", "owner", "notes", "tags", "source_lead_id"});
  } else {
    contact = require_record(ctx.db, contact_type(), contact_id, "contact");
    Json values = {{"emails", emails}, {"phones", phones}};
    for (const char* f : {"name", "title", "owner", "tags"}) values[f] = lead[f];
    auto changed = fill_existing(contact, values, "contact", conflicts);
    const std::string& existing_company = str(contact, "company_id");
    if (existing_company.empty() && !new_company_id.empty()) {
      contact["company_id"] = new_company_id;
      changed.emplace_back("company_id");
    } else if (!new_company_id.empty() && existing_company != new_company_id) {
      conflicts.push_back({{"record", "contact"}, {"field", "company_id"}, {"existing", existing_company},
                           {"lead", new_company_id}});
    }
    update_record(ctx, contact_type(), contact, changed);
  }
  refresh_dedupe_keys(ctx.db, "contact", str(contact, "id"), contact);

  // Optionally the sale being worked on, linked to the new records and the lead.
  Json deal = nullptr;
  const Json& deal_args = reader.raw("deal");
  if (!deal_args.is_null()) {
    if (!deal_args.is_object()) throw CommandError("wrong_type", "deal must be {name, amount, currency, ...}", "deal");
    static const std::string_view kDealKeys[] = {"name",     "amount",         "currency",   "pipeline_id",
                                                 "stage_id", "expected_close", "probability"};
    for (const auto& [key, value] : deal_args.items()) {
      if (std::find(std::begin(kDealKeys), std::end(kDealKeys), key) == std::end(kDealKeys)) {
        throw CommandError("unknown_field", "Unknown field \"" + std::string(text::cut(key, 60)) + "\" in deal", "deal");
      }
    }
    Json args_for_deal = deal_args;
    if (!args_for_deal.contains("name")) args_for_deal["name"] = str(lead, "company").empty() ? lead["name"] : lead["company"];
    args_for_deal["company_id"] = new_company_id;
    args_for_deal["contact_id"] = contact["id"];
    args_for_deal["source_lead_id"] = lead["id"];
    args_for_deal["owner"] = lead["owner"];
    try {
      deal = create_deal(ctx, args_for_deal);
    } catch (const CommandError& e) {
      throw CommandError(e.code(), e.what(), "deal." + e.field());
    }
  }

  lead["status"] = "converted";
  lead["contact_id"] = contact["id"];
  lead["company_id"] = new_company_id;
  lead["converted_at"] = format_iso8601(ctx.clock.now_ms());
  update_record(ctx, lead_type(), lead, {"status", "contact_id", "company_id", "converted_at"});
  return Json{{"lead", with_warnings(lead)}, {"contact", contact}, {"company", company}, {"deal", deal}, {"conflicts", conflicts},
              {"created", {{"contact", contact_mode == "new"}, {"company", company_mode == "new"}}}};
}

}  // namespace

void register_lifecycle_commands(CommandRegistry& registry) {
  registry.add({"lead.qualify", "Mark a lead as qualified (worth time)", true, lead_qualify});
  registry.add({"lead.disqualify", "Mark a lead as unqualified with a reason from the list", true, lead_disqualify});
  registry.add({"lead.reopen", "Back to working (an unqualified or qualified lead)", true, lead_reopen});
  registry.add({"lead.enrich", "Attach new fields to an existing lead without overwriting", true, lead_enrich});
  registry.add({"lead.merge", "Fold lead `from` into lead `into` and delete `from`", true, lead_merge});
  registry.add({"lead.convert_preview", "The contacts and companies a lead matches, before converting", false,
                lead_convert_preview});
  registry.add({"lead.convert",
                "Convert a qualified lead: contact {mode: new|link, id}, company {mode: new|link|none, id}", true,
                lead_convert});
}

}  // namespace kervan
