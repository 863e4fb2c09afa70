// Where the data lives and how safe it is: browser storage or memory only, whether the browser
// promised to keep it (persist), space used, the last save and the last export, with a
// reminder to export when the last one is old (Safari may erase a site's data after 7 days
// without a visit), an integrity check, and taking over writing from another tab.
#pragma once
#include <string>

#include "ui/ui_context.hpp"

namespace kervan::ui {

class StorageWindow {
 public:
  explicit StorageWindow(UiContext& ctx) : ctx_(ctx) {}
  void open() { open_ = true; }
  void draw();
  // True when a change that no export carried yet is older than kExportReminderDays (Safari may
  // erase a site's data after 7 days without a visit). Shown in the menu bar as well.
  bool export_due();

  static constexpr int kExportReminderDays = 3;

 private:
  UiContext& ctx_;
  bool open_ = false;
  std::string integrity_;
};

}  // namespace kervan::ui
