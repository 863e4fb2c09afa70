#include "ui/money.hpp"

#include <cstdio>

#include "ui/i18n.hpp"

namespace kervan::ui {

int64_t parse_amount(const std::string& text) {
  std::string digits;
  int decimals = -1;
  std::size_t mark = std::string::npos;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == ',' || text[i] == '.') mark = i;
  }
  if (mark != std::string::npos && text.size() - mark - 1 > 2) mark = std::string::npos;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c >= '0' && c <= '9') {
      digits += c;
      if (decimals >= 0) ++decimals;
    } else if (i == mark) {
      decimals = 0;
    } else if (c != '.' && c != ',' && c != ' ') {
      return -1;
    }
  }
  if (digits.empty() || digits.size() > 15) return -1;
  if (decimals < 0) decimals = 0;
  int64_t value = std::stoll(digits);
  for (int i = decimals; i < 2; ++i) value *= 10;
  return value;
}

std::string format_money(int64_t minor, const std::string& currency) {
  bool negative = minor < 0;
  int64_t v = negative ? -minor : minor;
  std::string whole = format_count(v / 100);
  char cents[4];
  std::snprintf(cents, sizeof cents, "%02lld", static_cast<long long>(v % 100));
  std::string symbol = currency == "TRY" ? "₺" : currency == "USD" ? "$" : currency == "EUR" ? "€" : currency;
  bool tr = current_language() == Language::tr;
  std::string number = whole + (tr ? "," : ".") + cents;
  std::string out = tr ? number + " " + symbol : (symbol.size() > 3 ? number + " " + symbol : symbol + number);
  return negative ? "-" + out : out;
}

std::string editable_amount(int64_t minor) {
  char text[40];
  bool negative = minor < 0;
  int64_t v = negative ? -minor : minor;
  std::snprintf(text, sizeof text, "%s%lld%c%02lld", negative ? "-" : "", static_cast<long long>(v / 100),
                current_language() == Language::tr ? ',' : '.', static_cast<long long>(v % 100));
  return text;
}

}  // namespace kervan::ui
