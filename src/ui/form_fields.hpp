// Form rows shared by the views: a caption at the left, the widget filling the rest. Widget
// labels are hidden ("##caption") and reported to the test hooks by caption.
#pragma once
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

// The label of a list value in the current language (the key itself when unknown).
std::string list_label(UiContext& ctx, const std::string& list, const std::string& key);

// The deals and activities linked to a contact or company, as bullet lines
// (`deal_filter`: the deal.list filter naming the record, e.g. "company_id").
void related_records(UiContext& ctx, const std::string& entity, const std::string& id, const char* deal_filter);

// The outcome of the last action: red for an error, green otherwise, wrapped; nothing when empty.
void outcome_line(const std::string& message, bool is_error);

// "a, b" <-> ["a", "b"]
std::string join_tags(const Json& tags);
Json split_tags(const std::string& text);

}  // namespace kervan::ui
