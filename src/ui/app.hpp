// The application's top level: menu bar (language, save state) and the leads screen
// (table on the left, form on the right). One instance per page.
#pragma once
#include <memory>

#include "ui/i18n.hpp"
#include "ui/lead_form.hpp"
#include "ui/leads_view.hpp"
#include "ui/ui_context.hpp"

namespace kervan::ui {

class App {
 public:
  App(Core& core, platform::Platform& platform);

  // Draws one frame of the UI (between ImGui::NewFrame and ImGui::Render).
  void draw();

 private:
  UiContext ctx_;
  LeadsView leads_;
  LeadForm form_;

  void draw_menu_bar();
  void handle_shortcuts();
  void switch_language(Language language);
};

}  // namespace kervan::ui
