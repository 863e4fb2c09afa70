// Small charts drawn with ImGui's draw list. Every bar and point carries its number, so no
// figure needs a spreadsheet to read; each chart reports its rectangle to the test hooks as
// "chart:<id>".
#pragma once
#include <imgui.h>

#include <functional>
#include <string>
#include <vector>

namespace kervan::ui::charts {

// Colours shared by the dashboard, so a series means the same thing everywhere.
inline constexpr ImU32 kAmount = IM_COL32(90, 130, 200, 255);
inline constexpr ImU32 kWeighted = IM_COL32(120, 190, 240, 255);
inline constexpr ImU32 kWon = IM_COL32(90, 185, 110, 255);
inline constexpr ImU32 kLost = IM_COL32(215, 95, 85, 255);
inline constexpr ImU32 kWarn = IM_COL32(240, 170, 70, 255);
inline constexpr ImU32 kMuted = IM_COL32(150, 150, 160, 255);

struct Bar {
  std::string label;   // at the left
  double value = 0;    // bar length against the chart's largest value
  std::string text;    // the number at the right end
  ImU32 colour = kAmount;
  double inner = -1;   // a second, thinner bar inside (weighted within total); -1: none
};

// One horizontal bar per row; `label_width` before scaling by the font size.
void horizontal_bars(const char* id, const std::vector<Bar>& bars, float label_width = 130);

struct Series {
  std::string name;
  ImU32 colour;
  std::vector<double> values;  // one per category
};

// Side-by-side columns per category (months), a legend above; `format` writes a value short
// enough to sit above its column (hover shows the full text from `tooltip`).
void grouped_columns(const char* id, const std::vector<std::string>& categories, const std::vector<Series>& series,
                     float height, const std::function<std::string(double)>& format,
                     const std::function<std::string(std::size_t category, std::size_t series)>& tooltip);

// Lines with points per category; a value below 0 is a gap (nothing known yet).
void line_chart(const char* id, const std::vector<std::string>& categories, const std::vector<Series>& series,
                float height, const std::function<std::string(double)>& format);

// A boxed figure: caption above, value large, a note below (may be "").
void tile(const char* id, const std::string& caption, const std::string& value, const std::string& note,
          ImU32 colour = IM_COL32(235, 235, 240, 255));

// "1,2 Mn ₺" style short amount for chart labels, from minor units.
std::string short_amount(double minor, const std::string& currency);

}  // namespace kervan::ui::charts
