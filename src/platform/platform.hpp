// What the UI needs from its host, so views never see the browser: persistence of the
// database, redraw requests, clipboard, the user's language and time zone.
#pragma once
#include <cstdint>
#include <string>

namespace kervan::platform {

enum class StorageMode { indexeddb, memory };

// Where the data stands, for the status line, banners and the storage window.
struct StorageStatus {
  StorageMode mode = StorageMode::indexeddb;
  // The stored image failed its checks at start: opened read-only, nothing overwritten;
  // `problem` says what is wrong. The user should export, then decide.
  bool damaged = false;
  // Another tab writes (or the data is damaged): write commands are refused.
  bool read_only = false;
  // take_over() would make this tab the writer.
  bool can_take_over = false;
  // This tab lost writing with changes unsaved: taking over reloads the page first.
  bool stale = false;
  bool persisted = false;          // navigator.storage.persist() granted
  double usage_bytes = -1;         // navigator.storage.estimate(); -1 when unknown
  double quota_bytes = -1;
  double last_saved_at_ms = 0;     // Unix ms of the last completed save; 0: none this session
  bool unsaved = false;            // changes queued or being written
  bool migrated = false;           // the data came from an earlier version's storage this start
  std::string problem;             // why memory-only or damaged, in plain words
  std::string error;               // the last save failure (as persist_error())
};

class Platform {
 public:
  virtual ~Platform() = default;

  // The data changed: make it durable. Returns a ticket; is_durable(ticket) turns true once
  // the write that carries this change has completed.
  virtual uint64_t persist_soon() = 0;
  virtual bool is_durable(uint64_t ticket) const = 0;
  // Non-empty after a failed write, until a later write succeeds.
  virtual std::string persist_error() const = 0;
  virtual StorageMode storage_mode() const = 0;
  virtual StorageStatus storage_status() const = 0;
  // True while another tab writes (or the stored data is damaged): write commands fail.
  virtual bool read_only() const = 0;
  // Asks to become the writing tab; the other tab turns read-only. Asynchronous: watch
  // storage_status(). A stale tab reloads the page to do it.
  virtual void take_over() = 0;
  // PRAGMA integrity_check over the open database: "ok" or the problems, one per line.
  virtual std::string check_integrity() = 0;

  // Draw a few more frames (after a change the UI made, an animation...).
  virtual void request_redraw(int frames = 3) = 0;

  virtual void set_clipboard_text(const std::string& text) = 0;

  // navigator.language, e.g. "tr-TR".
  virtual std::string browser_language() const = 0;
  // Local time offset east of UTC, in minutes (Istanbul: 180).
  virtual int utc_offset_minutes() const = 0;
};

}  // namespace kervan::platform
