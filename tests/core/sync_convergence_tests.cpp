// Proof of convergence: seeded random play of five devices whose clocks disagree, working
// offline (creates, edits, deletes, conversions, deals, activities, rates) and exchanging
// export files in random order, with duplicates and drops. After every exchange round, any two
// devices that know the same set of changes must hold identical data (sync.digest), and after
// a final exchange through one device all of them must.
//
// What a device "knows" is tracked as facts: every (entity, id, field, stamp) and tombstone it
// wrote itself or received in a file. Identical fact sets must give identical data whatever the
// order in which they arrived. KERVAN_SYNC_SEEDS=N runs more seeds (default 20).
#include <algorithm>
#include <cstdlib>
#include <random>
#include <set>

#include "sync_test_support.hpp"

namespace kervan::testing {
namespace {

constexpr int kDevices = 5;
constexpr int kRounds = 3;
constexpr int64_t kMinute = 60 * 1000;
constexpr const char* kDefaultPipeline = "00000000-0000-4000-8000-000000000100";
const char* kStages[] = {"00000000-0000-4000-8000-000000000101", "00000000-0000-4000-8000-000000000102",
                         "00000000-0000-4000-8000-000000000103", "00000000-0000-4000-8000-000000000104"};
const char* kNames[] = {"Ayşe Yılmaz", "Şükrü Işık", "İpek Öztürk", "Çağrı Ünal", "Ömer Güneş", "Gül Şahin"};
const char* kCompanies[] = {"Işık Makine", "Yılmaz Tekstil", "Öz Gıda", "Çelik Yapı", "Ünal Lojistik"};
const char* kCities[] = {"İstanbul", "İzmir", "Ankara", "Bursa", "Eskişehir", "Iğdır"};

using Facts = std::set<std::string>;

void add_doc_facts(const Json& doc, Facts& facts) {
  for (const auto& r : doc["records"]) {
    const Json stamps = field_stamps_of(r);
    for (const auto& [name, stamp] : stamps.items()) {
      if (!stamp.is_null()) {
        facts.insert(r["entity"].get<std::string>() + "|" + r["id"].get<std::string>() + "|" + name + "|" +
                     stamp.get<std::string>());
      }
    }
  }
  for (const auto& t : doc["tombstones"]) {
    facts.insert("T|" + t["entity"].get<std::string>() + "|" + t["id"].get<std::string>() + "|" +
                 t["stamp"].get<std::string>());
  }
}

// The facts a device wrote itself: its stamps and tombstones carrying its own device id.
void add_own_facts(Device& d, Facts& facts) {
  Json state = d.state();
  std::string me = d.core->device_id();
  auto mine = [&](const std::string& stamp) { return stamp.size() > me.size() && stamp.ends_with(me); };
  for (const auto& s : state["field_stamps"]) {
    if (mine(s[3])) facts.insert(s[0].get<std::string>() + "|" + s[1].get<std::string>() + "|" +
                                 s[2].get<std::string>() + "|" + s[3].get<std::string>());
  }
  for (const auto& t : state["tombstones"]) {
    if (mine(t[2])) facts.insert("T|" + t[0].get<std::string>() + "|" + t[1].get<std::string>() + "|" +
                                 t[2].get<std::string>());
  }
}

class Simulation {
 public:
  explicit Simulation(unsigned seed) : rng_(seed) {
    for (int i = 0; i < kDevices; ++i) {
      // Clocks disagree by up to six hours either way.
      devices_.push_back(std::make_unique<Device>(pick(-360, 360) * kMinute));
      facts_.emplace_back();
    }
  }

  void run() {
    for (int round = 0; round < kRounds; ++round) {
      for (int d = 0; d < kDevices; ++d) {
        int ops = pick(1, 4);
        for (int i = 0; i < ops; ++i) random_op(*devices_[d]);
        add_own_facts(*devices_[d], facts_[d]);
        devices_[d]->clock.advance_ms(pick(1, 240) * kMinute);
      }
      exchange(round);
      check_equal_knowledge("after round " + std::to_string(round));
    }
    // Everything meets at one device, which sends the result to all: afterwards all must agree.
    int hub = pick(0, kDevices - 1);
    for (int d = 0; d < kDevices; ++d) {
      if (d != hub) deliver(hub, devices_[d]->export_doc());
    }
    Json merged = devices_[hub]->export_doc();
    for (int d = 0; d < kDevices; ++d) {
      if (d != hub) deliver(d, merged);
    }
    std::string first = devices_[0]->digest();
    for (int d = 1; d < kDevices; ++d) {
      if (devices_[d]->digest() != first) fail_with_diff(0, d, "after the final full exchange");
    }
  }

 private:
  std::mt19937 rng_;
  std::vector<std::unique_ptr<Device>> devices_;
  std::vector<Facts> facts_;

  int pick(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  template <typename T, std::size_t N>
  const T& pick_of(const T (&items)[N]) {
    return items[pick(0, static_cast<int>(N) - 1)];
  }

  // A random id of `command`'s items ("" when there are none).
  std::string some(Device& d, const char* command, const Json& args = Json::object()) {
    Json items = d.call(command, args)["items"];
    if (items.empty()) return "";
    return items[pick(0, static_cast<int>(items.size()) - 1)]["id"];
  }

  void random_op(Device& d) {
    switch (pick(0, 15)) {
      case 0:
      case 1:
        d.call("lead.create", {{"name", pick_of(kNames)}, {"company", pick_of(kCompanies)}, {"city", pick_of(kCities)}});
        break;
      case 2: {
        std::string id = some(d, "lead.list", {{"status", "new"}});
        if (!id.empty()) d.call("lead.update", {{"id", id}, {"city", pick_of(kCities)}, {"notes", std::to_string(pick(0, 99))}});
        break;
      }
      case 3: {
        std::string id = some(d, "lead.list", {{"status", "new"}});  // converted leads are kept
        if (!id.empty()) d.call("lead.delete", {{"id", id}});
        break;
      }
      case 4: {
        std::string id = some(d, "lead.list", {{"status", "new"}});
        if (id.empty()) break;
        d.call("lead.qualify", {{"id", id}});
        d.call("lead.convert", {{"id", id}, {"allow_duplicates", true}});
        break;
      }
      case 5: d.call("company.create", {{"name", pick_of(kCompanies)}, {"city", pick_of(kCities)}}); break;
      case 6: {
        std::string id = some(d, "company.list");
        if (id.empty()) break;
        if (pick(0, 2) == 0) d.call("company.delete", {{"id", id}, {"contacts", "unlink"}});
        else d.call("company.update", {{"id", id}, {"phone", "0212 " + std::to_string(pick(100, 999))}});
        break;
      }
      case 7: {
        std::string company = some(d, "company.list");
        d.call("contact.create", {{"name", pick_of(kNames)}, {"company_id", company}});
        break;
      }
      case 8: {
        std::string id = some(d, "contact.list");
        if (id.empty()) break;
        if (pick(0, 2) == 0) d.call("contact.delete", {{"id", id}});
        else d.call("contact.update", {{"id", id}, {"title", pick_of(kCities)}, {"tags", {pick_of(kCities)}}});
        break;
      }
      case 9:
      case 10: {
        Json args = {{"name", std::string("Fırsat ") + pick_of(kCompanies)}, {"amount", pick(1, 1000) * 100}};
        if (std::string company = some(d, "company.list"); !company.empty()) args["company_id"] = company;
        d.call("deal.create", args);
        break;
      }
      case 11: {
        std::string id = some(d, "deal.list", {{"status", "open"}});
        if (id.empty()) break;
        int what = pick(0, 4);
        if (what == 0) d.call("deal.delete", {{"id", id}});
        else if (what == 1) d.call("deal.update", {{"id", id}, {"amount", pick(1, 1000) * 100}});
        else if (what == 2) d.call("deal.win", {{"id", id}});
        else d.call("deal.move", {{"id", id}, {"stage_id", pick_of(kStages)}, {"confirm", true}});
        break;
      }
      case 12: {
        std::string deal = some(d, "deal.list");
        if (deal.empty()) break;
        d.call("activity.create", {{"type", "call"}, {"subject", "Ara " + std::to_string(pick(1, 9))},
                                   {"links", {{{"entity", "deal"}, {"id", deal}}}}});
        break;
      }
      case 13: {
        std::string id = some(d, "activity.list");
        if (id.empty()) break;
        if (pick(0, 1) == 0) d.call("activity.update", {{"id", id}, {"done", pick(0, 1) == 1}});
        else d.call("activity.delete", {{"id", id}});
        break;
      }
      case 14: {
        const char* currencies[] = {"USD", "EUR", "GBP"};
        if (pick(0, 3) == 0) {
          Json rates = d.call("rate.list")["items"];
          if (!rates.empty()) d.call("rate.delete", {{"currency", rates[0]["currency"]}});
        } else {
          d.call("rate.set", {{"currency", pick_of(currencies)}, {"per_base", std::to_string(pick(20, 50))}});
        }
        break;
      }
      default: {
        Json checklist = d.call("stage.checklist", {{"stage_id", kStages[0]}})["items"];
        std::string deal = some(d, "deal.list", {{"pipeline_id", kDefaultPipeline}});
        if (checklist.empty() || pick(0, 3) == 0) {
          d.call("stage.add_step", {{"stage_id", kStages[0]}, {"text", "Adım " + std::to_string(pick(1, 9))}});
        } else if (!deal.empty()) {
          d.call("deal.check_step", {{"id", deal}, {"step_id", checklist[0]["id"]}, {"done", pick(0, 1) == 1}});
        }
      }
    }
  }

  void deliver(int to, const Json& doc) {
    devices_[to]->import_doc(doc);
    add_doc_facts(doc, facts_[to]);
  }

  // Some devices export (all, or since their last export to a peer); files reach random
  // devices, some twice, some never, in random order.
  void exchange(int round) {
    std::vector<Json> files;
    for (int d = 0; d < kDevices; ++d) {
      if (pick(0, 3) == 0) continue;
      Json args = Json::object();
      if (pick(0, 3) > 0) args["since_peer"] = "peer-" + std::to_string(pick(0, kDevices - 1));
      files.push_back(devices_[d]->export_doc(args));
    }
    std::vector<std::pair<int, std::size_t>> deliveries;
    for (std::size_t f = 0; f < files.size(); ++f) {
      for (int d = 0; d < kDevices; ++d) {
        int copies = pick(0, 4) == 0 ? 0 : pick(1, 2);  // dropped, delivered, or delivered twice
        for (int c = 0; c < copies; ++c) deliveries.push_back({d, f});
      }
    }
    std::shuffle(deliveries.begin(), deliveries.end(), rng_);
    for (const auto& [to, f] : deliveries) deliver(to, files[f]);
    (void)round;
  }

  void check_equal_knowledge(const std::string& when) {
    std::vector<std::string> digests;
    for (auto& d : devices_) digests.push_back(d->digest());
    for (int a = 0; a < kDevices; ++a) {
      for (int b = a + 1; b < kDevices; ++b) {
        if (facts_[a] == facts_[b] && digests[a] != digests[b]) fail_with_diff(a, b, when);
      }
    }
  }

  [[noreturn]] void fail_with_diff(int a, int b, const std::string& when) {
    Json sa = devices_[a]->state(), sb = devices_[b]->state();
    std::string diff;
    for (const auto& [table, rows] : sa.items()) {
      if (rows != sb[table]) diff += "\n  " + table + ": " + Json::diff(rows, sb[table]).dump().substr(0, 1500);
    }
    FAIL("devices " << a << " and " << b << " differ " << when << ":" << diff);
    std::abort();
  }
};

int seed_count() {
  const char* env = std::getenv("KERVAN_SYNC_SEEDS");
  int n = env ? std::atoi(env) : 0;
  return n > 0 ? n : 20;
}

}  // namespace

TEST_CASE("randomized convergence of five offline devices exchanging files") {
  int seeds = seed_count();
  for (int seed = 1; seed <= seeds; ++seed) {
    CAPTURE(seed);  // printed with any failure: rerun one seed by reading it here
    Simulation(static_cast<unsigned>(seed)).run();
  }
}

}  // namespace kervan::testing
