#include "ui/deal_detail.hpp"

#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include "ui/form_fields.hpp"
#include "ui/i18n.hpp"
#include "ui/money.hpp"

namespace kervan::ui {
namespace {

std::string text_of(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string stage_label(const Json& entry) {
  std::string tr = text_of(entry, "stage_name_tr");
  return current_language() == Language::tr && !tr.empty() ? tr : text_of(entry, "stage_name");
}

// "3 d 4 h" / "5 h" / "12 min" for a duration in milliseconds.
std::string format_duration(int64_t ms) {
  int64_t minutes = ms / 60000, hours = minutes / 60, days = hours / 24;
  bool tr = current_language() == Language::tr;
  if (days > 0) return std::to_string(days) + (tr ? " g " : " d ") + std::to_string(hours % 24) + (tr ? " sa" : " h");
  if (hours > 0) return std::to_string(hours) + (tr ? " sa " : " h ") + std::to_string(minutes % 60) + " dk";
  return std::to_string(minutes) + (tr ? " dk" : " min");
}

}  // namespace

void DealDetail::report(const Json& reply, const std::string& success) {
  message_is_error = is_error(reply);
  message = message_is_error ? error_message(reply) : success;
  error_field_ = error_field(reply);
}

std::string DealDetail::edits() const {
  return name_ + '\x1f' + amount_ + '\x1f' + currency_ + '\x1f' + close_ + '\x1f' + owner_ + '\x1f' + notes_ + '\x1f' +
         tags_ + '\x1f' + company_id_ + '\x1f' + contact_id_ + '\x1f' + std::to_string(probability_) +
         (override_ ? "o" : "-");
}

void DealDetail::load(bool keep_edits) {
  deal_ = ctx_.core.call("deal.get", {{"id", id_}});
  version_ = ctx_.core.data_version();
  if (is_error(deal_)) return;
  // A change elsewhere (a ticked step, a planned activity) must not throw away typing.
  if (keep_edits && edits() != loaded_edits_) return;
  name_ = text_of(deal_, "name");
  amount_ = editable_amount(deal_["amount"].get<int64_t>());
  currency_ = text_of(deal_, "currency");
  close_ = text_of(deal_, "expected_close");
  owner_ = text_of(deal_, "owner");
  notes_ = text_of(deal_, "notes");
  tags_ = join_tags(deal_.value("tags", Json::array()));
  company_id_ = text_of(deal_, "company_id");
  contact_id_ = text_of(deal_, "contact_id");
  probability_ = deal_["probability"].get<int>();
  override_ = deal_.value("probability_override", false);
  loaded_edits_ = edits();
}

void DealDetail::save() {
  int64_t amount = parse_amount(amount_);
  if (amount < 0) {
    message = T("deals.bad_amount");
    message_is_error = true;
    error_field_ = "amount";
    return;
  }
  Json args = {{"id", id_},           {"name", name_},       {"amount", amount},         {"currency", currency_},
               {"expected_close", close_}, {"owner", owner_}, {"notes", notes_},          {"tags", split_tags(tags_)},
               {"company_id", company_id_}, {"contact_id", contact_id_}};
  // An override is kept until cleared: null hands the probability back to the stage.
  args["probability"] = override_ ? Json(probability_) : Json(nullptr);
  Json reply = ctx_.call("deal.update", args);
  report(reply, T("form.saved_plain"));
  if (!is_error(reply)) load(false);
}

void DealDetail::draw_fields() {
  const float scale = ImGui::GetFontSize() / 15.0f;
  bool open = text_of(deal_, "status") == "open";
  auto style = [&](const char* field) { return RowStyle{110, error_field_ == field}; };
  ImGui::BeginDisabled(!open);
  bool enter = text_row(T("deals.name"), name_, style("name"));
  enter |= text_row(T("deals.amount"), amount_, style("amount"));
  enter |= text_row(T("deals.currency"), currency_, style("currency"));
  enter |= text_row(T("deals.expected_close"), close_, style("expected_close"));
  record_picker_row(ctx_, T("field.company"), "company", company_id_, company_filter_, style("company_id"));
  record_picker_row(ctx_, T("link.contact"), "contact", contact_id_, contact_filter_, style("contact_id"));
  enter |= text_row(T("field.owner"), owner_, style("owner"));
  enter |= text_row(T("field.tags"), tags_, style("tags"));
  ImGui::AlignTextToFramePadding();
  ImGui::TextUnformatted(T("deals.probability"));
  ImGui::SameLine(110 * scale);
  ImGui::Checkbox((std::string(T("deals.override")) + "##override").c_str(), &override_);
  ImGui::SameLine();
  if (override_) {
    ImGui::SetNextItemWidth(-1);
    ImGui::SliderInt("##probability", &probability_, 0, 100, "%d %%");
  } else {
    ImGui::TextDisabled("%%%d · %s", deal_["probability"].get<int>(), T("deals.from_stage"));
  }
  enter |= notes_row(T("field.notes"), notes_, 3, style("notes"));
  if (ImGui::Button(T("form.save")) || enter) save();
  ImGui::EndDisabled();
  ImGui::SameLine();
  std::string status = text_of(deal_, "status");
  ImGui::Text("%s: %s", T("field.status"), T("deal_status." + status));
  if (status == "won" && deal_["won_amount"].is_number()) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", format_money(deal_["won_amount"].get<int64_t>(), currency_).c_str());
  }
  if (status == "lost") {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", list_label(ctx_, "deal_lost_reason", text_of(deal_, "lost_reason")).c_str());
  }
  if (!open) {
    ImGui::SameLine();
    if (ImGui::SmallButton(T("deals.reopen"))) report(ctx_.call("deal.reopen", {{"id", id_}}), T("lead.reopened_done"));
  }
}

void DealDetail::draw_links() {
  if (!on_open) return;
  if (!company_id_.empty() &&
      ImGui::SmallButton((std::string(T("link.company")) + ": " + record_name(ctx_, "company", company_id_)).c_str())) {
    on_open("company", company_id_);
  }
  if (!contact_id_.empty() &&
      ImGui::SmallButton((std::string(T("link.contact")) + ": " + record_name(ctx_, "contact", contact_id_)).c_str())) {
    on_open("contact", contact_id_);
  }
  std::string lead_id = text_of(deal_, "source_lead_id");
  if (!lead_id.empty() &&
      ImGui::SmallButton((std::string(T("link.source_lead")) + ": " + record_name(ctx_, "lead", lead_id)).c_str())) {
    on_open("lead", lead_id);
  }
}

void DealDetail::draw_stages() {
  if (!deal_["checklist"].empty()) {
    ImGui::SeparatorText(T("deals.checklist"));
    // One group per stage that has steps; * marks a required step.
    for (const auto& group : deal_["checklist"]) {
      ImGui::TextDisabled("%s", text_of(group, "stage_name").c_str());
      for (const auto& step : group["steps"]) {
        bool done = step.value("done", false);
        std::string label = text_of(step, "text") + (step.value("required", false) ? " *" : "") + "##" + text_of(step, "id");
        if (ImGui::Checkbox(label.c_str(), &done)) {
          report(ctx_.call("deal.check_step", {{"id", id_}, {"step_id", step["id"]}, {"done", done}}), "");
        }
      }
    }
  }
  ImGui::SeparatorText(T("deals.history"));
  int offset = ctx_.platform.utc_offset_minutes();
  for (const auto& h : deal_["stage_history"]) {
    bool current = text_of(h, "left_at").empty();
    std::string line = stage_label(h) + " · " + format_date_time(text_of(h, "entered_at"), offset) + " · " +
                       format_duration(h.value("duration_ms", int64_t{0})) + (current ? std::string(" ◀") : "");
    ImGui::BulletText("%s", line.c_str());
    // Moved on with required steps unfinished: the confirmation is part of the record.
    if (h["confirmed"].is_array() && !h["confirmed"].empty()) {
      std::string steps;
      for (const auto& m : h["confirmed"]) steps += (steps.empty() ? "" : ", ") + text_of(m, "text");
      ImGui::TextColored(ImVec4(0.95f, 0.85f, 0.4f, 1), "    %s %s", T("deals.confirmed_unfinished"), steps.c_str());
    }
  }
  if (deal_["time_in_stages"].size() > 1) {
    ImGui::TextDisabled("%s", T("deals.time_in_stages"));
    for (const auto& s : deal_["time_in_stages"]) {
      ImGui::TextDisabled("  %s: %s", stage_label(s).c_str(), format_duration(s.value("total_ms", int64_t{0})).c_str());
    }
  }
}

void DealDetail::draw(const std::string& id) {
  if (id.empty()) return;
  bool switched = id != id_;
  if (switched) {
    id_ = id;
    error_field_.clear();
    version_ = UINT64_MAX;
  }
  if (version_ != ctx_.core.data_version()) load(!switched);
  if (is_error(deal_)) {
    ImGui::TextDisabled("%s", error_message(deal_).c_str());
    return;
  }
  draw_fields();
  draw_links();
  draw_stages();
  activities_.draw("deal", id_);
}

}  // namespace kervan::ui
