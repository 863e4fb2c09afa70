#include <doctest/doctest.h>

#include "test_support.hpp"

using namespace kervan;
using namespace kervan::testing;

namespace {
constexpr int64_t kHour = 3600000;
constexpr int64_t kDay = 24 * kHour;

Json ok(const Json& reply) {
  REQUIRE_MESSAGE(error_code(reply) == "", reply.dump());
  return reply;
}
Json link(const char* entity, const std::string& id) { return Json{{"entity", entity}, {"id", id}}; }
int64_t total(Core& core, const char* command, Json args) {
  return ok(core.call(command, args))["total"].get<int64_t>();
}
}  // namespace

TEST_CASE("activities: types, fields, links to several records; bad input names the field") {
  ManualClock clock;
  auto core = memory_core(clock);
  std::string deal = ok(core->call("deal.create", {{"name", "Pres"}}))["id"];
  std::string contact = ok(core->call("contact.create", {{"name", "Ayşe Kaya"}}))["id"];
  Json a = ok(core->call("activity.create", {{"type", "meeting"},
                                             {"subject", "Fabrika ziyareti"},
                                             {"due_at", "2026-11-28T10:30:00Z"},
                                             {"duration_minutes", 90},
                                             {"owner", "Selin"},
                                             {"links", {link("deal", deal), link("contact", contact), link("deal", deal)}}}));
  CHECK(a["id"].get<std::string>().size() == 36);
  CHECK(a["due_at"] == "2026-11-28T10:30:00.000Z");
  CHECK(a["done"] == false);
  CHECK(a["overdue"] == false);
  REQUIRE(a["links"].size() == 2);
  CHECK(a["links"][0] == link("deal", deal));
  CHECK(a["links"][1] == link("contact", contact));
  CHECK(error_field(core->call("activity.create", {{"type", "fax"}, {"subject", "x"}})) == "type");
  CHECK(error_field(core->call("activity.create", {{"type", "call"}})) == "subject");
  CHECK(error_field(core->call("activity.create", {{"subject", "x"}, {"due_at", "yarın"}})) == "due_at");
  CHECK(error_field(core->call("activity.create", {{"subject", "x"}, {"duration_minutes", -5}})) == "duration_minutes");
  CHECK(error_field(core->call("activity.create", {{"subject", "x"}, {"links", {link("deal", "missing")}}})) == "links");
  CHECK(error_field(core->call("activity.create", {{"subject", "x"}, {"links", {link("invoice", deal)}}})) == "links");
  CHECK(total(*core, "activity.list", Json::object()) == 1);
  // Update: fields, done time, links replaced.
  clock.advance_ms(kHour);
  Json u = ok(core->call("activity.update", {{"id", a["id"]}, {"subject", "Ziyaret"}, {"links", {link("contact", contact)}}}));
  CHECK(u["subject"] == "Ziyaret");
  CHECK(u["links"] == Json::array({link("contact", contact)}));
  Json d = ok(core->call("activity.update", {{"id", a["id"]}, {"done", true}}));
  CHECK(d["done_at"] == "2026-11-26T10:00:00.000Z");
  CHECK(ok(core->call("activity.update", {{"id", a["id"]}, {"done", false}}))["done_at"] == "");
  ok(core->call("activity.delete", {{"id", a["id"]}}));
  CHECK(total(*core, "activity.list", Json::object()) == 0);
  CHECK(error_code(core->call("activity.get", {{"id", a["id"]}})) == "not_found");
}

TEST_CASE("completing an activity can schedule the follow-up in the same transaction") {
  ManualClock clock;
  auto core = memory_core(clock);
  std::string deal = ok(core->call("deal.create", {{"name", "Hat"}}))["id"];
  Json a = ok(core->call("activity.create", {{"type", "call"}, {"subject", "İlk arama"}, {"owner", "Mert"},
                                             {"due_at", "2026-11-26T12:00:00Z"}, {"links", {link("deal", deal)}}}));
  // A bad follow-up refuses the whole completion.
  Json bad = core->call("activity.complete", {{"id", a["id"]}, {"follow_up", {{"subject", "Teklif"}, {"due_at", "soon"}}}});
  CHECK(error_code(bad) == "invalid_value");
  CHECK(error_field(bad) == "follow_up.due_at");
  CHECK(ok(core->call("activity.get", {{"id", a["id"]}}))["done"] == false);
  CHECK(total(*core, "activity.list", Json::object()) == 1);
  clock.advance_ms(kHour);
  Json done = ok(core->call("activity.complete", {{"id", a["id"]},
                                                  {"follow_up", {{"subject", "Teklif gönder"}, {"due_at", "2026-11-30"},
                                                                 {"type", "email"}}}}));
  CHECK(done["activity"]["done"] == true);
  CHECK(done["activity"]["done_at"] == "2026-11-26T10:00:00.000Z");
  Json f = done["follow_up"];
  CHECK(f["subject"] == "Teklif gönder");
  CHECK(f["type"] == "email");
  CHECK(f["owner"] == "Mert");  // inherited
  CHECK(f["due_at"] == "2026-11-30T00:00:00.000Z");
  CHECK(f["links"] == Json::array({link("deal", deal)}));
  CHECK(ok(core->call("deal.get", {{"id", deal}}))["next_activity"]["id"] == f["id"]);
  CHECK(error_code(core->call("activity.complete", {{"id", a["id"]}})) == "invalid_transition");
  Json plain = ok(core->call("activity.complete", {{"id", f["id"]}}));
  CHECK(plain["follow_up"].is_null());
  CHECK(ok(core->call("deal.get", {{"id", deal}}))["next_activity"].is_null());
}

TEST_CASE("next step: each open deal shows its earliest scheduled activity; deals without one can be listed") {
  ManualClock clock;
  auto core = memory_core(clock);
  std::string a = ok(core->call("deal.create", {{"name", "A"}}))["id"];
  std::string b = ok(core->call("deal.create", {{"name", "B"}}))["id"];
  std::string c = ok(core->call("deal.create", {{"name", "C"}}))["id"];
  ok(core->call("activity.create", {{"subject", "Later"}, {"due_at", "2026-12-05T09:00:00Z"}, {"links", {link("deal", a)}}}));
  Json soon = ok(core->call("activity.create", {{"subject", "Sooner"}, {"due_at", "2026-12-01T09:00:00Z"},
                                                {"links", {link("deal", a)}}}));
  ok(core->call("activity.create", {{"subject", "Done"}, {"due_at", "2026-11-27T09:00:00Z"}, {"done", true},
                                    {"links", {link("deal", a)}}}));
  ok(core->call("activity.create", {{"subject", "Unscheduled"}, {"links", {link("deal", b)}}}));
  Json next = ok(core->call("deal.get", {{"id", a}}))["next_activity"];
  REQUIRE(next.is_object());
  CHECK(next["id"] == soon["id"]);
  CHECK(next["subject"] == "Sooner");
  CHECK(ok(core->call("deal.get", {{"id", b}}))["next_activity"].is_null());
  Json without = ok(core->call("deal.list", {{"without_next_step", true}, {"sort", "name"}}));
  REQUIRE(without["total"] == 2);
  CHECK(without["items"][0]["id"] == b);
  CHECK(without["items"][1]["id"] == c);
  // Closed deals are not open deals without a next step.
  ok(core->call("deal.lose", {{"id", c}, {"reason", "no_budget"}}));
  CHECK(ok(core->call("deal.list", {{"without_next_step", true}}))["total"] == 1);
  CHECK(ok(core->call("deal.list", {{"without_next_step", false}}))["total"] == 2);
  // Deleting the deal removes its links.
  ok(core->call("deal.delete", {{"id", a}}));
  CHECK(ok(core->call("activity.get", {{"id", soon["id"]}}))["links"].empty());
}

TEST_CASE("activity.list filters: owner, related record, due range, overdue, done") {
  ManualClock clock;  // 2026-11-26T09:00Z
  auto core = memory_core(clock);
  std::string lead = ok(core->call("lead.create", {{"name", "Deniz"}}))["id"];
  std::string company = ok(core->call("company.create", {{"name", "Işık Makine"}}))["id"];
  ok(core->call("activity.create", {{"subject", "Dün"}, {"owner", "Selin"}, {"due_at", "2026-11-25T15:00:00Z"},
                                    {"links", {link("lead", lead)}}}));
  ok(core->call("activity.create", {{"subject", "Bugün"}, {"owner", "Mert"}, {"due_at", "2026-11-26T15:00:00Z"},
                                    {"links", {link("company", company), link("lead", lead)}}}));
  ok(core->call("activity.create", {{"subject", "Yarın"}, {"owner", "Selin"}, {"due_at", "2026-11-27T15:00:00Z"}}));
  ok(core->call("activity.create", {{"subject", "Eski"}, {"due_at", "2026-11-20T15:00:00Z"}, {"done", true}}));
  ok(core->call("activity.create", {{"type", "note"}, {"subject", "Not"}}));
  CHECK(total(*core, "activity.list", {{"owner", "Selin"}}) == 2);
  CHECK(total(*core, "activity.list", {{"related", link("lead", lead)}}) == 2);
  CHECK(total(*core, "activity.list", {{"related", link("company", company)}}) == 1);
  CHECK(total(*core, "activity.list", {{"due_from", "2026-11-26"}, {"due_to", "2026-11-26"}}) == 1);
  CHECK(total(*core, "activity.list", {{"due_to", "2026-11-26"}}) == 3);
  CHECK(total(*core, "activity.list", {{"overdue", true}}) == 1);
  CHECK(total(*core, "activity.list", {{"done", true}}) == 1);
  CHECK(total(*core, "activity.list", {{"done", false}}) == 4);
  CHECK(total(*core, "activity.list", {{"query", "yarin"}}) == 1);
  Json sorted = ok(core->call("activity.list", {}));
  CHECK(sorted["items"][0]["subject"] == "Eski");
  CHECK(sorted["items"][1]["subject"] == "Dün");
  CHECK(sorted["items"][1]["overdue"] == true);
  CHECK(sorted["items"][4]["subject"] == "Not");  // unscheduled last
  CHECK(error_field(core->call("activity.list", {{"related", {{"entity", "deal"}}}})) == "id");
  CHECK(error_field(core->call("activity.list", {{"due_from", "dün"}})) == "due_from");
  clock.advance_ms(kDay);
  CHECK(total(*core, "activity.list", {{"overdue", true}}) == 2);
}

TEST_CASE("timeline: activities, stage moves and field changes of a deal in time order") {
  ManualClock clock;
  auto core = memory_core(clock);
  std::string deal = ok(core->call("deal.create", {{"name", "Zaman"}}))["id"];
  clock.advance_ms(kHour);
  ok(core->call("activity.create", {{"type", "call"}, {"subject", "Arandı"}, {"done", true}, {"links", {link("deal", deal)}}}));
  clock.advance_ms(kHour);
  ok(core->call("deal.move", {{"id", deal}, {"stage_id", "00000000-0000-4000-8000-000000000102"}}));
  Json t = ok(core->call("timeline.get", {{"entity", "deal"}, {"id", deal}}));
  Json items = t["items"];
  REQUIRE(items.size() >= 4);
  for (std::size_t i = 1; i < items.size(); ++i) CHECK(items[i - 1]["at"] <= items[i]["at"]);
  bool saw_activity = false, saw_move = false;
  for (const auto& item : items) {
    saw_activity = saw_activity || (item["kind"] == "activity" && item["at"] == "2026-11-26T10:00:00.000Z");
    saw_move = saw_move || (item["kind"] == "stage" && item["at"] == "2026-11-26T11:00:00.000Z");
  }
  CHECK(saw_activity);
  CHECK(saw_move);
  CHECK(error_field(core->call("timeline.get", {{"entity", "deal"}, {"id", "missing"}})) == "id");
}
