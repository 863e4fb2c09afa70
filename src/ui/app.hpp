// The application's top level: menu bar (language, save state) and the tabs: leads (table
// and form), booth (fast capture), deals, dashboard, my day, contacts, companies. One instance per page.
#pragma once
#include <string>

#include "ui/companies_view.hpp"
#include "ui/contacts_view.hpp"
#include "ui/dashboard_view.hpp"
#include "ui/data_menu.hpp"
#include "ui/deals_board.hpp"
#include "ui/my_day_view.hpp"
#include "ui/pipelines_editor.hpp"
#include "ui/storage_window.hpp"
#include "ui/i18n.hpp"
#include "ui/lead_form.hpp"
#include "ui/leads_view.hpp"
#include "ui/lists_editor.hpp"
#include "ui/ui_context.hpp"

namespace kervan::ui {

class App {
 public:
  App(Core& core, platform::Platform& platform);

  // Draws one frame of the UI (between ImGui::NewFrame and ImGui::Render).
  void draw();

 private:
  enum class Tab { my_day, leads, booth, deals, dashboard, contacts, companies };

  UiContext ctx_;
  LeadsView leads_;
  LeadForm form_;
  LeadForm booth_;
  ContactsView contacts_;
  CompaniesView companies_;
  ListsEditor lists_;
  DealsBoard deals_;
  MyDayView my_day_;
  DashboardView dashboard_;
  PipelinesEditor pipelines_;
  DataMenu data_;
  StorageWindow storage_;
  Tab tab_ = Tab::leads;
  int switch_to_ = -1;  // a tab to select on the next frame (following a link)

  void draw_menu_bar();
  void draw_leads();
  void handle_shortcuts();
  void switch_language(Language language);
  void open_record(const std::string& entity, const std::string& id);
};

}  // namespace kervan::ui
