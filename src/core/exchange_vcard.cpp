// vCard commands: import.vcard (cards as leads or contacts, through the shared import) and
// export.vcard (one contact as a vCard 4.0). Shapes in exchange.hpp; the format itself in
// vcard.cpp.
//
// Card -> record: FN (or N as given, additional and family names) -> name; ORG's first part
// -> company; TITLE -> title; EMAIL and TEL -> e-mail(s) and phone(s), the preferred one
// first (a lead keeps one of each, the others go to its notes); ADR locality (or region)
// and country -> a lead's city and country, the whole address -> notes; URL -> a lead's
// website (a contact's notes); NOTE -> notes; CATEGORIES -> tags.
#include <algorithm>

#include "core/args.hpp"
#include "core/clock.hpp"
#include "core/command.hpp"
#include "core/core.hpp"
#include "core/encoding.hpp"
#include "core/exchange.hpp"
#include "core/exchange_import.hpp"
#include "core/text.hpp"
#include "core/vcard.hpp"

namespace kervan {
namespace {

using exchange::ImportItem;

std::string join_nonempty(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const auto& p : parts) {
    std::string_view t = text::trim(p);
    if (t.empty()) continue;
    if (!out.empty()) out += separator;
    out += t;
  }
  return out;
}

bool preferred(const vcard::Property& p) {
  if (p.has_type("pref")) return true;
  for (const auto& [k, v] : p.params) {
    if (k == "PREF") return true;
  }
  return false;
}

// The values of a property kind, preferred first, then `favoured` type (CELL for phones).
std::vector<const vcard::Property*> ordered(const vcard::Card& card, std::string_view name, std::string_view favoured) {
  std::vector<const vcard::Property*> out;
  for (const auto& p : card.properties) {
    if (p.name == name && !text::trim(vcard::unescape(p.value)).empty()) out.push_back(&p);
  }
  std::stable_sort(out.begin(), out.end(), [&](const vcard::Property* a, const vcard::Property* b) {
    auto rank = [&](const vcard::Property* p) { return preferred(*p) ? 0 : !favoured.empty() && p->has_type(favoured) ? 1 : 2; };
    return rank(a) < rank(b);
  });
  return out;
}

const vcard::Property* first(const vcard::Card& card, std::string_view name) {
  for (const auto& p : card.properties) {
    if (p.name == name) return &p;
  }
  return nullptr;
}

// One card as the fields of a lead or contact; row.columns holds each field's line.
exchange::RowFields card_fields(std::string_view entity, const vcard::Card& card) {
  exchange::RowFields out;
  const bool lead = entity == "lead";
  std::vector<std::string> notes;
  auto set = [&](const std::string& field, const std::string& value, std::size_t line) {
    std::string_view v = text::trim(value);
    if (v.empty()) return;
    out.fields[field] = std::string(v);
    out.columns[field] = line;
    out.empty = false;
  };
  auto note = [&](std::string line_text, std::size_t line) {
    notes.push_back(std::move(line_text));
    if (!out.columns.contains("notes")) out.columns["notes"] = line;
  };
  if (auto fn = first(card, "FN")) set("name", vcard::unescape(fn->value), fn->line);
  if (!out.fields.contains("name")) {
    if (auto n = first(card, "N")) {
      auto parts = vcard::split_value(n->value, ';');
      parts.resize(5);
      set("name", join_nonempty({parts[1], parts[2], parts[0]}, " "), n->line);  // given additional family
    }
  }
  if (auto org = first(card, "ORG")) set("company", vcard::split_value(org->value, ';')[0], org->line);
  if (auto title = first(card, "TITLE")) set("title", vcard::unescape(title->value), title->line);
  auto list_or_one = [&](std::string_view property, std::string_view favoured, const std::string& one_field,
                         const std::string& many_field, const std::string& label) {
    for (const auto* p : ordered(card, property, favoured)) {
      std::string value(text::trim(vcard::unescape(p->value)));
      if (value.starts_with("tel:") || value.starts_with("mailto:")) value = value.substr(value.find(':') + 1);
      out.empty = false;
      if (!lead) {
        if (!out.fields.contains(many_field)) {
          out.fields[many_field] = Json::array();
          out.columns[many_field] = p->line;
        }
        out.fields[many_field].push_back(value);
      } else if (!out.fields.contains(one_field)) {
        set(one_field, value, p->line);
      } else {
        note(label + ": " + value, p->line);
      }
    }
  };
  list_or_one("EMAIL", "", "email", "emails", "E-mail");
  list_or_one("TEL", "CELL", "phone", "phones", "Phone");
  for (const auto& p : card.properties) {
    if (p.name == "ADR") {
      auto a = vcard::split_value(p.value, ';');  // pobox; extended; street; locality; region; code; country
      a.resize(7);
      if (lead && !out.fields.contains("city")) set("city", a[3].empty() ? a[4] : a[3], p.line);
      if (lead && !out.fields.contains("country")) set("country", a[6], p.line);
      std::string address = join_nonempty({a[2], a[1], a[0], join_nonempty({a[5], a[3]}, " "), a[4], a[6]}, ", ");
      if (!address.empty()) note("Address: " + address, p.line);
    } else if (p.name == "URL") {
      std::string url(text::trim(vcard::unescape(p.value)));
      if (lead && !out.fields.contains("website")) set("website", url, p.line);
      else if (!url.empty()) note("Web: " + url, p.line);
    } else if (p.name == "NOTE") {
      std::string text_value(text::trim(vcard::unescape(p.value)));
      if (!text_value.empty()) note(text_value, p.line);
    } else if (p.name == "CATEGORIES") {
      for (auto& tag : vcard::split_value(p.value, ',')) {
        if (text::trim(tag).empty()) continue;
        if (!out.fields.contains("tags")) {
          out.fields["tags"] = Json::array();
          out.columns["tags"] = p.line;
        }
        out.fields["tags"].push_back(std::string(text::trim(tag)));
      }
    }
  }
  if (!notes.empty()) {
    out.fields["notes"] = join_nonempty(notes, "\n");
    out.empty = false;
  }
  for (const auto& w : card.warnings) out.warnings.push_back({{"code", "charset_guessed"}, {"message", w}, {"field", ""}});
  if (!card.version.empty() && card.version != "2.1" && card.version != "3.0" && card.version != "4.0") {
    out.warnings.push_back({{"code", "unknown_version"},
                            {"message", "vCard version " + std::string(text::cut(card.version, 20)) + " read as 4.0"},
                            {"field", ""}});
  }
  return out;
}

Json import_vcard(CommandContext& ctx, const CommandRegistry& registry, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"entity", "data_base64", "text", "duplicates", "invalid_emails", "defaults", "dry_run"});
  std::string entity = reader.required_text("entity", {20});
  if (entity != "lead" && entity != "contact") {
    throw CommandError("invalid_value", "vCards import as lead or contact", "entity");
  }
  exchange::ImportOptions options = exchange::read_import_options(ctx, reader, entity);
  std::string field = reader.has("data_base64") ? "data_base64" : "text";
  std::string bytes = exchange::file_bytes(reader);
  // UTF-16 files (some desktop address books) are decoded whole; 8-bit files keep their bytes
  // so each property's CHARSET can decide.
  if (bytes.starts_with("\xFF\xFE") || bytes.starts_with("\xFE\xFF")) {
    bytes = encoding::decode_text_file(bytes, "auto", field).text;
  }
  std::vector<vcard::Card> cards = vcard::parse(bytes, {}, field);
  std::vector<ImportItem> items;
  for (const auto& card : cards) {
    ImportItem item;
    item.place = card.number;
    item.line = card.line;
    if (!card.problem.empty()) {
      item.problem = card.problem;
      item.problem_message = card.problem_message;
    } else {
      item.row = card_fields(entity, card);
    }
    items.push_back(std::move(item));
  }
  return exchange::run_import(ctx, registry, options, items, "card", "line");
}

// "20261126T090000Z" from "2026-11-26T09:00:00.000Z".
std::string vcard_timestamp(const std::string& iso) {
  std::string out;
  for (char c : iso.substr(0, 19)) {
    if (c != '-' && c != ':') out += c;
  }
  return out + "Z";
}

Json export_vcard(CommandContext& ctx, const CommandRegistry& registry, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"contact_id"});
  std::string id = reader.required_text("contact_id", {64});
  Json contact;
  try {
    contact = registry.find("contact.get")->run(ctx, Json{{"id", id}});
  } catch (const CommandError& e) {
    throw CommandError(e.code(), e.what(), "contact_id");
  }
  const std::string name = contact["name"].get<std::string>();
  // Turkish names put the family name last: everything before it is the given name.
  std::string given = name, family;
  if (auto space = name.rfind(' '); space != std::string::npos) {
    given = name.substr(0, space);
    family = name.substr(space + 1);
  }
  std::string out;
  auto add = [&](const std::string& line) { out += vcard::fold_line(line); };
  add("BEGIN:VCARD");
  add("VERSION:4.0");
  add(std::string("PRODID:-//Kervan//Kervan ") + kVersion + "//EN");
  add("UID:urn:uuid:" + id);
  add("FN:" + vcard::escape(name));
  add("N:" + vcard::escape(family) + ";" + vcard::escape(given) + ";;;");
  if (const std::string& company = contact["company_name"].get_ref<const std::string&>(); !company.empty()) {
    add("ORG:" + vcard::escape(company));
  }
  if (const std::string& title = contact["title"].get_ref<const std::string&>(); !title.empty()) {
    add("TITLE:" + vcard::escape(title));
  }
  bool first_entry = true;
  for (const auto& e : contact["emails"]) {
    add(std::string("EMAIL") + (first_entry ? ";PREF=1" : "") + ":" + vcard::escape(e.get<std::string>()));
    first_entry = false;
  }
  first_entry = true;
  for (const auto& p : contact["phones"]) {
    add(std::string("TEL;VALUE=text") + (first_entry ? ";PREF=1" : "") + ":" + vcard::escape(p.get<std::string>()));
    first_entry = false;
  }
  if (const std::string& notes = contact["notes"].get_ref<const std::string&>(); !notes.empty()) {
    add("NOTE:" + vcard::escape(notes));
  }
  if (!contact["tags"].empty()) {
    std::string categories;
    for (const auto& t : contact["tags"]) categories += (categories.empty() ? "" : ",") + vcard::escape(t.get<std::string>());
    add("CATEGORIES:" + categories);
  }
  add("REV:" + vcard_timestamp(contact["updated_at"].get<std::string>()));
  add("END:VCARD");
  std::string filename;
  for (char c : name) filename += std::string_view("/\\:*?\"<>|").find(c) == std::string_view::npos ? c : '_';
  return Json{{"text", out}, {"filename", (filename.empty() ? "contact" : filename) + ".vcf"}};
}

}  // namespace

void register_vcard_commands(CommandRegistry& registry) {
  const CommandRegistry* commands = &registry;
  registry.add({"import.vcard", "Import vCards (.vcf 2.1/3.0/4.0) as leads or contacts; duplicates checked; report",
                true, [commands](CommandContext& ctx, const Json& args) { return import_vcard(ctx, *commands, args); }});
  registry.add({"export.vcard", "One contact as vCard 4.0 text", false,
                [commands](CommandContext& ctx, const Json& args) { return export_vcard(ctx, *commands, args); }});
}

}  // namespace kervan
