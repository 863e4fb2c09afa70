#include "core/core.hpp"

#include <new>

#include "core/change_log.hpp"
#include "core/database.hpp"
#include "core/deals.hpp"
#include "core/record_types.hpp"
#include "core/schema.hpp"
#include "core/sync_state.hpp"
#include "core/text.hpp"

namespace kervan {
namespace {

std::string read_meta(Database& db, std::string_view key) {
  Statement st(db, "SELECT value FROM meta WHERE key = ?1");
  st.bind(1, key);
  return st.step() ? st.column_text(0) : std::string();
}

void write_meta(Database& db, std::string_view key, std::string_view value) {
  Statement st(db, "INSERT INTO meta(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  st.bind(1, key).bind(2, value).run();
}

// True when JSON text nests arrays/objects deeper than `limit`. Checked before parsing:
// copying a deeply nested value recurses and could exhaust the stack.
bool nests_deeper_than(std::string_view json, int limit) {
  int depth = 0;
  bool in_string = false;
  for (std::size_t i = 0; i < json.size(); ++i) {
    char c = json[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
      continue;
    }
    if (c == '"') in_string = true;
    else if (c == '[' || c == '{') {
      if (++depth > limit) return true;
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
  return false;
}

constexpr int kMaxNesting = 32;

Json error_reply(std::string code, std::string message, std::string field = {}) {
  return CommandError(std::move(code), std::move(message), std::move(field)).to_json();
}

}  // namespace

Core::Core(const std::string& path, CoreOptions options) {
  db_ = std::make_unique<Database>(path);
  if (options.memory_backed_file) {
    db_->exec("PRAGMA journal_mode = MEMORY");
    db_->exec("PRAGMA synchronous = OFF");
  }
  migrate(*db_);
  {
    Transaction tx(*db_);
    device_id_ = read_meta(*db_, "device_id");
    if (device_id_.empty()) {
      device_id_ = new_uuid();
      write_meta(*db_, "device_id", device_id_);
      write_meta(*db_, "created_at", format_iso8601(system_wall_clock()()));
    }
    tx.commit();
  }
  int64_t last_wall = 0;
  uint32_t last_counter = 0;
  if (auto saved = HlcStamp::parse(read_meta(*db_, "clock") + ":x")) {
    last_wall = saved->wall_ms;
    last_counter = saved->counter;
  }
  clock_ = std::make_unique<HybridClock>(device_id_, options.wall_clock ? options.wall_clock : system_wall_clock(),
                                         last_wall, last_counter);
  changes_ = std::make_unique<ChangeLog>(*db_);
  register_app_commands(registry_);
  register_lead_commands(registry_);
  register_contact_commands(registry_);
  register_company_commands(registry_);
  register_list_commands(registry_);
  register_duplicate_commands(registry_);
  register_deal_commands(registry_);
  register_report_commands(registry_);
  register_sync_commands(registry_);
  register_exchange_commands(registry_);
}

Core::~Core() = default;

void Core::save_clock() {
  HlcStamp last{clock_->last_wall_ms(), clock_->last_counter(), ""};
  std::string text = last.to_string();
  text.pop_back();  // drop the trailing ':' of the empty device part
  write_meta(*db_, "clock", text);
}

Json Core::call(std::string_view name, const Json& args) {
  last_call_wrote_ = false;
  const CommandSpec* spec = registry_.find(name);
  if (!spec) {
    if (!text::is_valid_utf8(name)) return error_reply("invalid_utf8", "The command name is not valid UTF-8", "command");
    return error_reply("unknown_command", "Unknown command \"" + std::string(text::cut(name, 100)) + "\"", "command");
  }
  if (!args.is_object() && !args.is_null()) {
    return error_reply("invalid_args", "Arguments must be a JSON object", "args");
  }
  static const Json empty = Json::object();
  const Json& input = args.is_null() ? empty : args;
  return run(spec->writes, [&](CommandContext& context) { return spec->run(context, input); });
}

Json Core::run(bool writes, const std::function<Json(CommandContext&)>& body) {
  last_call_wrote_ = false;
  CommandContext context{*db_, *clock_, *changes_};
  try {
    if (!writes) {
      ReadTransaction snapshot(*db_);
      return body(context);
    }
    Transaction tx(*db_);
    Json result = body(context);
    save_clock();
    tx.commit();
    ++data_version_;
    last_call_wrote_ = true;
    return result;
  } catch (const CommandError& e) {
    return e.to_json();
  } catch (const DatabaseError& e) {
    return error_reply("storage_error", std::string("The database refused the change: ") + e.what());
  } catch (const Json::exception& e) {
    return error_reply("invalid_args", std::string("Malformed arguments: ") + e.what(), "args");
  } catch (const std::bad_alloc&) {
    return error_reply("out_of_memory", "Not enough memory for this command");
  } catch (const std::exception& e) {
    return error_reply("internal_error", e.what());
  }
}

Json Core::export_sync(const Json& args, const std::function<void(std::string_view)>& sink, int indent) {
  if (!args.is_object()) return error_reply("invalid_args", "Arguments must be a JSON object", "args");
  return run(true, [&](CommandContext& context) { return sync_export_to(context, args, sink, indent); });
}

Json Core::import_sync_text(std::string_view text, bool dry_run) {
  return run(true, [&](CommandContext& context) { return sync_import_text(context, text, dry_run); });
}

Json Core::call_text(std::string_view name, std::string_view args_json) {
  last_call_wrote_ = false;
  if (args_json.size() > kMaxRequestBytes) {
    return error_reply("too_large", "The request is larger than " + std::to_string(kMaxRequestBytes / 1024 / 1024) + " MB",
                       "args");
  }
  if (!text::is_valid_utf8(args_json)) return error_reply("invalid_utf8", "The arguments are not valid UTF-8", "args");
  if (text::trim(args_json).empty()) return call(name, Json::object());
  if (nests_deeper_than(args_json, kMaxNesting)) {
    return error_reply("too_deep", "The arguments nest deeper than " + std::to_string(kMaxNesting) + " levels", "args");
  }
  Json args = Json::parse(args_json, nullptr, /*allow_exceptions=*/false);
  if (args.is_discarded()) return error_reply("invalid_json", "The arguments are not valid JSON", "args");
  return call(name, args);
}

Json Core::call_request_line(std::string_view line) {
  last_call_wrote_ = false;
  if (line.size() > kMaxRequestBytes) return error_reply("too_large", "The request line is too large", "request");
  if (!text::is_valid_utf8(line)) return error_reply("invalid_utf8", "The request is not valid UTF-8", "request");
  if (nests_deeper_than(line, kMaxNesting + 1)) {
    return error_reply("too_deep", "The request nests deeper than " + std::to_string(kMaxNesting) + " levels", "request");
  }
  Json request = Json::parse(line, nullptr, false);
  if (request.is_discarded()) return error_reply("invalid_json", "The request is not valid JSON", "request");
  if (!request.is_object()) {
    return error_reply("invalid_request", "A request is an object {\"command\": ..., \"args\": {...}}", "request");
  }
  auto command = request.find("command");
  if (command == request.end() || !command->is_string()) {
    return error_reply("invalid_request", "The request needs \"command\" as a string", "command");
  }
  auto args = request.find("args");
  static const Json empty = Json::object();
  Json reply = call(command->get<std::string>(), args == request.end() ? empty : *args);
  if (auto id = request.find("request_id"); id != request.end()) reply["request_id"] = *id;
  return reply;
}

}  // namespace kervan
