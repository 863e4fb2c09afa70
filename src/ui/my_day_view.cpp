#include "ui/my_day_view.hpp"

#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include <chrono>

#include "core/clock.hpp"
#include "ui/form_fields.hpp"
#include "ui/i18n.hpp"
#include "ui/item_registry.hpp"

namespace kervan::ui {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

std::string text_of(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string parse_local_due(const std::string& text, int utc_offset_minutes) {
  int64_t offset = static_cast<int64_t>(utc_offset_minutes) * 60000;
  std::string date, time = "09:00";
  if (text.size() == 5 && text[2] == ':') {
    std::string today = format_iso8601(now_ms() + offset);
    date = today.substr(0, 10);
    time = text;
  } else if (text.size() == 10) {
    date = text;
  } else if (text.size() == 16 && (text[10] == ' ' || text[10] == 'T')) {
    date = text.substr(0, 10);
    time = text.substr(11, 5);
  } else {
    return "";
  }
  auto ms = parse_iso8601(date + "T" + time + ":00Z");
  if (!ms) return "";
  return format_iso8601(*ms - offset);
}

void MyDayView::reload() {
  if (loaded_version_ == ctx_.core.data_version()) return;
  loaded_version_ = ctx_.core.data_version();
  int offset = ctx_.platform.utc_offset_minutes();
  int64_t local_end_of_day = ((now_ms() + offset * 60000LL) / 86400000LL + 1) * 86400000LL - offset * 60000LL;
  Json reply = ctx_.core.call("activity.list", {{"done", false}, {"due_to", format_iso8601(local_end_of_day - 1)},
                                                {"sort", "due_at"}, {"limit", 500}});
  due_ = is_error(reply) ? Json::array() : reply["items"];
  Json deals = ctx_.core.call("deal.list", {{"status", "open"}, {"without_next_step", true}, {"limit", 200}});
  without_step_ = is_error(deals) ? Json::array() : deals["items"];
  if (selected_ >= static_cast<int>(due_.size())) selected_ = std::max(0, static_cast<int>(due_.size()) - 1);
}

void MyDayView::complete(const Json& activity) {
  Json args = {{"id", activity["id"]}};
  if (!follow_up_.empty()) {
    std::string due = parse_local_due(follow_up_due_.empty() ? "09:00" : follow_up_due_, ctx_.platform.utc_offset_minutes());
    if (due.empty()) {
      message_ = T("day.bad_time");
      message_is_error_ = true;
      return;
    }
    args["follow_up"] = {{"subject", follow_up_}, {"due_at", due}};
  }
  Json reply = ctx_.call("activity.complete", args);
  message_is_error_ = is_error(reply);
  message_ = message_is_error_ ? error_message(reply) : T("day.completed");
  if (!message_is_error_) {
    follow_up_.clear();
    follow_up_due_.clear();
  }
}

void MyDayView::draw() {
  reload();
  const float scale = ImGui::GetFontSize() / 15.0f;
  ImGui::BeginChild("day_activities", ImVec2(ImGui::GetContentRegionAvail().x * 0.6f, 0), true);
  ImGui::TextUnformatted(T("day.title"));
  ImGui::TextDisabled("%s", T("day.hint"));
  ImGui::Separator();
  if (due_.empty()) ImGui::TextDisabled("%s", T("day.nothing"));
  int index = 0;
  for (const auto& a : due_) {
    bool overdue = a.value("overdue", false);
    std::string when = format_date_time(text_of(a, "due_at"), ctx_.platform.utc_offset_minutes());
    std::string label = text_of(a, "subject") + "##" + text_of(a, "id");
    ImGui::PushStyleColor(ImGuiCol_Text, overdue ? ImVec4(1, 0.55f, 0.4f, 1) : ImGui::GetStyleColorVec4(ImGuiCol_Text));
    if (ImGui::Selectable(label.c_str(), selected_ == index, ImGuiSelectableFlags_AllowOverlap)) selected_ = index;
    ImGui::PopStyleColor();
    if (ImGui::IsItemHovered() && ImGui::IsMouseDoubleClicked(ImGuiMouseButton_Left)) editor_.open_edit(text_of(a, "id"));
    ImGui::SameLine(ImGui::GetContentRegionAvail().x - 150 * scale);
    ImGui::TextDisabled("%s %s", T("activity_type." + text_of(a, "type")), when.c_str());
    ++index;
  }
  if (!due_.empty()) {
    ImGui::Separator();
    ImGui::TextUnformatted(T("day.follow_up"));
    ImGui::SetNextItemWidth(-160 * scale);
    ImGui::InputTextWithHint((std::string("##") + T("day.follow_up")).c_str(), T("day.follow_up_hint"), &follow_up_);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-1);
    ImGui::InputTextWithHint((std::string("##") + T("day.follow_up_due")).c_str(), "14:30 / 2026-12-01", &follow_up_due_);
    bool keys = !ImGui::GetIO().WantTextInput && !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId);
    if (ImGui::Button(T("day.complete")) || (keys && ImGui::IsKeyPressed(ImGuiKey_Enter, false))) {
      complete(due_[static_cast<std::size_t>(selected_)]);
    }
    ImGui::SameLine();
    if (ImGui::Button(T("activity.edit"))) editor_.open_edit(text_of(due_[static_cast<std::size_t>(selected_)], "id"));
    if (keys) {
      if (ImGui::IsKeyPressed(ImGuiKey_DownArrow)) selected_ = std::min(selected_ + 1, static_cast<int>(due_.size()) - 1);
      if (ImGui::IsKeyPressed(ImGuiKey_UpArrow)) selected_ = std::max(selected_ - 1, 0);
    }
  }
  ImGui::Separator();
  ImGui::TextUnformatted(T("day.new_task"));
  ImGui::SetNextItemWidth(-160 * scale);
  ImGui::InputTextWithHint((std::string("##") + T("day.new_task")).c_str(), T("day.subject"), &new_subject_);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint((std::string("##") + T("day.new_due")).c_str(), "14:30 / 2026-12-01", &new_due_);
  if (ImGui::Button(T("day.add"))) {
    std::string due = parse_local_due(new_due_.empty() ? "09:00" : new_due_, ctx_.platform.utc_offset_minutes());
    Json reply = due.empty() ? Json{{"error", {{"message", T("day.bad_time")}}}}
                             : ctx_.call("activity.create", {{"subject", new_subject_}, {"type", "task"}, {"due_at", due}});
    message_is_error_ = is_error(reply);
    message_ = message_is_error_ ? error_message(reply) : T("form.saved_plain");
    if (!message_is_error_) new_subject_.clear(), new_due_.clear();
  }
  ImGui::SameLine();
  if (ImGui::Button(T("activity.new"))) editor_.open_new(Json::array());
  bool editor_error = false;
  std::string editor_message = editor_.take_message(editor_error);
  if (!editor_message.empty()) message_ = editor_message, message_is_error_ = editor_error;
  outcome_line(message_, message_is_error_);
  editor_.draw();
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("day_deals", ImVec2(0, 0), true);
  ImGui::TextUnformatted(T("day.deals_without_step"));
  ImGui::Separator();
  if (without_step_.empty()) ImGui::TextDisabled("%s", T("day.all_planned"));
  for (const auto& d : without_step_) {
    std::string label = text_of(d, "name") + (text_of(d, "owner").empty() ? "" : " · " + text_of(d, "owner")) + "##" +
                        text_of(d, "id");
    if (ImGui::Selectable(label.c_str(), false) && on_open) on_open("deal", text_of(d, "id"));
  }
  ImGui::EndChild();
}

}  // namespace kervan::ui
