// Search through the trigram index (schema 8): the same answers as a scan of search_text, for
// words of any length, kept exact by the triggers whatever writes the rows.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

#include "core/database.hpp"
#include "core/records.hpp"
#include "core/schema.hpp"
#include "test_support.hpp"

using namespace kervan;
using namespace kervan::testing;

namespace {

int64_t total(Core& core, const std::string& command, const std::string& query) {
  Json reply = core.call(command, {{"query", query}});
  REQUIRE_MESSAGE(!reply.contains("error"), reply.dump());
  return reply["total"].get<int64_t>();
}

std::vector<std::string> names(const Json& reply) {
  std::vector<std::string> out;
  for (const auto& item : reply["items"]) out.push_back(item["name"].get<std::string>());
  return out;
}

// FTS5's own check that an external-content index holds exactly the table's text.
void check_indexes(const std::string& path) {
  Database db(path);
  for (const char* table : {"leads", "contacts", "companies", "deals"}) {
    std::string index = std::string(table) + "_search";
    CHECK_NOTHROW(db.exec("INSERT INTO " + index + "(" + index + ", rank) VALUES('integrity-check', 1)"));
  }
}

}  // namespace

TEST_CASE("search: 1- and 2-letter words find what a scan finds, Turkish letters folded") {
  auto core = memory_core();
  core->call("lead.create", {{"name", "Şükrü Işık"}, {"company", "Işıklar Elektrik"}});
  core->call("lead.create", {{"name", "İsmail Çelik"}, {"city", "İstanbul"}});
  core->call("lead.create", {{"name", "Gül Öztürk"}, {"phone", "0532 123 45 99"}});
  core->call("lead.create", {{"name", "Nur Ay"}});
  core->call("lead.create", {{"company", "Qx Ltd"}});

  CHECK(total(*core, "lead.list", "ş") == 2);   // Şükrü Işık, İsmail (s)
  CHECK(total(*core, "lead.list", "Ş") == 2);
  CHECK(total(*core, "lead.list", "ö") == 1);   // Öztürk
  CHECK(total(*core, "lead.list", "ğ") == 1);   // Gül (g)
  CHECK(total(*core, "lead.list", "is") == 2);  // Işık(lar); İsmail, İstanbul
  CHECK(total(*core, "lead.list", "İS") == 2);
  CHECK(total(*core, "lead.list", "ık") == 2);  // "ik": Işık, Elektrik, Çelik
  CHECK(total(*core, "lead.list", "zt") == 1);  // in the middle of a word
  CHECK(total(*core, "lead.list", "ay") == 1);  // the last letters of the last field
  CHECK(total(*core, "lead.list", "99") == 1);  // the last digits of a phone
  CHECK(total(*core, "lead.list", "qx") == 1);
  CHECK(total(*core, "lead.list", "xq") == 0);
  CHECK(total(*core, "lead.list", "ay nur") == 1);
  CHECK(total(*core, "lead.list", "ay gül") == 0);
  CHECK(total(*core, "lead.list", "ist ık") == 1);  // a 3- and a 2-letter word together
  CHECK(total(*core, "lead.list", "ığı") == 0);
  CHECK(total(*core, "lead.list", "IŞIKLAR ELEKTRİK") == 1);
  CHECK(total(*core, "lead.list", "türk") == 1);
  CHECK(total(*core, "lead.list", "\"") == 5);  // not a word: no filter
}

TEST_CASE("search: contacts, companies and deals use their index too") {
  auto core = memory_core();
  Json company = core->call("company.create", {{"name", "Çınar Gıda A.Ş."}, {"city", "Eskişehir"}});
  core->call("contact.create", {{"name", "Ümit Doğan"}, {"company_id", company["id"]}, {"emails", {"umit@cinar.com.tr"}}});
  core->call("deal.create", {{"name", "Fırın hattı"}, {"company_id", company["id"]}});
  CHECK(total(*core, "company.list", "cinar") == 1);
  CHECK(total(*core, "company.list", "ESKİŞ") == 1);
  CHECK(total(*core, "company.list", "gı") == 1);
  CHECK(total(*core, "contact.list", "doğan") == 1);
  CHECK(total(*core, "contact.list", "UMIT@CINAR") == 1);
  CHECK(total(*core, "contact.list", "ğa") == 1);
  CHECK(total(*core, "deal.list", "fırın") == 1);
  CHECK(total(*core, "deal.list", "fi") == 1);
  CHECK(total(*core, "deal.list", "firinx") == 0);
}

TEST_CASE("search: the index follows every write, and FTS5 finds it consistent") {
  auto path = (std::filesystem::temp_directory_path() / "kervan-test-search.db").string();
  std::filesystem::remove(path);
  {
    Core core(path, CoreOptions{ManualClock{}.source()});
    std::string id = core.call("lead.create", {{"name", "Ertuğrul Kılıç"}})["id"];
    std::string gone = core.call("lead.create", {{"name", "Silinecek Kişi"}})["id"];
    CHECK(total(core, "lead.list", "ertug") == 1);
    core.call("lead.update", {{"id", id}, {"name", "Hülya Güneş"}});
    CHECK(total(core, "lead.list", "ertug") == 0);
    CHECK(total(core, "lead.list", "hulya gunes") == 1);
    core.call("lead.delete", {{"id", gone}});
    CHECK(total(core, "lead.list", "silinecek") == 0);
    Json company = core.call("company.create", {{"name", "Toros Makine"}});
    core.call("contact.create", {{"name", "Levent Aksoy"}, {"company_id", company["id"]}});
    core.call("deal.create", {{"name", "Torna"}, {"company_id", company["id"]}});
  }
  {
    // A write path that sets search_text itself (as sync import does) keeps the index exact.
    Database db(path);
    db.exec("UPDATE leads SET search_text = 'elle yazildi ' WHERE name = 'Hülya Güneş'");
  }
  {
    Core core(path, CoreOptions{ManualClock{}.source()});
    CHECK(total(core, "lead.list", "yazildi") == 1);
    CHECK(total(core, "lead.list", "hulya") == 0);
    CHECK(total(core, "contact.list", "levent") == 1);
    CHECK(total(core, "company.list", "toros") == 1);
  }
  check_indexes(path);
  std::filesystem::remove(path);
}

TEST_CASE("search: a database from before the index is indexed when it is opened") {
  auto path = (std::filesystem::temp_directory_path() / "kervan-test-search-migrate.db").string();
  std::filesystem::remove(path);
  {
    Core core(path, CoreOptions{ManualClock{}.source()});
    core.call("lead.create", {{"name", "Çiğdem Yıldırım"}});
  }
  {
    // Back to version 7: no index, no triggers, rows written meanwhile.
    Database db(path);
    testing::undo_search_migration(db);
    db.exec("UPDATE leads SET search_text = search_text || 'eski ' ; PRAGMA user_version = 7");
  }
  {
    Core core(path, CoreOptions{ManualClock{}.source()});
    CHECK(total(core, "lead.list", "yildirim eski") == 1);
    CHECK(total(core, "lead.list", "ci") == 1);
  }
  check_indexes(path);
  std::filesystem::remove(path);
}

TEST_CASE("search: many matches are counted to a cap, paged and sorted as without a search") {
  ManualClock clock;
  auto core = memory_core(clock);
  const std::vector<std::string> first = {"Zeynep", "Çağla", "Cem", "İpek", "Ilgaz", "Şule", "Sude", "Ömer", "Oya"};
  for (int i = 0; i < 1010; ++i) {
    core->call("lead.create", {{"name", first[i % first.size()] + " Kişi" + std::to_string(i)}});
    clock.advance_ms(1000);
  }
  core->call("lead.create", {{"name", "Zübeyde Biri"}});

  Json many = core->call("lead.list", {{"query", "kişi"}, {"sort", "name"}, {"limit", 5}});
  CHECK(many["total"] == 1000);
  CHECK(many["total_capped"] == true);
  Json all = core->call("lead.list", {{"sort", "name"}, {"limit", 5}});
  CHECK(all["total"] == 1011);
  CHECK_FALSE(all.contains("total_capped"));
  CHECK(names(many) == names(all));  // Cem Kişi... first: C before Ç in Turkish
  CHECK(names(many)[0].rfind("Cem", 0) == 0);

  Json one_letter = core->call("lead.list", {{"query", "i"}, {"sort", "-created_at"}, {"limit", 3}});
  CHECK(one_letter["total"] == 1000);
  CHECK(one_letter["total_capped"] == true);
  CHECK(names(one_letter)[0] == "Zübeyde Biri");

  // Few matches go through the index first; the page and the count are exact.
  Json few = core->call("lead.list", {{"query", "kişi100"}, {"sort", "-created_at"}, {"limit", 3}});
  CHECK(few["total"] == 11);  // kişi100 and kişi1000..1009
  CHECK_FALSE(few.contains("total_capped"));
  CHECK(names(few) == std::vector<std::string>{"Çağla Kişi1009", "Zeynep Kişi1008", "Oya Kişi1007"});
  Json last = core->call("lead.list", {{"query", "kişi100"}, {"sort", "-created_at"}, {"limit", 3}, {"offset", 9}});
  CHECK(last["total"] == 11);
  CHECK(last["items"].size() == 2);
  Json past = core->call("lead.list", {{"query", "kişi100"}, {"limit", 3}, {"offset", 20}});
  CHECK(past["total"] == 11);
  CHECK(past["items"].empty());
}

TEST_CASE("search: dense matches under a sort by time read rows in order and find what the index finds") {
  // 600 leads, one in five an Öztürk: newest first, a page fills within a few rows, so the
  // list tests each row's text; under a sort by name it collects the index's matches first.
  ManualClock clock;
  auto core = memory_core(clock);
  std::vector<std::string> created;
  for (int i = 0; i < 600; ++i) {
    std::string name = (i % 5 == 0 ? "Ayşe Öztürk " : "Mehmet Yılmaz ") + std::to_string(i);
    Json reply = core->call("lead.create", {{"name", name}, {"city", i % 10 == 0 ? "İzmir" : "Bursa"}});
    REQUIRE_MESSAGE(!reply.contains("error"), reply.dump());
    created.push_back(name);
    clock.advance_ms(1000);
  }
  auto expected = [&](auto match, bool newest_first, std::size_t offset, std::size_t limit) {
    std::vector<std::string> all;
    for (int i = 0; i < 600; ++i) {
      int k = newest_first ? 599 - i : i;
      if (match(k)) all.push_back(created[k]);
    }
    std::vector<std::string> page;
    for (std::size_t i = offset; i < all.size() && page.size() < limit; ++i) page.push_back(all[i]);
    return std::make_pair(page, static_cast<int64_t>(all.size()));
  };
  auto check = [&](const std::string& query, const std::string& sort, std::size_t offset, std::size_t limit,
                   auto match) {
    CAPTURE(query);
    CAPTURE(sort);
    CAPTURE(offset);
    Json reply = core->call("lead.list", {{"query", query}, {"sort", sort}, {"offset", offset}, {"limit", limit}});
    REQUIRE_MESSAGE(!reply.contains("error"), reply.dump());
    auto [page, count] = expected(match, sort[0] == '-', offset, limit);
    CHECK(names(reply) == page);
    CHECK(reply["total"] == count);
  };
  auto ozturk = [](int k) { return k % 5 == 0; };
  auto izmir_ozturk = [](int k) { return k % 10 == 0; };
  for (const char* sort : {"-created_at", "created_at", "-updated_at"}) {
    check("öztürk", sort, 0, 10, ozturk);
    check("ÖZTÜRK", sort, 55, 10, ozturk);
    check("öz", sort, 0, 7, ozturk);  // a 2-letter word
    check("öztürk izmir", sort, 0, 5, izmir_ozturk);
    check("iz ayşe", sort, 3, 5, izmir_ozturk);
    check("öztürk yılmaz", sort, 0, 5, [](int) { return false; });
    check("ztür", sort, 115, 10, ozturk);  // the last page, partly filled
  }
  // The same queries where the index's match set drives the list.
  Json by_name = core->call("lead.list", {{"query", "öztürk"}, {"sort", "name"}, {"limit", 200}});
  CHECK(by_name["total"] == 120);
  Json newest = core->call("lead.list", {{"query", "öztürk"}, {"sort", "-created_at"}, {"limit", 200}});
  CHECK(newest["total"] == 120);
  auto a = names(by_name), b = names(newest);
  std::sort(a.begin(), a.end());
  std::sort(b.begin(), b.end());
  CHECK(a == b);
  // With another filter the index's set is used again: the same answer.
  Json filtered = core->call("lead.list", {{"query", "öztürk"}, {"status", "new"}, {"limit", 3}});
  CHECK(filtered["total"] == 120);
  CHECK(names(filtered) == expected(ozturk, true, 0, 3).first);
}

TEST_CASE("search: dense matches clustered away from the newest rows are still found, in order") {
  // 2,300 leads; the 150 oldest come from one trade show. Newest first, the walk of the first
  // kSearchWalkRows rows finds none of them: the match set answers instead.
  ManualClock clock;
  auto core = memory_core(clock);
  REQUIRE(kSearchWalkRows <= 2300 - 150);
  for (int i = 0; i < 2300; ++i) {
    Json lead = {{"name", "Ziyaretçi " + std::to_string(i)}};
    if (i < 150) lead["event"] = "Agroexpo 2025";
    Json reply = core->call("lead.create", lead);
    REQUIRE_MESSAGE(!reply.contains("error"), reply.dump());
    clock.advance_ms(1000);
  }
  Json newest = core->call("lead.list", {{"query", "agroexpo"}, {"limit", 5}});
  CHECK(newest["total"] == 150);
  CHECK(names(newest) == std::vector<std::string>{"Ziyaretçi 149", "Ziyaretçi 148", "Ziyaretçi 147", "Ziyaretçi 146",
                                                  "Ziyaretçi 145"});
  Json oldest = core->call("lead.list", {{"query", "agroexpo"}, {"sort", "created_at"}, {"limit", 5}, {"offset", 10}});
  CHECK(names(oldest) == std::vector<std::string>{"Ziyaretçi 10", "Ziyaretçi 11", "Ziyaretçi 12", "Ziyaretçi 13",
                                                  "Ziyaretçi 14"});
  Json last = core->call("lead.list", {{"query", "agroexpo"}, {"limit", 100}, {"offset", 100}});
  CHECK(last["items"].size() == 50);
  CHECK(last["total"] == 150);
}
