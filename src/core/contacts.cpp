// Contact commands: contact.create, contact.get, contact.update, contact.delete,
// contact.list. A contact is a person we do business with; it may belong to a company and
// remembers the lead it came from.
#include "core/args.hpp"
#include "core/command.hpp"
#include "core/database.hpp"
#include "core/record_types.hpp"
#include "core/text.hpp"

namespace kervan {

const RecordType& contact_type() {
  static const RecordType type{
      "contact",
      "contacts",
      "contact",
      {
          {"name", FieldKind::text, {200}, true, true},
          {"title", FieldKind::text, {200}, true, true},
          {"emails", FieldKind::text_list, {254}, true, true},
          {"phones", FieldKind::text_list, {50}, true, true},
          {"company_id", FieldKind::reference, {64}, true, false, "companies"},
          {"owner", FieldKind::text, {100}, true, true},
          {"notes", FieldKind::text, {20000, true}, true, true},
          {"tags", FieldKind::text_list, {60}, true, true},
          {"source_lead_id", FieldKind::reference, {64}, false, false, "leads"},
      }};
  return type;
}

namespace {

void check_contact(CommandContext& ctx, const Json& contact) {
  if (contact["name"].get_ref<const std::string&>().empty()) {
    throw CommandError("required", "A contact needs a name", "name");
  }
  const std::string& company = contact["company_id"].get_ref<const std::string&>();
  if (!company.empty()) require_record(ctx.db, company_type(), company, "company_id");
}

// The contact plus the names of what it links to, for detail views.
Json with_links(CommandContext& ctx, Json contact) {
  const std::string& company_id = contact["company_id"].get_ref<const std::string&>();
  contact["company_name"] = "";
  if (!company_id.empty()) {
    if (auto company = find_record(ctx.db, company_type(), company_id)) contact["company_name"] = (*company)["name"];
  }
  Json leads = Json::array();
  Statement st(ctx.db, "SELECT id, name, status, event FROM leads WHERE contact_id = ?1 ORDER BY created_at");
  st.bind(1, contact["id"].get<std::string>());
  while (st.step()) {
    leads.push_back({{"id", st.column_text(0)}, {"name", st.column_text(1)}, {"status", st.column_text(2)},
                     {"event", st.column_text(3)}});
  }
  contact["leads"] = leads;
  return with_warnings(std::move(contact));
}

Json contact_create(CommandContext& ctx, const Json& args) {
  return with_links(ctx, create_from_args(ctx, contact_type(), args, [&](const Json& c) { check_contact(ctx, c); }));
}

Json contact_get(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id"});
  return with_links(ctx, require_record(ctx.db, contact_type(), reader.required_text("id", {64})));
}

Json contact_update(CommandContext& ctx, const Json& args) {
  return with_links(ctx, update_from_args(ctx, contact_type(), args, [&](const Json& c) { check_contact(ctx, c); }));
}

Json contact_delete(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"id"});
  std::string id = reader.required_text("id", {64});
  require_record(ctx.db, contact_type(), id);
  // The converted lead stays (it is history) but no longer points at the deleted contact.
  clear_links(ctx, lead_type(), "contact_id", id);
  delete_record(ctx, contact_type(), id);
  refresh_dedupe_keys(ctx.db, "contact", id, nullptr);
  return Json{{"id", id}, {"deleted", true}};
}

Json contact_list(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"query", "company_id", "owner", "tag", "sort", "limit", "offset"});
  std::string where;
  std::vector<std::string> params;
  if (auto company = reader.text("company_id", {64}); company && !company->empty()) {
    params.push_back(*company);
    where += " AND company_id = ?" + std::to_string(params.size());
  }
  if (auto owner = reader.text("owner", {100}); owner && !owner->empty()) {
    params.push_back(*owner);
    where += " AND owner = ?" + std::to_string(params.size());
  }
  if (auto tag = reader.text("tag", {60}); tag && !tag->empty()) {
    add_tag_filter(contact_type(), *tag, where, params);
  }
  Search search = add_search_terms("contacts", reader.text("query", {500}).value_or(""), where, params);
  std::string sort = reader.text("sort", {40}).value_or("name");
  if (sort.empty()) sort = "name";
  std::string order = order_by(contact_type(), sort, {"name", "title", "owner", "created_at", "updated_at"});
  Paging paging = read_paging(reader);
  Json result = list_records(ctx.db, contact_type(), where, params, order, paging.limit, paging.offset, sort, search);
  for (auto& item : result["items"]) item = with_warnings(std::move(item));
  return result;
}

}  // namespace

void register_contact_commands(CommandRegistry& registry) {
  registry.add({"contact.create", "Create a contact (name required)", true, contact_create});
  registry.add({"contact.get", "One contact with its company name and source leads", false, contact_get});
  registry.add({"contact.update", "Change some fields of a contact", true, contact_update});
  registry.add({"contact.delete", "Delete a contact", true, contact_delete});
  registry.add({"contact.list", "Contacts by query, company_id, owner, tag; sorted and paged", false, contact_list});
}

}  // namespace kervan
