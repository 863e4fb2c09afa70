// Puts the keyboard cursor into one text field. ImGui's SetKeyboardFocusHere() goes through
// a tabbing request that does not resolve while a window has no nav id yet, so the field is
// activated by id instead; activation lands a frame later, so the request is repeated every
// few frames until the field is active (for at most about a second).
#pragma once
#include <imgui.h>
#include <imgui_internal.h>

namespace kervan::ui {

class FocusRequest {
 public:
  void request() {
    pending_ = true;
    frames_ = 0;
  }
  bool pending() const { return pending_; }

  // Call just before submitting the text field whose full label is `widget_label`.
  void before_field(const char* widget_label) {
    if (!pending_ || frames_++ % 4 != 0) return;
    ImGui::ActivateItemByID(ImGui::GetID(widget_label));
    ImGui::GetCurrentContext()->NavNextActivateFlags = ImGuiActivateFlags_PreferInput;
  }
  // Call right after the field. Returns true while the request still waits for a frame.
  bool after_field() {
    if (!pending_) return false;
    if (ImGui::IsItemActive() || frames_ > 60) pending_ = false;
    return pending_;
  }

 private:
  bool pending_ = false;
  int frames_ = 0;
};

}  // namespace kervan::ui
