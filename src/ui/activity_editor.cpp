#include "ui/activity_editor.hpp"

#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include <cfloat>
#include <cstdlib>
#include <utility>

#include "core/clock.hpp"
#include "ui/form_fields.hpp"
#include "ui/i18n.hpp"
#include "ui/item_registry.hpp"
#include "ui/my_day_view.hpp"

namespace kervan::ui {
namespace {

// Esc closes the dialog only when it is not closing a list or leaving a field first.
bool escape_closes() {
  return ImGui::IsKeyPressed(ImGuiKey_Escape, false) && !ImGui::GetIO().WantTextInput &&
         !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId);
}

constexpr const char* kTypes[] = {"call", "meeting", "task", "email", "note"};
constexpr const char* kLinkable[] = {"deal", "lead", "contact", "company"};
constexpr const char* kPopup = "###activity_editor";

std::string text_of(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

std::string local_due_text(const std::string& iso, int utc_offset_minutes) {
  auto ms = parse_iso8601(iso);
  if (!ms) return "";
  std::string local = format_iso8601(*ms + static_cast<int64_t>(utc_offset_minutes) * 60000);
  return local.substr(0, 10) + " " + local.substr(11, 5);
}

void ActivityEditor::open_new(const Json& links) {
  id_.clear();
  type_ = "task";
  subject_ = due_ = duration_ = owner_ = notes_ = "";
  done_ = false;
  links_ = links.is_array() ? links : Json::array();
  error_ = error_field_ = "";
  confirm_delete_ = false;
  open_request_ = true;
}

void ActivityEditor::open_edit(const std::string& activity_id) {
  Json a = ctx_.core.call("activity.get", {{"id", activity_id}});
  if (is_error(a)) {
    outcome_ = error_message(a);
    outcome_is_error_ = true;
    return;
  }
  id_ = activity_id;
  type_ = text_of(a, "type");
  subject_ = text_of(a, "subject");
  due_ = local_due_text(text_of(a, "due_at"), ctx_.platform.utc_offset_minutes());
  int64_t minutes = a.value("duration_minutes", int64_t{0});
  duration_ = minutes ? std::to_string(minutes) : "";
  owner_ = text_of(a, "owner");
  notes_ = text_of(a, "notes");
  done_ = a.value("done", false);
  links_ = a.value("links", Json::array());
  error_ = error_field_ = "";
  confirm_delete_ = false;
  open_request_ = true;
}

std::string ActivityEditor::take_message(bool& is_error) {
  is_error = outcome_is_error_;
  return std::exchange(outcome_, std::string());
}

bool ActivityEditor::save() {
  Json args = {{"type", type_}, {"subject", subject_}, {"owner", owner_}, {"notes", notes_}, {"links", links_}};
  if (due_.empty()) {
    args["due_at"] = "";
  } else {
    std::string due = parse_local_due(due_, ctx_.platform.utc_offset_minutes());
    if (due.empty()) {
      error_ = T("day.bad_time");
      error_field_ = "due_at";
      return false;
    }
    args["due_at"] = due;
  }
  if (duration_.empty()) {
    args["duration_minutes"] = 0;
  } else {
    char* end = nullptr;
    long long minutes = std::strtoll(duration_.c_str(), &end, 10);
    if (end == duration_.c_str() || *end != '\0') {
      error_ = T("activity.bad_duration");
      error_field_ = "duration_minutes";
      return false;
    }
    args["duration_minutes"] = minutes;  // the core checks the range
  }
  if (!id_.empty()) {
    args["id"] = id_;
    args["done"] = done_;
  }
  Json reply = ctx_.call(id_.empty() ? "activity.create" : "activity.update", args);
  if (is_error(reply)) {
    error_ = error_message(reply);
    error_field_ = error_field(reply);
    return false;
  }
  outcome_ = T("form.saved_plain");
  outcome_is_error_ = false;
  return true;
}

void ActivityEditor::draw_links() {
  ImGui::SeparatorText(T("activity.links"));
  int remove = -1;
  for (std::size_t i = 0; i < links_.size(); ++i) {
    const Json& link = links_[i];
    std::string entity = text_of(link, "entity");
    ImGui::BulletText("%s: %s", T("link." + entity), record_name(ctx_, entity, text_of(link, "id")).c_str());
    ImGui::SameLine();
    if (ImGui::SmallButton(("×##unlink" + std::to_string(i)).c_str())) remove = static_cast<int>(i);
  }
  if (remove >= 0) links_.erase(static_cast<std::size_t>(remove));
  if (links_.empty()) ImGui::TextDisabled("%s", T("activity.no_links"));
  const float scale = ImGui::GetFontSize() / 15.0f;
  ImGui::SetNextItemWidth(110 * scale);
  bool open = ImGui::BeginCombo("##link_entity", T("link." + link_entity_));
  if (!open) item_registry_label_last_item("##link_entity");  // when open, the popup is the last item
  if (open) {
    for (const char* e : kLinkable) {
      if (ImGui::Selectable(T(std::string("link.") + e), link_entity_ == e)) {
        link_entity_ = e;
        link_id_.clear();
      }
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  record_picker(ctx_, "##link_record", link_entity_, link_id_, link_filter_, 230 * scale);
  ImGui::SameLine();
  ImGui::BeginDisabled(link_id_.empty());
  if (ImGui::Button(T("activity.add_link"))) {
    Json link = {{"entity", link_entity_}, {"id", link_id_}};
    bool have = false;
    for (const auto& l : links_) have = have || l == link;
    if (!have) links_.push_back(link);
    link_id_.clear();
  }
  ImGui::EndDisabled();
}

void ActivityEditor::draw() {
  if (open_request_) {
    ImGui::OpenPopup(kPopup);
    open_request_ = false;
  }
  std::string title = std::string(id_.empty() ? T("activity.new_title") : T("activity.edit_title")) + kPopup;
  ImGui::SetNextWindowSizeConstraints(ImVec2(460 * ImGui::GetFontSize() / 15.0f, 0), ImVec2(FLT_MAX, FLT_MAX));
  if (!ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  RowStyle style{100};
  // Type as radio buttons: one click, visible at a glance.
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(T("activity.type"));
  ImGui::SameLine(style.caption_width * ImGui::GetFontSize() / 15.0f);
  for (const char* type : kTypes) {
    if (ImGui::RadioButton(T(std::string("activity_type.") + type), type_ == type)) type_ = type;
    ImGui::SameLine();
  }
  ImGui::NewLine();
  if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
  bool enter = text_row(T("day.subject"), subject_, RowStyle{style.caption_width, error_field_ == "subject"});
  enter |= text_row(T("activity.due"), due_, RowStyle{style.caption_width, error_field_ == "due_at"});
  ImGui::TextDisabled("%s", T("activity.due_hint"));
  enter |= text_row(T("activity.duration"), duration_, RowStyle{style.caption_width, error_field_ == "duration_minutes"});
  enter |= text_row(T("field.owner"), owner_, RowStyle{style.caption_width, error_field_ == "owner"});
  notes_row(T("field.notes"), notes_, 3, style);
  if (!id_.empty()) checkbox_row(T("activity.done"), done_);
  draw_links();
  ImGui::Separator();
  if ((ImGui::Button(T("form.save")) || enter) && save()) ImGui::CloseCurrentPopup();
  ImGui::SameLine();
  if (ImGui::Button(T("form.cancel")) || escape_closes()) ImGui::CloseCurrentPopup();
  if (!id_.empty()) {
    ImGui::SameLine();
    if (!confirm_delete_) {
      if (ImGui::Button(T("form.delete"))) confirm_delete_ = true;
    } else if (ImGui::Button((std::string(T("form.delete")) + "?##confirm").c_str())) {
      Json reply = ctx_.call("activity.delete", {{"id", id_}});
      outcome_is_error_ = is_error(reply);
      outcome_ = outcome_is_error_ ? error_message(reply) : T("form.deleted");
      ImGui::CloseCurrentPopup();
    }
  }
  outcome_line(error_, true);
  ImGui::EndPopup();
}

}  // namespace kervan::ui
