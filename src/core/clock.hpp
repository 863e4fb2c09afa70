// Time for the core: wall-clock time from an injectable source, and the hybrid logical
// clock (HLC) that stamps every field write so changes from different devices order
// correctly even when their clocks disagree.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace kervan {

// Milliseconds since the Unix epoch. Tests inject a fixed or stepping source.
using WallClock = std::function<int64_t()>;
WallClock system_wall_clock();

// "2026-11-26T21:15:34.123Z" for a time in milliseconds since the epoch (UTC).
std::string format_iso8601(int64_t unix_ms);
// The inverse of format_iso8601; also accepts "YYYY-MM-DD" (midnight UTC). nullopt if malformed.
std::optional<int64_t> parse_iso8601(std::string_view text);

// One HLC stamp. Its text form sorts in the same order as the stamps themselves.
struct HlcStamp {
  int64_t wall_ms = 0;
  uint32_t counter = 0;
  std::string device;

  // "000001795000000000:00000:device-id" (fixed-width numbers, then the device id).
  std::string to_string() const;
  static std::optional<HlcStamp> parse(std::string_view text);
  // The text before the device id, "000001795000000000:00000:", appended to `out` (no
  // printf: an export writes it for every record, an import reads it for every stored one).
  static void append_head(std::string& out, int64_t wall_ms, uint32_t counter);
  friend bool operator<(const HlcStamp& a, const HlcStamp& b);
  friend bool operator==(const HlcStamp& a, const HlcStamp& b) = default;
};

class HybridClock {
 public:
  // A stamp whose wall time is further than this ahead of the local clock is clamped.
  static constexpr int64_t kMaxDriftMs = 24LL * 3600 * 1000;

  HybridClock(std::string device_id, WallClock wall, int64_t last_wall_ms = 0, uint32_t last_counter = 0);

  // A new stamp for a local write: later than every stamp this clock issued or observed.
  HlcStamp tick();
  // Merges a stamp received from another device. A stamp more than kMaxDriftMs ahead of
  // the local wall clock is not trusted: the clock advances only to the limit and the
  // function returns true so the caller can report it.
  bool observe(const HlcStamp& remote);

  int64_t last_wall_ms() const { return last_wall_; }
  uint32_t last_counter() const { return last_counter_; }
  const std::string& device_id() const { return device_; }
  int64_t now_ms() const { return wall_(); }

 private:
  std::string device_;
  WallClock wall_;
  int64_t last_wall_ = 0;
  uint32_t last_counter_ = 0;
};

}  // namespace kervan
