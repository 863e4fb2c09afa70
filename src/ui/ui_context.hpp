// What every view gets: the core (all data goes through its commands) and the platform.
#pragma once
#include <map>
#include <string>
#include <string_view>

#include "core/core.hpp"
#include "platform/platform.hpp"

namespace kervan::ui {

inline bool is_error(const Json& reply);

struct UiContext {
  Core& core;
  platform::Platform& platform;
  uint64_t last_persist_ticket = 0;
  std::map<std::string, std::pair<uint64_t, Json>> lists_;

  // The values of an editable list (lead_source, disqualify_reason), reloaded when data changes.
  const Json& list_values(const std::string& list) {
    auto& entry = lists_[list];
    if (entry.first != core.data_version() || entry.second.is_null()) {
      Json reply = core.call("list.get", {{"list", list}});
      entry = {core.data_version(), is_error(reply) ? Json::array() : reply["items"]};
    }
    return entry.second;
  }

  // Runs a command; a write is handed to the platform to persist and the screen redraws.
  Json call(std::string_view name, const Json& args = Json::object()) {
    Json reply = core.call(name, args);
    if (core.last_call_wrote()) last_persist_ticket = platform.persist_soon();
    platform.request_redraw();
    return reply;
  }
};

inline bool is_error(const Json& reply) { return reply.is_object() && reply.contains("error"); }
inline std::string error_message(const Json& reply) {
  return is_error(reply) ? reply["error"].value("message", std::string("error")) : std::string();
}
inline std::string error_field(const Json& reply) {
  return is_error(reply) ? reply["error"].value("field", std::string()) : std::string();
}

}  // namespace kervan::ui
