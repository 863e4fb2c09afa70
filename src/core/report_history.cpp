// Forecast snapshots: report.snapshot takes one (monthly when the month turned, or on demand)
// and report.forecast_history compares each snapshot's forecast per month with what was
// actually won in that month. Shapes and rules: reports.hpp.
#include <map>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/database.hpp"
#include "core/deals.hpp"
#include "core/reports.hpp"

namespace kervan {
namespace {

using report::Frame;
using report::MoneyTally;

// One row per snapshot; its forecast lines (month x pipeline x owner, amounts already in the
// snapshot's base currency at that day's rates) are kept as JSON in `lines`.
const Table& snapshot_table() {
  static const Table t{"forecast_snapshot",
                       "forecast_snapshots",
                       "forecast snapshot",
                       {{"taken_at"},
                        {"month"},
                        {"kind"},
                        {"base_currency"},
                        {"utc_offset_minutes", ColKind::integer},
                        {"months", ColKind::integer},
                        {"lines", ColKind::json}}};
  return t;
}

// Figures of one month of a snapshot, in its base currency.
struct SnapMonth {
  int64_t count = 0, unweighted = 0, weighted = 0, won_before = 0;
};

int64_t num(const Json& line, const char* key) {
  auto it = line.find(key);
  return it != line.end() && it->is_number_integer() ? it->get<int64_t>() : 0;
}

std::string text_of(const Json& line, const char* key) {
  auto it = line.find(key);
  return it != line.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// The snapshot's lines summed per month, keeping only the owner and pipeline asked for.
std::map<std::string, SnapMonth> snapshot_months(const Json& snapshot, const std::string& owner,
                                                 const std::string& pipeline_id) {
  std::map<std::string, SnapMonth> out;
  for (const auto& line : snapshot["lines"]) {
    if (!line.is_object()) continue;
    if (!owner.empty() && text_of(line, "owner") != owner) continue;
    if (!pipeline_id.empty() && text_of(line, "pipeline_id") != pipeline_id) continue;
    SnapMonth& m = out[text_of(line, "month")];
    m.count += num(line, "count");
    m.unweighted += num(line, "unweighted");
    m.weighted += num(line, "weighted");
    m.won_before += num(line, "won");
  }
  return out;
}

// Writes a snapshot's lines into forecast_snapshot_lines (migration 9), one row per line
// object, missing figures as 0 and texts as "".
void insert_snapshot_lines(Database& db, const std::string& snapshot_id, const Json& lines) {
  Statement st(db, "INSERT INTO forecast_snapshot_lines VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  for (const auto& line : lines) {
    if (!line.is_object()) continue;
    st.bind(1, snapshot_id).bind(2, text_of(line, "month")).bind(3, text_of(line, "pipeline_id"));
    st.bind(4, text_of(line, "owner")).bind(5, num(line, "count")).bind(6, num(line, "unweighted"));
    st.bind(7, num(line, "weighted")).bind(8, num(line, "won")).run();
    st.reset();
  }
}

// The months a snapshot covers: its own month ("YYYY-MM") and the following ones.
std::vector<std::string> month_keys(const std::string& month, int64_t count) {
  std::vector<std::string> keys;
  auto first = report::parse_day(month + "-01");
  if (!first) return keys;
  for (int64_t i = 0; i < count; ++i) {
    keys.push_back(report::day_text(report::month_start(*first, static_cast<int>(i))).substr(0, 7));
  }
  return keys;
}

Json amount_in(const std::string& currency, int64_t amount) { return Json{{"amount", amount}, {"currency", currency}}; }

Json snapshot_view(const Json& snapshot) {
  const std::string base = snapshot["base_currency"];
  auto months = snapshot_months(snapshot, "", "");
  Json rows = Json::array();
  for (const auto& key : month_keys(snapshot["month"], snapshot["months"].get<int64_t>())) {
    const SnapMonth& m = months[key];
    rows.push_back({{"month", key},
                    {"open_count", m.count},
                    {"unweighted", amount_in(base, m.unweighted)},
                    {"weighted", amount_in(base, m.weighted)},
                    {"won_before", amount_in(base, m.won_before)}});
  }
  const SnapMonth& overdue = months["overdue"];
  Json out = pick(snapshot, {"id", "taken_at", "month", "kind", "utc_offset_minutes"});
  out["base_currency"] = base;
  out["months"] = rows;
  out["overdue"] = {{"count", overdue.count},
                    {"unweighted", amount_in(base, overdue.unweighted)},
                    {"weighted", amount_in(base, overdue.weighted)}};
  return out;
}

Json report_snapshot(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"if_month_turned", "months", "utc_offset_minutes"});
  Frame frame = report::load_frame(ctx, reader);
  bool monthly = reader.boolean("if_month_turned").value_or(false);
  int months = static_cast<int>(reader.integer("months", 1, 24).value_or(6));
  std::string month = report::day_text(frame.today()).substr(0, 7);
  if (monthly) {
    auto existing = select_rows(ctx.db, snapshot_table(), "kind = 'monthly' AND month = ?1", {month}, "taken_at, id");
    if (!existing.empty()) {
      return Json{{"taken", false}, {"reason", "already_taken_this_month"}, {"snapshot", snapshot_view(existing.front())}};
    }
  }
  Json lines = Json::array();
  for (const auto& line : report::forecast_lines(ctx.db, frame, months, "")) {
    lines.push_back({{"month", line.month},
                     {"pipeline_id", line.pipeline_id},
                     {"owner", line.owner},
                     {"count", line.open.count()},
                     {"unweighted", line.open.base_amount(frame)},
                     {"weighted", line.open.base_weighted(frame)},
                     {"won_count", line.won.count()},
                     {"won", line.won.base_amount(frame)}});
  }
  Json row = blank_row(snapshot_table());
  row["taken_at"] = format_iso8601(frame.now_ms);
  row["month"] = month;
  row["kind"] = monthly ? "monthly" : "manual";
  row["base_currency"] = frame.base;
  row["utc_offset_minutes"] = frame.utc_offset_minutes;
  row["months"] = months;
  row["lines"] = lines;
  insert_row(ctx, snapshot_table(), row);
  insert_snapshot_lines(ctx.db, row["id"].get<std::string>(), row["lines"]);
  return Json{{"taken", true}, {"reason", nullptr}, {"snapshot", snapshot_view(row)}};
}

// Deals actually won per local closing month from `first_month` to this month, at their
// closing rates. Each month is summed like a results period: whole UTC months from
// closed_months, the hours the local month is shifted by from the deals themselves.
std::map<std::string, MoneyTally> won_by_month(Database& db, const Frame& frame, const std::string& first_month,
                                               const std::string& pipeline_id) {
  std::map<std::string, MoneyTally> out;
  auto first = report::parse_day(first_month + "-01");
  if (!first) return out;
  const std::string rate = "CASE WHEN rate_base = ?5 AND rate_micro > 0 THEN rate_micro ELSE 0 END";
  const std::string filters = " AND status = 'won' AND (?3 = '' OR owner = ?3) AND (?4 = '' OR pipeline_id = ?4)";
  // Monthly rows one by one, summed by the tally (no sort: see closed_by_owner in report_results.cpp).
  Statement months(db, "SELECT currency, " + rate + " AS rate, deals, amount FROM closed_months "
                       "WHERE month >= ?1 AND month < ?2" + filters);
  Statement edges(db, "SELECT currency, " + rate + " AS rate, count(*), sum(amount) FROM closed_deal_sums "
                      "WHERE closed_at >= ?1 AND closed_at < ?2" + filters + " GROUP BY currency, rate");
  const int64_t today = frame.today();
  for (int64_t day = *first; day <= today; day = report::month_start(day, 1)) {
    report::Period month{"custom", day, report::month_start(day, 1) - 1};
    MoneyTally& tally = out[report::day_text(day).substr(0, 7)];
    for (const auto& piece : report::period_pieces(month, frame)) {
      Statement& st = piece.months ? months : edges;
      st.reset();
      st.bind(1, piece.from).bind(2, piece.to).bind(3, frame.owner).bind(4, pipeline_id).bind(5, frame.base);
      while (st.step()) {
        tally.add(st.column_text(0), st.column_int(1), 100, piece.sign * st.column_int(3), piece.sign * st.column_int(2));
      }
    }
  }
  return out;
}

// One snapshot as forecast_history reads it: its own columns and, per month, the sums of its
// lines for the owner and pipeline asked for (from forecast_snapshot_lines, migration 9:
// parsing every snapshot's lines as JSON cost more than the rest of the report together).
struct SnapshotSums {
  std::string id, taken_at, month, kind, base_currency;
  int64_t months = 0;
  std::map<std::string, SnapMonth> by_month;
};

std::vector<SnapshotSums> latest_snapshots(Database& db, int64_t limit, const std::string& owner,
                                           const std::string& pipeline_id) {
  std::vector<SnapshotSums> out;
  {
    Statement st(db, "SELECT id, taken_at, month, kind, base_currency, months FROM forecast_snapshots "
                     "ORDER BY taken_at DESC, id LIMIT ?1");
    st.bind(1, limit);
    while (st.step()) {
      out.push_back({st.column_text(0), st.column_text(1), st.column_text(2), st.column_text(3), st.column_text(4),
                     st.column_int(5), {}});
    }
  }
  Statement sums(db,
                 "SELECT month, sum(count), sum(unweighted), sum(weighted), sum(won) FROM forecast_snapshot_lines "
                 "WHERE snapshot_id = ?1 AND (?2 = '' OR owner = ?2) AND (?3 = '' OR pipeline_id = ?3) GROUP BY month");
  for (auto& snapshot : out) {
    sums.reset();
    sums.bind(1, snapshot.id).bind(2, owner).bind(3, pipeline_id);
    while (sums.step()) {
      SnapMonth& m = snapshot.by_month[sums.column_text(0)];
      m.count = sums.column_int(1);
      m.unweighted = sums.column_int(2);
      m.weighted = sums.column_int(3);
      m.won_before = sums.column_int(4);
    }
  }
  return out;
}

Json report_forecast_history(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"limit", "owner", "pipeline_id", "utc_offset_minutes"});
  Frame frame = report::load_frame(ctx, reader);
  int64_t limit = reader.integer("limit", 1, 120).value_or(12);
  std::string pipeline_id = report::read_pipeline(ctx.db, reader);
  auto snapshots = latest_snapshots(ctx.db, limit, frame.owner, pipeline_id);
  std::string current = report::day_text(frame.today()).substr(0, 7);
  std::string earliest = current;
  for (const auto& s : snapshots) earliest = std::min(earliest, s.month);
  auto actual = won_by_month(ctx.db, frame, earliest, pipeline_id);

  std::map<std::string, std::pair<int64_t, int64_t>> unconverted;
  Json rows = Json::array();
  for (auto& s : snapshots) {
    bool comparable = s.base_currency == frame.base;
    Json month_rows = Json::array();
    int64_t past_expected = 0, past_actual = 0;
    const std::string& base = s.base_currency;
    for (const auto& key : month_keys(s.month, s.months)) {
      const SnapMonth& m = s.by_month[key];
      const MoneyTally& won = actual[key];
      int64_t actual_won = won.base_amount(frame);
      int64_t expected = m.won_before + m.weighted;
      std::string state = key < current ? "past" : key == current ? "current" : "future";
      bool compare = comparable && state != "future";
      if (comparable && state == "past") {
        past_expected += expected;
        past_actual += actual_won;
      }
      month_rows.push_back({{"month", key},
                            {"state", state},
                            {"forecast_weighted", amount_in(base, m.weighted)},
                            {"forecast_unweighted", amount_in(base, m.unweighted)},
                            {"won_before", amount_in(base, m.won_before)},
                            {"expected", amount_in(base, expected)},
                            {"actual_won", report::money(frame, actual_won)},
                            {"actual_count", won.count()},
                            {"difference", compare ? report::money(frame, actual_won - expected) : Json(nullptr)},
                            {"accuracy", compare ? report::ratio(actual_won, expected) : Json(nullptr)}});
    }
    rows.push_back({{"id", s.id},
                    {"taken_at", s.taken_at},
                    {"month", s.month},
                    {"kind", s.kind},
                    {"base_currency", base},
                    {"comparable", comparable},
                    {"months", month_rows},
                    {"past_totals",
                     {{"expected", amount_in(base, past_expected)},
                      {"actual_won", report::money(frame, past_actual)},
                      {"accuracy", comparable ? report::ratio(past_actual, past_expected) : Json(nullptr)}}}});
  }
  for (const auto& [month, t] : actual) t.collect_unconverted(frame, unconverted);
  Json reply = report::reply_base(frame, {{"limit", limit}, {"owner", frame.owner}, {"pipeline_id", pipeline_id}});
  reply["snapshots"] = rows;
  report::put_unconverted(reply, unconverted);
  if (rows.empty()) reply["empty"] = "no_snapshots";
  return reply;
}

}  // namespace

void rebuild_forecast_snapshot_lines(Database& db) {
  db.exec("DELETE FROM forecast_snapshot_lines");
  Statement st(db, "SELECT id, lines FROM forecast_snapshots");
  while (st.step()) {
    Json lines = Json::parse(st.column_text(1), nullptr, false);
    if (lines.is_array()) insert_snapshot_lines(db, st.column_text(0), lines);
  }
}

void register_report_history_commands(CommandRegistry& registry) {
  registry.add({"report.snapshot",
                "Snapshot the forecast now (if_month_turned: true takes the monthly one only when this month has "
                "none yet; months, utc_offset_minutes)",
                true, report_snapshot});
  registry.add({"report.forecast_history",
                "Past forecast snapshots per month against what was actually won (limit, owner, pipeline_id, "
                "utc_offset_minutes)",
                false, report_forecast_history});
}

}  // namespace kervan
