// The dashboard: where sales stand (pipeline now), what the coming months bring (forecast),
// the results of a period, each salesperson's figures, the funnel from leads to won deals per
// source and per trade show, and how past forecasts compared with what was won. Every figure
// comes from one report.* command of the core; this view only draws them.
#pragma once
#include <chrono>
#include <cstdint>
#include <map>
#include <string>

#include "ui/ui_context.hpp"

namespace kervan::ui {

class DashboardView {
 public:
  explicit DashboardView(UiContext& ctx) : ctx_(ctx) {}
  void draw();
  // Takes the monthly forecast snapshot when the local month has turned since the last check
  // (cheap when it has not: call it every frame; the core keeps one per month).
  void snapshot_if_month_turned();

 private:
  UiContext& ctx_;
  std::string period_ = "this_month";
  std::string from_, to_;  // custom period, local dates
  std::string owner_;      // "" = everyone
  int months_ = 6;
  std::string checked_month_;  // the local month whose snapshot was last ensured
  std::string message_;
  bool message_is_error_ = false;

  // A report's last reply and the data version it was computed at.
  struct Figures {
    Json reply;
    uint64_t version = 0;
    uint64_t used_frame = 0;
  };
  // After a change, the reports of a big database together cost more than a frame (each alone
  // fits). They are brought up to date one after another within a budget per frame; until its
  // turn, a report keeps showing its previous figures ("Calculating…" when it has none yet).
  std::map<std::string, Figures> figures_;
  uint64_t frame_ = 0;
  std::chrono::steady_clock::time_point frame_start_;
  bool computed_this_frame_ = false;

  Json period_args() const;
  Json report(const char* name, Json args);
  Json figures(const char* name, const Json& args);
  void draw_filters(const Json& team);
  void draw_results(const Json& results, const Json& pipeline);
  void draw_pipeline(const Json& pipeline);
  void draw_forecast(const Json& forecast);
  void draw_team(const Json& team);
  void draw_funnel(const Json& funnel);
  void draw_history(const Json& history);
};

}  // namespace kervan::ui
