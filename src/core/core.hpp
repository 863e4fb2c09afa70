// Core: one open Kervan database and the command dispatcher over it. This is the whole
// surface the UI, the browser bridge and the CLI use.
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "core/command.hpp"
#include "core/clock.hpp"

namespace kervan {

class Database;
class ChangeLog;
class HybridClock;

inline constexpr const char* kVersion = "0.1.0";

struct CoreOptions {
  WallClock wall_clock;  // empty: the system clock
  // The file lives in memory and is persisted after each commit by the platform (the
  // browser): no journal file, no fsync.
  bool memory_backed_file = false;
};

class Core {
 public:
  // Opens or creates the database at path (":memory:" for a throwaway one) and migrates it.
  // Throws std::runtime_error with a readable message when the file cannot be used.
  explicit Core(const std::string& path, CoreOptions options = {});
  ~Core();
  Core(const Core&) = delete;
  Core& operator=(const Core&) = delete;

  // Runs a command. Never throws: a failure is {"error": {"code", "message", "field"?}}.
  // A write command runs in one transaction; on error nothing is stored.
  Json call(std::string_view name, const Json& args);

  // The same with the arguments as JSON text (as they come from JavaScript or a shell):
  // invalid UTF-8 or malformed JSON get an error reply.
  Json call_text(std::string_view name, std::string_view args_json);

  // sync.export (same arguments) with the document written to `sink` as JSON text, in chunks
  // of about 64 KB as it is produced: never held whole, whatever its size. The reply is
  // sync.export's without "document". A write like sync.export: on error (the sink may throw)
  // nothing is remembered, but chunks already given to the sink are the caller's to discard.
  // `indent` as Json::dump's (-1: compact).
  Json export_sync(const Json& args, const std::function<void(std::string_view)>& sink, int indent = -1);
  // sync.import {"text": text, "dry_run": dry_run} without copying the text into a JSON
  // argument: the file is read record by record (the reply and errors are sync.import's).
  Json import_sync_text(std::string_view text, bool dry_run);

  // One line of the CLI's stdin protocol: {"command": NAME, "args": {...}, "request_id": any?}.
  // The reply echoes "request_id" when given, so replies can be matched to requests.
  Json call_request_line(std::string_view line);

  // Bumped by every successful write: views compare it to know when to reload, the
  // platform to know when to persist.
  uint64_t data_version() const { return data_version_; }
  bool last_call_wrote() const { return last_call_wrote_; }
  // The database changed under this connection (another tab's saved pages were loaded):
  // views must reload, as after a write.
  void note_outside_change() { ++data_version_; }
  const std::string& device_id() const { return device_id_; }
  const CommandRegistry& registry() const { return registry_; }

 private:
  std::unique_ptr<Database> db_;
  std::unique_ptr<HybridClock> clock_;
  std::unique_ptr<ChangeLog> changes_;
  CommandRegistry registry_;
  std::string device_id_;
  uint64_t data_version_ = 0;
  bool last_call_wrote_ = false;

  void save_clock();
  Json run(bool writes, const std::function<Json(CommandContext&)>& body);
};

// Limits applied before any parsing: a request larger than this is refused outright.
inline constexpr std::size_t kMaxRequestBytes = 8 * 1024 * 1024;

}  // namespace kervan
