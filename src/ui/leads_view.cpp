#include "ui/leads_view.hpp"

#include <imgui.h>

#include <array>

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
                      [this]() {
                        std::string current = status_.empty() ? T("leads.all_statuses") : T("status." + status_);
                        std::string combo = std::string("##") + T("leads.status_filter");
                        bool open = ImGui::BeginCombo(combo.c_str(), current.c_str());
                        if (!open) item_registry_label_last_item(combo.c_str());
                        if (open) {
                          for (const char* s : kStatusFilter) {
                            std::string label = *s ? T(std::string("status.") + s) : T("leads.all_statuses");
                            if (ImGui::Selectable(label.c_str(), status_ == s)) status_ = s;
                          }
                          ImGui::EndCombo();
                        }
                        return status_.empty() ? Json::object() : Json{{"status", status_}};
                      }}) {}

}  // namespace kervan::ui
