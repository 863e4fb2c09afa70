#include <doctest/doctest.h>

#include "core/text.hpp"

using namespace kervan::text;

TEST_CASE("fold: Turkish letters fold to their base letter in both cases") {
  CHECK(fold("Şükrü Işık") == "sukru isik");
  CHECK(fold("ŞÜKRÜ IŞIK") == "sukru isik");
  CHECK(fold("İstanbul") == "istanbul");
  CHECK(fold("ISTANBUL") == "istanbul");
  CHECK(fold("ıspanak") == "ispanak");
  CHECK(fold("Çağdaş Öğüt") == "cagdas ogut");
  CHECK(fold("ğĞşŞçÇöÖüÜıIiİ") == "ggssccoouuiiii");
}

TEST_CASE("fold: the query and the stored text fold to the same thing") {
  CHECK(fold("sukru isik") == fold("Şükrü Işık"));
  CHECK(fold("ISIK") == fold("Işık"));
  CHECK(fold("isik") == fold("IŞIK"));
  CHECK(fold("i̇stanbul") == "istanbul");  // i + combining dot above, as some lowercasers write İ
}

TEST_CASE("fold: punctuation separates words, spaces collapse") {
  CHECK(fold("  Anadolu   Tekstil A.Ş. ") == "anadolu tekstil a s");
  CHECK(fold("ali.veli@ornek.com.tr") == "ali veli ornek com tr");
  CHECK(fold("") == "");
  CHECK(fold("---") == "");
  CHECK(fold("Müller & Söhne GmbH") == "muller sohne gmbh");
  CHECK(fold("Café Crème") == "cafe creme");
  CHECK(fold("Straße") == "strasse");
}

TEST_CASE("fold: other scripts are kept as typed") {
  CHECK(fold("Москва") == "Москва");
  CHECK(fold("東京 1") == "東京 1");
}

TEST_CASE("is_valid_utf8 accepts well-formed text and refuses the rest") {
  CHECK(is_valid_utf8("Şükrü"));
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("\xF0\x9F\x98\x80"));         // emoji
  CHECK_FALSE(is_valid_utf8("\xC3"));               // truncated
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));           // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));       // surrogate
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));   // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("abc\xFF"));
  // ASCII is skipped 8 bytes at a time: every bad sequence is still found wherever it falls
  // against those words, and good ones across their edges pass.
  for (std::string_view bad : {"\xC3", "\xC0\xAF", "\xED\xA0\x80", "\xFF", "\x80", "\xE2\x82"}) {
    for (std::size_t before = 0; before < 20; ++before) {
      for (std::size_t after : {0, 1, 7, 8, 9}) {
        std::string text = std::string(before, 'a') + std::string(bad) + std::string(after, 'z');
        CAPTURE(before);
        CAPTURE(after);
        CHECK_FALSE(is_valid_utf8(text));
        CHECK(is_valid_utf8(std::string(before, 'a') + "Iğdır ₺ 😀" + std::string(after, 'z')));
      }
    }
  }
}

TEST_CASE("compare_turkish follows the Turkish alphabet") {
  CHECK(compare_turkish("Çiçek", "Deniz") < 0);
  CHECK(compare_turkish("Cem", "Çiçek") < 0);
  CHECK(compare_turkish("Ilgaz", "İpek") < 0);    // ı/I before i/İ
  CHECK(compare_turkish("ılık", "ilik") < 0);
  CHECK(compare_turkish("Şule", "Sude") > 0);     // ş after s
  CHECK(compare_turkish("Şule", "Tuna") < 0);
  CHECK(compare_turkish("Ömer", "Oya") > 0);
  CHECK(compare_turkish("Ömer", "Pelin") < 0);
  CHECK(compare_turkish("Ünal", "Uğur") > 0);
  CHECK(compare_turkish("ahmet", "Ahmet") != 0);  // total order
  CHECK(compare_turkish("ahmet", "AHMET") * compare_turkish("AHMET", "ahmet") < 0);
  CHECK(compare_turkish("abc", "abc") == 0);
  CHECK(compare_turkish("ab", "abc") < 0);
}

TEST_CASE("count_code_points and trim") {
  CHECK(count_code_points("Şükrü") == 5);
  CHECK(trim("  a b \n") == "a b");
  CHECK(trim("   ") == "");
}
