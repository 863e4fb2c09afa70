// Contacts: a table (search, sort) and a detail panel to create, edit and delete a contact,
// with its company and the leads it came from.
#pragma once
#include <functional>
#include <string>

#include "ui/activity_panel.hpp"
#include "ui/record_table.hpp"

namespace kervan::ui {

class ContactsView {
 public:
  explicit ContactsView(UiContext& ctx);
  void draw();
  void open(const std::string& id) { table_.select(id); }
  std::function<void(const std::string& entity, const std::string& id)> on_open;

 private:
  UiContext& ctx_;
  ActivityPanel activities_;
  RecordTable table_;
  std::string loaded_for_ = "\x01";
  Json contact_ = Json::object();
  std::string name_, title_, emails_, phones_, owner_, notes_, tags_, company_id_;
  std::string company_filter_;
  std::string message_;
  bool message_is_error_ = false;
  bool confirm_delete_ = false;
  Json duplicates_ = Json::array();

  void load(const std::string& id);
  void save();
};

}  // namespace kervan::ui
