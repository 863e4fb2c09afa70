// The activities and the timeline of one record (deal, lead, contact or company), drawn at
// the bottom of its detail view: open activities with a checkbox that completes them, a quick
// "plan the next step" line, the full editor for anything more, and the timeline of
// activities, stage moves and field changes, newest first.
#pragma once
#include <string>

#include "ui/activity_editor.hpp"
#include "ui/ui_context.hpp"

namespace kervan::ui {

class ActivityPanel {
 public:
  explicit ActivityPanel(UiContext& ctx) : ctx_(ctx), editor_(ctx) {}
  void draw(const std::string& entity, const std::string& id);

 private:
  UiContext& ctx_;
  ActivityEditor editor_;
  std::string shown_for_;  // "entity:id" of the record drawn last
  std::string quick_subject_, quick_due_;
  std::string message_;
  bool message_is_error_ = false;

  void draw_open_activities(const std::string& entity, const std::string& id);
  void draw_quick_plan(const std::string& entity, const std::string& id);
  void draw_timeline(const std::string& entity, const std::string& id);
};

}  // namespace kervan::ui
