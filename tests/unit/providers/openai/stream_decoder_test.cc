#include "providers/openai/stream_decoder.h"

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "golden.h"

namespace sb::providers::openai {
namespace {

namespace json = boost::json;
using sb::testing::files_in;
using sb::testing::read_file;
using sb::testing::read_json;

// A decoded stream in the fixtures' expected form: only fields that are set appear.
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
  OpenAIStreamDecoder decoder;
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
  std::string sse;
  json::object expected;
};

std::vector<Fixture> fixtures() {
  std::vector<Fixture> out;
  for (const std::string& path : files_in("openai/streams", ".sse")) {
    std::string base = path.substr(0, path.size() - 4);
    json::object expected = read_json(base + ".json").as_object();
    expected.erase("description");
    out.push_back({sb::testing::stem(path), read_file(path), std::move(expected)});
  }
  return out;
}

TEST(OpenAIStreamDecoder, DecodesEveryFixture) {
  auto all = fixtures();
  ASSERT_GE(all.size(), 11u);
  for (const Fixture& f : all) {
    SCOPED_TRACE(f.name);
    json::object got = decode(f.sse);
    EXPECT_EQ(got, f.expected) << "got:      " << json::serialize(got)
                               << "\nexpected: " << json::serialize(f.expected);
  }
}

TEST(OpenAIStreamDecoder, EveryFixtureSplitAtEveryByteDecodesTheSame) {
  for (const Fixture& f : fixtures()) {
    SCOPED_TRACE(f.name);
    for (size_t cut = 1; cut < f.sse.size(); ++cut) {
      json::object got = decode(f.sse, {cut});
      ASSERT_EQ(got, f.expected) << "split at byte " << cut << ": " << json::serialize(got);
    }
  }
}

TEST(OpenAIStreamDecoder, EveryFixtureFedOneByteAtATimeDecodesTheSame) {
  for (const Fixture& f : fixtures()) {
    SCOPED_TRACE(f.name);
    std::vector<size_t> cuts;
    for (size_t i = 1; i < f.sse.size(); ++i) cuts.push_back(i);
    EXPECT_EQ(decode(f.sse, cuts), f.expected);
  }
}

TEST(OpenAIStreamDecoder, IgnoresEverythingAfterDone) {
  json::object got = decode(
      "data: [DONE]\n\n"
      "data: {\"model\":\"m\",\"choices\":[{\"delta\":{\"content\":\"late\"}}]}\n\n"
      "data: {\"error\":{\"message\":\"late error\"}}\n\n");
  EXPECT_EQ(got.at("chunks").as_array().size(), 0u);
  EXPECT_TRUE(got.at("finished").as_bool());
  EXPECT_TRUE(got.at("error").is_null());
}

TEST(OpenAIStreamDecoder, NonObjectJsonFramesAreMalformed) {
  json::object got = decode("data: [1,2]\n\ndata: \"text\"\n\ndata: 42\n\n");
  EXPECT_EQ(got.at("malformed").as_int64(), 3);
  EXPECT_FALSE(got.at("finished").as_bool());
}

TEST(OpenAIStreamDecoder, ChunksWithNothingInThemAreDropped) {
  json::object got = decode(
      "data: {\"model\":\"m\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":null}]}\n\n"
      "data: {\"model\":\"m\",\"choices\":[]}\n\n");
  EXPECT_EQ(got.at("chunks").as_array().size(), 0u);
  EXPECT_EQ(got.at("malformed").as_int64(), 0);
}

TEST(OpenAIStreamDecoder, AnOverlongLineFailsTheStream) {
  OpenAIStreamDecoder decoder;
  std::vector<api::StreamChunk> out;
  std::string piece(1 << 20, 'a');
  std::expected<void, Error> st = decoder.feed("data: ", out);
  for (int i = 0; i < 9 && st; ++i) st = decoder.feed(piece, out);
  ASSERT_FALSE(st.has_value());
  EXPECT_EQ(st.error().code, ErrorCode::kUpstreamBadResponse);
  EXPECT_FALSE(decoder.feed("\n\n", out).has_value());  // spent
}

TEST(OpenAIStreamDecoder, EventErrorWithoutJsonKeepsItsText) {
  json::object got = decode("event: error\ndata: upstream exploded\n\n");
  ASSERT_TRUE(got.at("error").is_object());
  EXPECT_EQ(got.at("error").at("message"), "upstream reported an error: upstream exploded");
  EXPECT_EQ(got.at("malformed").as_int64(), 0);
}

TEST(OpenAIStreamDecoder, InStreamRateLimitIsClassifiedByItsCode) {
  json::object got = decode("data: {\"error\":{\"code\":429,\"message\":\"slow down\"}}\n\n");
  EXPECT_EQ(got.at("error").at("code"), "rate_limit_exceeded");
  EXPECT_EQ(got.at("error").at("status"), 429);
}

}  // namespace
}  // namespace sb::providers::openai
