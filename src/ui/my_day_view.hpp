// "My day": the activities due today and the overdue ones, completed with one key (Enter on
// the selected row), with the next step scheduled right away; and the open deals that have
// no next step, so the week can be planned.
#pragma once
#include <functional>
#include <string>

#include "ui/activity_editor.hpp"
#include "ui/ui_context.hpp"

namespace kervan::ui {

class MyDayView {
 public:
  explicit MyDayView(UiContext& ctx) : ctx_(ctx), editor_(ctx) {}
  void draw();
  // Called when the user opens a deal from the list of deals without a next step.
  std::function<void(const std::string& entity, const std::string& id)> on_open;

 private:
  UiContext& ctx_;
  ActivityEditor editor_;
  uint64_t loaded_version_ = UINT64_MAX;
  Json due_ = Json::array();
  Json without_step_ = Json::array();
  int selected_ = 0;
  std::string follow_up_;
  std::string follow_up_due_;
  std::string new_subject_, new_due_;
  std::string message_;
  bool message_is_error_ = false;

  void reload();
  void complete(const Json& activity);
};

// Today at hh:mm local time (or "YYYY-MM-DD hh:mm" / "YYYY-MM-DD") as an ISO UTC time; ""
// when the text is not a time.
std::string parse_local_due(const std::string& text, int utc_offset_minutes);

}  // namespace kervan::ui
