#include "ui/item_registry.hpp"

#include <imgui.h>
#include <imgui_internal.h>

#include <nlohmann/json.hpp>
#include <unordered_map>
#include <vector>

namespace kervan::ui {
namespace {

struct Item {
  ImGuiID id = 0;
  ImRect rect;
  std::string label;
  std::string window;
};

std::vector<Item> g_building;
std::unordered_map<ImGuiID, std::size_t> g_building_index;
std::vector<Item> g_last_frame;
ImGuiID g_last_active = 0;
ImGuiID g_last_focused = 0;

// "Save##form" -> "Save"; "Name###col" -> "Name". A label with nothing visible
// ("##Full name", for fields whose caption is drawn beside them) reports its id part.
std::string visible_label(const char* label) {
  const char* end = ImGui::FindRenderedTextEnd(label);
  if (end != label) return std::string(label, end);
  std::string_view rest(label);
  while (!rest.empty() && rest.front() == '#') rest.remove_prefix(1);
  return std::string(rest);
}

}  // namespace

void item_registry_begin_frame() {
  ImGui::GetCurrentContext()->TestEngineHookItems = true;
  g_building.clear();
  g_building_index.clear();
}

void item_registry_label_last_item(const char* label) {
  ImGuiContext& g = *ImGui::GetCurrentContext();
  ImGuiTestEngineHook_ItemInfo(&g, g.LastItemData.ID, label, g.LastItemData.StatusFlags);
}

void item_registry_label_last_rect(const char* label) {
  ImGuiContext& g = *ImGui::GetCurrentContext();
  Item item;
  item.id = ImGui::GetID(label);
  item.rect = g.LastItemData.Rect;
  item.label = label;
  item.window = g.CurrentWindow ? g.CurrentWindow->Name : "";
  g_building_index[item.id] = g_building.size();
  g_building.push_back(std::move(item));
}

void item_registry_end_frame() {
  g_last_frame.clear();
  for (auto& item : g_building) {
    if (!item.label.empty()) g_last_frame.push_back(std::move(item));
  }
  ImGuiContext& g = *ImGui::GetCurrentContext();
  g_last_active = g.ActiveId;
  g_last_focused = g.NavId;
}

std::string item_registry_json(float pixel_ratio) {
  nlohmann::json out = nlohmann::json::array();
  float r = pixel_ratio > 0 ? pixel_ratio : 1.0f;
  for (const auto& item : g_last_frame) {
    if (item.rect.GetWidth() <= 0 || item.rect.GetHeight() <= 0) continue;  // clipped away
    out.push_back({{"label", item.label},
                   {"id", item.id},
                   {"window", item.window},
                   {"x", item.rect.Min.x / r},
                   {"y", item.rect.Min.y / r},
                   {"w", item.rect.GetWidth() / r},
                   {"h", item.rect.GetHeight() / r},
                   {"active", item.id == g_last_active},
                   {"focused", item.id == g_last_focused}});
  }
  return out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace kervan::ui

// ImGui calls these when IMGUI_ENABLE_TEST_ENGINE is defined and TestEngineHookItems is set.
void ImGuiTestEngineHook_ItemAdd(ImGuiContext* ctx, ImGuiID id, const ImRect& bb, const ImGuiLastItemData*) {
  using namespace kervan::ui;
  auto [it, inserted] = g_building_index.try_emplace(id, g_building.size());
  if (inserted) g_building.push_back(Item{});
  Item& item = g_building[it->second];
  item.id = id;
  item.rect = bb;
  // Clip to the window so rows scrolled out of a child are not reported as clickable.
  if (ctx->CurrentWindow) {
    item.rect.ClipWith(ctx->CurrentWindow->ClipRect);
    item.window = ctx->CurrentWindow->Name;
  }
}

void ImGuiTestEngineHook_ItemInfo(ImGuiContext*, ImGuiID id, const char* label, ImGuiItemStatusFlags) {
  using namespace kervan::ui;
  auto it = g_building_index.find(id);
  if (it == g_building_index.end() || !label) return;
  g_building[it->second].label = visible_label(label);
}

void ImGuiTestEngineHook_Log(ImGuiContext*, const char*, ...) {}

const char* ImGuiTestEngine_FindItemDebugLabel(ImGuiContext*, ImGuiID) { return nullptr; }
