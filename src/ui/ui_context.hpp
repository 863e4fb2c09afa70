// What every view gets: the core (all data goes through its commands) and the platform.
#pragma once
#include <string>
#include <string_view>

#include "core/core.hpp"
#include "platform/platform.hpp"

namespace kervan::ui {

struct UiContext {
  Core& core;
  platform::Platform& platform;
  uint64_t last_persist_ticket = 0;

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
