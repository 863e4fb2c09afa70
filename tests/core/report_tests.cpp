// The report.* commands against small datasets built through the public commands; every
// expected figure is worked out by hand in the comment beside it.
#include <doctest/doctest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "core/clock.hpp"
#include "core/database.hpp"
#include "test_support.hpp"

using namespace kervan;
using namespace kervan::testing;

namespace {
const char* kPipeline = "00000000-0000-4000-8000-000000000100";
const char* kQualification = "00000000-0000-4000-8000-000000000101";
const char* kNeeds = "00000000-0000-4000-8000-000000000102";
const char* kProposal = "00000000-0000-4000-8000-000000000103";
const char* kNegotiation = "00000000-0000-4000-8000-000000000104";
const char* kContract = "00000000-0000-4000-8000-000000000105";
constexpr int64_t kDay = 86400000;

Json ok(const Json& reply) {
  REQUIRE_MESSAGE(error_code(reply) == "", reply.dump());
  return reply;
}
std::string make_deal(Core& core, Json fields) { return ok(core.call("deal.create", fields))["id"]; }
std::string make_lead(Core& core, Json fields) { return ok(core.call("lead.create", fields))["id"]; }
void set_time(const ManualClock& clock, const char* iso) { *clock.now = *parse_iso8601(iso); }

// The amount of a Money object, checking that it names the expected currency.
int64_t amount(const Json& money, const char* currency = "TRY") {
  REQUIRE_MESSAGE(money.is_object(), money.dump());
  CHECK(money["currency"] == currency);
  return money["amount"].get<int64_t>();
}

Json stage_row(const Json& report, const char* stage_id) {
  for (const auto& p : report["pipelines"]) {
    for (const auto& s : p["stages"]) {
      if (s["id"] == stage_id) return s;
    }
  }
  FAIL("stage not in report");
  return nullptr;
}
}  // namespace

TEST_CASE("report.pipeline: open deals per stage with totals and weighted totals in the base currency") {
  ManualClock clock;
  auto core = memory_core(clock);
  ok(core->call("rate.set", {{"currency", "USD"}, {"per_base", "34.25"}}));
  make_deal(*core, {{"name", "A"}, {"amount", 100000}});                                       // Qualification 10%
  make_deal(*core, {{"name", "B"}, {"amount", 20000}, {"currency", "USD"}, {"stage_id", kProposal}});  // 40%
  make_deal(*core, {{"name", "C"}, {"amount", 50000}, {"stage_id", kProposal}, {"probability", 75}});  // override
  std::string d = make_deal(*core, {{"name", "D"}, {"amount", 999900}, {"stage_id", kNegotiation}});
  ok(core->call("deal.win", {{"id", d}}));                                                      // not open
  make_deal(*core, {{"name", "E"}, {"amount", 1000}, {"currency", "EUR"}});                     // no EUR rate

  Json r = ok(core->call("report.pipeline", {}));
  CHECK(r["base_currency"] == "TRY");
  CHECK(r["empty"].is_null());
  Json q = stage_row(r, kQualification);
  CHECK(q["open_count"] == 2);                 // A and E
  CHECK(amount(q["amount"]) == 100000);        // A only: E has no rate
  CHECK(amount(q["weighted"]) == 10000);       // 100000 x 10%
  Json p = stage_row(r, kProposal);
  CHECK(p["open_count"] == 2);
  CHECK(amount(p["amount"]) == 735000);        // 20000 x 34.25 = 685000, + 50000
  CHECK(amount(p["weighted"]) == 311500);      // 685000 x 40% = 274000, + 50000 x 75% = 37500
  CHECK(stage_row(r, kNegotiation)["open_count"] == 0);  // D is won
  CHECK(amount(stage_row(r, kNegotiation)["amount"]) == 0);
  CHECK(stage_row(r, kContract)["open_count"] == 0);
  CHECK(r["totals"]["open_count"] == 4);
  CHECK(amount(r["totals"]["amount"]) == 835000);    // 100000 + 735000
  CHECK(amount(r["totals"]["weighted"]) == 321500);  // 10000 + 311500
  CHECK(r["totals"]["without_next_step_count"] == 4);  // no activities at all
  CHECK(r["totals"]["stale_count"] == 0);              // just created
  REQUIRE(r["pipelines"].size() == 1);
  CHECK(r["pipelines"][0]["id"] == kPipeline);
  CHECK(r["pipelines"][0]["stages"].size() == 5);
  CHECK(amount(r["pipelines"][0]["weighted"]) == 321500);
  REQUIRE(r["unconverted"].size() == 1);
  CHECK(r["unconverted"][0]["currency"] == "EUR");
  CHECK(r["unconverted"][0]["count"] == 1);
  CHECK(amount(r["unconverted"][0]["amount"], "EUR") == 1000);
}

TEST_CASE("report.pipeline: stale and without-next-step counts agree with deal.list") {
  ManualClock clock;
  auto core = memory_core(clock);
  auto link = [](const std::string& id) { return Json::array({{{"entity", "deal"}, {"id", id}}}); };
  std::string a = make_deal(*core, {{"name", "A"}});                          // Qualification, stale after 14 days
  std::string b = make_deal(*core, {{"name", "B"}});
  make_deal(*core, {{"name", "C"}, {"stage_id", kContract}});                 // stale after 30 days
  make_deal(*core, {{"name", "D"}});
  std::string e = make_deal(*core, {{"name", "E"}});
  // E: a task created now, due on day 12 and never done.
  ok(core->call("activity.create", {{"type", "task"}, {"subject", "Call E"}, {"due_at", "2026-12-08T09:00:00Z"},
                                    {"links", link(e)}}));
  clock.advance_ms(10 * kDay);
  // B: a call done on day 10.
  ok(core->call("activity.create", {{"type", "call"}, {"subject", "Called B"}, {"done", true}, {"links", link(b)}}));
  clock.advance_ms(5 * kDay);
  // A: on day 15 a meeting is planned two days ahead.
  ok(core->call("activity.create", {{"type", "meeting"}, {"subject", "Meet A"}, {"due_at", "2026-12-13T09:00:00Z"},
                                    {"links", link(a)}}));
  // Day 15: A has a future step (not stale); B was touched 5 days ago (not stale); C's stage
  // allows 30 days; D was never touched (15 >= 14: stale); E's task is overdue and was created
  // 15 days ago (stale). Without a next step: B (its only activity is done), C and D.
  Json r = ok(core->call("report.pipeline", {}));
  CHECK(stage_row(r, kQualification)["stale_count"] == 2);
  CHECK(stage_row(r, kQualification)["without_next_step_count"] == 2);  // B, D
  CHECK(stage_row(r, kContract)["without_next_step_count"] == 1);       // C
  CHECK(r["totals"]["stale_count"] == 2);
  CHECK(r["totals"]["without_next_step_count"] == 3);
  CHECK(r["totals"]["stale_count"] == ok(core->call("deal.list", {{"stale", true}}))["total"]);
  CHECK(r["totals"]["without_next_step_count"] == ok(core->call("deal.list", {{"without_next_step", true}}))["total"]);
  // Exactly at the limit: 14 days after B's call B becomes stale too.
  clock.advance_ms(9 * kDay);
  r = ok(core->call("report.pipeline", {}));
  CHECK(r["totals"]["stale_count"] == ok(core->call("deal.list", {{"stale", true}}))["total"]);
  CHECK(stage_row(r, kQualification)["stale_count"] == 3);  // B, D, E (A's meeting is past, made 9 days ago)
}

TEST_CASE("report.pipeline and report.forecast: owner and pipeline filters") {
  ManualClock clock;
  auto core = memory_core(clock);
  std::string other = ok(core->call("pipeline.create", {{"name", "Service"}}))["id"];
  ok(core->call("stage.add", {{"pipeline_id", other}, {"name", "Offer"}, {"probability", 50}}));
  make_deal(*core, {{"name", "A"}, {"amount", 1000}, {"owner", "ayse"}, {"expected_close", "2026-12-01"}});
  make_deal(*core, {{"name", "B"}, {"amount", 2000}, {"owner", "mehmet"}, {"expected_close", "2026-12-01"}});
  make_deal(*core, {{"name", "C"}, {"amount", 4000}, {"owner", "ayse"}, {"pipeline_id", other},
                    {"expected_close", "2026-12-01"}});
  Json r = ok(core->call("report.pipeline", {{"owner", "ayse"}}));
  CHECK(r["inputs"]["owner"] == "ayse");
  CHECK(r["totals"]["open_count"] == 2);               // A and C
  CHECK(amount(r["totals"]["amount"]) == 5000);        // 1000 + 4000
  CHECK(amount(r["totals"]["weighted"]) == 2100);      // 1000 x 10% + 4000 x 50%
  CHECK(r["pipelines"].size() == 2);
  r = ok(core->call("report.pipeline", {{"pipeline_id", other}}));
  REQUIRE(r["pipelines"].size() == 1);
  CHECK(r["pipelines"][0]["name"] == "Service");
  CHECK(amount(r["totals"]["amount"]) == 4000);
  Json f = ok(core->call("report.forecast", {{"owner", "ayse"}, {"pipeline_id", kPipeline}}));
  CHECK(f["months"][1]["month"] == "2026-12");
  CHECK(f["months"][1]["open_count"] == 1);            // A only
  CHECK(amount(f["months"][1]["unweighted"]) == 1000);
  CHECK(f["inputs"]["pipeline_id"] == kPipeline);
}

TEST_CASE("report.forecast: next months by expected close, won in the month, overdue and undated apart") {
  ManualClock clock;  // 2026-11-26T09:00Z
  auto core = memory_core(clock);
  ok(core->call("rate.set", {{"currency", "USD"}, {"per_base", "34.25"}}));
  make_deal(*core, {{"name", "F1"}, {"amount", 100000}, {"expected_close", "2026-11-30"}});  // 10%
  make_deal(*core, {{"name", "F2"}, {"amount", 20000}, {"currency", "USD"}, {"stage_id", kProposal},
                    {"expected_close", "2026-12-15"}});                                        // 40%
  make_deal(*core, {{"name", "F3"}, {"amount", 300000}, {"stage_id", kNegotiation},
                    {"expected_close", "2027-04-30"}});                                        // 70%
  make_deal(*core, {{"name", "F4"}, {"amount", 400000}, {"expected_close", "2027-05-01"}});  // after the 6 months
  make_deal(*core, {{"name", "F5"}, {"amount", 500000}, {"expected_close", "2026-11-20"}});  // overdue
  make_deal(*core, {{"name", "F6"}, {"amount", 600000}});                                     // no date
  std::string w = make_deal(*core, {{"name", "W"}, {"amount", 70000}, {"expected_close", "2027-01-10"}});
  ok(core->call("deal.win", {{"id", w}}));

  Json f = ok(core->call("report.forecast", {}));
  CHECK(f["inputs"]["months"] == 6);
  CHECK(f["inputs"]["today"] == "2026-11-26");
  CHECK(f["inputs"]["to"] == "2027-04-30");
  REQUIRE(f["months"].size() == 6);
  const char* keys[] = {"2026-11", "2026-12", "2027-01", "2027-02", "2027-03", "2027-04"};
  for (int i = 0; i < 6; ++i) CHECK(f["months"][i]["month"] == keys[i]);
  CHECK(f["months"][0]["from"] == "2026-11-01");
  CHECK(f["months"][0]["to"] == "2026-11-30");
  CHECK(f["months"][0]["open_count"] == 1);
  CHECK(amount(f["months"][0]["unweighted"]) == 100000);  // F1
  CHECK(amount(f["months"][0]["weighted"]) == 10000);     // 100000 x 10%
  CHECK(f["months"][0]["won_count"] == 1);
  CHECK(amount(f["months"][0]["won"]) == 70000);          // W, won today (its expected date does not matter)
  CHECK(amount(f["months"][1]["unweighted"]) == 685000);  // 20000 USD x 34.25
  CHECK(amount(f["months"][1]["weighted"]) == 274000);    // 685000 x 40%
  CHECK(f["months"][2]["open_count"] == 0);
  CHECK(amount(f["months"][2]["won"]) == 0);
  CHECK(amount(f["months"][5]["weighted"]) == 210000);    // 300000 x 70%
  CHECK(f["totals"]["open_count"] == 3);
  CHECK(amount(f["totals"]["unweighted"]) == 1085000);    // 100000 + 685000 + 300000
  CHECK(amount(f["totals"]["weighted"]) == 494000);       // 10000 + 274000 + 210000
  CHECK(amount(f["totals"]["won"]) == 70000);
  CHECK(f["overdue"]["count"] == 1);
  CHECK(amount(f["overdue"]["unweighted"]) == 500000);
  CHECK(amount(f["overdue"]["weighted"]) == 50000);
  CHECK(f["without_expected_close"]["count"] == 1);
  CHECK(amount(f["without_expected_close"]["unweighted"]) == 600000);
  CHECK(f["later"]["count"] == 1);
  CHECK(amount(f["later"]["unweighted"]) == 400000);

  // Two months: F3 moves to "later" too.
  f = ok(core->call("report.forecast", {{"months", 2}}));
  CHECK(f["months"].size() == 2);
  CHECK(f["later"]["count"] == 2);
  CHECK(amount(f["later"]["unweighted"]) == 700000);  // 400000 + 300000

  // The next day an expected date of today is still in the month; yesterday's is overdue.
  clock.advance_ms(4 * kDay);  // 2026-11-30
  f = ok(core->call("report.forecast", {}));
  CHECK(f["months"][0]["open_count"] == 1);  // F1 expected today
  clock.advance_ms(kDay);      // 2026-12-01: F1 is overdue now, and December is the first month
  f = ok(core->call("report.forecast", {}));
  CHECK(f["months"][0]["month"] == "2026-12");
  CHECK(f["overdue"]["count"] == 2);  // F5, F1
  CHECK(amount(f["overdue"]["unweighted"]) == 600000);
}

TEST_CASE("report.results: won and lost in the period, closing-day rate, win rate, averages, lost reasons") {
  ManualClock clock;  // 2026-11-26T09:00Z
  auto core = memory_core(clock);
  ok(core->call("rate.set", {{"currency", "USD"}, {"per_base", "30"}}));
  std::string u = make_deal(*core, {{"name", "U"}, {"amount", 10000}, {"currency", "USD"}});
  ok(core->call("deal.win", {{"id", u}}));  // 10000 x 30 = 300000, at this rate for good
  ok(core->call("rate.set", {{"currency", "USD"}, {"per_base", "40"}}));
  std::string t = make_deal(*core, {{"name", "T"}, {"amount", 50000}});
  std::string l1 = make_deal(*core, {{"name", "L1"}, {"amount", 20000}, {"currency", "USD"}});
  std::string l2 = make_deal(*core, {{"name", "L2"}, {"amount", 1000}});
  ok(core->call("deal.lose", {{"id", l1}, {"reason", "price"}}));       // 20000 x 40 = 800000
  ok(core->call("deal.lose", {{"id", l2}, {"reason", "competitor"}}));  // 1000
  clock.advance_ms(2 * kDay);
  ok(core->call("deal.win", {{"id", t}, {"amount", 60000}}));  // final amount, two days after creation

  Json r = ok(core->call("report.results", {}));
  CHECK(r["inputs"]["period"] == "this_month");
  CHECK(r["inputs"]["from"] == "2026-11-01");
  CHECK(r["inputs"]["to"] == "2026-11-30");
  CHECK(r["empty"].is_null());
  CHECK(r["won"]["count"] == 2);
  CHECK(amount(r["won"]["amount"]) == 360000);  // 300000 + 60000
  CHECK(r["lost"]["count"] == 2);
  CHECK(amount(r["lost"]["amount"]) == 801000);  // 800000 + 1000
  CHECK(r["win_rate"].get<double>() == doctest::Approx(0.5));  // 2 / (2 + 2)
  CHECK(amount(r["average_won"]) == 180000);     // 360000 / 2
  CHECK(r["average_cycle_days"].get<double>() == doctest::Approx(1.0));  // (0 + 2) / 2
  REQUIRE(r["lost_reasons"].size() == 2);
  CHECK(r["lost_reasons"][0]["key"] == "price");  // same count, larger amount first
  CHECK(r["lost_reasons"][0]["label_en"] == "Price");
  CHECK(r["lost_reasons"][0]["label_tr"] == "Fiyat");
  CHECK(amount(r["lost_reasons"][0]["amount"]) == 800000);
  CHECK(r["lost_reasons"][1]["key"] == "competitor");
  CHECK(r["lost_reasons"][1]["count"] == 1);

  // A rate change later does not move the won figures (closing-day rate), only the lost ones.
  ok(core->call("rate.set", {{"currency", "USD"}, {"per_base", "50"}}));
  r = ok(core->call("report.results", {}));
  CHECK(amount(r["won"]["amount"]) == 360000);
  CHECK(amount(r["lost"]["amount"]) == 1001000);  // 20000 x 50 + 1000

  // Owner filter: nobody owns these deals, so "ayse" has none at all.
  r = ok(core->call("report.results", {{"owner", "ayse"}}));
  CHECK(r["empty"] == "no_deals");
  CHECK(r["win_rate"].is_null());
  CHECK(r["average_won"].is_null());
  CHECK(r["average_cycle_days"].is_null());
  // Last month had no closed deal.
  r = ok(core->call("report.results", {{"period", "last_month"}}));
  CHECK(r["empty"] == "no_closed_deals_in_period");
  CHECK(r["won"]["count"] == 0);
  CHECK(r["win_rate"].is_null());
}

TEST_CASE("periods: month, quarter and year boundaries follow the local day of utc_offset_minutes") {
  ManualClock clock;
  auto core = memory_core(clock);
  set_time(clock, "2026-09-01T08:00:00Z");
  std::string q3 = make_deal(*core, {{"name", "Q3"}, {"amount", 1000}});
  std::string x = make_deal(*core, {{"name", "X"}, {"amount", 2000}});
  set_time(clock, "2026-09-30T23:00:00Z");  // Sep 30 in UTC, Oct 1 02:00 in Turkey
  ok(core->call("deal.win", {{"id", q3}}));
  set_time(clock, "2026-11-30T22:30:00Z");  // Nov 30 in UTC, Dec 1 01:30 in Turkey
  ok(core->call("deal.win", {{"id", x}}));
  set_time(clock, "2026-12-05T09:00:00Z");

  auto won = [&](Json args) { return ok(core->call("report.results", args))["won"]["count"].get<int>(); };
  CHECK(won({{"period", "this_month"}}) == 0);
  CHECK(won({{"period", "last_month"}}) == 1);                                   // X in November (UTC)
  CHECK(won({{"period", "this_month"}, {"utc_offset_minutes", 180}}) == 1);      // X on Dec 1 in Turkey
  CHECK(won({{"period", "last_month"}, {"utc_offset_minutes", 180}}) == 0);
  CHECK(won({{"period", "this_quarter"}}) == 1);                                 // X only (Oct-Dec)
  CHECK(won({{"period", "this_quarter"}, {"utc_offset_minutes", 180}}) == 2);    // Q3's win is Oct 1 there
  CHECK(won({{"period", "last_quarter"}}) == 1);                                 // Q3 on Sep 30 UTC
  CHECK(won({{"period", "last_quarter"}, {"utc_offset_minutes", 180}}) == 0);
  CHECK(won({{"period", "this_year"}}) == 2);
  CHECK(won({{"period", "custom"}, {"from", "2026-11-30"}, {"to", "2026-11-30"}}) == 1);
  CHECK(won({{"period", "custom"}, {"from", "2026-11-30"}, {"to", "2026-11-30"}, {"utc_offset_minutes", 180}}) == 0);
  CHECK(won({{"from", "2026-12-01"}, {"to", "2026-12-01"}, {"utc_offset_minutes", 180}}) == 1);  // custom implied

  // The forecast's "won in the month" uses the same local days.
  CHECK(ok(core->call("report.forecast", {}))["months"][0]["won_count"] == 0);  // X is November's in UTC
  Json f = ok(core->call("report.forecast", {{"utc_offset_minutes", 180}}));
  CHECK(f["months"][0]["month"] == "2026-12");
  CHECK(f["months"][0]["won_count"] == 1);
  CHECK(amount(f["months"][0]["won"]) == 2000);

  Json in = ok(core->call("report.results", {{"period", "this_quarter"}}))["inputs"];
  CHECK(in["from"] == "2026-10-01");
  CHECK(in["to"] == "2026-12-31");
  in = ok(core->call("report.results", {{"period", "last_quarter"}}))["inputs"];
  CHECK(in["from"] == "2026-07-01");
  CHECK(in["to"] == "2026-09-30");
  CHECK(in["utc_offset_minutes"] == 0);
  in = ok(core->call("report.results", {{"from", "2026-11-30"}, {"to", "2026-11-30"}}))["inputs"];
  CHECK(in["period"] == "custom");

  // Across the year: in January last month and last quarter are in the year before.
  set_time(clock, "2027-01-10T09:00:00Z");
  in = ok(core->call("report.results", {{"period", "last_month"}}))["inputs"];
  CHECK(in["from"] == "2026-12-01");
  CHECK(in["to"] == "2026-12-31");
  in = ok(core->call("report.results", {{"period", "last_quarter"}}))["inputs"];
  CHECK(in["from"] == "2026-10-01");
  CHECK(in["to"] == "2026-12-31");
  in = ok(core->call("report.results", {{"period", "this_year"}}))["inputs"];
  CHECK(in["from"] == "2027-01-01");
  CHECK(in["to"] == "2027-12-31");
  // The local day turns before UTC's: at 22:00 UTC on Dec 31 it is already January in Turkey.
  set_time(clock, "2026-12-31T22:00:00Z");
  in = ok(core->call("report.results", {{"utc_offset_minutes", 180}}))["inputs"];
  CHECK(in["from"] == "2027-01-01");
  in = ok(core->call("report.results", {{"utc_offset_minutes", -300}}))["inputs"];
  CHECK(in["from"] == "2026-12-01");
}

TEST_CASE("report.team: results, leads and activities per owner, and the owner filter") {
  ManualClock clock;  // 2026-11-26T09:00Z
  auto core = memory_core(clock);
  std::string a1 = make_lead(*core, {{"name", "Ali Veli"}, {"owner", "ayse"}});
  std::string a2 = make_lead(*core, {{"name", "Can Demir"}, {"owner", "ayse"}});
  make_lead(*core, {{"name", "Deniz Kaya"}, {"owner", "ayse"}});
  make_lead(*core, {{"name", "Ece Yıldız"}, {"owner", "mehmet"}});
  ok(core->call("lead.qualify", {{"id", a1}}));
  ok(core->call("lead.qualify", {{"id", a2}}));
  ok(core->call("lead.convert", {{"id", a2}, {"contact", {{"mode", "new"}}}, {"company", {{"mode", "none"}}}}));
  ok(core->call("activity.create", {{"type", "call"}, {"subject", "Done"}, {"owner", "ayse"}, {"done", true}}));
  ok(core->call("activity.create",
                {{"type", "task"}, {"subject", "Late"}, {"owner", "ayse"}, {"due_at", "2026-11-25T09:00:00Z"}}));
  ok(core->call("activity.create",
                {{"type", "task"}, {"subject", "Tomorrow"}, {"owner", "mehmet"}, {"due_at", "2026-11-27T09:00:00Z"}}));
  std::string w = make_deal(*core, {{"name", "W"}, {"amount", 100000}, {"owner", "ayse"}});
  std::string l = make_deal(*core, {{"name", "L"}, {"amount", 5000}, {"owner", "mehmet"}});
  ok(core->call("deal.win", {{"id", w}}));
  ok(core->call("deal.lose", {{"id", l}, {"reason", "timing"}}));

  Json r = ok(core->call("report.team", {}));
  REQUIRE(r["owners"].size() == 2);
  Json ayse = r["owners"][0];
  CHECK(ayse["owner"] == "ayse");
  CHECK(ayse["won"]["count"] == 1);
  CHECK(amount(ayse["won"]["amount"]) == 100000);
  CHECK(ayse["win_rate"].get<double>() == doctest::Approx(1.0));  // 1 / (1 + 0)
  CHECK(amount(ayse["average_won"]) == 100000);
  CHECK(ayse["leads"]["captured"] == 3);
  CHECK(ayse["leads"]["qualified"] == 2);  // a1 qualified, a2 qualified then converted
  CHECK(ayse["leads"]["converted"] == 1);
  CHECK(ayse["activities"]["completed"] == 1);
  CHECK(ayse["activities"]["overdue"] == 1);
  Json mehmet = r["owners"][1];
  CHECK(mehmet["owner"] == "mehmet");
  CHECK(mehmet["won"]["count"] == 0);
  CHECK(mehmet["lost"]["count"] == 1);
  CHECK(amount(mehmet["lost"]["amount"]) == 5000);
  CHECK(mehmet["win_rate"].get<double>() == doctest::Approx(0.0));  // 0 / (0 + 1)
  CHECK(mehmet["average_won"].is_null());
  CHECK(mehmet["leads"]["captured"] == 1);
  CHECK(mehmet["activities"]["overdue"] == 0);  // due tomorrow
  CHECK(r["totals"]["won"]["count"] == 1);
  CHECK(r["totals"]["win_rate"].get<double>() == doctest::Approx(0.5));  // 1 / (1 + 1)
  CHECK(r["totals"]["leads"]["captured"] == 4);
  CHECK(r["totals"]["leads"]["qualified"] == 2);
  CHECK(r["totals"]["activities"]["completed"] == 1);

  Json year = ok(core->call("report.team", {{"period", "this_year"}}));  // read through other indexes
  CHECK(year["owners"] == r["owners"]);
  r = ok(core->call("report.team", {{"owner", "mehmet"}}));
  REQUIRE(r["owners"].size() == 1);
  CHECK(r["owners"][0]["owner"] == "mehmet");
  CHECK(r["totals"]["leads"]["captured"] == 1);
  CHECK(r["inputs"]["owner"] == "mehmet");
  // Next month nothing was done, but ayse's late task is still overdue.
  clock.advance_ms(10 * kDay);  // 2026-12-06
  r = ok(core->call("report.team", {}));
  REQUIRE(r["owners"].size() == 2);
  CHECK(r["owners"][0]["activities"]["overdue"] == 1);  // ayse's "Late"
  CHECK(r["owners"][1]["activities"]["overdue"] == 1);  // mehmet's "Tomorrow" is past by now
  CHECK(r["totals"]["leads"]["captured"] == 0);
  CHECK(r["totals"]["won"]["count"] == 0);
  CHECK(r["empty"].is_null());
}

TEST_CASE("report.funnel: the cohort of leads captured in the period, per source and per event") {
  ManualClock clock;
  auto core = memory_core(clock);
  set_time(clock, "2026-10-15T09:00:00Z");
  make_lead(*core, {{"name", "Old Visitor"}, {"source", "trade_show"}, {"event", "CeBIT 2026"}});
  set_time(clock, "2026-11-26T09:00:00Z");
  std::string l1 = make_lead(*core, {{"name", "Lead Bir"}, {"source", "trade_show"}, {"event", "CeBIT 2026"}});
  std::string l2 = make_lead(*core, {{"name", "Lead İki"}, {"source", "Trade show"}, {"event", "CeBIT 2026"}});
  make_lead(*core, {{"name", "Lead Üç"}, {"source", "trade_show"}, {"event", "CeBIT 2026"}});
  std::string l4 = make_lead(*core, {{"name", "Lead Dört"}, {"source", "web_form"}});
  std::string l5 = make_lead(*core, {{"name", "Lead Beş"}, {"source", "web_form"}});
  for (const auto& id : {l1, l2, l4}) ok(core->call("lead.qualify", {{"id", id}}));
  for (const auto& id : {l1, l4}) {
    ok(core->call("lead.convert", {{"id", id}, {"contact", {{"mode", "new"}}}, {"company", {{"mode", "none"}}}}));
  }
  ok(core->call("lead.disqualify", {{"id", l5}, {"reason", "no_budget"}}));
  ok(core->call("rate.set", {{"currency", "USD"}, {"per_base", "35"}}));
  std::string d1 = make_deal(*core, {{"name", "D1"}, {"amount", 100000}, {"source_lead_id", l1}});
  std::string d2 = make_deal(*core, {{"name", "D2"}, {"amount", 20000}, {"source_lead_id", l1}});
  std::string d3 = make_deal(*core, {{"name", "D3"}, {"amount", 5000}, {"currency", "USD"}, {"source_lead_id", l4}});
  ok(core->call("deal.win", {{"id", d1}}));
  ok(core->call("deal.win", {{"id", d2}}));
  ok(core->call("deal.lose", {{"id", d3}, {"reason", "price"}}));

  Json r = ok(core->call("report.funnel", {}));
  CHECK(r["cohort"] == "captured_in_period");
  Json t = r["totals"];
  CHECK(t["captured"] == 5);   // the October visitor is not in November's cohort
  CHECK(t["qualified"] == 3);  // l1, l2, l4 (converted leads were qualified)
  CHECK(t["converted"] == 2);  // l1, l4
  CHECK(t["deals"] == 3);      // d1, d2 from l1; d3 from l4
  CHECK(t["deals_won"] == 2);
  CHECK(t["leads_won"] == 1);  // l1
  CHECK(amount(t["won"]) == 120000);  // 100000 + 20000
  CHECK(t["rates"]["qualified"].get<double>() == doctest::Approx(0.6));      // 3 / 5
  CHECK(t["rates"]["converted"].get<double>() == doctest::Approx(2.0 / 3));  // 2 / 3
  CHECK(t["rates"]["won"].get<double>() == doctest::Approx(0.5));            // 1 / 2
  CHECK(t["rates"]["overall"].get<double>() == doctest::Approx(0.2));        // 1 / 5
  REQUIRE(r["by_source"].size() == 2);
  Json show = r["by_source"][0];  // most leads first
  CHECK(show["source"] == "trade_show");
  CHECK(show["label_en"] == "Trade show");
  CHECK(show["label_tr"] == "Fuar");
  CHECK(show["captured"] == 3);
  CHECK(show["qualified"] == 2);
  CHECK(show["converted"] == 1);
  CHECK(amount(show["won"]) == 120000);
  Json web = r["by_source"][1];
  CHECK(web["source"] == "web_form");
  CHECK(web["captured"] == 2);
  CHECK(web["deals"] == 1);
  CHECK(web["deals_won"] == 0);
  CHECK(amount(web["won"]) == 0);
  CHECK(web["rates"]["won"].get<double>() == doctest::Approx(0.0));  // 0 / 1 converted
  REQUIRE(r["by_event"].size() == 2);
  CHECK(r["by_event"][0]["event"] == "CeBIT 2026");
  CHECK(r["by_event"][0]["captured"] == 3);
  CHECK(r["by_event"][1]["event"] == "");

  // The trade show's return over both months.
  r = ok(core->call("report.funnel", {{"event", "CeBIT 2026"}, {"from", "2026-10-01"}, {"to", "2026-11-30"}}));
  CHECK(r["totals"]["captured"] == 4);
  CHECK(r["totals"]["leads_won"] == 1);
  CHECK(amount(r["totals"]["won"]) == 120000);
  CHECK(r["inputs"]["event"] == "CeBIT 2026");
  // A year is read another way (whole covering index, joined from the deals): same answers.
  r = ok(core->call("report.funnel", {{"period", "this_year"}}));
  CHECK(r["totals"]["captured"] == 6);  // the five plus October's visitor
  CHECK(r["totals"]["qualified"] == 3);
  CHECK(r["totals"]["deals"] == 3);
  CHECK(r["totals"]["deals_won"] == 2);
  CHECK(r["totals"]["leads_won"] == 1);
  CHECK(amount(r["totals"]["won"]) == 120000);
  CHECK(r["by_event"][0]["captured"] == 4);
  r = ok(core->call("report.funnel", {{"source", "Web form"}}));  // a label works as the key
  CHECK(r["inputs"]["source"] == "web_form");
  CHECK(r["totals"]["captured"] == 2);
  CHECK(r["totals"]["rates"]["won"].get<double>() == doctest::Approx(0.0));
  r = ok(core->call("report.funnel", {{"period", "last_month"}}));
  CHECK(r["totals"]["captured"] == 1);
  CHECK(r["totals"]["rates"]["converted"].is_null());  // 0 qualified: no rate
  CHECK(error_field(core->call("report.funnel", {{"source", "carrier pigeon"}})) == "source");
}

TEST_CASE("report.snapshot and report.forecast_history: past forecasts against what was won") {
  ManualClock clock;  // 2026-11-26T09:00Z
  auto core = memory_core(clock);
  make_deal(*core, {{"name", "A"}, {"amount", 100000}, {"expected_close", "2026-12-10"}});  // 10%
  std::string b = make_deal(*core, {{"name", "B"}, {"amount", 200000}, {"stage_id", kContract},
                                    {"expected_close", "2026-11-28"}});                   // 90%
  std::string w = make_deal(*core, {{"name", "W"}, {"amount", 50000}});
  ok(core->call("deal.win", {{"id", w}}));

  Json s = ok(core->call("report.snapshot", {{"if_month_turned", true}}));
  CHECK(s["taken"] == true);
  CHECK(s["snapshot"]["kind"] == "monthly");
  CHECK(s["snapshot"]["month"] == "2026-11");
  REQUIRE(s["snapshot"]["months"].size() == 6);
  Json nov = s["snapshot"]["months"][0];
  CHECK(nov["open_count"] == 1);
  CHECK(amount(nov["unweighted"]) == 200000);
  CHECK(amount(nov["weighted"]) == 180000);    // 200000 x 90%
  CHECK(amount(nov["won_before"]) == 50000);   // W, won before the snapshot
  CHECK(amount(s["snapshot"]["months"][1]["weighted"]) == 10000);  // A: 100000 x 10%
  Json again = ok(core->call("report.snapshot", {{"if_month_turned", true}}));
  CHECK(again["taken"] == false);
  CHECK(again["reason"] == "already_taken_this_month");
  CHECK(again["snapshot"]["id"] == s["snapshot"]["id"]);
  clock.advance_ms(60000);
  CHECK(ok(core->call("report.snapshot", {}))["snapshot"]["kind"] == "manual");

  set_time(clock, "2026-11-28T10:00:00Z");
  ok(core->call("deal.win", {{"id", b}, {"amount", 210000}}));
  set_time(clock, "2026-12-02T09:00:00Z");
  CHECK(ok(core->call("report.snapshot", {{"if_month_turned", true}}))["taken"] == true);  // December's

  Json h = ok(core->call("report.forecast_history", {}));
  REQUIRE(h["snapshots"].size() == 3);
  CHECK(h["snapshots"][0]["month"] == "2026-12");  // newest first
  CHECK(h["snapshots"][1]["kind"] == "manual");
  Json first = h["snapshots"][2];
  CHECK(first["kind"] == "monthly");
  CHECK(first["comparable"] == true);
  Json m0 = first["months"][0];
  CHECK(m0["month"] == "2026-11");
  CHECK(m0["state"] == "past");
  CHECK(amount(m0["expected"]) == 230000);    // 50000 won before + 180000 weighted
  CHECK(amount(m0["actual_won"]) == 260000);  // W 50000 + B 210000
  CHECK(m0["actual_count"] == 2);
  CHECK(amount(m0["difference"]) == 30000);
  CHECK(m0["accuracy"].get<double>() == doctest::Approx(260000.0 / 230000.0));
  Json m1 = first["months"][1];
  CHECK(m1["state"] == "current");
  CHECK(amount(m1["expected"]) == 10000);
  CHECK(amount(m1["actual_won"]) == 0);
  CHECK(amount(m1["difference"]) == -10000);
  CHECK(first["months"][2]["state"] == "future");
  CHECK(first["months"][2]["difference"].is_null());
  CHECK(amount(first["past_totals"]["expected"]) == 230000);
  CHECK(amount(first["past_totals"]["actual_won"]) == 260000);

  h = ok(core->call("report.forecast_history", {{"owner", "nobody"}, {"limit", 1}}));
  REQUIRE(h["snapshots"].size() == 1);
  CHECK(amount(h["snapshots"][0]["months"][0]["expected"]) == 0);
  CHECK(h["snapshots"][0]["months"][0]["accuracy"].is_null());  // nothing expected: no ratio

  // Under another base currency old snapshots are shown but not compared.
  ok(core->call("rate.set_base", {{"currency", "USD"}}));
  h = ok(core->call("report.forecast_history", {}));
  CHECK(h["snapshots"][2]["comparable"] == false);
  CHECK(h["snapshots"][2]["months"][0]["difference"].is_null());
  CHECK(h["snapshots"][2]["base_currency"] == "TRY");
  CHECK(amount(h["snapshots"][2]["months"][0]["expected"]) == 230000);
}

TEST_CASE("migration 9 turns the snapshots already taken into lines that forecast_history sums the same") {
  auto path = (std::filesystem::temp_directory_path() / "kervan-test-snapshot-lines.db").string();
  std::filesystem::remove(path);
  ManualClock clock;  // 2026-11-26T09:00Z
  Json before, before_owner;
  auto history = [](Core& core, Json args) {
    Json h = ok(core.call("report.forecast_history", args));
    h.erase("generated_at");
    return h;
  };
  {
    Core core(path, CoreOptions{clock.source()});
    make_deal(core, {{"name", "A"}, {"amount", 100000}, {"expected_close", "2026-12-10"}, {"owner", "Işıl"}});
    make_deal(core, {{"name", "B"}, {"amount", 200000}, {"stage_id", kContract}, {"expected_close", "2026-11-28"}});
    ok(core.call("report.snapshot", {{"if_month_turned", true}}));
    set_time(clock, "2026-12-02T09:00:00Z");
    ok(core.call("report.snapshot", {{"if_month_turned", true}}));
    before = history(core, Json::object());
    before_owner = history(core, {{"owner", "Işıl"}});
    CHECK(amount(before_owner["snapshots"][1]["months"][1]["expected"]) == 10000);  // A: 100000 x 10%, December
  }
  {
    Database db(path);
    testing::undo_snapshot_lines_migration(db);
    db.exec("PRAGMA user_version = 8");
  }
  Core core(path, CoreOptions{clock.source()});
  CHECK(history(core, Json::object()) == before);
  CHECK(history(core, {{"owner", "Işıl"}}) == before_owner);
  std::filesystem::remove(path);
}

TEST_CASE("migration 11 drops a version-10 database's JSON view and trigger; snapshots still get their lines") {
  auto path = (std::filesystem::temp_directory_path() / "kervan-test-snapshot-lines-v10.db").string();
  std::filesystem::remove(path);
  ManualClock clock;  // 2026-11-26T09:00Z
  {
    Core core(path, CoreOptions{clock.source()});
    make_deal(core, {{"name", "A"}, {"amount", 100000}, {"expected_close", "2026-12-10"}, {"owner", "Işıl"}});
    ok(core.call("report.snapshot", Json::object()));
  }
  {
    // What migration 9 created in a version-10 database (SQLite parses it without resolving
    // json_each, so it can be created here, where it could not run).
    Database db(path);
    db.exec(R"sql(
      CREATE VIEW forecast_snapshot_lines_in_json AS
        SELECT s.id AS snapshot_id, coalesce(e.value ->> 'month', ''), coalesce(e.value ->> 'pipeline_id', ''),
               coalesce(e.value ->> 'owner', ''), coalesce(e.value ->> 'count', 0),
               coalesce(e.value ->> 'unweighted', 0), coalesce(e.value ->> 'weighted', 0),
               coalesce(e.value ->> 'won', 0)
        FROM forecast_snapshots s, json_each(s.lines) e WHERE e.type = 'object';
      CREATE TRIGGER forecast_snapshot_lines_insert AFTER INSERT ON forecast_snapshots BEGIN
        INSERT INTO forecast_snapshot_lines SELECT * FROM forecast_snapshot_lines_in_json WHERE snapshot_id = NEW.id;
      END;
      PRAGMA user_version = 10;
    )sql");
  }
  Core core(path, CoreOptions{clock.source()});
  Json before = ok(core.call("report.forecast_history", Json::object()));
  set_time(clock, "2026-12-02T09:00:00Z");
  ok(core.call("report.snapshot", Json::object()));
  Json after = ok(core.call("report.forecast_history", Json::object()));
  REQUIRE(after["snapshots"].size() == 2);
  for (const char* key : {"forecast_unweighted", "forecast_weighted", "expected"}) {
    CHECK(after["snapshots"][1]["months"][1][key] == before["snapshots"][0]["months"][1][key]);
  }
  CHECK(amount(after["snapshots"][0]["months"][0]["expected"]) == 10000);  // A: 100000 x 10%, December
  Database db(path);
  Statement st(db, "SELECT count(*) FROM sqlite_schema WHERE name IN ('forecast_snapshot_lines_in_json', "
                   "'forecast_snapshot_lines_insert')");
  st.step();
  CHECK(st.column_int(0) == 0);
  std::filesystem::remove(path);
}

TEST_CASE("empty states say why instead of showing zeros or NaN") {
  auto core = memory_core();
  Json p = ok(core->call("report.pipeline", {}));
  CHECK(p["empty"] == "no_open_deals");
  CHECK(p["pipelines"].size() == 1);  // the stages are still listed
  CHECK(ok(core->call("report.forecast", {}))["empty"] == "no_open_deals");
  Json r = ok(core->call("report.results", {}));
  CHECK(r["empty"] == "no_deals");
  CHECK(r["win_rate"].is_null());
  CHECK(r["lost_reasons"].empty());
  Json t = ok(core->call("report.team", {}));
  CHECK(t["empty"] == "nothing_in_period");
  CHECK(t["totals"]["win_rate"].is_null());
  Json f = ok(core->call("report.funnel", {}));
  CHECK(f["empty"] == "no_leads_in_period");
  CHECK(f["totals"]["rates"]["qualified"].is_null());
  CHECK(f["totals"]["rates"]["overall"].is_null());
  CHECK(ok(core->call("report.forecast_history", {}))["empty"] == "no_snapshots");
  std::string dump = r.dump() + t.dump() + f.dump();
  CHECK(dump.find("NaN") == std::string::npos);
  CHECK(dump.find("nan") == std::string::npos);
}

TEST_CASE("bad report arguments are refused naming the field, and nothing is written") {
  auto core = memory_core();
  auto field = [&](const char* name, Json args) { return error_field(core->call(name, args)); };
  CHECK(field("report.results", {{"period", "next_month"}}) == "period");
  CHECK(field("report.results", {{"period", "custom"}, {"to", "2026-11-30"}}) == "from");
  CHECK(field("report.results", {{"period", "custom"}, {"from", "2026-11-30"}}) == "to");
  CHECK(field("report.results", {{"period", "custom"}, {"from", "2026-02-30"}, {"to", "2026-03-01"}}) == "from");
  CHECK(field("report.results", {{"from", "2026-11-30"}, {"to", "30.11.2026"}}) == "to");
  CHECK(field("report.results", {{"from", "2026-12-01"}, {"to", "2026-11-30"}}) == "to");
  CHECK(field("report.results", {{"period", "this_month"}, {"from", "2026-12-01"}}) == "from");
  CHECK(field("report.results", {{"utc_offset_minutes", 900}}) == "utc_offset_minutes");
  CHECK(field("report.results", {{"utc_offset_minutes", "180"}}) == "utc_offset_minutes");
  CHECK(field("report.results", {{"pipeline_id", "nope"}}) == "pipeline_id");
  CHECK(error_code(core->call("report.results", {{"pipeline_id", "nope"}})) == "not_found");
  CHECK(field("report.team", {{"perod", "this_month"}}) == "perod");
  CHECK(field("report.funnel", {{"period", 3}}) == "period");
  CHECK(field("report.forecast", {{"months", 0}}) == "months");
  CHECK(field("report.forecast", {{"months", 25}}) == "months");
  CHECK(field("report.forecast", {{"pipeline_id", "nope"}}) == "pipeline_id");
  CHECK(field("report.pipeline", {{"owner", 5}}) == "owner");
  CHECK(field("report.forecast_history", {{"limit", 0}}) == "limit");
  CHECK(field("report.snapshot", {{"months", 30}}) == "months");
  CHECK(field("report.snapshot", {{"if_month_turned", "yes"}}) == "if_month_turned");
  CHECK(ok(core->call("report.forecast_history", {}))["empty"] == "no_snapshots");  // nothing was stored
}

TEST_CASE("the report commands are listed") {
  auto core = memory_core();
  std::string names = ok(core->call("app.commands", {})).dump();
  for (const char* name : {"report.pipeline", "report.forecast", "report.results", "report.team", "report.funnel",
                           "report.forecast_history", "report.snapshot"}) {
    CHECK(names.find(name) != std::string::npos);
  }
}

// ---- benchmark (not run by default: ./kervan_core_tests -tc='*bench*' --no-skip) ------------

namespace {

// A small deterministic generator, so every run fills the same data.
struct Lcg {
  uint64_t state = 42;
  uint64_t next(uint64_t bound) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return (state >> 33) % bound;
  }
};

// Fills the database with leads, deals, activities and their links, straight through SQL (the
// commands would take minutes for this much); values look like what the commands store.
void fill_bench_data(Database& db, int leads, int deals, int activities) {
  Lcg rng;
  const int64_t now = 1795683600000LL;  // 2026-11-26T09:00Z
  auto when = [&](int64_t spread_days) { return format_iso8601(now - static_cast<int64_t>(rng.next(spread_days * 86400)) * 1000); };
  const char* sources[] = {"web_form", "trade_show", "referral", "price_inquiry", "phone_call", "other"};
  const char* statuses[] = {"new", "working", "qualified", "unqualified", "converted"};
  const char* stages[] = {kQualification, kNeeds, kProposal, kNegotiation, kContract};
  const int probabilities[] = {10, 20, 40, 70, 90};
  const char* currencies[] = {"TRY", "TRY", "TRY", "USD", "EUR"};
  const char* reasons[] = {"price", "competitor", "no_budget", "no_decision", "timing", "other"};
  Transaction tx(db);
  db.exec("INSERT INTO rates(id, currency, per_base_micro, created_at, updated_at) VALUES "
          "('r1', 'USD', 34250000, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'), "
          "('r2', 'EUR', 36500000, '2026-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z')");
  Statement lead(db, "INSERT INTO leads(id, name, source, event, owner, status, converted_at, created_at, updated_at) "
                     "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8)");
  for (int i = 0; i < leads; ++i) {
    std::string status = statuses[rng.next(5)];
    std::string created = when(730);
    lead.bind(1, "lead-" + std::to_string(i)).bind(2, "Lead " + std::to_string(i)).bind(3, sources[rng.next(6)]);
    lead.bind(4, rng.next(3) == 0 ? "Fair " + std::to_string(rng.next(20)) : std::string());
    lead.bind(5, "owner" + std::to_string(rng.next(10))).bind(6, status);
    lead.bind(7, status == "converted" ? created : std::string()).bind(8, created);
    lead.run();
    lead.reset();
  }
  Statement deal(db,
                 "INSERT INTO deals(id, name, owner, pipeline_id, stage_id, amount, currency, probability, expected_close, "
                 "status, lost_reason, closed_at, won_amount, close_rate_micro, close_base_currency, source_lead_id, "
                 "stage_entered_at, created_at, updated_at) "
                 "VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?17, ?17)");
  for (int i = 0; i < deals; ++i) {
    int stage = static_cast<int>(rng.next(5));
    uint64_t roll = rng.next(100);
    std::string status = roll < 60 ? "open" : roll < 85 ? "won" : "lost";
    std::string currency = currencies[rng.next(5)];
    int64_t amount = static_cast<int64_t>(rng.next(10000000)) * 100;
    std::string created = when(540);
    deal.bind(1, "deal-" + std::to_string(i)).bind(2, "Deal " + std::to_string(i));
    deal.bind(3, "owner" + std::to_string(rng.next(10))).bind(4, kPipeline).bind(5, stages[stage]);
    deal.bind(6, amount).bind(7, currency).bind(8, probabilities[stage]);
    deal.bind(9, rng.next(10) == 0 ? std::string() : format_iso8601(now + (static_cast<int64_t>(rng.next(360)) - 120) * kDay).substr(0, 10));
    deal.bind(10, status).bind(11, status == "lost" ? reasons[rng.next(6)] : "");
    deal.bind(12, status == "open" ? std::string() : when(365));
    if (status == "won") {
      deal.bind(13, amount).bind(14, currency == "TRY" ? 1000000 : currency == "USD" ? 33000000 : 35000000).bind(15, "TRY");
    } else {
      deal.bind_null(13).bind_null(14).bind(15, "");
    }
    if (rng.next(2) == 0) deal.bind(16, "lead-" + std::to_string(rng.next(static_cast<uint64_t>(leads))));
    else deal.bind_null(16);
    deal.bind(17, created);
    deal.run();
    deal.reset();
  }
  Statement activity(db, "INSERT INTO activities(id, type, subject, due_at, done, done_at, owner, created_at, updated_at) "
                         "VALUES(?1, 'task', 'Task', ?2, ?3, ?4, ?5, ?6, ?6)");
  Statement link(db, "INSERT INTO activity_links(id, activity_id, entity, record_id, created_at, updated_at) "
                     "VALUES(?1, ?2, ?3, ?4, ?5, ?5)");
  for (int i = 0; i < activities; ++i) {
    bool done = rng.next(10) < 7;
    std::string created = when(365);
    std::string id = "act-" + std::to_string(i);
    activity.bind(1, id).bind(2, format_iso8601(now + (static_cast<int64_t>(rng.next(120)) - 90) * kDay));
    activity.bind(3, done ? 1 : 0).bind(4, done ? created : std::string());
    activity.bind(5, "owner" + std::to_string(rng.next(10))).bind(6, created);
    activity.run();
    activity.reset();
    bool on_deal = rng.next(10) < 6;
    link.bind(1, "link-" + std::to_string(i)).bind(2, id).bind(3, on_deal ? "deal" : "lead");
    link.bind(4, on_deal ? "deal-" + std::to_string(rng.next(static_cast<uint64_t>(deals)))
                         : "lead-" + std::to_string(rng.next(static_cast<uint64_t>(leads))));
    link.bind(5, created);
    link.run();
    link.reset();
  }
  tx.commit();  // no ANALYZE: a user's database has no statistics either
}

}  // namespace

TEST_CASE("report timings at 100k leads, 20k deals, 100k activities [bench]" * doctest::skip()) {
  auto path = std::filesystem::temp_directory_path() / "kervan_report_bench.db";
  std::filesystem::remove(path);
  ManualClock clock;
  { Core init(path.string(), CoreOptions{clock.source()}); }
  {
    Database db(path.string());
    fill_bench_data(db, 100000, 20000, 100000);
  }
  Core core(path.string(), CoreOptions{clock.source()});
  struct Case {
    const char* name;
    Json args;
  };
  const Case cases[] = {
      {"report.pipeline", Json::object()},
      {"report.pipeline", {{"owner", "owner3"}}},
      {"report.forecast", Json::object()},
      {"report.forecast", {{"months", 12}, {"owner", "owner3"}}},
      {"report.results", {{"period", "this_year"}}},
      {"report.results", {{"period", "this_month"}, {"owner", "owner3"}}},
      {"report.team", {{"period", "this_year"}}},
      {"report.team", {{"period", "this_month"}}},
      {"report.funnel", {{"period", "this_year"}}},
      {"report.funnel", {{"period", "this_month"}, {"event", "Fair 3"}}},
      {"report.snapshot", Json::object()},
      {"report.forecast_history", Json::object()},
  };
  // Wall time, and the thread's CPU time, which a loaded machine disturbs less.
  auto cpu_ms = [] {
    timespec t{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return static_cast<double>(t.tv_sec) * 1000.0 + static_cast<double>(t.tv_nsec) / 1e6;
  };
  for (const auto& c : cases) {
    std::vector<double> ms, cpu;
    for (int run = 0; run < 7; ++run) {
      auto start = std::chrono::steady_clock::now();
      double cpu_start = cpu_ms();
      Json reply = core.call(c.name, c.args);
      cpu.push_back(cpu_ms() - cpu_start);
      ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
      REQUIRE_MESSAGE(error_code(reply) == "", reply.dump());
    }
    std::sort(ms.begin(), ms.end());
    std::sort(cpu.begin(), cpu.end());
    std::printf("%-24s %-45s median %7.2f ms  (min %.2f, max %.2f)  cpu median %.2f ms\n", c.name,
                c.args.dump().c_str(), ms[3], ms[0], ms[6], cpu[3]);
  }
  if (!std::getenv("KERVAN_BENCH_KEEP")) std::filesystem::remove(path);  // kept to run EXPLAIN QUERY PLAN on it
}
