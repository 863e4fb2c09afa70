// libFuzzer target: sync.import of untrusted file text.
// Findings: a crash, a sanitizer report, an exception escaping Core::call (it promises never
// to throw), a reply that is neither a report nor an error, a refused or dry-run import that
// changed the database, and a second import of an accepted file that changed anything.
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/core.hpp"
#include "fuzz_support.hpp"

namespace {

using kervan::fuzz::fail;
using kervan::Json;

// A database with some local data for a file to merge with, clash with or point at. A fixed
// clock, so an input replays the same way every time.
std::unique_ptr<kervan::Core> make_core() {
  auto core = std::make_unique<kervan::Core>(":memory:", kervan::CoreOptions{[] { return int64_t{1795683600000}; }});
  core->call("lead.create", {{"name", "Şükrü Işık"}, {"company", "Işık Makina A.Ş."}, {"phone", "0532 111 22 33"}});
  core->call("company.create", {{"name", "Öztürk Ltd. Şti."}});
  return core;
}

std::string digest_of(kervan::Core& core) {
  Json reply = core.call("sync.digest", Json::object());
  if (reply.contains("error")) fail("sync.digest failed");
  return reply["digest"].get<std::string>();
}

// Runs sync.import and checks the reply's shape; true when the file was accepted.
bool import(kervan::Core& core, const std::string& text, bool dry_run, Json* out = nullptr) {
  Json reply;
  try {
    reply = core.call("sync.import", {{"text", text}, {"dry_run", dry_run}});
    if (out) *out = reply;
  } catch (...) {
    fail("Core::call threw");
  }
  if (!reply.is_object()) fail("reply is not an object");
  if (!reply.contains("error")) return true;
  const Json& error = reply["error"];
  if (!error.is_object() || !error.contains("code") || !error["code"].is_string() || !error.contains("message")) {
    fail("error without code or message");
  }
  return false;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);

  // A dry run applies everything and rolls back: one database serves every input.
  static std::unique_ptr<kervan::Core> shared = make_core();
  static const std::string shared_digest = digest_of(*shared);
  Json reply;
  bool accepted = import(*shared, text, true, &reply);
  if (digest_of(*shared) != shared_digest) fail("a dry-run or refused import changed data");
  // Most records are read straight from the text, the rest from their tree: a file that is
  // JSON must get the reply the import of its tree gets.
  std::string code = accepted ? "" : reply["error"]["code"].get<std::string>();
  if (code != "invalid_json" && code != "too_deep" && code != "invalid_utf8" && kervan::Json::accept(text)) {
    Json by_tree = shared->call("sync.import", {{"document", kervan::Json::parse(text)}, {"dry_run", true}});
    if (by_tree != reply) fail("the text import and the tree import replied differently");
  }
  if (!accepted) return 0;
  // The text is split into values without a parser (sync_document.cpp): whatever it accepts
  // must be JSON as a parser reads it.
  if (!kervan::Json::accept(text)) fail("a file that is not JSON was accepted");

  // An accepted file: stored for real in a fresh database, then a second import is a no-op.
  auto core = make_core();
  if (!import(*core, text, false)) fail("a file accepted in a dry run was refused");
  std::string after_first = digest_of(*core);
  if (!import(*core, text, false)) fail("a file accepted once was refused the second time");
  if (digest_of(*core) != after_first) fail("importing the same file twice changed data");
  return 0;
}
