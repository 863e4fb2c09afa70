// Reports for the dashboard (issue 5): report.pipeline, report.forecast, report.results,
// report.team, report.funnel, report.forecast_history and the write command report.snapshot.
// Every figure is computed with grouped SQL (GROUP BY in SQLite over indexed columns); C++ only
// converts the few per-currency sums into the base currency. Summaries kept by triggers
// (schema 7) make the large reports cheap at 100k leads / 20k deals: deal_facts (open deals with
// their activity facts) for the pipeline, monthly sums of leads, closed deals and completed
// activities for periods (whole UTC months from the sums, the edges from the rows).
//
// ---------------------------------------------------------------------------------------------
// JSON SHAPES (for the dashboard). Unknown argument keys are refused, naming the key.
//
// Money   = {"amount": int64 minor units, "currency": "TRY"}      every figure names its currency
// Counts are integers. Rates (win rate, conversion rates, accuracy) are numbers 0..1 (accuracy
// may exceed 1) or null when the denominator is 0 - never NaN.
//
// Arguments every report accepts:
//   owner               "" or absent = everyone; otherwise only that owner's deals/leads/activities
//   utc_offset_minutes  -720..840; how a stored UTC time maps to a day: the local day is the UTC
//                       time plus this offset (Turkey: 180). Absent: the setting
//                       "report.utc_offset_minutes" when present, else 0 (UTC).
// Period arguments (results, team, funnel):
//   period  "this_month" (default) | "last_month" | "this_quarter" | "last_quarter" |
//           "this_year" | "custom" (then from and to, "YYYY-MM-DD", from <= to, inclusive days)
//   Periods are relative to the core's wall clock, in local days (utc_offset_minutes).
//
// Every reply has:
//   "base_currency": "TRY",
//   "generated_at": "2026-11-26T09:00:00.000Z",
//   "inputs": {the arguments actually used, defaults resolved: "period", "from", "to" (local
//              dates, inclusive), "today", "months", "owner", "pipeline_id", "source", "event",
//              "utc_offset_minutes" - whichever apply},
//   "empty": null, or a reason string when there is nothing to show (listed per report),
//   "unconverted": [{"currency": "GBP", "count": 2, "amount": Money in GBP}]
//              amounts left out of the base figures because their currency has no rate.
//
// report.pipeline {owner?, pipeline_id?}
//   -> {"totals": Tally, "pipelines": [{"id", "name", "name_tr", ...Tally,
//          "stages": [{"id", "name", "name_tr", "position", "probability", ...Tally}]}]}
//   Tally = {"open_count", "amount": Money, "weighted": Money, "stale_count",
//            "without_next_step_count"}   (open deals only; every stage listed, even at 0)
//   empty: "no_pipelines" | "no_open_deals"
//   weighted = amount x the deal's effective probability (its override, else its stage's).
//   stale and "without next step" follow deal.list exactly (same rule; a test checks both agree).
//
// report.forecast {months? 1..24 (default 6), pipeline_id?, owner?, utc_offset_minutes?}
//   -> {"months": [{"month": "2026-11", "from": "2026-11-01", "to": "2026-11-30",
//                   "open_count", "unweighted": Money, "weighted": Money,
//                   "won_count", "won": Money}],          open deals by expected close date;
//                                                          won = closed won in that month
//       "totals": {"open_count", "unweighted", "weighted", "won_count", "won"},
//       "overdue": {"count", "unweighted", "weighted"},    open, expected close before today
//       "without_expected_close": {"count", "unweighted", "weighted"},
//       "later": {"count", "unweighted", "weighted"}}      expected after the last month
//   The first month is the current one: only deals expected from today on (earlier = overdue).
//   empty: "no_open_deals" (no open deals and nothing won in the months)
//
// report.results {period..., owner?, pipeline_id?}
//   -> {"won": {"count", "amount": Money}, "lost": {"count", "amount": Money},
//       "win_rate": won / (won + lost) by count | null,
//       "average_won": Money | null,                         won amount / won count
//       "average_cycle_days": number (1 decimal) | null,     creation to win, won deals
//       "lost_reasons": [{"key", "label_en", "label_tr", "count", "amount": Money}]}  (top 5)
//   Deals count in the period of their closing time (closed_at). Won amounts are the final
//   amounts at the closing day's rate; lost amounts at today's rate.
//   empty: "no_deals" | "no_closed_deals_in_period"
//
// report.team {period..., owner?}
//   -> {"owners": [Row + {"owner": "ayse"}], "totals": Row}   owner "" = unassigned
//   Row = results fields (won, lost, win_rate, average_won, average_cycle_days) plus
//         "leads": {"captured", "qualified", "converted"}   (lead cohort, see funnel)
//         "activities": {"completed", "overdue"}  completed: done in the period;
//                                                overdue: not done, due before now (today's view)
//   empty: "nothing_in_period"
//
// report.funnel {period..., source?, event?, owner?}
//   -> {"cohort": "captured_in_period",
//       "totals": Stage, "by_source": [Stage + {"source", "label_en", "label_tr"}],
//       "by_event": [Stage + {"event"}]}       (event "" = leads without an event)
//   Stage = {"captured", "qualified", "converted", "deals", "deals_won", "leads_won",
//            "won": Money,
//            "rates": {"qualified": qualified/captured, "converted": converted/qualified,
//                      "won": leads_won/converted, "overall": leads_won/captured}}  (null on /0)
//   COHORT RULE: a lead counts in the period of its capture (created_at); what became of it
//   is followed up to today: qualified = now qualified or converted, converted = now converted,
//   deals = deals whose source lead is in the cohort (any time), won = those won (closing-day
//   rate), leads_won = cohort leads with at least one won deal. Team uses the same rule.
//   empty: "no_leads_in_period"
//
// report.snapshot (WRITE) {if_month_turned?: bool, months? 1..24 (default 6), utc_offset_minutes?}
//   Takes a snapshot of the forecast of all pipelines and owners. With if_month_turned: true
//   (the UI calls it at start) it is a "monthly" snapshot, taken only when none exists for the
//   current local month; otherwise a "manual" one is always taken.
//   -> {"taken": bool, "reason": null | "already_taken_this_month", "snapshot": Snapshot}
//   Snapshot = {"id", "taken_at", "month": "2026-11", "kind": "monthly"|"manual",
//               "base_currency", "utc_offset_minutes",
//               "months": [{"month", "open_count", "unweighted": Money, "weighted": Money,
//                           "won_before": Money}],   won_before: already won that month when taken
//               "overdue": {"count", "unweighted", "weighted"}}
//
// report.forecast_history {limit? 1..120 (default 12), owner?, pipeline_id?, utc_offset_minutes?}
//   -> {"snapshots": [{"id", "taken_at", "month", "kind", "comparable": bool,  (false when it
//                      was taken under another base currency: figures shown but not compared)
//        "months": [{"month", "state": "past"|"current"|"future",
//                    "forecast_weighted": Money, "forecast_unweighted": Money,
//                    "won_before": Money, "expected": Money (won_before + forecast_weighted),
//                    "actual_won": Money, "actual_count",
//                    "difference": Money (actual - expected) | null for future months,
//                    "accuracy": actual / expected | null}],
//        "past_totals": {"expected": Money, "actual_won": Money, "accuracy": number|null}}]}
//   newest first; owner/pipeline filter both the snapshot lines and the actual wins.
//   empty: "no_snapshots"
//
// MONEY AND ROUNDING: amounts are summed in SQL per (currency, rate, probability) group, then
// converted in C++ with 128-bit integers: base = sum x rate_micro / 10^6, weighted =
// sum x probability x rate_micro / (100 x 10^6), each rounded half up once per group. So a
// total can differ from the sum of per-deal rounded figures (deal.list) by under one minor unit
// per deal. Averages are rounded half up to a minor unit.
// ---------------------------------------------------------------------------------------------
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/args.hpp"
#include "core/command.hpp"

namespace kervan {

class Database;

namespace report {

constexpr int64_t kDayMs = 86400000;

// What every report needs: the base currency, current rates, the local clock and filters.
struct Frame {
  std::string base;
  std::map<std::string, int64_t> rates;  // currency -> base micro-units per unit (base: 10^6)
  int64_t now_ms = 0;
  int utc_offset_minutes = 0;
  std::string owner;  // "" = everyone

  // Local day number (days since 1970-01-01) of a UTC time.
  int64_t local_day(int64_t unix_ms) const;
  int64_t today() const { return local_day(now_ms); }
  // The UTC instant (ISO text) at which a local day starts: bounds for created_at/closed_at.
  std::string day_start_iso(int64_t day) const;
  // The SQLite strftime modifier that turns a stored UTC time into local time ("+180 minutes").
  std::string sql_offset() const;
};

// Reads the shared arguments (owner, utc_offset_minutes) and loads base currency and rates.
Frame load_frame(CommandContext& ctx, const ArgsReader& reader);

// A period of inclusive local days.
struct Period {
  std::string name;
  int64_t first_day = 0;
  int64_t last_day = 0;
};
// Resolves period/from/to against today, refusing bad names and dates naming the field.
Period read_period(const ArgsReader& reader, const Frame& frame);
// [start, end) UTC ISO bounds of a period, for comparisons with stored times.
std::pair<std::string, std::string> period_bounds(const Period& period, const Frame& frame);
// A period read as signed pieces: whole UTC months from the monthly sums (schema 7) plus or
// minus the hours or days at its edges counted from the rows, so a period at any UTC offset
// reads at most about a month of rows. `from`/`to` are "YYYY-MM" for month pieces, else UTC ISO
// bounds [from, to). Figures summed over the pieces times their sign equal a count of the rows.
struct Piece {
  int sign = 1;
  bool months = false;
  std::string from, to;
};
std::vector<Piece> period_pieces(const Period& period, const Frame& frame);

// The inputs echo for a period.
void echo_period(Json& inputs, const Period& period);

// "2026-11-26" for a day number, and back (nullopt for a malformed or unreal date).
std::string day_text(int64_t day);
std::optional<int64_t> parse_day(const std::string& text);
// First day of the month containing `day`, shifted by `months_ahead` months.
int64_t month_start(int64_t day, int months_ahead = 0);

// Sums of amounts in several currencies at known or current rates, converted once per group.
class MoneyTally {
 public:
  // `rate_micro` 0 means "the currency's current rate". Percent weights the sum (100 = full).
  void add(const std::string& currency, int64_t rate_micro, int64_t percent, int64_t amount_sum, int64_t count);
  int64_t count() const { return count_; }
  // Converted totals in the base currency (groups without a rate are left out).
  int64_t base_amount(const Frame& frame) const;
  int64_t base_weighted(const Frame& frame) const;
  // Amounts left out for want of a rate: currency -> (count, amount).
  void collect_unconverted(const Frame& frame, std::map<std::string, std::pair<int64_t, int64_t>>& out) const;
  void merge(const MoneyTally& other);

 private:
  struct Group {
    __extension__ __int128 amount = 0;
    __extension__ __int128 weighted = 0;  // amount x percent
    int64_t count = 0;
  };
  std::map<std::pair<std::string, int64_t>, Group> groups_;
  int64_t count_ = 0;
  std::optional<int64_t> rate_of(const Frame& frame, const std::pair<std::string, int64_t>& key) const;
};

// {"amount": n, "currency": base}
Json money(const Frame& frame, int64_t amount);
// a / b as a number, or null when b is 0.
Json ratio(int64_t a, int64_t b);
// The reply skeleton: base_currency, generated_at, inputs, empty (null).
Json reply_base(const Frame& frame, Json inputs);
// Adds "unconverted" from the collected map.
void put_unconverted(Json& reply, const std::map<std::string, std::pair<int64_t, int64_t>>& unconverted);

// The SQL expression of a won deal's rate: its closing rate when closed under the current
// base currency (bound as ?base_param), else 0 (= the current rate). Columns of alias d.
std::string won_rate_sql(int base_param);

// Checks a pipeline id argument ("" = all), naming the field when it does not exist.
std::string read_pipeline(Database& db, const ArgsReader& reader);

// The forecast by month for the snapshot and the forecast report: open deals by expected
// close month and deals won by closing month, per (month, pipeline, owner).
struct ForecastLine {
  std::string month;  // "2026-11", or "overdue", "none", "later"
  std::string pipeline_id;
  std::string owner;
  MoneyTally open;
  MoneyTally won;
};
std::vector<ForecastLine> forecast_lines(Database& db, const Frame& frame, int months, const std::string& pipeline_id);

}  // namespace report

// Fills forecast_snapshot_lines from every snapshot's lines (migration 9). report_history.cpp
void rebuild_forecast_snapshot_lines(Database& db);

void register_report_history_commands(CommandRegistry& registry);  // report_history.cpp
void register_report_result_commands(CommandRegistry& registry);   // report_results.cpp
void register_report_funnel_commands(CommandRegistry& registry);    // report_funnel.cpp

}  // namespace kervan
