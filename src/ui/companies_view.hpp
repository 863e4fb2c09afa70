// Companies: a table (search, sort) and a detail panel to create, edit and delete a company
// (asking what happens to its contacts), with its contacts and source leads.
#pragma once
#include <functional>
#include <string>

#include "ui/activity_panel.hpp"
#include "ui/record_table.hpp"

namespace kervan::ui {

class CompaniesView {
 public:
  explicit CompaniesView(UiContext& ctx);
  void draw();
  void open(const std::string& id) { table_.select(id); }
  std::function<void(const std::string& entity, const std::string& id)> on_open;

 private:
  static constexpr const char* kFields[] = {"name", "tax_office", "tax_number", "phone", "website",
                                            "address", "city", "country", "owner"};
  UiContext& ctx_;
  ActivityPanel activities_;
  RecordTable table_;
  std::string loaded_for_ = "\x01";
  Json company_ = Json::object();
  Json values_ = Json::object();
  std::string notes_, tags_;
  std::string message_;
  bool message_is_error_ = false;
  bool confirm_delete_ = false;
  Json duplicates_ = Json::array();

  void load(const std::string& id);
  void save();
  void remove(const char* contacts_mode);
};

}  // namespace kervan::ui
