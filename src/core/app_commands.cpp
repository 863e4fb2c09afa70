// Commands about the application itself: app.info, app.commands, settings.get/settings.set.
#include <sqlite3.h>

#include "core/args.hpp"
#include "core/command.hpp"
#include "core/core.hpp"
#include "core/database.hpp"
#include "core/schema.hpp"

namespace kervan {
namespace {

int64_t count_rows(Database& db, const std::string& sql) {
  Statement st(db, sql);
  st.step();
  return st.column_int(0);
}

Json app_info(CommandContext& ctx, const Json& args) {
  ArgsReader(args).allow_only({});
  Statement meta(ctx.db, "SELECT value FROM meta WHERE key = 'device_id'");
  std::string device = meta.step() ? meta.column_text(0) : "";
  return Json{{"app", "Kervan"},
              {"version", kVersion},
              {"schema_version", schema_version(ctx.db)},
              {"sqlite_version", sqlite3_libversion()},
              {"device_id", device},
              {"counts",
               {{"leads", count_rows(ctx.db, "SELECT count(*) FROM leads")},
                {"tombstones", count_rows(ctx.db, "SELECT count(*) FROM tombstones")}}}};
}

// Settings this build knows, with the values each accepts (empty: any short text).
struct SettingRule {
  std::string_view key;
  std::vector<std::string_view> values;
};
const std::vector<SettingRule>& setting_rules() {
  static const std::vector<SettingRule> rules = {
      {"language", {"tr", "en"}},
      {"booth.event", {}},
      {"booth.source", {}},
      {"booth.owner", {}},
  };
  return rules;
}

const SettingRule& require_setting(const std::string& key) {
  for (const auto& rule : setting_rules()) {
    if (rule.key == key) return rule;
  }
  throw CommandError("invalid_value", "Unknown setting \"" + key + "\"", "key");
}

Json settings_get(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"key"});
  auto key = reader.text("key", {60, false});
  Json values = Json::object();
  Statement st(ctx.db, "SELECT key, value FROM settings");
  while (st.step()) values[st.column_text(0)] = st.column_text(1);
  if (key && !key->empty()) {
    require_setting(*key);
    return Json{{"key", *key}, {"value", values.contains(*key) ? values[*key] : Json(nullptr)}};
  }
  return Json{{"settings", values}};
}

Json settings_set(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"key", "value"});
  std::string key = reader.required_text("key", {60, false});
  const SettingRule& rule = require_setting(key);
  std::string value = reader.text("value", {200, false}).value_or("");
  if (!rule.values.empty()) {
    bool ok = false;
    for (auto v : rule.values) ok = ok || v == value;
    if (!ok) throw CommandError("invalid_value", "The value \"" + value + "\" is not allowed for " + key, "value");
  }
  Statement st(ctx.db,
               "INSERT INTO settings(key, value) VALUES(?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  st.bind(1, key).bind(2, value).run();
  return Json{{"key", key}, {"value", value}};
}

}  // namespace

void register_app_commands(CommandRegistry& registry) {
  registry.add({"app.info", "Version, schema version, device id and record counts", false, app_info});
  registry.add({"app.commands", "The names and summaries of all commands", false,
                [&registry](CommandContext&, const Json& args) {
                  ArgsReader(args).allow_only({});
                  Json list = Json::array();
                  for (const CommandSpec* spec : registry.all()) {
                    list.push_back({{"name", spec->name}, {"summary", spec->summary}, {"writes", spec->writes}});
                  }
                  return Json{{"commands", list}};
                }});
  registry.add({"settings.get", "All settings of this device, or one by key", false, settings_get});
  registry.add({"settings.set", "Change one setting of this device", true, settings_set});
}

}  // namespace kervan
