// The editor of the user-editable lists (lead sources, disqualification reasons): rename in
// both languages, archive, add. Opened from the menu bar.
#pragma once
#include <map>
#include <string>

#include "ui/ui_context.hpp"

namespace kervan::ui {

class ListsEditor {
 public:
  explicit ListsEditor(UiContext& ctx) : ctx_(ctx) {}
  void open() { open_ = true; }
  void draw();

 private:
  struct Draft {
    std::string label_tr, label_en;
  };
  UiContext& ctx_;
  bool open_ = false;
  std::map<std::string, Draft> drafts_;     // list + key -> labels being edited
  std::map<std::string, Draft> new_value_;  // list -> labels of a value to add
  std::string message_;
  bool message_is_error_ = false;

  void draw_list(const char* list, const char* title_key);
};

}  // namespace kervan::ui
