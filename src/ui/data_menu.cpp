#include "ui/data_menu.hpp"

#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include "platform/files.hpp"
#include "ui/form_fields.hpp"
#include "ui/i18n.hpp"

namespace kervan::ui {
namespace {

// Esc closes the dialog only when it is not closing a list or leaving a field first.
bool escape_closes() {
  return ImGui::IsKeyPressed(ImGuiKey_Escape, false) && !ImGui::GetIO().WantTextInput &&
         !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId);
}

constexpr const char* kExportPopup = "###export_dialog";

std::string text_of(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

void DataMenu::draw_items() {
  if (ImGui::MenuItem(T("data.export"))) {
    Json device = ctx_.core.call("device.get", Json::object());
    device_name_ = text_of(device, "name");
    message_.clear();
    open_export_ = true;
  }
  if (ImGui::MenuItem(T("data.import"))) import_.pick_file();
  ImGui::Separator();
  ImGui::TextDisabled("%s", T("data.drop_hint"));
}

void DataMenu::run_export() {
  Json device = ctx_.core.call("device.get", Json::object());
  if (!is_error(device) && text_of(device, "name") != device_name_) {
    Json renamed = ctx_.call("device.set_name", {{"name", device_name_}});
    if (is_error(renamed)) {
      message_ = error_message(renamed);
      message_is_error_ = true;
      return;
    }
  }
  Json args = Json::object();
  if (!peer_.empty()) args[changes_only_ ? "since_peer" : "peer"] = peer_;
  // Streamed: each chunk of the text leaves the wasm heap as it is written, and the page
  // makes the download from the pieces (a full export of a large database is hundreds of MB).
  platform::files_download_begin();
  Json reply = ctx_.export_sync(args, [](std::string_view chunk) { platform::files_download_append(chunk); });
  if (is_error(reply)) {
    platform::files_download_cancel();
    message_ = error_message(reply);
    message_is_error_ = true;
    return;
  }
  platform::files_download_finish(text_of(reply, "file_name"), "application/json");
  const Json& counts = reply["counts"];
  message_ = std::string(T("data.exported")) + " " + text_of(reply, "file_name") + " (" +
             std::to_string(counts.value("records", 0)) + " " + T("data.records") + ")";
  message_is_error_ = false;
}

void DataMenu::draw_export() {
  if (open_export_) {
    ImGui::OpenPopup(kExportPopup);
    open_export_ = false;
  }
  std::string title = std::string(T("data.export_title")) + kExportPopup;
  if (!ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  Json device = ctx_.read("device.get");
  RowStyle style{150};
  text_row(T("data.device_name"), device_name_, style);
  if (!is_error(device)) {
    ImGui::TextDisabled("%s %s", T("data.device_id"), text_of(device, "id").c_str());
    std::string last = format_date_time(text_of(device, "last_export_at"), ctx_.platform.utc_offset_minutes());
    ImGui::TextDisabled("%s %s", T("data.last_export"), last.empty() ? "—" : last.c_str());
  }
  text_row(T("data.peer"), peer_, style);
  ImGui::TextDisabled("%s", T("data.peer_hint"));
  ImGui::BeginDisabled(peer_.empty());
  if (ImGui::RadioButton(T("data.changes_only"), changes_only_ && !peer_.empty())) changes_only_ = true;
  ImGui::SameLine();
  if (ImGui::RadioButton(T("data.everything"), !changes_only_ || peer_.empty())) changes_only_ = false;
  ImGui::EndDisabled();
  if (!is_error(device) && device.contains("peers") && !device["peers"].empty()) {
    ImGui::TextDisabled("%s", T("data.known_peers"));
    for (const auto& p : device["peers"]) {
      std::string when = format_date_time(text_of(p, "last_export_at"), ctx_.platform.utc_offset_minutes());
      if (ImGui::SmallButton((text_of(p, "peer") + " · " + when + "##peer").c_str())) peer_ = text_of(p, "peer");
    }
  }
  ImGui::Separator();
  if (ImGui::Button(T("data.download"))) run_export();
  ImGui::SameLine();
  if (ImGui::Button(T("import.close")) || escape_closes()) ImGui::CloseCurrentPopup();
  outcome_line(message_, message_is_error_);
  ImGui::EndPopup();
}

void DataMenu::draw() {
  draw_export();
  import_.draw();
}

}  // namespace kervan::ui
