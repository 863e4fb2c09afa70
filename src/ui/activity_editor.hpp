// The activity editor: a modal window to create or change one activity (type, subject, due
// time, duration, owner, notes, done) and the records it is linked to (deals, leads,
// contacts, companies: one or more). Opened from any detail view and from My day.
#pragma once
#include <string>

#include "ui/ui_context.hpp"

namespace kervan::ui {

class ActivityEditor {
 public:
  explicit ActivityEditor(UiContext& ctx) : ctx_(ctx) {}
  // A new activity linked to `links` ([{entity, id}], may be empty).
  void open_new(const Json& links);
  // An existing activity, read fresh from the core.
  void open_edit(const std::string& activity_id);
  // Draws the modal while it is open; call every frame from the view that owns it.
  void draw();
  // The outcome of the last save or delete, for the owner's message line ("" when none).
  std::string take_message(bool& is_error);

 private:
  UiContext& ctx_;
  bool open_request_ = false;
  std::string id_;  // "" for a new activity
  std::string type_ = "task";
  std::string subject_, due_, duration_, owner_, notes_;
  bool done_ = false;
  Json links_ = Json::array();
  std::string link_entity_ = "deal", link_id_, link_filter_;
  std::string error_, error_field_, outcome_;
  bool outcome_is_error_ = false;
  bool confirm_delete_ = false;

  void draw_links();
  bool save();
};

// "2026-12-01 14:30" in local time for an ISO 8601 UTC time ("" for "").
std::string local_due_text(const std::string& iso8601_utc, int utc_offset_minutes);

}  // namespace kervan::ui
