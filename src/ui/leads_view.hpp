// The leads table: Turkish-aware search, status filter, sortable columns, a list clipper
// so only visible rows are drawn. Reloads through lead.list only when its inputs or the
// data changed, never every frame.
#pragma once
#include <string>

#include "ui/focus_request.hpp"
#include "ui/ui_context.hpp"

namespace kervan::ui {

class LeadsView {
 public:
  explicit LeadsView(UiContext& ctx) : ctx_(ctx) {}

  void draw();
  void focus_search() { focus_search_.request(); }

  // The lead the user picked in the table ("" for none); the form edits it.
  const std::string& selected_id() const { return selected_id_; }
  void select(const std::string& id) { selected_id_ = id; }

 private:
  static constexpr int kPageSize = 2000;

  UiContext& ctx_;
  std::string query_;
  std::string status_;  // "" for all
  std::string sort_ = "-created_at";
  std::string selected_id_;
  FocusRequest focus_search_;

  // What the cached rows were loaded for.
  uint64_t loaded_version_ = UINT64_MAX;
  std::string loaded_query_, loaded_status_, loaded_sort_;
  Json items_ = Json::array();
  int64_t total_ = 0;
  std::string load_error_;

  void reload_if_needed();
};

}  // namespace kervan::ui
