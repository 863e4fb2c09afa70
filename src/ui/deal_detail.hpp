// The detail of one deal beside the board or the list: every field (company and contact
// picked from the records), probability override, status, links to company, contact and
// source lead, the checklist, stage history with time in each stage, activities and timeline.
#pragma once
#include <functional>
#include <string>

#include "ui/activity_panel.hpp"
#include "ui/ui_context.hpp"

namespace kervan::ui {

class DealDetail {
 public:
  explicit DealDetail(UiContext& ctx) : ctx_(ctx), activities_(ctx) {}
  // Draws the deal `id` (reloading when it or the data changed).
  void draw(const std::string& id);
  std::function<void(const std::string& entity, const std::string& id)> on_open;
  // The outcome of the last action, for the board's message line.
  std::string message;
  bool message_is_error = false;

 private:
  UiContext& ctx_;
  ActivityPanel activities_;
  std::string id_;
  Json deal_ = Json::object();
  uint64_t version_ = UINT64_MAX;
  std::string name_, amount_, currency_, close_, owner_, notes_, tags_, company_id_, contact_id_;
  std::string company_filter_, contact_filter_;
  int probability_ = 0;
  bool override_ = false;
  std::string error_field_;

  std::string loaded_edits_;  // the field buffers as last loaded: differing means unsaved typing

  // Reads the deal; the field buffers are refreshed unless `keep_edits` and the user has typed.
  void load(bool keep_edits);
  std::string edits() const;
  void save();
  void draw_fields();
  void draw_links();
  void draw_stages();
  void report(const Json& reply, const std::string& success);
};

}  // namespace kervan::ui
