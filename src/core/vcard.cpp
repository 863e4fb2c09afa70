#include "core/vcard.hpp"

#include <cctype>

#include "core/command.hpp"
#include "core/encoding.hpp"
#include "core/text.hpp"

namespace kervan::vcard {
namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

bool iequals(std::string_view a, std::string_view b) { return upper(a) == upper(b); }

struct PhysicalLine {
  std::string_view text;
  std::size_t number;
};

std::vector<PhysicalLine> split_lines(std::string_view bytes) {
  std::vector<PhysicalLine> lines;
  std::size_t start = 0, number = 1;
  for (std::size_t i = 0; i <= bytes.size(); ++i) {
    if (i == bytes.size() || bytes[i] == '\r' || bytes[i] == '\n') {
      lines.push_back({bytes.substr(start, i - start), number++});
      if (i < bytes.size() && bytes[i] == '\r' && i + 1 < bytes.size() && bytes[i + 1] == '\n') ++i;
      start = i + 1;
    }
  }
  return lines;
}

// The index of the ':' ending the name and parameters (colons inside quoted parameter
// values do not count); npos when there is none.
std::size_t value_colon(std::string_view line) {
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '"') quoted = !quoted;
    else if (line[i] == ':' && !quoted) return i;
  }
  return std::string_view::npos;
}

bool is_quoted_printable(std::string_view head) {
  return upper(head).find("QUOTED-PRINTABLE") != std::string::npos;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// Quoted-printable to bytes; a '=' not followed by two hex digits is kept as it is.
std::string decode_quoted_printable(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '=' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// Name and parameters of a property head ("item1.TEL;TYPE=CELL;CHARSET=UTF-8").
void parse_head(std::string_view head, Property& p) {
  std::vector<std::string> parts;
  std::string current;
  bool quoted = false;
  for (char c : head) {
    if (c == '"') quoted = !quoted;
    else if (c == ';' && !quoted) {
      parts.push_back(current);
      current.clear();
    } else {
      current += c;
    }
  }
  parts.push_back(current);
  std::string name = parts[0];
  if (auto dot = name.rfind('.'); dot != std::string::npos) name = name.substr(dot + 1);  // group prefix
  p.name = upper(text::trim(name));
  for (std::size_t i = 1; i < parts.size(); ++i) {
    std::string_view part = parts[i];
    auto eq = part.find('=');
    if (eq == std::string_view::npos) {
      std::string bare = upper(part);
      // vCard 2.1 writes some parameters bare: "TEL;CELL;PREF", "NOTE;QUOTED-PRINTABLE".
      bool encoding_name = bare == "QUOTED-PRINTABLE" || bare == "BASE64" || bare == "8BIT" || bare == "7BIT";
      p.params.emplace_back(encoding_name ? "ENCODING" : "TYPE", bare);
    } else {
      p.params.emplace_back(upper(text::trim(part.substr(0, eq))), std::string(part.substr(eq + 1)));
    }
  }
}

std::string param(const Property& p, std::string_view key) {
  for (const auto& [k, v] : p.params) {
    if (k == key) return v;
  }
  return {};
}

// Bytes of a value in the declared (or guessed) charset to UTF-8; adds a warning when guessed.
std::string to_utf8(const std::string& bytes, const std::string& charset, std::size_t line, std::vector<std::string>& warnings) {
  std::string cs = upper(charset);
  if (cs == "ISO-8859-1" || cs == "LATIN1") {
    std::string out;
    for (unsigned char c : bytes) encoding::append_utf8(out, c);
    return out;
  }
  bool turkish = cs == "WINDOWS-1254" || cs == "CP1254" || cs == "ISO-8859-9" || cs == "LATIN5";
  if (!turkish && text::is_valid_utf8(bytes)) return bytes;
  if (!turkish) {
    warnings.push_back("line " + std::to_string(line) + ": " + (cs.empty() ? "no charset and " : "charset " + cs + " but ") +
                       "not UTF-8; read as Windows-1254");
  }
  return encoding::windows1254_to_utf8(bytes);
}

// One logical line of a card turned into a property (or a problem on the card).
void add_property(Card& card, std::string_view logical, std::size_t line, const Limits& limits) {
  std::size_t colon = value_colon(logical);
  if (colon == std::string_view::npos) {
    if (card.problem.empty()) {
      card.problem = "malformed_line";
      card.problem_message = "line " + std::to_string(line) + " is not NAME:value (" +
                             std::string(text::cut(text::is_valid_utf8(logical) ? logical : "?", 40)) + ")";
    }
    return;
  }
  Property p;
  p.line = line;
  parse_head(logical.substr(0, colon), p);
  std::string raw(logical.substr(colon + 1));
  std::string enc = upper(param(p, "ENCODING"));
  if (enc == "B" || enc == "BASE64") return;  // photos, sounds, keys: not imported
  if (enc == "QUOTED-PRINTABLE") raw = decode_quoted_printable(raw);
  p.value = to_utf8(raw, param(p, "CHARSET"), line, card.warnings);
  if (p.name == "VERSION") card.version = std::string(text::trim(p.value));
  if (card.properties.size() >= limits.max_properties) {
    if (card.problem.empty()) {
      card.problem = "too_many_properties";
      card.problem_message = "the card has more than " + std::to_string(limits.max_properties) + " lines";
    }
    return;
  }
  card.properties.push_back(std::move(p));
}

}  // namespace

bool Property::has_type(std::string_view type) const {
  for (const auto& [k, v] : params) {
    if (k != "TYPE") continue;
    std::size_t start = 0;
    while (start <= v.size()) {
      std::size_t end = v.find(',', start);
      if (end == std::string::npos) end = v.size();
      if (iequals(text::trim(std::string_view(v).substr(start, end - start)), type)) return true;
      start = end + 1;
    }
  }
  return false;
}

std::vector<Card> parse(std::string_view bytes, const Limits& limits, std::string_view field) {
  if (bytes.substr(0, 3) == "\xEF\xBB\xBF") bytes.remove_prefix(3);
  auto fail = [&](const std::string& code, const std::string& message) -> void {
    throw CommandError(code, message, std::string(field));
  };
  std::vector<PhysicalLine> lines = split_lines(bytes);
  std::vector<Card> cards;
  bool in_card = false;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    // Gather one logical line: folded continuations (leading space or tab) and, for
    // quoted-printable values, soft line breaks ('=' at the end).
    std::string logical(lines[i].text);
    std::size_t number = lines[i].number;
    while (i + 1 < lines.size()) {
      std::string_view next = lines[i + 1].text;
      std::size_t colon = value_colon(logical);
      bool soft_break = !logical.empty() && logical.back() == '=' && colon != std::string::npos &&
                        is_quoted_printable(std::string_view(logical).substr(0, colon));
      if (soft_break) {
        logical.pop_back();
        logical += next;
      } else if (!next.empty() && (next[0] == ' ' || next[0] == '\t')) {
        logical += next.substr(1);
      } else {
        break;
      }
      ++i;
      if (logical.size() > limits.max_line_bytes) {
        fail("line_too_long", "line " + std::to_string(number) + ": a line is longer than " +
                                  std::to_string(limits.max_line_bytes / 1024) + " KB");
      }
    }
    std::string_view trimmed = text::is_valid_utf8(logical) ? text::trim(logical) : std::string_view(logical);
    if (trimmed.empty()) continue;
    std::string head = upper(trimmed.substr(0, 12));
    if (head == "BEGIN:VCARD") {
      if (in_card) {
        fail("unclosed_card", "card " + std::to_string(cards.size()) + " (line " + std::to_string(cards.back().line) +
                                  ") is not closed before line " + std::to_string(number) + " starts another");
      }
      if (cards.size() >= limits.max_cards) fail("too_many_cards", "The file has more than " + std::to_string(limits.max_cards) + " cards");
      Card card;
      card.number = cards.size() + 1;
      card.line = number;
      cards.push_back(std::move(card));
      in_card = true;
    } else if (head.substr(0, 9) == "END:VCARD") {
      if (!in_card) fail("malformed_file", "line " + std::to_string(number) + ": END:VCARD without BEGIN:VCARD");
      in_card = false;
    } else if (in_card) {
      add_property(cards.back(), trimmed, number, limits);
    } else if (cards.empty()) {
      fail("not_vcard", "The file is not a vCard: line " + std::to_string(number) + " should be BEGIN:VCARD");
    } else {
      fail("malformed_file", "line " + std::to_string(number) + " is outside any BEGIN:VCARD ... END:VCARD");
    }
  }
  if (cards.empty()) fail("not_vcard", "The file holds no vCard (no BEGIN:VCARD line)");
  if (in_card) {
    fail("unclosed_card", "card " + std::to_string(cards.size()) + " (line " + std::to_string(cards.back().line) +
                              ") is never closed: END:VCARD is missing (truncated file?)");
  }
  return cards;
}

std::vector<std::string> split_value(std::string_view value, char separator) {
  std::vector<std::string> parts;
  std::string current;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 1 < value.size()) {
      current += value[i];
      current += value[++i];
    } else if (value[i] == separator) {
      parts.push_back(unescape(current));
      current.clear();
    } else {
      current += value[i];
    }
  }
  parts.push_back(unescape(current));
  return parts;
}

std::string unescape(std::string_view value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value[i] == '\\' && i + 1 < value.size()) {
      char next = value[++i];
      out += next == 'n' || next == 'N' ? '\n' : next;
    } else {
      out += value[i];
    }
  }
  return out;
}

std::string escape(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '\\' || c == ',' || c == ';') {
      out += '\\';
      out += c;
    } else if (c == '\r') {
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
      out += "\\n";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

std::string fold_line(std::string_view line) {
  constexpr std::size_t kMaxOctets = 75;
  std::string out;
  bool first = true;
  while (!line.empty()) {
    std::size_t room = first ? kMaxOctets : kMaxOctets - 1;  // a continuation starts with a space
    std::size_t cut = std::min(room, line.size());
    // Never cut inside a UTF-8 sequence: back off to the start of the character.
    while (cut < line.size() && cut > 0 && (static_cast<unsigned char>(line[cut]) & 0xC0) == 0x80) --cut;
    if (!first) out += ' ';
    out += line.substr(0, cut);
    out += "\r\n";
    line.remove_prefix(cut);
    first = false;
  }
  if (first) out += "\r\n";
  return out;
}

}  // namespace kervan::vcard
