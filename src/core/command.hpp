// The command vocabulary: every read and write of the core is a command, a name plus a JSON
// object in and a JSON object out. The ImGui views, window.kervan.call and the kervan CLI
// all go through the same CommandRegistry.
#pragma once
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace kervan {

using Json = nlohmann::json;

// {key: from[key], ...} for each key given, which `from` must hold: a reply copying a row's
// fields as they are, built by one loop instead of a list of pairs per call site (download size).
Json pick(const Json& from, std::initializer_list<const char*> keys);

// A refusal a caller can act on: a stable code, a sentence for people and, where one field
// is at fault, its name. Handlers throw it; the dispatcher turns it into {"error": {...}}.
class CommandError : public std::runtime_error {
 public:
  CommandError(std::string code, std::string message, std::string field = {})
      : std::runtime_error(message), code_(std::move(code)), field_(std::move(field)) {}
  const std::string& code() const { return code_; }
  const std::string& field() const { return field_; }
  Json to_json() const;

 private:
  std::string code_;
  std::string field_;
};

class Database;
class HybridClock;
class ChangeLog;

// What a handler may use. Writes run inside a transaction the dispatcher opened.
struct CommandContext {
  Database& db;
  HybridClock& clock;
  ChangeLog& changes;
};

struct CommandSpec {
  std::string name;
  std::string summary;  // one line, for `kervan commands` and app.commands
  bool writes = false;  // runs in a transaction; on success the data version moves on
  std::function<Json(CommandContext&, const Json& args)> run;
};

class CommandRegistry {
 public:
  void add(CommandSpec spec);
  const CommandSpec* find(std::string_view name) const;
  std::vector<const CommandSpec*> all() const;

 private:
  std::map<std::string, CommandSpec, std::less<>> specs_;
};

// Registration of each part of the vocabulary (one per domain file).
void register_app_commands(CommandRegistry& registry);
void register_lead_commands(CommandRegistry& registry);
void register_report_commands(CommandRegistry& registry);   // reports.cpp (report.*)
void register_sync_commands(CommandRegistry& registry);     // sync.cpp (sync.*)
void register_exchange_commands(CommandRegistry& registry); // exchange.cpp (CSV and vCard import/export)

}  // namespace kervan
