// The Data menu: this device's name, export for another device (everything, or what changed
// since the last file sent to it) as a downloaded JSON file, and import of any file Kervan
// reads (sync files, CSV lists, vCards) through the import dialog.
#pragma once
#include <string>

#include "ui/import_dialog.hpp"
#include "ui/ui_context.hpp"

namespace kervan::ui {

class DataMenu {
 public:
  explicit DataMenu(UiContext& ctx) : ctx_(ctx), import_(ctx) {}
  // The menu's items, inside BeginMenu("Data").
  void draw_items();
  // The windows the menu opens; call every frame.
  void draw();

 private:
  UiContext& ctx_;
  ImportDialog import_;
  bool open_export_ = false;
  std::string device_name_, peer_;
  bool changes_only_ = true;
  std::string message_;
  bool message_is_error_ = false;

  void draw_export();
  void run_export();
};

}  // namespace kervan::ui
