// Money as people type and read it: amounts in integer minor units (kuruş, cents) with a
// currency code. No ImGui here, so it builds and is tested natively.
#pragma once
#include <cstdint>
#include <string>

namespace kervan::ui {

// "1500,5" / "1500.50" / "1.500,50" typed by a person -> minor units; -1 when not a number.
// The last separator followed by one or two digits is the decimal mark; others group.
int64_t parse_amount(const std::string& text);

// "1.500,00 ₺" (Turkish) or "₺1,500.00" (English) for an amount in minor units.
std::string format_money(int64_t minor, const std::string& currency);

// "1500,00" (Turkish) or "1500.00" (English): an amount ready to be edited again.
std::string editable_amount(int64_t minor);

}  // namespace kervan::ui
