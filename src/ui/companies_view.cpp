#include "ui/companies_view.hpp"

#include <imgui.h>

#include "ui/form_fields.hpp"
#include "ui/i18n.hpp"

namespace kervan::ui {

CompaniesView::CompaniesView(UiContext& ctx)
    : ctx_(ctx),
      activities_(ctx),
      table_(ctx, TableConfig{"companies",
                              "company.list",
                              {{"field.company", "name", 1.8f},
                               {"field.city", "city", 0.8f},
                               {"field.tax_number", "tax_number", 0.9f, false},
                               {"field.phone", "phone", 1.0f, false},
                               {"field.owner", "owner", 0.8f},
                               {"field.created_at", "created_at", 1.0f}},
                              "name",
                              [this](const Json& c, const std::string& field) {
                                std::string v = c[field].get<std::string>();
                                if (field == "created_at") return format_date_time(v, ctx_.platform.utc_offset_minutes());
                                return v;
                              },
                              nullptr}) {}

void CompaniesView::load(const std::string& id) {
  loaded_for_ = id;
  confirm_delete_ = false;
  company_ = Json::object();
  values_ = Json::object();
  for (const char* f : kFields) values_[f] = "";
  notes_ = tags_ = "";
  duplicates_ = Json::array();
  if (id.empty()) return;
  Json c = ctx_.core.call("company.get", {{"id", id}});
  if (is_error(c)) return;
  company_ = c;
  for (const char* f : kFields) values_[f] = c[f];
  notes_ = c["notes"];
  tags_ = join_tags(c["tags"]);
}

void CompaniesView::save() {
  Json args = values_;
  args["notes"] = notes_;
  args["tags"] = split_tags(tags_);
  bool creating = company_.empty();
  if (creating) {
    Json dup = ctx_.core.call("company.duplicates", {{"record", values_}});
    if (!is_error(dup) && !dup["candidates"].empty() && duplicates_.empty()) {
      duplicates_ = dup["candidates"];
      message_ = T("dup.confirm_create");
      message_is_error_ = true;
      return;
    }
  } else {
    args["id"] = company_["id"];
  }
  Json reply = ctx_.call(creating ? "company.create" : "company.update", args);
  message_is_error_ = is_error(reply);
  message_ = message_is_error_ ? error_message(reply) : T("form.saved_plain");
  if (!message_is_error_) {
    table_.select(reply["id"]);
    load(reply["id"]);
  }
}

void CompaniesView::remove(const char* contacts_mode) {
  Json args = {{"id", company_["id"]}};
  if (contacts_mode) args["contacts"] = contacts_mode;
  Json reply = ctx_.call("company.delete", args);
  message_is_error_ = is_error(reply);
  message_ = message_is_error_ ? error_message(reply) : T("form.deleted");
  if (!message_is_error_) {
    table_.select("");
    load("");
  }
}

void CompaniesView::draw() {
  const float scale = ImGui::GetFontSize() / 15.0f;
  float form_width = std::max(340.0f * scale, ImGui::GetContentRegionAvail().x * 0.36f);
  ImGui::BeginChild("companies_table", ImVec2(ImGui::GetContentRegionAvail().x - form_width, 0));
  table_.draw();
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("company_panel", ImVec2(0, 0), true);
  if (table_.selected_id() != loaded_for_) load(table_.selected_id());
  ImGui::TextUnformatted(company_.empty() ? T("company.new") : T("company.edit"));
  if (!company_.empty()) {
    ImGui::SameLine();
    if (ImGui::SmallButton(T("form.new_button"))) {
      table_.select("");
      load("");
    }
  }
  ImGui::Separator();
  RowStyle style{110};
  bool enter = false;
  for (const char* f : kFields) {
    std::string value = values_[f];
    enter |= text_row(T(std::string("field.") + (std::string(f) == "name" ? "company" : f)), value, style);
    values_[f] = value;
  }
  enter |= text_row(T("field.tags"), tags_, style);
  enter |= notes_row(T("field.notes"), notes_, 3, style);
  if (ImGui::Button(T("form.save")) || enter) save();
  if (!company_.empty()) {
    ImGui::SameLine();
    std::size_t contacts = company_["contacts"].size();
    if (!confirm_delete_) {
      if (ImGui::Button(T("form.delete"))) confirm_delete_ = true;
    } else if (contacts == 0) {
      if (ImGui::Button((std::string(T("form.delete")) + "##confirm").c_str())) remove(nullptr);
      ImGui::SameLine();
      if (ImGui::Button(T("form.cancel"))) confirm_delete_ = false;
    } else {
      ImGui::NewLine();
      ImGui::TextWrapped(T("company.delete_question"), static_cast<int>(contacts));
      if (ImGui::Button(T("company.delete_unlink"))) remove("unlink");
      ImGui::SameLine();
      if (ImGui::Button(T("company.delete_with_contacts"))) remove("delete");
      ImGui::SameLine();
      if (ImGui::Button(T("form.cancel"))) confirm_delete_ = false;
    }
  }
  outcome_line(message_, message_is_error_);
  for (const auto& d : duplicates_) ImGui::BulletText("%s", d["label"].get<std::string>().c_str());
  if (!company_.empty()) {
    ImGui::Separator();
    for (const auto& c : company_["contacts"]) {
      std::string label = std::string(T("link.contact")) + ": " + c["name"].get<std::string>() + "##" +
                          c["id"].get<std::string>();
      if (ImGui::Button(label.c_str()) && on_open) on_open("contact", c["id"]);
    }
    related_deals(ctx_, company_["id"].get<std::string>(), "company_id", on_open);
    for (const auto& lead : company_["leads"]) {
      std::string label = std::string(T("link.source_lead")) + ": " + lead["name"].get<std::string>() + "##" +
                          lead["id"].get<std::string>();
      if (ImGui::Button(label.c_str()) && on_open) on_open("lead", lead["id"]);
    }
    activities_.draw("company", company_["id"].get<std::string>());
  }
  ImGui::EndChild();
  (void)scale;
}

}  // namespace kervan::ui
