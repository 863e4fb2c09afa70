// The leads table: a RecordTable over lead.list with a status filter.
#pragma once
#include <string>

#include "ui/record_table.hpp"

namespace kervan::ui {

class LeadsView {
 public:
  explicit LeadsView(UiContext& ctx);

  void draw() { table_.draw(); }
  void focus_search() { table_.focus_search(); }
  const std::string& selected_id() const { return table_.selected_id(); }
  void select(const std::string& id) { table_.select(id); }

 private:
  UiContext& ctx_;
  std::string status_, source_, event_, owner_, tag_;  // "" for all

  Json draw_filters();
  RecordTable table_;
};

}  // namespace kervan::ui
