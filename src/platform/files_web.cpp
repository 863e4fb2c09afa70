// The browser side of files.hpp: an <input type=file> for picking, drop listeners on the page,
// FileReader with progress for reading, and a Blob link for downloads.
#include <emscripten.h>

#include <cstdlib>
#include <deque>
#include <string>
#include <utility>

#include "platform/files.hpp"

namespace kervan::platform {
namespace {

std::deque<PickedFile> g_ready;
ReadProgress g_progress;
std::string g_error;

}  // namespace
}  // namespace kervan::platform

using kervan::platform::g_error;
using kervan::platform::g_progress;
using kervan::platform::g_ready;

extern "C" {

EMSCRIPTEN_KEEPALIVE void kervan_file_progress(const char* name, double loaded, double total) {
  g_progress = {static_cast<uint64_t>(loaded), static_cast<uint64_t>(total), name};
}

// Takes ownership of `data` (allocated with malloc by the page).
EMSCRIPTEN_KEEPALIVE void kervan_file_ready(const char* name, char* data, double size, int dropped) {
  kervan::platform::PickedFile file;
  file.name = name;
  file.bytes.assign(data, static_cast<std::size_t>(size));
  file.dropped = dropped != 0;
  std::free(data);
  g_ready.push_back(std::move(file));
  g_progress = {};
}

EMSCRIPTEN_KEEPALIVE void kervan_file_failed(const char* message) {
  g_error = message;
  g_progress = {};
}

}  // extern "C"

// Reads one File with progress and hands it to kervan_file_ready; wakes the main loop.
EM_JS(void, kervan_js_files_install, (), {
  if (Module.kervanFiles) return;
  var wake = function () { if (Module._kervan_wake) Module._kervan_wake(4); };
  var withString = function (text, fn) {
    var size = lengthBytesUTF8(text) + 1;
    var ptr = _malloc(size);
    stringToUTF8(text, ptr, size);
    try { fn(ptr); } finally { _free(ptr); }
  };
  var read = function (file, dropped) {
    var reader = new FileReader();
    reader.onprogress = function (e) {
      withString(file.name, function (p) { _kervan_file_progress(p, e.loaded, e.lengthComputable ? e.total : file.size); });
      wake();
    };
    reader.onerror = function () {
      withString(String(reader.error && reader.error.message || "the file could not be read"), function (p) { _kervan_file_failed(p); });
      wake();
    };
    reader.onabort = reader.onerror;
    reader.onload = function () {
      var bytes = new Uint8Array(reader.result);
      var data = _malloc(Math.max(bytes.length, 1));
      if (!data) {
        withString("the file is too large to load", function (p) { _kervan_file_failed(p); });
        wake();
        return;
      }
      HEAPU8.set(bytes, data);
      withString(file.name, function (p) { _kervan_file_ready(p, data, bytes.length, dropped ? 1 : 0); });
      wake();
    };
    withString(file.name, function (p) { _kervan_file_progress(p, 0, file.size); });
    reader.readAsArrayBuffer(file);
  };
  var input = document.createElement("input");
  input.type = "file";
  input.style.display = "none";
  input.addEventListener("change", function () {
    if (input.files && input.files[0]) read(input.files[0], false);
    input.value = "";
  });
  document.body.appendChild(input);
  window.addEventListener("dragover", function (e) {
    if (e.dataTransfer && Array.prototype.indexOf.call(e.dataTransfer.types, "Files") >= 0) {
      e.preventDefault();
      e.dataTransfer.dropEffect = "copy";
    }
  });
  window.addEventListener("drop", function (e) {
    if (!e.dataTransfer || !e.dataTransfer.files || !e.dataTransfer.files.length) return;
    e.preventDefault();
    read(e.dataTransfer.files[0], true);
  });
  Module.kervanFiles = { input: input, read: read };
});

EM_JS(void, kervan_js_files_pick, (const char* accept), {
  var input = Module.kervanFiles.input;
  input.accept = UTF8ToString(accept);
  input.click();
});

EM_JS(void, kervan_js_download_begin, (), { Module.kervanDownloadParts = []; });
EM_JS(void, kervan_js_download_append, (const char* data, double size), {
  Module.kervanDownloadParts.push(HEAPU8.slice(data, data + size));
});
EM_JS(void, kervan_js_download_finish, (const char* name, const char* mime), {
  var blob = new Blob(Module.kervanDownloadParts || [], { type: UTF8ToString(mime) });
  Module.kervanDownloadParts = null;
  var url = URL.createObjectURL(blob);
  var a = document.createElement("a");
  a.href = url;
  a.download = UTF8ToString(name);
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(function () { URL.revokeObjectURL(url); }, 30000);
});
EM_JS(void, kervan_js_download_cancel, (), { Module.kervanDownloadParts = null; });

namespace kervan::platform {

void files_download_begin() { kervan_js_download_begin(); }
void files_download_append(std::string_view chunk) {
  kervan_js_download_append(chunk.data(), static_cast<double>(chunk.size()));
}
void files_download_finish(const std::string& name, const std::string& mime_type) {
  kervan_js_download_finish(name.c_str(), mime_type.c_str());
}
void files_download_cancel() { kervan_js_download_cancel(); }

void files_listen_for_drops() { kervan_js_files_install(); }

void files_pick(const std::string& accept) {
  kervan_js_files_install();
  kervan_js_files_pick(accept.c_str());
}

std::optional<PickedFile> files_take() {
  if (g_ready.empty()) return std::nullopt;
  PickedFile file = std::move(g_ready.front());
  g_ready.pop_front();
  return file;
}

ReadProgress files_progress() { return g_progress; }

std::string files_take_error() { return std::exchange(g_error, std::string()); }

void files_download(const std::string& name, const std::string& mime_type, const std::string& bytes) {
  files_download_begin();
  files_download_append(bytes);
  files_download_finish(name, mime_type);
}

}  // namespace kervan::platform
