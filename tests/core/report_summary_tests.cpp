// The report summaries of schema 7 (deal_facts, lead_months, closed_months, done_months) are
// kept by triggers: after seeded random writes, deletes, conversions and sync imports they must
// equal a recount from the rows, and the reports read through them (whole months plus the
// edges' rows) must equal a direct count for periods at several UTC offsets.
#include <doctest/doctest.h>

#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/database.hpp"
#include "test_support.hpp"

using namespace kervan;
using namespace kervan::testing;

namespace {

const char* kStages[] = {"00000000-0000-4000-8000-000000000101", "00000000-0000-4000-8000-000000000102",
                         "00000000-0000-4000-8000-000000000103", "00000000-0000-4000-8000-000000000105"};
const char* kOwners[] = {"", "ayse", "mehmet"};
const char* kSources[] = {"web_form", "trade_show", "referral"};
const char* kEvents[] = {"", "Fuar A", "Fuar B"};
const char* kCurrencies[] = {"TRY", "USD", "EUR"};
constexpr int64_t kHour = 3600000;

// Each summary and the same figures counted from the rows.
struct Recount {
  const char* table;
  const char* summary;
  const char* rows;
};
const Recount kRecounts[] = {
    {"deal_facts", "SELECT deal_id, stage_id, pipeline_id, owner, currency, probability, amount, stage_entered_at, "
     "last_touch, open_due_max, has_next FROM deal_facts",
     "SELECT d.id, d.stage_id, d.pipeline_id, d.owner, d.currency, d.probability, d.amount, d.stage_entered_at, "
     "coalesce((SELECT max(max(a.created_at, a.done_at)) FROM activity_links l JOIN activities a ON a.id = "
     "l.activity_id WHERE l.entity = 'deal' AND l.record_id = d.id), ''), "
     "coalesce((SELECT max(a.due_at) FROM activity_links l JOIN activities a ON a.id = l.activity_id "
     "WHERE l.entity = 'deal' AND l.record_id = d.id AND a.done = 0), ''), "
     "EXISTS (SELECT 1 FROM activity_links l JOIN activities a ON a.id = l.activity_id WHERE l.entity = 'deal' "
     "AND l.record_id = d.id AND a.done = 0 AND a.due_at <> '') FROM deals d WHERE d.status = 'open'"},
    {"lead_months", "SELECT * FROM lead_months",
     "SELECT substr(l.created_at, 1, 7), l.owner, l.source, l.event, count(*), "
     "sum(l.status IN ('qualified', 'converted')), sum(l.status = 'converted'), "
     "sum((SELECT count(*) FROM deals d WHERE d.source_lead_id = l.id)), "
     "sum((SELECT count(*) FROM deals d WHERE d.source_lead_id = l.id AND d.status = 'won')), "
     "sum(EXISTS (SELECT 1 FROM deals d WHERE d.source_lead_id = l.id AND d.status = 'won')) "
     "FROM leads l GROUP BY 1, 2, 3, 4"},
    {"lead_won_months", "SELECT * FROM lead_won_months",
     "SELECT substr(l.created_at, 1, 7), l.owner, l.source, l.event, d.currency, d.close_base_currency, "
     "coalesce(d.close_rate_micro, 0), count(*), sum(coalesce(d.won_amount, d.amount)) "
     "FROM leads l JOIN deals d ON d.source_lead_id = l.id WHERE d.status = 'won' GROUP BY 1, 2, 3, 4, 5, 6, 7"},
    {"open_months", "SELECT * FROM open_months",
     "SELECT substr(expected_close, 1, 7), pipeline_id, owner, currency, probability, count(*), sum(amount) "
     "FROM deals WHERE status = 'open' GROUP BY 1, 2, 3, 4, 5"},
    {"closed_months", "SELECT * FROM closed_months",
     "SELECT substr(closed_at, 1, 7), owner, pipeline_id, status, currency, "
     "CASE WHEN status = 'won' THEN close_base_currency ELSE '' END, "
     "CASE WHEN status = 'won' THEN coalesce(close_rate_micro, 0) ELSE 0 END, "
     "CASE WHEN status = 'lost' THEN lost_reason ELSE '' END, count(*), "
     "sum(CASE WHEN status = 'won' THEN coalesce(won_amount, amount) ELSE amount END), "
     "sum(CAST(round((julianday(closed_at) - julianday(created_at)) * 86400000) AS INTEGER)) "
     "FROM deals WHERE status IN ('won', 'lost') GROUP BY 1, 2, 3, 4, 5, 6, 7, 8"},
    {"open_stage_sums", "SELECT * FROM open_stage_sums",
     "SELECT stage_id, pipeline_id, owner, currency, probability, count(*), sum(amount), sum(has_next = 0) "
     "FROM deal_facts GROUP BY 1, 2, 3, 4, 5"},
    {"lead_owner_months", "SELECT * FROM lead_owner_months",
     "SELECT month, owner, sum(captured), sum(qualified), sum(converted) FROM lead_months GROUP BY 1, 2"},
    {"lead_event_months", "SELECT * FROM lead_event_months",
     "SELECT month, source, event, sum(captured), sum(qualified), sum(converted), sum(deals), sum(deals_won), "
     "sum(leads_won) FROM lead_months GROUP BY 1, 2, 3"},
    {"undone_days", "SELECT * FROM undone_days",
     "SELECT substr(due_at, 1, 10), owner, count(*) FROM activities WHERE done = 0 GROUP BY 1, 2"},
    {"done_months", "SELECT * FROM done_months",
     "SELECT substr(done_at, 1, 7), owner, count(*) FROM activities WHERE done = 1 GROUP BY 1, 2"},
};

int64_t count_of(Database& db, const std::string& sql) {
  Statement st(db, "SELECT count(*) FROM (" + sql + ")");
  st.step();
  return st.column_int(0);
}

void check_summaries(Database& db, const std::string& when) {
  for (const auto& r : kRecounts) {
    INFO(r.table << " " << when);
    CHECK(count_of(db, std::string(r.summary) + " EXCEPT " + r.rows) == 0);
    CHECK(count_of(db, std::string(r.rows) + " EXCEPT " + r.summary) == 0);
    bool queued = std::string(r.table) != "deal_facts" && std::string(r.table).find("_owner_") == std::string::npos &&
                  std::string(r.table).find("_event_") == std::string::npos;
    if (queued) CHECK(count_of(db, std::string("SELECT * FROM ") + r.table + "_change") == 0);
  }
  CHECK(count_of(db, "SELECT * FROM deal_facts_refresh") == 0);
  CHECK(count_of(db, "SELECT * FROM lead_share_change") == 0);
}

class Play {
 public:
  Play(Core& core, const ManualClock& clock, unsigned seed) : core_(core), clock_(clock), rng_(seed) {}

  Json call(const std::string& name, const Json& args = Json::object()) {
    Json reply = core_.call(name, args);
    INFO(name << " " << args.dump() << " -> " << reply.dump());
    REQUIRE_FALSE(reply.contains("error"));
    return reply;
  }
  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  template <typename T, std::size_t N>
  const T& pick_of(const T (&items)[N]) {
    return items[pick(0, static_cast<int>(N) - 1)];
  }
  std::string some(const char* command, const Json& args = Json::object()) {
    Json items = call(command, args)["items"];
    if (items.empty()) return "";
    return items[pick(0, static_cast<int>(items.size()) - 1)]["id"];
  }
  std::string due() { return format_iso8601(*clock_.now + pick(-72, 72) * kHour); }

  void step() {
    clock_.advance_ms(pick(1, 200) * kHour);  // spreads the rows over months
    switch (pick(0, 13)) {
      case 0:
      case 1:
        call("lead.create", {{"name", "Kişi " + std::to_string(pick(1, 999))}, {"owner", pick_of(kOwners)},
                             {"source", pick_of(kSources)}, {"event", pick_of(kEvents)}});
        break;
      case 2: {
        std::string id = some("lead.list", {{"status", "new"}});
        if (!id.empty()) call("lead.update", {{"id", id}, {"owner", pick_of(kOwners)}, {"event", pick_of(kEvents)}});
        break;
      }
      case 3: {
        std::string id = some("lead.list", {{"status", "new"}});
        if (id.empty()) break;
        if (pick(0, 1) == 0) {
          call("lead.delete", {{"id", id}});
        } else {
          call("lead.qualify", {{"id", id}});
          if (pick(0, 1) == 0) {
            call("lead.convert", {{"id", id}, {"contact", {{"mode", "new"}}}, {"company", {{"mode", "none"}}},
                                  {"allow_duplicates", true}});
          }
        }
        break;
      }
      case 4:
      case 5: {
        Json args = {{"name", "Fırsat " + std::to_string(pick(1, 999))}, {"amount", pick(1, 1000) * 100},
                     {"currency", pick_of(kCurrencies)}, {"owner", pick_of(kOwners)}};
        if (pick(0, 3) > 0) args["expected_close"] = format_iso8601(*clock_.now + pick(-60, 120) * 24 * kHour).substr(0, 10);
        if (std::string lead = some("lead.list"); !lead.empty() && pick(0, 1) == 0) args["source_lead_id"] = lead;
        call("deal.create", args);
        break;
      }
      case 6: {
        std::string id = some("deal.list", {{"status", "open"}});
        if (id.empty()) break;
        int what = pick(0, 5);
        if (what == 0) call("deal.delete", {{"id", id}});
        else if (what == 1) call("deal.update", {{"id", id}, {"amount", pick(1, 1000) * 100}, {"owner", pick_of(kOwners)}});
        else if (what == 2) call("deal.win", {{"id", id}});
        else if (what == 3) call("deal.lose", {{"id", id}, {"reason", "price"}});
        else call("deal.move", {{"id", id}, {"stage_id", pick_of(kStages)}, {"confirm", true}});
        break;
      }
      case 7: {
        std::string id = some("deal.list", {{"status", pick(0, 1) == 0 ? "won" : "lost"}});
        if (id.empty()) break;
        if (pick(0, 1) == 0) call("deal.reopen", {{"id", id}});
        else call("deal.delete", {{"id", id}});
        break;
      }
      case 8:
      case 9: {
        std::string deal = some("deal.list");
        if (deal.empty()) break;
        Json links = {{{"entity", "deal"}, {"id", deal}}};
        if (std::string other = some("deal.list"); !other.empty() && other != deal && pick(0, 2) == 0) {
          links.push_back({{"entity", "deal"}, {"id", other}});
        }
        call("activity.create", {{"type", "task"}, {"subject", "İş " + std::to_string(pick(1, 9))},
                                 {"due_at", pick(0, 3) == 0 ? std::string() : due()}, {"done", pick(0, 3) == 0},
                                 {"owner", pick_of(kOwners)}, {"links", links}});
        break;
      }
      case 10: {
        std::string id = some("activity.list");
        if (id.empty()) break;
        int what = pick(0, 3);
        if (what == 0) call("activity.delete", {{"id", id}});
        else if (what == 1) call("activity.update", {{"id", id}, {"done", pick(0, 1) == 1}, {"owner", pick_of(kOwners)}});
        else if (what == 2) call("activity.update", {{"id", id}, {"due_at", due()}});
        else call("activity.update", {{"id", id}, {"links", Json::array()}});
        break;
      }
      case 11: {
        std::string id = some("activity.list", {{"done", false}});
        if (!id.empty()) call("activity.complete", {{"id", id}});
        break;
      }
      case 12: call("rate.set", {{"currency", pick(0, 1) == 0 ? "USD" : "EUR"}, {"per_base", std::to_string(pick(30, 40))}}); break;
      default: {
        std::string id = some("lead.list", {{"status", "qualified"}});
        if (!id.empty()) call("lead.reopen", {{"id", id}});
      }
    }
  }

 private:
  Core& core_;
  const ManualClock& clock_;
  std::mt19937 rng_;
};

// Team and funnel figures of a custom period at an offset against a direct count of the rows.
void check_period(Core& core, Database& db, const std::string& from, const std::string& to, int offset) {
  Json args = {{"period", "custom"}, {"from", from}, {"to", to}, {"utc_offset_minutes", offset}};
  Json team = core.call("report.team", args);
  Json funnel = core.call("report.funnel", args);
  Json results = core.call("report.results", args);
  REQUIRE_MESSAGE(error_code(team) == "", team.dump());
  const int64_t shift = int64_t{offset} * 60000;
  std::string start = format_iso8601(*parse_iso8601(from) - shift);
  std::string end = format_iso8601(*parse_iso8601(to) + 86400000 - shift);
  auto count = [&](const std::string& where) {
    Statement st(db, "SELECT count(*) FROM " + where);
    st.bind(1, start).bind(2, end);
    st.step();
    return st.column_int(0);
  };
  INFO(from << ".." << to << " at " << offset);
  int64_t captured = count("leads WHERE created_at >= ?1 AND created_at < ?2");
  CHECK(team["totals"]["leads"]["captured"] == captured);
  CHECK(funnel["totals"]["captured"] == captured);
  CHECK(funnel["totals"]["qualified"] ==
        count("leads WHERE created_at >= ?1 AND created_at < ?2 AND status IN ('qualified', 'converted')"));
  CHECK(team["totals"]["activities"]["completed"] == count("activities WHERE done = 1 AND done_at >= ?1 AND done_at < ?2"));
  CHECK(results["won"]["count"] == count("deals WHERE status = 'won' AND closed_at >= ?1 AND closed_at < ?2"));
  CHECK(results["lost"]["count"] == count("deals WHERE status = 'lost' AND closed_at >= ?1 AND closed_at < ?2"));
  CHECK(team["totals"]["won"] == results["won"]);
  CHECK(funnel["totals"]["deals"] ==
        count("leads l JOIN deals d ON d.source_lead_id = l.id WHERE l.created_at >= ?1 AND l.created_at < ?2"));
  CHECK(funnel["totals"]["leads_won"] ==
        count("leads l WHERE l.created_at >= ?1 AND l.created_at < ?2 AND EXISTS (SELECT 1 FROM deals d "
              "WHERE d.source_lead_id = l.id AND d.status = 'won')"));
  Json forecast = core.call("report.forecast", {{"utc_offset_minutes", offset}, {"months", 3}});
  std::string today = forecast["inputs"]["today"], to_day = forecast["inputs"]["to"];
  auto open_count = [&](const std::string& where) {
    Statement st(db, "SELECT count(*) FROM deals WHERE status = 'open' AND ?1 <> ?2 AND " + where);
    st.bind(1, today).bind(2, to_day);
    st.step();
    return st.column_int(0);
  };
  CHECK(forecast["overdue"]["count"] == open_count("expected_close <> '' AND expected_close < ?1"));
  CHECK(forecast["totals"]["open_count"] == open_count("expected_close >= ?1 AND expected_close <= ?2"));
  CHECK(forecast["later"]["count"] == open_count("expected_close > ?2"));
  CHECK(forecast["without_expected_close"]["count"] == open_count("expected_close = ''"));
  CHECK(forecast["months"][0]["open_count"] ==
        open_count("expected_close >= ?1 AND substr(expected_close, 1, 7) = substr(?1, 1, 7)"));
  for (const auto& row : team["owners"]) {
    bool something = row["leads"]["captured"] != 0 || row["activities"]["completed"] != 0 ||
                     row["activities"]["overdue"] != 0 || row["won"]["count"] != 0 || row["lost"]["count"] != 0;
    CHECK_MESSAGE(something, row.dump());
  }
}

// Takes the database back to schema 6 (drops what migrations 7 and 8 made), so opening it
// again runs migration 7's backfill over the rows already there.
void undo_migration_7(Database& db) {
  testing::undo_search_migration(db);
  std::vector<std::pair<std::string, std::string>> objects;
  {
    Statement st(db, "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view') OR name IN ("
                     "'deals_for_forecast', 'deals_for_won') OR name LIKE 'deal_facts%' OR name LIKE '%_months%' "
                     "OR name LIKE 'open_stage_sums%' OR name LIKE 'undone_days%' OR name = 'lead_share_change'");
    while (st.step()) {
      if (st.column_text(0) != "index" || st.column_text(1).find("autoindex") == std::string::npos) {
        objects.emplace_back(st.column_text(0), st.column_text(1));
      }
    }
  }
  for (const auto& [type, name] : objects) db.exec("DROP " + type + " IF EXISTS " + name);
  db.exec("PRAGMA user_version = 6");
}

}  // namespace

TEST_CASE("report summaries equal a recount after random writes, deletes, conversions and sync imports") {
  auto dir = std::filesystem::temp_directory_path() / "kervan_summary_tests";
  std::filesystem::create_directories(dir);
  for (unsigned seed = 1; seed <= 3; ++seed) {
    auto path = dir / ("main-" + std::to_string(seed) + ".db");
    std::filesystem::remove(path);
    ManualClock clock, other_clock;
    Core core(path.string(), CoreOptions{clock.source()});
    Core other(":memory:", CoreOptions{other_clock.source()});
    Database db(path.string());
    Play play(core, clock, seed);
    Play remote(other, other_clock, seed + 100);
    for (int round = 0; round < 4; ++round) {
      for (int i = 0; i < 40; ++i) play.step();
      for (int i = 0; i < 15; ++i) remote.step();
      // Rows written by sync import go straight into the tables: the triggers must see them.
      Json doc = remote.call("sync.export")["document"];
      play.call("sync.import", {{"document", doc}});
      check_summaries(db, "seed " + std::to_string(seed) + " round " + std::to_string(round));
      // Stale and without-next-step counts against deal.list, which works them out per deal.
      Json pipeline = play.call("report.pipeline")["totals"];
      CHECK(pipeline["stale_count"] == play.call("deal.list", {{"status", "open"}, {"stale", true}})["total"]);
      CHECK(pipeline["without_next_step_count"] ==
            play.call("deal.list", {{"status", "open"}, {"without_next_step", true}})["total"]);
      CHECK(pipeline["open_count"] == play.call("deal.list", {{"status", "open"}})["total"]);
      Json back = play.call("sync.export")["document"];
      remote.call("sync.import", {{"document", back}});
    }
    if (seed == 1) {
      // Migration 7 over an existing database fills the summaries from the rows.
      undo_migration_7(db);
      CHECK(count_of(db, "SELECT * FROM sqlite_master WHERE name = 'deal_facts'") == 0);
      { Core reopened(path.string(), CoreOptions{clock.source()}); }
      check_summaries(db, "after migration 7 on existing rows");
    }
    std::string today = format_iso8601(*clock.now).substr(0, 10);
    int64_t today_day = *parse_iso8601(today) / 86400000;
    for (int offset : {0, 180, -300, 330}) {
      for (int i = 0; i < 6; ++i) {
        int64_t a = today_day - play.pick(0, 120), b = a + play.pick(0, 70);
        check_period(core, db, format_iso8601(a * 86400000).substr(0, 10), format_iso8601(b * 86400000).substr(0, 10),
                     offset);
      }
    }
  }
  std::filesystem::remove_all(dir);
}
