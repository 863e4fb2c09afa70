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
// The event, owner and tag options come from lead.facets, which reads every lead (about
// 100-200 ms at 100,000 leads): asked for (UiContext::lead_facets, shared with the deals
// board) only while such a combo is open or set, not on the first frame nor after every save.
Json LeadsView::draw_filters() {
  const float scale = ImGui::GetFontSize() / 15.0f;
  using Options = std::vector<std::pair<std::string, std::string>>;
  auto combo = [&](const char* caption_key, std::string& value, const auto& options_of) {
    std::string id = std::string("##") + T(caption_key);
    std::string shown = std::string(T(caption_key)) + ": " + T("leads.all_statuses");
    if (!value.empty()) {
      for (const auto& [key, label] : options_of()) {
        if (key == value) shown = std::string(T(caption_key)) + ": " + label;
      }
    }
    ImGui::SetNextItemWidth(140 * scale);
    bool open = ImGui::BeginCombo(id.c_str(), shown.c_str());
    if (!open) item_registry_label_last_item(id.c_str());
    if (open) {
      if (ImGui::Selectable(T("leads.all_statuses"), value.empty())) value.clear();
      for (const auto& [key, label] : options_of()) {
        if (ImGui::Selectable((label + "##" + key).c_str(), value == key)) value = key;
      }
      ImGui::EndCombo();
    }
    ImGui::SameLine();
  };
  auto statuses = [&] {
    Options out;
    for (const char* s : kStatusFilter) {
      if (*s) out.emplace_back(s, T(std::string("status.") + s));
    }
    return out;
  };
  auto sources = [&] {
    Options out;
    for (const auto& item : ctx_.list_values("lead_source")) {
      out.emplace_back(item["key"], item[current_language() == Language::tr ? "label_tr" : "label_en"]);
    }
    return out;
  };
  auto facet = [&](const char* name) {
    return [this, name] {
      const Json& facets = ctx_.lead_facets();
      Options out;
      auto values = facets.find(name);
      if (values == facets.end()) return out;
      for (const auto& f : *values) {
        std::string v = f["value"];
        out.emplace_back(v, v + " (" + format_count(f["count"].get<int64_t>()) + ")");
      }
      return out;
    };
  };
  combo("field.status", status_, statuses);
  combo("field.source", source_, sources);
  combo("field.event", event_, facet("events"));
  combo("field.owner", owner_, facet("owners"));
  combo("field.tags", tag_, facet("tags"));
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
