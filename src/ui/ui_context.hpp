// What every view gets: the core (all data goes through its commands) and the platform.
#pragma once
#include <functional>
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
  std::map<std::string, Json> cache_;
  uint64_t cache_version_ = UINT64_MAX;
  Json lead_facets_ = Json::object();  // see lead_facets()
  uint64_t lead_facets_version_ = UINT64_MAX;
  // Shown when a write is refused in a read-only tab (set by the app in the user's language).
  std::string read_only_message = "This tab is read-only: Kervan is open for writing in another tab";

  // A read command's reply, reused until the data changes. Views draw every frame; this
  // keeps the database out of the per-frame path. Returned by value: a later write clears
  // the cache.
  Json read(std::string_view name, const Json& args = Json::object()) {
    if (cache_version_ != core.data_version() || cache_.size() > 256) {
      cache_.clear();
      cache_version_ = core.data_version();
    }
    std::string key = std::string(name) + '\x1f' + args.dump();
    auto it = cache_.find(key);
    if (it == cache_.end()) it = cache_.emplace(std::move(key), core.call(name, args)).first;
    return it->second;
  }

  // lead.facets ({events, owners, tags}: each [{value, count}]), {} after an error. The command
  // reads every lead (about 100-200 ms at 100,000 leads), so views ask for it only on demand
  // (while a filter popup that offers these values is open or one of them is chosen), never
  // per frame or per reload; the reply is kept here, shared by the views, and read again at
  // most once per data version.
  const Json& lead_facets() {
    if (lead_facets_version_ != core.data_version()) {
      Json reply = core.call("lead.facets", Json::object());
      lead_facets_ = is_error(reply) ? Json::object() : std::move(reply);
      lead_facets_version_ = core.data_version();
    }
    return lead_facets_;
  }

  // The values of an editable list (lead_source, disqualify_reason, deal_lost_reason).
  Json list_values(const std::string& list) {
    Json reply = read("list.get", {{"list", list}});
    return is_error(reply) ? Json::array() : reply["items"];
  }

  // Runs a command; a write is handed to the platform to persist and the screen redraws. In a
  // read-only tab (another tab writes) a write is refused before it reaches the database.
  Json call(std::string_view name, const Json& args = Json::object()) {
    if (platform.read_only()) {
      const CommandSpec* spec = core.registry().find(name);
      if (spec && spec->writes) {
        return Json{{"error", {{"code", "read_only"}, {"message", read_only_message}, {"field", "command"}}}};
      }
    }
    Json reply = core.call(name, args);
    if (core.last_call_wrote()) last_persist_ticket = platform.persist_soon();
    platform.request_redraw();
    return reply;
  }

  // sync.export with the document streamed to `sink` (Core::export_sync), under call's rules.
  Json export_sync(const Json& args, const std::function<void(std::string_view)>& sink) {
    return write([&] { return core.export_sync(args, sink); });
  }

  // sync.import of a file's text without copying it into a JSON argument (Core::import_sync_text).
  Json import_sync_text(std::string_view text) {
    return write([&] { return core.import_sync_text(text, false); });
  }

  // A write outside the command table: refused in a read-only tab, persisted, redrawn.
  Json write(const std::function<Json()>& run) {
    if (platform.read_only()) {
      return Json{{"error", {{"code", "read_only"}, {"message", read_only_message}, {"field", "command"}}}};
    }
    Json reply = run();
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
