#include <doctest/doctest.h>

#include "core/clock.hpp"

using namespace kervan;

TEST_CASE("ISO 8601 round trip") {
  CHECK(format_iso8601(0) == "1970-01-01T00:00:00.000Z");
  CHECK(format_iso8601(1795683600123LL) == "2026-11-26T09:00:00.123Z");
  CHECK(parse_iso8601("2026-11-26T09:00:00.123Z") == 1795683600123LL);
  CHECK(parse_iso8601("2026-11-26") == 1795651200000LL);
  CHECK(parse_iso8601("2024-02-29") == 1709164800000LL);
  CHECK_FALSE(parse_iso8601("2025-02-29"));
  CHECK_FALSE(parse_iso8601("2026-13-01"));
  CHECK_FALSE(parse_iso8601("26-11-2026"));
  CHECK_FALSE(parse_iso8601("2026-11-26T25:00:00Z"));
}

TEST_CASE("HLC text form sorts like the stamps") {
  HlcStamp a{1000, 5, "dev-a"}, b{1000, 6, "dev-a"}, c{1001, 0, "dev-a"}, d{1001, 0, "dev-b"};
  CHECK(a < b);
  CHECK(b < c);
  CHECK(c < d);
  CHECK(a.to_string() < b.to_string());
  CHECK(b.to_string() < c.to_string());
  CHECK(c.to_string() < d.to_string());
  auto parsed = HlcStamp::parse(b.to_string());
  REQUIRE(parsed);
  CHECK(*parsed == b);
  CHECK_FALSE(HlcStamp::parse("garbage"));
}

TEST_CASE("HLC text form: fixed-width numbers, as printf writes them at the edges") {
  CHECK(HlcStamp{0, 0, "d"}.to_string() == "000000000000000:00000:d");
  CHECK(HlcStamp{1795683600123LL, 42, "cihaz-ş"}.to_string() == "001795683600123:00042:cihaz-ş");
  CHECK(HlcStamp{999999999999999LL, 99999, "d"}.to_string() == "999999999999999:99999:d");
  // Wider than the format (never made by the clock): the numbers are not cut.
  CHECK(HlcStamp{1000000000000000LL, 100000, "d"}.to_string() == "1000000000000000:100000:d");
  CHECK(HlcStamp{-5, 1, "d"}.to_string() == "-00000000000005:00001:d");
  std::string head = "x";
  HlcStamp::append_head(head, 7, 3);
  CHECK(head == "x000000000000007:00003:");
}

TEST_CASE("HLC ticks stay monotonic when the wall clock stands still or goes back") {
  int64_t now = 5000;
  HybridClock clock("dev", [&] { return now; });
  HlcStamp s1 = clock.tick();
  HlcStamp s2 = clock.tick();
  CHECK(s1 < s2);
  now = 4000;  // clock set back
  HlcStamp s3 = clock.tick();
  CHECK(s2 < s3);
  CHECK(s3.wall_ms == 5000);
  now = 6000;
  HlcStamp s4 = clock.tick();
  CHECK(s4.wall_ms == 6000);
  CHECK(s4.counter == 0);
}

TEST_CASE("HLC observes remote stamps and clamps ones far in the future") {
  int64_t now = 10'000;
  HybridClock clock("a", [&] { return now; });
  CHECK_FALSE(clock.observe(HlcStamp{20'000, 3, "b"}));
  HlcStamp next = clock.tick();
  CHECK(HlcStamp{20'000, 3, "b"} < next);

  bool clamped = clock.observe(HlcStamp{now + HybridClock::kMaxDriftMs * 10, 0, "c"});
  CHECK(clamped);
  CHECK(clock.last_wall_ms() == now + HybridClock::kMaxDriftMs);
}
