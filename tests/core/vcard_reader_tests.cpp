// The vCard reader and writer on their own: unfolding, quoted-printable, charsets, escapes,
// folding at 75 octets.
#include <doctest/doctest.h>

#include <functional>

#include "core/text.hpp"
#include "core/vcard.hpp"
#include "exchange_test_support.hpp"

using namespace kervan;
using namespace kervan::testing;

namespace {

std::string parse_error(std::string_view bytes) {
  try {
    vcard::parse(bytes, {}, "text");
  } catch (const CommandError& e) {
    return e.code() + "|" + e.field() + "|" + e.what();
  }
  return "no error";
}

const vcard::Property& property(const vcard::Card& card, std::string_view name, std::size_t nth = 0) {
  for (const auto& p : card.properties) {
    if (p.name == name && nth-- == 0) return p;
  }
  FAIL("no property " << name);
  static vcard::Property none;
  return none;
}

}  // namespace

TEST_CASE("vCard lines unfold, quoted-printable soft breaks join, charsets decode") {
  std::string file = exchange_file("cards-mixed.vcf");
  auto cards = vcard::parse(file, {}, "data_base64");
  REQUIRE(cards.size() == 7);
  CHECK(cards[0].version == "4.0");
  CHECK(cards[0].line == 1);
  CHECK(vcard::unescape(property(cards[0], "NOTE").value) ==
        "Fuarda görüştük. Ambalaj makinesi için teklif istiyor, bütçe onaylı; Ocak ayında karar verecekler.\n"
        "İkinci satır: önemli müşteri adayı — takip et.");
  CHECK(property(cards[0], "TEL").has_type("CELL"));
  CHECK(property(cards[0], "EMAIL").params.size() == 2);
  CHECK(vcard::split_value(property(cards[0], "ADR").value, ';') ==
        std::vector<std::string>{"", "", "Kazım Dirik Mh. 372/8", "Bornova", "İzmir", "35100", "Türkiye"});
  // 2.1 with UTF-8 quoted-printable and a soft line break inside the note.
  CHECK(cards[1].version == "2.1");
  CHECK(property(cards[1], "FN").value == "Şükrü Özkan");
  CHECK(property(cards[1], "NOTE").value == "Bayilik görüşmesi için arayın. İkinci\r\nsatır");
  CHECK(property(cards[1], "TEL").has_type("cell"));
  CHECK(property(cards[1], "TEL").has_type("PREF"));
  // 2.1 from an older phone: Windows-1254 and ISO-8859-9 bytes.
  CHECK(property(cards[2], "FN").value == "Şeyma İnce");
  CHECK(property(cards[2], "ORG").value == "Akış Metal");
  CHECK(cards[2].warnings.empty());
  // 3.0 escapes.
  CHECK(vcard::split_value(property(cards[3], "ORG").value, ';')[0] ==
        "Şimşek Enerji, Elektrik ve Otomasyon San. Tic. Ltd. Şti.");
  CHECK(vcard::unescape(property(cards[3], "TITLE").value) == "Ar-Ge Müdürü; Kurucu Ortak");
  CHECK(vcard::unescape(property(cards[3], "NOTE").value) == "Satır bir\nSatır iki\\ters bölü");
  CHECK(property(cards[3], "EMAIL").has_type("work"));
  // A line without a colon spoils only its own card, naming the line.
  CHECK(cards[5].problem == "malformed_line");
  CHECK(cards[5].problem_message.find("line " + std::to_string(cards[5].line + 3)) != std::string::npos);
  CHECK(cards[6].problem.empty());
}

TEST_CASE("a phone export: grouped properties, photos skipped, a fold inside a UTF-8 letter rejoined") {
  auto cards = vcard::parse(exchange_file("phone-export-3.0.vcf"), {}, "f");
  REQUIRE(cards.size() == 3);
  CHECK(property(cards[0], "EMAIL").value == "emine.demir@gmail.com");  // "item1." group dropped
  for (const auto& p : cards[0].properties) CHECK(p.name != "PHOTO");
  CHECK(property(cards[0], "CATEGORIES").value == "myContacts");
  CHECK(property(cards[1], "TEL").has_type("pref"));
  CHECK(property(cards[2], "NOTE").value ==
        "Uzun not: bu satırda çok baytlı bir harf ikiye bölünerek katlandığı halde doğru okunmalıdır.");
  CHECK(cards[2].warnings.empty());
}

TEST_CASE("undeclared 8-bit values are read as Windows-1254 with a warning naming the line") {
  auto cards = vcard::parse("BEGIN:VCARD\r\nVERSION:2.1\r\nFN:\xDE" "ahin\r\nEND:VCARD\r\n", {}, "f");
  REQUIRE(cards.size() == 1);
  CHECK(property(cards[0], "FN").value == "Şahin");
  REQUIRE(cards[0].warnings.size() == 1);
  CHECK(cards[0].warnings[0].starts_with("line 3:"));
  // LF-only files and lower-case keywords are read too.
  auto loose = vcard::parse("begin:vcard\nversion:3.0\nfn:Ali\nend:vcard\n", {}, "f");
  CHECK(property(loose[0], "FN").value == "Ali");
}

TEST_CASE("files that are not vCards, or are cut short, are refused naming the line") {
  CHECK(parse_error("Ad;Soyad\r\nAli;Veli\r\n") == "not_vcard|text|The file is not a vCard: line 1 should be BEGIN:VCARD");
  CHECK(parse_error("") == "not_vcard|text|The file holds no vCard (no BEGIN:VCARD line)");
  CHECK(parse_error("BEGIN:VCARD\r\nFN:Ali\r\n") ==
        "unclosed_card|text|card 1 (line 1) is never closed: END:VCARD is missing (truncated file?)");
  CHECK(parse_error("BEGIN:VCARD\r\nFN:Ali\r\nBEGIN:VCARD\r\nFN:Veli\r\nEND:VCARD\r\n") ==
        "unclosed_card|text|card 1 (line 1) is not closed before line 3 starts another");
  CHECK(parse_error("BEGIN:VCARD\r\nEND:VCARD\r\nEND:VCARD\r\n") ==
        "malformed_file|text|line 3: END:VCARD without BEGIN:VCARD");
  CHECK(parse_error("BEGIN:VCARD\r\nEND:VCARD\r\ngarbage\r\n") ==
        "malformed_file|text|line 3 is outside any BEGIN:VCARD ... END:VCARD");
  vcard::Limits small;
  small.max_cards = 1;
  CHECK_THROWS_AS(vcard::parse("BEGIN:VCARD\nEND:VCARD\nBEGIN:VCARD\nEND:VCARD\n", small, "f"), CommandError);
  small = {};
  small.max_properties = 2;
  auto crowded = vcard::parse("BEGIN:VCARD\nFN:a\nNOTE:b\nNOTE:c\nEND:VCARD\n", small, "f");
  CHECK(crowded[0].problem == "too_many_properties");
}

TEST_CASE("escaping and folding for export: 75 octets, never inside a UTF-8 sequence") {
  CHECK(vcard::escape("a,b;c\\d\ne\r\nf") == "a\\,b\\;c\\\\d\\ne\\nf");
  CHECK(vcard::unescape(vcard::escape("a,b;c\\d\ne")) == "a,b;c\\d\ne");
  CHECK(vcard::fold_line("FN:Ali") == "FN:Ali\r\n");
  std::string long_line = "NOTE:";
  for (int i = 0; i < 60; ++i) long_line += "ğüşİöç";  // two-byte letters, so cuts fall mid-letter
  std::string folded = vcard::fold_line(long_line);
  std::string unfolded;
  std::size_t start = 0;
  int lines = 0;
  while (start < folded.size()) {
    std::size_t end = folded.find("\r\n", start);
    REQUIRE(end != std::string::npos);
    std::string_view line(folded.data() + start, end - start);
    CHECK(line.size() <= 75);
    CHECK(text::is_valid_utf8(line));
    if (lines++ > 0) {
      REQUIRE(line[0] == ' ');
      line.remove_prefix(1);
    }
    unfolded += line;
    start = end + 2;
  }
  CHECK(lines > 5);
  CHECK(unfolded == long_line);
  // The reader unfolds what the writer folded.
  auto cards = vcard::parse("BEGIN:VCARD\r\n" + folded + "END:VCARD\r\n", {}, "f");
  CHECK(property(cards[0], "NOTE").value == long_line.substr(5));
}
