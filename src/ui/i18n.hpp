// The UI's message catalog (Turkish and English) and the formats that follow the language.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>

namespace kervan::ui {

enum class Language { tr, en };

Language language_from_code(std::string_view code);  // "tr..." -> tr, anything else -> en
const char* language_code(Language language);

void set_language(Language language);
Language current_language();

// The text for a catalog key in the current language. Unknown keys come back as the key
// itself, so a missing entry shows up on screen instead of vanishing.
const char* T(std::string_view key);

// "26.11.2026 14:05" in Turkish, "Nov 26, 2026 14:05" in English, in local time given
// as the offset east of UTC in minutes. "" for an empty or malformed timestamp.
std::string format_date_time(std::string_view iso8601_utc, int utc_offset_minutes);
// 12.345 in Turkish, 12,345 in English.
std::string format_count(int64_t value);

}  // namespace kervan::ui
