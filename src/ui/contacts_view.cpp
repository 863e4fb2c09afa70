#include "ui/contacts_view.hpp"

#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include "platform/files.hpp"
#include "ui/form_fields.hpp"
#include "ui/i18n.hpp"
#include "ui/item_registry.hpp"

namespace kervan::ui {

ContactsView::ContactsView(UiContext& ctx)
    : ctx_(ctx),
      activities_(ctx),
      table_(ctx, TableConfig{"contacts",
                              "contact.list",
                              {{"field.name", "name", 1.5f},
                               {"field.title", "title", 1.2f},
                               {"field.emails", "emails", 1.6f, false},
                               {"field.phones", "phones", 1.2f, false},
                               {"field.owner", "owner", 0.8f},
                               {"field.created_at", "created_at", 1.0f}},
                              "name",
                              [this](const Json& c, const std::string& field) {
                                if (c[field].is_array()) return join_tags(c[field]);
                                std::string v = c[field].get<std::string>();
                                if (field == "created_at") return format_date_time(v, ctx_.platform.utc_offset_minutes());
                                return v;
                              },
                              nullptr}) {}

void ContactsView::load(const std::string& id) {
  loaded_for_ = id;
  confirm_delete_ = false;
  contact_ = Json::object();
  name_ = title_ = emails_ = phones_ = owner_ = notes_ = tags_ = company_id_ = "";
  duplicates_ = Json::array();
  if (id.empty()) return;
  Json c = ctx_.core.call("contact.get", {{"id", id}});
  if (is_error(c)) return;
  contact_ = c;
  name_ = c["name"];
  title_ = c["title"];
  emails_ = join_tags(c["emails"]);
  phones_ = join_tags(c["phones"]);
  owner_ = c["owner"];
  notes_ = c["notes"];
  tags_ = join_tags(c["tags"]);
  company_id_ = c["company_id"];
}

void ContactsView::save() {
  Json args = {{"name", name_},   {"title", title_}, {"emails", split_tags(emails_)}, {"phones", split_tags(phones_)},
               {"owner", owner_}, {"notes", notes_}, {"tags", split_tags(tags_)},     {"company_id", company_id_}};
  bool creating = contact_.empty();
  if (!creating) args["id"] = contact_["id"];
  if (creating) {
    // Warn before creating a second record of the same person.
    Json dup = ctx_.core.call("contact.duplicates", {{"record", {{"name", name_}, {"emails", split_tags(emails_)},
                                                                 {"phones", split_tags(phones_)}}}});
    if (!is_error(dup) && !dup["candidates"].empty() && duplicates_.empty()) {
      duplicates_ = dup["candidates"];
      message_ = T("dup.confirm_create");
      message_is_error_ = true;
      return;
    }
  }
  Json reply = ctx_.call(creating ? "contact.create" : "contact.update", args);
  message_is_error_ = is_error(reply);
  message_ = message_is_error_ ? error_message(reply) : T("form.saved_plain");
  if (!message_is_error_) {
    table_.select(reply["id"]);
    load(reply["id"]);
  }
}

void ContactsView::draw() {
  const float scale = ImGui::GetFontSize() / 15.0f;
  float form_width = std::max(340.0f * scale, ImGui::GetContentRegionAvail().x * 0.36f);
  ImGui::BeginChild("contacts_table", ImVec2(ImGui::GetContentRegionAvail().x - form_width, 0));
  table_.draw();
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("contact_panel", ImVec2(0, 0), true);
  if (table_.selected_id() != loaded_for_) load(table_.selected_id());
  ImGui::TextUnformatted(contact_.empty() ? T("contact.new") : T("contact.edit"));
  if (!contact_.empty()) {
    ImGui::SameLine();
    if (ImGui::SmallButton(T("form.new_button"))) {
      table_.select("");
      load("");
    }
  }
  ImGui::Separator();
  RowStyle style{100};
  bool enter = false;
  enter |= text_row(T("field.name"), name_, style);
  enter |= text_row(T("field.title"), title_, style);
  enter |= text_row(T("field.emails"), emails_, style);
  enter |= text_row(T("field.phones"), phones_, style);
  record_picker_row(ctx_, T("field.company"), "company", company_id_, company_filter_, style);
  enter |= text_row(T("field.owner"), owner_, style);
  enter |= text_row(T("field.tags"), tags_, style);
  enter |= notes_row(T("field.notes"), notes_, 4, style);
  if (ImGui::Button(T("form.save")) || enter) save();
  if (!contact_.empty()) {
    ImGui::SameLine();
    if (ImGui::Button(T("contact.vcard"))) {
      // The contact as a vCard 4.0 file for a phone or a mail program.
      Json card = ctx_.core.call("export.vcard", {{"contact_id", contact_["id"]}});
      message_is_error_ = is_error(card);
      message_ = message_is_error_ ? error_message(card) : std::string(T("data.exported")) + " " + card.value("filename", std::string());
      if (!message_is_error_) platform::files_download(card["filename"], "text/vcard", card["text"].get<std::string>());
    }
    ImGui::SameLine();
    if (!confirm_delete_) {
      if (ImGui::Button(T("form.delete"))) confirm_delete_ = true;
    } else {
      if (ImGui::Button((std::string(T("form.delete")) + "##confirm").c_str())) {
        Json reply = ctx_.call("contact.delete", {{"id", contact_["id"]}});
        message_is_error_ = is_error(reply);
        message_ = message_is_error_ ? error_message(reply) : T("form.deleted");
        table_.select("");
        load("");
      }
      ImGui::SameLine();
      if (ImGui::Button(T("form.cancel"))) confirm_delete_ = false;
    }
  }
  outcome_line(message_, message_is_error_);
  for (const auto& d : duplicates_) ImGui::BulletText("%s", d["label"].get<std::string>().c_str());
  if (!contact_.empty()) {
    ImGui::Separator();
    if (!company_id_.empty() && ImGui::Button((std::string(T("link.company")) + ": " + record_name(ctx_, "company", company_id_)).c_str()) && on_open) {
      on_open("company", company_id_);
    }
    related_deals(ctx_, contact_["id"].get<std::string>(), "contact_id", on_open);
    for (const auto& lead : contact_["leads"]) {
      std::string label = std::string(T("link.source_lead")) + ": " + lead["name"].get<std::string>() + " · " +
                          lead["event"].get<std::string>() + "##" + lead["id"].get<std::string>();
      if (ImGui::Button(label.c_str()) && on_open) on_open("lead", lead["id"]);
    }
    activities_.draw("contact", contact_["id"].get<std::string>());
  }
  ImGui::EndChild();
}

}  // namespace kervan::ui
