// The browser entry point: GLFW window on the page's canvas, ImGui with WebGL2, the core on
// the in-memory image of page_vfs (loaded from IndexedDB before main), a main loop that draws
// only when needed, and the C functions the bridge calls (window.kervan.call, storage, tests).
#include <GLES3/gl3.h>
#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>

#include <cmath>
#include <cstdio>
#include <exception>
#include <memory>
#include <string>

#include "core/core.hpp"
#include "platform/page_vfs.hpp"
#include "platform/web_platform.hpp"
#include "ui/app.hpp"
#include "ui/item_registry.hpp"

EM_JS(void, kervan_js_ready, (const char* device_id), { Module.kervanBridge.ready(UTF8ToString(device_id)); });
// The start ends with the first frame drawn (a performance mark the benchmark reads).
EM_JS(void, kervan_js_first_frame, (), { performance.mark('kervan:first-frame'); });
// False when the stored image could not be put into memory (web_bridge.js places it before
// main() runs).
EM_JS(int, kervan_js_load_image, (), { return Module.kervanBridge.loadImage() ? 1 : 0; });
// True while a save is in flight and young (page_sync.js): the frame waits for it.
EM_JS(int, kervan_js_hold_frame, (), { return KervanStorage.holdFrame() ? 1 : 0; });
EM_JS(void, kervan_js_fatal, (const char* message), { Module.kervanBridge.fatal(UTF8ToString(message)); });
EM_JS(void, kervan_js_export_chunk, (const char* data, double size), {
  Module.kervanExportParts.push(HEAPU8.slice(data, data + size));
});
// The same for std::terminate: nothing thrown from here may reach wasm again.
EM_JS(void, kervan_js_fatal_quiet, (const char* message), {
  try { Module.kervanBridge.fatal(UTF8ToString(message)); } catch (e) { console.error(e); }
});

extern const unsigned char kervan_font[];
extern const int kervan_font_size;

namespace {

// Any name: page_vfs serves every main database from the one image.
constexpr const char* kDatabasePath = "/kervan.db";
constexpr float kBaseFontSize = 15.0f;

struct WebApp {
  GLFWwindow* window = nullptr;
  std::unique_ptr<kervan::Core> core;
  std::unique_ptr<kervan::ui::App> app;
  kervan::platform::WebPlatform platform;
  float pixel_ratio = 0;
  int framebuffer_w = 0, framebuffer_h = 0;
  std::string reply;  // the last kervan_call reply, alive until the next call
  std::string items;  // the last kervan_ui_items answer
  std::string integrity;  // the last kervan_integrity_check answer
  uint64_t last_ticket = 0;
  uint64_t frames_drawn = 0;
  // Time spent per part of the drawn frames, summed (ms): the app's own work (views, commands,
  // ImGui building its draw lists) and handing the draw lists to WebGL. The benchmark reads
  // them to tell the app's frame cost from the browser's rasteriser.
  double app_ms = 0, gl_ms = 0;
};

WebApp* g = nullptr;

// std::terminate (an exception escaping a noexcept function or a destructor, a failed
// std::function call...). The default handler calls abort(), which throws a JavaScript
// exception; with wasm exceptions libc++abi's catch (...) in __terminate catches that and
// terminates again, until "Maximum call stack size exceeded" hides the cause. Instead: show
// the fatal panel once with what is known, then trap (a wasm trap is not catchable by wasm
// exception handling, so nothing runs after it).
[[noreturn]] void on_terminate() noexcept {
  static bool reported = false;
  if (!reported) {
    reported = true;
    std::string message = "Kervan stopped on an internal error (std::terminate)";
    if (std::exception_ptr current = std::current_exception()) {
      try {
        std::rethrow_exception(current);
      } catch (const std::exception& e) {
        message += ": ";
        message += e.what();
      } catch (...) {
        message += ": an unknown exception";
      }
    }
    std::fputs((message + "\n").c_str(), stderr);
    kervan_js_fatal_quiet(message.c_str());
  }
  __builtin_trap();
}

// Glyphs the subset font carries (scripts/fetch-sources.sh): Latin, Latin-1, Latin Extended-A
// (Turkish and most European names), general punctuation, currency signs, and the few arrows,
// comparison signs, shapes and check marks the interface writes.
const ImWchar kGlyphRanges[] = {0x0020, 0x007E, 0x00A0, 0x017F, 0x2000, 0x206F, 0x20A0, 0x20CF,
                                0x2190, 0x2195, 0x2260, 0x2260, 0x2264, 0x2265, 0x25A0, 0x25A1,
                                0x25B2, 0x25B2, 0x25B6, 0x25B6, 0x25BC, 0x25BC, 0x25C0, 0x25C0,
                                0x25CB, 0x25CB, 0x25CF, 0x25CF, 0x2713, 0x2714, 0x2717, 0x2717, 0};

void apply_pixel_ratio(float ratio) {
  ImGuiIO& io = ImGui::GetIO();
  io.Fonts->Clear();
  ImFontConfig config;
  config.OversampleH = 2;
  config.FontDataOwnedByAtlas = false;  // a constant array in the module (embed_font.cmake)
  // The font is compiled in, so it cannot be missing; ImGui's built-in font is left out of the
  // build (scripts/fetch-sources.sh), so there is nothing to fall back to.
  if (!io.Fonts->AddFontFromMemoryTTF(const_cast<unsigned char*>(kervan_font), kervan_font_size,
                                      std::round(kBaseFontSize * ratio), &config, kGlyphRanges)) {
    kervan_js_fatal("The interface font could not be loaded");
    __builtin_trap();
  }
  ImGui_ImplOpenGL3_DestroyFontsTexture();
  ImGui_ImplOpenGL3_CreateFontsTexture();
  ImGuiStyle style;
  ImGui::StyleColorsDark(&style);
  style.WindowRounding = 0;
  style.FrameRounding = 3;
  style.ScaleAllSizes(ratio);
  ImGui::GetStyle() = style;
  g->pixel_ratio = ratio;
}

// Canvas pixels follow its CSS size times the device pixel ratio, so text stays crisp.
void update_canvas_size() {
  double css_w = 0, css_h = 0;
  emscripten_get_element_css_size("#canvas", &css_w, &css_h);
  float ratio = static_cast<float>(emscripten_get_device_pixel_ratio());
  if (ratio <= 0) ratio = 1;
  if (ratio != g->pixel_ratio) apply_pixel_ratio(ratio);
  int w = std::max(1, static_cast<int>(std::lround(css_w * ratio)));
  int h = std::max(1, static_cast<int>(std::lround(css_h * ratio)));
  if (w != g->framebuffer_w || h != g->framebuffer_h) {
    emscripten_set_canvas_element_size("#canvas", w, h);
    g->framebuffer_w = w;
    g->framebuffer_h = h;
  }
}

void frame() {
  // A save just sent to IndexedDB completes only when this thread handles its events; a frame
  // drawn now (tens to hundreds of ms in software rendering, more after a change at 100k
  // records) would make every save wait for it. Skip this animation frame (the loop stays
  // awake and the frames asked for stay owed) until the save completes or has had its time.
  if (kervan_js_hold_frame()) return;
  if (!g->platform.take_frame()) {  // nothing changed: no work at all until something does
    g->platform.sleep_until_redraw();
    return;
  }
  update_canvas_size();
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  // GLFW's mouse coordinates are canvas pixels: ImGui works in canvas pixels too.
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(static_cast<float>(g->framebuffer_w), static_cast<float>(g->framebuffer_h));
  io.DisplayFramebufferScale = ImVec2(1, 1);
  double started = emscripten_get_now();
  ImGui::NewFrame();
  kervan::ui::item_registry_begin_frame();
  g->app->draw();
  ImGui::Render();
  kervan::ui::item_registry_end_frame();
  double built = emscripten_get_now();
  glViewport(0, 0, g->framebuffer_w, g->framebuffer_h);
  // The app's full-screen window draws no background (app.cpp): the clear paints it, in the
  // colour its translucent background had over the old clear colour, in one pass instead of two.
  const ImVec4 bg = ImGui::GetStyle().Colors[ImGuiCol_WindowBg];
  const ImVec4 under(0.12f, 0.13f, 0.15f, 1);
  glClearColor(bg.x * bg.w + under.x * (1 - bg.w), bg.y * bg.w + under.y * (1 - bg.w), bg.z * bg.w + under.z * (1 - bg.w), 1);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  if (++g->frames_drawn == 1) kervan_js_first_frame();
  g->app_ms += built - started;
  g->gl_ms += emscripten_get_now() - built;
}

void set_clipboard(void*, const char* text) { g->platform.set_clipboard_text(text ? text : ""); }
// Paste arrives through the page's paste event (web_bridge.js), not through ImGui's Ctrl+V,
// because the browser only hands clipboard text to that event.
const char* get_clipboard(void*) { return ""; }

kervan::Json read_only_refusal() {
  return kervan::CommandError("read_only",
                              "This tab is read-only: Kervan is open in another tab, or the saved data is damaged",
                              "command")
      .to_json();
}

}  // namespace

extern "C" {

// Runs a command for window.kervan.call. Returns the reply as JSON text (valid until the next
// call); a write's persistence ticket is then in kervan_last_ticket().
EMSCRIPTEN_KEEPALIVE const char* kervan_call(const char* name, const char* args_json) {
  g->last_ticket = 0;
  // A read-only tab refuses writes up front, with words the caller can show.
  const kervan::CommandSpec* spec = g->core->registry().find(name ? name : "");
  if (spec && spec->writes && kervan::platform::page_vfs_read_only()) {
    g->reply = read_only_refusal().dump();
    return g->reply.c_str();
  }
  kervan::Json reply = g->core->call_text(name ? name : "", args_json ? args_json : "");
  if (g->core->last_call_wrote()) g->last_ticket = g->platform.persist_soon();
  g->platform.request_redraw();
  g->reply = reply.dump(-1, ' ', false, kervan::Json::error_handler_t::replace);
  return g->reply.c_str();
}

// window.kervan.exportSync: sync.export with the document handed to the page in chunks as it
// is written (kept there as the pieces of a Blob), never whole in the wasm heap. Returns the
// reply (sync.export's without "document") as JSON text, valid until the next call.
EMSCRIPTEN_KEEPALIVE const char* kervan_export_sync(const char* args_json) {
  g->last_ticket = 0;
  kervan::Json reply;
  kervan::Json args = kervan::Json::parse(args_json ? args_json : "{}", nullptr, false);
  if (kervan::platform::page_vfs_read_only()) {
    reply = read_only_refusal();
  } else if (!args.is_object()) {
    reply = kervan::CommandError("invalid_args", "Arguments must be a JSON object", "args").to_json();
  } else {
    reply = g->core->export_sync(args, [](std::string_view chunk) {
      kervan_js_export_chunk(chunk.data(), static_cast<double>(chunk.size()));
    });
    if (g->core->last_call_wrote()) g->last_ticket = g->platform.persist_soon();
  }
  g->platform.request_redraw();
  g->reply = reply.dump(-1, ' ', false, kervan::Json::error_handler_t::replace);
  return g->reply.c_str();
}

// window.kervan.importSync: sync.import of `size` bytes of file text at `text` (the caller's
// buffer, read record by record, not copied into a JSON argument).
EMSCRIPTEN_KEEPALIVE const char* kervan_import_sync(const char* text, double size, int dry_run) {
  g->last_ticket = 0;
  kervan::Json reply;
  if (kervan::platform::page_vfs_read_only()) {
    reply = read_only_refusal();
  } else {
    reply = g->core->import_sync_text(std::string_view(text, static_cast<std::size_t>(size)), dry_run != 0);
    if (g->core->last_call_wrote()) g->last_ticket = g->platform.persist_soon();
  }
  g->platform.request_redraw();
  g->reply = reply.dump(-1, ' ', false, kervan::Json::error_handler_t::replace);
  return g->reply.c_str();
}

EMSCRIPTEN_KEEPALIVE double kervan_last_ticket() { return static_cast<double>(g->last_ticket); }

EMSCRIPTEN_KEEPALIVE void kervan_wake(int frames) {
  if (g) g->platform.request_redraw(frames > 0 ? frames : 3);
}

// Text from the page (AltGr characters, paste) for the focused ImGui text field.
EMSCRIPTEN_KEEPALIVE void kervan_input_text(const char* utf8) {
  if (!g || !utf8) return;
  ImGui::GetIO().AddInputCharactersUTF8(utf8);
  g->platform.request_redraw();
}

EMSCRIPTEN_KEEPALIVE const char* kervan_ui_items() {
  g->items = kervan::ui::item_registry_json(g->pixel_ratio);
  return g->items.c_str();
}

// Storage hooks for page_sync.js: room for an image of `size` bytes (returns where; new bytes
// zeroed unless the caller writes them all), where the image is and its size (read by the
// store's compaction), whether SQLite holds no lock, the read-only switch, and "the image
// changed under you".
EMSCRIPTEN_KEEPALIVE uint8_t* kervan_image_reserve(double size, int caller_writes_all) {
  return kervan::platform::page_vfs_reserve(static_cast<uint64_t>(size), caller_writes_all != 0);
}
EMSCRIPTEN_KEEPALIVE const uint8_t* kervan_image_data() { return kervan::platform::page_vfs_data(); }
EMSCRIPTEN_KEEPALIVE double kervan_image_size() { return static_cast<double>(kervan::platform::page_vfs_size()); }
EMSCRIPTEN_KEEPALIVE int kervan_image_idle() { return kervan::platform::page_vfs_idle() ? 1 : 0; }
EMSCRIPTEN_KEEPALIVE void kervan_set_read_only(int flag) {
  kervan::platform::page_vfs_set_read_only(flag != 0);
  if (g) g->platform.request_redraw();
}
EMSCRIPTEN_KEEPALIVE void kervan_image_replaced() {
  kervan::platform::page_vfs_clear_dirty();
  if (!g || !g->core) return;
  g->core->note_outside_change();
  g->platform.request_redraw();
}

// PRAGMA integrity_check for window.kervan.checkIntegrity(): {"ok": bool, "problems": [...]}.
EMSCRIPTEN_KEEPALIVE const char* kervan_integrity_check() {
  std::string result = g->platform.check_integrity();
  kervan::Json problems = kervan::Json::array();
  std::size_t start = 0;
  while (start <= result.size()) {
    std::size_t end = result.find('\n', start);
    if (end == std::string::npos) end = result.size();
    if (end > start) problems.push_back(result.substr(start, end - start));
    start = end + 1;
  }
  bool ok = result == "ok";
  g->integrity = kervan::Json{{"ok", ok}, {"problems", ok ? kervan::Json::array() : problems}}.dump(
      -1, ' ', false, kervan::Json::error_handler_t::replace);
  return g->integrity.c_str();
}

EMSCRIPTEN_KEEPALIVE double kervan_frames_drawn() { return g ? static_cast<double>(g->frames_drawn) : 0; }
// Summed ms of the drawn frames: part 0 the app's own work, part 1 handing them to WebGL.
EMSCRIPTEN_KEEPALIVE double kervan_frame_ms(int part) { return !g ? 0 : part == 0 ? g->app_ms : g->gl_ms; }

}  // extern "C"

int main() {
  std::set_terminate(on_terminate);
  g = new WebApp();
  kervan::platform::page_vfs_install(&kervan::platform::hand_pages_to_storage);
  if (!kervan_js_load_image()) {
    kervan_js_fatal("There is not enough memory to open the saved data.");
    return 1;
  }
  g->platform.set_database_path(kDatabasePath);
  try {
    kervan::CoreOptions options;
    options.memory_backed_file = true;
    g->core = std::make_unique<kervan::Core>(kDatabasePath, options);
  } catch (const std::exception& e) {
    kervan_js_fatal(e.what());
    return 1;
  }
  // A tab that is not the writer opens (and migrates in memory if it must), then reads only.
  if (g->platform.storage_status().read_only) kervan::platform::page_vfs_set_read_only(true);

  if (!glfwInit()) {
    kervan_js_fatal("GLFW could not start");
    return 1;
  }
  glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  // ImGui draws opaque 2D triangles: no depth or stencil buffer, no alpha channel to blend the
  // canvas with the page. Each of those is memory the browser allocates, clears and composites.
  // The page's WebGL check (shell/index.html) already made the context with these attributes.
  glfwWindowHint(GLFW_DEPTH_BITS, 0);
  glfwWindowHint(GLFW_STENCIL_BITS, 0);
  glfwWindowHint(GLFW_ALPHA_BITS, 0);
  g->window = glfwCreateWindow(1280, 800, "Kervan", nullptr, nullptr);
  if (!g->window) {
    kervan_js_fatal("WebGL2 could not start");
    return 1;
  }
  glfwMakeContextCurrent(g->window);

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // layout is not worth an IndexedDB write
  // A blinking caret would need a frame every half second forever; a steady one needs none.
  io.ConfigInputTextCursorBlink = false;
  io.ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
  io.ConfigMacOSXBehaviors = g->platform.is_mac();
  ImGui_ImplGlfw_InitForOpenGL(g->window, true);
  ImGui_ImplOpenGL3_Init("#version 300 es");
  // After the GLFW backend, which installs GLFW's clipboard stubs of its own.
  io.SetClipboardTextFn = set_clipboard;
  io.GetClipboardTextFn = get_clipboard;

  g->app = std::make_unique<kervan::ui::App>(*g->core, g->platform);
  update_canvas_size();
  kervan_js_ready(g->core->device_id().c_str());
  emscripten_set_main_loop(frame, 0, false);
  return 0;
}
