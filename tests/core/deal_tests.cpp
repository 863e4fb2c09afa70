#include <doctest/doctest.h>

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
std::string create_deal(Core& core, Json fields) { return ok(core.call("deal.create", fields))["id"]; }
int64_t total(Core& core, Json args) { return ok(core.call("deal.list", args))["total"].get<int64_t>(); }
}  // namespace

TEST_CASE("the default pipeline is seeded with stable ids, stage defaults and names in both languages") {
  auto core = memory_core();
  Json list = ok(core->call("pipeline.list", {}));
  REQUIRE(list["items"].size() == 1);
  CHECK(list["items"][0]["id"] == kPipeline);
  Json stages = list["items"][0]["stages"];
  REQUIRE(stages.size() == 5);
  const char* ids[] = {kQualification, kNeeds, kProposal, kNegotiation, kContract};
  const char* en[] = {"Qualification", "Needs analysis", "Proposal preparation", "Negotiation", "Contract"};
  const char* tr[] = {"Nitelendirme", "İhtiyaç analizi", "Teklif hazırlığı", "Pazarlık", "Sözleşme"};
  int probabilities[] = {10, 20, 40, 70, 90};
  for (int i = 0; i < 5; ++i) {
    CHECK(stages[i]["id"] == ids[i]);
    CHECK(stages[i]["name"] == en[i]);
    CHECK(stages[i]["name_tr"] == tr[i]);
    CHECK(stages[i]["probability"] == probabilities[i]);
    CHECK(stages[i]["position"] == i + 1);
    CHECK(stages[i]["deal_count"] == 0);
  }
}

TEST_CASE("pipelines and stages: create, rename, add, update, reorder, remove, delete") {
  auto core = memory_core();
  Json p = ok(core->call("pipeline.create", {{"name", "Service"},
                                             {"name_tr", "Servis"},
                                             {"stages", {{{"name", "Visit"}, {"probability", 30}},
                                                         {{"name", "Offer"}, {"probability", 60}, {"stale_after_days", 7}}}}}));
  std::string pid = p["id"];
  REQUIRE(p["stages"].size() == 2);
  CHECK(p["stages"][1]["stale_after_days"] == 7);
  CHECK(ok(core->call("pipeline.update", {{"id", pid}, {"name", "After-sales"}}))["name"] == "After-sales");
  CHECK(error_field(core->call("pipeline.update", {{"id", pid}, {"name", ""}})) == "name");
  Json first = ok(core->call("stage.add", {{"pipeline_id", pid}, {"name", "Call"}, {"probability", 5}, {"position", 1}}));
  CHECK(first["position"] == 1);
  Json listed = ok(core->call("pipeline.get", {{"id", pid}}));
  REQUIRE(listed["stages"].size() == 3);
  CHECK(listed["stages"][0]["name"] == "Call");
  CHECK(listed["stages"][1]["name"] == "Visit");
  CHECK(listed["stages"][2]["position"] == 3);
  CHECK(error_field(core->call("stage.add", {{"pipeline_id", pid}, {"name", "X"}, {"probability", 101}})) == "probability");
  CHECK(error_field(core->call("stage.update", {{"id", first["id"]}, {"stale_after_days", -1}})) == "stale_after_days");
  Json upd = ok(core->call("stage.update", {{"id", first["id"]}, {"name", "Phone call"}, {"probability", 15}}));
  CHECK(upd["name"] == "Phone call");
  CHECK(upd["probability"] == 15);
  std::string a = listed["stages"][0]["id"], b = listed["stages"][1]["id"], c = listed["stages"][2]["id"];
  Json reordered = ok(core->call("stage.reorder", {{"pipeline_id", pid}, {"stage_ids", {c, a, b}}}));
  CHECK(reordered["stages"][0]["id"] == c);
  CHECK(reordered["stages"][2]["id"] == b);
  CHECK(error_field(core->call("stage.reorder", {{"pipeline_id", pid}, {"stage_ids", {c, a}}})) == "stage_ids");
  CHECK(error_field(core->call("stage.reorder", {{"pipeline_id", pid}, {"stage_ids", {c, a, kNeeds}}})) == "stage_ids");
  // A stage with deals needs move_to another stage of the same pipeline.
  std::string deal = create_deal(*core, {{"name", "Bakım sözleşmesi"}, {"stage_id", a}});
  CHECK(ok(core->call("deal.get", {{"id", deal}}))["pipeline_id"] == pid);
  CHECK(error_code(core->call("stage.remove", {{"id", a}})) == "has_deals");
  CHECK(error_field(core->call("stage.remove", {{"id", a}, {"move_to", kNeeds}})) == "move_to");
  Json removed = ok(core->call("stage.remove", {{"id", a}, {"move_to", b}}));
  CHECK(removed["deals_moved"] == 1);
  Json moved = ok(core->call("deal.get", {{"id", deal}}));
  CHECK(moved["stage_id"] == b);
  CHECK(moved["probability"] == 30);  // follows the new stage's default
  REQUIRE(moved["stage_history"].size() == 2);
  CHECK(moved["stage_history"][1]["reason"] == "stage_removed");
  CHECK(moved["stage_history"][0]["stage_name"] == "Phone call");  // kept after the stage is gone
  Json after = ok(core->call("pipeline.get", {{"id", pid}}));
  REQUIRE(after["stages"].size() == 2);
  CHECK(after["stages"][1]["position"] == 2);
  CHECK(after["deal_count"] == 1);
  // A pipeline with deals cannot be deleted; without them it goes with its stages.
  CHECK(error_code(core->call("pipeline.delete", {{"id", pid}})) == "has_deals");
  ok(core->call("deal.delete", {{"id", deal}}));
  ok(core->call("pipeline.delete", {{"id", pid}}));
  CHECK(core->call("pipeline.list", {})["items"].size() == 1);
  CHECK(error_code(core->call("stage.update", {{"id", b}, {"name", "x"}})) == "not_found");
}

TEST_CASE("deal fields: bad input names the field and writes nothing") {
  auto core = memory_core();
  Json base = {{"name", "CNC tezgâhı"}};
  auto with = [&](const char* key, Json value) {
    Json args = base;
    args[key] = value;
    return core->call("deal.create", args);
  };
  CHECK(error_code(with("amount", -1)) == "out_of_range");
  CHECK(error_field(with("amount", -1)) == "amount");
  CHECK(error_field(with("amount", 12.5)) == "amount");
  CHECK(error_field(with("amount", "100")) == "amount");
  CHECK(error_field(with("currency", "XYZ")) == "currency");
  CHECK(error_field(with("currency", "$")) == "currency");
  CHECK(error_field(with("expected_close", "31.12.2026")) == "expected_close");
  CHECK(error_field(with("expected_close", "2026-02-30")) == "expected_close");
  CHECK(error_field(with("expected_close", "2026-12-31T10:00:00Z")) == "expected_close");
  CHECK(error_field(with("probability", 150)) == "probability");
  CHECK(error_field(with("company_id", "missing")) == "company_id");
  CHECK(error_field(core->call("deal.create", {{"amount", 5}})) == "name");
  // A stage from another pipeline.
  Json other = ok(core->call("pipeline.create", {{"name", "Other"}, {"stages", {{{"name", "Only"}}}}}));
  CHECK(error_code(core->call("deal.create", {{"name", "X"}, {"pipeline_id", kPipeline},
                                              {"stage_id", other["stages"][0]["id"]}})) == "wrong_pipeline");
  CHECK(total(*core, Json::object()) == 0);
  // Defaults: the first pipeline, its first stage, the base currency, the stage probability.
  Json deal = ok(core->call("deal.create", {{"name", "Pres hattı"}, {"amount", 150000}, {"currency", "usd"},
                                            {"expected_close", "2026-12-31"}, {"tags", {"fuar", "Fuar"}}}));
  CHECK(deal["pipeline_id"] == kPipeline);
  CHECK(deal["stage_id"] == kQualification);
  CHECK(deal["stage"]["name_tr"] == "Nitelendirme");
  CHECK(deal["currency"] == "USD");
  CHECK(deal["status"] == "open");
  CHECK(deal["probability"] == 10);
  CHECK(deal["probability_override"] == false);
  CHECK(deal["tags"] == Json::array({"fuar"}));
  CHECK(deal["id"].get<std::string>().size() == 36);
  CHECK(ok(core->call("deal.create", {{"name", "TL"}}))["currency"] == "TRY");
  // Updates: the same checks, nothing changed on refusal.
  std::string id = deal["id"];
  CHECK(error_field(core->call("deal.update", {{"id", id}, {"amount", -5}})) == "amount");
  CHECK(error_field(core->call("deal.update", {{"id", id}, {"stage_id", kNeeds}})) == "stage_id");
  CHECK(error_field(core->call("deal.update", {{"id", id}, {"name", "Yeni"}, {"expected_close", "yarın"}})) ==
        "expected_close");
  CHECK(ok(core->call("deal.get", {{"id", id}}))["name"] == "Pres hattı");
  Json company = ok(core->call("company.create", {{"name", "Işık Makine"}}));
  Json upd = ok(core->call("deal.update", {{"id", id}, {"company_id", company["id"]}, {"owner", "Selin"}, {"amount", 0}}));
  CHECK(upd["company_id"] == company["id"]);
  CHECK(upd["amount"] == 0);
  CHECK(total(*core, {{"company_id", company["id"]}}) == 1);
  CHECK(total(*core, {{"owner", "Selin"}}) == 1);
  CHECK(total(*core, {{"query", "pres hatti"}}) == 1);
}

TEST_CASE("probability follows the stage until overridden; the override survives moves until cleared with null") {
  auto core = memory_core();
  std::string id = create_deal(*core, {{"name", "A"}});
  CHECK(ok(core->call("deal.move", {{"id", id}, {"stage_id", kProposal}}))["probability"] == 40);
  Json over = ok(core->call("deal.update", {{"id", id}, {"probability", 55}}));
  CHECK(over["probability"] == 55);
  CHECK(over["probability_override"] == true);
  CHECK(ok(core->call("deal.move", {{"id", id}, {"stage_id", kNegotiation}}))["probability"] == 55);
  ok(core->call("stage.update", {{"id", kNegotiation}, {"probability", 75}}));
  CHECK(ok(core->call("deal.get", {{"id", id}}))["probability"] == 55);
  Json cleared = ok(core->call("deal.update", {{"id", id}, {"probability", nullptr}}));
  CHECK(cleared["probability"] == 75);
  CHECK(cleared["probability_override"] == false);
  ok(core->call("stage.update", {{"id", kNegotiation}, {"probability", 70}}));
  CHECK(ok(core->call("deal.get", {{"id", id}}))["probability"] == 70);  // follows a changed stage default
}

TEST_CASE("stage history: every stage entered and left, with the time spent in each") {
  ManualClock clock;
  auto core = memory_core(clock);
  std::string id = create_deal(*core, {{"name", "Hat"}});
  clock.advance_ms(2 * kDay);
  ok(core->call("deal.move", {{"id", id}, {"stage_id", kNeeds}}));
  clock.advance_ms(3 * kDay);
  ok(core->call("deal.move", {{"id", id}, {"stage_id", kQualification}}));  // back
  clock.advance_ms(kDay / 2);
  CHECK(error_code(core->call("deal.move", {{"id", id}, {"stage_id", "nope"}})) == "not_found");
  Json deal = ok(core->call("deal.get", {{"id", id}}));
  Json h = deal["stage_history"];
  REQUIRE(h.size() == 3);
  CHECK(h[0]["stage_id"] == kQualification);
  CHECK(h[0]["entered_at"] == "2026-11-26T09:00:00.000Z");
  CHECK(h[0]["left_at"] == "2026-11-28T09:00:00.000Z");
  CHECK(h[0]["duration_ms"] == 2 * kDay);
  CHECK(h[1]["stage_name"] == "Needs analysis");
  CHECK(h[1]["duration_ms"] == 3 * kDay);
  CHECK(h[2]["left_at"] == "");
  CHECK(h[2]["duration_ms"] == kDay / 2);
  Json t = deal["time_in_stages"];
  REQUIRE(t.size() == 2);
  CHECK(t[0]["stage_id"] == kQualification);
  CHECK(t[0]["total_ms"] == 2 * kDay + kDay / 2);
  CHECK(t[0]["days"] == 2);
  CHECK(t[1]["total_ms"] == 3 * kDay);
  CHECK(deal["stage_entered_at"] == "2026-12-01T09:00:00.000Z");
}

TEST_CASE("checklists: moving past unfinished required steps needs confirmation, which is recorded") {
  auto core = memory_core();
  Json step = ok(core->call("stage.add_step", {{"stage_id", kQualification}, {"text", "Bütçe soruldu"}, {"required", true}}));
  ok(core->call("stage.add_step", {{"stage_id", kQualification}, {"text", "Karar verici belli"}}));
  Json need = ok(core->call("stage.add_step", {{"stage_id", kNeeds}, {"text", "Keşif ziyareti"}, {"required", true}}));
  Json list = ok(core->call("stage.checklist", {{"stage_id", kQualification}}));
  REQUIRE(list["items"].size() == 2);
  CHECK(list["items"][0]["required"] == true);
  CHECK(list["items"][1]["required"] == false);
  CHECK(error_field(core->call("stage.add_step", {{"stage_id", kQualification}, {"text", ""}})) == "text");

  std::string id = create_deal(*core, {{"name", "A"}});
  Json refused = core->call("deal.move", {{"id", id}, {"stage_id", kNeeds}});
  CHECK(error_code(refused) == "unfinished_steps");
  CHECK(error_field(refused) == "confirm");
  CHECK(refused["error"]["message"].get<std::string>().find("Bütçe soruldu") != std::string::npos);
  CHECK(ok(core->call("deal.get", {{"id", id}}))["stage_id"] == kQualification);
  // Moving back or to the same stage is never blocked; skipping stages checks each one passed.
  ok(core->call("deal.check_step", {{"id", id}, {"step_id", step["id"]}, {"done", true}}));
  Json skip = core->call("deal.move", {{"id", id}, {"stage_id", kProposal}});
  CHECK(error_code(skip) == "unfinished_steps");
  CHECK(skip["error"]["message"].get<std::string>().find("Keşif ziyareti") != std::string::npos);
  Json moved = ok(core->call("deal.move", {{"id", id}, {"stage_id", kNeeds}}));
  CHECK(moved["stage_id"] == kNeeds);
  CHECK(moved["stage_history"].back()["reason"] == "moved");
  Json checklist = moved["checklist"];
  REQUIRE(checklist.size() == 2);
  CHECK(checklist[0]["steps"][0]["done"] == true);
  CHECK(checklist[0]["steps"][1]["done"] == false);
  CHECK(checklist[1]["steps"][0]["done"] == false);

  Json confirmed = ok(core->call("deal.move", {{"id", id}, {"stage_id", kContract}, {"confirm", true}}));
  CHECK(confirmed["stage_id"] == kContract);
  Json last = confirmed["stage_history"].back();
  CHECK(last["reason"] == "moved_confirmed");
  REQUIRE(last["confirmed"].size() == 1);
  CHECK(last["confirmed"][0]["step_id"] == need["id"]);
  // Unchecking, steps of other pipelines, removal.
  ok(core->call("deal.check_step", {{"id", id}, {"step_id", step["id"]}, {"done", false}}));
  CHECK(ok(core->call("deal.get", {{"id", id}}))["checklist"][0]["steps"][0]["done"] == false);
  CHECK(error_field(core->call("deal.check_step", {{"id", id}, {"step_id", step["id"]}})) == "done");
  Json other = ok(core->call("pipeline.create", {{"name", "Other"}, {"stages", {{{"name", "Only"}}}}}));
  Json foreign = ok(core->call("stage.add_step", {{"stage_id", other["stages"][0]["id"]}, {"text", "x"}}));
  CHECK(error_code(core->call("deal.check_step", {{"id", id}, {"step_id", foreign["id"]}, {"done", true}})) ==
        "wrong_pipeline");
  ok(core->call("stage.remove_step", {{"id", need["id"]}}));
  CHECK(ok(core->call("stage.checklist", {{"stage_id", kNeeds}}))["items"].empty());
}

TEST_CASE("win, lose with a reason from the list, reopen; wrong moves are refused") {
  ManualClock clock;
  auto core = memory_core(clock);
  std::string id = create_deal(*core, {{"name", "A"}, {"amount", 500000}});
  CHECK(error_field(core->call("deal.lose", {{"id", id}})) == "reason");
  CHECK(error_field(core->call("deal.lose", {{"id", id}, {"reason", "bored"}})) == "reason");
  Json lost = ok(core->call("deal.lose", {{"id", id}, {"reason", "Rakip"}}));
  CHECK(lost["status"] == "lost");
  CHECK(lost["lost_reason"] == "competitor");
  CHECK(lost["closed_at"] == "2026-11-26T09:00:00.000Z");
  CHECK(lost["weighted_base"] == 0);
  CHECK(lost["stage_history"][0]["left_at"] == "2026-11-26T09:00:00.000Z");
  CHECK(error_code(core->call("deal.win", {{"id", id}})) == "invalid_transition");
  CHECK(error_code(core->call("deal.move", {{"id", id}, {"stage_id", kNeeds}})) == "invalid_transition");
  CHECK(error_code(core->call("deal.lose", {{"id", id}, {"reason", "price"}})) == "invalid_transition");
  clock.advance_ms(kDay);
  Json reopened = ok(core->call("deal.reopen", {{"id", id}}));
  CHECK(reopened["status"] == "open");
  CHECK(reopened["lost_reason"] == "");
  CHECK(reopened["closed_at"] == "");
  CHECK(reopened["stage_history"].size() == 2);
  CHECK(reopened["stage_history"][1]["reason"] == "reopened");
  CHECK(error_code(core->call("deal.reopen", {{"id", id}})) == "invalid_transition");
  CHECK(error_field(core->call("deal.win", {{"id", id}, {"amount", -1}})) == "amount");
  Json won = ok(core->call("deal.win", {{"id", id}}));
  CHECK(won["status"] == "won");
  CHECK(won["won_amount"] == 500000);
  CHECK(won["amount_base"] == 500000);
  CHECK(won["weighted_base"] == 500000);
  CHECK(total(*core, {{"status", "won"}}) == 1);
  CHECK(total(*core, {{"status", "open"}}) == 0);
  CHECK(error_field(core->call("deal.list", {{"status", "maybe"}})) == "status");
  ok(core->call("deal.reopen", {{"id", id}}));
  CHECK(ok(core->call("deal.win", {{"id", id}, {"amount", 450000}}))["won_amount"] == 450000);
  ok(core->call("deal.delete", {{"id", id}}));
  CHECK(error_code(core->call("deal.get", {{"id", id}})) == "not_found");
}

TEST_CASE("rates: exact micro-units, amounts in the base currency, weighted totals, closing-day rates") {
  auto core = memory_core();
  CHECK(ok(core->call("rate.list", {}))["base"] == "TRY");
  Json usd = ok(core->call("rate.set", {{"currency", "USD"}, {"per_base", "34.25"}}));
  CHECK(usd["per_base_micro"] == 34250000);
  CHECK(usd["per_base"] == "34.25");
  CHECK(ok(core->call("rate.set", {{"currency", "eur"}, {"per_base", 37.1234}}))["per_base_micro"] == 37123400);
  CHECK(ok(core->call("rate.set", {{"currency", "GBP"}, {"per_base", "43,5"}}))["per_base_micro"] == 43500000);
  CHECK(error_field(core->call("rate.set", {{"currency", "USD"}, {"per_base", "-1"}})) == "per_base");
  CHECK(error_field(core->call("rate.set", {{"currency", "USD"}, {"per_base", "abc"}})) == "per_base");
  CHECK(error_field(core->call("rate.set", {{"currency", "USD"}, {"per_base", 0}})) == "per_base");
  CHECK(error_field(core->call("rate.set", {{"currency", "USD"}, {"per_base", "1.1234567"}})) == "per_base");
  CHECK(error_field(core->call("rate.set", {{"currency", "TRY"}, {"per_base", "1"}})) == "currency");
  CHECK(error_field(core->call("rate.set", {{"currency", "US1"}, {"per_base", "1"}})) == "currency");
  Json rates = ok(core->call("rate.list", {}));
  REQUIRE(rates["items"].size() == 3);
  CHECK(rates["items"][0]["currency"] == "EUR");
  CHECK(rates["items"][0]["per_base"] == "37.1234");

  // 100,000.00 TRY at 10 %, 2,500.00 USD at 40 %, 1,234.56 EUR at 70 %.
  std::string t = create_deal(*core, {{"name", "TRY"}, {"amount", 10000000}, {"currency", "TRY"}});
  std::string u = create_deal(*core, {{"name", "USD"}, {"amount", 250000}, {"currency", "USD"}, {"stage_id", kProposal}});
  std::string e = create_deal(*core, {{"name", "EUR"}, {"amount", 123456}, {"currency", "EUR"}, {"stage_id", kNegotiation}});
  Json dt = ok(core->call("deal.get", {{"id", t}}));
  CHECK(dt["amount_base"] == 10000000);
  CHECK(dt["weighted_base"] == 1000000);
  Json du = ok(core->call("deal.get", {{"id", u}}));
  CHECK(du["amount_base"] == 8562500);   // 250000 × 34.25
  CHECK(du["weighted_base"] == 3425000);  // × 40 %
  Json de = ok(core->call("deal.get", {{"id", e}}));
  CHECK(de["amount_base"] == 4583106);   // 123456 × 37.1234 = 4583106.4704
  CHECK(de["weighted_base"] == 3208174);  // × 70 % = 3208174.2
  Json list = ok(core->call("deal.list", {{"sort", "name"}}));
  CHECK(list["totals"]["amount_base"] == 23145606);
  CHECK(list["totals"]["weighted_base"] == 7633174);
  CHECK(list["items"][0]["name"] == "EUR");
  // Rounding is half up: 5 kuruş at 10 % is 0.5 → 1; 1 cent at 0.5 is 0.5 → 1.
  std::string small = create_deal(*core, {{"name", "small"}, {"amount", 5}});
  CHECK(ok(core->call("deal.get", {{"id", small}}))["weighted_base"] == 1);
  ok(core->call("rate.set", {{"currency", "CHF"}, {"per_base", "0.5"}}));
  std::string chf = create_deal(*core, {{"name", "chf"}, {"amount", 1}, {"currency", "CHF"}});
  CHECK(ok(core->call("deal.get", {{"id", chf}}))["amount_base"] == 1);

  // A won deal keeps the rate of its closing day.
  Json won = ok(core->call("deal.win", {{"id", u}, {"amount", 200000}}));
  CHECK(won["close_rate_micro"] == 34250000);
  CHECK(won["amount_base"] == 6850000);
  CHECK(won["weighted_base"] == 6850000);
  CHECK(error_field(core->call("deal.update", {{"id", u}, {"currency", "EUR"}})) == "currency");
  ok(core->call("rate.set", {{"currency", "USD"}, {"per_base", "40"}}));
  CHECK(ok(core->call("deal.get", {{"id", u}}))["amount_base"] == 6850000);
  std::string u2 = create_deal(*core, {{"name", "USD2"}, {"amount", 100}, {"currency", "USD"}});
  CHECK(ok(core->call("deal.get", {{"id", u2}}))["amount_base"] == 4000);
  // Without a rate the base amount is unknown (null), not zero.
  ok(core->call("rate.delete", {{"currency", "EUR"}}));
  CHECK(ok(core->call("deal.get", {{"id", e}}))["amount_base"].is_null());
  CHECK(error_code(core->call("rate.delete", {{"currency", "EUR"}})) == "not_found");
  CHECK(error_field(core->call("deal.create", {{"name", "x"}, {"currency", "JPY"}})) == "currency");
  ok(core->call("rate.set", {{"currency", "JPY"}, {"per_base", "0.22"}}));
  CHECK(ok(core->call("deal.create", {{"name", "x"}, {"currency", "JPY"}}))["currency"] == "JPY");
  CHECK(ok(core->call("rate.base", {}))["base"] == "TRY");
  // Another base: rates are then per unit of it; the new base's own rate is dropped.
  CHECK(ok(core->call("rate.set_base", {{"currency", "usd"}}))["base"] == "USD");
  CHECK(ok(core->call("deal.get", {{"id", u2}}))["amount_base"] == 100);
  CHECK(ok(core->call("deal.get", {{"id", t}}))["amount_base"].is_null());
  ok(core->call("rate.set", {{"currency", "TRY"}, {"per_base", "0.025"}}));
  CHECK(ok(core->call("deal.get", {{"id", t}}))["amount_base"] == 250000);
  CHECK(ok(core->call("deal.get", {{"id", u}}))["amount_base"] == 200000);  // closed under TRY: current rate
  CHECK(ok(core->call("deal.create", {{"name", "base"}}))["currency"] == "USD");
  CHECK(error_field(core->call("rate.set_base", {})) == "currency");
}

TEST_CASE("stale deals: no stage change and no activity for the stage's days, unless something is scheduled") {
  ManualClock clock;
  auto core = memory_core(clock);
  std::string id = create_deal(*core, {{"name", "Sessiz"}});  // Qualification: stale after 14 days
  ok(core->call("stage.update", {{"id", kNeeds}, {"stale_after_days", 0}}));
  std::string never = create_deal(*core, {{"name", "Never"}, {"stage_id", kNeeds}});
  clock.advance_ms(14 * kDay - 1);
  CHECK(ok(core->call("deal.get", {{"id", id}}))["stale"] == false);
  clock.advance_ms(1);
  CHECK(ok(core->call("deal.get", {{"id", id}}))["stale"] == true);
  CHECK(ok(core->call("deal.get", {{"id", never}}))["stale"] == false);
  CHECK(total(*core, {{"stale", true}}) == 1);
  CHECK(total(*core, {{"stale", false}}) == 1);
  // A logged activity counts as a touch.
  ok(core->call("activity.create", {{"type", "call"}, {"subject", "Aradım"}, {"done", true},
                                    {"links", {{{"entity", "deal"}, {"id", id}}}}}));
  CHECK(ok(core->call("deal.get", {{"id", id}}))["stale"] == false);
  clock.advance_ms(15 * kDay);
  CHECK(ok(core->call("deal.get", {{"id", id}}))["stale"] == true);
  // A future activity keeps it fresh; once its time has passed it no longer does.
  ok(core->call("activity.create", {{"type", "meeting"}, {"subject", "Ziyaret"}, {"due_at", "2027-01-02T10:00:00Z"},
                                    {"links", {{{"entity", "deal"}, {"id", id}}}}}));
  CHECK(ok(core->call("deal.get", {{"id", id}}))["stale"] == false);
  CHECK(total(*core, {{"stale", true}}) == 0);
  clock.advance_ms(30 * kDay);
  CHECK(ok(core->call("deal.get", {{"id", id}}))["stale"] == true);
  // A stage change resets the clock; closed deals are never stale.
  ok(core->call("deal.move", {{"id", id}, {"stage_id", kProposal}}));
  CHECK(ok(core->call("deal.get", {{"id", id}}))["stale"] == false);
  clock.advance_ms(20 * kDay);
  CHECK(ok(core->call("deal.get", {{"id", id}}))["stale"] == true);
  CHECK(ok(core->call("deal.lose", {{"id", id}, {"reason", "timing"}}))["stale"] == false);
}

TEST_CASE("deal.list filters by pipeline, stage, status, expected close; sorts and pages") {
  auto core = memory_core();
  create_deal(*core, {{"name", "Çelik"}, {"amount", 300}, {"expected_close", "2026-12-15"}});
  create_deal(*core, {{"name", "Ahşap"}, {"amount", 100}, {"expected_close", "2027-01-10"}, {"stage_id", kNeeds}});
  create_deal(*core, {{"name", "Cam"}, {"amount", 200}});
  CHECK(total(*core, {{"pipeline_id", kPipeline}}) == 3);
  CHECK(total(*core, {{"stage_id", kNeeds}}) == 1);
  CHECK(total(*core, {{"expected_from", "2026-12-01"}, {"expected_to", "2026-12-31"}}) == 1);
  CHECK(total(*core, {{"expected_from", "2026-12-01"}}) == 2);
  CHECK(error_field(core->call("deal.list", {{"expected_to", "next week"}})) == "expected_to");
  CHECK(error_field(core->call("deal.list", {{"sort", "colour"}})) == "sort");
  Json by_name = ok(core->call("deal.list", {{"sort", "name"}}));
  CHECK(by_name["items"][0]["name"] == "Ahşap");
  CHECK(by_name["items"][1]["name"] == "Cam");
  CHECK(by_name["items"][2]["name"] == "Çelik");  // Turkish order: c before ç
  Json paged = ok(core->call("deal.list", {{"sort", "-amount"}, {"limit", 2}, {"offset", 1}}));
  CHECK(paged["total"] == 3);
  REQUIRE(paged["items"].size() == 2);
  CHECK(paged["items"][0]["amount"] == 200);
  CHECK(paged["items"][1]["amount"] == 100);
  Json counts = ok(core->call("pipeline.list", {}))["items"][0]["stages"];
  CHECK(counts[0]["deal_count"] == 2);
  CHECK(counts[1]["deal_count"] == 1);
}

TEST_CASE("deal records are stamped for sync and deletes leave tombstones") {
  auto core = memory_core();
  std::string id = create_deal(*core, {{"name", "Sync"}});
  ok(core->call("deal.move", {{"id", id}, {"stage_id", kNeeds}}));
  Json info = ok(core->call("app.info", {}));
  int64_t before = info["counts"]["tombstones"];
  ok(core->call("deal.delete", {{"id", id}}));
  // The deal and its two history entries.
  CHECK(ok(core->call("app.info", {}))["counts"]["tombstones"] == before + 3);
}

TEST_CASE("deals do not block deleting the company, contact or lead they point at") {
  auto core = memory_core();
  std::string company = ok(core->call("company.create", {{"name", "Işık Makine"}}))["id"];
  std::string contact = ok(core->call("contact.create", {{"name", "Ayşe Kaya"}}))["id"];
  std::string lead = ok(core->call("lead.create", {{"name", "Deniz"}}))["id"];
  std::string id = create_deal(*core, {{"name", "Bağlı"}, {"company_id", company}, {"contact_id", contact},
                                       {"source_lead_id", lead}});
  ok(core->call("company.delete", {{"id", company}}));
  ok(core->call("contact.delete", {{"id", contact}}));
  ok(core->call("lead.delete", {{"id", lead}}));
  CHECK(ok(core->call("deal.get", {{"id", id}}))["name"] == "Bağlı");
  // And a deal cannot move to a stage of another pipeline.
  Json other = ok(core->call("pipeline.create", {{"name", "Other"}, {"stages", {{{"name", "Only"}}}}}));
  Json wrong = core->call("deal.move", {{"id", id}, {"stage_id", other["stages"][0]["id"]}});
  CHECK(error_code(wrong) == "wrong_pipeline");
  CHECK(error_field(wrong) == "stage_id");
}

TEST_CASE("unknown ids with non-ASCII text are quoted whole in the error") {
  auto core = memory_core();
  std::string id;
  for (int i = 0; i < 64; ++i) id += "ş";
  for (const char* command : {"deal.get", "activity.get", "pipeline.get"}) {
    Json reply = core->call(command, {{"id", id}});
    CHECK(error_code(reply) == "not_found");
    CHECK_NOTHROW(reply.dump());
  }
  CHECK(error_code(core->call("activity.create", {{"subject", "x"}, {"links", {{{"entity", "lead"}, {"id", id}}}}})) ==
        "not_found");
}

TEST_CASE("deal.list sorts by stage in the pipeline's order, not by the stage's name") {
  auto core = memory_core();
  // Names chosen so alphabetical order differs from the pipeline's order.
  create_deal(*core, {{"name", "c"}, {"pipeline_id", kPipeline}, {"stage_id", kContract}, {"amount", 1}});
  create_deal(*core, {{"name", "q"}, {"pipeline_id", kPipeline}, {"stage_id", kQualification}, {"amount", 1}});
  create_deal(*core, {{"name", "n"}, {"pipeline_id", kPipeline}, {"stage_id", kNegotiation}, {"amount", 1}});
  auto names = [&](const char* sort) {
    std::string out;
    Json list = ok(core->call("deal.list", {{"sort", sort}}));  // kept: the loop must not outlive the reply
    for (const auto& d : list["items"]) out += d["name"].get<std::string>();
    return out;
  };
  CHECK(names("stage") == "qnc");
  CHECK(names("-stage") == "cnq");
  CHECK(error_field(core->call("deal.list", {{"sort", "stage_name"}})) == "sort");
}
