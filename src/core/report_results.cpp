// report.results (won, lost, win rate, average deal, sales cycle, lost reasons of a period) and
// report.team (the same per owner, plus leads and activities). Shapes and rules: reports.hpp.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/database.hpp"
#include "core/reports.hpp"

namespace kervan {
namespace {

using report::Frame;
using report::MoneyTally;

constexpr std::size_t kTopReasons = 5;

// Closed deals of one owner (or everyone) in a period.
struct Closed {
  MoneyTally won;
  MoneyTally lost;
  int64_t cycle_ms = 0;  // sum over won deals, creation to closing
  std::map<std::string, MoneyTally> lost_by_reason;

  void merge(const Closed& other) {
    won.merge(other.won);
    lost.merge(other.lost);
    cycle_ms += other.cycle_ms;
    for (const auto& [reason, t] : other.lost_by_reason) lost_by_reason[reason].merge(t);
  }
};

// Won and lost deals closed in the period, per owner: whole months from closed_months, the
// edges from the deals (both through the same columns, see schema 7).
std::map<std::string, Closed> closed_by_owner(Database& db, const Frame& frame, const report::Period& period,
                                              const std::string& pipeline_id) {
  const std::string rate = "CASE WHEN status = 'won' AND rate_base = ?5 AND rate_micro > 0 THEN rate_micro ELSE 0 END";
  const std::string filters = " AND (?3 = '' OR owner = ?3) AND (?4 = '' OR pipeline_id = ?4)";
  std::map<std::string, Closed> out;
  for (const auto& piece : report::period_pieces(period, frame)) {
    // The monthly rows are read one by one and summed here: they are nearly one per deal (each
    // won deal has its own closing rate), so a GROUP BY would only add a sort (half the cost).
    Statement st(db, "SELECT status, owner, currency, " + rate + " AS rate, lost_reason, " +
                         (piece.months ? "deals, amount, cycle_ms FROM closed_months WHERE month >= ?1 AND month < ?2" +
                                             filters
                                       : "count(*), sum(amount), sum(cycle_ms) FROM closed_deal_sums "
                                         "WHERE closed_at >= ?1 AND closed_at < ?2" +
                                             filters + " GROUP BY status, owner, currency, rate, lost_reason"));
    st.bind(1, piece.from).bind(2, piece.to).bind(3, frame.owner).bind(4, pipeline_id).bind(5, frame.base);
    while (st.step()) {
      Closed& c = out[st.column_text(1)];
      int64_t count = piece.sign * st.column_int(5);
      int64_t sum = piece.sign * st.column_int(6);
      if (st.column_text(0) == "won") {
        c.won.add(st.column_text(2), st.column_int(3), 100, sum, count);
        c.cycle_ms += piece.sign * st.column_int(7);
      } else {
        c.lost.add(st.column_text(2), 0, 100, sum, count);
        c.lost_by_reason[st.column_text(4)].add(st.column_text(2), 0, 100, sum, count);
      }
    }
  }
  return out;
}

// The result figures shared by report.results and each row of report.team.
Json closed_json(const Frame& frame, const Closed& c) {
  int64_t won_count = c.won.count();
  int64_t won_amount = c.won.base_amount(frame);
  Json average = nullptr;
  Json cycle = nullptr;
  if (won_count > 0) {
    average = report::money(frame, (won_amount + won_count / 2) / won_count);
    cycle = std::round(static_cast<double>(c.cycle_ms) / static_cast<double>(report::kDayMs * won_count) * 10.0) / 10.0;
  }
  return Json{{"won", {{"count", won_count}, {"amount", report::money(frame, won_amount)}}},
              {"lost", {{"count", c.lost.count()}, {"amount", report::money(frame, c.lost.base_amount(frame))}}},
              {"win_rate", report::ratio(won_count, won_count + c.lost.count())},
              {"average_won", average},
              {"average_cycle_days", cycle}};
}

Json lost_reasons_json(Database& db, const Frame& frame, const Closed& c) {
  std::map<std::string, std::pair<std::string, std::string>> labels;
  Statement st(db, "SELECT key, label_en, label_tr FROM list_values WHERE list = 'deal_lost_reason'");
  while (st.step()) labels[st.column_text(0)] = {st.column_text(1), st.column_text(2)};
  std::vector<Json> rows;
  for (const auto& [key, t] : c.lost_by_reason) {
    if (t.count() == 0) continue;  // rows of an edge taken away again
    auto it = labels.find(key);
    rows.push_back({{"key", key},
                    {"label_en", it != labels.end() ? it->second.first : key},
                    {"label_tr", it != labels.end() ? it->second.second : key},
                    {"count", t.count()},
                    {"amount", report::money(frame, t.base_amount(frame))}});
  }
  std::sort(rows.begin(), rows.end(), [](const Json& a, const Json& b) {
    if (a["count"] != b["count"]) return a["count"] > b["count"];
    if (a["amount"]["amount"] != b["amount"]["amount"]) return a["amount"]["amount"] > b["amount"]["amount"];
    return a["key"] < b["key"];
  });
  if (rows.size() > kTopReasons) rows.resize(kTopReasons);
  return Json(rows);
}

void add_unconverted(const Frame& frame, const Closed& c, std::map<std::string, std::pair<int64_t, int64_t>>& out) {
  c.won.collect_unconverted(frame, out);
  c.lost.collect_unconverted(frame, out);
}

bool any_deal(Database& db, const Frame& frame, const std::string& pipeline_id) {
  Statement st(db, "SELECT 1 FROM deals WHERE (?1 = '' OR owner = ?1) AND (?2 = '' OR pipeline_id = ?2) LIMIT 1");
  st.bind(1, frame.owner).bind(2, pipeline_id);
  return st.step();
}

Json report_results(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"period", "from", "to", "owner", "pipeline_id", "utc_offset_minutes"});
  Frame frame = report::load_frame(ctx, reader);
  report::Period period = report::read_period(reader, frame);
  std::string pipeline_id = report::read_pipeline(ctx.db, reader);
  Closed all;
  for (const auto& [owner, c] : closed_by_owner(ctx.db, frame, period, pipeline_id)) all.merge(c);

  Json inputs = {{"owner", frame.owner}, {"pipeline_id", pipeline_id}};
  report::echo_period(inputs, period);
  Json reply = report::reply_base(frame, inputs);
  reply.update(closed_json(frame, all));
  reply["lost_reasons"] = lost_reasons_json(ctx.db, frame, all);
  std::map<std::string, std::pair<int64_t, int64_t>> unconverted;
  add_unconverted(frame, all, unconverted);
  report::put_unconverted(reply, unconverted);
  if (!any_deal(ctx.db, frame, pipeline_id)) {
    reply["empty"] = "no_deals";
  } else if (all.won.count() + all.lost.count() == 0) {
    reply["empty"] = "no_closed_deals_in_period";
  }
  return reply;
}

// What one owner did besides deals: the lead cohort and activities.
struct OwnerWork {
  int64_t captured = 0, qualified = 0, converted = 0;
  int64_t completed = 0, overdue = 0;
};

// Leads captured (the cohort, followed to its status today, see funnel) and activities completed
// in the period per owner, from the monthly sums and the edges' rows; overdue activities now.
std::map<std::string, OwnerWork> work_by_owner(Database& db, const Frame& frame, const report::Period& period) {
  std::map<std::string, OwnerWork> out;
  for (const auto& piece : report::period_pieces(period, frame)) {
    Statement leads(db, piece.months
                            ? "SELECT owner, sum(captured), sum(qualified), sum(converted) FROM lead_owner_months "
                              "WHERE month >= ?1 AND month < ?2 AND (?3 = '' OR owner = ?3) GROUP BY owner"
                            : "SELECT owner, count(*), total(status IN ('qualified', 'converted')), "
                              "total(status = 'converted') FROM leads INDEXED BY leads_by_created "
                              "WHERE created_at >= ?1 AND created_at < ?2 AND (?3 = '' OR owner = ?3) GROUP BY owner");
    leads.bind(1, piece.from).bind(2, piece.to).bind(3, frame.owner);
    while (leads.step()) {
      OwnerWork& w = out[leads.column_text(0)];
      w.captured += piece.sign * leads.column_int(1);
      w.qualified += piece.sign * static_cast<int64_t>(leads.column_double(2));
      w.converted += piece.sign * static_cast<int64_t>(leads.column_double(3));
    }
    Statement done(db, piece.months ? "SELECT owner, sum(completed) FROM done_months WHERE month >= ?1 AND month < ?2 "
                                      "AND (?3 = '' OR owner = ?3) GROUP BY owner"
                                    : "SELECT owner, count(*) FROM activities INDEXED BY activities_by_done_at "
                                      "WHERE done = 1 AND done_at >= ?1 AND done_at < ?2 AND (?3 = '' OR owner = ?3) "
                                      "GROUP BY owner");
    done.bind(1, piece.from).bind(2, piece.to).bind(3, frame.owner);
    while (done.step()) out[done.column_text(0)].completed += piece.sign * done.column_int(1);
  }
  // Overdue as activity.list says it: not done, due before now. The UTC days before today from
  // undone_days (schema 7), today's rows from the activities. INDEXED BY here and above: for the
  // GROUP BY order the planner otherwise scans a whole owner index instead of a time range.
  const std::string now = format_iso8601(frame.now_ms);
  Statement days(db, "SELECT owner, sum(activities) FROM undone_days WHERE day > '' AND day < ?1 "
                     "AND (?2 = '' OR owner = ?2) GROUP BY owner");
  days.bind(1, now.substr(0, 10)).bind(2, frame.owner);
  while (days.step()) out[days.column_text(0)].overdue += days.column_int(1);
  Statement today(db, "SELECT owner, count(*) FROM activities INDEXED BY activities_by_due "
                      "WHERE done = 0 AND due_at >= ?1 AND due_at < ?2 AND (?3 = '' OR owner = ?3) GROUP BY owner");
  today.bind(1, now.substr(0, 10) + "T00:00:00.000Z").bind(2, now).bind(3, frame.owner);
  while (today.step()) out[today.column_text(0)].overdue += today.column_int(1);
  return out;
}

Json team_row(const Frame& frame, const Closed& c, const OwnerWork& w) {
  Json row = closed_json(frame, c);
  row["leads"] = {{"captured", w.captured}, {"qualified", w.qualified}, {"converted", w.converted}};
  row["activities"] = {{"completed", w.completed}, {"overdue", w.overdue}};
  return row;
}

Json report_team(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"period", "from", "to", "owner", "utc_offset_minutes"});
  Frame frame = report::load_frame(ctx, reader);
  report::Period period = report::read_period(reader, frame);
  auto closed = closed_by_owner(ctx.db, frame, period, "");
  auto work = work_by_owner(ctx.db, frame, period);

  // An owner is listed when something of theirs counts (an edge taken away can leave zeros).
  std::vector<std::string> owners;
  for (const auto& [owner, c] : closed) {
    if (c.won.count() != 0 || c.lost.count() != 0) owners.push_back(owner);
  }
  for (const auto& [owner, w] : work) {
    bool counts = w.captured != 0 || w.completed != 0 || w.overdue != 0;
    auto it = closed.find(owner);
    bool listed = it != closed.end() && (it->second.won.count() != 0 || it->second.lost.count() != 0);
    if (counts && !listed) owners.push_back(owner);
  }
  std::sort(owners.begin(), owners.end());
  Closed all_closed;
  OwnerWork all_work;
  std::map<std::string, std::pair<int64_t, int64_t>> unconverted;
  Json rows = Json::array();
  for (const auto& owner : owners) {
    const Closed& c = closed[owner];
    const OwnerWork& w = work[owner];
    all_closed.merge(c);
    all_work.captured += w.captured;
    all_work.qualified += w.qualified;
    all_work.converted += w.converted;
    all_work.completed += w.completed;
    all_work.overdue += w.overdue;
    add_unconverted(frame, c, unconverted);
    Json row = team_row(frame, c, w);
    row["owner"] = owner;
    rows.push_back(row);
  }
  Json inputs = {{"owner", frame.owner}};
  report::echo_period(inputs, period);
  Json reply = report::reply_base(frame, inputs);
  reply["owners"] = rows;
  reply["totals"] = team_row(frame, all_closed, all_work);
  report::put_unconverted(reply, unconverted);
  if (owners.empty()) reply["empty"] = "nothing_in_period";
  return reply;
}

}  // namespace

void register_report_result_commands(CommandRegistry& registry) {
  registry.add({"report.results",
                "Deals won and lost in a period: counts, amounts, win rate, average won deal, sales cycle, top lost "
                "reasons (period, from, to, owner, pipeline_id, utc_offset_minutes)",
                false, report_results});
  registry.add({"report.team",
                "Results per owner plus leads captured/qualified/converted and activities completed/overdue "
                "(period, from, to, owner, utc_offset_minutes)",
                false, report_team});
}

}  // namespace kervan
