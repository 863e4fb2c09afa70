// What the reports share: the local clock (UTC offset), periods, money tallies converted into
// the base currency, and the reply skeleton. See reports.hpp for the rules.
#include <cstdlib>
#include <string>

#include "core/clock.hpp"
#include "core/database.hpp"
#include "core/deals.hpp"
#include "core/reports.hpp"

namespace kervan::report {
namespace {

constexpr int64_t kMicro = 1000000;
constexpr int kMinOffset = -720;
constexpr int kMaxOffset = 840;

__extension__ typedef __int128 Wide;

// a / b rounded half up, for non-negative a and positive b (as rates.cpp rounds).
int64_t div_half_up(Wide a, Wide b) { return static_cast<int64_t>((a + b / 2) / b); }

// Floor division, so days before 1970 and negative offsets land on the right day.
int64_t floor_div(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// The offset setting when it holds a whole number in range, else 0 (UTC).
int offset_setting(Database& db) {
  Statement st(db, "SELECT value FROM settings WHERE key = 'report.utc_offset_minutes'");
  if (!st.step()) return 0;
  std::string text = st.column_text(0);
  char* end = nullptr;
  long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || value < kMinOffset || value > kMaxOffset) return 0;
  return static_cast<int>(value);
}

// Year and month (1-12) of a day number.
std::pair<int64_t, int> year_month(int64_t day) {
  std::string text = day_text(day);
  return {std::stoll(text.substr(0, 4)), std::stoi(text.substr(5, 2))};
}

int64_t first_of(int64_t year, int month) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04lld-%02d-01", static_cast<long long>(year), month);
  return *parse_day(buf);
}

}  // namespace

int64_t Frame::local_day(int64_t unix_ms) const {
  return floor_div(unix_ms + int64_t{utc_offset_minutes} * 60000, kDayMs);
}

std::string Frame::day_start_iso(int64_t day) const {
  return format_iso8601(day * kDayMs - int64_t{utc_offset_minutes} * 60000);
}

std::string Frame::sql_offset() const {
  return (utc_offset_minutes < 0 ? "" : "+") + std::to_string(utc_offset_minutes) + " minutes";
}

Frame load_frame(CommandContext& ctx, const ArgsReader& reader) {
  Frame frame;
  frame.now_ms = ctx.clock.now_ms();
  frame.owner = reader.text("owner", {100}).value_or("");
  auto offset = reader.integer("utc_offset_minutes", kMinOffset, kMaxOffset);
  frame.utc_offset_minutes = offset ? static_cast<int>(*offset) : offset_setting(ctx.db);
  frame.base = base_currency(ctx.db);
  Statement rates(ctx.db, "SELECT currency, per_base_micro FROM rates");
  while (rates.step()) frame.rates[rates.column_text(0)] = rates.column_int(1);
  frame.rates[frame.base] = kMicro;
  return frame;
}

std::string day_text(int64_t day) { return format_iso8601(day * kDayMs).substr(0, 10); }

std::optional<int64_t> parse_day(const std::string& text) {
  if (text.size() != 10) return std::nullopt;
  auto ms = parse_iso8601(text);
  if (!ms) return std::nullopt;
  return floor_div(*ms, kDayMs);
}

int64_t month_start(int64_t day, int months_ahead) {
  auto [year, month] = year_month(day);
  int64_t index = year * 12 + (month - 1) + months_ahead;
  return first_of(floor_div(index, 12), static_cast<int>(index - floor_div(index, 12) * 12) + 1);
}

Period read_period(const ArgsReader& reader, const Frame& frame) {
  std::string from = read_date(reader, "from");
  std::string to = read_date(reader, "to");
  std::string name = reader.text("period", {20}).value_or("");
  if (name.empty()) name = (from.empty() && to.empty()) ? "this_month" : "custom";
  int64_t today = frame.today();
  Period p{name, 0, 0};
  if (name != "custom" && (!from.empty() || !to.empty())) {
    throw CommandError("invalid_value", "The fields from and to go with period \"custom\"", from.empty() ? "to" : "from");
  }
  auto [year, month] = year_month(today);
  int quarter_first = ((month - 1) / 3) * 3 + 1;
  if (name == "this_month") {
    p.first_day = month_start(today);
    p.last_day = month_start(today, 1) - 1;
  } else if (name == "last_month") {
    p.first_day = month_start(today, -1);
    p.last_day = month_start(today) - 1;
  } else if (name == "this_quarter") {
    p.first_day = first_of(year, quarter_first);
    p.last_day = month_start(p.first_day, 3) - 1;
  } else if (name == "last_quarter") {
    p.first_day = month_start(first_of(year, quarter_first), -3);
    p.last_day = first_of(year, quarter_first) - 1;
  } else if (name == "this_year") {
    p.first_day = first_of(year, 1);
    p.last_day = first_of(year + 1, 1) - 1;
  } else if (name == "custom") {
    if (from.empty()) throw CommandError("required", "A custom period needs from (YYYY-MM-DD)", "from");
    if (to.empty()) throw CommandError("required", "A custom period needs to (YYYY-MM-DD)", "to");
    p.first_day = *parse_day(from);
    p.last_day = *parse_day(to);
    if (p.first_day > p.last_day) throw CommandError("invalid_value", "The date to must not be before from", "to");
  } else {
    throw CommandError("invalid_value",
                       "Unknown period \"" + name +
                           "\"; use this_month, last_month, this_quarter, last_quarter, this_year or custom",
                       "period");
  }
  return p;
}

std::pair<std::string, std::string> period_bounds(const Period& period, const Frame& frame) {
  return {frame.day_start_iso(period.first_day), frame.day_start_iso(period.last_day + 1)};
}

namespace {

// The UTC month starts at or before and at or after a time.
int64_t month_floor_ms(int64_t ms) { return month_start(floor_div(ms, kDayMs)) * kDayMs; }
int64_t month_ceil_ms(int64_t ms) {
  int64_t floor = month_floor_ms(ms);
  return floor == ms ? ms : month_start(floor_div(ms, kDayMs), 1) * kDayMs;
}
std::string month_key(int64_t ms) { return day_text(floor_div(ms, kDayMs)).substr(0, 7); }

}  // namespace

std::vector<Piece> period_pieces(const Period& period, const Frame& frame) {
  const int64_t offset_ms = int64_t{frame.utc_offset_minutes} * 60000;
  const int64_t start = period.first_day * kDayMs - offset_ms;
  const int64_t end = (period.last_day + 1) * kDayMs - offset_ms;
  auto raw = [](int sign, int64_t from, int64_t to) { return Piece{sign, false, format_iso8601(from), format_iso8601(to)}; };
  std::vector<Piece> pieces;
  int64_t raw_length = 0;
  // Each edge is rounded to the nearer month start; the rows between are added or taken away.
  int64_t first = month_floor_ms(start), up = month_ceil_ms(start);
  if (start - first > up - start) {
    first = up;
    if (up != start) pieces.push_back(raw(1, start, up));
  } else if (first != start) {
    pieces.push_back(raw(-1, first, start));
  }
  raw_length += std::abs(first - start);
  int64_t last = month_floor_ms(end), last_up = month_ceil_ms(end);
  if (end - last > last_up - end) {
    last = last_up;
    if (last_up != end) pieces.push_back(raw(-1, end, last_up));
  } else if (last != end) {
    pieces.push_back(raw(1, last, end));
  }
  raw_length += std::abs(end - last);
  if (first >= last || raw_length >= end - start) return {raw(1, start, end)};
  pieces.push_back(Piece{1, true, month_key(first), month_key(last)});
  return pieces;
}

void echo_period(Json& inputs, const Period& period) {
  inputs["period"] = period.name;
  inputs["from"] = day_text(period.first_day);
  inputs["to"] = day_text(period.last_day);
}

void MoneyTally::add(const std::string& currency, int64_t rate_micro, int64_t percent, int64_t amount_sum,
                     int64_t count) {
  Group& g = groups_[{currency, rate_micro}];
  g.amount += amount_sum;
  g.weighted += static_cast<Wide>(amount_sum) * percent;
  g.count += count;
  count_ += count;
}

std::optional<int64_t> MoneyTally::rate_of(const Frame& frame, const std::pair<std::string, int64_t>& key) const {
  if (key.second > 0) return key.second;
  auto it = frame.rates.find(key.first);
  if (it == frame.rates.end()) return std::nullopt;
  return it->second;
}

int64_t MoneyTally::base_amount(const Frame& frame) const {
  int64_t total = 0;
  for (const auto& [key, g] : groups_) {
    if (auto rate = rate_of(frame, key)) total += div_half_up(g.amount * *rate, kMicro);
  }
  return total;
}

int64_t MoneyTally::base_weighted(const Frame& frame) const {
  int64_t total = 0;
  for (const auto& [key, g] : groups_) {
    if (auto rate = rate_of(frame, key)) total += div_half_up(g.weighted * *rate, Wide{kMicro} * 100);
  }
  return total;
}

void MoneyTally::collect_unconverted(const Frame& frame,
                                     std::map<std::string, std::pair<int64_t, int64_t>>& out) const {
  for (const auto& [key, g] : groups_) {
    if (g.count == 0 || rate_of(frame, key)) continue;  // 0: rows added and taken away again
    auto& slot = out[key.first];
    slot.first += g.count;
    slot.second += static_cast<int64_t>(g.amount);
  }
}

void MoneyTally::merge(const MoneyTally& other) {
  for (const auto& [key, g] : other.groups_) {
    Group& mine = groups_[key];
    mine.amount += g.amount;
    mine.weighted += g.weighted;
    mine.count += g.count;
  }
  count_ += other.count_;
}

Json money(const Frame& frame, int64_t amount) { return Json{{"amount", amount}, {"currency", frame.base}}; }

Json ratio(int64_t a, int64_t b) {
  if (b == 0) return nullptr;
  return static_cast<double>(a) / static_cast<double>(b);
}

Json reply_base(const Frame& frame, Json inputs) {
  inputs["utc_offset_minutes"] = frame.utc_offset_minutes;
  if (!inputs.contains("owner")) inputs["owner"] = frame.owner;
  return Json{{"base_currency", frame.base},
              {"generated_at", format_iso8601(frame.now_ms)},
              {"inputs", inputs},
              {"empty", nullptr},
              {"unconverted", Json::array()}};
}

void put_unconverted(Json& reply, const std::map<std::string, std::pair<int64_t, int64_t>>& unconverted) {
  Json list = Json::array();
  for (const auto& [currency, slot] : unconverted) {
    list.push_back({{"currency", currency},
                    {"count", slot.first},
                    {"amount", {{"amount", slot.second}, {"currency", currency}}}});
  }
  reply["unconverted"] = list;
}

std::string won_rate_sql(int base_param) {
  std::string p = "?" + std::to_string(base_param);
  return "(CASE WHEN d.close_base_currency = " + p + " AND d.close_rate_micro IS NOT NULL THEN d.close_rate_micro ELSE 0 END)";
}

std::string read_pipeline(Database& db, const ArgsReader& reader) {
  std::string id = reader.text("pipeline_id", {64}).value_or("");
  if (id.empty()) return id;
  Statement st(db, "SELECT 1 FROM pipelines WHERE id = ?1");
  st.bind(1, id);
  if (!st.step()) throw CommandError("not_found", "No pipeline has the id \"" + id + "\"", "pipeline_id");
  return id;
}

}  // namespace kervan::report
