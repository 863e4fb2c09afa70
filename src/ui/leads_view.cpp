#include "ui/leads_view.hpp"

#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include <array>

#include "ui/i18n.hpp"
#include "ui/item_registry.hpp"

namespace kervan::ui {
namespace {

struct Column {
  const char* label_key;
  const char* field;  // also the lead.list sort key
  float weight;       // share of the table's width
};

constexpr std::array<Column, 8> kColumns = {{
    {"field.name", "name", 1.5f},
    {"field.company", "company", 1.5f},
    {"field.email", "email", 1.4f},
    {"field.phone", "phone", 1.0f},
    {"field.city", "city", 0.8f},
    {"field.event", "event", 1.0f},
    {"field.status", "status", 0.7f},
    {"field.created_at", "created_at", 1.1f},
}};

constexpr std::array<const char*, 6> kStatusFilter = {"", "new", "working", "qualified", "unqualified", "converted"};

}  // namespace

void LeadsView::reload_if_needed() {
  if (loaded_version_ == ctx_.core.data_version() && loaded_query_ == query_ && loaded_status_ == status_ &&
      loaded_sort_ == sort_)
    return;
  Json args = {{"query", query_}, {"sort", sort_}, {"limit", kPageSize}};
  if (!status_.empty()) args["status"] = status_;
  Json reply = ctx_.core.call("lead.list", args);
  loaded_version_ = ctx_.core.data_version();
  loaded_query_ = query_;
  loaded_status_ = status_;
  loaded_sort_ = sort_;
  if (is_error(reply)) {
    load_error_ = error_message(reply);
    items_ = Json::array();
    total_ = 0;
    return;
  }
  load_error_.clear();
  items_ = std::move(reply["items"]);
  total_ = reply["total"].get<int64_t>();
}

void LeadsView::draw() {
  const float scale = ImGui::GetFontSize() / 15.0f;

  ImGui::SetNextItemWidth(-(150.0f * scale + ImGui::GetStyle().ItemSpacing.x));
  std::string search_label = std::string("##") + T("leads.search");
  focus_search_.before_field(search_label.c_str());
  ImGui::InputTextWithHint(search_label.c_str(), T("leads.search_hint"), &query_);
  if (focus_search_.after_field()) ctx_.platform.request_redraw(2);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(150.0f * scale);
  std::string status_label = status_.empty() ? T("leads.all_statuses") : T("status." + status_);
  if (ImGui::BeginCombo((std::string("##") + T("leads.status_filter")).c_str(), status_label.c_str())) {
    for (const char* s : kStatusFilter) {
      std::string label = *s ? T(std::string("status.") + s) : T("leads.all_statuses");
      if (ImGui::Selectable(label.c_str(), status_ == s)) status_ = s;
    }
    ImGui::EndCombo();
  }

  reload_if_needed();
  std::string shown = format_count(static_cast<int64_t>(items_.size()));
  std::string total = format_count(total_);
  char count_text[128];
  std::snprintf(count_text, sizeof count_text, T("leads.count"), shown.c_str(), total.c_str());
  ImGui::TextDisabled("%s", count_text);

  if (!load_error_.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", load_error_.c_str());
  if (items_.empty() && load_error_.empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", query_.empty() && status_.empty() ? T("leads.empty") : T("leads.no_match"));
  }

  ImGuiTableFlags flags = ImGuiTableFlags_Sortable | ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV |
                          ImGuiTableFlags_ScrollY | ImGuiTableFlags_Resizable | ImGuiTableFlags_Reorderable |
                          ImGuiTableFlags_Hideable | ImGuiTableFlags_SizingStretchProp;
  if (ImGui::BeginTable("leads", static_cast<int>(kColumns.size()), flags)) {
    ImGui::TableSetupScrollFreeze(0, 1);
    for (std::size_t i = 0; i < kColumns.size(); ++i) {
      const Column& c = kColumns[i];
      ImGuiTableColumnFlags cf = ImGuiTableColumnFlags_WidthStretch;
      if (std::string_view(c.field) == "created_at") cf |= ImGuiTableColumnFlags_DefaultSort | ImGuiTableColumnFlags_PreferSortDescending;
      std::string label = std::string(T(c.label_key)) + "###" + c.field;
      ImGui::TableSetupColumn(label.c_str(), cf, c.weight, static_cast<ImGuiID>(i));
    }
    // Headers one by one (what TableHeadersRow does) so each can be labelled for the tests.
    ImGui::TableNextRow(ImGuiTableRowFlags_Headers);
    for (int col = 0; col < static_cast<int>(kColumns.size()); ++col) {
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
        std::string field = kColumns[s.ColumnUserID].field;
        sort_ = (s.SortDirection == ImGuiSortDirection_Descending ? "-" : "") + field;
      }
      specs->SpecsDirty = false;
      reload_if_needed();
    }

    ImGuiListClipper clipper;
    clipper.Begin(static_cast<int>(items_.size()));
    while (clipper.Step()) {
      for (int row = clipper.DisplayStart; row < clipper.DisplayEnd; ++row) {
        const Json& lead = items_[static_cast<std::size_t>(row)];
        const std::string& id = lead["id"].get_ref<const std::string&>();
        ImGui::TableNextRow();
        ImGui::PushID(id.c_str());
        for (std::size_t col = 0; col < kColumns.size(); ++col) {
          if (!ImGui::TableSetColumnIndex(static_cast<int>(col))) continue;
          std::string field = kColumns[col].field;
          std::string value = lead[field].get<std::string>();
          if (field == "status") value = T("status." + value);
          if (field == "created_at") value = format_date_time(value, ctx_.platform.utc_offset_minutes());
          if (col == 0) {
            // The whole row is one selectable, labelled with the lead's name (or company).
            std::string label = value.empty() ? lead["company"].get<std::string>() : value;
            if (ImGui::Selectable(label.c_str(), selected_id_ == id,
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
    ImGui::EndTable();
  }
}

}  // namespace kervan::ui
