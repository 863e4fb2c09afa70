#include "platform/web_platform.hpp"

#include <emscripten.h>

#include <algorithm>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "core/database.hpp"
#include "platform/page_vfs.hpp"

// Each EM_JS body calls into the pre-js files (page_sync.js, web_bridge.js), which own the
// browser state.
EM_JS(double, kervan_js_request_persist, (), { return Module.kervanBridge.requestPersist(); });
EM_JS(double, kervan_js_durable_ticket, (), { return Module.kervanBridge.durableTicket(); });
EM_JS(char*, kervan_js_persist_error, (), { return Module.kervanBridge.allocString(Module.kervanBridge.persistError()); });
EM_JS(char*, kervan_js_storage_status, (), { return Module.kervanBridge.allocString(Module.kervanBridge.statusJson()); });
EM_JS(void, kervan_js_take_over, (), { KervanStorage.takeOver(); });
EM_JS(void, kervan_js_set_clipboard, (const char* text), { Module.kervanBridge.setClipboard(UTF8ToString(text)); });
EM_JS(char*, kervan_js_language, (), { return Module.kervanBridge.allocString(navigator.language || 'en'); });
EM_JS(int, kervan_js_utc_offset_minutes, (), { return -new Date().getTimezoneOffset(); });
EM_JS(int, kervan_js_is_mac, (), { return /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent) ? 1 : 0; });
EM_JS(double, kervan_js_commit, (const uint8_t* image, double size, const uint32_t* blocks, double count), {
  return KervanStorage.commit(image, size, blocks, count);
});

namespace kervan::platform {
namespace {
std::string take_js_string(char* p) {
  std::string s = p ? p : "";
  std::free(p);
  return s;
}
}  // namespace

void hand_pages_to_storage(const uint8_t* image, uint64_t size, const uint32_t* blocks, std::size_t count) {
  kervan_js_commit(image, static_cast<double>(size), blocks, static_cast<double>(count));
}

uint64_t WebPlatform::persist_soon() {
  request_redraw();
  return static_cast<uint64_t>(kervan_js_request_persist());
}

bool WebPlatform::is_durable(uint64_t ticket) const {
  return static_cast<uint64_t>(kervan_js_durable_ticket()) >= ticket;
}

std::string WebPlatform::persist_error() const { return take_js_string(kervan_js_persist_error()); }

StorageMode WebPlatform::storage_mode() const { return storage_status().mode; }

StorageStatus WebPlatform::storage_status() const {
  StorageStatus status;
  nlohmann::json j = nlohmann::json::parse(take_js_string(kervan_js_storage_status()), nullptr, false);
  if (!j.is_object()) return status;
  std::string mode = j.value("mode", std::string("indexeddb"));
  status.mode = mode == "memory" ? StorageMode::memory : StorageMode::indexeddb;
  status.damaged = mode == "damaged";
  status.read_only = j.value("readOnly", false);
  status.can_take_over = j.value("canTakeOver", false);
  status.stale = j.value("stale", false);
  status.persisted = j.value("persisted", false);
  status.usage_bytes = j.value("usage", -1.0);
  status.quota_bytes = j.value("quota", -1.0);
  status.last_saved_at_ms = j.value("lastSavedAt", 0.0);
  status.unsaved = j.value("unsaved", false);
  status.migrated = j.value("migrated", false);
  status.problem = j.value("problem", std::string());
  status.error = j.value("error", std::string());
  return status;
}

bool WebPlatform::read_only() const { return page_vfs_read_only(); }

void WebPlatform::take_over() { kervan_js_take_over(); }

std::string WebPlatform::check_integrity() {
  try {
    Database db(database_path_);
    Statement st(db, "PRAGMA integrity_check");
    std::string result;
    while (st.step()) {
      if (!result.empty()) result += '\n';
      result += st.column_text(0);
    }
    return result.empty() ? "no answer from integrity_check" : result;
  } catch (const std::exception& e) {
    return e.what();
  }
}

void WebPlatform::request_redraw(int frames) {
  frames_left_ = std::max(frames_left_, frames);
  if (sleeping_) {
    sleeping_ = false;
    emscripten_resume_main_loop();
  }
}

void WebPlatform::sleep_until_redraw() {
  if (sleeping_) return;
  sleeping_ = true;
  emscripten_pause_main_loop();
}

void WebPlatform::set_clipboard_text(const std::string& text) { kervan_js_set_clipboard(text.c_str()); }

std::string WebPlatform::browser_language() const { return take_js_string(kervan_js_language()); }

int WebPlatform::utc_offset_minutes() const { return kervan_js_utc_offset_minutes(); }

int WebPlatform::take_frame() {
  if (frames_left_ <= 0) return 0;
  return frames_left_--;
}

bool WebPlatform::is_mac() const { return kervan_js_is_mac() != 0; }

}  // namespace kervan::platform
