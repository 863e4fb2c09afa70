// Reading and checking command arguments. Every check names the field at fault, so the
// caller (a form, a script) can point at it.
#pragma once
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/command.hpp"

namespace kervan {

struct TextRule {
  std::size_t max_chars = 200;  // in code points
  bool multiline = false;       // newlines and tabs allowed (notes)
};

class ArgsReader {
 public:
  explicit ArgsReader(const Json& args) : args_(args) {}

  // Refuses any key not in `allowed` (catches typos like "nmae").
  void allow_only(std::initializer_list<std::string_view> allowed) const;
  void allow_only(const std::vector<std::string_view>& allowed) const;
  bool has(std::string_view key) const { return args_.contains(key); }
  // The value as given (null when absent).
  const Json& raw(std::string_view key) const {
    static const Json null_value;
    auto it = args_.find(key);
    return it == args_.end() ? null_value : *it;
  }
  std::optional<bool> boolean(std::string_view key) const;

  // A text field: absent -> nullopt; present -> trimmed, checked string. Null counts as "".
  std::optional<std::string> text(std::string_view key, TextRule rule = {}) const;
  std::string required_text(std::string_view key, TextRule rule = {}) const;
  std::optional<int64_t> integer(std::string_view key, int64_t min, int64_t max) const;

 private:
  const Json& args_;
};

// Checks a value as a text field would (used where values arrive in other shapes).
std::string check_text(std::string_view field, std::string_view value, TextRule rule);

}  // namespace kervan
