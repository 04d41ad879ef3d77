#include "common/log.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

namespace sb::log {
namespace {

boost::json::object parse(const std::string& line) {
  boost::system::error_code ec;
  auto v = boost::json::parse(line, ec);
  EXPECT_FALSE(ec) << line;
  return ec ? boost::json::object{} : v.as_object();
}

TEST(Log, ParsesRustLogStyleLevels) {
  EXPECT_EQ(parse_level("info"), spdlog::level::info);
  EXPECT_EQ(parse_level("WARN"), spdlog::level::warn);
  EXPECT_EQ(parse_level("warning"), spdlog::level::warn);
  EXPECT_EQ(parse_level("debug"), spdlog::level::debug);
  EXPECT_EQ(parse_level("gateway=debug"), spdlog::level::debug);
  EXPECT_EQ(parse_level("warn,gateway=debug"), spdlog::level::debug);
  EXPECT_EQ(parse_level("tensorzero_core=trace, warn"), spdlog::level::trace);
  EXPECT_EQ(parse_level("error,hyper=off"), spdlog::level::err);
  EXPECT_EQ(parse_level("off"), spdlog::level::off);
  EXPECT_FALSE(parse_level("loud").has_value());
  EXPECT_FALSE(parse_level("").has_value());
}

TEST(Log, JsonLineCarriesServiceLevelMessageAndFields) {
  auto line = json_line("2026-01-01T00:00:00.000000Z", spdlog::level::info,
                        "request processed: model=claude_sonnet, provider=anthropic, status=200, "
                        "latency_ms=1234, inference_id=0190f0c2-aaaa-7bbb-8ccc-0123456789ab");
  auto o = parse(line);
  EXPECT_EQ(o["service"], "tensorzero-gateway");
  EXPECT_EQ(o["level"], "INFO");
  EXPECT_EQ(o["timestamp"], "2026-01-01T00:00:00.000000Z");
  EXPECT_EQ(o["message"].as_string().subview().substr(0, 38),
            "request processed: model=claude_sonnet");
  EXPECT_EQ(o["model"], "claude_sonnet");
  EXPECT_EQ(o["provider"], "anthropic");
  EXPECT_EQ(o["status"], 200);
  EXPECT_EQ(o["latency_ms"], 1234);
  EXPECT_EQ(o["inference_id"], "0190f0c2-aaaa-7bbb-8ccc-0123456789ab");
}

TEST(Log, ValuesRunToTheNextKeyAndAreEscaped) {
  auto o = parse(json_line("t", spdlog::level::warn,
                           "request failed: model=m, status=502, error=upstream said \"no\", try "
                           "later\n(retry=2 is not a key here), latency_ms=0"));
  EXPECT_EQ(o["level"], "WARN");
  EXPECT_EQ(o["error"], "upstream said \"no\", try later\n(retry=2 is not a key here)");
  EXPECT_EQ(o["latency_ms"], 0);
}

TEST(Log, LogfmtStyleSpacesSeparateFieldsToo) {
  auto o = parse(json_line("t", spdlog::level::info,
                           "observability exporter configured: backend=sqlite store=data/s.db "
                           "spool=data/spool (max 10 bytes)"));
  EXPECT_EQ(o["backend"], "sqlite");
  EXPECT_EQ(o["store"], "data/s.db");
  EXPECT_EQ(o["spool"], "data/spool (max 10 bytes)");
}

TEST(Log, MessagesWithoutFieldsOrWithReservedKeysStayPlain) {
  auto o = parse(json_line("t", spdlog::level::err, "invalid model configuration: t.toml:3: x"));
  EXPECT_EQ(o.size(), 4u);  // timestamp, level, service, message
  auto r = parse(json_line("t", spdlog::level::info, "x: level=debug, service=evil, id=007"));
  EXPECT_EQ(r["level"], "INFO");
  EXPECT_EQ(r["service"], "tensorzero-gateway");
  EXPECT_EQ(r["id"], "007");  // not a canonical integer: kept as text
}

spdlog::details::log_msg message_at(std::chrono::microseconds since_epoch,
                                    spdlog::level::level_enum level, std::string_view text) {
  spdlog::details::log_msg msg("switchboard", level,
                               spdlog::string_view_t(text.data(), text.size()));
  msg.time = spdlog::log_clock::time_point(since_epoch);
  return msg;
}

std::string formatted(Format format, const spdlog::details::log_msg& msg) {
  spdlog::memory_buf_t out;
  make_formatter(format)->format(msg, out);
  return std::string(out.data(), out.size());
}

TEST(Log, PrettyLinesCarryUtcTimestampLevelAndMessage) {
  // 2026-01-02T03:04:05.000007Z
  auto t = std::chrono::seconds(1767323045) + std::chrono::microseconds(7);
  EXPECT_EQ(
      formatted(Format::kPretty, message_at(t, spdlog::level::info, "request processed: x=1")),
      "2026-01-02T03:04:05.000007Z INFO request processed: x=1\n");
  // The same formatter across a second boundary and a level change.
  auto f = make_formatter(Format::kPretty);
  spdlog::memory_buf_t out;
  f->format(message_at(t, spdlog::level::warn, "a"), out);
  f->format(message_at(t + std::chrono::seconds(61), spdlog::level::err, "b"), out);
  EXPECT_EQ(std::string(out.data(), out.size()),
            "2026-01-02T03:04:05.000007Z WARN a\n2026-01-02T03:05:06.000007Z ERROR b\n");
}

TEST(Log, JsonLinesAreTheJsonLineWithTheirTimestamp) {
  auto t = std::chrono::seconds(1767323045) + std::chrono::microseconds(123456);
  auto msg = message_at(t, spdlog::level::info, "request processed: model=m, status=200");
  EXPECT_EQ(formatted(Format::kJson, msg),
            json_line("2026-01-02T03:04:05.123456Z", spdlog::level::info,
                      "request processed: model=m, status=200") +
                "\n");
}

}  // namespace
}  // namespace sb::log
