// Currencies and exchange rates: rate.list, rate.set, rate.delete, rate.base. A rate says how
// many base-currency units one unit of a currency is worth, kept exactly as millionths
// ("34.25" -> 34250000). Amounts are integer minor units (kuruş, cents) in every currency.
#include <string>

#include "core/change_log.hpp"
#include "core/clock.hpp"
#include "core/database.hpp"
#include "core/deals.hpp"
#include "core/sync_entities.hpp"

namespace kervan {
namespace {

constexpr const char* kBuiltIn[] = {"TRY", "USD", "EUR"};
constexpr int64_t kMicro = 1000000;

std::string upper_code(std::string_view value, std::string_view field) {
  std::string code;
  for (char c : value) code += (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  bool ok = code.size() >= 3 && code.size() <= 10;
  for (char c : code) ok = ok && c >= 'A' && c <= 'Z';
  if (!ok) {
    throw CommandError("invalid_value", "A currency is a code of 3 to 10 letters, like TRY, USD or EUR",
                       std::string(field));
  }
  return code;
}

__extension__ typedef __int128 Wide;  // products of amounts and rates exceed 64 bits

// a / b rounded half up, for non-negative a and positive b.
int64_t div_half_up(Wide a, Wide b) { return static_cast<int64_t>((a + b / 2) / b); }

}  // namespace

std::string base_currency(Database& db) {
  Statement st(db, "SELECT value FROM settings WHERE key = 'base_currency'");
  return st.step() && !st.column_text(0).empty() ? st.column_text(0) : std::string("TRY");
}

std::optional<int64_t> rate_micro(Database& db, std::string_view currency) {
  if (currency == base_currency(db)) return kMicro;
  Statement st(db, "SELECT per_base_micro FROM rates WHERE currency = ?1");
  st.bind(1, currency);
  if (!st.step()) return std::nullopt;
  return st.column_int(0);
}

int64_t to_base(int64_t amount, int64_t micro) { return div_half_up(static_cast<Wide>(amount) * micro, kMicro); }

int64_t weighted(int64_t amount, int64_t percent) { return div_half_up(static_cast<Wide>(amount) * percent, 100); }

std::string check_currency(Database& db, std::string_view value, std::string_view field) {
  std::string code = upper_code(value, field);
  for (auto b : kBuiltIn) {
    if (code == b) return code;
  }
  if (code == base_currency(db) || rate_micro(db, code)) return code;
  throw CommandError("invalid_value",
                     "Unknown currency \"" + code + "\"; use TRY, USD, EUR or one with a rate (rate.set)",
                     std::string(field));
}

int64_t parse_micro(const Json& value, std::string_view field) {
  std::string name(field);
  std::string text;
  if (value.is_string()) {
    text = value.get<std::string>();
  } else if (value.is_number_integer()) {
    text = std::to_string(value.get<int64_t>());
  } else if (value.is_number_float()) {
    // Shortest text that reads back as the same double: 34.25 stays "34.25".
    text = Json(value.get<double>()).dump();
  } else {
    throw CommandError("wrong_type", "The field " + name + " must be a decimal number like \"34.25\"", name);
  }
  for (char& c : text) {
    if (c == ',') c = '.';  // Turkish decimal comma
  }
  int64_t whole = 0, frac = 0;
  int digits = 0, frac_digits = 0;
  bool dot = false, ok = !text.empty();
  for (char c : text) {
    if (c == '.' && !dot) {
      dot = true;
    } else if (c >= '0' && c <= '9') {
      if (dot) {
        if (++frac_digits > 6) ok = false;
        frac = frac * 10 + (c - '0');
      } else {
        if (++digits > 12) ok = false;
        whole = whole * 10 + (c - '0');
      }
    } else {
      ok = false;
    }
  }
  if (!ok || digits == 0) {
    throw CommandError("invalid_value",
                       "The field " + name + " must be a positive decimal with at most 6 decimals, like \"34.25\"", name);
  }
  for (int i = frac_digits; i < 6; ++i) frac *= 10;
  int64_t micro = whole * kMicro + frac;
  if (micro <= 0) throw CommandError("out_of_range", "The field " + name + " must be more than zero", name);
  return micro;
}

std::string format_micro(int64_t micro) {
  std::string out = std::to_string(micro / kMicro);
  int64_t frac = micro % kMicro;
  if (frac == 0) return out;
  std::string f = std::to_string(frac);
  f = std::string(6 - f.size(), '0') + f;
  while (!f.empty() && f.back() == '0') f.pop_back();
  return out + "." + f;
}

namespace {

Json rate_view(const Json& row) {
  Json out = pick(row, {"id", "currency", "per_base_micro", "updated_at"});
  out["per_base"] = format_micro(row["per_base_micro"].get<int64_t>());
  return out;
}

Json rate_list(CommandContext& ctx, const Json& args) {
  ArgsReader(args).allow_only({});
  Json items = Json::array();
  for (auto& row : select_rows(ctx.db, rate_table(), "1", {}, "currency")) items.push_back(rate_view(row));
  return Json{{"base", base_currency(ctx.db)}, {"items", items}};
}

Json rate_set(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"currency", "per_base"});
  std::string currency = upper_code(reader.required_text("currency", {10}), "currency");
  if (currency == base_currency(ctx.db)) {
    throw CommandError("invalid_value", currency + " is the base currency; its rate is always 1", "currency");
  }
  if (!reader.has("per_base")) throw CommandError("required", "The field per_base is required", "per_base");
  int64_t micro = parse_micro(reader.raw("per_base"), "per_base");
  auto rows = select_rows(ctx.db, rate_table(), "currency = ?1", {currency});
  Json row;
  if (rows.empty()) {
    row = blank_row(rate_table());
    // Named by its currency, so devices that set the same rate offline hold one record.
    row["id"] = derived_uuid("rate\n" + currency);
    row["currency"] = currency;
    row["per_base_micro"] = micro;
    insert_row(ctx, rate_table(), row);
  } else if (rows.front()["per_base_micro"] != micro) {
    row = rows.front();
    row["per_base_micro"] = micro;
    // Written whole: a rate set again after another device deleted it comes back (docs/sync.md).
    update_row(ctx, rate_table(), row, {"currency", "per_base_micro"});
  } else {
    row = rows.front();
  }
  return rate_view(row);
}

Json rate_delete(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"currency"});
  std::string currency = upper_code(reader.required_text("currency", {10}), "currency");
  auto rows = select_rows(ctx.db, rate_table(), "currency = ?1", {currency});
  if (rows.empty()) throw CommandError("not_found", "No rate is set for " + currency, "currency");
  delete_row(ctx, rate_table(), rows.front()["id"].get<std::string>());
  return Json{{"currency", currency}, {"deleted", true}};
}

Json rate_base(CommandContext& ctx, const Json& args) {
  ArgsReader(args).allow_only({});
  return Json{{"base", base_currency(ctx.db)}};
}

// Rates are relative to the base, so changing it asks for new rates (the existing ones are kept
// as typed; a rate of the new base itself is dropped). Won deals closed under another base
// fall back to the current rates.
Json rate_set_base(CommandContext& ctx, const Json& args) {
  ArgsReader reader(args);
  reader.allow_only({"currency"});
  std::string code = upper_code(reader.required_text("currency", {10}), "currency");
  Statement st(ctx.db, "INSERT INTO settings(key, value) VALUES('base_currency', ?1) "
                       "ON CONFLICT(key) DO UPDATE SET value = excluded.value");
  st.bind(1, code).run();
  // The base currency travels with sync (as the "setting" record of that key).
  const SyncEntity& setting = *find_sync_entity("setting");
  ctx.changes.stamp_fields(setting.name, keyed_id(setting, {{"key", "base_currency"}}), {"key", "value"},
                           ctx.clock.tick());
  // The new base cannot have a rate against itself.
  for (auto& row : select_rows(ctx.db, rate_table(), "currency = ?1", {code})) {
    delete_row(ctx, rate_table(), row["id"].get<std::string>());
  }
  return Json{{"base", base_currency(ctx.db)}};
}

}  // namespace

void register_rate_commands(CommandRegistry& registry) {
  registry.add({"rate.list", "Exchange rates against the base currency, and the base", false, rate_list});
  registry.add({"rate.set", "Set a rate: currency, per_base (base units per unit, e.g. \"34.25\")", true, rate_set});
  registry.add({"rate.delete", "Remove the rate of a currency", true, rate_delete});
  registry.add({"rate.base", "The base currency (default TRY)", false, rate_base});
  registry.add({"rate.set_base", "Set the base currency (currency); rates are per unit of the base", true,
                rate_set_base});
}

}  // namespace kervan
