#include "ui/storage_window.hpp"

#include <imgui.h>

#include <chrono>
#include <cstdio>

#include "core/clock.hpp"
#include "ui/i18n.hpp"

namespace kervan::ui {
namespace {

std::string megabytes(double bytes) {
  if (bytes < 0) return "—";
  char text[32];
  std::snprintf(text, sizeof text, "%.1f MB", bytes / 1048576.0);
  return text;
}

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

bool StorageWindow::export_due() {
  // device.get names the oldest change no export carried yet (an index lookup, cheap in the
  // frame after every change even at 100,000 records).
  Json device = ctx_.read("device.get");
  if (is_error(device) || !device["unexported_since"].is_string()) return false;
  auto since = parse_iso8601(device["unexported_since"].get<std::string>());
  return since && now_ms() - *since > int64_t{kExportReminderDays} * 86400000;
}

void StorageWindow::draw() {
  if (!open_) return;
  ImGui::SetNextWindowSize(ImVec2(460 * ImGui::GetFontSize() / 15.0f, 0), ImGuiCond_Appearing);
  if (!ImGui::Begin((std::string(T("storage.title")) + "###storage_window").c_str(), &open_,
                    ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings)) {
    ImGui::End();
    return;
  }
  platform::StorageStatus s = ctx_.platform.storage_status();
  int offset = ctx_.platform.utc_offset_minutes();
  const ImVec4 warn(1, 0.65f, 0.3f, 1);
  if (s.mode == platform::StorageMode::memory) {
    ImGui::TextColored(warn, "%s", T("status.memory_only"));
  } else if (s.damaged) {
    ImGui::TextColored(warn, "%s", T("storage.damaged"));
  } else {
    ImGui::TextUnformatted(T("storage.in_browser"));
  }
  if (!s.problem.empty()) ImGui::TextWrapped("%s", s.problem.c_str());
  ImGui::Text("%s %s", T("storage.persisted"), s.persisted ? T("storage.yes") : T("storage.no_persist"));
  ImGui::Text("%s %s / %s", T("storage.used"), megabytes(s.usage_bytes).c_str(), megabytes(s.quota_bytes).c_str());
  std::string saved = s.last_saved_at_ms > 0 ? format_date_time(format_iso8601(static_cast<int64_t>(s.last_saved_at_ms)), offset) : "—";
  ImGui::Text("%s %s%s", T("storage.last_saved"), saved.c_str(), s.unsaved ? (std::string(" · ") + T("status.saving")).c_str() : "");
  if (!s.error.empty()) ImGui::TextColored(ImVec4(1, 0.45f, 0.45f, 1), "%s: %s", T("status.save_failed"), s.error.c_str());
  Json device = ctx_.read("device.get");
  std::string exported = is_error(device) || !device["last_export_at"].is_string()
                             ? std::string(T("storage.never"))
                             : format_date_time(device["last_export_at"].get<std::string>(), offset);
  ImGui::Text("%s %s", T("data.last_export"), exported.c_str());
  if (export_due()) ImGui::TextColored(warn, "%s", T("storage.export_reminder"));
  if (s.read_only) {
    ImGui::Separator();
    ImGui::TextColored(warn, "%s", s.stale ? T("storage.stale") : T("status.read_only"));
    if (s.can_take_over && ImGui::Button(T("storage.take_over"))) ctx_.platform.take_over();
  }
  ImGui::Separator();
  if (ImGui::Button(T("storage.check"))) integrity_ = ctx_.platform.check_integrity();
  if (!integrity_.empty()) {
    ImGui::SameLine();
    if (integrity_ == "ok") {
      ImGui::TextColored(ImVec4(0.5f, 0.85f, 0.55f, 1), "%s", T("storage.integrity_ok"));
    } else {
      ImGui::TextColored(ImVec4(1, 0.45f, 0.45f, 1), "%s", integrity_.c_str());
    }
  }
  ImGui::End();
}

}  // namespace kervan::ui
