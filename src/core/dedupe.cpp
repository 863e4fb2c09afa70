#include "core/dedupe.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "core/text.hpp"

namespace kervan::dedupe {
namespace {

// ---------------------------------------------------------------------------------------------
// Small text helpers

// Words of an already folded string (fold() leaves single spaces between words).
std::vector<std::string> split_words(std::string_view folded) {
  std::vector<std::string> words;
  std::size_t start = 0;
  while (start < folded.size()) {
    std::size_t end = folded.find(' ', start);
    if (end == std::string_view::npos) end = folded.size();
    if (end > start) words.emplace_back(folded.substr(start, end - start));
    start = end + 1;
  }
  return words;
}

// Words joined with single spaces.
std::string join_words(const std::vector<std::string>& words, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count && i < words.size(); ++i) {
    if (i > 0) out += ' ';
    out += words[i];
  }
  return out;
}

template <std::size_t N>
bool is_one_of(std::string_view word, const std::array<std::string_view, N>& set) {
  return std::find(set.begin(), set.end(), word) != set.end();
}

// True when a can become b in at most `edits` insertions, deletions, substitutions or swaps
// of two neighbouring characters (the restricted Damerau-Levenshtein distance, "optimal
// string alignment"). Only small bounds are ever asked, so a search that skips the common
// start and tries each kind of edit beats filling the whole table. Works on bytes: folded
// names are ASCII, other scripts merely get a coarser distance.
bool within_edits(std::string_view a, std::string_view b, int edits) {
  while (!a.empty() && !b.empty() && a.front() == b.front()) {
    a.remove_prefix(1);
    b.remove_prefix(1);
  }
  if (a.empty() || b.empty()) return static_cast<int>(a.size() + b.size()) <= edits;
  if (edits == 0) return false;
  if (a.size() >= 2 && b.size() >= 2 && a[0] == b[1] && a[1] == b[0] &&
      within_edits(a.substr(2), b.substr(2), edits - 1)) {
    return true;  // "Şhain" / "Şahin"
  }
  return within_edits(a.substr(1), b.substr(1), edits - 1) ||  // substitution
         within_edits(a.substr(1), b, edits - 1) ||             // a letter too many in a
         within_edits(a, b.substr(1), edits - 1);               // a letter missing from a
}

// True when two words are one slip of the keyboard apart. Short words get no tolerance:
// "Can"/"Cem", "Ali"/"Ayla"... are different names, not typos. Long words may take two.
bool one_typo_apart(std::string_view a, std::string_view b) {
  std::size_t shorter = std::min(a.size(), b.size());
  int allowed = shorter >= 10 ? 2 : (shorter >= 4 ? 1 : 0);
  return allowed > 0 && within_edits(a, b, allowed);
}

// ---------------------------------------------------------------------------------------------
// Names

// Courtesy titles and honorifics typed around names ("Ahmet Bey", "Sn. Ayşe Kaya", "Dr.").
constexpr std::array<std::string_view, 19> kHonorifics = {
    "bey", "beyefendi", "hanim", "hanimefendi", "sayin", "sn", "bay", "bayan", "dr", "prof",
    "doc", "av", "muh", "mr", "mrs", "ms", "miss", "mister", "sir"};

// Folded name words without honorifics (kept when nothing else is left: "Bay" may be a name).
std::vector<std::string> name_words(std::string_view name) {
  std::vector<std::string> words = split_words(text::fold(name));
  std::vector<std::string> kept;
  for (auto& w : words) {
    if (!is_one_of(w, kHonorifics)) kept.push_back(w);
  }
  return kept.empty() ? words : kept;
}

enum class NameAgreement { unknown, same, similar, weak, partial, conflict };

// Joins neighbouring words of `words` whose concatenation is a word of `other`, so "Ayşe Nur"
// meets "Ayşenur" as one word. The joined words are added to `joined`.
void join_split_words(std::vector<std::string>& words, const std::vector<std::string>& other,
                      std::vector<std::string>& joined) {
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    std::string both = words[i] + words[i + 1];
    if (std::find(other.begin(), other.end(), both) != other.end()) {
      words[i] = both;
      words.erase(words.begin() + static_cast<std::ptrdiff_t>(i + 1));
      joined.push_back(std::move(both));
    }
  }
}

// How two names (folded words) agree. Words are paired regardless of order: first exact
// matches, then one-typo matches, then initials ("H." against "Hakan"). Words of the longer
// name left over are middle names and do not count against it; a word of the shorter name
// left over means the names disagree.
//   same:     the same words
//   similar:  every word of the shorter name matched, at most one of them by a typo or a
//             split ("Ayşe Nur"/"Ayşenur"), at least one exactly as typed on both sides, and
//             the shorter name has two words or more
//   weak:     the rest of full agreement: through initials, a lone first name, several typos
//   partial:  some words agree and some differ (same first name, another surname)
//   conflict: nothing agrees
NameAgreement compare_names(std::vector<std::string> a, std::vector<std::string> b) {
  if (a.empty() || b.empty()) return NameAgreement::unknown;
  if (std::is_permutation(a.begin(), a.end(), b.begin(), b.end())) return NameAgreement::same;
  // Joined words count as typos, not exact matches: blocking_keys() relies on a similar
  // name sharing a word as typed.
  std::vector<std::string> joined;
  join_split_words(a, b, joined);
  join_split_words(b, a, joined);
  auto was_joined = [&](const std::string& w) { return std::find(joined.begin(), joined.end(), w) != joined.end(); };
  // Which side is "shorter" must not depend on argument order, or compare() would not be
  // symmetric: on equal length the smaller list goes first.
  const bool a_first = a.size() != b.size() ? a.size() < b.size() : a <= b;
  const auto& shorter = a_first ? a : b;
  const auto& longer = a_first ? b : a;
  std::vector<bool> used(longer.size(), false);
  std::vector<bool> matched(shorter.size(), false);
  int exact = 0, typos = 0, initials = 0;
  auto pair_up = [&](auto&& fits, int& counter) {
    for (std::size_t i = 0; i < shorter.size(); ++i) {
      if (matched[i]) continue;
      for (std::size_t j = 0; j < longer.size(); ++j) {
        if (used[j] || !fits(shorter[i], longer[j])) continue;
        matched[i] = used[j] = true;
        ++counter;
        break;
      }
    }
  };
  // A single letter equal to a single letter is an initial, not a name.
  pair_up([&](const std::string& s, const std::string& l) { return s.size() >= 2 && s == l && !was_joined(s); },
          exact);
  pair_up([](const std::string& s, const std::string& l) { return (s.size() >= 2 && s == l) || one_typo_apart(s, l); },
          typos);
  pair_up(
      [](const std::string& s, const std::string& l) {
        return (s.size() == 1 || l.size() == 1) && s[0] == l[0];
      },
      initials);
  const bool all_matched = std::all_of(matched.begin(), matched.end(), [](bool m) { return m; });
  const int full = exact + typos;
  if (all_matched) {
    if (initials == 0 && typos <= 1 && exact >= 1 && shorter.size() >= 2) return NameAgreement::similar;
    return full >= 1 ? NameAgreement::weak : NameAgreement::unknown;
  }
  return full >= 1 ? NameAgreement::partial : NameAgreement::conflict;
}

// ---------------------------------------------------------------------------------------------
// Companies

// Legal forms, in folded words ("A.Ş." folds to "a s" and is handled as a pair).
constexpr std::array<std::string_view, 26> kLegalForms = {
    "as",        "anonim", "sirketi", "sirket",      "sti",  "ltd",     "limited", "inc",  "llc",
    "gmbh",      "corp",   "co",      "corporation", "company", "plc", "kollektif", "koll", "komandit",
    "ag",        "sa",     "kg",      "bv",          "srl",  "spa",     "incorporated", "ltda"};

// Generic words of Turkish trade names that say what every company does (produce, trade,
// import, export, market) and so never tell two companies apart.
constexpr std::array<std::string_view, 14> kFiller = {
    "san", "sanayi", "sanayii", "tic", "ticaret", "ve", "and", "paz", "pazarlama", "ith",
    "ithalat", "ihr", "ihracat", "imalat"};

// ---------------------------------------------------------------------------------------------
// E-mail

// Free mail providers, by the first label of the domain; any TLD variant counts
// (gmail.com, hotmail.com.tr, yahoo.co.uk, yandex.com.tr...).
constexpr std::array<std::string_view, 34> kFreeMail = {
    "gmail",  "googlemail", "hotmail",   "outlook", "live",       "windowslive", "msn",
    "yahoo",  "ymail",      "rocketmail", "yandex", "ya",         "icloud",      "me",
    "mac",    "mynet",      "aol",       "gmx",     "mail",       "protonmail",  "proton",
    "pm",     "zoho",       "tutanota",  "superonline", "ttmail", "turk",        "ekolay",
    "inbox",  "rambler",    "qq",        "163",     "126",        "web"};

// Shared role mailboxes (local part before any +tag).
constexpr std::array<std::string_view, 44> kRoleMailboxes = {
    "info",      "bilgi",     "iletisim",  "contact",  "hello",      "merhaba",   "satis",
    "sales",     "satinalma", "purchasing", "destek",  "support",    "muhasebe",  "accounting",
    "finans",    "finance",   "ik",        "hr",       "insankaynaklari", "admin", "office",
    "ofis",      "siparis",   "order",     "orders",   "teklif",     "export",    "ihracat",
    "import",    "ithalat",   "noreply",   "no-reply", "mail",       "email",     "eposta",
    "kurumsal",  "genel",     "marketing", "pazarlama", "bilgiislem", "it",       "servis",
    "service",   "webmaster"};

bool is_ascii_letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

bool valid_domain(std::string_view domain) {
  if (domain.empty() || domain.size() > 253) return false;
  std::vector<std::string_view> labels;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = domain.find('.', start);
    labels.push_back(domain.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (labels.size() < 2) return false;
  for (auto label : labels) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') return false;
    for (char c : label) {
      bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
                static_cast<unsigned char>(c) >= 0x80;  // internationalised domains
      if (!ok) return false;
    }
  }
  std::string_view tld = labels.back();
  if (tld.size() < 2) return false;
  // A TLD is letters (or an IDN); "com1" or "123" mean a typo or an address that is not one.
  return std::all_of(tld.begin(), tld.end(),
                     [](char c) { return is_ascii_letter(c) || static_cast<unsigned char>(c) >= 0x80; });
}

bool valid_local_part(std::string_view local) {
  if (local.empty() || local.size() > 64 || local.front() == '.' || local.back() == '.') return false;
  if (local.find("..") != std::string_view::npos) return false;
  for (char c : local) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) return false;
    if (std::string_view("()<>[]:;,\\\"@").find(c) != std::string_view::npos) return false;
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Phones

// "+90" and a national number: a trunk 0 typed after the country code is dropped, and digits
// beyond the 10 a Turkish number has are an extension typed without a marker.
std::string turkish_phone(std::string national) {
  if (!national.empty() && national[0] == '0') national.erase(0, 1);
  if (national.size() > 10) national.resize(10);
  return "+90" + national;
}

enum class PhoneKind { turkish_mobile, turkish_landline, foreign, unknown };

PhoneKind kind_of(const std::string& canonical) {
  if (canonical.starts_with("+90")) {
    return canonical.size() == 13 && canonical[3] == '5' ? PhoneKind::turkish_mobile : PhoneKind::turkish_landline;
  }
  return canonical.starts_with("+") ? PhoneKind::foreign : PhoneKind::unknown;
}

// ---------------------------------------------------------------------------------------------
// Scoring
//
// Evidence is weighed in bits: log2 of how much likelier the observation is between two
// records of one person than between two different people that blocking put side by side.
// The figures are reasoned estimates, not fitted to the labelled data, and the sum becomes a
// score through the logistic curve, so strong evidence saturates near 1 and contradictions
// pull towards 0 without any special cases.

// Two candidate records start out unlikely to be one person.
constexpr double kPrior = -6;
// A personal mailbox belongs to one person; a role mailbox is shared by colleagues. People
// keep several addresses (work, personal), so a different address is only mild evidence.
constexpr double kEmailSame = 10;
constexpr double kRoleEmailSame = 2;
constexpr double kEmailDiffer = -1.5;
// Turkish mobile numbers are personal; landlines are often a switchboard the whole office
// shares. Foreign numbers cannot be told apart, so they sit in between.
constexpr double kMobileSame = 8;
constexpr double kForeignPhoneSame = 6;
constexpr double kLandlineSame = 3;
constexpr double kPhoneDiffer = -1;
// Names repeat across the country (there are many Mehmet Yılmaz), so a name alone is not
// enough; a name that disagrees is strong evidence of another person, even at one company.
constexpr double kNameSame = 6;
constexpr double kNameSimilar = 4.5;
constexpr double kNameWeak = 1.5;
constexpr double kNamePartial = -4;
constexpr double kNameConflict = -8;
// The organisation: company name and e-mail domain say the same thing twice, so only the
// stronger one counts, plus a little when both agree.
constexpr double kCompanySame = 3;
constexpr double kCompanySimilar = 1.5;
constexpr double kDomainSame = 2;
constexpr double kSecondOrgSignal = 0.5;
constexpr double kCompanyDiffer = -1;
// People move between offices and the city field is filled loosely.
constexpr double kCitySame = 0.5;
constexpr double kCityDiffer = -0.5;

// The score for a sum of evidence, 1 / (1 + 2^-bits), in a form the compiler can evaluate
// (std::exp2 is not constexpr in C++20) so the checks below use the real kShowThreshold. A
// power series is plenty for the small sums the checks add up.
constexpr double score_at_compile_time(double bits) {
  double y = -bits * 0.6931471805599453;  // 2^-bits = e^y
  double term = 1, power = 1;
  for (int n = 1; n < 60; ++n) {
    term *= y / n;
    power += term;
  }
  return 1 / (1 + power);
}
static_assert(score_at_compile_time(0) == 0.5);

// blocking_keys() promises that pairs at or above the threshold share a key. Keys cover the
// same e-mail (role mailboxes too), the same phone, the same name, and a name word as typed
// at the same company ("nc:") or with the same company domain ("nd:"); a similar name always
// has such a word. Every other way to reach the threshold must stay impossible, and these
// checks keep it so when someone tunes the weights:
// - a similar name with the company only similar (no domain, which would be an "nd:" key):
static_assert(score_at_compile_time(kPrior + kNameSimilar + kCompanySimilar + kCitySame) < kShowThreshold);
// - a weak name (initials, several typos) even with everything about the organisation:
static_assert(score_at_compile_time(kPrior + kNameWeak + kCompanySame + kSecondOrgSignal + kCitySame) <
              kShowThreshold);
// - no name at all:
static_assert(score_at_compile_time(kPrior + kCompanySame + kSecondOrgSignal + kCitySame) < kShowThreshold);

enum class CompanyAgreement { unknown, same, similar, differ };

bool equal_without_spaces(std::string_view a, std::string_view b) {
  std::size_t i = 0, j = 0;
  while (true) {
    while (i < a.size() && a[i] == ' ') ++i;
    while (j < b.size() && b[j] == ' ') ++j;
    if (i == a.size() || j == b.size()) return i == a.size() && j == b.size();
    if (a[i++] != b[j++]) return false;
  }
}

CompanyAgreement compare_companies(const std::string& a, const std::string& b) {
  if (a.empty() || b.empty()) return CompanyAgreement::unknown;
  if (a == b) return CompanyAgreement::same;
  // "Gökkuşağı" / "Gök Kuşağı", or one typo. Only similar, not same: blocking_keys() relies
  // on a same company having the same first word.
  if (equal_without_spaces(a, b)) return CompanyAgreement::similar;
  if (std::min(a.size(), b.size()) >= 5 && within_edits(a, b, 1)) return CompanyAgreement::similar;
  // One name is the leading words of the other: "Şimşek" / "Şimşek Enerji". A differing
  // later word ("Şimşek Enerji" / "Şimşek Ambalaj") is a look-alike, not a match.
  const std::string& shorter = a.size() <= b.size() ? a : b;
  const std::string& longer = a.size() <= b.size() ? b : a;
  if (longer.starts_with(shorter) && longer[shorter.size()] == ' ') return CompanyAgreement::similar;
  return CompanyAgreement::differ;
}

}  // namespace

// ---------------------------------------------------------------------------------------------

std::string normalize_phone(std::string_view phone) {
  std::string digits;
  bool plus = false;
  for (std::size_t i = 0; i < phone.size(); ++i) {
    char c = phone[i];
    if (c >= '0' && c <= '9') {
      digits += c;
      continue;
    }
    if (c == '+') {
      if (digits.empty()) plus = true;
      continue;
    }
    // "+49 (0)30 ...": the trunk 0 in brackets is not dialled from abroad.
    if (c == '(' && phone.substr(i, 3) == "(0)" && !digits.empty() && (plus || digits.starts_with("00"))) {
      i += 2;
      continue;
    }
    // Words and list marks after a usable number start an extension ("dahili 12", "x12",
    // "ext. 12", "#12") or a second number ("/ 0533..."); before it they are labels ("Tel:").
    bool letter = is_ascii_letter(c) || static_cast<unsigned char>(c) >= 0x80;
    bool list_mark = c == '/' || c == ',' || c == ';' || c == '#';
    if ((letter || list_mark) && digits.size() >= 7) break;
  }
  if (digits.size() < 7) return "";
  if (!plus && digits.starts_with("00")) {
    digits.erase(0, 2);
    plus = true;
  }
  if (plus) {
    if (digits.starts_with("90")) return turkish_phone(digits.substr(2));
    return "+" + digits;
  }
  if (digits[0] == '0' && digits.size() >= 11) return turkish_phone(digits.substr(1));
  if (digits[0] != '0' && digits.size() == 10) return "+90" + digits;
  if (digits.starts_with("90") && digits.size() == 12) return "+" + digits;
  return digits;  // a shape we do not know (a local number without area code...): as typed
}

std::string normalize_email(std::string_view email) {
  std::string_view s = text::trim(email);
  // "Ayşe Kaya <ayse@ornek.com>", as mail programs copy addresses.
  std::size_t open = s.find('<');
  std::size_t close = s.rfind('>');
  if (open != std::string_view::npos && close != std::string_view::npos && close > open) {
    s = text::trim(s.substr(open + 1, close - open - 1));
  }
  if (s.size() >= 7) {
    std::string head(s.substr(0, 7));
    std::transform(head.begin(), head.end(), head.begin(),
                   [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; });
    if (head == "mailto:") s.remove_prefix(7);
  }
  if (!text::is_valid_utf8(s)) return "";
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    auto next = i + 1 < s.size() ? static_cast<unsigned char>(s[i + 1]) : 0;
    if (c >= 'A' && c <= 'Z') {
      out += static_cast<char>(c - 'A' + 'a');
    } else if (c == 0xC3 && next >= 0x80 && next <= 0x9E && next != 0x97) {
      out += static_cast<char>(c);  // À..Þ (Ç, Ö, Ü...) to à..þ, in an internationalised domain
      out += static_cast<char>(next + 0x20);
      ++i;
    } else if ((c == 0xC4 && next == 0x9E) || (c == 0xC5 && next == 0x9E)) {
      out += static_cast<char>(c);  // Ğ, Ş to ğ, ş
      out += static_cast<char>(next + 1);
      ++i;
    } else if (c == 0xC4 && (next == 0xB0 || next == 0xB1)) {
      out += 'i';  // İ (U+0130) and ı (U+0131): Turkish keyboards type them into addresses
      ++i;
    } else if (c == 0xCC && next == 0x87) {
      ++i;  // combining dot above, left by lower-casing İ the non-Turkish way ("i̇")
    } else {
      out += static_cast<char>(c);
    }
  }
  std::size_t at = out.find('@');
  if (at == std::string::npos || out.find('@', at + 1) != std::string::npos) return "";
  if (!valid_local_part(std::string_view(out).substr(0, at))) return "";
  if (!valid_domain(std::string_view(out).substr(at + 1))) return "";
  return out;
}

bool looks_like_email(std::string_view email) { return !normalize_email(email).empty(); }

bool looks_like_phone(std::string_view phone) {
  std::string n = normalize_phone(phone);
  if (n.size() < 2 || n[0] != '+') return false;
  if (n.starts_with("+90")) {
    // Area codes start with 2, 3 or 4, mobiles with 5, toll-free and shared-cost with 8.
    return n.size() == 13 && std::string_view("23458").find(n[3]) != std::string_view::npos;
  }
  // E.164: at most 15 digits; the shortest national plans give about 8.
  std::size_t count = n.size() - 1;
  return count >= 8 && count <= 15 && n[1] != '0';
}

std::string name_key(std::string_view name) {
  std::vector<std::string> words = name_words(name);
  std::sort(words.begin(), words.end());
  return join_words(words, words.size());
}

std::string company_key(std::string_view company) {
  std::string folded = text::fold(company);
  std::vector<std::string> words = split_words(folded);
  // Strip from the end: Turkish trade names put the legal form last and the generic activity
  // words just before it ("... Ambalaj Pazarlama San. ve Dış Tic. Ltd. Şti."). Stopping at the
  // first distinctive word keeps "Ticaret" inside "Ticaret Odası Lojistik".
  std::size_t end = words.size();
  std::string_view after;  // the word just stripped, to recognise two-word forms
  while (end > 0) {
    const std::string& w = words[end - 1];
    if (w == "s" && end >= 2 && words[end - 2] == "a") {  // "A.Ş." and "A.S." fold to "a s"
      end -= 2;
      after = "as";
      continue;
    }
    bool two_word = (w == "dis" && (after == "tic" || after == "ticaret")) ||  // Dış Tic.
                    (w == "kom" && after == "sti");                            // Kom. Şti.
    if (is_one_of(w, kLegalForms) || is_one_of(w, kFiller) || two_word) {
      after = w;
      --end;
      continue;
    }
    break;
  }
  // A name made only of such words ("Pazarlama Ltd.") has nothing else to go by.
  if (end == 0) return folded;
  return join_words(words, end);
}

std::string company_domain(std::string_view email) {
  std::string e = normalize_email(email);
  if (e.empty()) return "";
  std::string domain = e.substr(e.find('@') + 1);
  std::size_t dot = domain.find('.');
  std::string_view first = std::string_view(domain).substr(0, dot);
  // The rest must look like a public suffix (com, com.tr, co.uk): "mail.firma.com.tr" is a
  // company's own server, not mail.com.
  bool suffix_only = true;
  std::size_t start = dot + 1;
  while (start <= domain.size()) {
    std::size_t next = domain.find('.', start);
    if (next == std::string::npos) next = domain.size();
    if (next - start > 3) suffix_only = false;
    start = next + 1;
  }
  if (suffix_only && is_one_of(first, kFreeMail)) return "";
  return domain;
}

bool is_role_mailbox(std::string_view email) {
  std::string e = normalize_email(email);
  if (e.empty()) return false;
  std::string_view local = std::string_view(e).substr(0, e.find('@'));
  local = local.substr(0, local.find('+'));
  return is_one_of(local, kRoleMailboxes);
}

Prepared prepare(const Person& p) {
  Prepared out;
  out.email = normalize_email(p.email);
  out.phone = normalize_phone(p.phone);
  out.company = company_key(p.company);
  out.domain = company_domain(out.email);
  out.city = text::fold(p.city);
  out.name_words = name_words(p.name);
  out.role_email = is_role_mailbox(out.email);
  return out;
}

Match compare(const Person& a, const Person& b) { return compare(prepare(a), prepare(b)); }

Match compare(const Prepared& a, const Prepared& b) {
  Match match;
  double bits = kPrior;
  auto because = [&](double weight, const char* reason) {
    bits += weight;
    if (reason) match.reasons.emplace_back(reason);
  };

  if (!a.email.empty() && !b.email.empty()) {
    bool role = a.role_email || b.role_email;
    if (a.email == b.email) {
      role ? because(kRoleEmailSame, "same_role_email") : because(kEmailSame, "same_email");
    } else if (!role) {
      because(kEmailDiffer, nullptr);  // a role address next to a personal one contradicts nothing
    }
  }

  if (!a.phone.empty() && !b.phone.empty()) {
    if (a.phone == b.phone) {
      switch (kind_of(a.phone)) {
        case PhoneKind::turkish_mobile: because(kMobileSame, "same_phone"); break;
        case PhoneKind::foreign: because(kForeignPhoneSame, "same_phone"); break;
        default: because(kLandlineSame, "same_phone"); break;
      }
    } else {
      because(kPhoneDiffer, nullptr);
    }
  }

  switch (compare_names(a.name_words, b.name_words)) {
    case NameAgreement::same: because(kNameSame, "same_name"); break;
    case NameAgreement::similar: because(kNameSimilar, "similar_name"); break;
    case NameAgreement::weak: because(kNameWeak, "name_initials"); break;
    case NameAgreement::partial: because(kNamePartial, nullptr); break;
    case NameAgreement::conflict: because(kNameConflict, nullptr); break;
    case NameAgreement::unknown: break;
  }

  const CompanyAgreement company = compare_companies(a.company, b.company);
  const bool same_domain = !a.domain.empty() && a.domain == b.domain;
  double org = 0;
  if (company == CompanyAgreement::same) {
    org = kCompanySame;
    match.reasons.emplace_back("same_company");
  } else if (company == CompanyAgreement::similar) {
    org = kCompanySimilar;
    match.reasons.emplace_back("similar_company");
  }
  if (same_domain) {
    org = org > 0 ? std::max(org, kDomainSame) + kSecondOrgSignal : kDomainSame;
    match.reasons.emplace_back("same_company_domain");
  }
  if (org == 0 && company == CompanyAgreement::differ) org = kCompanyDiffer;
  bits += org;

  if (!a.city.empty() && !b.city.empty()) {
    a.city == b.city ? because(kCitySame, "same_city") : because(kCityDiffer, nullptr);
  }

  match.score = 1.0 / (1.0 + std::exp2(-bits));
  return match;
}

std::vector<std::string> blocking_keys(const Person& p) {
  std::vector<std::string> keys;
  if (std::string email = normalize_email(p.email); !email.empty()) keys.push_back("e:" + email);
  if (std::string phone = normalize_phone(p.phone); !phone.empty()) keys.push_back("p:" + phone);
  std::vector<std::string> words = name_words(p.name);
  if (!words.empty()) {
    auto sorted = words;
    std::sort(sorted.begin(), sorted.end());
    keys.push_back("n:" + join_words(sorted, sorted.size()));
  }
  // A name word at a company finds the same person with a typo in another word, a missing
  // middle name or initials. Only the company's first word, so a typo later in the company
  // name still meets; the company's e-mail domain catches a company name typed differently.
  std::string company = company_key(p.company);
  std::string domain = company_domain(p.email);
  for (const auto& w : words) {
    if (w.size() < 2) continue;  // initials would gather half the company
    if (!company.empty()) keys.push_back("nc:" + w + "|" + company.substr(0, company.find(' ')));
    if (!domain.empty()) keys.push_back("nd:" + w + "|" + domain);
  }
  std::sort(keys.begin(), keys.end());
  keys.erase(std::unique(keys.begin(), keys.end()), keys.end());
  return keys;
}

}  // namespace kervan::dedupe
