// The lead form. In the leads screen it captures a new lead or edits the selected one and
// moves it through its life (qualify, disqualify, reopen, convert). In booth mode it is the
// capture screen of a busy trade-show booth: event, source and owner stay set between
// visitors, counters show the event's and today's leads, and possible duplicates appear
// beside the form while the visitor is still typing, with F2 to attach the new details to
// the best match instead of creating a second lead.
//
// Keyboard first: Tab moves through the fields, Enter (or Ctrl+S) saves, Esc clears; after a
// save the form is empty with the cursor in the first field, ready for the next visitor.
#pragma once
#include <functional>
#include <string>

#include "ui/activity_panel.hpp"
#include "ui/focus_request.hpp"
#include "ui/ui_context.hpp"

namespace kervan::ui {

class LeadForm {
 public:
  LeadForm(UiContext& ctx, bool booth_mode);

  // Shows the lead with this id ("" for a new one); loads only when it changes.
  void show(const std::string& id);
  void draw();
  void request_save() { save_requested_ = true; }
  void focus_first_field() { focus_first_.request(); }
  // Possible duplicates of what is being typed; in booth mode the caller draws it beside the form.
  void draw_duplicates();
  // The id of a lead saved or deleted in the last draw, so the table can follow.
  std::string take_selection_change(bool& changed);
  // Called when the user follows a link to a contact or company.
  std::function<void(const std::string& entity, const std::string& id)> on_open;

 private:
  UiContext& ctx_;
  ActivityPanel activities_;
  bool booth_;
  std::string id_;                    // "" while capturing a new lead
  std::string loaded_for_ = "\x01";   // the id whose values are in the fields
  Json lead_ = Json::object();        // the stored lead (edit mode)
  Json values_ = Json::object();      // what the fields show
  std::string tags_text_;
  FocusRequest focus_first_;
  bool save_requested_ = false;
  bool confirm_delete_ = false;
  std::string message_;
  bool message_is_error_ = false;
  std::string error_field_;
  uint64_t message_ticket_ = 0;
  bool selection_changed_ = false;
  std::string new_selection_;

  // Booth: what stays set between visitors, and the live duplicate check.
  std::string booth_event_, booth_source_, booth_owner_;
  std::string checked_key_;
  std::string counted_key_;
  int64_t event_count_ = 0, today_count_ = 0;
  Json candidates_ = Json::array();
  uint64_t checked_version_ = UINT64_MAX;

  // Lifecycle dialogs.
  std::string disqualify_reason_;
  Json convert_preview_;
  int contact_choice_ = 0;  // 0: new, n: candidate n-1
  int company_choice_ = 0;  // 0: new, 1: none, n: candidate n-2
  bool open_deal_ = false;
  std::string deal_amount_, deal_currency_ = "TRY", deal_close_;

  void load(const std::string& id);
  void clear();
  void save();
  void remove();
  void attach_to(const Json& candidate);
  void draw_fields(bool& enter_pressed);
  void draw_actions();
  void draw_lifecycle();
  void draw_convert_dialog();
  void draw_converted();
  void draw_booth_header();
  void set_message(const Json& reply, const std::string& success);
};

}  // namespace kervan::ui
