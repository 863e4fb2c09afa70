#include "ui/import_dialog.hpp"

#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include <algorithm>
#include <cctype>

#include "core/encoding.hpp"
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

constexpr const char* kPopup = "###import_dialog";
const ImVec4 kRed(1, 0.45f, 0.45f, 1);
const ImVec4 kAmber(0.95f, 0.75f, 0.35f, 1);

std::string text_of(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t count_of(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<int64_t>() : 0;
}

std::string extension_of(const std::string& name) {
  auto dot = name.rfind('.');
  std::string ext = dot == std::string::npos ? "" : name.substr(dot + 1);
  std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return ext;
}

// A value from a report as one line of text (strings as they are, the rest as JSON).
std::string shown(const Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "—";
  return value.dump();
}

}  // namespace

void ImportDialog::pick_file() { platform::files_pick(".json,.csv,.tsv,.txt,.vcf"); }

void ImportDialog::accept_file(const std::string& name, const std::string& bytes) {
  file_name_ = name;
  error_.clear();
  report_ = Json::object();
  std::string ext = extension_of(name);
  if (ext == "json") {
    kind_ = "sync";
    // The sync file is JSON text; the core validates it before anything is written.
    Json reply = ctx_.import_sync_text(bytes);
    report_ = reply;
    step_ = Step::report;
  } else if (ext == "vcf" || ext == "vcard") {
    kind_ = "vcard";
    data_base64_ = encoding::base64_encode(bytes);
    entity_ = "contact";
    step_ = Step::vcard_setup;
  } else {
    kind_ = "csv";
    data_base64_ = encoding::base64_encode(bytes);
    if (entity_ != "lead" && entity_ != "contact" && entity_ != "company") entity_ = "lead";
    load_preview();
    step_ = Step::csv_setup;
  }
  open_request_ = true;
}

void ImportDialog::load_preview() {
  preview_ = ctx_.core.call("import.csv.preview", {{"entity", entity_}, {"data_base64", data_base64_}, {"rows", 20}});
  mapping_ = is_error(preview_) ? Json::array() : preview_.value("mapping", Json::array());
}

void ImportDialog::run_import() {
  Json defaults = Json::object();
  // Source and event are lead fields; contacts and companies take owner (and tags) only.
  if (entity_ == "lead" && !default_source_.empty()) defaults["source"] = default_source_;
  if (entity_ == "lead" && !default_event_.empty()) defaults["event"] = default_event_;
  if (!default_owner_.empty()) defaults["owner"] = default_owner_;
  Json args = {{"entity", entity_}, {"data_base64", data_base64_}, {"duplicates", duplicates_}, {"defaults", defaults}};
  if (kind_ == "csv") args["mapping"] = mapping_;
  Json reply = ctx_.call(kind_ == "csv" ? "import.csv" : "import.vcard", args);
  if (is_error(reply)) {
    error_ = error_message(reply);
    return;
  }
  report_ = reply;
  step_ = Step::report;
}

void ImportDialog::draw_reading() {
  platform::ReadProgress progress = platform::files_progress();
  if (progress.total == 0) return;
  // A small window over everything while a large file is read.
  ImGui::SetNextWindowPos(ImGui::GetMainViewport()->GetCenter(), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
  ImGui::Begin("###reading_file", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoSavedSettings);
  ImGui::Text("%s %s", T("import.reading"), progress.name.c_str());
  ImGui::ProgressBar(static_cast<float>(progress.loaded) / static_cast<float>(progress.total),
                     ImVec2(320 * ImGui::GetFontSize() / 15.0f, 0));
  ImGui::End();
  ctx_.platform.request_redraw();
}

void ImportDialog::draw_options(bool with_attach) {
  RowStyle style{140};
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(T("import.duplicates"));
  ImGui::SameLine(style.caption_width * ImGui::GetFontSize() / 15.0f);
  for (const char* mode : {"skip", "attach", "import"}) {
    if (!with_attach && std::string(mode) == "attach") continue;
    if (ImGui::RadioButton(T(std::string("import.dup_") + mode), duplicates_ == mode)) duplicates_ = mode;
    ImGui::SameLine();
  }
  ImGui::NewLine();
  if (entity_ == "lead") {
    list_row(ctx_, T("import.default_source"), "lead_source", default_source_, style);
    text_row(T("import.default_event"), default_event_, style);
  }
  text_row(T("import.default_owner"), default_owner_, style);
}

void ImportDialog::draw_csv_setup() {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(T("import.as"));
  for (const char* e : {"lead", "contact", "company"}) {
    ImGui::SameLine();
    if (ImGui::RadioButton(T(std::string("import.entity_") + e), entity_ == e) && entity_ != e) {
      entity_ = e;
      load_preview();
    }
  }
  if (is_error(preview_)) {
    ImGui::TextColored(kRed, "%s", error_message(preview_).c_str());
    return;
  }
  ImGui::TextDisabled("%s · %s · %lld %s", text_of(preview_, "encoding").c_str(),
                      text_of(preview_, "delimiter") == "\t" ? "TAB" : text_of(preview_, "delimiter").c_str(),
                      static_cast<long long>(count_of(preview_, "row_count")), T("import.rows"));
  for (const auto& p : preview_.value("problems", Json::array())) ImGui::TextColored(kAmber, "%s", text_of(p, "message").c_str());

  // The mapping step: one column per file column, a field chosen above its first values.
  const Json& header = preview_["header"];
  const Json& fields = preview_["fields"];
  const Json& rows = preview_["rows"];
  int columns = static_cast<int>(header.size());
  ImGui::TextUnformatted(T("import.mapping"));
  ImGuiTableFlags flags = ImGuiTableFlags_Borders | ImGuiTableFlags_ScrollX | ImGuiTableFlags_ScrollY |
                          ImGuiTableFlags_SizingFixedFit | ImGuiTableFlags_RowBg;
  float height = 12 * ImGui::GetTextLineHeightWithSpacing();
  if (columns > 0 && ImGui::BeginTable("csv_mapping", columns + 1, flags, ImVec2(760 * ImGui::GetFontSize() / 15.0f, height))) {
    ImGui::TableSetupScrollFreeze(1, 2);
    ImGui::TableSetupColumn("#");
    for (int c = 0; c < columns; ++c) ImGui::TableSetupColumn(header[static_cast<std::size_t>(c)].get<std::string>().c_str());
    ImGui::TableHeadersRow();
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    ImGui::TextDisabled("→");
    for (int c = 0; c < columns; ++c) {
      ImGui::TableNextColumn();
      Json& target = mapping_[static_cast<std::size_t>(c)];
      std::string current = target.is_string() ? target.get<std::string>() : "";
      std::string label = current.empty() ? std::string(T("import.ignore")) : current;
      for (const auto& f : fields) {
        if (text_of(f, "field") == current && !text_of(f, "label").empty()) label = text_of(f, "label");
      }
      ImGui::SetNextItemWidth(140 * ImGui::GetFontSize() / 15.0f);
      std::string combo = "##map" + std::to_string(c);  // headers may repeat or be empty
      if (ImGui::BeginCombo(combo.c_str(), label.c_str())) {
        if (ImGui::Selectable(T("import.ignore"), current.empty())) target = nullptr;
        for (const auto& f : fields) {
          std::string name = text_of(f, "field");
          std::string shown_label = text_of(f, "label").empty() ? name : text_of(f, "label");
          if (ImGui::Selectable((shown_label + "##" + name).c_str(), name == current)) target = name;
        }
        ImGui::EndCombo();
      }
      const Json& column = preview_["columns"][static_cast<std::size_t>(c)];
      if (ImGui::IsItemHovered() && !text_of(column, "why").empty()) ImGui::SetTooltip("%s", text_of(column, "why").c_str());
    }
    for (const auto& row : rows) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      bool duplicate = row.contains("duplicate_of") && !row["duplicate_of"].is_null();
      bool problem = !row.value("problems", Json::array()).empty();
      ImGui::TextColored(duplicate ? kAmber : problem ? kRed : ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled), "%lld",
                         static_cast<long long>(count_of(row, "row")));
      if (ImGui::IsItemHovered() && (duplicate || problem)) {
        std::string tip;
        if (duplicate) tip = std::string(T("import.duplicate_of")) + " " + text_of(row["duplicate_of"], "label");
        for (const auto& p : row["problems"]) tip += (tip.empty() ? "" : "\n") + text_of(p, "message");
        ImGui::SetTooltip("%s", tip.c_str());
      }
      // A ragged row (the core reports it) must not shift the table: at most one cell per column.
      int cell = 0;
      for (const auto& v : row["values"]) {
        if (cell++ >= columns) break;
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(shown(v).c_str());
      }
    }
    ImGui::EndTable();
  }
  ImGui::TextDisabled("%s", T("import.mapping_hint"));
  draw_options(true);
}

void ImportDialog::draw_vcard_setup() {
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(T("import.as"));
  for (const char* e : {"contact", "lead"}) {
    ImGui::SameLine();
    if (ImGui::RadioButton(T(std::string("import.entity_") + e), entity_ == e)) entity_ = e;
  }
  draw_options(true);
}

void ImportDialog::draw_sync_report() {
  if (is_error(report_)) {
    ImGui::TextColored(kRed, "%s", error_message(report_).c_str());
    if (!error_field(report_).empty()) ImGui::TextDisabled("%s %s", T("import.place"), error_field(report_).c_str());
    ImGui::TextDisabled("%s", T("import.nothing_changed"));
    return;
  }
  if (report_.value("own_file", false)) ImGui::TextColored(kAmber, "%s", T("import.own_file"));
  const Json& source = report_["source"];
  ImGui::Text("%s %s", T("import.from_device"), (text_of(source, "name").empty() ? text_of(source, "id") : text_of(source, "name")).c_str());
  const Json& c = report_["counts"];
  ImGui::Text("%s %lld · %s %lld · %s %lld · %s %lld", T("import.added"), static_cast<long long>(count_of(c, "added")),
              T("import.updated"), static_cast<long long>(count_of(c, "updated")), T("import.deleted"),
              static_cast<long long>(count_of(c, "deleted")), T("import.already_known"),
              static_cast<long long>(count_of(c, "skipped")));
  // Every local value replaced by a newer one is listed: nobody's edit disappears unseen.
  if (count_of(c, "replaced")) {
    ImGui::SeparatorText(T("import.replaced"));
    if (ImGui::BeginTable("replaced", 4, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_Borders,
                          ImVec2(0, 8 * ImGui::GetTextLineHeightWithSpacing()))) {
      for (const char* h : {"import.record", "import.field", "import.old", "import.new"}) ImGui::TableSetupColumn(T(h));
      ImGui::TableHeadersRow();
      for (const auto& r : report_["replaced"]) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted((std::string(T("link." + text_of(r, "entity"))) + " " +
                                record_name(ctx_, text_of(r, "entity"), text_of(r, "id"))).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(text_of(r, "field").c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(shown(r["old"]).c_str());
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(shown(r["new"]).c_str());
      }
      ImGui::EndTable();
    }
  }
  auto list = [&](const char* key, const char* title) {
    if (!report_.contains(key) || report_[key].empty()) return;
    if (!ImGui::CollapsingHeader((std::string(T(title)) + " (" + std::to_string(report_[key].size()) + ")").c_str())) return;
    for (const auto& r : report_[key]) {
      std::string line = text_of(r, "entity") + " " + text_of(r, "id").substr(0, 8);
      if (!text_of(r, "field").empty()) line += " · " + text_of(r, "field");
      if (!text_of(r, "reason").empty()) line += " · " + text_of(r, "reason");
      if (!text_of(r, "action").empty()) line += " · " + text_of(r, "action");
      ImGui::BulletText("%s", line.c_str());
    }
  };
  list("discarded", "import.discarded");
  list("references", "import.references");
  list("clamped", "import.clamped");
}

void ImportDialog::draw_record_report() {
  ImGui::Text("%s %lld · %s %lld · %s %lld", T("import.rows"), static_cast<long long>(count_of(report_, "rows")),
              T("import.created"), static_cast<long long>(count_of(report_, "created")), T("import.attached"),
              static_cast<long long>(count_of(report_, "attached")));
  if (count_of(report_, "companies_created")) {
    ImGui::Text("%s %lld", T("import.companies_created"), static_cast<long long>(count_of(report_, "companies_created")));
  }
  const Json& skipped = report_["skipped"];
  if (!skipped.empty()) {
    ImGui::SeparatorText((std::string(T("import.skipped")) + " (" + std::to_string(skipped.size()) + ")").c_str());
    if (ImGui::BeginTable("skipped", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_Borders,
                          ImVec2(0, 10 * ImGui::GetTextLineHeightWithSpacing()))) {
      ImGui::TableSetupColumn(kind_ == "vcard" ? T("import.card") : T("import.row"), ImGuiTableColumnFlags_WidthFixed);
      ImGui::TableSetupColumn(T("import.reason"), ImGuiTableColumnFlags_WidthFixed);
      ImGui::TableSetupColumn(T("import.detail"));
      ImGui::TableHeadersRow();
      for (const auto& s : skipped) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::Text("%lld", static_cast<long long>(count_of(s, kind_ == "vcard" ? "card" : "row")));
        ImGui::TableNextColumn();
        std::string reason = text_of(s, "reason");
        std::string key = "import.reason_" + reason;
        ImGui::TextUnformatted(std::string(T(key)) == key ? reason.c_str() : T(key));
        ImGui::TableNextColumn();
        std::string detail = text_of(s, "message");
        if (s.contains("duplicate_of") && s["duplicate_of"].is_object()) detail += " → " + text_of(s["duplicate_of"], "label");
        ImGui::TextWrapped("%s", detail.c_str());
      }
      ImGui::EndTable();
    }
  }
  for (const auto& w : report_.value("warnings", Json::array())) {
    ImGui::TextColored(kAmber, "%lld: %s", static_cast<long long>(count_of(w, kind_ == "vcard" ? "card" : "row")),
                       text_of(w, "message").c_str());
  }
}

void ImportDialog::draw_report() {
  if (kind_ != "sync" && is_error(report_)) {
    ImGui::TextColored(kRed, "%s", error_message(report_).c_str());
    ImGui::TextDisabled("%s", T("import.nothing_changed"));
    return;
  }
  if (kind_ == "sync") {
    draw_sync_report();
  } else {
    draw_record_report();
  }
}

void ImportDialog::draw() {
  platform::files_listen_for_drops();
  if (auto file = platform::files_take()) accept_file(file->name, file->bytes);
  std::string failure = platform::files_take_error();
  if (!failure.empty()) {
    error_ = failure;
    kind_.clear();
    report_ = Json{{"error", {{"message", failure}}}};
    step_ = Step::report;
    open_request_ = true;
  }
  draw_reading();
  if (open_request_) {
    ImGui::OpenPopup(kPopup);
    open_request_ = false;
  }
  std::string title = std::string(step_ == Step::report ? T("import.report_title") : T("import.title")) + ": " + file_name_ + kPopup;
  ImVec2 size = ImGui::GetMainViewport()->WorkSize;
  ImGui::SetNextWindowSizeConstraints(ImVec2(420, 0), ImVec2(size.x * 0.95f, size.y * 0.9f));
  if (!ImGui::BeginPopupModal(title.c_str(), nullptr, ImGuiWindowFlags_AlwaysAutoResize)) return;
  bool close = false;
  if (step_ == Step::csv_setup || step_ == Step::vcard_setup) {
    if (step_ == Step::csv_setup) draw_csv_setup();
    else draw_vcard_setup();
    if (!error_.empty()) ImGui::TextColored(kRed, "%s", error_.c_str());
    ImGui::Separator();
    bool ready = step_ == Step::vcard_setup || !is_error(preview_);
    ImGui::BeginDisabled(!ready);
    if (ImGui::Button(T("import.run"))) run_import();
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button(T("form.cancel")) || escape_closes()) close = true;
  } else {
    draw_report();
    ImGui::Separator();
    if (ImGui::Button(T("import.close")) || escape_closes()) close = true;
  }
  if (close) {
    step_ = Step::idle;
    data_base64_.clear();
    preview_ = Json::object();
    ImGui::CloseCurrentPopup();
  }
  ImGui::EndPopup();
}

}  // namespace kervan::ui
