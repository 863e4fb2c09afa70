// Sync commands: device.get, device.set_name, sync.export, sync.import (shapes in sync.hpp,
// rules in docs/sync.md).
#include "core/sync.hpp"

#include "core/args.hpp"
#include "core/change_log.hpp"
#include "core/clock.hpp"
#include "core/database.hpp"
#include "core/sync_document.hpp"
#include "core/sync_import.hpp"
#include "core/sync_state.hpp"
#include "core/text.hpp"

namespace kervan {
namespace {

Json device_get(CommandContext& ctx, const Json& args) {
  ArgsReader(args).allow_only({});
  return device_info(ctx.db, ctx.clock.device_id());
}

Json device_set_name(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"name"});
  std::string name = reader.required_text("name", {60});
  write_meta_value(ctx.db, "device_name", name);
  return device_info(ctx.db, ctx.clock.device_id());
}

// "kervan-booth-laptop-2026-11-27.json": the device name folded to ASCII letters and digits.
std::string export_file_name(const std::string& display_name, int64_t now_ms) {
  std::string slug;
  for (char c : text::fold(display_name)) {
    bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (keep) slug += c;
    else if (!slug.empty() && slug.back() != '-') slug += '-';
  }
  while (!slug.empty() && slug.back() == '-') slug.pop_back();
  if (slug.empty()) slug = "device";
  return "kervan-" + slug + "-" + format_iso8601(now_ms).substr(0, 10) + ".json";
}

// Checks the arguments, plans the export, writes it to `sink` (or, without one, returns it as
// "document") and remembers it. The reply shape is in sync.hpp.
Json run_export(CommandContext& ctx, const Json& args, const TextSink* sink, int indent) {
  ArgsReader reader(args);
  reader.allow_only({"since_peer", "peer", "since"});
  std::string since_peer = reader.text("since_peer", {100}).value_or("");
  std::string peer = reader.text("peer", {100}).value_or("");
  std::string since = reader.text("since", {200}).value_or("");
  if (!since_peer.empty() && !peer.empty() && since_peer != peer) {
    throw CommandError("invalid_value", "Give since_peer or peer, not both", "peer");
  }
  if (!since.empty() && !since_peer.empty()) {
    throw CommandError("invalid_value", "Give since or since_peer, not both", "since");
  }
  if (!since.empty() && !is_stamp_text(since)) {
    throw CommandError("invalid_value", "since must be a clock stamp as an earlier export's \"clock\"", "since");
  }
  if (!since_peer.empty()) {
    since = peer_export_clock(ctx.db, since_peer);
    peer = since_peer;
  }
  HlcStamp clock = ctx.clock.tick();
  SyncExportPlan plan = plan_sync_export(ctx, since);
  std::size_t items = plan.record_count + plan.tombstone_count;
  if (!sink && items > kMaxExportReplyItems) {
    throw CommandError("too_large",
                       "The export holds " + std::to_string(items) + " records and deletes, more than " +
                           std::to_string(kMaxExportReplyItems) +
                           " fit in one reply: write it as a file instead (Data menu > Export, kervan export FILE, or "
                           "window.kervan.exportSync in the page)",
                       "");
  }
  Json document;
  if (sink) {
    write_sync_export(ctx, plan, clock, *sink, indent);
  } else {
    std::string text;
    write_sync_export(ctx, plan, clock, [&](std::string_view chunk) { text += chunk; });
    document = Json::parse(text);
  }
  std::string now = format_iso8601(ctx.clock.now_ms());
  remember_export(ctx.db, peer, clock, now);
  Json reply{{"file_name", export_file_name(device_display_name(ctx.db, ctx.clock.device_id()), ctx.clock.now_ms())},
             {"counts", {{"records", plan.record_count}, {"tombstones", plan.tombstone_count}}},
             {"since", since.empty() ? Json(nullptr) : Json(since)},
             {"clock", clock.to_string()}};
  if (!sink) reply["document"] = std::move(document);
  return reply;
}

Json sync_export(CommandContext& ctx, const Json& args) { return run_export(ctx, args, nullptr, -1); }

// The limit of stamps from another device: later ones are clamped to it (docs/sync.md).
int64_t clamp_limit(CommandContext& ctx) { return ctx.clock.now_ms() + HybridClock::kMaxDriftMs; }

// A reader's KnownCheck asking `mirror`.
KnownCheck known_in(ImportMirror& mirror) {
  return [&mirror](const IncomingRecord& r) { return mirror.known(r); };
}

Json import_checked(CommandContext& ctx, SyncDocument& doc, bool dry_run, ImportMirror& mirror) {
  Json report = import_sync_document(ctx, doc, dry_run, &mirror);
  report["own_file"] = doc.device_id == ctx.clock.device_id();  // our own file: everything is known
  return report;
}

// A document given as a JSON tree (small: it came as a command argument).
Json import_document(CommandContext& ctx, const Json& given, bool dry_run) {
  check_sync_version(given);
  ImportMirror mirror(ctx);
  SyncDocument doc = read_sync_document(given, clamp_limit(ctx), known_in(mirror));
  return import_checked(ctx, doc, dry_run, mirror);
}

Json sync_import(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"document", "text", "dry_run"});
  bool dry_run = reader.boolean("dry_run").value_or(false);
  if (reader.has("text") == reader.has("document")) {
    throw CommandError("required", "Give the file as \"text\" or as \"document\" (one of them)", "document");
  }
  if (reader.has("text")) {
    const Json& text = reader.raw("text");
    if (!text.is_string()) throw CommandError("wrong_type", "text must be the file's JSON text", "text");
    return sync_import_text(ctx, text.get_ref<const std::string&>(), dry_run);
  }
  return import_document(ctx, reader.raw("document"), dry_run);
}

Json sync_digest(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"detail"});
  CanonicalState state = canonical_state(ctx.db);
  Json counts = Json::object();
  for (const auto& [table, rows] : state) counts[table] = rows.size();
  Json out{{"digest", state_digest(state)}, {"counts", counts}};
  if (reader.boolean("detail").value_or(false)) {
    Json detail = Json::object();
    for (const auto& [table, rows] : state) {
      Json& list = detail[table] = Json::array();
      for (const auto& row : rows) list.push_back(Json::parse(row));
    }
    out["state"] = detail;
  }
  return out;
}

}  // namespace

Json sync_import_text(CommandContext& ctx, std::string_view text, bool dry_run) {
  ImportMirror mirror(ctx);
  SyncDocument doc = read_sync_text(text, clamp_limit(ctx), known_in(mirror));
  return import_checked(ctx, doc, dry_run, mirror);
}

Json sync_export_to(CommandContext& ctx, const Json& args, const TextSink& sink, int indent) {
  return run_export(ctx, args, &sink, indent);
}

void register_sync_commands(CommandRegistry& registry) {
  registry.add({"device.get", "This device: id, name, last export and import, last export to each peer", false,
                device_get});
  registry.add({"device.set_name", "Name this device (name, 1-60 characters); exports carry it", true,
                device_set_name});
  registry.add({"sync.export",
                "Export records and deletes as a sync document: all, since_peer (changes since the last export "
                "to that peer), peer (full, remembered) or since (a clock stamp)",
                true, sync_export});
  registry.add({"sync.digest",
                "Fingerprint of all synced data (equal on two devices exactly when they hold the same data); "
                "detail: true adds the canonical rows",
                false, sync_digest});
  registry.add({"sync.import",
                "Import a sync document (document or text; dry_run): validate all, merge per field, report",
                true, sync_import});
}

}  // namespace kervan
