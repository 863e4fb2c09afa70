#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "core/dedupe.hpp"

using namespace kervan::dedupe;

namespace {

std::string read_whole_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot open " << path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::string data_path(const char* name) { return std::string(KERVAN_TEST_DATA_DIR) + "/" + name; }

Person person_from(const nlohmann::json& j) {
  return Person{j.value("name", ""),  j.value("company", ""), j.value("email", ""),
                j.value("phone", ""), j.value("city", ""),    j.value("title", "")};
}

struct LabelledPair {
  Person a, b;
  bool duplicate = false;
  std::string why;
};

std::vector<LabelledPair> load_pairs() {
  auto json = nlohmann::json::parse(read_whole_file(data_path("duplicate-pairs.json")));
  std::vector<LabelledPair> pairs;
  for (const auto& item : json) {
    pairs.push_back({person_from(item["a"]), person_from(item["b"]), item["duplicate"].get<bool>(),
                     item.value("why", "")});
  }
  return pairs;
}

// Splits one line of the fair list: ';'-separated, fields may be "quoted" with "" for a quote.
std::vector<std::string> split_csv_line(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        fields.back() += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ';') {
      fields.emplace_back();
    } else {
      fields.back() += c;
    }
  }
  return fields;
}

// The fair list by row number as a spreadsheet shows it: the header is row 1, so rows[2] is
// the first lead. rows[0] and rows[1] stay empty.
std::vector<Person> load_fair_rows() {
  std::string content = read_whole_file(data_path("fair-leads-tr.csv"));
  if (content.starts_with("\xEF\xBB\xBF")) content.erase(0, 3);
  std::vector<Person> rows(2);
  std::istringstream in(content);
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (header) {
      REQUIRE(line.starts_with("Ad Soyad;Firma;Unvan;E-posta;Telefon;"));
      header = false;
      continue;
    }
    if (line.empty()) continue;
    auto f = split_csv_line(line);
    REQUIRE(f.size() >= 6);
    // Ad Soyad;Firma;Unvan;E-posta;Telefon;Şehir;...
    rows.push_back(Person{f[0], f[1], f[3], f[4], f[5], f[2]});
  }
  return rows;
}

// Row -> the earlier row it duplicates (0 when it is nobody's duplicate).
std::map<int, int> load_fair_truth() {
  auto json = nlohmann::json::parse(read_whole_file(data_path("fair-leads-truth.json")));
  std::map<int, int> truth;
  for (const auto& item : json) {
    truth[item["row"].get<int>()] = item["dup_of_row"].is_null() ? 0 : item["dup_of_row"].get<int>();
  }
  return truth;
}

// Whether two sorted key lists share a key.
bool share_key(const std::vector<std::string>& ka, const std::vector<std::string>& kb) {
  std::vector<std::string> common;
  std::set_intersection(ka.begin(), ka.end(), kb.begin(), kb.end(), std::back_inserter(common));
  return !common.empty();
}

bool keys_intersect(const Person& a, const Person& b) { return share_key(blocking_keys(a), blocking_keys(b)); }

bool has_reason(const Match& m, std::string_view code) {
  return std::find(m.reasons.begin(), m.reasons.end(), code) != m.reasons.end();
}

double ratio(int part, int whole) { return whole == 0 ? 1.0 : static_cast<double>(part) / whole; }

}  // namespace

// ---------------------------------------------------------------------------------------------
// Phones

TEST_CASE("normalize_phone gives one form for every way a Turkish number is typed") {
  for (const char* typed : {"0532 123 45 67", "+90 532 123 4567", "(532) 1234567", "905321234567",
                            "0090 532 123 45 67", "532-123-4567", "0 (532) 123 45 67", "+90 (0532) 123 45 67",
                            "05321234567", "+90-532-123-45-67", "Tel: 0532 123 45 67", "0532.123.45.67"}) {
    CAPTURE(typed);
    CHECK(normalize_phone(typed) == "+905321234567");
  }
  CHECK(normalize_phone("0212 555 12 34") == "+902125551234");
  CHECK(normalize_phone("(0312) 444 55 66") == "+903124445566");
}

TEST_CASE("normalize_phone drops extensions in Turkish and English spellings") {
  for (const char* typed : {"0212 555 12 34 dahili 12", "0212 555 12 34 Dahili: 12", "0212 555 12 34 ext. 12",
                            "0212 555 12 34 x12", "0212 555 12 34 #12", "0212 555 12 34 / 12",
                            "0212 555 12 34 (dâhili 12)", "+90 212 555 12 34 - 12"}) {
    CAPTURE(typed);
    CHECK(normalize_phone(typed) == "+902125551234");
  }
}

TEST_CASE("normalize_phone keeps the country code of foreign numbers") {
  CHECK(normalize_phone("+49 30 1234567") == "+49301234567");
  CHECK(normalize_phone("0049 30 1234567") == "+49301234567");
  CHECK(normalize_phone("+49 (0)30 1234567") == "+49301234567");
  CHECK(normalize_phone("+44 20 7946 0958") == "+442079460958");
  CHECK(normalize_phone("+1 (212) 555-0147 ext. 3") == "+12125550147");
}

TEST_CASE("normalize_phone refuses fewer than seven digits and keeps unknown shapes as typed") {
  CHECK(normalize_phone("") == "");
  CHECK(normalize_phone("yok") == "");
  CHECK(normalize_phone("12 34 56") == "");
  CHECK(normalize_phone("dahili 1234") == "");
  CHECK(normalize_phone("444 12 34") == "4441234");  // a call-centre number has no area code
  CHECK(normalize_phone("555 12 34") == "5551234");
}

TEST_CASE("looks_like_phone flags numbers that cannot be dialled") {
  CHECK(looks_like_phone("0532 123 45 67"));
  CHECK(looks_like_phone("0212 555 12 34 dahili 5"));
  CHECK(looks_like_phone("0850 123 45 67"));
  CHECK(looks_like_phone("+49 30 1234567"));
  CHECK_FALSE(looks_like_phone("0532 123 45"));     // a digit short
  CHECK_FALSE(looks_like_phone("0132 123 45 67"));  // no area code starts with 1
  CHECK_FALSE(looks_like_phone("12345"));
  CHECK_FALSE(looks_like_phone("bilmiyorum"));
  CHECK_FALSE(looks_like_phone(""));
}

// ---------------------------------------------------------------------------------------------
// E-mail

TEST_CASE("normalize_email lower-cases, folds Turkish İ and ı, and keeps dots and tags") {
  CHECK(normalize_email("  Ayse.Kaya@Ornek.COM.TR ") == "ayse.kaya@ornek.com.tr");
  CHECK(normalize_email("CEM.ARSLAN@ANADOLUGIDA.NET.TR") == "cem.arslan@anadolugida.net.tr");
  CHECK(normalize_email("İSMAİL@FİRMA.COM") == "ismail@firma.com");
  CHECK(normalize_email("ısıl@fırma.com") == "isil@firma.com");
  CHECK(normalize_email("i̇lker@ornek.com") == "ilker@ornek.com");  // i + combining dot
  CHECK(normalize_email("ayse.kaya+fuar@gmail.com") == "ayse.kaya+fuar@gmail.com");
  CHECK(normalize_email("a.y.s.e@gmail.com") != normalize_email("ayse@gmail.com"));
  CHECK(normalize_email("Ayşe Kaya <ayse@ornek.com>") == "ayse@ornek.com");
  CHECK(normalize_email("mailto:Ayse@Ornek.com") == "ayse@ornek.com");
}

TEST_CASE("normalize_email refuses text that is not an address") {
  for (const char* typed : {"", "ayse", "ayse@", "@ornek.com", "ayse@ornek", "ayse@@ornek.com", "ayse @ornek.com",
                            "ayse@ornek..com", ".ayse@ornek.com", "ayse.@ornek.com", "ay..se@ornek.com",
                            "ayse@-ornek.com", "ayse@ornek.c", "ayse@ornek.123", "ayse@ornek,com", "yok"}) {
    CAPTURE(typed);
    CHECK(normalize_email(typed) == "");
    CHECK_FALSE(looks_like_email(typed));
  }
  CHECK(looks_like_email("Ayse.Kaya@ornek.com.tr"));
}

TEST_CASE("company_domain ignores free mail providers in every country variant") {
  for (const char* free : {"ali@gmail.com", "ali@hotmail.com", "ali@hotmail.com.tr", "ali@outlook.com",
                           "ali@outlook.com.tr", "ali@yahoo.com", "ali@yahoo.co.uk", "ali@yandex.com",
                           "ali@yandex.com.tr", "ali@icloud.com", "ali@mynet.com", "ali@windowslive.com",
                           "ali@msn.com", "ali@live.com", "ALI@GMAIL.COM"}) {
    CAPTURE(free);
    CHECK(company_domain(free) == "");
  }
  CHECK(company_domain("ali@gokkusagiambalaj.com.tr") == "gokkusagiambalaj.com.tr");
  CHECK(company_domain("ALİ@ARÇELİK.COM") == "arçelik.com");
  CHECK(company_domain("ali@mail.firma.com.tr") == "mail.firma.com.tr");  // the company's own server
  CHECK(company_domain("ali@gmailtr.com") == "gmailtr.com");
  CHECK(company_domain("not an address") == "");
}

TEST_CASE("is_role_mailbox recognises shared addresses in Turkish and English") {
  CHECK(is_role_mailbox("info@firma.com.tr"));
  CHECK(is_role_mailbox("SATIS@firma.com.tr"));
  CHECK(is_role_mailbox("muhasebe+fatura@firma.com.tr"));
  CHECK(is_role_mailbox("iletisim@firma.com"));
  CHECK_FALSE(is_role_mailbox("ayse.kaya@firma.com"));
  CHECK_FALSE(is_role_mailbox("info"));
}

// ---------------------------------------------------------------------------------------------
// Names and companies

TEST_CASE("name_key ignores case, Turkish letters, word order and courtesy titles") {
  CHECK(name_key("ŞAHİN Hakan") == "hakan sahin");
  CHECK(name_key("Hakan Şahin") == "hakan sahin");
  CHECK(name_key("hakan sahin") == "hakan sahin");
  CHECK(name_key("Şahin, Hakan") == "hakan sahin");
  CHECK(name_key("IŞIL ILICAK") == "ilicak isil");
  CHECK(name_key("İsmail Işık") == name_key("ismail isik"));
  CHECK(name_key("Dr. Ayşe Kaya") == "ayse kaya");
  CHECK(name_key("Ahmet Bey") == "ahmet");
  CHECK(name_key("Sn. Ayşe Kaya Hanım") == "ayse kaya");
  CHECK(name_key("Bay") == "bay");  // a name made only of a title keeps it
  CHECK(name_key("") == "");
}

TEST_CASE("company_key drops legal forms and filler in all their spellings") {
  const std::string expected = "gokkusagi ambalaj";
  for (const char* typed :
       {"Gökkuşağı Ambalaj San. ve Tic. A.Ş.", "Gökkuşağı Ambalaj Sanayi ve Ticaret Anonim Şirketi",
        "GÖKKUŞAĞI AMBALAJ", "Gökkuşağı Ambalaj A.Ş.", "Gökkuşağı Ambalaj AŞ", "Gökkuşağı Ambalaj A.S.",
        "Gokkusagi Ambalaj A. Ş.", "GÖKKUŞAĞI AMBALAJ SAN.TİC.LTD.ŞTİ.", "Gökkuşağı Ambalaj Ltd. Şti.",
        "Gökkuşağı Ambalaj Limited Şirketi", "Gökkuşağı Ambalaj Tic. Ltd. Şti.", "Gökkuşağı Ambalaj Şti.",
        "Gökkuşağı Ambalaj Paz. İth. İhr. San. ve Tic. Ltd. Şti.", "Gökkuşağı Ambalaj Pazarlama A.Ş.",
        "Gökkuşağı Ambalaj Dış Tic. Ltd. Şti.", "Gökkuşağı Ambalaj İthalat İhracat Ltd.",
        "Gökkuşağı Ambalaj Koll. Şti.", "Gökkuşağı Ambalaj Kollektif Şirketi", "Gökkuşağı Ambalaj Kom. Şti.",
        "Gökkuşağı Ambalaj Inc.", "Gökkuşağı Ambalaj LLC", "Gökkuşağı Ambalaj GmbH & Co. KG",
        "Gökkuşağı Ambalaj Corp.", "Gökkuşağı Ambalaj Company", "Gökkuşağı Ambalaj Ltd"}) {
    CAPTURE(typed);
    CHECK(company_key(typed) == expected);
  }
}

TEST_CASE("company_key keeps the words that tell companies apart") {
  CHECK(company_key("Şimşek Enerji A.Ş.") == "simsek enerji");
  CHECK(company_key("Şimşek Ambalaj Ltd. Şti.") == "simsek ambalaj");
  CHECK(company_key("Anadolu İnşaat A.Ş.") == "anadolu insaat");
  CHECK(company_key("Dış Ticaret Lojistik A.Ş.") == "dis ticaret lojistik");  // filler only at the end
  CHECK(company_key("Ege Sanayi Holding A.Ş.") == "ege sanayi holding");
  CHECK(company_key("Pazarlama Ltd. Şti.") == "pazarlama ltd sti");  // nothing else to go by
  CHECK(company_key("") == "");
}

// ---------------------------------------------------------------------------------------------
// compare()

TEST_CASE("compare finds one person typed in different ways") {
  const Person hakan{"Hakan Şahin", "Gökkuşağı Ambalaj San. ve Tic. A.Ş.", "hakan.sahin@gokkusagiambalaj.com.tr",
                     "0505 908 30 16", "Kayseri", "Genel Müdür"};

  SUBCASE("capitals, swapped words and another spelling of the legal form") {
    Person other{"ŞAHİN HAKAN", "Gökkuşağı Ambalaj Sanayi ve Ticaret Anonim Şirketi", "", "+90 505 908 3016",
                 "KAYSERİ", ""};
    Match m = compare(hakan, other);
    CHECK(m.score >= kShowThreshold);
    CHECK(m.reasons == std::vector<std::string>{"same_phone", "same_name", "same_company", "same_city"});
  }
  SUBCASE("a typo in the surname with the same e-mail") {
    Match m = compare(hakan, Person{"Hakan Şahn", "", "HAKAN.SAHIN@gokkusagiambalaj.com.tr", "", "", ""});
    CHECK(m.score >= kShowThreshold);
    CHECK(has_reason(m, "same_email"));
    CHECK(has_reason(m, "similar_name"));
  }
  SUBCASE("a swap of two letters and nothing but the company to go by") {
    Match m = compare(hakan, Person{"Hakan Şhain", "Gökkuşağı Ambalaj", "", "", "Kayseri", ""});
    CHECK(m.score >= kShowThreshold);
    CHECK(has_reason(m, "similar_name"));
  }
  SUBCASE("a middle name one record has and the other lacks") {
    Match m = compare(hakan, Person{"Hakan Mehmet Şahin", "Gökkuşağı Ambalaj", "", "", "", ""});
    CHECK(m.score >= kShowThreshold);
    CHECK(has_reason(m, "similar_name"));
  }
  SUBCASE("a name written as one word or two") {
    Person ayse{"Ayşe Nur Kaya", "Ege Gıda", "", "", "", ""};
    Match m = compare(ayse, Person{"Ayşenur Kaya", "Ege Gıda Ltd. Şti.", "", "", "", ""});
    CHECK(m.score >= kShowThreshold);
    CHECK(has_reason(m, "similar_name"));
  }
  SUBCASE("a new job: same name and mobile, other company and e-mail") {
    Match m = compare(hakan, Person{"Hakan Şahin", "Toros Makina", "hakan@torosmakina.com", "0505 908 30 16", "", ""});
    CHECK(m.score >= kShowThreshold);
  }
  SUBCASE("only an e-mail on one side") {
    CHECK(compare(hakan, Person{"", "", "hakan.sahin@gokkusagiambalaj.com.tr", "", "", ""}).score >= kShowThreshold);
  }
}

TEST_CASE("compare treats initials and a lone first name as weak evidence") {
  const Person hakan{"Hakan Şahin", "Gökkuşağı Ambalaj A.Ş.", "", "", "Kayseri", ""};
  Match initials = compare(hakan, Person{"H. Şahin", "Gökkuşağı Ambalaj", "", "", "Kayseri", ""});
  CHECK(has_reason(initials, "name_initials"));
  CHECK(initials.score < kShowThreshold);
  Match first_only = compare(hakan, Person{"Hakan", "Gökkuşağı Ambalaj", "", "", "Kayseri", ""});
  CHECK(has_reason(first_only, "name_initials"));
  CHECK(first_only.score < kShowThreshold);
  // With a personal phone in common the initials are enough.
  Person with_phone = hakan;
  with_phone.phone = "0505 908 30 16";
  CHECK(compare(with_phone, Person{"H. Şahin", "", "", "05059083016", "", ""}).score >= kShowThreshold);
  // Initials that disagree are another person.
  CHECK(compare(hakan, Person{"M. Şahin", "Gökkuşağı Ambalaj", "", "", "Kayseri", ""}).score < 0.1);
}

TEST_CASE("compare does not match namesakes, colleagues or look-alike companies") {
  const Person mehmet{"Mehmet Yılmaz", "İpek Enerji Ltd. Şti.", "mehmet.yilmaz@ipekenerji.net.tr",
                      "0558 282 88 07", "Çorum", "Üretim Şefi"};
  SUBCASE("same name at another company, with another e-mail and phone") {
    Match m = compare(mehmet, Person{"Mehmet Yılmaz", "Toros Makina A.Ş.", "mehmet.yilmaz@torosmakina.com",
                                     "0532 111 22 33", "Çorum", "Üretim Şefi"});
    CHECK(m.score < kShowThreshold);
    CHECK(has_reason(m, "same_name"));
  }
  SUBCASE("a colleague with the same first name") {
    Match m = compare(mehmet, Person{"Mehmet Ilıcak", "İpek Enerji LTD. ŞTİ.", "mehmet.ilicak@ipekenerji.net.tr",
                                     "0532 279 18 05", "Çorum", "Üretim Şefi"});
    CHECK(m.score < 0.05);
    CHECK(has_reason(m, "same_company"));
    CHECK(has_reason(m, "same_company_domain"));
  }
  SUBCASE("a colleague on the same switchboard and info@ address") {
    Person a{"Ayşe Kaya", "Ege Gıda", "info@egegida.com", "0232 444 55 66", "İzmir", ""};
    Person b{"Fatma Demir", "Ege Gıda", "info@egegida.com", "0232 444 55 66", "İzmir", ""};
    Match m = compare(a, b);
    CHECK(m.score < 0.05);
    CHECK(has_reason(m, "same_role_email"));
    CHECK(has_reason(m, "same_phone"));
  }
  SUBCASE("another person at a company with a look-alike name") {
    Match m = compare(Person{"Pınar Eğilmez", "Şimşek Enerji A.Ş.", "", "", "Konya", ""},
                      Person{"Ümit Güneş", "Şimşek Ambalaj Ltd. Şti.", "", "", "Konya", ""});
    CHECK(m.score < 0.01);
    CHECK(m.reasons == std::vector<std::string>{"same_city"});
  }
  SUBCASE("surnames one letter apart are only similar, and other contacts outweigh them") {
    Match m = compare(Person{"Ahmet Kaya", "Ege Gıda", "ahmet.kaya@egegida.com", "0532 000 00 01", "", ""},
                      Person{"Ahmet Kara", "Ege Gıda", "ahmet.kara@egegida.com", "0532 000 00 02", "", ""});
    CHECK(has_reason(m, "similar_name"));
    CHECK(m.score < kShowThreshold);
  }
}

TEST_CASE("compare gives a score between 0 and 1 whatever the records hold") {
  Person empty;
  Match m = compare(empty, empty);
  CHECK(m.score > 0);
  CHECK(m.score < kShowThreshold);
  CHECK(m.reasons.empty());
  Person full{"Şükrü Işık", "Öztürk Gıda A.Ş.", "sukru@ozturkgida.com.tr", "0532 123 45 67", "İzmir", "CEO"};
  Match same = compare(full, full);
  CHECK(same.score <= 1.0);
  CHECK(same.score > 0.999);
  CHECK(same.reasons == std::vector<std::string>{"same_email", "same_phone", "same_name", "same_company",
                                                 "same_company_domain", "same_city"});
}

// ---------------------------------------------------------------------------------------------
// Blocking

TEST_CASE("blocking_keys index a record under its e-mail, phone, name and name words at its company") {
  Person p{"Hakan Şahin", "Gökkuşağı Ambalaj San. ve Tic. A.Ş.", "Hakan.Sahin@gokkusagiambalaj.com.tr",
           "0505 908 30 16", "Kayseri", "CEO"};
  CHECK(blocking_keys(p) == std::vector<std::string>{
                                "e:hakan.sahin@gokkusagiambalaj.com.tr",
                                "n:hakan sahin",
                                "nc:hakan|gokkusagi",
                                "nc:sahin|gokkusagi",
                                "nd:hakan|gokkusagiambalaj.com.tr",
                                "nd:sahin|gokkusagiambalaj.com.tr",
                                "p:+905059083016",
                            });
  // Free mail gives no domain key, initials no word key, empty fields nothing.
  CHECK(blocking_keys(Person{"H. Şahin", "", "hakan@gmail.com", "", "", ""}) ==
        std::vector<std::string>{"e:hakan@gmail.com", "n:h sahin"});
  CHECK(blocking_keys(Person{}).empty());
  CHECK(blocking_keys(Person{"", "", "not an address", "123", "", ""}).empty());
}

TEST_CASE("blocking keys meet for every variant of a person that compare() would show") {
  // Each labelled record typed again in the ways people retype leads: fields left out, a
  // letter swapped in one name word, a middle name added, initials, the company cut short.
  // Whatever pair of variants reaches the threshold must share a key, or the database would
  // never put them side by side.
  auto variants_of = [](const Person& p) {
    std::vector<Person> out{p};
    auto with = [&](auto change) {
      Person v = p;
      change(v);
      out.push_back(v);
    };
    with([](Person& v) { v.email.clear(); });
    with([](Person& v) { v.phone.clear(); });
    with([](Person& v) { v.email.clear(); v.phone.clear(); });
    with([](Person& v) { v.email.clear(); v.phone.clear(); v.city.clear(); });
    with([](Person& v) {
      v.email.clear();
      v.phone.clear();
      std::size_t space = v.name.rfind(' ');
      if (space != std::string::npos && space + 3 < v.name.size()) std::swap(v.name[space + 1], v.name[space + 2]);
    });
    with([](Person& v) {
      v.email.clear();
      v.name.insert(v.name.find(' ') == std::string::npos ? v.name.size() : v.name.find(' '), " Nur");
    });
    with([](Person& v) {
      v.email.clear();
      std::size_t space = v.name.find(' ');
      if (space != std::string::npos && space > 0) v.name = v.name.substr(0, 1) + "." + v.name.substr(space);
    });
    with([](Person& v) {
      v.email.clear();
      v.phone.clear();
      v.company = v.company.substr(0, v.company.find(' '));
    });
    return out;
  };
  std::vector<Person> people;
  for (const auto& p : load_pairs()) {
    for (const Person* side : {&p.a, &p.b}) {
      auto vs = variants_of(*side);
      people.insert(people.end(), vs.begin(), vs.end());
    }
  }
  // Compare within each labelled pair's variants (the people who could be confused).
  const std::size_t per_pair = people.size() / 300;
  std::vector<Prepared> prepared;
  std::vector<std::vector<std::string>> keys;
  for (const auto& p : people) {
    prepared.push_back(prepare(p));
    keys.push_back(blocking_keys(p));
  }
  int above = 0, missing = 0;
  for (std::size_t base = 0; base < people.size(); base += per_pair) {
    for (std::size_t i = base; i < base + per_pair; ++i) {
      for (std::size_t j = i + 1; j < base + per_pair; ++j) {
        if (compare(prepared[i], prepared[j]).score < kShowThreshold) continue;
        ++above;
        if (!share_key(keys[i], keys[j])) {
          ++missing;
          MESSAGE("no shared key: " << people[i].name << " / " << people[j].name);
        }
      }
    }
  }
  MESSAGE(above << " variant pairs above the threshold, " << missing << " without a shared key");
  CHECK(above > 1000);
  CHECK(missing == 0);
}

// ---------------------------------------------------------------------------------------------
// Labelled data

TEST_CASE("duplicate pairs: precision and recall at the show threshold meet the goal") {
  const auto pairs = load_pairs();
  REQUIRE(pairs.size() == 300);
  int true_pos = 0, false_pos = 0, false_neg = 0, true_neg = 0;
  std::map<std::string, int> missed_by_kind, wrong_by_kind;
  for (const auto& p : pairs) {
    Match m = compare(p.a, p.b);
    bool shown = m.score >= kShowThreshold;
    if (shown && p.duplicate) ++true_pos;
    if (shown && !p.duplicate) {
      ++false_pos;
      ++wrong_by_kind[p.why];
      MESSAGE("false duplicate (" << p.why << "): " << p.a.name << " / " << p.b.name << " score " << m.score);
    }
    if (!shown && p.duplicate) {
      ++false_neg;
      ++missed_by_kind[p.why];
      MESSAGE("missed duplicate: " << p.a.name << " / " << p.b.name << " score " << m.score);
    }
    if (!shown && !p.duplicate) ++true_neg;
  }
  const double precision = ratio(true_pos, true_pos + false_pos);
  const double recall = ratio(true_pos, true_pos + false_neg);
  MESSAGE("duplicate-pairs.json at threshold " << kShowThreshold << ": precision " << precision << ", recall "
                                               << recall << " (true pos " << true_pos << ", false pos " << false_pos
                                               << ", false neg " << false_neg << ", true neg " << true_neg << ")");
  CHECK(true_pos + false_neg == 155);
  REQUIRE(precision >= 0.95);
  REQUIRE(recall >= 0.90);
}

TEST_CASE("duplicate pairs: compare is symmetric and prepared records compare the same") {
  for (const auto& p : load_pairs()) {
    Match ab = compare(p.a, p.b), ba = compare(p.b, p.a);
    Match prepared = compare(prepare(p.a), prepare(p.b));
    CHECK(prepared.score == ab.score);
    CHECK(prepared.reasons == ab.reasons);
    CAPTURE(p.a.name);
    CAPTURE(p.b.name);
    CHECK(ab.score == doctest::Approx(ba.score));
    CHECK(ab.reasons == ba.reasons);
  }
}

TEST_CASE("duplicate pairs: blocking keys of every duplicate found above the threshold intersect") {
  int checked = 0;
  for (const auto& p : load_pairs()) {
    if (!p.duplicate || compare(p.a, p.b).score < kShowThreshold) continue;
    CAPTURE(p.a.name);
    CAPTURE(p.b.name);
    CHECK(keys_intersect(p.a, p.b));
    ++checked;
  }
  MESSAGE("blocking checked on " << checked << " duplicate pairs above the threshold");
  CHECK(checked > 0);
}

TEST_CASE("fair lead list: each duplicate row is matched to an earlier row of the same person") {
  const auto rows = load_fair_rows();
  const auto truth = load_fair_truth();
  REQUIRE(rows.size() == 402);  // 400 leads from row 2
  REQUIRE(truth.size() == 400);

  // The person a row stands for: the first row of its chain of duplicates.
  auto first_of = [&](int row) {
    while (truth.at(row) != 0) row = truth.at(row);
    return row;
  };

  // Index rows by blocking key as the database would, and look up only earlier rows.
  std::map<std::string, std::vector<int>> index;
  int predicted = 0, right = 0, exact_row = 0, candidates_compared = 0;
  for (int row = 2; row < static_cast<int>(rows.size()); ++row) {
    std::set<int> candidates;
    for (const auto& key : blocking_keys(rows[row])) {
      auto found = index.find(key);
      if (found != index.end()) candidates.insert(found->second.begin(), found->second.end());
      index[key].push_back(row);
    }
    int best = 0;
    double best_score = 0;
    for (int earlier : candidates) {  // ascending: on a tie the earliest row wins
      ++candidates_compared;
      double score = compare(rows[earlier], rows[row]).score;
      if (score >= kShowThreshold && score > best_score) {
        best = earlier;
        best_score = score;
      }
    }
    if (best == 0) {
      if (truth.at(row) != 0) {
        MESSAGE("missed: row " << row << " (" << rows[row].name << ") duplicates row " << truth.at(row));
      }
      continue;
    }
    ++predicted;
    if (first_of(best) == first_of(row)) {
      ++right;
      if (best == truth.at(row)) ++exact_row;
    } else {
      MESSAGE("wrong: row " << row << " (" << rows[row].name << ") matched row " << best << " ("
                            << rows[best].name << ") score " << best_score);
    }
  }
  int real = 0;
  for (const auto& [row, dup_of] : truth) real += dup_of != 0;
  const double precision = ratio(right, predicted);
  const double recall = ratio(right, real);
  MESSAGE("fair-leads-tr.csv: precision " << precision << ", recall " << recall << " (" << predicted
                                          << " rows predicted as duplicates, " << right << " right, " << exact_row
                                          << " naming the very row of the truth file; " << real
                                          << " true duplicates; " << candidates_compared
                                          << " candidate pairs compared instead of " << 400 * 399 / 2 << ")");
  REQUIRE(precision >= 0.95);
  REQUIRE(recall >= 0.90);
}

TEST_CASE("fair lead list: blocking keys find every true duplicate and every pair above the threshold") {
  const auto rows = load_fair_rows();
  const auto truth = load_fair_truth();
  int true_pairs = 0;
  for (const auto& entry : truth) {
    const int row = entry.first, dup_of = entry.second;  // named copies: CAPTURE cannot take a structured binding
    if (dup_of == 0) continue;
    ++true_pairs;
    CAPTURE(row);
    CHECK(keys_intersect(rows[row], rows[dup_of]));
  }
  CHECK(true_pairs == 50);
  // Every pair of the list, not just the labelled ones: nothing compare() would show may be
  // out of blocking's reach, and what it shows should be one person (rows of one chain of
  // duplicates, e.g. the 3rd and 4th copy of a lead, count as right).
  auto first_of = [&](int row) {
    while (truth.at(row) != 0) row = truth.at(row);
    return row;
  };
  std::vector<std::vector<std::string>> keys(rows.size());
  std::vector<Prepared> prepared(rows.size());
  for (std::size_t i = 2; i < rows.size(); ++i) {
    keys[i] = blocking_keys(rows[i]);
    prepared[i] = prepare(rows[i]);
  }
  int above = 0, same_person = 0;
  for (std::size_t i = 2; i < rows.size(); ++i) {
    for (std::size_t j = i + 1; j < rows.size(); ++j) {
      if (compare(prepared[i], prepared[j]).score < kShowThreshold) continue;
      ++above;
      same_person += first_of(static_cast<int>(i)) == first_of(static_cast<int>(j));
      CAPTURE(i);
      CAPTURE(j);
      CHECK(share_key(keys[i], keys[j]));
    }
  }
  MESSAGE(true_pairs << " true duplicate pairs share a key; " << above << " of all " << 400 * 399 / 2
                     << " pairs of the list score above the threshold, " << same_person
                     << " of them one person; pair precision " << ratio(same_person, above));
  CHECK(ratio(same_person, above) >= 0.95);
}
