#include "core/args.hpp"

#include "core/text.hpp"

namespace kervan {

void ArgsReader::allow_only(std::initializer_list<std::string_view> allowed) const {
  allow_only(std::vector<std::string_view>(allowed));
}

void ArgsReader::allow_only(const std::vector<std::string_view>& allowed) const {
  for (const auto& [key, value] : args_.items()) {
    bool known = false;
    for (auto name : allowed) known = known || key == name;
    if (!known) {
      std::string shown(text::cut(key, 60));
      if (shown.size() < key.size()) shown += "...";
      throw CommandError("unknown_field", "Unknown field \"" + shown + "\"", shown);
    }
  }
}

std::string check_text(std::string_view field, std::string_view value, TextRule rule) {
  std::string name(field);
  if (!text::is_valid_utf8(value)) throw CommandError("invalid_utf8", "The field " + name + " is not valid UTF-8", name);
  std::string_view trimmed = text::trim(value);
  std::size_t chars = text::count_code_points(trimmed);
  if (chars > rule.max_chars) {
    throw CommandError("too_long",
                       "The field " + name + " has " + std::to_string(chars) + " characters; at most " +
                           std::to_string(rule.max_chars) + " are allowed",
                       name);
  }
  if (text::has_forbidden_characters(trimmed, rule.multiline)) {
    throw CommandError("invalid_character", "The field " + name + " contains a control or direction-override character",
                       name);
  }
  return std::string(trimmed);
}

std::optional<std::string> ArgsReader::text(std::string_view key, TextRule rule) const {
  auto it = args_.find(key);
  if (it == args_.end()) return std::nullopt;
  if (it->is_null()) return std::string();
  if (!it->is_string()) {
    throw CommandError("wrong_type", "The field " + std::string(key) + " must be text", std::string(key));
  }
  return check_text(key, it->get_ref<const std::string&>(), rule);
}

std::string ArgsReader::required_text(std::string_view key, TextRule rule) const {
  auto value = text(key, rule);
  if (!value || value->empty()) {
    throw CommandError("required", "The field " + std::string(key) + " is required", std::string(key));
  }
  return *value;
}

std::optional<bool> ArgsReader::boolean(std::string_view key) const {
  auto it = args_.find(key);
  if (it == args_.end() || it->is_null()) return std::nullopt;
  if (!it->is_boolean()) {
    throw CommandError("wrong_type", "The field " + std::string(key) + " must be true or false", std::string(key));
  }
  return it->get<bool>();
}

std::optional<int64_t> ArgsReader::integer(std::string_view key, int64_t min, int64_t max) const {
  auto it = args_.find(key);
  if (it == args_.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer()) {
    throw CommandError("wrong_type", "The field " + std::string(key) + " must be a whole number", std::string(key));
  }
  int64_t value = it->is_number_unsigned() && it->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)
                      ? INT64_MAX
                      : it->get<int64_t>();
  if (value < min || value > max) {
    throw CommandError("out_of_range",
                       "The field " + std::string(key) + " must be between " + std::to_string(min) + " and " +
                           std::to_string(max),
                       std::string(key));
  }
  return value;
}

}  // namespace kervan
