#include "ui/pipelines_editor.hpp"

#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include "ui/form_fields.hpp"
#include "ui/i18n.hpp"
#include "ui/item_registry.hpp"

namespace kervan::ui {
namespace {
std::string text_of(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}
}  // namespace

void PipelinesEditor::report(const Json& reply) {
  message_is_error_ = is_error(reply);
  message_ = message_is_error_ ? error_message(reply) : T("form.saved_plain");
}

void PipelinesEditor::draw_pipeline(const Json& pipeline) {
  const float scale = ImGui::GetFontSize() / 15.0f;
  const Json& stages = pipeline["stages"];
  if (!ImGui::BeginTable("stages", 6, ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_RowBg)) return;
  ImGui::TableSetupColumn("English");
  ImGui::TableSetupColumn("Türkçe");
  ImGui::TableSetupColumn("%", ImGuiTableColumnFlags_WidthFixed, 60 * scale);
  ImGui::TableSetupColumn(T("pipes.stale_days"), ImGuiTableColumnFlags_WidthFixed, 70 * scale);
  ImGui::TableSetupColumn("", ImGuiTableColumnFlags_WidthFixed, 150 * scale);
  ImGui::TableSetupColumn(T("pipes.deals"), ImGuiTableColumnFlags_WidthFixed, 50 * scale);
  ImGui::TableHeadersRow();
  std::vector<std::string> order;
  for (const auto& st : stages) order.push_back(st["id"]);
  for (std::size_t i = 0; i < stages.size(); ++i) {
    const Json& st = stages[i];
    std::string id = st["id"];
    auto [it, fresh] = drafts_.try_emplace(id, StageDraft{text_of(st, "name"), text_of(st, "name_tr"),
                                                         st["probability"].get<int>(), st["stale_after_days"].get<int>()});
    StageDraft& d = it->second;
    ImGui::PushID(id.c_str());
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::SetNextItemWidth(-1);
    ImGui::InputText("##en", &d.name);
    ImGui::TableNextColumn();
    ImGui::SetNextItemWidth(-1);
    ImGui::InputText("##tr", &d.name_tr);
    ImGui::TableNextColumn();
    ImGui::SetNextItemWidth(-1);
    ImGui::InputInt("##p", &d.probability, 0);
    ImGui::TableNextColumn();
    ImGui::SetNextItemWidth(-1);
    ImGui::InputInt("##s", &d.stale_days, 0);
    ImGui::TableNextColumn();
    bool dirty = d.name != text_of(st, "name") || d.name_tr != text_of(st, "name_tr") ||
                 d.probability != st["probability"].get<int>() || d.stale_days != st["stale_after_days"].get<int>();
    ImGui::BeginDisabled(!dirty);
    if (ImGui::SmallButton(T("form.save"))) {
      report(ctx_.call("stage.update", {{"id", id}, {"name", d.name}, {"name_tr", d.name_tr},
                                        {"probability", d.probability}, {"stale_after_days", d.stale_days}}));
      drafts_.erase(id);
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    // Reorder by swapping with the neighbour; the full order is sent, as stage.reorder wants.
    if (i > 0 && ImGui::ArrowButton("##up", ImGuiDir_Up)) {
      std::swap(order[i], order[i - 1]);
      report(ctx_.call("stage.reorder", {{"pipeline_id", pipeline["id"]}, {"stage_ids", order}}));
    }
    ImGui::SameLine();
    if (i + 1 < stages.size() && ImGui::ArrowButton("##down", ImGuiDir_Down)) {
      std::swap(order[i], order[i + 1]);
      report(ctx_.call("stage.reorder", {{"pipeline_id", pipeline["id"]}, {"stage_ids", order}}));
    }
    ImGui::SameLine();
    if (ImGui::SmallButton("×")) {
      remove_stage_ = id;
      move_to_.clear();
    }
    ImGui::TableNextColumn();
    ImGui::Text("%lld", static_cast<long long>(st.value("deal_count", 0)));
    ImGui::PopID();
  }
  ImGui::EndTable();

  if (!remove_stage_.empty()) {
    ImGui::TextUnformatted(T("pipes.remove_where"));
    for (const auto& st : stages) {
      if (st["id"] == remove_stage_) continue;
      std::string label = text_of(st, "name") + "##to" + text_of(st, "id");
      if (ImGui::RadioButton(label.c_str(), move_to_ == st["id"])) move_to_ = st["id"];
      ImGui::SameLine();
    }
    ImGui::NewLine();
    if (ImGui::Button(T("pipes.remove"))) {
      Json args = {{"id", remove_stage_}};
      if (!move_to_.empty()) args["move_to"] = move_to_;
      report(ctx_.call("stage.remove", args));
      remove_stage_.clear();
    }
    ImGui::SameLine();
    if (ImGui::Button(T("form.cancel"))) remove_stage_.clear();
  }

  ImGui::SetNextItemWidth(240 * scale);
  ImGui::InputTextWithHint("##new_stage", T("pipes.new_stage"), &new_stage_);
  ImGui::SameLine();
  if (ImGui::Button(T("lists.add"))) {
    report(ctx_.call("stage.add", {{"pipeline_id", pipeline["id"]}, {"name", new_stage_}, {"probability", 50}}));
    if (!message_is_error_) new_stage_.clear();
  }

  ImGui::SeparatorText(T("deals.checklist"));
  for (const auto& st : stages) {
    std::string id = st["id"];
    ImGui::PushID(("steps" + id).c_str());
    if (ImGui::TreeNode(text_of(st, "name").c_str())) {
      for (const auto& step : st["checklist"]) {
        ImGui::BulletText("%s%s", text_of(step, "text").c_str(), step.value("required", false) ? " *" : "");
        ImGui::SameLine();
        if (ImGui::SmallButton(("×##" + text_of(step, "id")).c_str())) report(ctx_.call("stage.remove_step", {{"id", step["id"]}}));
      }
      std::string& text = new_step_[id];
      ImGui::SetNextItemWidth(240 * scale);
      ImGui::InputTextWithHint("##step", T("pipes.new_step"), &text);
      ImGui::SameLine();
      if (ImGui::SmallButton(T("pipes.add_required"))) {
        report(ctx_.call("stage.add_step", {{"stage_id", id}, {"text", text}, {"required", true}}));
        if (!message_is_error_) text.clear();
      }
      ImGui::SameLine();
      if (ImGui::SmallButton(T("lists.add"))) {
        report(ctx_.call("stage.add_step", {{"stage_id", id}, {"text", text}, {"required", false}}));
        if (!message_is_error_) text.clear();
      }
      ImGui::TreePop();
    }
    ImGui::PopID();
  }
}

void PipelinesEditor::draw_rates() {
  const float scale = ImGui::GetFontSize() / 15.0f;
  Json rates = ctx_.read("rate.list");
  if (is_error(rates)) return;
  std::string base = text_of(rates, "base");
  ImGui::Text("%s: %s", T("pipes.base_currency"), base.c_str());
  for (const auto& r : rates["items"]) {
    ImGui::BulletText("1 %s = %s %s", text_of(r, "currency").c_str(), r.value("per_base", std::string("?")).c_str(), base.c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton(("×##" + text_of(r, "currency")).c_str())) report(ctx_.call("rate.delete", {{"currency", r["currency"]}}));
  }
  ImGui::SetNextItemWidth(80 * scale);
  ImGui::InputTextWithHint("##rate_currency", "USD", &rate_currency_);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(120 * scale);
  ImGui::InputTextWithHint("##rate_value", "34,25", &rate_value_);
  ImGui::SameLine();
  if (ImGui::Button(T("pipes.set_rate"))) {
    report(ctx_.call("rate.set", {{"currency", rate_currency_}, {"per_base", rate_value_}}));
    if (!message_is_error_) rate_currency_.clear(), rate_value_.clear();
  }
}

void PipelinesEditor::draw() {
  if (!open_) return;
  const float scale = ImGui::GetFontSize() / 15.0f;
  ImGui::SetNextWindowSize(ImVec2(760 * scale, 560 * scale), ImGuiCond_FirstUseEver);
  // Below the tabs and toolbars, so opening it never hides the controls of the screen.
  ImGui::SetNextWindowPos(ImVec2(ImGui::GetMainViewport()->Size.x * 0.35f, 110 * scale), ImGuiCond_FirstUseEver);
  std::string title = std::string(T("pipes.title")) + "###pipelines";
  if (ImGui::Begin(title.c_str(), &open_)) {
    Json reply = ctx_.read("pipeline.list");
    const Json pipelines = is_error(reply) ? Json::array() : reply["items"];
    if (ImGui::BeginTabBar("pipeline_tabs")) {
      for (const auto& p : pipelines) {
        std::string label = text_of(p, "name") + "###" + text_of(p, "id");
        bool open = ImGui::BeginTabItem(label.c_str());
        item_registry_label_last_item(label.c_str());
        if (open) {
          draw_pipeline(p);
          ImGui::EndTabItem();
        }
      }
      std::string new_label = std::string(T("pipes.new_pipeline")) + "###new";
      bool new_open = ImGui::BeginTabItem(new_label.c_str());
      item_registry_label_last_item(new_label.c_str());
      if (new_open) {
        ImGui::SetNextItemWidth(240 * scale);
        ImGui::InputTextWithHint("##new_pipeline", T("pipes.pipeline_name"), &new_pipeline_);
        ImGui::SameLine();
        if (ImGui::Button(T("lists.add"))) {
          report(ctx_.call("pipeline.create", {{"name", new_pipeline_}}));
          if (!message_is_error_) new_pipeline_.clear();
        }
        ImGui::EndTabItem();
      }
      std::string rates_label = std::string(T("pipes.rates")) + "###rates";
      bool rates_open = ImGui::BeginTabItem(rates_label.c_str());
      item_registry_label_last_item(rates_label.c_str());
      if (rates_open) {
        draw_rates();
        ImGui::EndTabItem();
      }
      ImGui::EndTabBar();
    }
    outcome_line(message_, message_is_error_);
  }
  ImGui::End();
}

}  // namespace kervan::ui
