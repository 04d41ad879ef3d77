#include "providers/ollama/stream_decoder.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "../openai/golden.h"

namespace sb::providers::ollama {
namespace {

namespace json = boost::json;
using sb::testing::files_in;
using sb::testing::read_file;
using sb::testing::read_json;

json::object chunk_json(const api::StreamChunk& c) {
  json::object o;
  if (!c.model.empty()) o["model"] = c.model;
  if (c.role) o["role"] = true;
  if (!c.text.empty()) o["text"] = c.text;
  if (!c.reasoning.empty()) o["reasoning"] = c.reasoning;
  if (!c.tool_calls.empty()) {
    json::array calls;
    for (const api::ToolCallDelta& t : c.tool_calls) {
      json::object d{{"index", t.index}};
      if (!t.id.empty()) d["id"] = t.id;
      if (!t.name.empty()) d["name"] = t.name;
      d["arguments"] = t.arguments;
      calls.push_back(std::move(d));
    }
    o["tool_calls"] = std::move(calls);
  }
  if (c.finish_reason != api::FinishReason::kNone) {
    o["finish_reason"] = api::finish_reason_name(c.finish_reason);
  }
  if (c.usage) {
    o["usage"] = json::object{{"input_tokens", c.usage->input_tokens},
                              {"output_tokens", c.usage->output_tokens},
                              {"reasoning_tokens", c.usage->reasoning_tokens},
                              {"cache_read_tokens", c.usage->cache_read_tokens}};
  }
  return o;
}

// Feeds `bytes` in pieces cut at `cuts`, then finish(); stops at the first error.
json::object decode(std::string_view bytes, std::vector<size_t> cuts = {}) {
  OllamaStreamDecoder decoder;
  std::vector<api::StreamChunk> chunks;
  std::expected<void, Error> st;
  size_t at = 0;
  cuts.push_back(bytes.size());
  for (size_t cut : cuts) {
    st = decoder.feed(bytes.substr(at, cut - at), chunks);
    at = cut;
    if (!st) break;
  }
  if (st) st = decoder.finish(chunks);
  json::array out;
  for (const auto& c : chunks) out.push_back(chunk_json(c));
  json::value error = nullptr;
  if (!st) {
    error = json::object{{"code", error_code_name(st.error().code)},
                         {"status", st.error().status},
                         {"message", st.error().message}};
  }
  return json::object{{"chunks", std::move(out)},
                      {"finished", decoder.finished()},
                      {"malformed", decoder.malformed()},
                      {"error", std::move(error)}};
}

struct Fixture {
  std::string name;
  std::string ndjson;
  json::object expected;
};

std::vector<Fixture> fixtures() {
  std::vector<Fixture> out;
  for (const std::string& path : files_in("ollama/streams", ".ndjson")) {
    std::string base = path.substr(0, path.size() - 7);
    json::object expected = read_json(base + ".json").as_object();
    expected.erase("description");
    out.push_back({sb::testing::stem(path), read_file(path), std::move(expected)});
  }
  return out;
}

TEST(OllamaStreamDecoder, DecodesEveryFixture) {
  auto all = fixtures();
  ASSERT_GE(all.size(), 7u);
  for (const Fixture& f : all) {
    SCOPED_TRACE(f.name);
    json::object got = decode(f.ndjson);
    EXPECT_EQ(got, f.expected) << "got:      " << json::serialize(got)
                               << "\nexpected: " << json::serialize(f.expected);
  }
}

TEST(OllamaStreamDecoder, EveryFixtureSplitAtEveryByteDecodesTheSame) {
  for (const Fixture& f : fixtures()) {
    SCOPED_TRACE(f.name);
    for (size_t cut = 1; cut < f.ndjson.size(); ++cut) {
      json::object got = decode(f.ndjson, {cut});
      ASSERT_EQ(got, f.expected) << "split at byte " << cut << ": " << json::serialize(got);
    }
  }
}

TEST(OllamaStreamDecoder, EveryFixtureFedOneByteAtATimeDecodesTheSame) {
  for (const Fixture& f : fixtures()) {
    SCOPED_TRACE(f.name);
    std::vector<size_t> cuts;
    for (size_t i = 1; i < f.ndjson.size(); ++i) cuts.push_back(i);
    EXPECT_EQ(decode(f.ndjson, cuts), f.expected);
  }
}

TEST(OllamaStreamDecoder, AFinalLineWithoutNewlineIsDecodedOnlyAtFinish) {
  OllamaStreamDecoder decoder;
  std::vector<api::StreamChunk> out;
  ASSERT_TRUE(decoder.feed(
      R"({"model":"m","message":{"content":"x"},"done":true,"done_reason":"stop"})", out));
  EXPECT_TRUE(out.empty());
  EXPECT_FALSE(decoder.finished());
  ASSERT_TRUE(decoder.finish(out));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].text, "x");
  EXPECT_EQ(out[0].finish_reason, api::FinishReason::kStop);
  EXPECT_TRUE(decoder.finished());
}

TEST(OllamaStreamDecoder, AnOverlongLineFailsTheStream) {
  OllamaStreamDecoder decoder;
  std::vector<api::StreamChunk> out;
  std::string piece(1 << 20, 'a');
  std::expected<void, Error> st = decoder.feed("{\"x\":\"", out);
  for (int i = 0; i < 9 && st; ++i) st = decoder.feed(piece, out);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, ErrorCode::kUpstreamBadResponse);
  EXPECT_FALSE(decoder.feed("\n", out).has_value());  // spent
}

TEST(OllamaStreamDecoder, ContextLengthErrorLineIsClassified) {
  json::object got = decode("{\"error\":\"the input length exceeds the context length\"}\n");
  ASSERT_TRUE(got.at("error").is_object());
  EXPECT_EQ(got.at("error").at("message"),
            "upstream reported an error: the input length exceeds the context length");
}

TEST(NdjsonSplitter, SplitsLinesAnywhereAndDropsBlankOnes) {
  NdjsonSplitter s(16);
  std::vector<std::string> lines;
  auto on_line = [&lines](std::string_view l) { lines.emplace_back(l); };
  ASSERT_TRUE(s.feed("ab", on_line));
  ASSERT_TRUE(s.feed("c\r", on_line));
  ASSERT_TRUE(s.feed("\n\n \r\nd\ne", on_line));
  EXPECT_EQ(s.buffered(), 1u);
  ASSERT_TRUE(s.finish(on_line));
  EXPECT_EQ(lines, (std::vector<std::string>{"abc", "d", "e"}));
  auto too_long = s.feed(std::string(17, 'x'), on_line);
  ASSERT_FALSE(too_long.has_value());
  EXPECT_FALSE(s.finish(on_line).has_value());
}

}  // namespace
}  // namespace sb::providers::ollama
