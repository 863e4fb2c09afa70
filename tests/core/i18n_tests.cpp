#include <doctest/doctest.h>

#include "ui/i18n.hpp"
#include "ui/money.hpp"

using namespace kervan::ui;

TEST_CASE("language codes: Turkish browsers get Turkish, everything else English") {
  CHECK(language_from_code("tr-TR") == Language::tr);
  CHECK(language_from_code("tr") == Language::tr);
  CHECK(language_from_code("TR") == Language::tr);
  CHECK(language_from_code("en-US") == Language::en);
  CHECK(language_from_code("de") == Language::en);
  CHECK(language_from_code("") == Language::en);
}

TEST_CASE("catalog: every key has both languages; unknown keys show themselves") {
  set_language(Language::tr);
  CHECK(std::string(T("form.save")) == "Kaydet");
  CHECK(std::string(T("field.name")) == "Ad Soyad");
  set_language(Language::en);
  CHECK(std::string(T("form.save")) == "Save");
  CHECK(std::string(T("no.such.key")) == "no.such.key");
  std::string temporary = "status.unknown";
  const char* shown = T(temporary);
  temporary = "overwritten";
  CHECK(std::string(shown) == "status.unknown");  // survives the caller's temporary
}

TEST_CASE("dates and numbers follow the language") {
  set_language(Language::tr);
  CHECK(format_date_time("2026-11-26T09:05:00.000Z", 180) == "26.11.2026 12:05");
  CHECK(format_count(1234567) == "1.234.567");
  CHECK(format_count(-1000) == "-1.000");
  CHECK(format_count(999) == "999");
  set_language(Language::en);
  CHECK(format_date_time("2026-11-26T09:05:00.000Z", 180) == "Nov 26, 2026 12:05");
  CHECK(format_date_time("2026-01-01T00:30:00.000Z", -60) == "Dec 31, 2025 23:30");
  CHECK(format_count(1234567) == "1,234,567");
  CHECK(format_date_time("garbage", 0) == "");
}

TEST_CASE("money: amounts typed either way become minor units; shown in the language's format") {
  CHECK(parse_amount("1500") == 150000);
  CHECK(parse_amount("1500,5") == 150050);
  CHECK(parse_amount("1500.50") == 150050);
  CHECK(parse_amount("1.500,50") == 150050);   // Turkish grouping
  CHECK(parse_amount("1,500.50") == 150050);   // English grouping
  CHECK(parse_amount("1.500") == 150000);  // three digits after the mark: grouping, not decimals
  CHECK(parse_amount("12 500") == 1250000);
  CHECK(parse_amount("") == -1);
  CHECK(parse_amount("abc") == -1);
  CHECK(parse_amount("-5") == -1);  // a negative amount is refused, not silently made positive
  CHECK(parse_amount("1234567890123456") == -1);  // more digits than an amount may have

  set_language(Language::tr);
  CHECK(format_money(150050, "TRY") == "1.500,50 ₺");
  CHECK(format_money(-99, "EUR") == "-0,99 €");
  CHECK(editable_amount(150050) == "1500,50");
  CHECK(parse_amount(editable_amount(150050)) == 150050);  // what the form shows reads back unchanged
  set_language(Language::en);
  CHECK(format_money(150050, "USD") == "$1,500.50");
  CHECK(format_money(100, "GBP") == "GBP1.00");
  CHECK(format_money(100, "ALTIN") == "1.00 ALTIN");  // user-defined codes longer than three letters go after
  CHECK(editable_amount(7) == "0.07");
  CHECK(parse_amount(editable_amount(123456)) == 123456);
}
