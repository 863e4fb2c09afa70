// The pipelines and exchange-rates window: rename pipelines, add/rename/reorder/remove stages
// (a stage with deals asks where they go), stage probabilities, stale-after days and
// checklist steps; the base currency and the rates the user maintains (no rate service).
#pragma once
#include <map>
#include <string>

#include "ui/ui_context.hpp"

namespace kervan::ui {

class PipelinesEditor {
 public:
  explicit PipelinesEditor(UiContext& ctx) : ctx_(ctx) {}
  void open() { open_ = true; }
  void draw();

 private:
  struct StageDraft {
    std::string name, name_tr;
    int probability = 0, stale_days = 0;
  };
  UiContext& ctx_;
  bool open_ = false;
  std::string pipeline_id_;
  std::map<std::string, StageDraft> drafts_;
  std::map<std::string, std::string> new_step_;
  std::string new_stage_, new_pipeline_, remove_stage_, move_to_;
  std::string rate_currency_, rate_value_, base_;
  std::string message_;
  bool message_is_error_ = false;

  void report(const Json& reply);
  void draw_pipeline(const Json& pipeline);
  void draw_rates();
};

}  // namespace kervan::ui
