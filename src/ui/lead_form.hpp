// The lead form: captures a new lead or edits the selected one. Keyboard first: Tab moves
// through the fields, Enter (or Ctrl+S) saves, Esc clears; after a save the form is empty
// again with the cursor in the first field, ready for the next visitor.
#pragma once
#include <array>
#include <string>

#include "ui/focus_request.hpp"
#include "ui/ui_context.hpp"

namespace kervan::ui {

class LeadForm {
 public:
  explicit LeadForm(UiContext& ctx) : ctx_(ctx) {}

  // Shows the lead with this id ("" for a new one). Called every frame with the table's
  // selection; loads only when it changes.
  void show(const std::string& id);
  void draw();
  void request_save() { save_requested_ = true; }
  // The id of a lead saved or deleted in the last draw, so the table can follow.
  std::string take_selection_change(bool& changed);

  static constexpr std::array<const char*, 11> kFields = {"name",  "company", "title", "email", "phone", "city",
                                                          "country", "source", "event", "owner", "notes"};

 private:
  UiContext& ctx_;
  std::string id_;  // "" while capturing a new lead
  std::string loaded_for_ = "\x01";  // the id whose values are in the fields
  std::array<std::string, kFields.size()> values_{};
  FocusRequest focus_first_;
  bool save_requested_ = false;
  bool confirm_delete_ = false;
  std::string message_;       // result of the last save, shown under the buttons
  bool message_is_error_ = false;
  std::string error_field_;
  uint64_t message_ticket_ = 0;
  bool selection_changed_ = false;
  std::string new_selection_;

  void load(const std::string& id);
  void clear();
  void save();
  void remove();
};

}  // namespace kervan::ui
