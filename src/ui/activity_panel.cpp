#include "ui/activity_panel.hpp"

#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include <map>
#include <vector>

#include "ui/form_fields.hpp"
#include "ui/i18n.hpp"
#include "ui/my_day_view.hpp"

namespace kervan::ui {
namespace {

const ImVec4 kOverdue(1, 0.55f, 0.4f, 1);
const ImVec4 kNoStep(0.95f, 0.85f, 0.4f, 1);

std::string text_of(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// A field's caption when the catalog has one, else its name.
std::string field_caption(const std::string& field) {
  std::string key = "field." + field;
  std::string text = T(key);
  return text == key ? field : text;
}

std::string stage_caption(UiContext& ctx, const std::string& stage_id) {
  Json pipelines = ctx.read("pipeline.list");
  if (is_error(pipelines)) return stage_id;
  for (const auto& p : pipelines["items"]) {
    for (const auto& s : p["stages"]) {
      if (s["id"] != stage_id) continue;
      std::string tr = text_of(s, "name_tr");
      return current_language() == Language::tr && !tr.empty() ? tr : text_of(s, "name");
    }
  }
  return T("timeline.removed_stage");
}

}  // namespace

void ActivityPanel::draw_open_activities(const std::string& entity, const std::string& id) {
  Json list = ctx_.read("activity.list", {{"related", {{"entity", entity}, {"id", id}}}, {"done", false},
                                          {"sort", "due_at"}, {"limit", 100}});
  Json items = is_error(list) ? Json::array() : list["items"];
  if (items.empty()) {
    ImGui::TextColored(kNoStep, "%s", T("deals.no_next_step"));
    return;
  }
  for (const auto& a : items) {
    bool done = false;
    std::string when = format_date_time(text_of(a, "due_at"), ctx_.platform.utc_offset_minutes());
    std::string label = std::string(T("activity_type." + text_of(a, "type"))) + ": " + text_of(a, "subject") +
                        (when.empty() ? "" : " · " + when) + "##" + text_of(a, "id");
    if (a.value("overdue", false)) ImGui::PushStyleColor(ImGuiCol_Text, kOverdue);
    if (ImGui::Checkbox(label.c_str(), &done) && done) {
      Json reply = ctx_.call("activity.complete", {{"id", a["id"]}});
      message_is_error_ = is_error(reply);
      message_ = message_is_error_ ? error_message(reply) : T("day.completed");
    }
    if (a.value("overdue", false)) ImGui::PopStyleColor();
    ImGui::SameLine();
    if (ImGui::SmallButton((std::string(T("activity.edit")) + "##" + text_of(a, "id")).c_str())) {
      editor_.open_edit(text_of(a, "id"));
    }
  }
}

void ActivityPanel::draw_quick_plan(const std::string& entity, const std::string& id) {
  const float scale = ImGui::GetFontSize() / 15.0f;
  ImGui::SetNextItemWidth(-150 * scale);
  ImGui::InputTextWithHint("##activity_subject", T("day.subject"), &quick_subject_);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##activity_due", "14:30 / 2026-12-01", &quick_due_);
  if (ImGui::SmallButton(T("deals.plan_step"))) {
    std::string due = parse_local_due(quick_due_.empty() ? "09:00" : quick_due_, ctx_.platform.utc_offset_minutes());
    Json reply = due.empty() ? Json{{"error", {{"message", T("day.bad_time")}}}}
                             : ctx_.call("activity.create", {{"subject", quick_subject_}, {"type", "task"}, {"due_at", due},
                                                             {"links", {{{"entity", entity}, {"id", id}}}}});
    message_is_error_ = is_error(reply);
    message_ = message_is_error_ ? error_message(reply) : T("form.saved_plain");
    if (!message_is_error_) quick_subject_.clear(), quick_due_.clear();
  }
  ImGui::SameLine();
  if (ImGui::SmallButton(T("activity.new"))) editor_.open_new(Json::array({{{"entity", entity}, {"id", id}}}));
}

void ActivityPanel::draw_timeline(const std::string& entity, const std::string& id) {
  Json reply = ctx_.read("timeline.get", {{"entity", entity}, {"id", id}});
  if (is_error(reply)) return;
  const Json& items = reply["items"];
  // Field changes stamped in the same instant are one edit: show them on one line. The first
  // instant is the record's creation.
  struct Line {
    std::string at;
    const Json* event = nullptr;
    std::vector<std::string> fields;
  };
  std::vector<Line> lines;
  for (const auto& e : items) {
    std::string kind = text_of(e, "kind");
    std::string at = text_of(e, "at");
    if (kind == "field") {
      if (!lines.empty() && !lines.back().event && lines.back().at == at) {
        lines.back().fields.push_back(field_caption(text_of(e, "field")));
      } else {
        lines.push_back({at, nullptr, {field_caption(text_of(e, "field"))}});
      }
    } else {
      lines.push_back({at, &e, {}});
    }
  }
  // The oldest group of field stamps is the creation (fields never changed since keep it).
  const Line* created = nullptr;
  for (const auto& line : lines) {
    if (!line.event) {
      created = &line;
      break;
    }
  }
  int offset = ctx_.platform.utc_offset_minutes();
  for (auto it = lines.rbegin(); it != lines.rend(); ++it) {
    std::string when = format_date_time(it->at, offset);
    if (!it->event) {
      std::string fields;
      for (const auto& f : it->fields) fields += (fields.empty() ? "" : ", ") + f;
      if (&*it == created) {
        ImGui::TextDisabled("%s  %s", when.c_str(), T("timeline.created"));
      } else {
        ImGui::TextDisabled("%s  %s %s", when.c_str(), T("timeline.changed"), fields.c_str());
      }
      continue;
    }
    const Json& e = *it->event;
    if (text_of(e, "kind") == "stage") {
      ImGui::Text("%s  → %s", when.c_str(), stage_caption(ctx_, text_of(e, "stage_id")).c_str());
      continue;
    }
    const Json& a = e["activity"];
    bool done = a.value("done", false);
    std::string label = when + "  " + (done ? "✓ " : "○ ") + T("activity_type." + text_of(a, "type")) + ": " +
                        text_of(a, "subject") + "##timeline" + text_of(a, "id");
    if (ImGui::Selectable(label.c_str(), false)) editor_.open_edit(text_of(a, "id"));
    if (ImGui::IsItemHovered() && !text_of(a, "notes").empty()) ImGui::SetTooltip("%s", text_of(a, "notes").c_str());
  }
}

void ActivityPanel::draw(const std::string& entity, const std::string& id) {
  if (id.empty()) return;
  if (entity + ':' + id != shown_for_) {
    // Typing meant for one record must not be planned on the next one.
    shown_for_ = entity + ':' + id;
    quick_subject_.clear();
    quick_due_.clear();
    message_.clear();
  }
  ImGui::PushID(("activities:" + entity).c_str());
  ImGui::SeparatorText(T("deals.activities"));
  draw_open_activities(entity, id);
  draw_quick_plan(entity, id);
  bool editor_error = false;
  std::string editor_message = editor_.take_message(editor_error);
  if (!editor_message.empty()) message_ = editor_message, message_is_error_ = editor_error;
  outcome_line(message_, message_is_error_);
  if (ImGui::CollapsingHeader(T("timeline.title"), ImGuiTreeNodeFlags_DefaultOpen)) draw_timeline(entity, id);
  editor_.draw();
  ImGui::PopID();
}

}  // namespace kervan::ui
