// The deals board of one pipeline: a column per stage with its count, total and weighted
// total in the base currency; cards dragged to another stage, or onto the Won (asks the final
// amount) and Lost (asks the reason) zones. Stale deals and deals without a next step stand
// out. A click on a card opens its detail beside the board: fields, stage history, checklist
// and the next activity.
#pragma once
#include <functional>
#include <string>

#include "ui/deal_detail.hpp"
#include "ui/money.hpp"
#include "ui/record_table.hpp"
#include "ui/ui_context.hpp"

namespace kervan::ui {

class DealsBoard {
 public:
  explicit DealsBoard(UiContext& ctx);
  void draw();
  // Shows the deal's detail (from a link elsewhere).
  void open(const std::string& id) {
    selected_ = id;
    table_.select(id);
  }
  std::function<void(const std::string& entity, const std::string& id)> on_open;

 private:
  UiContext& ctx_;
  DealDetail detail_;
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
  // Pending drop actions that need an answer.
  std::string win_id_, lose_id_, confirm_id_, confirm_stage_;
  std::string win_amount_, lose_reason_, confirm_message_;
  // Only this owner's deals on the board and in the list ("" for everyone).
  std::string owner_filter_, loaded_owner_;
  Json owners_ = Json::array();
  // List view filters beside status.
  bool stale_only_ = false;
  std::string close_from_, close_to_;
  // New deal.
  std::string new_name_, new_amount_, new_currency_ = "TRY", new_close_, new_owner_;
  std::string new_company_id_, new_contact_id_, new_company_filter_, new_contact_filter_;
  std::string message_;
  bool message_is_error_ = false;

  void reload();
  void move(const std::string& deal_id, const std::string& stage_id, bool confirm);
  void draw_card(const Json& deal);
  void draw_column(const Json& column, float width, float height);
  void draw_outcome_zone(const char* label_key, bool won, float width, float height);
  void draw_popups();
  void draw_owner_filter();
  void add_owner(const std::string& owner);
  void draw_new_deal();
  void report(const Json& reply, const std::string& success);
};

}  // namespace kervan::ui
