// Bringing files in: a file picked from the Data menu or dropped anywhere on the page is read
// (with a progress bar), recognised by its name (Kervan sync .json, .csv/.tsv/.txt lists,
// .vcf cards) and taken through the right steps: for CSV the entity, the column mapping with
// a preview and duplicate marks, and the options; then the import, and its report in a
// window that says what was added, updated, replaced and skipped, and why.
#pragma once
#include <string>

#include "ui/ui_context.hpp"

namespace kervan::ui {

class ImportDialog {
 public:
  explicit ImportDialog(UiContext& ctx) : ctx_(ctx) {}
  // Opens the browser's file picker.
  void pick_file();
  // Call every frame: takes files as they arrive and draws the dialog while one is open.
  void draw();

 private:
  enum class Step { idle, csv_setup, vcard_setup, report };
  UiContext& ctx_;
  Step step_ = Step::idle;
  bool open_request_ = false;
  std::string file_name_, data_base64_, file_text_;
  std::string kind_;  // "sync", "csv", "vcard"
  // CSV and vCard options.
  std::string entity_ = "lead";
  Json preview_ = Json::object();
  Json mapping_ = Json::array();
  std::string duplicates_ = "skip";
  std::string default_source_, default_event_, default_owner_;
  // The last import's reply and its kind.
  Json report_ = Json::object();
  std::string error_;

  void accept_file(const std::string& name, const std::string& bytes);
  void load_preview();
  void run_import();
  void draw_reading();
  void draw_csv_setup();
  void draw_vcard_setup();
  void draw_options(bool with_attach);
  void draw_report();
  void draw_sync_report();
  void draw_record_report();
};

}  // namespace kervan::ui
