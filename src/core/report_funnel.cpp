// report.funnel: leads captured in a period -> qualified -> converted -> deals won, in total and
// per source and per event (a trade show's return). The cohort rule is in reports.hpp: a lead
// counts in the period of its capture and is followed to today.
#include <algorithm>
#include <map>
#include <string>
#include <tuple>
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
  std::string start, end, owner, source, event;
  // Long periods read the whole covering index leads_for_funnel in GROUP BY order (no sort)
  // and join from the deals side; short ones read a range of created_at. Without statistics
  // SQLite cannot tell which is cheaper, so the length of the period decides ("+" keeps
  // SQLite from using the created_at index).
  bool long_period = false;
};

// The cohort condition on leads l, with ?1..?5 = start, end, owner, source, event.
std::string cohort(const Filters& f) {
  std::string created = f.long_period ? "+l.created_at" : "l.created_at";
  return created + " >= ?1 AND " + created + " < ?2 AND (?3 = '' OR l.owner = ?3) AND (?4 = '' OR l.source = ?4) "
         "AND (?5 = '' OR l.event = ?5)";
}

// Leads l joined with the deals d they became, from the cheaper side.
std::string lead_deals(const Filters& f) {
  return f.long_period ? "FROM deals d CROSS JOIN leads l ON l.id = d.source_lead_id WHERE d.source_lead_id IS NOT NULL AND "
                       : "FROM leads l JOIN deals d ON d.source_lead_id = l.id WHERE ";
}

void bind_cohort(Statement& st, const Filters& f) {
  st.bind(1, f.start).bind(2, f.end).bind(3, f.owner).bind(4, f.source).bind(5, f.event);
}

// The cohort per (source, event), in three grouped queries.
std::map<SourceEvent, FunnelStage> funnel_cells(Database& db, const Frame& frame, const Filters& f) {
  std::map<SourceEvent, FunnelStage> cells;
  Statement leads(db, std::string("SELECT l.source, l.event, count(*), total(l.status IN ('qualified', 'converted')), "
                                  "total(l.status = 'converted') FROM leads l WHERE ") +
                          cohort(f) + " GROUP BY l.source, l.event");
  bind_cohort(leads, f);
  while (leads.step()) {
    FunnelStage& s = cells[{leads.column_text(0), leads.column_text(1)}];
    s.captured = leads.column_int(2);
    s.qualified = static_cast<int64_t>(leads.column_double(3));
    s.converted = static_cast<int64_t>(leads.column_double(4));
  }
  // Deals from the cohort's leads: counts per (source, event), then the won amounts per currency.
  Statement deals(db, std::string("SELECT l.source, l.event, count(*), total(d.status = 'won'), "
                                  "count(DISTINCT CASE WHEN d.status = 'won' THEN l.id END) ") +
                          lead_deals(f) + cohort(f) + " GROUP BY l.source, l.event");
  bind_cohort(deals, f);
  while (deals.step()) {
    FunnelStage& s = cells[{deals.column_text(0), deals.column_text(1)}];
    s.deals = deals.column_int(2);
    s.deals_won = static_cast<int64_t>(deals.column_double(3));
    s.leads_won = deals.column_int(4);
  }
  Statement won(db, std::string("SELECT l.source, l.event, d.currency, ") + report::won_rate_sql(6) +
                        " AS rate, count(*), sum(coalesce(d.won_amount, d.amount)) " + lead_deals(f) +
                        "d.status = 'won' AND " + cohort(f) + " GROUP BY l.source, l.event, d.currency, rate");
  bind_cohort(won, f);
  won.bind(6, frame.base);
  while (won.step()) {
    cells[{won.column_text(0), won.column_text(1)}].won.add(won.column_text(2), won.column_int(3), 100,
                                                             won.column_int(5), won.column_int(4));
  }
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
  std::tie(f.start, f.end) = report::period_bounds(period, frame);
  f.owner = frame.owner;
  f.long_period = period.last_day - period.first_day > 62;
  f.source = reader.text("source", {100}).value_or("");
  // A key or a label of the lead_source list, archived ones included (old leads keep them).
  if (!f.source.empty()) f.source = resolve_list_value(ctx.db, "lead_source", f.source, "source", true);
  f.event = reader.text("event", {200}).value_or("");
  auto cells = funnel_cells(ctx.db, frame, f);

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
