// Tests for src/common/sse_parser (kept with the provider tests: the stream decoders are its
// users).

#include "common/sse_parser.h"

#include <gtest/gtest.h>

namespace sb {
namespace {

struct Parsed {
  std::vector<SseEvent> events;
  std::optional<Error> error;
};

// Feeds `bytes` cut at `cuts`, then finish() when `finish` is set.
Parsed parse(std::string_view bytes, std::vector<size_t> cuts = {}, bool finish = true,
             SseOptions options = {}) {
  SseParser parser(options);
  Parsed p;
  size_t at = 0;
  cuts.push_back(bytes.size());
  for (size_t cut : cuts) {
    auto st = parser.feed(bytes.substr(at, cut - at), p.events);
    at = cut;
    if (!st) {
      p.error = st.error();
      return p;
    }
  }
  if (finish) {
    if (auto st = parser.finish(p.events); !st) p.error = st.error();
  }
  return p;
}

std::vector<std::string> datas(const Parsed& p) {
  std::vector<std::string> out;
  for (const auto& e : p.events) out.push_back(e.data);
  return out;
}

using Strings = std::vector<std::string>;

TEST(SseParser, DispatchesOnBlankLine) {
  Parsed p = parse("data: one\n\ndata: two\n\n", {}, false);
  EXPECT_EQ(datas(p), (Strings{"one", "two"}));
  EXPECT_EQ(p.events[0].event, "");
}

TEST(SseParser, AcceptsLfCrLfAndCrLineEndings) {
  for (std::string_view s : {"data: a\n\ndata: b\n\n", "data: a\r\n\r\ndata: b\r\n\r\n",
                             "data: a\r\rdata: b\r\r", "data: a\r\n\ndata: b\r\r\n"}) {
    EXPECT_EQ(datas(parse(s, {}, false)), (Strings{"a", "b"})) << s;
  }
}

TEST(SseParser, CrLfSplitAcrossFeedsIsOneLineEnding) {
  // If the '\n' after a '\r' that ended a feed counted as a second line ending, "a" would be
  // dispatched alone before "b" arrives.
  Parsed p = parse("data: a\r\ndata: b\r\n\r\n", {8}, false);
  EXPECT_EQ(datas(p), (Strings{"a\nb"}));
}

TEST(SseParser, JoinsMultipleDataLinesWithNewline) {
  EXPECT_EQ(datas(parse("data: a\ndata:b\ndata:  c\ndata\n\n")), (Strings{"a\nb\n c\n"}));
}

TEST(SseParser, StripsOnlyOneSpaceAfterTheColon) {
  EXPECT_EQ(datas(parse("data:   x \n\n")), (Strings{"  x "}));
}

TEST(SseParser, IgnoresCommentsAndUnknownFields) {
  Parsed p = parse(": OPENROUTER PROCESSING\n\n:\nfoo: bar\ndata: x\n: mid-event comment\n\n");
  EXPECT_EQ(datas(p), (Strings{"x"}));
}

TEST(SseParser, EventWithoutDataIsNotDispatchedAndResetsType) {
  Parsed p = parse("event: ping\n\ndata: x\n\n");
  ASSERT_EQ(p.events.size(), 1u);
  EXPECT_EQ(p.events[0].event, "");  // the type of the data-less event does not leak
  EXPECT_EQ(p.events[0].data, "x");
}

TEST(SseParser, EmptyDataLineIsAnEvent) {
  Parsed p = parse("data:\n\n");
  ASSERT_EQ(p.events.size(), 1u);
  EXPECT_EQ(p.events[0].data, "");
}

TEST(SseParser, KeepsEventTypeAndLastEventId) {
  Parsed p = parse("event: error\nid: 7\ndata: boom\n\ndata: next\n\n");
  ASSERT_EQ(p.events.size(), 2u);
  EXPECT_EQ(p.events[0].event, "error");
  EXPECT_EQ(p.events[0].id, "7");
  EXPECT_EQ(p.events[1].event, "");
  EXPECT_EQ(p.events[1].id, "7");  // the last event id persists across events
}

TEST(SseParser, IdContainingNulIsIgnored) {
  std::string s = "id: 1\ndata: a\n\nid: 2";
  s.push_back('\0');
  s += "x\ndata: b\n\n";
  Parsed p = parse(s);
  ASSERT_EQ(p.events.size(), 2u);
  EXPECT_EQ(p.events[1].id, "1");
}

TEST(SseParser, RetryTakesOnlyDigits) {
  SseParser parser;
  std::vector<SseEvent> out;
  ASSERT_TRUE(parser.feed("retry: 1500\nretry: 12a\nretry: -4\nretry:\n", out));
  EXPECT_EQ(parser.retry_ms(), 1500);
  EXPECT_TRUE(out.empty());
}

TEST(SseParser, FinalEventWithoutBlankLineWaitsForFinish) {
  SseParser parser;
  std::vector<SseEvent> out;
  ASSERT_TRUE(parser.feed("data: a\n\ndata: last\n", out));
  EXPECT_EQ(out.size(), 1u);
  ASSERT_TRUE(parser.finish(out));
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].data, "last");
}

TEST(SseParser, FinishProcessesAnUnterminatedLastLine) {
  EXPECT_EQ(datas(parse("data: a\n\ndata: [DONE]")), (Strings{"a", "[DONE]"}));
  EXPECT_EQ(datas(parse("data: a\n\ndata: [DONE]", {}, false)), (Strings{"a"}));
}

TEST(SseParser, StripsLeadingByteOrderMark) {
  EXPECT_EQ(datas(parse("\xEF\xBB\xBF"
                        "data: a\n\n\xEF\xBB\xBF"
                        "data: b\n\n")),
            (Strings{"a"}));  // a BOM later in the stream is part of a field name: ignored
}

TEST(SseParser, BufferedCountsHeldBackBytes) {
  SseParser parser;
  std::vector<SseEvent> out;
  ASSERT_TRUE(parser.feed("data: abc", out));
  EXPECT_EQ(parser.buffered(), 9u);
  ASSERT_TRUE(parser.feed("\n", out));
  EXPECT_EQ(parser.buffered(), 4u);  // "abc\n" waits for the blank line
  ASSERT_TRUE(parser.feed("\n", out));
  EXPECT_EQ(parser.buffered(), 0u);
}

TEST(SseParser, OverlongLineIsAnErrorAndTheParserStaysSpent) {
  SseOptions small{.max_line_bytes = 16, .max_event_bytes = 64};
  Parsed p = parse("data: 0123456789abcdef\n\n", {}, true, small);
  ASSERT_TRUE(p.error.has_value());
  EXPECT_EQ(p.error->code, ErrorCode::kUpstreamBadResponse);
  EXPECT_EQ(p.error->message, "event stream line longer than 16 bytes");
  // The same line split in pieces is caught too, and later feeds keep failing.
  SseParser parser(small);
  std::vector<SseEvent> out;
  ASSERT_TRUE(parser.feed("data: 0123", out));
  EXPECT_FALSE(parser.feed("456789abcdef", out));
  EXPECT_FALSE(parser.feed("\n\n", out));
  EXPECT_FALSE(parser.finish(out));
  EXPECT_TRUE(out.empty());
}

TEST(SseParser, OverlargeEventIsAnError) {
  SseOptions small{.max_line_bytes = 16, .max_event_bytes = 20};
  Parsed p = parse("data: 0123456789\ndata: 0123456789\n\n", {}, true, small);
  ASSERT_TRUE(p.error.has_value());
  EXPECT_EQ(p.error->message, "event stream event larger than 20 bytes");
}

TEST(SseParser, SplitAtEveryByteGivesTheSameEvents) {
  const std::string stream =
      "\xEF\xBB\xBF: hi\r\n"
      "event: delta\r\nid: 1\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\n"
      "data: two\n\n"
      "data: three\r\r"
      "retry: 10\ndata:four\r\n\n"
      "data: last";
  Parsed whole = parse(stream);
  ASSERT_EQ(datas(whole), (Strings{"{\"a\":\n1}", "two", "three", "four", "last"}));
  for (size_t a = 1; a < stream.size(); ++a) {
    Parsed p = parse(stream, {a});
    ASSERT_EQ(datas(p), datas(whole)) << "split at " << a;
    ASSERT_EQ(p.events[0].event, "delta");
    ASSERT_EQ(p.events[4].id, "1");
    for (size_t b = a + 1; b < stream.size(); b += 7) {  // and a second cut after it
      ASSERT_EQ(datas(parse(stream, {a, b})), datas(whole)) << "split at " << a << ", " << b;
    }
  }
}

}  // namespace
}  // namespace sb
