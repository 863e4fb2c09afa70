#include "ui/dashboard_view.hpp"

#include <imgui.h>
#include <misc/cpp/imgui_stdlib.h>

#include <chrono>
#include <cstdio>
#include <vector>

#include "core/clock.hpp"
#include "ui/charts.hpp"
#include "ui/i18n.hpp"
#include "ui/item_registry.hpp"
#include "ui/money.hpp"

namespace kervan::ui {
namespace {

// Past forecasts listed in the history section (and all it asks the core for).
constexpr int kHistoryShown = 6;

constexpr const char* kPeriods[] = {"this_month", "last_month", "this_quarter", "last_quarter", "this_year", "custom"};

std::string text_of(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

int64_t count_of(const Json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_number() ? it->get<int64_t>() : 0;
}

// A Money object {"amount", "currency"} as text; "—" when absent (null average, no data).
std::string money(const Json& m) {
  if (!m.is_object() || !m["amount"].is_number()) return "—";
  return format_money(m["amount"].get<int64_t>(), text_of(m, "currency"));
}

double amount_of(const Json& m) { return m.is_object() && m["amount"].is_number() ? m["amount"].get<double>() : 0; }

// A rate 0..1 as "42 %" ("%42" in Turkish); "—" when null (nothing to divide by).
std::string percent(const Json& rate) {
  if (!rate.is_number()) return "—";
  char text[32];
  std::snprintf(text, sizeof text, current_language() == Language::tr ? "%%%.0f" : "%.0f %%", rate.get<double>() * 100);
  return text;
}

std::string localized(const Json& row, const char* en, const char* tr) {
  std::string t = text_of(row, tr);
  return current_language() == Language::tr && !t.empty() ? t : text_of(row, en);
}

// The reply's explanation when it has nothing to show; true when it was drawn.
bool draw_empty(const Json& reply) {
  if (is_error(reply)) {
    ImGui::TextColored(ImVec4(1, 0.45f, 0.45f, 1), "%s", error_message(reply).c_str());
    return true;
  }
  if (!reply["empty"].is_string()) return false;
  ImGui::TextDisabled("%s", T("dash.empty." + reply["empty"].get<std::string>()));
  return true;
}

void draw_unconverted(const Json& reply) {
  if (!reply.contains("unconverted") || reply["unconverted"].empty()) return;
  std::string list;
  for (const auto& u : reply["unconverted"]) list += (list.empty() ? "" : ", ") + money(u["amount"]);
  ImGui::TextColored(ImVec4(0.95f, 0.7f, 0.35f, 1), "%s %s", T("dash.unconverted"), list.c_str());
}

void section(const char* key) {
  ImGui::Spacing();
  ImGui::SeparatorText(T(key));
}

}  // namespace

Json DashboardView::period_args() const {
  // A half-typed range is not asked for: the figures stay on this month until both dates are typed.
  if (period_ == "custom" && from_.size() == 10 && to_.size() == 10) {
    return Json{{"period", "custom"}, {"from", from_}, {"to", to_}};
  }
  return Json{{"period", period_ == "custom" ? "this_month" : period_}};
}

Json DashboardView::report(const char* name, Json args) {
  args["utc_offset_minutes"] = ctx_.platform.utc_offset_minutes();
  if (!owner_.empty()) args["owner"] = owner_;
  return figures(name, args);
}

Json DashboardView::figures(const char* name, const Json& args) {
  // Half a frame for the reports: the rest of the frame draws them.
  constexpr auto kBudget = std::chrono::milliseconds(8);
  const uint64_t version = ctx_.core.data_version();
  Figures& f = figures_[std::string(name) + '\x1f' + args.dump()];
  f.used_frame = frame_;
  const bool computed = !f.reply.is_null();
  if (computed && f.version == version) return f.reply;
  // The first report of a frame is always computed, so every frame makes progress.
  if (!computed_this_frame_ || std::chrono::steady_clock::now() - frame_start_ < kBudget) {
    f.reply = ctx_.core.call(name, args);
    f.version = version;
    computed_this_frame_ = true;
    return f.reply;
  }
  ctx_.platform.request_redraw();
  return computed ? f.reply : Json{{"empty", "calculating"}};
}

void DashboardView::snapshot_if_month_turned() {
  int64_t now = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  std::string month = format_iso8601(now + static_cast<int64_t>(ctx_.platform.utc_offset_minutes()) * 60000).substr(0, 7);
  if (month == checked_month_) return;
  checked_month_ = month;
  ctx_.call("report.snapshot", {{"if_month_turned", true}, {"utc_offset_minutes", ctx_.platform.utc_offset_minutes()}});
}

void DashboardView::draw_filters(const Json& team) {
  const float scale = ImGui::GetFontSize() / 15.0f;
  ImGui::SetNextItemWidth(150 * scale);
  if (ImGui::BeginCombo("##period", T(std::string("period.") + period_))) {
    for (const char* p : kPeriods) {
      if (ImGui::Selectable(T(std::string("period.") + p), period_ == p)) period_ = p;
    }
    ImGui::EndCombo();
  }
  if (period_ == "custom") {
    ImGui::SameLine();
    ImGui::SetNextItemWidth(110 * scale);
    ImGui::InputTextWithHint("##period_from", "2026-01-01", &from_);
    ImGui::SameLine();
    ImGui::SetNextItemWidth(110 * scale);
    ImGui::InputTextWithHint("##period_to", "2026-03-31", &to_);
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(160 * scale);
  std::string shown = owner_.empty() ? std::string(T("deals.all_owners")) : owner_;
  bool open = ImGui::BeginCombo("##dashboard_owner", shown.c_str());
  if (!open) item_registry_label_last_item("##dashboard_owner");
  if (open) {
    if (ImGui::Selectable(T("deals.all_owners"), owner_.empty())) owner_.clear();
    if (team.contains("owners")) {
      for (const auto& row : team["owners"]) {
        std::string owner = text_of(row, "owner");
        std::string label = (owner.empty() ? std::string(T("dash.unassigned")) : owner) + "##dash_owner";
        if (ImGui::Selectable(label.c_str(), owner_ == owner) && !owner.empty()) owner_ = owner;
      }
    }
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(110 * scale);
  ImGui::SliderInt("##months", &months_, 1, 24, T("dash.months_format"));
  Json inputs = team.value("inputs", Json::object());
  if (inputs.contains("from")) {
    ImGui::SameLine();
    ImGui::TextDisabled("%s – %s · %s", text_of(inputs, "from").c_str(), text_of(inputs, "to").c_str(),
                        text_of(team, "base_currency").c_str());
  }
}

void DashboardView::draw_results(const Json& results, const Json& pipeline) {
  section("dash.results");
  if (draw_empty(results)) return;
  const float scale = ImGui::GetFontSize() / 15.0f;
  float tile_w = 170 * scale;
  float right_edge = ImGui::GetCursorScreenPos().x + ImGui::GetContentRegionAvail().x;
  auto next = [&](bool first) {
    if (!first && ImGui::GetItemRectMax().x + 24 * scale + tile_w <= right_edge) ImGui::SameLine(0, 24 * scale);
  };
  const Json& won = results["won"];
  const Json& lost = results["lost"];
  charts::tile("won", T("dash.won"), money(won["amount"]), std::to_string(count_of(won, "count")) + " " + T("dash.deals"), charts::kWon);
  next(false);
  charts::tile("lost", T("dash.lost"), money(lost["amount"]), std::to_string(count_of(lost, "count")) + " " + T("dash.deals"), charts::kLost);
  next(false);
  charts::tile("win_rate", T("dash.win_rate"), percent(results["win_rate"]), T("dash.win_rate_note"));
  next(false);
  charts::tile("average_won", T("dash.average_won"), money(results["average_won"]), "");
  next(false);
  std::string cycle = "—";
  if (results["average_cycle_days"].is_number()) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f %s", results["average_cycle_days"].get<double>(), T("dash.days"));
    cycle = text;
  }
  charts::tile("cycle", T("dash.average_cycle"), cycle, T("dash.cycle_note"));
  if (!is_error(pipeline) && pipeline.contains("totals")) {
    next(false);
    const Json& t = pipeline["totals"];
    charts::tile("open_pipeline", T("dash.open_pipeline"), money(t["amount"]),
                 std::string(T("deals.weighted")) + ": " + money(t["weighted"]));
  }
  if (!results["lost_reasons"].empty()) {
    ImGui::TextDisabled("%s", T("dash.lost_reasons"));
    std::vector<charts::Bar> bars;
    for (const auto& r : results["lost_reasons"]) {
      bars.push_back({localized(r, "label_en", "label_tr"), static_cast<double>(count_of(r, "count")),
                      std::to_string(count_of(r, "count")) + " · " + money(r["amount"]), charts::kLost});
    }
    charts::horizontal_bars("lost_reasons", bars);
  }
  draw_unconverted(results);
}

void DashboardView::draw_pipeline(const Json& pipeline) {
  section("dash.pipeline");
  if (draw_empty(pipeline)) return;
  for (const auto& p : pipeline["pipelines"]) {
    ImGui::TextUnformatted(localized(p, "name", "name_tr").c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("%lld · %s · %s %s", static_cast<long long>(count_of(p, "open_count")), money(p["amount"]).c_str(),
                        T("deals.weighted"), money(p["weighted"]).c_str());
    std::vector<charts::Bar> bars;
    for (const auto& s : p["stages"]) {
      std::string text = std::to_string(count_of(s, "open_count")) + " · " + money(s["amount"]) + " (" +
                         T("deals.weighted") + " " + money(s["weighted"]) + ")";
      if (count_of(s, "stale_count")) text += " · " + std::to_string(count_of(s, "stale_count")) + " " + T("deals.stale");
      if (count_of(s, "without_next_step_count")) {
        text += " · " + std::to_string(count_of(s, "without_next_step_count")) + " " + T("dash.no_step_short");
      }
      bars.push_back({localized(s, "name", "name_tr") + " %" + std::to_string(count_of(s, "probability")),
                      amount_of(s["amount"]), text, charts::kAmount, amount_of(s["weighted"])});
    }
    charts::horizontal_bars(("pipeline:" + text_of(p, "id")).c_str(), bars, 170);
  }
  draw_unconverted(pipeline);
}

void DashboardView::draw_forecast(const Json& forecast) {
  section("dash.forecast");
  if (draw_empty(forecast)) return;
  std::vector<std::string> months;
  charts::Series unweighted{T("dash.unweighted"), charts::kAmount, {}}, weighted{T("deals.weighted"), charts::kWeighted, {}},
      won{T("dash.won"), charts::kWon, {}};
  for (const auto& m : forecast["months"]) {
    months.push_back(text_of(m, "month"));
    unweighted.values.push_back(amount_of(m["unweighted"]));
    weighted.values.push_back(amount_of(m["weighted"]));
    won.values.push_back(amount_of(m["won"]));
  }
  std::string currency = text_of(forecast, "base_currency");
  const Json& rows = forecast["months"];
  charts::grouped_columns(
      "forecast", months, {unweighted, weighted, won}, 190, [&](double v) { return charts::short_amount(v, currency); },
      [&](std::size_t c, std::size_t s) {
        const Json& m = rows[c];
        const char* key = s == 0 ? "unweighted" : s == 1 ? "weighted" : "won";
        return text_of(m, "month") + ": " + money(m[key]) + " (" + std::to_string(count_of(m, s == 2 ? "won_count" : "open_count")) +
               " " + T("dash.deals") + ")";
      });
  const Json& overdue = forecast["overdue"];
  if (count_of(overdue, "count")) {
    ImGui::TextColored(ImVec4(1, 0.6f, 0.35f, 1), "%s: %lld · %s (%s %s)", T("dash.overdue"),
                       static_cast<long long>(count_of(overdue, "count")), money(overdue["unweighted"]).c_str(),
                       T("deals.weighted"), money(overdue["weighted"]).c_str());
  }
  const Json& undated = forecast["without_expected_close"];
  if (count_of(undated, "count")) {
    ImGui::TextColored(ImVec4(0.95f, 0.85f, 0.4f, 1), "%s: %lld · %s", T("dash.undated"),
                       static_cast<long long>(count_of(undated, "count")), money(undated["unweighted"]).c_str());
  }
  const Json& later = forecast["later"];
  if (count_of(later, "count")) {
    ImGui::TextDisabled("%s: %lld · %s", T("dash.later"), static_cast<long long>(count_of(later, "count")),
                        money(later["unweighted"]).c_str());
  }
  draw_unconverted(forecast);
}

void DashboardView::draw_team(const Json& team) {
  section("dash.team");
  if (draw_empty(team)) return;
  ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp;
  if (!ImGui::BeginTable("team", 10, flags)) return;
  const char* headers[] = {"field.owner", "dash.won", "dash.won_amount", "dash.lost", "dash.win_rate",
                           "dash.average_won", "dash.leads_captured", "dash.leads_qualified", "dash.leads_converted",
                           "dash.activities"};
  for (const char* h : headers) ImGui::TableSetupColumn(T(h));
  ImGui::TableHeadersRow();
  auto row = [&](const Json& r, const std::string& name, bool total) {
    ImGui::TableNextRow();
    ImGui::TableNextColumn();
    if (total) {
      ImGui::TextUnformatted(name.c_str());
    } else if (ImGui::Selectable((name + "##team_row").c_str(), owner_ == text_of(r, "owner"),
                                 ImGuiSelectableFlags_SpanAllColumns)) {
      // A click shows that person everywhere; a second click shows everyone again.
      owner_ = owner_ == text_of(r, "owner") ? "" : text_of(r, "owner");
    }
    ImGui::TableNextColumn();
    ImGui::Text("%lld", static_cast<long long>(count_of(r["won"], "count")));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(money(r["won"]["amount"]).c_str());
    ImGui::TableNextColumn();
    ImGui::Text("%lld", static_cast<long long>(count_of(r["lost"], "count")));
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(percent(r["win_rate"]).c_str());
    ImGui::TableNextColumn();
    ImGui::TextUnformatted(money(r["average_won"]).c_str());
    const Json& leads = r["leads"];
    for (const char* k : {"captured", "qualified", "converted"}) {
      ImGui::TableNextColumn();
      ImGui::Text("%lld", static_cast<long long>(count_of(leads, k)));
    }
    ImGui::TableNextColumn();
    const Json& acts = r["activities"];
    ImGui::Text("%lld ✓", static_cast<long long>(count_of(acts, "completed")));
    if (count_of(acts, "overdue")) {
      ImGui::SameLine();
      ImGui::TextColored(ImVec4(1, 0.55f, 0.4f, 1), "%lld %s", static_cast<long long>(count_of(acts, "overdue")), T("dash.overdue_short"));
    }
  };
  for (const auto& r : team["owners"]) {
    std::string owner = text_of(r, "owner");
    row(r, owner.empty() ? std::string(T("dash.unassigned")) : owner, false);
  }
  if (team.contains("totals")) row(team["totals"], T("dash.total"), true);
  ImGui::EndTable();
}

void DashboardView::draw_funnel(const Json& funnel) {
  section("dash.funnel");
  if (draw_empty(funnel)) return;
  const Json& t = funnel["totals"];
  const Json& rates = t["rates"];
  std::vector<charts::Bar> bars = {
      {T("dash.leads_captured"), static_cast<double>(count_of(t, "captured")), std::to_string(count_of(t, "captured")), charts::kAmount},
      {T("dash.leads_qualified"), static_cast<double>(count_of(t, "qualified")),
       std::to_string(count_of(t, "qualified")) + " · " + percent(rates["qualified"]), charts::kWeighted},
      {T("dash.leads_converted"), static_cast<double>(count_of(t, "converted")),
       std::to_string(count_of(t, "converted")) + " · " + percent(rates["converted"]), charts::kWeighted},
      {T("dash.leads_won"), static_cast<double>(count_of(t, "leads_won")),
       std::to_string(count_of(t, "leads_won")) + " · " + percent(rates["won"]) + " · " + money(t["won"]), charts::kWon}};
  charts::horizontal_bars("funnel", bars);
  ImGui::TextDisabled("%s %s", T("dash.overall"), percent(rates["overall"]).c_str());
  // Per event (trade shows) and per source: what each brought in.
  auto breakdown = [&](const char* id, const Json& rows, const char* name_key) {
    if (rows.empty()) return;
    ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp;
    if (!ImGui::BeginTable(id, 6, flags)) return;
    ImGui::TableSetupColumn(T(name_key));
    for (const char* h : {"dash.leads_captured", "dash.leads_qualified", "dash.leads_converted", "dash.deals_won", "dash.won_amount"}) {
      ImGui::TableSetupColumn(T(h));
    }
    ImGui::TableHeadersRow();
    for (const auto& r : rows) {
      ImGui::TableNextRow();
      ImGui::TableNextColumn();
      std::string name = std::string(id) == "by_event" ? text_of(r, "event") : localized(r, "label_en", "label_tr");
      if (name.empty()) name = std::string(id) == "by_event" ? T("dash.no_event") : text_of(r, "source");
      if (name.empty()) name = T("dash.no_source");
      ImGui::TextUnformatted(name.c_str());
      for (const char* k : {"captured", "qualified", "converted", "deals_won"}) {
        ImGui::TableNextColumn();
        ImGui::Text("%lld", static_cast<long long>(count_of(r, k)));
      }
      ImGui::TableNextColumn();
      ImGui::TextUnformatted(money(r["won"]).c_str());
    }
    ImGui::EndTable();
  };
  breakdown("by_event", funnel["by_event"], "field.event");
  breakdown("by_source", funnel["by_source"], "field.source");
}

void DashboardView::draw_history(const Json& history) {
  section("dash.history");
  if (ImGui::SmallButton(T("dash.snapshot_now"))) {
    Json reply = ctx_.call("report.snapshot", {{"months", months_}, {"utc_offset_minutes", ctx_.platform.utc_offset_minutes()}});
    message_is_error_ = is_error(reply);
    message_ = message_is_error_ ? error_message(reply) : T("dash.snapshot_taken");
  }
  if (!message_.empty()) {
    ImGui::SameLine();
    ImGui::TextColored(message_is_error_ ? ImVec4(1, 0.45f, 0.45f, 1) : ImVec4(0.5f, 0.85f, 0.55f, 1), "%s", message_.c_str());
  }
  if (draw_empty(history)) return;
  ImGui::TextDisabled("%s", T("dash.history_note"));
  int shown = 0;
  for (const auto& snap : history["snapshots"]) {
    if (shown++ >= kHistoryShown) break;
    std::string title = text_of(snap, "month") + " · " + T(std::string("dash.kind_") + text_of(snap, "kind")) + " · " +
                        format_date_time(text_of(snap, "taken_at"), ctx_.platform.utc_offset_minutes());
    const Json& totals = snap["past_totals"];
    if (totals.is_object() && totals["accuracy"].is_number()) {
      title += " · " + std::string(T("dash.accuracy")) + " " + percent(totals["accuracy"]);
    }
    if (!snap.value("comparable", true)) title += std::string(" · ") + T("dash.not_comparable");
    if (!ImGui::TreeNodeEx((title + "##" + text_of(snap, "id")).c_str(), shown == 1 ? ImGuiTreeNodeFlags_DefaultOpen : 0)) continue;
    std::vector<std::string> months;
    charts::Series expected{T("dash.expected"), charts::kWeighted, {}}, actual{T("dash.actual"), charts::kWon, {}};
    for (const auto& m : snap["months"]) {
      months.push_back(text_of(m, "month"));
      expected.values.push_back(amount_of(m["expected"]));
      actual.values.push_back(text_of(m, "state") == "future" ? -1 : amount_of(m["actual_won"]));
    }
    std::string currency = text_of(history, "base_currency");
    charts::line_chart(("history:" + text_of(snap, "id")).c_str(), months, {expected, actual}, 150,
                       [&](double v) { return charts::short_amount(v, currency); });
    ImGui::TreePop();
  }
}

void DashboardView::draw() {
  ++frame_;
  frame_start_ = std::chrono::steady_clock::now();
  computed_this_frame_ = false;
  // Replies of periods and owners no longer looked at are dropped once there are many.
  if (figures_.size() > 64) std::erase_if(figures_, [&](const auto& e) { return e.second.used_frame + 1 < frame_; });
  Json team = report("report.team", period_args());
  // The owner list comes from everyone's figures, whoever is being looked at.
  Json everyone = period_args();
  everyone["utc_offset_minutes"] = ctx_.platform.utc_offset_minutes();
  draw_filters(owner_.empty() ? team : figures("report.team", everyone));
  ImGui::BeginChild("dashboard_scroll", ImVec2(0, 0), false);
  Json pipeline = report("report.pipeline", Json::object());
  Json results = report("report.results", period_args());
  Json forecast = report("report.forecast", {{"months", months_}});
  draw_results(results, pipeline);
  if (ImGui::BeginTable("dashboard_columns", 2, ImGuiTableFlags_SizingStretchSame)) {
    ImGui::TableNextColumn();
    draw_pipeline(pipeline);
    ImGui::TableNextColumn();
    draw_forecast(forecast);
    ImGui::EndTable();
  }
  draw_team(team);
  if (ImGui::BeginTable("dashboard_columns_2", 2, ImGuiTableFlags_SizingStretchSame)) {
    ImGui::TableNextColumn();
    draw_funnel(report("report.funnel", period_args()));
    ImGui::TableNextColumn();
    draw_history(report("report.forecast_history", {{"limit", kHistoryShown}}));
    ImGui::EndTable();
  }
  ImGui::EndChild();
}

}  // namespace kervan::ui
