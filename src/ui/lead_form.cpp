#include "ui/lead_form.hpp"

#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include "ui/i18n.hpp"

namespace kervan::ui {

std::string LeadForm::take_selection_change(bool& changed) {
  changed = selection_changed_;
  selection_changed_ = false;
  return new_selection_;
}

void LeadForm::show(const std::string& id) {
  if (id == loaded_for_) return;
  load(id);
}

void LeadForm::load(const std::string& id) {
  loaded_for_ = id;
  id_ = id;
  confirm_delete_ = false;
  error_field_.clear();
  if (id.empty()) {
    for (auto& v : values_) v.clear();
    focus_first_.request();
    return;
  }
  Json lead = ctx_.core.call("lead.get", {{"id", id}});
  if (is_error(lead)) {  // deleted meanwhile (another tab, a script): back to a new lead
    load("");
    return;
  }
  for (std::size_t i = 0; i < kFields.size(); ++i) values_[i] = lead.value(kFields[i], std::string());
  focus_first_.request();
}

void LeadForm::clear() {
  message_.clear();
  selection_changed_ = true;
  new_selection_.clear();
  load("");
}

void LeadForm::save() {
  Json args = Json::object();
  for (std::size_t i = 0; i < kFields.size(); ++i) args[kFields[i]] = values_[i];
  bool creating = id_.empty();
  if (!creating) args["id"] = id_;
  Json reply = ctx_.call(creating ? "lead.create" : "lead.update", args);
  if (is_error(reply)) {
    message_ = error_message(reply);
    if (error_field(reply) == "name") message_ = T("form.need_name");
    message_is_error_ = true;
    error_field_ = error_field(reply);
    return;
  }
  std::string who = reply.value("name", std::string());
  if (who.empty()) who = reply.value("company", std::string());
  char text[512];
  std::snprintf(text, sizeof text, T("form.saved"), who.c_str());
  message_ = text;
  message_is_error_ = false;
  error_field_.clear();
  message_ticket_ = ctx_.last_persist_ticket;
  if (creating) {
    // Ready for the next visitor: empty form, cursor in the first field.
    load("");
  } else {
    load(id_);
  }
  selection_changed_ = true;
  new_selection_ = creating ? std::string() : id_;
}

void LeadForm::remove() {
  Json reply = ctx_.call("lead.delete", {{"id", id_}});
  if (is_error(reply)) {
    message_ = error_message(reply);
    message_is_error_ = true;
    return;
  }
  message_ = T("form.deleted");
  message_is_error_ = false;
  message_ticket_ = ctx_.last_persist_ticket;
  load("");
  selection_changed_ = true;
  new_selection_.clear();
}

void LeadForm::draw() {
  const float scale = ImGui::GetFontSize() / 15.0f;
  ImGui::TextUnformatted(id_.empty() ? T("form.new") : T("form.edit"));
  if (!id_.empty()) {
    const char* label = T("form.new_button");
    float button = ImGui::CalcTextSize(label).x + ImGui::GetStyle().FramePadding.x * 2;
    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - button);
    if (ImGui::SmallButton(label)) clear();
  }
  ImGui::Separator();

  bool enter_pressed = false;
  const float label_width = 90 * scale;
  for (std::size_t i = 0; i < kFields.size(); ++i) {
    std::string field = kFields[i];
    std::string label = T("field." + field);
    bool highlight = !error_field_.empty() && error_field_ == field;
    ImGui::AlignTextToFramePadding();
    if (highlight) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.45f, 0.45f, 1));
    ImGui::TextUnformatted(label.c_str());
    if (highlight) ImGui::PopStyleColor();
    ImGui::SameLine(label_width);
    ImGui::SetNextItemWidth(-1);
    std::string widget = "##" + label;
    if (i == 0) focus_first_.before_field(widget.c_str());
    // The caption is drawn beside the field, so the widget's label is hidden ("##caption");
    // the test hooks report the caption.
    if (field == "notes") {
      ImGui::InputTextMultiline(widget.c_str(), &values_[i], ImVec2(-1, 80 * scale),
                                ImGuiInputTextFlags_CtrlEnterForNewLine);
      // With CtrlEnterForNewLine, Enter alone leaves the field: treat it as save.
      if (ImGui::IsItemDeactivated() && ImGui::IsKeyPressed(ImGuiKey_Enter, false)) enter_pressed = true;
    } else {
      if (ImGui::InputText(widget.c_str(), &values_[i], ImGuiInputTextFlags_EnterReturnsTrue)) enter_pressed = true;
    }
    if (i == 0 && focus_first_.after_field()) ctx_.platform.request_redraw(2);
  }

  ImGui::Spacing();
  if (ImGui::Button(T("form.save")) || enter_pressed || save_requested_) save();
  save_requested_ = false;
  ImGui::SameLine();
  if (ImGui::Button(T("form.clear"))) clear();
  if (!id_.empty()) {
    ImGui::SameLine();
    if (!confirm_delete_) {
      if (ImGui::Button(T("form.delete"))) confirm_delete_ = true;
    } else {
      ImGui::TextUnformatted(T("form.confirm_delete"));
      ImGui::SameLine();
      if (ImGui::Button((std::string(T("form.delete")) + "##confirm").c_str())) remove();
      ImGui::SameLine();
      if (ImGui::Button(T("form.cancel"))) confirm_delete_ = false;
    }
  }
  if (ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows) && ImGui::IsKeyPressed(ImGuiKey_Escape, false)) clear();

  if (!message_.empty()) {
    ImVec4 colour = message_is_error_ ? ImVec4(1, 0.45f, 0.45f, 1) : ImVec4(0.5f, 0.85f, 0.55f, 1);
    ImGui::TextColored(colour, "%s", message_.c_str());
    if (!message_is_error_) {
      ImGui::SameLine();
      bool durable = ctx_.platform.is_durable(message_ticket_);
      ImGui::TextDisabled("%s", durable ? "✓" : T("status.saving"));
    }
  }
  ImGui::Spacing();
  ImGui::TextDisabled("%s", T("form.hint"));
}

}  // namespace kervan::ui
