#include "ui/deals_board.hpp"

#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include <cmath>
#include <utility>

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

}  // namespace

DealsBoard::DealsBoard(UiContext& ctx)
    : ctx_(ctx),
      detail_(ctx),
      table_(ctx, TableConfig{"deals",
                              "deal.list",
                              {{"deals.name", "name", 1.8f},
                               {"deals.stage", "stage", 1.0f, true, "stage.name"},
                               {"deals.amount", "amount", 1.0f, true, nullptr, "minor_units"},
                               {"deals.probability", "probability", 0.6f},
                               {"deals.expected_close", "expected_close", 0.9f},
                               {"field.status", "status", 0.6f},
                               {"field.owner", "owner", 0.8f},
                               {"deals.next_step", "next_activity", 1.2f, false, "next_activity.subject"}},
                              "expected_close",
                              [](const Json& d, const std::string& field) -> std::string {
                                if (field == "stage") return d["stage"].is_object() ? stage_name(d["stage"]) : "";
                                if (field == "amount") return format_money(d["amount"].get<int64_t>(), text_of(d, "currency"));
                                if (field == "probability") return "%" + std::to_string(d["probability"].get<int>());
                                if (field == "status") return T("deal_status." + text_of(d, "status"));
                                if (field == "next_activity") {
                                  if (!d["next_activity"].is_object()) return d["status"] == "open" ? T("deals.no_next_step") : "";
                                  return text_of(d["next_activity"], "subject");
                                }
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
                                ImGui::SameLine();
                                ImGui::Checkbox(T("deals.stale_only"), &stale_only_);
                                ImGui::SameLine();
                                ImGui::SetNextItemWidth(110 * scale);
                                ImGui::InputTextWithHint("##expected_from", T("deals.close_from"), &close_from_);
                                ImGui::SameLine();
                                ImGui::SetNextItemWidth(110 * scale);
                                ImGui::InputTextWithHint("##expected_to", T("deals.close_to"), &close_to_);
                                Json f = {{"pipeline_id", pipeline_id_}};
                                if (!status_filter_.empty()) f["status"] = status_filter_;
                                if (!owner_filter_.empty()) f["owner"] = owner_filter_;
                                if (stale_only_) f["stale"] = true;
                                // Half-typed dates are not sent: the list keeps its last good answer.
                                if (close_from_.size() == 10) f["expected_from"] = close_from_;
                                if (close_to_.size() == 10) f["expected_to"] = close_to_;
                                return f;
                              },
                              {{"deals.currency", "currency", 0.0f}}}) {}

void DealsBoard::report(const Json& reply, const std::string& success) {
  message_is_error_ = is_error(reply);
  message_ = message_is_error_ ? error_message(reply) : success;
}

void DealsBoard::reload() {
  if (loaded_version_ == ctx_.core.data_version() && loaded_pipeline_ == pipeline_id_ && loaded_owner_ == owner_filter_) return;
  loaded_version_ = ctx_.core.data_version();
  loaded_owner_ = owner_filter_;
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
  // While one owner is shown, the list of owners keeps everyone seen before.
  if (owner_filter_.empty()) owners_ = Json::array();
  for (const auto& stage : pipeline_["stages"]) {
    Json filter = {{"pipeline_id", pipeline_id_}, {"stage_id", stage["id"]}, {"status", "open"}, {"limit", 500}, {"sort", "-amount"}};
    if (!owner_filter_.empty()) filter["owner"] = owner_filter_;
    Json deals = ctx_.core.call("deal.list", filter);
    if (is_error(deals)) deals = Json{{"items", Json::array()}, {"total", 0}, {"totals", {{"amount_base", 0}, {"weighted_base", 0}}}};
    base_currency_ = text_of(deals, "base_currency").empty() ? base_currency_ : text_of(deals, "base_currency");
    columns_.push_back({{"stage", stage}, {"deals", deals["items"]}, {"total", deals["total"]}, {"totals", deals["totals"]}});
    for (const auto& d : deals["items"]) add_owner(text_of(d, "owner"));
  }
}

void DealsBoard::add_owner(const std::string& owner) {
  if (owner.empty()) return;
  for (const auto& o : owners_) {
    if (o == owner) return;
  }
  owners_.push_back(owner);
}

void DealsBoard::draw_owner_filter() {
  const float scale = ImGui::GetFontSize() / 15.0f;
  ImGui::SetNextItemWidth(160 * scale);
  std::string shown = owner_filter_.empty() ? std::string(T("deals.all_owners")) : owner_filter_;
  bool open = ImGui::BeginCombo("##deal_owner", shown.c_str());
  if (!open) item_registry_label_last_item("##deal_owner");
  if (open) {
    // The people who own leads are the salespeople: offer them even before they own a deal.
    // lead.facets reads every lead: asked for only here, while the filter is open, and kept by
    // the context once per data version (UiContext::lead_facets, shared with the leads filters).
    const Json& facets = ctx_.lead_facets();
    if (auto lead_owners = facets.find("owners"); lead_owners != facets.end()) {
      for (const auto& o : *lead_owners) add_owner(o.value("value", std::string()));
    }
    if (ImGui::Selectable(T("deals.all_owners"), owner_filter_.empty())) owner_filter_.clear();
    for (const auto& o : owners_) {
      std::string owner = o.get<std::string>();
      if (ImGui::Selectable((owner + "##owner").c_str(), owner_filter_ == owner)) owner_filter_ = owner;
    }
    ImGui::EndCombo();
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
  record_picker_row(ctx_, T("field.company"), "company", new_company_id_, new_company_filter_, style);
  record_picker_row(ctx_, T("link.contact"), "contact", new_contact_id_, new_contact_filter_, style);
  text_row(T("field.owner"), new_owner_, style);
  if (ImGui::Button(T("form.save"))) {
    int64_t amount = new_amount_.empty() ? 0 : parse_amount(new_amount_);
    if (amount < 0) {
      message_ = T("deals.bad_amount");
      message_is_error_ = true;
    } else {
      Json args = {{"name", new_name_}, {"pipeline_id", pipeline_id_}, {"amount", amount}, {"currency", new_currency_}};
      if (!new_close_.empty()) args["expected_close"] = new_close_;
      if (!new_company_id_.empty()) args["company_id"] = new_company_id_;
      if (!new_contact_id_.empty()) args["contact_id"] = new_contact_id_;
      if (!new_owner_.empty()) args["owner"] = new_owner_;
      Json reply = ctx_.call("deal.create", args);
      report(reply, T("form.saved_plain"));
      if (!is_error(reply)) {
        new_name_.clear();
        new_amount_.clear();
        new_close_.clear();
        new_company_id_.clear();
        new_contact_id_.clear();
        open(text_of(reply, "id"));  // show what was just made
        ImGui::CloseCurrentPopup();
      }
    }
  }
  ImGui::SameLine();
  if (ImGui::Button(T("form.cancel"))) ImGui::CloseCurrentPopup();
  if (message_is_error_ && !message_.empty()) ImGui::TextColored(ImVec4(1, 0.45f, 0.45f, 1), "%s", message_.c_str());
  ImGui::EndPopup();
}

void DealsBoard::draw() {
  detail_.on_open = on_open;
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
        pipeline_id_ = p["id"];  // reload() runs on the next frame: pipelines_ must not change under this loop
        break;
      }
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  draw_owner_filter();
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

  if (!detail_.message.empty()) {
    message_ = std::exchange(detail_.message, std::string());
    message_is_error_ = detail_.message_is_error;
  }
  float detail_width = selected_.empty() ? 0 : 400 * scale;
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
      detail_.draw(selected_);
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
    if (ImGui::SmallButton("×")) open("");
    detail_.draw(selected_);
    ImGui::EndChild();
  }
  draw_popups();
}

}  // namespace kervan::ui
