#include "core/command.hpp"

namespace kervan {

Json pick(const Json& from, std::initializer_list<const char*> keys) {
  Json out = Json::object();
  for (const char* key : keys) out[key] = from.at(key);
  return out;
}

Json CommandError::to_json() const {
  Json error = {{"code", code_}, {"message", what()}};
  if (!field_.empty()) error["field"] = field_;
  return Json{{"error", error}};
}

void CommandRegistry::add(CommandSpec spec) {
  std::string name = spec.name;
  specs_[name] = std::move(spec);
}

const CommandSpec* CommandRegistry::find(std::string_view name) const {
  auto it = specs_.find(name);
  return it == specs_.end() ? nullptr : &it->second;
}

std::vector<const CommandSpec*> CommandRegistry::all() const {
  std::vector<const CommandSpec*> out;
  for (const auto& [name, spec] : specs_) out.push_back(&spec);
  return out;
}

}  // namespace kervan
