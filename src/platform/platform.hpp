// What the UI needs from its host, so views never see the browser: persistence of the
// database, redraw requests, clipboard, the user's language and time zone.
#pragma once
#include <cstdint>
#include <string>

namespace kervan::platform {

enum class StorageMode { indexeddb, memory };

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

  // Draw a few more frames (after a change the UI made, an animation...).
  virtual void request_redraw(int frames = 3) = 0;

  virtual void set_clipboard_text(const std::string& text) = 0;

  // navigator.language, e.g. "tr-TR".
  virtual std::string browser_language() const = 0;
  // Local time offset east of UTC, in minutes (Istanbul: 180).
  virtual int utc_offset_minutes() const = 0;
};

}  // namespace kervan::platform
