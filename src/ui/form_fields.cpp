#include "ui/form_fields.hpp"

#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include "ui/i18n.hpp"
#include "ui/item_registry.hpp"

namespace kervan::ui {
namespace {

void caption(const char* text, const RowStyle& style) {
  const float scale = ImGui::GetFontSize() / 15.0f;
  ImGui::AlignTextToFramePadding();
  if (style.error) ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.45f, 0.45f, 1));
  ImGui::TextUnformatted(text);
  if (style.error) ImGui::PopStyleColor();
  ImGui::SameLine(style.caption_width * scale);
  ImGui::SetNextItemWidth(-1);
}

}  // namespace

bool text_row(const char* text, std::string& value, RowStyle style, FocusRequest* focus) {
  caption(text, style);
  std::string widget = std::string("##") + text;
  if (focus) focus->before_field(widget.c_str());
  bool enter = ImGui::InputText(widget.c_str(), &value, ImGuiInputTextFlags_EnterReturnsTrue);
  if (focus) focus->after_field();  // the caller keeps drawing while focus->pending()
  return enter;
}

bool notes_row(const char* text, std::string& value, float height_lines, RowStyle style) {
  caption(text, style);
  std::string widget = std::string("##") + text;
  ImGui::InputTextMultiline(widget.c_str(), &value, ImVec2(-1, ImGui::GetTextLineHeight() * height_lines + 8),
                            ImGuiInputTextFlags_CtrlEnterForNewLine);
  // With CtrlEnterForNewLine, Enter alone leaves the field: the form treats it as save.
  return ImGui::IsItemDeactivated() && ImGui::IsKeyPressed(ImGuiKey_Enter, false);
}

std::string record_name(UiContext& ctx, const std::string& entity, const std::string& id) {
  if (id.empty()) return "—";
  Json record = ctx.read(entity + ".get", {{"id", id}});
  std::string name = is_error(record) ? std::string() : record.value("name", std::string());
  if (name.empty() && !is_error(record)) name = record.value("company", std::string());
  return name.empty() ? std::string("—") : name;
}

bool record_picker(UiContext& ctx, const char* label, const std::string& entity, std::string& id,
                   std::string& filter, float width) {
  ImGui::SetNextItemWidth(width);
  std::string shown = record_name(ctx, entity, id);
  bool changed = false;
  bool open = ImGui::BeginCombo(label, shown.c_str(), ImGuiComboFlags_HeightLarge);
  if (!open) item_registry_label_last_item(label);
  if (open) {
    if (ImGui::IsWindowAppearing()) ImGui::SetKeyboardFocusHere();
    ImGui::SetNextItemWidth(-1);
    ImGui::InputTextWithHint("##picker_filter", T("leads.search"), &filter);
    if (ImGui::Selectable("—", id.empty())) id.clear(), changed = true;
    Json list = ctx.read(entity + ".list", {{"query", filter}, {"limit", 50}});
    if (!is_error(list)) {
      for (const auto& r : list["items"]) {
        std::string text = r.value("name", std::string());
        if (entity == "contact" || entity == "lead") {
          std::string company = r.value("company", std::string());
          if (!company.empty()) text += " · " + company;
        }
        std::string item = text + "##" + r["id"].get<std::string>();
        if (ImGui::Selectable(item.c_str(), id == r["id"])) id = r["id"], changed = true;
      }
      if (list.value("total", 0) > 50) ImGui::TextDisabled("%s", T("picker.more"));
    }
    ImGui::EndCombo();
  }
  return changed;
}

bool record_picker_row(UiContext& ctx, const char* text, const std::string& entity, std::string& id,
                       std::string& filter, RowStyle style) {
  caption(text, style);
  return record_picker(ctx, (std::string("##") + text).c_str(), entity, id, filter);
}

std::string list_label(UiContext& ctx, const std::string& list, const std::string& key) {
  if (key.empty()) return "";
  for (const auto& item : ctx.list_values(list)) {
    if (item["key"] == key) {
      return item[current_language() == Language::tr ? "label_tr" : "label_en"].get<std::string>();
    }
  }
  return key;
}

void list_row(UiContext& ctx, const char* text, const std::string& list, std::string& key, RowStyle style) {
  caption(text, style);
  std::string widget = std::string("##") + text;
  std::string shown = key.empty() ? "—" : list_label(ctx, list, key);
  bool open = ImGui::BeginCombo(widget.c_str(), shown.c_str());
  if (!open) item_registry_label_last_item(widget.c_str());  // when open, the popup is the last item
  if (open) {
    if (ImGui::Selectable("—", key.empty())) key.clear();
    for (const auto& item : ctx.list_values(list)) {
      std::string item_key = item["key"].get<std::string>();
      std::string label = item[current_language() == Language::tr ? "label_tr" : "label_en"].get<std::string>();
      if (ImGui::Selectable(label.c_str(), key == item_key)) key = item_key;
    }
    ImGui::EndCombo();
  }
}

bool checkbox_row(const char* text, bool& value) {
  caption(text, RowStyle{});
  return ImGui::Checkbox((std::string("##") + text).c_str(), &value);
}

void related_deals(UiContext& ctx, const std::string& id, const char* deal_filter,
                   const std::function<void(const std::string&, const std::string&)>& on_open) {
  Json deals = ctx.read("deal.list", {{deal_filter, id}, {"limit", 50}, {"sort", "-created_at"}});
  if (is_error(deals) || deals["items"].empty()) return;
  ImGui::SeparatorText(T("link.deals"));
  for (const auto& d : deals["items"]) {
    std::string label = d["name"].get<std::string>() + " · " + T("deal_status." + d["status"].get<std::string>()) +
                        "##" + d["id"].get<std::string>();
    if (ImGui::Selectable(label.c_str(), false) && on_open) on_open("deal", d["id"]);
  }
}

void outcome_line(const std::string& message, bool is_error) {
  if (message.empty()) return;
  ImGui::PushTextWrapPos(0);
  ImGui::TextColored(is_error ? ImVec4(1, 0.45f, 0.45f, 1) : ImVec4(0.5f, 0.85f, 0.55f, 1), "%s", message.c_str());
  ImGui::PopTextWrapPos();
}

std::string join_tags(const Json& tags) {
  std::string out;
  for (const auto& t : tags) out += (out.empty() ? "" : ", ") + t.get<std::string>();
  return out;
}

Json split_tags(const std::string& text) {
  Json out = Json::array();
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t end = text.find(',', start);
    if (end == std::string::npos) end = text.size();
    std::string tag = text.substr(start, end - start);
    auto first = tag.find_first_not_of(' ');
    auto last = tag.find_last_not_of(' ');
    if (first != std::string::npos) out.push_back(tag.substr(first, last - first + 1));
    start = end + 1;
  }
  return out;
}

}  // namespace kervan::ui
