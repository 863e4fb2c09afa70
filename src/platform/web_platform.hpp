// The browser implementation of Platform: persistence through page_vfs (changed blocks) and
// the JavaScript in page_sync.js / web_bridge.js (IndexedDB), clipboard, language, time zone.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

#include "platform/platform.hpp"

namespace kervan::platform {

class WebPlatform final : public Platform {
 public:
  uint64_t persist_soon() override;
  bool is_durable(uint64_t ticket) const override;
  std::string persist_error() const override;
  StorageMode storage_mode() const override;
  StorageStatus storage_status() const override;
  bool read_only() const override;
  void take_over() override;
  std::string check_integrity() override;
  void request_redraw(int frames = 3) override;
  void set_clipboard_text(const std::string& text) override;
  std::string browser_language() const override;
  int utc_offset_minutes() const override;

  // The database path check_integrity() opens (the same image as the core's connection).
  void set_database_path(std::string path) { database_path_ = std::move(path); }

  // Frames still to draw; the main loop skips work while this is zero.
  int take_frame();
  // Stops the browser calling the main loop at all (no requestAnimationFrame while idle);
  // the next request_redraw(), which every input event and data change makes, restarts it.
  void sleep_until_redraw();
  bool is_mac() const;

 private:
  int frames_left_ = 4;
  bool sleeping_ = false;
  std::string database_path_;
};

// The page VFS's commit handler: hands the changed blocks to page_sync.js.
void hand_pages_to_storage(const uint8_t* image, uint64_t size, const uint32_t* blocks, std::size_t count);

}  // namespace kervan::platform
