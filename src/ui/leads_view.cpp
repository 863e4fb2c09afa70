#include "ui/leads_view.hpp"

#include <imgui.h>

#include <array>
#include <vector>

#include "ui/i18n.hpp"
#include "ui/item_registry.hpp"

namespace kervan::ui {
namespace {
constexpr std::array<const char*, 6> kStatusFilter = {"", "new", "working", "qualified", "unqualified", "converted"};
}  // namespace

LeadsView::LeadsView(UiContext& ctx)
    : ctx_(ctx),
      table_(ctx, TableConfig{
                      "leads",
                      "lead.list",
                      {{"field.name", "name", 1.5f},
                       {"field.company", "company", 1.5f},
                       {"field.email", "email", 1.4f, false},
                       {"field.phone", "phone", 1.0f, false},
                       {"field.city", "city", 0.8f},
                       {"field.event", "event", 1.0f},
                       {"field.status", "status", 0.8f},
                       {"field.created_at", "created_at", 1.1f}},
                      "-created_at",
                      [this](const Json& lead, const std::string& field) {
                        std::string value = lead[field].get<std::string>();
                        if (field == "name" && value.empty()) return lead["company"].get<std::string>();
                        if (field == "status") return std::string(T("status." + value));
                        if (field == "created_at") return format_date_time(value, ctx_.platform.utc_offset_minutes());
                        return value;
                      },
                      [this]() { return draw_filters(); }}) {}

// One row of filter combos: status, source, event, owner, tag. Each shows "all" when unset.
Json LeadsView::draw_filters() {
  const float scale = ImGui::GetFontSize() / 15.0f;
  if (facets_version_ != ctx_.core.data_version()) {
    Json reply = ctx_.core.call("lead.facets", Json::object());
    facets_ = is_error(reply) ? Json::object() : reply;
    facets_version_ = ctx_.core.data_version();
  }
  auto combo = [&](const char* caption_key, std::string& value, const std::vector<std::pair<std::string, std::string>>& options) {
    std::string id = std::string("##") + T(caption_key);
    std::string shown = std::string(T(caption_key)) + ": " + T("leads.all_statuses");
    for (const auto& [key, label] : options) {
      if (key == value && !value.empty()) shown = std::string(T(caption_key)) + ": " + label;
    }
    ImGui::SetNextItemWidth(140 * scale);
    bool open = ImGui::BeginCombo(id.c_str(), shown.c_str());
    if (!open) item_registry_label_last_item(id.c_str());
    if (open) {
      if (ImGui::Selectable(T("leads.all_statuses"), value.empty())) value.clear();
      for (const auto& [key, label] : options) {
        if (ImGui::Selectable((label + "##" + key).c_str(), value == key)) value = key;
      }
      ImGui::EndCombo();
    }
    ImGui::SameLine();
  };
  std::vector<std::pair<std::string, std::string>> statuses, sources, events, owners, tags;
  for (const char* s : kStatusFilter) {
    if (*s) statuses.emplace_back(s, T(std::string("status.") + s));
  }
  for (const auto& item : ctx_.list_values("lead_source")) {
    sources.emplace_back(item["key"], item[current_language() == Language::tr ? "label_tr" : "label_en"]);
  }
  auto facet = [&](const char* name, std::vector<std::pair<std::string, std::string>>& out) {
    if (!facets_.contains(name)) return;
    for (const auto& f : facets_[name]) {
      std::string v = f["value"];
      out.emplace_back(v, v + " (" + format_count(f["count"].get<int64_t>()) + ")");
    }
  };
  facet("events", events);
  facet("owners", owners);
  facet("tags", tags);
  combo("field.status", status_, statuses);
  combo("field.source", source_, sources);
  combo("field.event", event_, events);
  combo("field.owner", owner_, owners);
  combo("field.tags", tag_, tags);
  ImGui::NewLine();
  Json filters = Json::object();
  if (!status_.empty()) filters["status"] = status_;
  if (!source_.empty()) filters["source"] = source_;
  if (!event_.empty()) filters["event"] = event_;
  if (!owner_.empty()) filters["owner"] = owner_;
  if (!tag_.empty()) filters["tag"] = tag_;
  return filters;
}


}  // namespace kervan::ui
