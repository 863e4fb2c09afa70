#include "ui/lead_form.hpp"

#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include <chrono>
#include <cmath>

#include "core/clock.hpp"

#include "ui/form_fields.hpp"
#include "ui/i18n.hpp"

namespace kervan::ui {
namespace {

// The text fields of the form in Tab order; booth mode shows the ones a visitor gives.
struct FormField {
  const char* name;
  bool in_booth;
};
constexpr FormField kTextFields[] = {
    {"name", true},  {"company", true},  {"title", true},   {"email", true},    {"phone", true},
    {"city", true},  {"country", false}, {"website", false}, {"interest", true}, {"event", false},
    {"owner", false},
};

std::string text_of(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

}  // namespace

LeadForm::LeadForm(UiContext& ctx, bool booth_mode) : ctx_(ctx), activities_(ctx), booth_(booth_mode) {
  if (booth_) {
    Json settings = ctx_.core.call("settings.get", Json::object());
    if (!is_error(settings)) {
      const Json& s = settings["settings"];
      booth_event_ = text_of(s, "booth.event");
      booth_source_ = text_of(s, "booth.source");
      booth_owner_ = text_of(s, "booth.owner");
    }
    if (booth_source_.empty()) booth_source_ = "trade_show";
  }
}

std::string LeadForm::take_selection_change(bool& changed) {
  changed = selection_changed_;
  selection_changed_ = false;
  return new_selection_;
}

void LeadForm::show(const std::string& id) {
  if (id != loaded_for_) load(id);
}

void LeadForm::load(const std::string& id) {
  loaded_for_ = id;
  id_ = id;
  confirm_delete_ = false;
  error_field_.clear();
  convert_preview_ = nullptr;
  lead_ = Json::object();
  values_ = Json::object();
  for (const auto& f : kTextFields) values_[f.name] = "";
  values_["notes"] = "";
  values_["source"] = "";
  values_["consent"] = false;
  tags_text_.clear();
  candidates_ = Json::array();
  checked_key_.clear();
  if (!id.empty()) {
    Json lead = ctx_.core.call("lead.get", {{"id", id}});
    if (is_error(lead)) {  // deleted meanwhile (another tab, a script): back to a new lead
      load("");
      return;
    }
    lead_ = lead;
    for (const auto& f : kTextFields) values_[f.name] = lead[f.name];
    values_["notes"] = lead["notes"];
    values_["source"] = lead["source"];
    values_["consent"] = lead["consent"];
    tags_text_ = join_tags(lead["tags"]);
  }
  focus_first_.request();
}

void LeadForm::clear() {
  message_.clear();
  selection_changed_ = true;
  new_selection_.clear();
  load("");
}

void LeadForm::set_message(const Json& reply, const std::string& success) {
  if (is_error(reply)) {
    message_ = error_message(reply);
    if (error_field(reply) == "name") message_ = T("form.need_name");
    message_is_error_ = true;
    error_field_ = error_field(reply);
  } else {
    message_ = success;
    message_is_error_ = false;
    error_field_.clear();
    message_ticket_ = ctx_.last_persist_ticket;
  }
}

void LeadForm::save() {
  Json args = Json::object();
  for (const auto& f : kTextFields) {
    if (booth_ && !f.in_booth) continue;
    args[f.name] = values_[f.name];
  }
  args["notes"] = values_["notes"];
  args["consent"] = values_["consent"];
  args["tags"] = split_tags(tags_text_);
  if (booth_) {
    args["event"] = booth_event_;
    args["source"] = booth_source_;
    args["owner"] = booth_owner_;
  } else {
    args["source"] = values_["source"];
  }
  bool creating = id_.empty();
  if (!creating) args["id"] = id_;
  Json reply = ctx_.call(creating ? "lead.create" : "lead.update", args);
  std::string who = text_of(reply, "name").empty() ? text_of(reply, "company") : text_of(reply, "name");
  char text[512];
  std::snprintf(text, sizeof text, T("form.saved"), who.c_str());
  set_message(reply, text);
  if (is_error(reply)) return;
  if (creating) {
    load("");  // ready for the next visitor: empty form, cursor in the first field
  } else {
    load(id_);
  }
  selection_changed_ = true;
  new_selection_ = creating ? std::string() : id_;
}

void LeadForm::remove() {
  Json reply = ctx_.call("lead.delete", {{"id", id_}});
  set_message(reply, T("form.deleted"));
  if (is_error(reply)) return;
  load("");
  selection_changed_ = true;
  new_selection_.clear();
}

// Booth: the visitor is already a lead: add what they told us now to that lead.
void LeadForm::attach_to(const Json& candidate) {
  Json fields = Json::object();
  for (const auto& f : kTextFields) {
    if (f.in_booth && !values_[f.name].get_ref<const std::string&>().empty()) fields[f.name] = values_[f.name];
  }
  if (!values_["notes"].get_ref<const std::string&>().empty()) fields["notes"] = values_["notes"];
  if (values_["consent"].get<bool>()) fields["consent"] = true;
  fields["tags"] = split_tags(tags_text_);
  Json reply = ctx_.call("lead.enrich", {{"id", candidate["id"]}, {"fields", fields}});
  char text[512];
  std::snprintf(text, sizeof text, T("booth.attached"), candidate["label"].get<std::string>().c_str());
  std::string message = text;
  if (!is_error(reply) && !reply["conflicts"].empty()) {
    message += " · " + std::string(T("booth.conflicts"));
    for (const auto& c : reply["conflicts"]) {
      message += " " + std::string(T("field." + c["field"].get<std::string>())) + ": " + c["kept"].get<std::string>() +
                 " ≠ " + c["dropped"].get<std::string>() + ";";
    }
  }
  set_message(reply, message);
  if (!is_error(reply)) load("");
}

void LeadForm::draw_booth_header() {
  const float scale = ImGui::GetFontSize() / 15.0f;
  RowStyle style{110};
  std::string before = booth_event_ + '\x1f' + booth_source_ + '\x1f' + booth_owner_;
  text_row(T("field.event"), booth_event_, style);
  list_row(ctx_, T("field.source"), "lead_source", booth_source_, style);
  text_row(T("field.owner"), booth_owner_, style);
  if (before != booth_event_ + '\x1f' + booth_source_ + '\x1f' + booth_owner_ && !ImGui::IsAnyItemActive()) {
    // Kept on the device, so the booth laptop opens where it left off.
    ctx_.call("settings.set", {{"key", "booth.event"}, {"value", booth_event_}});
    ctx_.call("settings.set", {{"key", "booth.source"}, {"value", booth_source_}});
    ctx_.call("settings.set", {{"key", "booth.owner"}, {"value", booth_owner_}});
  }
  // Counters: this event, and today (local day); counted again only when data changes.
  std::string count_key = std::to_string(ctx_.core.data_version()) + '\x1f' + booth_event_;
  if (count_key != counted_key_) {
    counted_key_ = count_key;
    event_count_ = today_count_ = 0;
    if (!booth_event_.empty()) {
      Json r = ctx_.core.call("lead.list", {{"event", booth_event_}, {"limit", 1}});
      if (!is_error(r)) event_count_ = r["total"].get<int64_t>();
    }
    int offset = ctx_.platform.utc_offset_minutes();
    auto now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
                   .count();
    int64_t local_midnight = ((now + offset * 60000LL) / 86400000LL) * 86400000LL - offset * 60000LL;
    Json r = ctx_.core.call("lead.list", {{"created_from", format_iso8601(local_midnight)}, {"limit", 1}});
    if (!is_error(r)) today_count_ = r["total"].get<int64_t>();
  }
  char counts[256];
  std::snprintf(counts, sizeof counts, T("booth.counts"), format_count(event_count_).c_str(),
                format_count(today_count_).c_str());
  ImGui::Spacing();
  ImGui::TextColored(ImVec4(0.55f, 0.8f, 1, 1), "%s", counts);
  (void)scale;
  ImGui::Separator();
}

void LeadForm::draw_fields(bool& enter_pressed) {
  RowStyle style{booth_ ? 110.0f : 90.0f};
  bool first = true;
  for (const auto& f : kTextFields) {
    if (booth_ && !f.in_booth) continue;
    style.error = error_field_ == f.name;
    std::string value = values_[f.name].get<std::string>();
    if (text_row(T(std::string("field.") + f.name), value, style, first ? &focus_first_ : nullptr)) enter_pressed = true;
    values_[f.name] = value;
    first = false;
  }
  if (!booth_) {
    std::string source = values_["source"].get<std::string>();
    list_row(ctx_, T("field.source"), "lead_source", source, style);
    values_["source"] = source;
  }
  style.error = error_field_ == "tags";
  if (text_row(T("field.tags"), tags_text_, style)) enter_pressed = true;
  bool consent = values_["consent"].get<bool>();
  if (checkbox_row(T("field.consent"), consent)) values_["consent"] = consent;
  if (consent && !text_of(lead_, "consent_at").empty()) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s", format_date_time(text_of(lead_, "consent_at"), ctx_.platform.utc_offset_minutes()).c_str());
  }
  std::string notes = values_["notes"].get<std::string>();
  if (notes_row(T("field.notes"), notes, booth_ ? 3.0f : 4.0f, style)) enter_pressed = true;
  values_["notes"] = notes;
  if (focus_first_.pending()) ctx_.platform.request_redraw(2);
}

void LeadForm::draw_actions() {
  if (ImGui::Button(T("form.save")) || save_requested_) save();
  save_requested_ = false;
  ImGui::SameLine();
  if (ImGui::Button(T("form.clear"))) clear();
  if (!id_.empty()) {
    ImGui::SameLine();
    if (!confirm_delete_) {
      if (ImGui::Button(T("form.delete"))) confirm_delete_ = true;
    } else {
      ImGui::TextUnformatted(T("form.confirm_delete"));
      ImGui::SameLine();
      if (ImGui::Button((std::string(T("form.delete")) + "##confirm").c_str())) remove();
      ImGui::SameLine();
      if (ImGui::Button(T("form.cancel"))) confirm_delete_ = false;
    }
  }
}

void LeadForm::draw_lifecycle() {
  if (id_.empty()) return;
  const std::string status = text_of(lead_, "status");
  ImGui::Separator();
  ImGui::Text("%s: %s", T("field.status"), T("status." + status));
  if (status == "unqualified") {
    ImGui::SameLine();
    ImGui::TextDisabled("(%s)", list_label(ctx_, "disqualify_reason", text_of(lead_, "disqualify_reason")).c_str());
  }
  if (status == "new" || status == "working") {
    if (ImGui::Button(T("lead.qualify"))) {
      Json reply = ctx_.call("lead.qualify", {{"id", id_}});
      set_message(reply, T("lead.qualified_done"));
      load(id_);
    }
    ImGui::SameLine();
  }
  if (status == "new" || status == "working" || status == "qualified") {
    if (ImGui::Button(T("lead.disqualify"))) {
      disqualify_reason_.clear();
      ImGui::OpenPopup("disqualify");
    }
    ImGui::SameLine();
  }
  if (status == "unqualified" || status == "qualified") {
    if (ImGui::Button(T("lead.reopen"))) {
      Json reply = ctx_.call("lead.reopen", {{"id", id_}});
      set_message(reply, T("lead.reopened_done"));
      load(id_);
    }
    ImGui::SameLine();
  }
  if (status == "qualified") {
    if (ImGui::Button(T("lead.convert"))) {
      convert_preview_ = ctx_.core.call("lead.convert_preview", {{"id", id_}});
      // Existing matches are offered first: preselect the best ones.
      contact_choice_ = convert_preview_["candidates"]["contacts"].empty() ? 0 : 1;
      const Json& companies = convert_preview_["candidates"]["companies"];
      company_choice_ = !companies.empty() ? 2 : (text_of(lead_, "company").empty() ? 1 : 0);
      ImGui::OpenPopup("convert");
    }
  }
  ImGui::NewLine();

  if (ImGui::BeginPopup("disqualify")) {
    ImGui::TextUnformatted(T("lead.disqualify_reason"));
    for (const auto& item : ctx_.list_values("disqualify_reason")) {
      std::string key = item["key"].get<std::string>();
      std::string label = item[current_language() == Language::tr ? "label_tr" : "label_en"].get<std::string>();
      if (ImGui::Selectable(label.c_str(), disqualify_reason_ == key, ImGuiSelectableFlags_DontClosePopups)) {
        disqualify_reason_ = key;
      }
    }
    ImGui::BeginDisabled(disqualify_reason_.empty());
    if (ImGui::Button((std::string(T("lead.disqualify")) + "##confirm").c_str())) {
      Json reply = ctx_.call("lead.disqualify", {{"id", id_}, {"reason", disqualify_reason_}});
      set_message(reply, T("lead.disqualified_done"));
      load(id_);
      ImGui::CloseCurrentPopup();
    }
    ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button(T("form.cancel"))) ImGui::CloseCurrentPopup();
    ImGui::EndPopup();
  }
  draw_convert_dialog();
}

void LeadForm::draw_convert_dialog() {
  if (!ImGui::BeginPopup("convert")) return;
  const float scale = ImGui::GetFontSize() / 15.0f;
  ImGui::TextUnformatted(T("convert.title"));
  ImGui::Separator();
  const Json& contacts = convert_preview_["candidates"]["contacts"];
  const Json& companies = convert_preview_["candidates"]["companies"];
  auto reasons_text = [](const Json& c) {
    std::string out;
    for (const auto& r : c["reasons"]) out += (out.empty() ? "" : ", ") + std::string(T("reason." + r.get<std::string>()));
    return out;
  };
  ImGui::TextDisabled("%s", T("convert.contact"));
  int i = 1;
  for (const auto& c : contacts) {
    std::string label = std::string(T("convert.link")) + ": " + c["label"].get<std::string>() + "  (" +
                        std::to_string(static_cast<int>(std::lround(c["score"].get<double>() * 100))) + "%, " +
                        reasons_text(c) + ")##contact" + std::to_string(i);
    ImGui::RadioButton(label.c_str(), &contact_choice_, i++);
  }
  std::string new_contact = std::string(T("convert.new_contact")) + ": " + text_of(lead_, "name") + "##contact0";
  ImGui::RadioButton(new_contact.c_str(), &contact_choice_, 0);
  ImGui::Spacing();
  ImGui::TextDisabled("%s", T("convert.company"));
  i = 2;
  for (const auto& c : companies) {
    std::string label = std::string(T("convert.link")) + ": " + c["label"].get<std::string>() + "  (" +
                        reasons_text(c) + ")##company" + std::to_string(i);
    ImGui::RadioButton(label.c_str(), &company_choice_, i++);
  }
  if (!text_of(lead_, "company").empty()) {
    std::string new_company = std::string(T("convert.new_company")) + ": " + text_of(lead_, "company") + "##company0";
    ImGui::RadioButton(new_company.c_str(), &company_choice_, 0);
  }
  ImGui::RadioButton((std::string(T("convert.no_company")) + "##company1").c_str(), &company_choice_, 1);
  ImGui::Spacing();
  ImGui::Checkbox(T("convert.open_deal"), &open_deal_);
  if (open_deal_) {
    ImGui::SetNextItemWidth(120 * scale);
    ImGui::InputTextWithHint((std::string("##") + T("deals.amount")).c_str(), T("deals.amount"), &deal_amount_);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(60 * scale);
    ImGui::InputText((std::string("##") + T("deals.currency")).c_str(), &deal_currency_);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(120 * scale);
    ImGui::InputTextWithHint((std::string("##") + T("deals.expected_close")).c_str(), "2027-01-31", &deal_close_);
  }
  ImGui::Spacing();
  if (ImGui::Button((std::string(T("lead.convert")) + "##confirm").c_str(), ImVec2(140 * scale, 0))) {
    Json args = {{"id", id_}};
    args["contact"] = contact_choice_ == 0 ? Json{{"mode", "new"}}
                                           : Json{{"mode", "link"}, {"id", contacts[contact_choice_ - 1]["id"]}};
    args["company"] = company_choice_ == 0   ? Json{{"mode", "new"}}
                      : company_choice_ == 1 ? Json{{"mode", "none"}}
                                             : Json{{"mode", "link"}, {"id", companies[company_choice_ - 2]["id"]}};
    // The user saw the matches and chose: creating anyway is their decision.
    args["allow_duplicates"] = true;
    if (open_deal_) {
      Json deal = {{"currency", deal_currency_}};
      std::string digits;
      bool number = !deal_amount_.empty();
      int decimals = -1;
      for (char c : deal_amount_) {
        if (c >= '0' && c <= '9') {
          digits += c;
          if (decimals >= 0) ++decimals;
        } else if ((c == ',' || c == '.') && decimals < 0) {
          decimals = 0;
        } else if (c != ' ') {
          number = false;
        }
      }
      if (number && !digits.empty() && digits.size() < 16 && decimals <= 2) {
        int64_t minor = std::stoll(digits);
        for (int i = std::max(decimals, 0); i < 2; ++i) minor *= 10;
        deal["amount"] = minor;
      } else if (!deal_amount_.empty()) {
        deal["amount"] = deal_amount_;  // refused by the core with a message naming deal.amount
      }
      if (!deal_close_.empty()) deal["expected_close"] = deal_close_;
      args["deal"] = deal;
    }
    Json reply = ctx_.call("lead.convert", args);
    std::string done = T("convert.done");
    if (!is_error(reply) && !reply["conflicts"].empty()) {
      done += " · " + std::string(T("booth.conflicts"));
      for (const auto& c : reply["conflicts"]) {
        done += " " + std::string(T("field." + c["field"].get<std::string>())) + ": " + c["existing"].get<std::string>() +
                " ≠ " + c["lead"].get<std::string>() + ";";
      }
    }
    set_message(reply, done);
    load(id_);
    ImGui::CloseCurrentPopup();
  }
  ImGui::SameLine();
  if (ImGui::Button(T("form.cancel"))) ImGui::CloseCurrentPopup();
  ImGui::EndPopup();
}

void LeadForm::draw_converted() {
  ImGui::TextColored(ImVec4(0.55f, 0.8f, 1, 1), "%s", T("lead.converted_note"));
  for (const auto& f : kTextFields) {
    std::string value = text_of(lead_, f.name);
    if (value.empty()) continue;
    ImGui::TextDisabled("%s:", T(std::string("field.") + f.name));
    ImGui::SameLine();
    ImGui::TextUnformatted(value.c_str());
  }
  ImGui::Separator();
  std::string contact_id = text_of(lead_, "contact_id"), company_id = text_of(lead_, "company_id");
  if (!contact_id.empty()) {
    Json contact = ctx_.read("contact.get", {{"id", contact_id}});
    std::string label = std::string(T("link.contact")) + ": " + text_of(contact, "name");
    if (!is_error(contact) && ImGui::Button(label.c_str()) && on_open) on_open("contact", contact_id);
  }
  if (!company_id.empty()) {
    Json company = ctx_.read("company.get", {{"id", company_id}});
    std::string label = std::string(T("link.company")) + ": " + text_of(company, "name");
    if (!is_error(company) && ImGui::Button(label.c_str()) && on_open) on_open("company", company_id);
  }
}

void LeadForm::draw_duplicates() {
  // Re-check only when what is typed (or the data) changed.
  Json record = Json::object();
  for (const auto& f : kTextFields) record[f.name] = values_[f.name];
  std::string key = record.dump();
  bool typed = !values_["name"].get_ref<const std::string&>().empty() ||
               !values_["company"].get_ref<const std::string&>().empty() ||
               !values_["email"].get_ref<const std::string&>().empty() ||
               !values_["phone"].get_ref<const std::string&>().empty();
  if (key != checked_key_ || checked_version_ != ctx_.core.data_version()) {
    checked_key_ = key;
    checked_version_ = ctx_.core.data_version();
    candidates_ = Json::array();
    if (typed) {
      Json args = {{"record", record}, {"limit", 5}};
      if (!id_.empty()) args = {{"id", id_}, {"limit", 5}};
      Json reply = ctx_.core.call("lead.duplicates", args);
      if (!is_error(reply)) candidates_ = reply["candidates"];
    }
  }
  if (candidates_.empty()) {
    if (booth_) ImGui::TextDisabled("%s", T("dup.none"));
    return;
  }
  if (!booth_) ImGui::Separator();
  ImGui::TextColored(ImVec4(1, 0.75f, 0.35f, 1), "%s", T("dup.title"));
  int index = 0;
  for (const auto& c : candidates_) {
    ImGui::PushID(index);
    std::string entity = c["entity"].get<std::string>();
    std::string reasons;
    for (const auto& r : c["reasons"]) reasons += (reasons.empty() ? "" : ", ") + std::string(T("reason." + r.get<std::string>()));
    ImGui::Text("%s  %s", T("entity." + entity), c["label"].get<std::string>().c_str());
    ImGui::TextDisabled("   %d%% · %s", static_cast<int>(std::lround(c["score"].get<double>() * 100)), reasons.c_str());
    bool attachable = entity == "lead" && c["record"]["status"] != "converted";
    if (attachable && id_.empty()) {
      ImGui::SameLine();
      std::string label = index == 0 ? std::string(T("dup.attach")) + " (F2)" : std::string(T("dup.attach"));
      if (ImGui::SmallButton(label.c_str())) attach_to(c);
    } else if (attachable && !id_.empty()) {
      ImGui::SameLine();
      if (ImGui::SmallButton(T("dup.merge_here"))) {
        Json reply = ctx_.call("lead.merge", {{"into", id_}, {"from", c["id"]}});
        set_message(reply, T("dup.merged"));
        load(id_);
      }
    }
    ImGui::PopID();
    ++index;
  }
  // One key for the busy booth: F2 attaches to the best match.
  if (id_.empty() && ImGui::IsKeyPressed(ImGuiKey_F2, false)) {
    for (const auto& c : candidates_) {
      if (c["entity"] == "lead" && c["record"]["status"] != "converted") {
        attach_to(c);
        break;
      }
    }
  }
}

void LeadForm::draw() {
  const float scale = ImGui::GetFontSize() / 15.0f;
  if (booth_) draw_booth_header();
  ImGui::TextUnformatted(id_.empty() ? (booth_ ? T("booth.visitor") : T("form.new")) : T("form.edit"));
  if (!id_.empty()) {
    const char* label = T("form.new_button");
    float button = ImGui::CalcTextSize(label).x + ImGui::GetStyle().FramePadding.x * 2;
    ImGui::SameLine(ImGui::GetWindowContentRegionMax().x - button);
    if (ImGui::SmallButton(label)) clear();
  }
  ImGui::Separator();

  if (text_of(lead_, "status") == "converted") {
    draw_converted();
  } else {
    bool enter_pressed = false;
    draw_fields(enter_pressed);
    if (enter_pressed) save_requested_ = true;
    ImGui::Spacing();
    draw_actions();
    if (ImGui::IsWindowFocused(ImGuiFocusedFlags_RootAndChildWindows) && ImGui::IsKeyPressed(ImGuiKey_Escape, false) &&
        !ImGui::IsPopupOpen("", ImGuiPopupFlags_AnyPopupId)) {
      clear();
    }
  }

  if (!message_.empty()) {
    ImVec4 colour = message_is_error_ ? ImVec4(1, 0.45f, 0.45f, 1) : ImVec4(0.5f, 0.85f, 0.55f, 1);
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(colour, "%s", message_.c_str());
    ImGui::PopTextWrapPos();
    if (!message_is_error_) {
      ImGui::SameLine();
      ImGui::TextDisabled("%s", ctx_.platform.is_durable(message_ticket_) ? "✓" : T("status.saving"));
    }
  }
  if (text_of(lead_, "status") != "converted") draw_lifecycle();
  if (!booth_ && text_of(lead_, "status") != "converted") draw_duplicates();
  // Calls and meetings about a lead are planned here too, so nothing waits for conversion.
  if (!booth_ && !id_.empty()) activities_.draw("lead", id_);
  ImGui::Spacing();
  ImGui::TextDisabled("%s", booth_ ? T("booth.hint") : T("form.hint"));
  (void)scale;
}

}  // namespace kervan::ui
