// report.funnel: leads captured in a period -> qualified -> converted -> deals won, in total and
// per source and per event (a trade show's return). The cohort rule is in reports.hpp: a lead
// counts in the period of its capture and is followed to today.
#include <algorithm>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/database.hpp"
#include "core/record_types.hpp"
#include "core/reports.hpp"

namespace kervan {
namespace {

using report::Frame;
using report::MoneyTally;

struct FunnelStage {
  int64_t captured = 0, qualified = 0, converted = 0, deals = 0, deals_won = 0, leads_won = 0;
  MoneyTally won;

  void merge(const FunnelStage& o) {
    captured += o.captured;
    qualified += o.qualified;
    converted += o.converted;
    deals += o.deals;
    deals_won += o.deals_won;
    leads_won += o.leads_won;
    won.merge(o.won);
  }
  Json to_json(const Frame& frame) const {
    return Json{{"captured", captured},
                {"qualified", qualified},
                {"converted", converted},
                {"deals", deals},
                {"deals_won", deals_won},
                {"leads_won", leads_won},
                {"won", report::money(frame, won.base_amount(frame))},
                {"rates",
                 {{"qualified", report::ratio(qualified, captured)},
                  {"converted", report::ratio(converted, qualified)},
                  {"won", report::ratio(leads_won, converted)},
                  {"overall", report::ratio(leads_won, captured)}}}};
  }
};

using SourceEvent = std::pair<std::string, std::string>;

struct Filters {
  std::string owner, source, event;
};

// The cohort per (source, event): whole months from lead_months and lead_won_months (schema 7),
// the edges from the leads and the deals they became; three grouped queries per piece.
std::map<SourceEvent, FunnelStage> funnel_cells(Database& db, const Frame& frame, const report::Period& period,
                                                const Filters& f) {
  std::map<SourceEvent, FunnelStage> cells;
  const std::string by_key = " AND (?4 = '' OR l.source = ?4) AND (?5 = '' OR l.event = ?5) GROUP BY l.source, l.event";
  const std::string filters = " AND (?3 = '' OR l.owner = ?3)" + by_key;
  const std::string summary_rate = "(CASE WHEN l.rate_base = ?6 AND l.rate_micro > 0 THEN l.rate_micro ELSE 0 END)";
  for (const auto& piece : report::period_pieces(period, frame)) {
    auto bind = [&](Statement& st) {
      st.bind(1, piece.from).bind(2, piece.to).bind(3, f.owner).bind(4, f.source).bind(5, f.event);
    };
    auto add_counts = [&](Statement& st) {
      bind(st);
      while (st.step()) {
        FunnelStage& s = cells[{st.column_text(0), st.column_text(1)}];
        s.captured += piece.sign * st.column_int(2);
        s.qualified += piece.sign * static_cast<int64_t>(st.column_double(3));
        s.converted += piece.sign * static_cast<int64_t>(st.column_double(4));
        s.deals += piece.sign * static_cast<int64_t>(st.column_double(5));
        s.deals_won += piece.sign * static_cast<int64_t>(st.column_double(6));
        s.leads_won += piece.sign * st.column_int(7);
      }
    };
    auto add_won = [&](Statement& st) {
      bind(st);
      st.bind(6, frame.base);
      while (st.step()) {
        cells[{st.column_text(0), st.column_text(1)}].won.add(st.column_text(2), st.column_int(3), 100,
                                                              piece.sign * st.column_int(5),
                                                              piece.sign * st.column_int(4));
      }
    };
    if (piece.months) {
      const std::string when = " WHERE l.month >= ?1 AND l.month < ?2";
      // Everyone's cohort from the smaller lead_event_months (owner "" there is not a filter).
      Statement leads(db, "SELECT l.source, l.event, sum(l.captured), sum(l.qualified), sum(l.converted), "
                          "sum(l.deals), sum(l.deals_won), sum(l.leads_won) FROM " +
                              (f.owner.empty() ? "lead_event_months l" + when + " AND ?3 = ''" + by_key
                                               : "lead_months l" + when + filters));
      add_counts(leads);
      Statement won(db, "SELECT l.source, l.event, l.currency, " + summary_rate + " AS rate, sum(l.deals), "
                        "sum(l.amount) FROM lead_won_months l" + when + filters + ", l.currency, rate");
      add_won(won);
    } else {
      // INDEXED BY: for the GROUP BY order the planner otherwise scans all of leads_for_funnel.
      // CROSS JOIN keeps the period's leads as the outer loop: on its own the planner may walk
      // every won deal and look for its lead in the period (30 ms instead of 0.3 at 100k).
      const std::string leads_in = " FROM leads l INDEXED BY leads_by_created";
      const std::string their_deals = " CROSS JOIN deals d ON d.source_lead_id = l.id";
      const std::string when = " WHERE l.created_at >= ?1 AND l.created_at < ?2";
      Statement leads(db, "SELECT l.source, l.event, count(*), total(l.status IN ('qualified', 'converted')), "
                          "total(l.status = 'converted'), 0, 0, 0" + leads_in + when + filters);
      add_counts(leads);
      Statement deals(db, "SELECT l.source, l.event, 0, 0, 0, count(*), total(d.status = 'won'), "
                          "count(DISTINCT CASE WHEN d.status = 'won' THEN l.id END)" + leads_in +
                          their_deals + when + filters);
      add_counts(deals);
      Statement won(db, "SELECT l.source, l.event, d.currency, " + report::won_rate_sql(6) + " AS rate, count(*), "
                        "sum(coalesce(d.won_amount, d.amount))" + leads_in + their_deals +
                        when + " AND d.status = 'won'" + filters + ", d.currency, rate");
      add_won(won);
    }
  }
  std::erase_if(cells, [](const auto& cell) { return cell.second.captured == 0; });  // edges taken away
  return cells;
}

// Rows sorted by leads captured (most first), then key.
std::vector<std::pair<std::string, FunnelStage>> sorted_rows(std::map<std::string, FunnelStage>& groups) {
  std::vector<std::pair<std::string, FunnelStage>> rows(groups.begin(), groups.end());
  std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) {
    if (a.second.captured != b.second.captured) return a.second.captured > b.second.captured;
    return a.first < b.first;
  });
  return rows;
}

Json report_funnel(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"period", "from", "to", "source", "event", "owner", "utc_offset_minutes"});
  Frame frame = report::load_frame(ctx, reader);
  report::Period period = report::read_period(reader, frame);
  Filters f;
  f.owner = frame.owner;
  f.source = reader.text("source", {100}).value_or("");
  // A key or a label of the lead_source list, archived ones included (old leads keep them).
  if (!f.source.empty()) f.source = resolve_list_value(ctx.db, "lead_source", f.source, "source", true);
  f.event = reader.text("event", {200}).value_or("");
  auto cells = funnel_cells(ctx.db, frame, period, f);

  FunnelStage totals;
  std::map<std::string, FunnelStage> by_source, by_event;
  for (const auto& [key, stage] : cells) {
    totals.merge(stage);
    by_source[key.first].merge(stage);
    by_event[key.second].merge(stage);
  }
  std::map<std::string, std::pair<std::string, std::string>> labels;
  Statement st(ctx.db, "SELECT key, label_en, label_tr FROM list_values WHERE list = 'lead_source'");
  while (st.step()) labels[st.column_text(0)] = {st.column_text(1), st.column_text(2)};
  Json sources = Json::array();
  for (const auto& [source, stage] : sorted_rows(by_source)) {
    Json row = stage.to_json(frame);
    auto it = labels.find(source);
    row["source"] = source;
    row["label_en"] = it != labels.end() ? it->second.first : source;
    row["label_tr"] = it != labels.end() ? it->second.second : source;
    sources.push_back(row);
  }
  Json events = Json::array();
  for (const auto& [event, stage] : sorted_rows(by_event)) {
    Json row = stage.to_json(frame);
    row["event"] = event;
    events.push_back(row);
  }
  Json inputs = {{"owner", frame.owner}, {"source", f.source}, {"event", f.event}};
  report::echo_period(inputs, period);
  Json reply = report::reply_base(frame, inputs);
  reply["cohort"] = "captured_in_period";
  reply["totals"] = totals.to_json(frame);
  reply["by_source"] = sources;
  reply["by_event"] = events;
  std::map<std::string, std::pair<int64_t, int64_t>> unconverted;
  totals.won.collect_unconverted(frame, unconverted);
  report::put_unconverted(reply, unconverted);
  if (totals.captured == 0) reply["empty"] = "no_leads_in_period";
  return reply;
}

}  // namespace

void register_report_funnel_commands(CommandRegistry& registry) {
  registry.add({"report.funnel",
                "Leads captured in a period -> qualified -> converted -> deals won, with rates, per source and per "
                "event (period, from, to, source, event, owner, utc_offset_minutes)",
                false, report_funnel});
}

}  // namespace kervan
