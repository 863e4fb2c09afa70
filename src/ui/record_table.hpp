// A searchable, sortable table of records loaded through a *.list command: leads, contacts,
// companies. Only visible rows are drawn (list clipper); rows reload only when the query,
// filters, sort or data change, never every frame.
#pragma once
#include <functional>
#include <string>
#include <vector>

#include "ui/focus_request.hpp"
#include "ui/ui_context.hpp"

namespace kervan::ui {

struct TableColumn {
  const char* label_key;  // catalog key of the header
  const char* field;      // record field, also the sort key
  float weight;           // share of the width
  bool sortable = true;
  const char* export_field = nullptr;  // what CSV export writes when not `field` ("stage.name")
  const char* export_format = nullptr;  // export.csv column format ("minor_units" for amounts)
};

struct TableConfig {
  const char* id;            // ImGui id of the table
  const char* list_command;  // "lead.list"
  std::vector<TableColumn> columns;
  std::string default_sort;
  // Turns a cell value into display text (status names, dates, company names...).
  std::function<std::string(const Json& record, const std::string& field)> cell_text;
  // Draws extra filters beside the search box; returns filter arguments for the list command.
  std::function<Json()> draw_filters;
  // Columns only the CSV export writes (the currency beside an amount shown as "1.250,00 TRY").
  std::vector<TableColumn> export_only_columns = {};
};

class RecordTable {
 public:
  RecordTable(UiContext& ctx, TableConfig config) : ctx_(ctx), config_(std::move(config)), sort_(config_.default_sort) {}

  void draw();
  void focus_search() { focus_search_.request(); }
  const std::string& selected_id() const { return selected_id_; }
  void select(const std::string& id) { selected_id_ = id; }
  int64_t total() const { return total_; }

 private:
  // Rows read at a time: more are read as the list scrolls near the end of what it holds.
  static constexpr int kPageSize = 200;

  UiContext& ctx_;
  TableConfig config_;
  std::string query_;
  std::string sort_;
  std::string selected_id_;
  FocusRequest focus_search_;

  uint64_t loaded_version_ = UINT64_MAX;
  std::string loaded_key_;
  Json items_ = Json::array();
  int64_t total_ = 0;
  bool total_capped_ = false;  // a search counted only up to a cap: "1,000+"
  bool more_ = false;          // the database holds more rows than items_
  std::string load_error_;

  Json last_filters_ = Json::object();
  std::string export_message_;

  void reload_if_needed(const Json& filters);
  // Reads `limit` rows from `offset` into items_ (appended); false on an error.
  bool load(const Json& filters, int64_t offset, int64_t limit);
  // Downloads every row that matches the current search and filters as CSV (Excel-ready).
  void export_csv();
};

}  // namespace kervan::ui
