#include "ui/app.hpp"

#include <imgui.h>

#include <utility>

#include "ui/item_registry.hpp"

namespace kervan::ui {

App::App(Core& core, platform::Platform& platform)
    : ctx_{core, platform, 0, {}, UINT64_MAX}, leads_(ctx_), form_(ctx_, false), booth_(ctx_, true), contacts_(ctx_), companies_(ctx_), lists_(ctx_), deals_(ctx_), my_day_(ctx_), dashboard_(ctx_), pipelines_(ctx_), data_(ctx_), storage_(ctx_) {
  // The saved choice wins; the first start follows the browser's language.
  Json saved = core.call("settings.get", {{"key", "language"}});
  if (!is_error(saved) && saved["value"].is_string()) {
    set_language(language_from_code(saved["value"].get<std::string>()));
  } else {
    set_language(language_from_code(platform.browser_language()));
  }
  auto open = [this](const std::string& entity, const std::string& id) { open_record(entity, id); };
  form_.on_open = open;
  contacts_.on_open = open;
  companies_.on_open = open;
  deals_.on_open = open;
  my_day_.on_open = open;
}

void App::open_record(const std::string& entity, const std::string& id) {
  if (entity == "lead") {
    leads_.select(id);
    switch_to_ = static_cast<int>(Tab::leads);
  } else if (entity == "contact") {
    contacts_.open(id);
    switch_to_ = static_cast<int>(Tab::contacts);
  } else if (entity == "company") {
    companies_.open(id);
    switch_to_ = static_cast<int>(Tab::companies);
  } else if (entity == "deal") {
    deals_.open(id);
    switch_to_ = static_cast<int>(Tab::deals);
  }
  ctx_.platform.request_redraw();
}

void App::switch_language(Language language) {
  set_language(language);
  ctx_.call("settings.set", {{"key", "language"}, {"value", language_code(language)}});
}

void App::handle_shortcuts() {
  ImGuiIO& io = ImGui::GetIO();
  bool ctrl = io.KeyCtrl || io.KeySuper;
  if (ctrl && !io.KeyAlt && ImGui::IsKeyPressed(ImGuiKey_F, false) && tab_ == Tab::leads) leads_.focus_search();
  if (ctrl && !io.KeyAlt && ImGui::IsKeyPressed(ImGuiKey_S, false)) {
    if (tab_ == Tab::leads) form_.request_save();
    if (tab_ == Tab::booth) booth_.request_save();
  }
}

void App::draw_menu_bar() {
  if (!ImGui::BeginMenuBar()) return;
  ImGui::TextUnformatted(T("app.title"));
  ImGui::Separator();
  if (ImGui::BeginMenu(T("menu.language"))) {
    if (ImGui::MenuItem("Türkçe", nullptr, current_language() == Language::tr)) switch_language(Language::tr);
    if (ImGui::MenuItem("English", nullptr, current_language() == Language::en)) switch_language(Language::en);
    ImGui::EndMenu();
  }
  if (ImGui::BeginMenu(T("menu.data"))) {
    data_.draw_items();
    ImGui::EndMenu();
  }
  if (ImGui::MenuItem(T("menu.lists"))) lists_.open();
  if (ImGui::MenuItem(T("menu.pipelines"))) pipelines_.open();
  if (ImGui::MenuItem(T("menu.storage"))) storage_.open();

  // Save state on the right: honest about what is durable.
  std::string state;
  ImVec4 colour(0.6f, 0.8f, 0.6f, 1);
  ctx_.read_only_message = T("status.read_only");
  if (ctx_.platform.read_only()) {
    state = T("status.read_only");
    colour = ImVec4(1, 0.7f, 0.3f, 1);
  } else if (ctx_.platform.storage_mode() == platform::StorageMode::memory) {
    state = T("status.memory_only");
    colour = ImVec4(1, 0.7f, 0.3f, 1);
  } else if (!ctx_.platform.persist_error().empty()) {
    state = std::string(T("status.save_failed")) + ": " + ctx_.platform.persist_error();
    colour = ImVec4(1, 0.45f, 0.45f, 1);
  } else if (!ctx_.platform.is_durable(ctx_.last_persist_ticket)) {
    state = T("status.saving");
    colour = ImVec4(0.9f, 0.85f, 0.5f, 1);
  } else {
    state = T("status.saved");
  }
  if (storage_.export_due()) {
    state = std::string(T("storage.export_due")) + " · " + state;
    if (colour.x < 0.9f) colour = ImVec4(0.95f, 0.8f, 0.4f, 1);
  }
  float width = ImGui::CalcTextSize(state.c_str()).x;
  ImGui::SameLine(ImGui::GetWindowWidth() - width - ImGui::GetStyle().WindowPadding.x * 2);
  ImGui::TextColored(colour, "%s", state.c_str());
  ImGui::EndMenuBar();
}

void App::draw_leads() {
  const float scale = ImGui::GetFontSize() / 15.0f;
  float form_width = std::max(340.0f * scale, ImGui::GetContentRegionAvail().x * 0.36f);
  float table_width = ImGui::GetContentRegionAvail().x - form_width - ImGui::GetStyle().ItemSpacing.x;
  ImGui::BeginChild("leads_panel", ImVec2(table_width, 0));
  leads_.draw();
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("form_panel", ImVec2(0, 0), true);
  form_.show(leads_.selected_id());
  form_.draw();
  bool changed = false;
  std::string selection = form_.take_selection_change(changed);
  if (changed) {
    leads_.select(selection);
    form_.show(selection);
  }
  ImGui::EndChild();
}

void App::draw() {
  const ImGuiViewport* viewport = ImGui::GetMainViewport();
  ImGui::SetNextWindowPos(viewport->WorkPos);
  ImGui::SetNextWindowSize(viewport->WorkSize);
  // No background of its own: the platform clears the screen in the colour it would have had
  // (main_web.cpp). In software WebGL every full-screen pass costs several ms a frame.
  ImGuiWindowFlags flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize |
                           ImGuiWindowFlags_NoSavedSettings | ImGuiWindowFlags_MenuBar |
                           ImGuiWindowFlags_NoBringToFrontOnFocus | ImGuiWindowFlags_NoBackground;
  ImGui::Begin("Kervan", nullptr, flags);
  draw_menu_bar();
  handle_shortcuts();
  if (!ctx_.platform.read_only()) dashboard_.snapshot_if_month_turned();

  if (ImGui::BeginTabBar("tabs")) {
    struct TabDef {
      Tab tab;
      const char* key;
      const char* id;
    };
    const TabDef tabs[] = {{Tab::leads, "tab.leads", "leads"},
                           {Tab::booth, "tab.booth", "booth"},
                           {Tab::deals, "tab.deals", "deals"},
                           {Tab::dashboard, "tab.dashboard", "dashboard"},
                           {Tab::my_day, "tab.my_day", "my_day"},
                           {Tab::contacts, "tab.contacts", "contacts"},
                           {Tab::companies, "tab.companies", "companies"}};
    // A record opened while this frame draws (a link in a view) selects its tab next frame:
    // the tab may come before the view in this loop.
    const int switching = std::exchange(switch_to_, -1);
    for (const auto& t : tabs) {
      ImGuiTabItemFlags tab_flags = switching == static_cast<int>(t.tab) ? ImGuiTabItemFlags_SetSelected : 0;
      std::string label = std::string(T(t.key)) + "###" + t.id;
      bool open = ImGui::BeginTabItem(label.c_str(), nullptr, tab_flags);
      item_registry_label_last_item(label.c_str());
      if (!open) continue;
      if (tab_ != t.tab) {
        tab_ = t.tab;
        if (tab_ == Tab::booth) booth_.focus_first_field();
      }
      switch (t.tab) {
        case Tab::leads: draw_leads(); break;
        case Tab::booth:
          ImGui::BeginChild("booth_panel", ImVec2(std::min(ImGui::GetContentRegionAvail().x * 0.6f, 760.0f * ImGui::GetFontSize() / 15.0f), 0), true);
          booth_.show("");
          booth_.draw();
          ImGui::EndChild();
          ImGui::SameLine();
          ImGui::BeginChild("booth_duplicates", ImVec2(0, 0), true);
          booth_.draw_duplicates();
          ImGui::EndChild();
          break;
        case Tab::deals: deals_.draw(); break;
        case Tab::my_day: my_day_.draw(); break;
        case Tab::dashboard: dashboard_.draw(); break;
        case Tab::contacts: contacts_.draw(); break;
        case Tab::companies: companies_.draw(); break;
      }
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  ImGui::End();
  lists_.draw();
  pipelines_.draw();
  data_.draw();
  storage_.draw();
}

}  // namespace kervan::ui
