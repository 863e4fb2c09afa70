// Company commands: company.create, company.get, company.update, company.delete,
// company.list. A company is identified the Turkish way by tax office and tax number.
#include "core/args.hpp"
#include "core/command.hpp"
#include "core/database.hpp"
#include "core/record_types.hpp"
#include "core/text.hpp"

namespace kervan {

const RecordType& company_type() {
  static const RecordType type{
      "company",
      "companies",
      "company",
      {
          {"name", FieldKind::text, {200}, true, true},
          {"tax_office", FieldKind::text, {100}, true, true},
          {"tax_number", FieldKind::text, {20}, true, true},
          {"phone", FieldKind::text, {50}, true, true},
          {"website", FieldKind::text, {200}, true, true},
          {"address", FieldKind::text, {500, true}, true, true},
          {"city", FieldKind::text, {100}, true, true},
          {"country", FieldKind::text, {100}, true, true},
          {"owner", FieldKind::text, {100}, true, true},
          {"notes", FieldKind::text, {20000, true}, true, true},
          {"tags", FieldKind::text_list, {60}, true, true},
          {"source_lead_id", FieldKind::reference, {64}, false, false, "leads"},
      }};
  return type;
}

namespace {

void check_company(const Json& company) {
  if (company["name"].get_ref<const std::string&>().empty()) {
    throw CommandError("required", "A company needs a name", "name");
  }
  const std::string& tax = company["tax_number"].get_ref<const std::string&>();
  // Turkish tax numbers (VKN) have 10 digits, personal ones (TCKN) 11.
  bool digits = !tax.empty() && tax.find_first_not_of("0123456789") == std::string::npos;
  if (!tax.empty() && (!digits || (tax.size() != 10 && tax.size() != 11))) {
    throw CommandError("invalid_value", "A tax number has 10 digits (11 for a person)", "tax_number");
  }
}

Json company_create(CommandContext& ctx, const Json& args) {
  return create_from_args(ctx, company_type(), args, check_company);
}

Json with_links(CommandContext& ctx, Json company) {
  const std::string id = company["id"].get<std::string>();
  Json contacts = Json::array();
  Statement st(ctx.db, "SELECT id, name, title FROM contacts WHERE company_id = ?1 ORDER BY name COLLATE TURKISH");
  st.bind(1, id);
  while (st.step()) contacts.push_back({{"id", st.column_text(0)}, {"name", st.column_text(1)}, {"title", st.column_text(2)}});
  Json leads = Json::array();
  Statement sl(ctx.db, "SELECT id, name, status FROM leads WHERE company_id = ?1 ORDER BY created_at");
  sl.bind(1, id);
  while (sl.step()) leads.push_back({{"id", sl.column_text(0)}, {"name", sl.column_text(1)}, {"status", sl.column_text(2)}});
  company["contacts"] = contacts;
  company["leads"] = leads;
  return company;
}

Json company_get(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id"});
  return with_links(ctx, require_record(ctx.db, company_type(), reader.required_text("id", {64})));
}

Json company_update(CommandContext& ctx, const Json& args) {
  Json company = update_from_args(ctx, company_type(), args, check_company);
  // Contacts are matched by their company's name: re-index them under the new one.
  Statement st(ctx.db, "SELECT id FROM contacts WHERE company_id = ?1");
  st.bind(1, company["id"].get<std::string>());
  std::vector<std::string> ids;
  while (st.step()) ids.push_back(st.column_text(0));
  for (const auto& contact_id : ids) {
    refresh_dedupe_keys(ctx.db, "contact", contact_id, require_record(ctx.db, contact_type(), contact_id));
  }
  return with_links(ctx, company);
}

// Deleting a company that people and leads point at asks what to do with them:
// contacts "unlink" (keep them without a company) or "delete" (with the company).
Json company_delete(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id", "contacts"});
  std::string id = reader.required_text("id", {64});
  Json company = with_links(ctx, require_record(ctx.db, company_type(), id));
  std::string mode = reader.text("contacts", {10}).value_or("");
  if (!mode.empty() && mode != "unlink" && mode != "delete") {
    throw CommandError("invalid_value", "contacts must be \"unlink\" or \"delete\"", "contacts");
  }
  std::size_t contacts = company["contacts"].size();
  if (contacts > 0 && mode != "unlink" && mode != "delete") {
    throw CommandError("has_contacts",
                       "The company has " + std::to_string(contacts) +
                           " contact(s): say contacts \"unlink\" to keep them without a company or \"delete\" to "
                           "delete them too",
                       "contacts");
  }
  for (const auto& contact : company["contacts"]) {
    std::string contact_id = contact["id"].get<std::string>();
    if (mode == "delete") {
      clear_links(ctx, lead_type(), "contact_id", contact_id);
      delete_record(ctx, contact_type(), contact_id);
      refresh_dedupe_keys(ctx.db, "contact", contact_id, nullptr);
    }
  }
  if (mode != "delete") clear_links(ctx, contact_type(), "company_id", id);
  // Converted leads keep their history but no longer point at the deleted company.
  clear_links(ctx, lead_type(), "company_id", id);
  delete_record(ctx, company_type(), id);
  refresh_dedupe_keys(ctx.db, "company", id, nullptr);
  return Json{{"id", id}, {"deleted", true}, {"contacts", contacts}, {"contacts_mode", mode}};
}

Json company_list(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"query", "city", "owner", "tag", "sort", "limit", "offset"});
  std::string where;
  std::vector<std::string> params;
  for (const char* key : {"city", "owner"}) {
    if (auto value = reader.text(key, {100}); value && !value->empty()) {
      params.push_back(text::fold(*value));
      where += std::string(" AND kervan_fold(") + key + ") = ?" + std::to_string(params.size());
    }
  }
  if (auto tag = reader.text("tag", {60}); tag && !tag->empty()) {
    add_tag_filter(company_type(), *tag, where, params);
  }
  Search search = add_search_terms("companies", reader.text("query", {500}).value_or(""), where, params);
  std::string sort = reader.text("sort", {40}).value_or("name");
  if (sort.empty()) sort = "name";
  std::string order = order_by(company_type(), sort, {"name", "city", "country", "owner", "created_at", "updated_at"});
  Paging paging = read_paging(reader);
  return list_records(ctx.db, company_type(), where, params, order, paging.limit, paging.offset, sort, search);
}

}  // namespace

void register_company_commands(CommandRegistry& registry) {
  registry.add({"company.create", "Create a company (name required)", true, company_create});
  registry.add({"company.get", "One company with its contacts and source leads", false, company_get});
  registry.add({"company.update", "Change some fields of a company", true, company_update});
  registry.add({"company.delete", "Delete a company; contacts: unlink|delete when it has any", true, company_delete});
  registry.add({"company.list", "Companies by query, city, owner, tag; sorted and paged", false, company_list});
}

}  // namespace kervan
