// The widgets drawn in the last frame, with their labels and rectangles, collected through
// ImGui's test-engine item hooks. Browser tests find widgets by label through
// window.kervan.ui.items() instead of guessing pixels.
#pragma once
#include <string>

namespace kervan::ui {

// Call right after ImGui::NewFrame(): starts collecting this frame's items.
void item_registry_begin_frame();
// Labels the last submitted item for widgets that ImGui does not describe to the hooks
// (table headers).
void item_registry_label_last_item(const char* label);
// Reports the last item's rectangle under `label` even when it has no id (child windows
// used as drop targets).
void item_registry_label_last_rect(const char* label);
// Call after ImGui::Render(): the collected items become "the last frame".
void item_registry_end_frame();
// The last frame's items as a JSON array: [{"label", "id", "window", "x", "y", "w", "h",
// "focused", "active"}...], rectangles divided by `pixel_ratio` into CSS pixels.
std::string item_registry_json(float pixel_ratio);

}  // namespace kervan::ui
