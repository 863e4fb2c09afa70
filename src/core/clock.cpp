#include "core/clock.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <ctime>

namespace kervan {
namespace {

// Days since 1970-01-01 of a civil date (proleptic Gregorian), and back.
int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool read_number(std::string_view s, std::size_t pos, std::size_t len, int64_t& out) {
  if (pos + len > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

}  // namespace

WallClock system_wall_clock() {
  return [] {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  };
}

std::string format_iso8601(int64_t unix_ms) {
  int64_t days = unix_ms >= 0 ? unix_ms / 86400000 : -((-unix_ms + 86399999) / 86400000);
  int64_t rest = unix_ms - days * 86400000;
  int64_t y;
  unsigned m, d;
  civil_from_days(days, y, m, d);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(y), m, d,
                static_cast<long long>(rest / 3600000), static_cast<long long>(rest / 60000 % 60),
                static_cast<long long>(rest / 1000 % 60), static_cast<long long>(rest % 1000));
  return buf;
}

std::optional<int64_t> parse_iso8601(std::string_view s) {
  int64_t y, mo, d, h = 0, mi = 0, sec = 0, ms = 0;
  if (!read_number(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !read_number(s, 5, 2, mo) || s[7] != '-' ||
      !read_number(s, 8, 2, d))
    return std::nullopt;
  if (mo < 1 || mo > 12 || d < 1 || d > 31) return std::nullopt;
  if (s.size() > 10) {
    if (s.size() < 20 || (s[10] != 'T' && s[10] != ' ') || !read_number(s, 11, 2, h) || s[13] != ':' ||
        !read_number(s, 14, 2, mi) || s[16] != ':' || !read_number(s, 17, 2, sec))
      return std::nullopt;
    std::size_t pos = 19;
    if (pos < s.size() && s[pos] == '.') {
      if (!read_number(s, pos + 1, 3, ms)) return std::nullopt;
      pos += 4;
    }
    if (pos + 1 != s.size() || s[pos] != 'Z') return std::nullopt;
    if (h > 23 || mi > 59 || sec > 59) return std::nullopt;
  }
  int64_t days = days_from_civil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d));
  // Reject dates like 02-31 that normalise to another month.
  int64_t cy;
  unsigned cm, cd;
  civil_from_days(days, cy, cm, cd);
  if (cy != y || cm != mo || cd != d) return std::nullopt;
  return days * 86400000 + h * 3600000 + mi * 60000 + sec * 1000 + ms;
}

void HlcStamp::append_head(std::string& out, int64_t wall_ms, uint32_t counter) {
  char buf[32];
  if (wall_ms < 0 || wall_ms > 999999999999999 || counter > 99999) {  // wider than the format: as printf writes it
    out += (std::snprintf(buf, sizeof buf, "%015lld:%05u:", static_cast<long long>(wall_ms), counter), buf);
    return;
  }
  auto wall = static_cast<uint64_t>(wall_ms);
  for (int i = 14; i >= 0; --i, wall /= 10) buf[i] = static_cast<char>('0' + wall % 10);
  buf[15] = ':';
  for (int i = 20; i >= 16; --i, counter /= 10) buf[i] = static_cast<char>('0' + counter % 10);
  buf[21] = ':';
  out.append(buf, 22);
}

std::string HlcStamp::to_string() const {
  std::string out;
  out.reserve(22 + device.size());
  append_head(out, wall_ms, counter);
  return out += device;
}

std::optional<HlcStamp> HlcStamp::parse(std::string_view text) {
  int64_t wall, counter;
  if (text.size() < 23 || text[15] != ':' || text[21] != ':') return std::nullopt;
  if (!read_number(text, 0, 15, wall) || !read_number(text, 16, 5, counter)) return std::nullopt;
  return HlcStamp{wall, static_cast<uint32_t>(counter), std::string(text.substr(22))};
}

bool operator<(const HlcStamp& a, const HlcStamp& b) {
  if (a.wall_ms != b.wall_ms) return a.wall_ms < b.wall_ms;
  if (a.counter != b.counter) return a.counter < b.counter;
  return a.device < b.device;
}

HybridClock::HybridClock(std::string device_id, WallClock wall, int64_t last_wall_ms, uint32_t last_counter)
    : device_(std::move(device_id)), wall_(std::move(wall)), last_wall_(last_wall_ms), last_counter_(last_counter) {}

HlcStamp HybridClock::tick() {
  int64_t now = wall_();
  if (now > last_wall_) {
    last_wall_ = now;
    last_counter_ = 0;
  } else {
    ++last_counter_;  // wall clock went back or stood still: order by counter
    if (last_counter_ > 99999) {  // the text form holds 5 digits: borrow a millisecond
      ++last_wall_;
      last_counter_ = 0;
    }
  }
  return HlcStamp{last_wall_, last_counter_, device_};
}

bool HybridClock::observe(const HlcStamp& remote) {
  int64_t now = wall_();
  bool clamped = false;
  int64_t remote_wall = remote.wall_ms;
  uint32_t remote_counter = remote.counter;
  if (remote_wall > now + kMaxDriftMs) {
    remote_wall = now + kMaxDriftMs;
    remote_counter = 0;
    clamped = true;
  }
  int64_t wall = std::max({last_wall_, remote_wall, now});
  if (wall == last_wall_ && wall == remote_wall) {
    last_counter_ = std::max(last_counter_, remote_counter) + 1;
  } else if (wall == last_wall_) {
    ++last_counter_;
  } else if (wall == remote_wall) {
    last_counter_ = remote_counter + 1;
  } else {
    last_counter_ = 0;
  }
  last_wall_ = wall;
  if (last_counter_ > 99999) {  // the text form holds 5 digits: borrow a millisecond
    ++last_wall_;
    last_counter_ = 0;
  }
  return clamped;
}

}  // namespace kervan
