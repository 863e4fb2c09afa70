// The browser implementation of Platform: persistence through the JavaScript bridge in
// web_bridge.js (IndexedDB via IDBFS), clipboard, language and time zone.
#pragma once
#include "platform/platform.hpp"

namespace kervan::platform {

class WebPlatform final : public Platform {
 public:
  uint64_t persist_soon() override;
  bool is_durable(uint64_t ticket) const override;
  std::string persist_error() const override;
  StorageMode storage_mode() const override;
  void request_redraw(int frames = 3) override;
  void set_clipboard_text(const std::string& text) override;
  std::string browser_language() const override;
  int utc_offset_minutes() const override;

  // Frames still to draw; the main loop skips work while this is zero.
  int take_frame();
  bool is_mac() const;

 private:
  int frames_left_ = 4;
};

}  // namespace kervan::platform
