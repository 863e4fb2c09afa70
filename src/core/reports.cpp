// report.pipeline and report.forecast, the forecast lines shared with the snapshots, and the
// registration of every report.* command. Shapes and rules: reports.hpp.
#include "core/reports.hpp"

#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "core/clock.hpp"
#include "core/database.hpp"

namespace kervan {
namespace {

using report::Frame;
using report::MoneyTally;

// Open-deal figures of one stage, pipeline or the whole.
struct OpenTally {
  MoneyTally money;
  int64_t stale = 0;
  int64_t without_next = 0;

  void add(const OpenTally& other) {
    money.merge(other.money);
    stale += other.stale;
    without_next += other.without_next;
  }
  Json to_json(const Frame& frame) const {
    return Json{{"open_count", money.count()},
                {"amount", report::money(frame, money.base_amount(frame))},
                {"weighted", report::money(frame, money.base_weighted(frame))},
                {"stale_count", stale},
                {"without_next_step_count", without_next}};
  }
};

// Open deals per stage from open_stage_sums, and stale counts from deal_facts (schema 7, kept by
// triggers). "Stale" and "without next step" are the rules of deal.list (deals.cpp is_stale,
// next_activity): stale when the stage has stale_after_days > 0, no undone linked activity is due
// after now, and neither entering the stage nor the latest activity (created or done) is within
// the stage's days (deal_facts.stale_from <= now); without a next step when no linked undone
// activity has a due time. A test checks both agree.
std::map<std::string, OpenTally> open_by_stage(Database& db, const Frame& frame, const std::string& pipeline_id) {
  std::map<std::string, OpenTally> out;
  Statement st(db, "SELECT stage_id, currency, probability, sum(deals), sum(amount), sum(without_next) "
                   "FROM open_stage_sums WHERE (?1 = '' OR owner = ?1) AND (?2 = '' OR pipeline_id = ?2) "
                   "GROUP BY stage_id, currency, probability");
  st.bind(1, frame.owner).bind(2, pipeline_id);
  while (st.step()) {
    OpenTally& t = out[st.column_text(0)];
    t.money.add(st.column_text(1), 0, st.column_int(2), st.column_int(4), st.column_int(3));
    t.without_next += st.column_int(5);
  }
  Statement stale(db, "SELECT count(*) FROM deal_facts WHERE stage_id = ?1 AND stale_from <= ?2 "
                      "AND (?3 = '' OR owner = ?3) AND (?4 = '' OR pipeline_id = ?4)");
  for (auto& [stage_id, t] : out) {
    stale.bind(1, stage_id).bind(2, format_iso8601(frame.now_ms)).bind(3, frame.owner).bind(4, pipeline_id);
    if (stale.step()) t.stale = stale.column_int(0);
    stale.reset();
  }
  return out;
}

Json report_pipeline(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"owner", "pipeline_id", "utc_offset_minutes"});
  Frame frame = report::load_frame(ctx, reader);
  std::string pipeline_id = report::read_pipeline(ctx.db, reader);
  auto by_stage = open_by_stage(ctx.db, frame, pipeline_id);

  Json reply = report::reply_base(frame, {{"owner", frame.owner}, {"pipeline_id", pipeline_id}});
  OpenTally all;
  for (const auto& [stage, t] : by_stage) all.add(t);
  Json pipelines = Json::array();
  Statement ps(ctx.db, "SELECT id, name, name_tr FROM pipelines WHERE ?1 = '' OR id = ?1 ORDER BY position, created_at, id");
  ps.bind(1, pipeline_id);
  while (ps.step()) {
    std::string id = ps.column_text(0);
    OpenTally pipeline_total;
    Json stages = Json::array();
    Statement ss(ctx.db, "SELECT id, name, name_tr, position, probability FROM stages WHERE pipeline_id = ?1 "
                         "ORDER BY position, created_at, id");
    ss.bind(1, id);
    while (ss.step()) {
      std::string stage_id = ss.column_text(0);
      OpenTally t;
      if (auto it = by_stage.find(stage_id); it != by_stage.end()) t = it->second;
      pipeline_total.add(t);
      Json row = t.to_json(frame);
      row["id"] = stage_id;
      row["name"] = ss.column_text(1);
      row["name_tr"] = ss.column_text(2);
      row["position"] = ss.column_int(3);
      row["probability"] = ss.column_int(4);
      stages.push_back(row);
    }
    Json row = pipeline_total.to_json(frame);
    row["id"] = id;
    row["name"] = ps.column_text(1);
    row["name_tr"] = ps.column_text(2);
    row["stages"] = stages;
    pipelines.push_back(row);
  }
  reply["totals"] = all.to_json(frame);
  reply["pipelines"] = pipelines;
  std::map<std::string, std::pair<int64_t, int64_t>> unconverted;
  all.money.collect_unconverted(frame, unconverted);
  report::put_unconverted(reply, unconverted);
  if (pipelines.empty()) {
    reply["empty"] = "no_pipelines";
  } else if (all.money.count() == 0) {
    reply["empty"] = "no_open_deals";
  }
  return reply;
}

Json bucket_json(const Frame& frame, const MoneyTally& t) {
  return Json{{"count", t.count()},
              {"unweighted", report::money(frame, t.base_amount(frame))},
              {"weighted", report::money(frame, t.base_weighted(frame))}};
}

Json report_forecast(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"months", "pipeline_id", "owner", "utc_offset_minutes"});
  Frame frame = report::load_frame(ctx, reader);
  int months = static_cast<int>(reader.integer("months", 1, 24).value_or(6));
  std::string pipeline_id = report::read_pipeline(ctx.db, reader);
  auto lines = report::forecast_lines(ctx.db, frame, months, pipeline_id);

  int64_t today = frame.today();
  Json inputs = {{"months", months}, {"pipeline_id", pipeline_id}, {"owner", frame.owner},
                 {"today", report::day_text(today)}, {"from", report::day_text(today)},
                 {"to", report::day_text(report::month_start(today, months) - 1)}};
  Json reply = report::reply_base(frame, inputs);
  std::map<std::string, std::pair<MoneyTally, MoneyTally>> by_month;  // open, won
  MoneyTally overdue, none, later, open_total, won_total;
  for (const auto& line : lines) {
    if (line.month == "overdue") overdue.merge(line.open);
    else if (line.month == "none") none.merge(line.open);
    else if (line.month == "later") later.merge(line.open);
    else {
      by_month[line.month].first.merge(line.open);
      by_month[line.month].second.merge(line.won);
      open_total.merge(line.open);
      won_total.merge(line.won);
    }
  }
  Json month_rows = Json::array();
  for (int i = 0; i < months; ++i) {
    int64_t first = report::month_start(today, i);
    std::string key = report::day_text(first).substr(0, 7);
    const auto& [open, won] = by_month[key];
    month_rows.push_back({{"month", key},
                          {"from", report::day_text(first)},
                          {"to", report::day_text(report::month_start(today, i + 1) - 1)},
                          {"open_count", open.count()},
                          {"unweighted", report::money(frame, open.base_amount(frame))},
                          {"weighted", report::money(frame, open.base_weighted(frame))},
                          {"won_count", won.count()},
                          {"won", report::money(frame, won.base_amount(frame))}});
  }
  reply["months"] = month_rows;
  reply["totals"] = {{"open_count", open_total.count()},
                     {"unweighted", report::money(frame, open_total.base_amount(frame))},
                     {"weighted", report::money(frame, open_total.base_weighted(frame))},
                     {"won_count", won_total.count()},
                     {"won", report::money(frame, won_total.base_amount(frame))}};
  reply["overdue"] = bucket_json(frame, overdue);
  reply["without_expected_close"] = bucket_json(frame, none);
  reply["later"] = bucket_json(frame, later);
  std::map<std::string, std::pair<int64_t, int64_t>> unconverted;
  for (const MoneyTally* t : {&overdue, &none, &later, &open_total, &won_total}) t->collect_unconverted(frame, unconverted);
  report::put_unconverted(reply, unconverted);
  int64_t open_count = open_total.count() + overdue.count() + none.count() + later.count();
  if (open_count == 0 && won_total.count() == 0) reply["empty"] = "no_open_deals";
  return reply;
}

}  // namespace

namespace report {

std::vector<ForecastLine> forecast_lines(Database& db, const Frame& frame, int months, const std::string& pipeline_id) {
  int64_t today = frame.today();
  int64_t first = month_start(today);
  int64_t end = month_start(today, months);
  std::map<std::tuple<std::string, std::string, std::string>, ForecastLine> lines;
  auto line = [&](const std::string& month, const std::string& pipeline, const std::string& owner) -> ForecastLine& {
    ForecastLine& l = lines[{month, pipeline, owner}];
    l.month = month;
    l.pipeline_id = pipeline;
    l.owner = owner;
    return l;
  };
  // Open deals by expected close date (a local calendar date, compared as text): every month but
  // the current one from open_months (schema 7), the current one, split at today, from the deals.
  const std::string current = day_text(first).substr(0, 7);
  const std::string bucket = "CASE WHEN expected_close = '' THEN 'none' WHEN expected_close < ?1 THEN 'overdue' "
                             "WHEN expected_close >= ?2 THEN 'later' ELSE substr(expected_close, 1, 7) END";
  const std::string filters = " AND (?3 = '' OR owner = ?3) AND (?4 = '' OR pipeline_id = ?4)";
  // open_months rows one by one, summed into the lines here: a GROUP BY would sort them first
  // and cost more than the rest of the report.
  Statement summed(db, "WITH m AS (SELECT *, month AS expected_close FROM open_months WHERE month <> ?5) SELECT " +
                           bucket + " AS bucket, pipeline_id, owner, currency, probability, deals, amount "
                           "FROM m WHERE 1" + filters);
  Statement rows(db, "SELECT " + bucket + " AS bucket, pipeline_id, owner, currency, probability, count(*), "
                     "sum(amount) FROM deals WHERE status = 'open' AND expected_close >= ?6 AND expected_close < ?7" +
                     filters + " GROUP BY bucket, pipeline_id, owner, currency, probability");
  auto add_open = [&](Statement& st) {
    while (st.step()) {
      line(st.column_text(0), st.column_text(1), st.column_text(2))
          .open.add(st.column_text(3), 0, st.column_int(4), st.column_int(6), st.column_int(5));
    }
  };
  summed.bind(1, current).bind(2, day_text(end).substr(0, 7)).bind(3, frame.owner).bind(4, pipeline_id).bind(5, current);
  add_open(summed);
  rows.bind(1, day_text(today)).bind(2, day_text(end)).bind(3, frame.owner).bind(4, pipeline_id);
  rows.bind(6, day_text(first)).bind(7, day_text(month_start(today, 1)));
  add_open(rows);
  // Deals won in the months, by the local month of their closing time, at the closing rate.
  Statement won(db,
                "SELECT substr(strftime('%Y-%m-%d', d.closed_at, ?5), 1, 7) AS month, d.pipeline_id, d.owner, "
                "d.currency, " + won_rate_sql(6) + " AS rate, count(*), sum(coalesce(d.won_amount, d.amount)) "
                "FROM deals d WHERE d.status = 'won' AND d.closed_at >= ?1 AND d.closed_at < ?2 "
                "AND (?3 = '' OR d.owner = ?3) AND (?4 = '' OR d.pipeline_id = ?4) "
                "GROUP BY month, d.pipeline_id, d.owner, d.currency, rate");
  won.bind(1, frame.day_start_iso(first)).bind(2, frame.day_start_iso(end)).bind(3, frame.owner).bind(4, pipeline_id);
  won.bind(5, frame.sql_offset()).bind(6, frame.base);
  while (won.step()) {
    line(won.column_text(0), won.column_text(1), won.column_text(2))
        .won.add(won.column_text(3), won.column_int(4), 100, won.column_int(6), won.column_int(5));
  }
  std::vector<ForecastLine> out;
  for (auto& [key, l] : lines) out.push_back(std::move(l));
  return out;
}

}  // namespace report

void register_report_commands(CommandRegistry& registry) {
  registry.add({"report.pipeline",
                "Open deals now per pipeline and stage: count, total, weighted total, stale, without next step "
                "(owner, pipeline_id)",
                false, report_pipeline});
  registry.add({"report.forecast",
                "Next months by expected close: weighted, unweighted, already won; overdue and undated apart "
                "(months, pipeline_id, owner, utc_offset_minutes)",
                false, report_forecast});
  register_report_result_commands(registry);
  register_report_funnel_commands(registry);
  register_report_history_commands(registry);
}

}  // namespace kervan
