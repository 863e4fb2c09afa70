// Form rows shared by the views: a caption at the left, the widget filling the rest. Widget
// labels are hidden ("##caption") and reported to the test hooks by caption.
#pragma once
#include <functional>
#include <string>

#include "ui/focus_request.hpp"
#include "ui/ui_context.hpp"

namespace kervan::ui {

struct RowStyle {
  float caption_width = 90;  // before scaling by the font size
  bool error = false;        // caption in red: the field the last error named
};

// A one-line text field; true when Enter was pressed in it.
bool text_row(const char* caption, std::string& value, RowStyle style = {}, FocusRequest* focus = nullptr);
// A multi-line text field (Ctrl+Enter for a new line); true when Enter left it.
bool notes_row(const char* caption, std::string& value, float height_lines, RowStyle style = {});
// A choice from an editable list; `key` is the stored key, "" for none.
void list_row(UiContext& ctx, const char* caption, const std::string& list, std::string& key, RowStyle style = {});
bool checkbox_row(const char* caption, bool& value);
// One record of `entity` (company, contact, deal, lead) chosen by typing part of its name;
// `id` is "" for none, `filter` keeps the typed text between frames. True when it changed.
bool record_picker_row(UiContext& ctx, const char* caption, const std::string& entity, std::string& id,
                       std::string& filter, RowStyle style = {});
// The same picker without a caption, `width` wide (negative: up to the right edge).
bool record_picker(UiContext& ctx, const char* label, const std::string& entity, std::string& id,
                   std::string& filter, float width = -1);
// The name of a record, "—" when it is gone or id is empty.
std::string record_name(UiContext& ctx, const std::string& entity, const std::string& id);

// The label of a list value in the current language (the key itself when unknown).
std::string list_label(UiContext& ctx, const std::string& list, const std::string& key);

// The deals of a contact or company (`deal_filter`: the deal.list filter naming the record,
// e.g. "company_id"); a click opens one through `on_open`.
void related_deals(UiContext& ctx, const std::string& id, const char* deal_filter,
                   const std::function<void(const std::string&, const std::string&)>& on_open);

// The outcome of the last action: red for an error, green otherwise, wrapped; nothing when empty.
void outcome_line(const std::string& message, bool is_error);

// "a, b" <-> ["a", "b"]
std::string join_tags(const Json& tags);
Json split_tags(const std::string& text);

}  // namespace kervan::ui
