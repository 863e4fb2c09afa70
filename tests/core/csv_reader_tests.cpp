// Byte-level reading: base64, Windows-1254 / UTF-16 decoding and the CSV reader and writer.
#include <doctest/doctest.h>

#include <functional>

#include "core/csv.hpp"
#include "core/encoding.hpp"
#include "exchange_test_support.hpp"

using namespace kervan;
using namespace kervan::testing;

namespace {

std::string field_error(const std::function<void()>& run) {
  try {
    run();
  } catch (const CommandError& e) {
    return e.code() + "|" + e.field() + "|" + e.what();
  }
  return "no error";
}

std::vector<std::vector<std::string>> cells(const csv::Table& table) {
  std::vector<std::vector<std::string>> out;
  for (const auto& row : table.rows) out.push_back(row.fields);
  return out;
}

using Cells = std::vector<std::vector<std::string>>;

}  // namespace

TEST_CASE("base64 decodes the RFC 4648 vectors, skips line breaks and refuses junk") {
  using encoding::base64_decode;
  using encoding::base64_encode;
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""}, {"f", "Zg=="}, {"fo", "Zm8="}, {"foo", "Zm9v"}, {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    CHECK(base64_encode(plain) == encoded);
    CHECK(base64_decode(encoded) == std::optional<std::string>(plain));
  }
  CHECK(base64_decode("Zm9v\r\nYmFy") == std::optional<std::string>("foobar"));
  CHECK(base64_decode("Zm9vYg") == std::optional<std::string>("foob"));  // padding may be left out
  std::string all_bytes;
  for (int i = 0; i < 256; ++i) all_bytes += static_cast<char>(i);
  CHECK(base64_decode(base64_encode(all_bytes)) == std::optional<std::string>(all_bytes));
  CHECK_FALSE(base64_decode("Zm9v!"));
  CHECK_FALSE(base64_decode("Zg==Zg=="));  // data after padding
  CHECK_FALSE(base64_decode("Z"));         // a lone symbol carries no byte
  CHECK_FALSE(base64_decode("Zg="));       // padding that does not complete the group
}

TEST_CASE("Windows-1254 table: Turkish letters, the 0x80-0x9F marks, Latin-5 elsewhere") {
  using encoding::windows1254_code_point;
  CHECK(windows1254_code_point(0xD0) == U'Ğ');
  CHECK(windows1254_code_point(0xDD) == U'İ');
  CHECK(windows1254_code_point(0xDE) == U'Ş');
  CHECK(windows1254_code_point(0xF0) == U'ğ');
  CHECK(windows1254_code_point(0xFD) == U'ı');
  CHECK(windows1254_code_point(0xFE) == U'ş');
  const std::u32string marks = U"€‚ƒ„…†‡ˆ‰Š‹Œ‘’“”•–—˜™š›œŸ";
  const unsigned char mark_bytes[] = {0x80, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8C, 0x91,
                                      0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9F};
  REQUIRE(marks.size() == std::size(mark_bytes));
  for (std::size_t i = 0; i < marks.size(); ++i) CHECK(windows1254_code_point(mark_bytes[i]) == marks[i]);
  for (unsigned char undefined : {0x81, 0x8D, 0x8E, 0x8F, 0x90, 0x9D, 0x9E}) {
    CHECK(windows1254_code_point(undefined) == U'\uFFFD');
  }
  // Everything else from 0xA0 is Latin-1's code point.
  for (int b = 0xA0; b <= 0xFF; ++b) {
    if (b == 0xD0 || b == 0xDD || b == 0xDE || b == 0xF0 || b == 0xFD || b == 0xFE) continue;
    CHECK(windows1254_code_point(static_cast<unsigned char>(b)) == static_cast<char32_t>(b));
  }
  for (int b = 0; b < 0x80; ++b) CHECK(windows1254_code_point(static_cast<unsigned char>(b)) == static_cast<char32_t>(b));
  std::size_t undefined = 0;
  CHECK(encoding::windows1254_to_utf8("\xDE\xFC\x6B\x72\xFC \xDD\xFE\xFDk \x80\x81", &undefined) == "Şükrü İşık €\xEF\xBF\xBD");
  CHECK(undefined == 1);
}

TEST_CASE("decode_text_file tells the encodings apart") {
  using encoding::decode_text_file;
  auto utf8_bom = decode_text_file("\xEF\xBB\xBF" "Ad;Şehir", "auto", "data_base64");
  CHECK(utf8_bom.encoding == "utf-8-bom");
  CHECK(utf8_bom.text == "Ad;Şehir");
  CHECK(decode_text_file("Ad;Şehir", "auto", "f").encoding == "utf-8");
  CHECK(decode_text_file("Ad;Sehir", "auto", "f").encoding == "utf-8");  // plain ASCII
  auto cp1254 = decode_text_file("Ad;\xDE" "ehir\r\n\xDD" "zmir;G\xFC" "ne\xFE", "auto", "f");
  CHECK(cp1254.encoding == "windows-1254");
  CHECK(cp1254.text == "Ad;Şehir\r\nİzmir;Güneş");
  // UTF-16 with and without a byte order mark.
  std::string le = std::string("\xFF\xFE", 2) + std::string("A\0d\0;\0\x5E\x01", 8);
  CHECK(decode_text_file(le, "auto", "f").text == "Ad;Ş");
  CHECK(decode_text_file(le, "auto", "f").encoding == "utf-16le");
  std::string be = std::string("\xFE\xFF", 2) + std::string("\0A\0d\xD8\x3D\xDE\x00", 8);
  CHECK(decode_text_file(be, "auto", "f").text == "Ad\U0001F600");
  std::string bare = std::string("A\0d\0 \0S\0o\0y\0a\0d\0", 16);
  CHECK(decode_text_file(bare, "auto", "f").encoding == "utf-16le");
  // A chosen encoding wins over the guess.
  CHECK(decode_text_file("\xDE", "iso-8859-9", "f").text == "Ş");
  CHECK(decode_text_file("\xC5\x9F", "windows-1254", "f").text == "ÅŸ");  // UTF-8 bytes of ş read as two letters
  SUBCASE("refusals name the field") {
    std::string binary("PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\x01\x02\x03", 17);
    CHECK(field_error([&] { decode_text_file(binary, "auto", "data_base64"); }).starts_with("not_text|data_base64|"));
    CHECK(field_error([&] { decode_text_file("ab\xFD" "c", "utf-8", "text"); }) ==
          "invalid_utf8|text|The file is not valid UTF-8 (byte 3); try encoding windows-1254");
    CHECK(field_error([&] { decode_text_file("abc", "latin9", "text"); }).starts_with("invalid_value|encoding|"));
    CHECK(field_error([&] { decode_text_file(std::string("\xFF\xFE" "a", 3), "auto", "f"); }).starts_with("invalid_encoding|f|"));
    CHECK(field_error([&] { decode_text_file(std::string("\xFF\xFE\x00\xDC", 4), "auto", "f"); }).starts_with("invalid_encoding|f|"));
  }
}

TEST_CASE("the delimiter is the one that splits the first rows consistently") {
  CHECK(csv::detect_delimiter("Ad;Firma;Not\nAli;X A.Ş.;a, b\nVeli;Y;c, d, e\n") == ';');
  CHECK(csv::detect_delimiter("Name,Company,Notes\nAli,X,\"a; b\"\nVeli,Y,\"c;d\"\n") == ',');
  CHECK(csv::detect_delimiter("Ad\tFirma\tŞehir\nAli\tX, Y\tİzmir\n") == '\t');
  CHECK(csv::detect_delimiter("sep=;\nAd,Soyad;Firma\n") == ';');
  CHECK(csv::detect_delimiter("tek sütun\nbir\niki\n") == ',');
  // Quoted line breaks and delimiters do not confuse the count.
  CHECK(csv::detect_delimiter("a;b;c\n\"x,y\n,z\";2;3\n4;5;6\n") == ';');
}

TEST_CASE("RFC 4180 reading: quotes, doubled quotes, line breaks inside quotes, all line ends") {
  csv::Table t = csv::parse("a,\"b,c\",\"say \"\"hi\"\"\"\r\n\"two\r\nlines\",x,\"\"\rlast,\"\",z\n", ',', {}, "text");
  CHECK(cells(t) == Cells{{"a", "b,c", "say \"hi\""}, {"two\nlines", "x", ""}, {"last", "", "z"}});
  CHECK(t.rows[1].row == 2);
  CHECK(t.rows[1].line == 2);
  CHECK(t.rows[2].row == 3);
  CHECK(t.rows[2].line == 4);  // the quoted line break moved it down one line
  CHECK(t.problems.empty());
  SUBCASE("a trailing line break or blank lines at the end add no row; a blank line inside does") {
    CHECK(cells(csv::parse("a;b\n1;2\n\n\n", ';', {}, "f")) == Cells{{"a", "b"}, {"1", "2"}});
    CHECK(cells(csv::parse("a;b\n\n1;2", ';', {}, "f")) == Cells{{"a", "b"}, {""}, {"1", "2"}});
  }
  SUBCASE("ragged rows are kept as they are") {
    CHECK(cells(csv::parse("a;b;c\n1\n1;2;3;4\n", ';', {}, "f")) == Cells{{"a", "b", "c"}, {"1"}, {"1", "2", "3", "4"}});
  }
  SUBCASE("text after a closing quote is kept and reported; a stray quote inside a value is kept") {
    csv::Table odd = csv::parse("\"abc\"def;5\" ekran\n", ';', {}, "f");
    CHECK(cells(odd) == Cells{{"abcdef", "5\" ekran"}});
    REQUIRE(odd.problems.size() == 1);
    CHECK(odd.problems[0].code == "text_after_quote");
    CHECK(odd.problems[0].row == 1);
    CHECK(odd.problems[0].column == 1);
  }
  SUBCASE("a sep= line is a hint, not a row") {
    csv::Table hinted = csv::parse("sep=;\r\nAd;Firma\r\n", ';', {}, "f");
    CHECK(cells(hinted) == Cells{{"Ad", "Firma"}});
    CHECK(hinted.rows[0].line == 2);
  }
}

TEST_CASE("unreadable CSV is refused naming the row and column") {
  CHECK(field_error([] { csv::parse("a;b\n1;\"open\n2;3\n", ';', {}, "data_base64"); }) ==
        "unclosed_quote|data_base64|row 2, column 2: a quoted field opened on line 2 is never closed");
  csv::Limits small{3, 4, 10};
  CHECK(field_error([&] { csv::parse("a\nb\nc\nd\n", ',', small, "text"); }) ==
        "too_many_rows|text|row 4: The file has more than 3 rows");
  CHECK(field_error([&] { csv::parse("a,b,c,d,e\n", ',', small, "text"); }) ==
        "too_many_columns|text|row 1, column 5: more than 4 columns");
  CHECK(field_error([&] { csv::parse("a,0123456789x\n", ',', small, "text"); }).starts_with("field_too_long|text|row 1, column 2:"));
  CHECK(field_error([&] { csv::parse("a,\"0123456789x\"\n", ',', small, "text"); }).starts_with("field_too_long|text|row 1, column 2:"));
}

TEST_CASE("CSV cells for spreadsheets: formulas neutralised, quoting only where needed") {
  CHECK(csv::cell("Ayşe", ';') == "Ayşe");
  CHECK(csv::cell("=HYPERLINK(\"x\")", ';') == "\"'=HYPERLINK(\"\"x\"\")\"");
  CHECK(csv::cell("+90 532 000 00 00", ';') == "'+90 532 000 00 00");
  CHECK(csv::cell("-5", ';') == "'-5");
  CHECK(csv::cell("@SUM(A1)", ';') == "'@SUM(A1)");
  CHECK(csv::cell("\tx", ';') == "'\tx");
  CHECK(csv::cell("\rx", ';') == "\"'\rx\"");
  CHECK(csv::cell("a;b", ';') == "\"a;b\"");
  CHECK(csv::cell("a,b", ';') == "a,b");
  CHECK(csv::cell("a,b", ',') == "\"a,b\"");
  CHECK(csv::cell("iki\nsatır", ',') == "\"iki\nsatır\"");
  CHECK(csv::cell("", ';') == "");
  // What the writer quotes, the reader reads back.
  std::string row;
  const std::vector<std::string> values = {"a;b", "say \"x\"", "iki\nsatır", "düz"};
  for (std::size_t i = 0; i < values.size(); ++i) row += (i ? ";" : "") + csv::cell(values[i], ';');
  CHECK(cells(csv::parse(row + "\r\n", ';', {}, "f")) == Cells{values});
}
