#include "ui/charts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "ui/i18n.hpp"
#include "ui/item_registry.hpp"

namespace kervan::ui::charts {
namespace {

float scale() { return ImGui::GetFontSize() / 15.0f; }

void legend(const std::vector<Series>& series) {
  ImDrawList* draw = ImGui::GetWindowDrawList();
  for (const auto& s : series) {
    ImVec2 p = ImGui::GetCursorScreenPos();
    float h = ImGui::GetTextLineHeight();
    draw->AddRectFilled(ImVec2(p.x, p.y + h * 0.2f), ImVec2(p.x + h * 0.6f, p.y + h * 0.8f), s.colour, 2);
    ImGui::Dummy(ImVec2(h * 0.7f, h));
    ImGui::SameLine(0, 2);
    ImGui::TextUnformatted(s.name.c_str());
    ImGui::SameLine(0, 14 * scale());
  }
  ImGui::NewLine();
}

double largest(const std::vector<Series>& series) {
  double max = 0;
  for (const auto& s : series) {
    for (double v : s.values) max = std::max(max, v);
  }
  return max;
}

}  // namespace

std::string short_amount(double minor, const std::string& currency) {
  double whole = minor / 100.0;
  bool tr = current_language() == Language::tr;
  const char* unit = "";
  double shown = whole;
  if (std::fabs(whole) >= 1e9) {
    shown = whole / 1e9, unit = tr ? " Mr" : "B";
  } else if (std::fabs(whole) >= 1e6) {
    shown = whole / 1e6, unit = tr ? " Mn" : "M";
  } else if (std::fabs(whole) >= 1e3) {
    shown = whole / 1e3, unit = tr ? " B" : "K";
  }
  char text[64];
  std::snprintf(text, sizeof text, std::fabs(shown) >= 100 || *unit == '\0' ? "%.0f" : "%.1f", shown);
  std::string number = text;
  if (tr) std::replace(number.begin(), number.end(), '.', ',');
  std::string symbol = currency == "TRY" ? "₺" : currency == "USD" ? "$" : currency == "EUR" ? "€" : currency;
  return tr ? number + unit + " " + symbol : symbol + number + unit;
}

void horizontal_bars(const char* id, const std::vector<Bar>& bars, float label_width) {
  ImGui::PushID(id);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  double max = 0;
  for (const auto& b : bars) max = std::max(max, b.value);
  float label_w = label_width * scale();
  float row_h = ImGui::GetTextLineHeightWithSpacing() + 2 * scale();
  ImVec2 origin = ImGui::GetCursorScreenPos();
  float width = ImGui::GetContentRegionAvail().x;
  float text_w = 0;
  for (const auto& b : bars) text_w = std::max(text_w, ImGui::CalcTextSize(b.text.c_str()).x);
  float bar_w = std::max(20.0f, width - label_w - text_w - 12 * scale());
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const Bar& b = bars[i];
    float y = origin.y + row_h * static_cast<float>(i);
    ImGui::SetCursorScreenPos(ImVec2(origin.x, y));
    ImGui::PushClipRect(ImVec2(origin.x, y), ImVec2(origin.x + label_w - 6, y + row_h), true);
    ImGui::TextUnformatted(b.label.c_str());
    ImGui::PopClipRect();
    float x0 = origin.x + label_w;
    float len = max > 0 ? static_cast<float>(b.value / max) * bar_w : 0;
    float pad = 3 * scale();
    draw->AddRectFilled(ImVec2(x0, y + pad), ImVec2(x0 + std::max(len, 1.0f), y + row_h - pad), b.colour, 2);
    if (b.inner >= 0 && max > 0) {
      float inner = static_cast<float>(b.inner / max) * bar_w;
      draw->AddRectFilled(ImVec2(x0, y + row_h * 0.38f), ImVec2(x0 + inner, y + row_h * 0.62f), kWeighted, 1);
    }
    draw->AddText(ImVec2(x0 + len + 6 * scale(), y + 1), ImGui::GetColorU32(ImGuiCol_Text), b.text.c_str());
  }
  ImGui::SetCursorScreenPos(origin);
  ImGui::Dummy(ImVec2(width, row_h * static_cast<float>(bars.size())));
  item_registry_label_last_rect((std::string("chart:") + id).c_str());
  ImGui::PopID();
}

void grouped_columns(const char* id, const std::vector<std::string>& categories, const std::vector<Series>& series,
                     float height, const std::function<std::string(double)>& format,
                     const std::function<std::string(std::size_t, std::size_t)>& tooltip) {
  ImGui::PushID(id);
  legend(series);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  ImVec2 origin = ImGui::GetCursorScreenPos();
  float width = ImGui::GetContentRegionAvail().x;
  float h = height * scale();
  float text_h = ImGui::GetTextLineHeight();
  float plot_top = origin.y + text_h + 2;  // room for the value over the tallest column
  float plot_bottom = origin.y + h - text_h - 4;
  double max = largest(series);
  std::size_t n = std::max<std::size_t>(categories.size(), 1);
  float group_w = width / static_cast<float>(n);
  float gap = std::min(12 * scale(), group_w * 0.15f);
  float column_w = (group_w - gap) / static_cast<float>(std::max<std::size_t>(series.size(), 1));
  draw->AddLine(ImVec2(origin.x, plot_bottom), ImVec2(origin.x + width, plot_bottom), kMuted);
  ImVec2 mouse = ImGui::GetIO().MousePos;
  for (std::size_t c = 0; c < categories.size(); ++c) {
    float gx = origin.x + group_w * static_cast<float>(c) + gap / 2;
    for (std::size_t s = 0; s < series.size(); ++s) {
      double v = c < series[s].values.size() ? series[s].values[c] : 0;
      float top = max > 0 ? plot_bottom - static_cast<float>(v / max) * (plot_bottom - plot_top) : plot_bottom;
      ImVec2 a(gx + column_w * static_cast<float>(s), top), b(gx + column_w * static_cast<float>(s + 1) - 2, plot_bottom);
      draw->AddRectFilled(a, ImVec2(b.x, std::max(b.y - 1, a.y)), series[s].colour, 2);
      std::string label = format(v);
      ImVec2 size = ImGui::CalcTextSize(label.c_str());
      if (size.x <= column_w + gap) {
        draw->AddText(ImVec2(a.x + (column_w - size.x) / 2, top - text_h - 1), ImGui::GetColorU32(ImGuiCol_Text), label.c_str());
      }
      if (tooltip && ImGui::IsWindowHovered() && mouse.x >= a.x && mouse.x < b.x && mouse.y >= plot_top &&
          mouse.y <= plot_bottom) {
        ImGui::SetTooltip("%s", tooltip(c, s).c_str());
      }
    }
    ImVec2 size = ImGui::CalcTextSize(categories[c].c_str());
    draw->AddText(ImVec2(gx + (group_w - gap - size.x) / 2, plot_bottom + 2), ImGui::GetColorU32(ImGuiCol_Text),
                  categories[c].c_str());
  }
  ImGui::Dummy(ImVec2(width, h));
  item_registry_label_last_rect((std::string("chart:") + id).c_str());
  ImGui::PopID();
}

void line_chart(const char* id, const std::vector<std::string>& categories, const std::vector<Series>& series,
                float height, const std::function<std::string(double)>& format) {
  ImGui::PushID(id);
  legend(series);
  ImDrawList* draw = ImGui::GetWindowDrawList();
  ImVec2 origin = ImGui::GetCursorScreenPos();
  float width = ImGui::GetContentRegionAvail().x;
  float h = height * scale();
  float text_h = ImGui::GetTextLineHeight();
  float plot_top = origin.y + text_h + 2, plot_bottom = origin.y + h - text_h - 4;
  double max = largest(series);
  std::size_t n = std::max<std::size_t>(categories.size(), 1);
  float step = width / static_cast<float>(n);
  auto point = [&](std::size_t c, double v) {
    float y = max > 0 ? plot_bottom - static_cast<float>(v / max) * (plot_bottom - plot_top) : plot_bottom;
    return ImVec2(origin.x + step * (static_cast<float>(c) + 0.5f), y);
  };
  draw->AddLine(ImVec2(origin.x, plot_bottom), ImVec2(origin.x + width, plot_bottom), kMuted);
  for (const auto& s : series) {
    for (std::size_t c = 0; c < s.values.size() && c < categories.size(); ++c) {
      if (s.values[c] < 0) continue;
      ImVec2 p = point(c, s.values[c]);
      if (c > 0 && s.values[c - 1] >= 0) draw->AddLine(point(c - 1, s.values[c - 1]), p, s.colour, 2 * scale());
      draw->AddCircleFilled(p, 3.5f * scale(), s.colour);
      std::string label = format(s.values[c]);
      draw->AddText(ImVec2(p.x + 4, p.y - text_h), s.colour, label.c_str());
    }
  }
  for (std::size_t c = 0; c < categories.size(); ++c) {
    ImVec2 size = ImGui::CalcTextSize(categories[c].c_str());
    draw->AddText(ImVec2(origin.x + step * (static_cast<float>(c) + 0.5f) - size.x / 2, plot_bottom + 2),
                  ImGui::GetColorU32(ImGuiCol_Text), categories[c].c_str());
  }
  ImGui::Dummy(ImVec2(width, h));
  item_registry_label_last_rect((std::string("chart:") + id).c_str());
  ImGui::PopID();
}

void tile(const char* id, const std::string& caption, const std::string& value, const std::string& note, ImU32 colour) {
  ImGui::PushID(id);
  ImGui::BeginGroup();
  ImGui::TextDisabled("%s", caption.c_str());
  ImGui::SetWindowFontScale(1.45f);
  ImGui::PushStyleColor(ImGuiCol_Text, colour);
  ImGui::TextUnformatted(value.c_str());
  ImGui::PopStyleColor();
  ImGui::SetWindowFontScale(1.0f);
  if (!note.empty()) ImGui::TextDisabled("%s", note.c_str());
  ImGui::EndGroup();
  // The figure as text for the test hooks: "figure:<id>=<value>".
  item_registry_label_last_rect((std::string("figure:") + id + "=" + value).c_str());
  ImGui::PopID();
}

}  // namespace kervan::ui::charts
