#include "ui/lists_editor.hpp"

#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include "ui/form_fields.hpp"
#include "ui/i18n.hpp"

namespace kervan::ui {

void ListsEditor::draw_list(const char* list, const char* title_key) {
  const float scale = ImGui::GetFontSize() / 15.0f;
  ImGui::SeparatorText(T(title_key));
  Json reply = ctx_.read("list.get", {{"list", list}, {"include_archived", true}});
  if (is_error(reply)) return;
  if (!ImGui::BeginTable(list, 4, ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_RowBg)) return;
  ImGui::TableSetupColumn("Türkçe");
  ImGui::TableSetupColumn("English");
  ImGui::TableSetupColumn(T("lists.archived"), ImGuiTableColumnFlags_WidthFixed, 70 * scale);
  ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, 80 * scale);
  ImGui::TableHeadersRow();
  for (const auto& item : reply["items"]) {
    std::string key = item["key"];
    std::string draft_key = std::string(list) + "/" + key;
    auto [it, inserted] = drafts_.try_emplace(draft_key, Draft{item["label_tr"], item["label_en"]});
    Draft& d = it->second;
    ImGui::PushID(draft_key.c_str());
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::SetNextItemWidth(-1);
    ImGui::InputText("##tr", &d.label_tr);
    ImGui::TableNextColumn();
    ImGui::SetNextItemWidth(-1);
    ImGui::InputText("##en", &d.label_en);
    ImGui::TableNextColumn();
    bool archived = item["archived"];
    if (ImGui::Checkbox("##archived", &archived)) {
      ctx_.call("list.update", {{"list", list}, {"key", key}, {"archived", archived}});
    }
    ImGui::TableNextColumn();
    bool dirty = d.label_tr != item["label_tr"] || d.label_en != item["label_en"];
    ImGui::BeginDisabled(!dirty);
    if (ImGui::SmallButton(T("form.save"))) {
      Json r = ctx_.call("list.update", {{"list", list}, {"key", key}, {"label_tr", d.label_tr}, {"label_en", d.label_en}});
      message_is_error_ = is_error(r);
      message_ = message_is_error_ ? error_message(r) : T("form.saved_plain");
      if (!message_is_error_) drafts_.erase(draft_key);
    }
    ImGui::EndDisabled();
    ImGui::PopID();
  }
  Draft& add = new_value_[list];
  ImGui::PushID(list);
  ImGui::TableNextRow();
  ImGui::TableNextColumn();
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##new_tr", T("lists.new_value"), &add.label_tr);
  ImGui::TableNextColumn();
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##new_en", "New value", &add.label_en);
  ImGui::TableNextColumn();
  ImGui::TableNextColumn();
  if (ImGui::SmallButton(T("lists.add"))) {
    Json r = ctx_.call("list.add", {{"list", list}, {"label_tr", add.label_tr}, {"label_en", add.label_en}});
    message_is_error_ = is_error(r);
    message_ = message_is_error_ ? error_message(r) : T("form.saved_plain");
    if (!message_is_error_) add = Draft{};
  }
  ImGui::PopID();
  ImGui::EndTable();
}

void ListsEditor::draw() {
  if (!open_) return;
  const float scale = ImGui::GetFontSize() / 15.0f;
  ImGui::SetNextWindowSize(ImVec2(640 * scale, 520 * scale), ImGuiCond_FirstUseEver);
  // Below the tabs and toolbars, so opening it never hides the controls of the screen.
  ImGui::SetNextWindowPos(ImVec2(ImGui::GetMainViewport()->Size.x * 0.35f, 110 * scale), ImGuiCond_FirstUseEver);
  std::string title = std::string(T("lists.title")) + "###lists";
  if (ImGui::Begin(title.c_str(), &open_)) {
    draw_list("lead_source", "lists.lead_source");
    draw_list("disqualify_reason", "lists.disqualify_reason");
    draw_list("deal_lost_reason", "lists.deal_lost_reason");
    outcome_line(message_, message_is_error_);
  }
  ImGui::End();
}

}  // namespace kervan::ui
