// Duplicate detection for leads, contacts and companies, aware of how Turkish business data
// is typed: Turkish letters with and without their marks, legal forms written five ways
// ("A.Ş.", "AŞ", "Anonim Şirketi"), phone numbers with or without 0, 90, +90 or 0090.
//
// Two steps, as a database would run them: blocking_keys() gives each record a few cheap
// strings to index, records sharing a key are candidates, and compare() scores each
// candidate pair and says why. Nothing here refuses input: the normalizers only help to
// compare and to flag.
#pragma once
#include <string>
#include <string_view>
#include <vector>

namespace kervan::dedupe {

// What we know of a lead or contact; any field may be empty.
struct Person {
  std::string name, company, email, phone, city, title;
};

// Canonical phone: "+<country code><number>", digits only. Turkish numbers (10 national
// digits, with optional leading 0, 90, +90 or 0090) become "+90" and the 10 digits;
// international numbers written with + or 00 keep their own country code ("+49 30 1234567"
// -> "+49301234567", a "(0)" after the country code is dropped). Extensions ("dahili 12",
// "ext. 12", "x12", "#12") and anything after a complete number are dropped. Digits that fit
// no known shape are returned as typed, without "+". Returns "" when there are fewer than 7
// digits (not a usable phone).
std::string normalize_phone(std::string_view phone);

// Lower-cased, trimmed e-mail ("mailto:" and "Name <...>" wrappers removed); "" when it does
// not look like local@domain.tld. Turkish İ and ı fold to i; other Turkish capitals (Ç, Ğ,
// Ö, Ş, Ü, only valid in internationalised domains) become small letters. Dots and +tags
// are kept: different mailboxes can be different people.
std::string normalize_email(std::string_view email);

// True when the text looks like a valid e-mail / phone. For flagging only, never for refusing.
bool looks_like_email(std::string_view email);
bool looks_like_phone(std::string_view phone);

// Folded name tokens without courtesy titles (Bey, Hanım, Dr., Sayın...), sorted so word order
// does not matter: "ŞAHİN Hakan" -> "hakan sahin", "Dr. Ayşe Kaya Hanım" -> "ayse kaya".
std::string name_key(std::string_view name);

// Folded company name without legal forms and generic filler, tokens in their order:
// "Gökkuşağı Ambalaj San. ve Tic. A.Ş.", "Gökkuşağı Ambalaj Sanayi ve Ticaret Anonim
// Şirketi" and "GÖKKUŞAĞI AMBALAJ" all give "gokkusagi ambalaj". Legal forms are removed
// wherever they stand; filler words (San., Tic., ve, Paz., İth., İhr., Dış Tic....) only in
// the trailing run before the legal form, so a name that is nothing but filler keeps its words.
std::string company_key(std::string_view company);

// The e-mail's domain when it is a company domain; "" for free mail providers (gmail,
// hotmail, outlook, yahoo, yandex, icloud, mynet, windowslive, msn... in any TLD) and for
// text that is not an e-mail.
std::string company_domain(std::string_view email);

// True when the mailbox is a shared role address (info@, satis@, muhasebe@...), which
// colleagues share and so says little about which person a record is.
bool is_role_mailbox(std::string_view email);

struct Match {
  double score = 0;                  // 0..1
  std::vector<std::string> reasons;  // stable codes, strongest evidence first
};

// How alike two records are (0..1) and why. Reason codes, each present only when it holds:
//   "same_email"          same personal mailbox
//   "same_role_email"     same shared mailbox such as info@ (weak)
//   "same_phone"          same canonical phone
//   "same_name"           same name tokens in any order
//   "similar_name"        one typo per word, a missing middle name, or words run together
//   "name_initials"       names agree only through initials, a lone first name or more
//                         than one typo (weak)
//   "same_company"        same company_key
//   "similar_company"     company keys a typo apart, equal but for spaces, or one the
//                         leading words of the other ("Şimşek" / "Şimşek Enerji")
//   "same_company_domain" same company e-mail domain
//   "same_city"           same folded city
// Contradictions (different names, e-mails, phones, companies) lower the score but have no
// code. The title is not used: colleagues share titles and people change them.
Match compare(const Person& a, const Person& b);

// A record with its normalized parts worked out once, for comparing one record with many
// (a scan, a merge screen): compare(prepare(a), prepare(b)) == compare(a, b).
struct Prepared {
  std::string email, phone, company, domain, city;  // normalized; "" when unknown
  std::vector<std::string> name_words;              // folded, honorifics removed, as typed
  bool role_email = false;
};
Prepared prepare(const Person& p);
Match compare(const Prepared& a, const Prepared& b);

// Score from which the UI shows "possible duplicate".
inline constexpr double kShowThreshold = 0.7;

// Cheap strings under which a record is indexed so candidates are found by equality lookups
// before compare() runs: "e:" + e-mail, "p:" + phone, "n:" + name_key, and for each name word
// of 2+ letters "nc:" + word + "|" + the first word of company_key and "nd:" + word + "|" +
// company_domain. Any two records that compare() scores at or above kShowThreshold share at
// least one key (dedupe.cpp checks the weights for it at compile time). Sorted, no repeats.
std::vector<std::string> blocking_keys(const Person& p);

}  // namespace kervan::dedupe
