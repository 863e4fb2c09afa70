#include "ui/deals_board.hpp"

#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include <cmath>

#include "ui/form_fields.hpp"
#include "ui/i18n.hpp"
#include "ui/item_registry.hpp"
#include "ui/my_day_view.hpp"

namespace kervan::ui {
namespace {

std::string text_of(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string stage_name(const Json& stage) {
  std::string tr = text_of(stage, "name_tr");
  return current_language() == Language::tr && !tr.empty() ? tr : text_of(stage, "name");
}

const ImVec4 kStale(1.0f, 0.55f, 0.3f, 1);
const ImVec4 kNoStep(0.95f, 0.85f, 0.4f, 1);

// "1500,5" / "1500.50" / "1.500,50" typed by a person -> minor units; -1 when not a number.
int64_t parse_amount(std::string text) {
  std::string digits;
  int decimals = -1;
  // The last separator followed by one or two digits is the decimal mark; others group.
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

}  // namespace

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

DealsBoard::DealsBoard(UiContext& ctx)
    : ctx_(ctx),
      table_(ctx, TableConfig{"deals",
                              "deal.list",
                              {{"deals.name", "name", 1.8f},
                               {"deals.stage", "stage", 1.0f, false},
                               {"deals.amount", "amount", 1.0f},
                               {"deals.probability", "probability", 0.6f},
                               {"deals.expected_close", "expected_close", 0.9f},
                               {"field.status", "status", 0.6f},
                               {"field.owner", "owner", 0.8f}},
                              "expected_close",
                              [](const Json& d, const std::string& field) -> std::string {
                                if (field == "stage") return d["stage"].is_object() ? stage_name(d["stage"]) : "";
                                if (field == "amount") return format_money(d["amount"].get<int64_t>(), text_of(d, "currency"));
                                if (field == "probability") return "%" + std::to_string(d["probability"].get<int>());
                                if (field == "status") return T("deal_status." + text_of(d, "status"));
                                return text_of(d, field.c_str());
                              },
                              [this]() {
                                const float scale = ImGui::GetFontSize() / 15.0f;
                                ImGui::SetNextItemWidth(140 * scale);
                                std::string shown = status_filter_.empty() ? T("leads.all_statuses") : T("deal_status." + status_filter_);
                                if (ImGui::BeginCombo("##deal_status", shown.c_str())) {
                                  for (const char* s : {"", "open", "won", "lost"}) {
                                    std::string label = *s ? T(std::string("deal_status.") + s) : T("leads.all_statuses");
                                    if (ImGui::Selectable(label.c_str(), status_filter_ == s)) status_filter_ = s;
                                  }
                                  ImGui::EndCombo();
                                }
                                Json f = {{"pipeline_id", pipeline_id_}};
                                if (!status_filter_.empty()) f["status"] = status_filter_;
                                return f;
                              }}) {}

void DealsBoard::report(const Json& reply, const std::string& success) {
  message_is_error_ = is_error(reply);
  message_ = message_is_error_ ? error_message(reply) : success;
}

void DealsBoard::reload() {
  if (loaded_version_ == ctx_.core.data_version() && loaded_pipeline_ == pipeline_id_) return;
  loaded_version_ = ctx_.core.data_version();
  Json reply = ctx_.core.call("pipeline.list", Json::object());
  pipelines_ = is_error(reply) ? Json::array() : reply["items"];
  if (pipelines_.empty()) return;
  bool found = false;
  for (const auto& p : pipelines_) found = found || p["id"] == pipeline_id_;
  if (!found) pipeline_id_ = pipelines_[0]["id"];
  loaded_pipeline_ = pipeline_id_;
  for (const auto& p : pipelines_) {
    if (p["id"] == pipeline_id_) pipeline_ = p;
  }
  columns_ = Json::array();
  for (const auto& stage : pipeline_["stages"]) {
    Json deals = ctx_.core.call("deal.list", {{"pipeline_id", pipeline_id_}, {"stage_id", stage["id"]},
                                              {"status", "open"}, {"limit", 500}, {"sort", "-amount"}});
    if (is_error(deals)) deals = Json{{"items", Json::array()}, {"total", 0}, {"totals", {{"amount_base", 0}, {"weighted_base", 0}}}};
    base_currency_ = text_of(deals, "base_currency").empty() ? base_currency_ : text_of(deals, "base_currency");
    columns_.push_back({{"stage", stage}, {"deals", deals["items"]}, {"total", deals["total"]}, {"totals", deals["totals"]}});
  }
}

void DealsBoard::move(const std::string& deal_id, const std::string& stage_id, bool confirm) {
  Json args = {{"id", deal_id}, {"stage_id", stage_id}};
  if (confirm) args["confirm"] = true;
  Json reply = ctx_.call("deal.move", args);
  if (is_error(reply) && reply["error"]["code"] == "unfinished_steps") {
    confirm_id_ = deal_id;
    confirm_stage_ = stage_id;
    confirm_message_ = error_message(reply);
    return;
  }
  report(reply, T("deals.moved"));
}

void DealsBoard::draw_card(const Json& deal) {
  const std::string id = deal["id"];
  bool stale = deal.value("stale", false);
  bool no_step = deal["next_activity"].is_null();
  ImGui::PushID(id.c_str());
  std::string label = text_of(deal, "name");
  // The card is one selectable (the drag source), its details drawn over it.
  float line = ImGui::GetTextLineHeightWithSpacing();
  ImVec2 start = ImGui::GetCursorScreenPos();
  if (ImGui::Selectable(("##card" + id).c_str(), selected_ == id, ImGuiSelectableFlags_AllowOverlap,
                        ImVec2(0, line * 3))) {
    selected_ = id;
  }
  item_registry_label_last_item(("card:" + label).c_str());
  if (ImGui::BeginDragDropSource()) {
    ImGui::SetDragDropPayload("KERVAN_DEAL", id.c_str(), id.size() + 1);
    ImGui::TextUnformatted(label.c_str());
    ImGui::EndDragDropSource();
  }
  ImGui::GetWindowDrawList()->AddRect(start, ImVec2(start.x + ImGui::GetContentRegionAvail().x, start.y + line * 3),
                                      ImGui::GetColorU32(stale ? kStale : ImVec4(0.35f, 0.4f, 0.5f, 1)), 3.0f);
  ImGui::SetCursorScreenPos(ImVec2(start.x + 4, start.y + 2));
  ImGui::TextUnformatted(label.c_str());
  ImGui::SetCursorScreenPos(ImVec2(start.x + 4, start.y + 2 + line));
  std::string company = deal["company"].is_object() ? text_of(deal["company"], "name") : "";
  ImGui::TextDisabled("%s", (format_money(deal["amount"].get<int64_t>(), text_of(deal, "currency")) + " · %" +
                             std::to_string(deal["probability"].get<int>()) + (company.empty() ? "" : " · " + company))
                                .c_str());
  ImGui::SetCursorScreenPos(ImVec2(start.x + 4, start.y + 2 + line * 2));
  if (stale) {
    ImGui::TextColored(kStale, "%s", T("deals.stale"));
    ImGui::SameLine();
  }
  if (no_step) ImGui::TextColored(kNoStep, "%s", T("deals.no_next_step"));
  else ImGui::TextDisabled("%s %s", T("deals.next"), text_of(deal["next_activity"], "subject").c_str());
  ImGui::SetCursorScreenPos(ImVec2(start.x, start.y + line * 3 + 4));
  ImGui::Dummy(ImVec2(1, 1));
  ImGui::PopID();
}

void DealsBoard::draw_column(const Json& column, float width, float height) {
  const Json& stage = column["stage"];
  const std::string stage_id = stage["id"];
  ImGui::BeginChild(("stage_" + stage_id).c_str(), ImVec2(width, height), true);
  ImGui::TextUnformatted(stage_name(stage).c_str());
  ImGui::TextDisabled("%s · %%%d", format_count(column["total"].get<int64_t>()).c_str(), stage["probability"].get<int>());
  ImGui::TextDisabled("%s", format_money(column["totals"]["amount_base"].get<int64_t>(), base_currency_).c_str());
  ImGui::TextDisabled("%s %s", T("deals.weighted"),
                      format_money(column["totals"]["weighted_base"].get<int64_t>(), base_currency_).c_str());
  ImGui::Separator();
  for (const auto& deal : column["deals"]) draw_card(deal);
  ImGui::EndChild();
  item_registry_label_last_rect(("column:" + stage_name(stage)).c_str());  // the column as a drop target
  // Dropping anywhere on the column moves the deal there.
  if (ImGui::BeginDragDropTarget()) {
    if (const ImGuiPayload* payload = ImGui::AcceptDragDropPayload("KERVAN_DEAL")) {
      move(static_cast<const char*>(payload->Data), stage_id, false);
    }
    ImGui::EndDragDropTarget();
  }
}

void DealsBoard::draw_outcome_zone(const char* label_key, bool won, float width, float height) {
  ImGui::PushStyleColor(ImGuiCol_ChildBg, won ? ImVec4(0.15f, 0.3f, 0.18f, 1) : ImVec4(0.32f, 0.15f, 0.15f, 1));
  ImGui::BeginChild(label_key, ImVec2(width, height), true);
  ImGui::TextUnformatted(T(label_key));
  ImGui::EndChild();
  item_registry_label_last_rect((std::string("zone:") + T(label_key)).c_str());
  ImGui::PopStyleColor();
  if (ImGui::BeginDragDropTarget()) {
    if (const ImGuiPayload* payload = ImGui::AcceptDragDropPayload("KERVAN_DEAL")) {
      std::string id = static_cast<const char*>(payload->Data);
      if (won) {
        win_id_ = id;
        Json deal = ctx_.core.call("deal.get", {{"id", id}});
        int64_t amount = is_error(deal) ? 0 : deal["amount"].get<int64_t>();
        char text[32];
        std::snprintf(text, sizeof text, "%lld.%02lld", static_cast<long long>(amount / 100), static_cast<long long>(amount % 100));
        win_amount_ = text;
      } else {
        lose_id_ = id;
        lose_reason_.clear();
      }
    }
    ImGui::EndDragDropTarget();
  }
}

void DealsBoard::draw_popups() {
  if (!win_id_.empty()) ImGui::OpenPopup("win_deal");
  if (!lose_id_.empty()) ImGui::OpenPopup("lose_deal");
  if (!confirm_id_.empty()) ImGui::OpenPopup("confirm_move");
  if (ImGui::BeginPopup("win_deal")) {
    ImGui::TextUnformatted(T("deals.final_amount"));
    ImGui::SetNextItemWidth(200);
    ImGui::InputText((std::string("##") + T("deals.final_amount")).c_str(), &win_amount_);
    if (ImGui::Button(T("deals.won_button"))) {
      int64_t amount = parse_amount(win_amount_);
      if (amount < 0) {
        message_ = T("deals.bad_amount");
        message_is_error_ = true;
      } else {
        report(ctx_.call("deal.win", {{"id", win_id_}, {"amount", amount}}), T("deals.won_done"));
      }
      win_id_.clear();
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button(T("form.cancel"))) {
      win_id_.clear();
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
  } else if (!win_id_.empty() && !ImGui::IsPopupOpen("win_deal")) {
    win_id_.clear();
  }
  if (ImGui::BeginPopup("lose_deal")) {
    ImGui::TextUnformatted(T("deals.lost_reason"));
    for (const auto& item : ctx_.list_values("deal_lost_reason")) {
      std::string key = item["key"];
      std::string label = item[current_language() == Language::tr ? "label_tr" : "label_en"];
      if (ImGui::Selectable(label.c_str(), lose_reason_ == key, ImGuiSelectableFlags_DontClosePopups)) lose_reason_ = key;
    }
    ImGui::BeginDisabled(lose_reason_.empty());
    if (ImGui::Button(T("deals.lost_button"))) {
      report(ctx_.call("deal.lose", {{"id", lose_id_}, {"reason", lose_reason_}}), T("deals.lost_done"));
      lose_id_.clear();
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button(T("form.cancel"))) {
      lose_id_.clear();
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
  }
  if (ImGui::BeginPopup("confirm_move")) {
    ImGui::PushTextWrapPos(420);
    ImGui::TextUnformatted(confirm_message_.c_str());
    ImGui::PopTextWrapPos();
    if (ImGui::Button(T("deals.move_anyway"))) {
      move(confirm_id_, confirm_stage_, true);
      confirm_id_.clear();
      ImGui::CloseCurrentPopup();
    }
    ImGui::SameLine();
    if (ImGui::Button(T("form.cancel"))) {
      confirm_id_.clear();
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
  }
}

void DealsBoard::draw_new_deal() {
  if (ImGui::Button(T("deals.new"))) ImGui::OpenPopup("new_deal");
  if (!ImGui::BeginPopup("new_deal")) return;
  RowStyle style{120};
  text_row(T("deals.name"), new_name_, style);
  text_row(T("deals.amount"), new_amount_, style);
  text_row(T("deals.currency"), new_currency_, style);
  text_row(T("deals.expected_close"), new_close_, style);
  if (ImGui::Button(T("form.save"))) {
    int64_t amount = new_amount_.empty() ? 0 : parse_amount(new_amount_);
    if (amount < 0) {
      message_ = T("deals.bad_amount");
      message_is_error_ = true;
    } else {
      Json args = {{"name", new_name_}, {"pipeline_id", pipeline_id_}, {"amount", amount}, {"currency", new_currency_}};
      if (!new_close_.empty()) args["expected_close"] = new_close_;
      Json reply = ctx_.call("deal.create", args);
      report(reply, T("form.saved_plain"));
      if (!is_error(reply)) {
        new_name_.clear();
        new_amount_.clear();
        new_close_.clear();
        ImGui::CloseCurrentPopup();
      }
    }
  }
  ImGui::SameLine();
  if (ImGui::Button(T("form.cancel"))) ImGui::CloseCurrentPopup();
  if (message_is_error_ && !message_.empty()) ImGui::TextColored(ImVec4(1, 0.45f, 0.45f, 1), "%s", message_.c_str());
  ImGui::EndPopup();
}

void DealsBoard::load_detail() {
  detail_ = ctx_.core.call("deal.get", {{"id", selected_}});
  detail_for_ = selected_;
  detail_version_ = ctx_.core.data_version();
  if (is_error(detail_)) return;
  edit_name_ = text_of(detail_, "name");
  int64_t amount = detail_["amount"].get<int64_t>();
  char text[40];
  std::snprintf(text, sizeof text, "%lld.%02lld", static_cast<long long>(amount / 100), static_cast<long long>(amount % 100));
  edit_amount_ = text;
  edit_currency_ = text_of(detail_, "currency");
  edit_close_ = text_of(detail_, "expected_close");
  edit_owner_ = text_of(detail_, "owner");
  edit_notes_ = text_of(detail_, "notes");
  edit_probability_ = detail_["probability"].get<int>();
  edit_override_ = detail_.value("probability_override", false);
  Json list = ctx_.core.call("activity.list", {{"related", {{"entity", "deal"}, {"id", selected_}}}, {"sort", "due_at"}, {"limit", 100}});
  activities_ = is_error(list) ? Json::array() : list["items"];
}

void DealsBoard::save_detail() {
  int64_t amount = parse_amount(edit_amount_);
  if (amount < 0) {
    message_ = T("deals.bad_amount");
    message_is_error_ = true;
    return;
  }
  Json args = {{"id", selected_}, {"name", edit_name_}, {"amount", amount}, {"currency", edit_currency_},
               {"expected_close", edit_close_}, {"owner", edit_owner_}, {"notes", edit_notes_}};
  // An override is kept until cleared: null hands the probability back to the stage.
  args["probability"] = edit_override_ ? Json(edit_probability_) : Json(nullptr);
  report(ctx_.call("deal.update", args), T("form.saved_plain"));
}

void DealsBoard::draw_detail() {
  if (selected_.empty()) return;
  if (detail_for_ != selected_ || detail_version_ != ctx_.core.data_version()) load_detail();
  if (is_error(detail_)) return;
  bool open = text_of(detail_, "status") == "open";
  RowStyle style{110};
  ImGui::BeginDisabled(!open);
  bool enter = text_row(T("deals.name"), edit_name_, style);
  enter |= text_row(T("deals.amount"), edit_amount_, style);
  enter |= text_row(T("deals.currency"), edit_currency_, style);
  enter |= text_row(T("deals.expected_close"), edit_close_, style);
  enter |= text_row(T("field.owner"), edit_owner_, style);
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(T("deals.probability"));
  ImGui::SameLine(110 * ImGui::GetFontSize() / 15.0f);
  ImGui::Checkbox((std::string(T("deals.override")) + "##override").c_str(), &edit_override_);
  if (edit_override_) {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-1);
    ImGui::SliderInt("##probability", &edit_probability_, 0, 100, "%d %%");
  } else {
    ImGui::SameLine();
    ImGui::TextDisabled("%%%d", detail_["probability"].get<int>());
  }
  enter |= notes_row(T("field.notes"), edit_notes_, 3, style);
  if (ImGui::Button(T("form.save")) || enter) save_detail();
  ImGui::EndDisabled();
  ImGui::Text("%s: %s", T("field.status"), T("deal_status." + text_of(detail_, "status")));
  if (!open && ImGui::Button(T("deals.reopen"))) report(ctx_.call("deal.reopen", {{"id", selected_}}), T("lead.reopened_done"));
  // Links to what the deal belongs to.
  if (detail_["company"].is_object() && ImGui::SmallButton((std::string(T("link.company")) + ": " + text_of(detail_["company"], "name")).c_str()) && on_open) {
    on_open("company", text_of(detail_, "company_id"));
  }
  if (detail_["contact"].is_object() && ImGui::SmallButton((std::string(T("link.contact")) + ": " + text_of(detail_["contact"], "name")).c_str()) && on_open) {
    on_open("contact", text_of(detail_, "contact_id"));
  }
  if (!text_of(detail_, "source_lead_id").empty() && ImGui::SmallButton(T("link.source_lead")) && on_open) {
    on_open("lead", text_of(detail_, "source_lead_id"));
  }
  ImGui::SeparatorText(T("deals.activities"));
  if (activities_.empty()) ImGui::TextColored(kNoStep, "%s", T("deals.no_next_step"));
  for (const auto& a : activities_) {
    bool done = a.value("done", false);
    std::string label = text_of(a, "subject") + " · " + format_date_time(text_of(a, "due_at"), ctx_.platform.utc_offset_minutes()) +
                        "##" + text_of(a, "id");
    if (ImGui::Checkbox(label.c_str(), &done) && done) ctx_.call("activity.complete", {{"id", a["id"]}});
  }
  ImGui::SetNextItemWidth(-90 * ImGui::GetFontSize() / 15.0f);
  ImGui::InputTextWithHint("##activity_subject", T("day.subject"), &activity_subject_);
  ImGui::SameLine();
  ImGui::SetNextItemWidth(-1);
  ImGui::InputTextWithHint("##activity_due", "14:30 / 2026-12-01", &activity_due_);
  if (ImGui::SmallButton(T("deals.plan_step"))) {
    std::string due = parse_local_due(activity_due_.empty() ? "09:00" : activity_due_, ctx_.platform.utc_offset_minutes());
    Json reply = due.empty() ? Json{{"error", {{"message", T("day.bad_time")}}}}
                             : ctx_.call("activity.create", {{"subject", activity_subject_}, {"type", "task"}, {"due_at", due},
                                                             {"links", {{{"entity", "deal"}, {"id", selected_}}}}});
    report(reply, T("form.saved_plain"));
    if (!is_error(reply)) activity_subject_.clear(), activity_due_.clear();
  }
  ImGui::SeparatorText(T("deals.history"));
  for (const auto& h : detail_["stage_history"]) {
    ImGui::BulletText("%s · %s", stage_name({{"name", h["stage_name"]}, {"name_tr", h["stage_name_tr"]}}).c_str(),
                      format_date_time(text_of(h, "entered_at"), ctx_.platform.utc_offset_minutes()).c_str());
  }
  if (!detail_["checklist"].empty()) {
    ImGui::SeparatorText(T("deals.checklist"));
    for (const auto& step : detail_["checklist"]) {
      bool done = step.value("done", false);
      std::string label = text_of(step, "text") + (step.value("required", false) ? " *" : "") + "##" + text_of(step, "id");
      if (ImGui::Checkbox(label.c_str(), &done)) {
        ctx_.call("deal.check_step", {{"id", selected_}, {"step_id", step["id"]}, {"done", done}});
      }
    }
  }
}

void DealsBoard::draw() {
  reload();
  const float scale = ImGui::GetFontSize() / 15.0f;
  if (pipelines_.empty()) {
    ImGui::TextDisabled("%s", T("deals.no_pipeline"));
    return;
  }
  ImGui::SetNextItemWidth(220 * scale);
  std::string current = stage_name(pipeline_);
  if (ImGui::BeginCombo("##pipeline", current.c_str())) {
    for (const auto& p : pipelines_) {
      if (ImGui::Selectable((stage_name(p) + "##" + text_of(p, "id")).c_str(), p["id"] == pipeline_id_)) {
        pipeline_id_ = p["id"];
        reload();
      }
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  draw_new_deal();
  ImGui::SameLine();
  if (ImGui::RadioButton(T("deals.board"), !list_mode_)) list_mode_ = false;
  ImGui::SameLine();
  if (ImGui::RadioButton(T("deals.list"), list_mode_)) list_mode_ = true;
  if (!message_.empty()) {
    ImGui::SameLine();
    ImGui::TextColored(message_is_error_ ? ImVec4(1, 0.45f, 0.45f, 1) : ImVec4(0.5f, 0.85f, 0.55f, 1), "%s", message_.c_str());
  }

  float detail_width = selected_.empty() ? 0 : 360 * scale;
  float avail = ImGui::GetContentRegionAvail().x - detail_width;
  float height = ImGui::GetContentRegionAvail().y;
  if (list_mode_) {
    ImGui::BeginChild("deal_list", ImVec2(avail, height));
    table_.draw();
    if (!table_.selected_id().empty()) selected_ = table_.selected_id();
    ImGui::EndChild();
    if (!selected_.empty()) {
      ImGui::SameLine();
      ImGui::BeginChild("deal_detail", ImVec2(0, height), true);
      if (ImGui::SmallButton("×")) {
        selected_.clear();
        table_.select("");
      }
      draw_detail();
      ImGui::EndChild();
    }
    draw_popups();
    return;
  }
  float zone_height = 60 * scale;
  ImGui::BeginChild("board", ImVec2(avail, height), false, ImGuiWindowFlags_HorizontalScrollbar);
  std::size_t n = columns_.size();
  float spacing = ImGui::GetStyle().ItemSpacing.x;
  float column_width = std::max(190.0f * scale, (avail - spacing * static_cast<float>(n)) / static_cast<float>(std::max<std::size_t>(n, 1)));
  for (std::size_t i = 0; i < n; ++i) {
    if (i) ImGui::SameLine();
    draw_column(columns_[i], column_width, height - zone_height - ImGui::GetStyle().ItemSpacing.y * 2);
  }
  float zone_width = (avail - spacing) / 2;
  draw_outcome_zone("deals.zone_won", true, zone_width, zone_height);
  ImGui::SameLine();
  draw_outcome_zone("deals.zone_lost", false, zone_width, zone_height);
  ImGui::EndChild();
  if (!selected_.empty()) {
    ImGui::SameLine();
    ImGui::BeginChild("deal_detail", ImVec2(0, height), true);
    if (ImGui::SmallButton("×")) selected_.clear();
    draw_detail();
    ImGui::EndChild();
  }
  draw_popups();
}

}  // namespace kervan::ui
