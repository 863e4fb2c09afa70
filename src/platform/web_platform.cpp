#include "platform/web_platform.hpp"

#include <emscripten.h>

#include <algorithm>
#include <cstdlib>

// Each EM_JS body calls into web_bridge.js (the pre-js), which owns the browser state.
EM_JS(double, kervan_js_request_persist, (), { return Module.kervanBridge.requestPersist(); });
EM_JS(double, kervan_js_durable_ticket, (), { return Module.kervanBridge.durableTicket(); });
EM_JS(char*, kervan_js_persist_error, (), { return Module.kervanBridge.allocString(Module.kervanBridge.persistError()); });
EM_JS(int, kervan_js_storage_is_memory, (), { return Module.kervanBridge.storage === 'memory' ? 1 : 0; });
EM_JS(void, kervan_js_set_clipboard, (const char* text), { Module.kervanBridge.setClipboard(UTF8ToString(text)); });
EM_JS(char*, kervan_js_language, (), { return Module.kervanBridge.allocString(navigator.language || 'en'); });
EM_JS(int, kervan_js_utc_offset_minutes, (), { return -new Date().getTimezoneOffset(); });
EM_JS(int, kervan_js_is_mac, (), { return /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent) ? 1 : 0; });

namespace kervan::platform {
namespace {
std::string take_js_string(char* p) {
  std::string s = p ? p : "";
  std::free(p);
  return s;
}
}  // namespace

uint64_t WebPlatform::persist_soon() {
  request_redraw();
  return static_cast<uint64_t>(kervan_js_request_persist());
}

bool WebPlatform::is_durable(uint64_t ticket) const {
  return static_cast<uint64_t>(kervan_js_durable_ticket()) >= ticket;
}

std::string WebPlatform::persist_error() const { return take_js_string(kervan_js_persist_error()); }

StorageMode WebPlatform::storage_mode() const {
  return kervan_js_storage_is_memory() ? StorageMode::memory : StorageMode::indexeddb;
}

void WebPlatform::request_redraw(int frames) { frames_left_ = std::max(frames_left_, frames); }

void WebPlatform::set_clipboard_text(const std::string& text) { kervan_js_set_clipboard(text.c_str()); }

std::string WebPlatform::browser_language() const { return take_js_string(kervan_js_language()); }

int WebPlatform::utc_offset_minutes() const { return kervan_js_utc_offset_minutes(); }

int WebPlatform::take_frame() {
  if (frames_left_ <= 0) return 0;
  return frames_left_--;
}

bool WebPlatform::is_mac() const { return kervan_js_is_mac() != 0; }

}  // namespace kervan::platform
