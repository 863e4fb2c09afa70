// The deals board of one pipeline: a column per stage with its count, total and weighted
// total in the base currency; cards dragged to another stage, or onto the Won (asks the final
// amount) and Lost (asks the reason) zones. Stale deals and deals without a next step stand
// out. A click on a card opens its detail beside the board: fields, stage history, checklist
// and the next activity.
#pragma once
#include <functional>
#include <string>

#include "ui/record_table.hpp"
#include "ui/ui_context.hpp"

namespace kervan::ui {

class DealsBoard {
 public:
  explicit DealsBoard(UiContext& ctx);
  void draw();
  std::function<void(const std::string& entity, const std::string& id)> on_open;

 private:
  UiContext& ctx_;
  bool list_mode_ = false;
  std::string status_filter_ = "open";
  RecordTable table_;
  std::string pipeline_id_;
  uint64_t loaded_version_ = UINT64_MAX;
  std::string loaded_pipeline_;
  Json pipelines_ = Json::array();
  Json pipeline_ = Json::object();
  Json columns_ = Json::array();  // per stage: {"stage", "deals", "totals"}
  std::string base_currency_ = "TRY";
  std::string selected_;
  Json detail_ = Json::object();
  std::string detail_for_;
  uint64_t detail_version_ = UINT64_MAX;

  // Pending drop actions that need an answer.
  std::string win_id_, lose_id_, confirm_id_, confirm_stage_;
  std::string win_amount_, lose_reason_, confirm_message_;
  // The selected deal's editable fields and its activities.
  std::string edit_name_, edit_amount_, edit_currency_, edit_close_, edit_owner_, edit_notes_;
  int edit_probability_ = 0;
  bool edit_override_ = false;
  Json activities_ = Json::array();
  std::string activity_subject_, activity_due_;
  // New deal.
  std::string new_name_, new_amount_, new_currency_ = "TRY", new_close_;
  std::string message_;
  bool message_is_error_ = false;

  void reload();
  void move(const std::string& deal_id, const std::string& stage_id, bool confirm);
  void draw_card(const Json& deal);
  void draw_column(const Json& column, float width, float height);
  void draw_outcome_zone(const char* label_key, bool won, float width, float height);
  void draw_popups();
  void draw_detail();
  void load_detail();
  void save_detail();
  void draw_new_deal();
  void report(const Json& reply, const std::string& success);
};

// "1.500,00 ₺" (Turkish) or "₺1,500.00" (English) for an amount in minor units.
std::string format_money(int64_t minor, const std::string& currency);

}  // namespace kervan::ui
