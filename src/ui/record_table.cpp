#include "ui/record_table.hpp"

#include <algorithm>

#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include "platform/files.hpp"
#include "ui/i18n.hpp"
#include "ui/item_registry.hpp"

namespace kervan::ui {

bool RecordTable::load(const Json& filters, int64_t offset, int64_t limit) {
  Json args = filters;
  args["query"] = query_;
  args["sort"] = sort_;
  args["limit"] = limit;
  args["offset"] = offset;
  Json reply = ctx_.core.call(config_.list_command, args);
  if (is_error(reply)) {
    load_error_ = error_message(reply);
    items_ = Json::array();
    total_ = 0;
    total_capped_ = more_ = false;
    return false;
  }
  load_error_.clear();
  for (auto& item : reply["items"]) items_.push_back(std::move(item));
  total_ = reply["total"].get<int64_t>();
  total_capped_ = reply.value("total_capped", false);
  more_ = static_cast<int64_t>(reply["items"].size()) == limit &&
          (total_capped_ || static_cast<int64_t>(items_.size()) < total_);
  return true;
}

void RecordTable::reload_if_needed(const Json& filters) {
  std::string key = query_ + '\x1f' + sort_ + '\x1f' + filters.dump();
  if (loaded_version_ == ctx_.core.data_version() && loaded_key_ == key) return;
  // After a change to the data the rows already scrolled through are read again, so the
  // list does not jump; a new search, sort or filter starts from the first page.
  int64_t limit = kPageSize;
  if (loaded_key_ == key) limit = std::max<int64_t>(kPageSize, static_cast<int64_t>(items_.size()));
  loaded_version_ = ctx_.core.data_version();
  loaded_key_ = key;
  items_ = Json::array();
  load(filters, 0, limit);
}

void RecordTable::export_csv() {
  Json args = last_filters_;
  args["query"] = query_;
  args["sort"] = sort_;
  Json columns = Json::array();
  auto add_column = [&columns](const TableColumn& c) {
    Json column = {{"field", c.export_field ? c.export_field : c.field}, {"title", T(c.label_key)}};
    if (c.export_format) column["format"] = c.export_format;
    columns.push_back(std::move(column));
  };
  for (const auto& c : config_.columns) add_column(c);
  for (const auto& c : config_.export_only_columns) add_column(c);
  Json yes_no = {T("csv.yes"), T("csv.no")};
  bool turkish = current_language() == Language::tr;  // Turkish Excel: ";" between cells, "," in numbers
  Json reply = ctx_.core.call("export.csv", {{"command", config_.list_command}, {"args", args}, {"columns", columns},
                                             {"delimiter", turkish ? ";" : ","},
                                             {"decimal_separator", turkish ? "," : "."},
                                             {"yes_no", yes_no}});
  if (is_error(reply)) {
    export_message_ = error_message(reply);
    return;
  }
  export_message_.clear();
  platform::files_download(reply.value("filename", std::string("kervan.csv")), "text/csv;charset=utf-8",
                           reply["text"].get<std::string>());
}

void RecordTable::draw() {
  const float scale = ImGui::GetFontSize() / 15.0f;
  const char* export_label = T("table.export_csv");
  ImGui::SetNextItemWidth(-(ImGui::CalcTextSize(export_label).x + ImGui::GetStyle().FramePadding.x * 2 +
                            ImGui::GetStyle().ItemSpacing.x + 2 * scale));
  std::string search_label = std::string("##") + T("leads.search");
  focus_search_.before_field(search_label.c_str());
  ImGui::InputTextWithHint(search_label.c_str(), T("leads.search_hint"), &query_);
  if (focus_search_.after_field()) ctx_.platform.request_redraw(2);
  ImGui::SameLine();
  if (ImGui::Button(export_label)) export_csv();
  if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", T("table.export_csv_hint"));
  Json filters = Json::object();
  if (config_.draw_filters) filters = config_.draw_filters();
  last_filters_ = filters;

  reload_if_needed(filters);
  std::string shown = format_count(static_cast<int64_t>(items_.size()));
  std::string total = format_count(total_) + (total_capped_ ? "+" : "");
  char count_text[128];
  std::snprintf(count_text, sizeof count_text, T("table.count"), shown.c_str(), total.c_str());
  ImGui::TextDisabled("%s", count_text);
  if (!export_message_.empty()) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", export_message_.c_str());
  }
  if (!load_error_.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", load_error_.c_str());
  if (items_.empty() && load_error_.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", query_.empty() && filters.empty() ? T("table.empty") : T("table.no_match"));
  }

  ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_BordersInnerH | ImGuiTableFlags_BordersInnerV |
                          ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable | ImGuiTableFlags_Reorderable |
                          ImGuiTableFlags_Hideable | ImGuiTableFlags_SizingStretchProp;
  const auto& columns = config_.columns;
  if (!ImGui::BeginTable(config_.id, static_cast<int>(columns.size()), flags)) return;
  ImGui::TableSetupScrollFreeze(0, 1);
  bool default_desc = !config_.default_sort.empty() && config_.default_sort[0] == '-';
  std::string default_field = default_desc ? config_.default_sort.substr(1) : config_.default_sort;
  for (std::size_t i = 0; i < columns.size(); ++i) {
    const TableColumn& c = columns[i];
    ImGuiTableColumnFlags cf = ImGuiTableColumnFlags_WidthStretch;
    if (!c.sortable) cf |= ImGuiTableColumnFlags_NoSort;
    if (default_field == c.field) {
      cf |= ImGuiTableColumnFlags_DefaultSort;
      if (default_desc) cf |= ImGuiTableColumnFlags_PreferSortDescending;
    }
    std::string label = std::string(T(c.label_key)) + "###" + c.field;
    ImGui::TableSetupColumn(label.c_str(), cf, c.weight, static_cast<ImGuiID>(i));
  }
  // Headers one by one (what TableHeadersRow does) so each can be labelled for the tests.
  ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
  for (int col = 0; col < static_cast<int>(columns.size()); ++col) {
    if (!ImGui::TableSetColumnIndex(col)) continue;
    const char* name = ImGui::TableGetColumnName(col);
    ImGui::PushID(col);
    ImGui::TableHeader(name);
    item_registry_label_last_item(name);
    ImGui::PopID();
  }
  if (ImGuiTableSortSpecs* specs = ImGui::TableGetSortSpecs(); specs && specs->SpecsDirty) {
    if (specs->SpecsCount > 0) {
      const ImGuiTableColumnSortSpecs& s = specs->Specs[0];
      sort_ = (s.SortDirection == ImGuiSortDirection_Descending ? "-" : "") + std::string(columns[s.ColumnUserID].field);
    }
    specs->SpecsDirty = false;
    reload_if_needed(filters);
  }

  ImGuiListClipper clipper;
  clipper.Begin(static_cast<int>(items_.size()));
  int shown_end = 0;
  while (clipper.Step()) {
    shown_end = std::max(shown_end, clipper.DisplayEnd);
    for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
      const Json& record = items_[static_cast<std::size_t>(row)];
      const std::string& id = record["id"].get_ref<const std::string&>();
      ImGui::TableNextRow();
      ImGui::PushID(id.c_str());
      for (std::size_t col = 0; col < columns.size(); ++col) {
        if (!ImGui::TableSetColumnIndex(static_cast<int>(col))) continue;
        std::string value = config_.cell_text(record, columns[col].field);
        if (col == 0) {
          // The whole row is one selectable, labelled with the first column's text.
          if (ImGui::Selectable(value.c_str(), selected_id_ == id,
                                ImGuiSelectableFlags_SpanAllColumns | ImGuiSelectableFlags_AllowOverlap)) {
            selected_id_ = id;
          }
        } else {
          ImGui::TextUnformatted(value.c_str());
        }
      }
      ImGui::PopID();
    }
  }
  // The end of what is held is in view: read the next page (drawn from the next frame on).
  if (more_ && shown_end >= static_cast<int>(items_.size()) - 20) {
    load(filters, static_cast<int64_t>(items_.size()), kPageSize);
    ctx_.platform.request_redraw();
  }
  ImGui::EndTable();
}

}  // namespace kervan::ui
