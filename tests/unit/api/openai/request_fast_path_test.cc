#include "api/openai/request_fast_path.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <boost/json.hpp>

#include "api/openai/request_decoder.h"

namespace sb::api::openai {
namespace {

namespace json = boost::json;

// Every field of a decoded request, in one comparable string.
std::string describe(const ChatRequest& r) {
  std::ostringstream o;
  auto opt = [&o](const auto& v) {
    if (v) {
      o << *v;
    } else {
      o << "-";
    }
    o << "|";
  };
  o << r.model << "|" << r.messages.size() << "|";
  for (const Message& m : r.messages) {
    o << int(m.role) << ":" << m.content_is_text << ":" << m.text << ":" << m.parts.size() << ":"
      << m.name << ":" << m.tool_calls.size() << ":" << m.tool_call_id << ":" << m.reasoning << ":"
      << m.reasoning_signature << "|";
  }
  opt(r.temperature);
  opt(r.top_p);
  opt(r.presence_penalty);
  opt(r.frequency_penalty);
  opt(r.max_tokens);
  for (const auto& s : r.stop) o << s << ",";
  o << "|";
  opt(r.seed);
  o << r.user << "|" << r.tools.size() << "|" << int(r.tool_choice.mode) << "|";
  opt(r.parallel_tool_calls);
  o << int(r.response_format.type) << "|" << r.reasoning_effort << "|";
  opt(r.thinking_budget);
  o << r.stream << r.include_usage << "|" << r.episode_id << "|" << json::serialize(r.credentials)
    << json::serialize(r.tags) << r.dryrun;
  return o.str();
}

TEST(RequestFastPath, ReadsCommonRequestsExactlyAsTheFullDecoder) {
  for (std::string_view body : {
           R"({"model":"m","messages":[{"role":"user","content":"hi"}]})",
           R"({"messages":[{"role":"system","content":"be brief","name":null},
                {"role":"developer","content":""},{"role":"user","content":"a\"b\u00e9","name":"ann"},
                {"role":"assistant","content":"ok"}],"model":"openai::gpt-4o"})",
           R"({"model":"m","messages":[{"role":"user","content":"x"}],"temperature":0,"top_p":1,
                "presence_penalty":-2,"frequency_penalty":1.5,"max_tokens":100,
                "max_completion_tokens":50,"n":1,"seed":-7,"stop":"\n","user":"u1",
                "reasoning_effort":"low","parallel_tool_calls":false,"stream":true,
                "stream_options":{"include_usage":true}})",
           R"({"model":"m","messages":[{"role":"user","content":"x"}],"stop":["a","b","c","d"],
                "temperature":null,"n":null,"stream_options":null,"max_tokens":5})",
           R"({"model":"m","messages":[{"role":"user","content":"x"}],"temperature":2.0,
                "stream_options":{"include_usage":null},"max_completion_tokens":9007199254740993})",
       }) {
    SCOPED_TRACE(body);
    auto fast = decode_common_request(body);
    ASSERT_TRUE(fast.has_value());
    auto full = decode_chat_request_dom(body);
    ASSERT_TRUE(full.has_value()) << full.error().message;
    EXPECT_EQ(describe(*fast), describe(*full));
  }
}

TEST(RequestFastPath, NeverAcceptsWhatTheFullDecoderRejects) {
  std::ifstream in(std::string(SB_TESTDATA_DIR) + "/openai/client_errors.json");
  std::stringstream ss;
  ss << in.rdbuf();
  json::array cases = json::parse(ss.str()).as_array();
  ASSERT_GE(cases.size(), 80u);
  for (const json::value& c : cases) {
    SCOPED_TRACE(std::string(c.at("name").as_string()));
    std::string body = c.as_object().contains("raw") ? std::string(c.at("raw").as_string())
                                                     : json::serialize(c.at("body"));
    EXPECT_FALSE(decode_common_request(body).has_value()) << body;
  }
}

TEST(RequestFastPath, LeavesOtherShapesToTheFullDecoder) {
  for (
      std::string_view body : {
          R"({"model":"m","messages":[{"role":"user","content":"x"}],"tools":[]})",
          R"({"model":"m","messages":[{"role":"user","content":"x"}],"logprobs":true})",
          R"({"model":"m","messages":[{"role":"user","content":"x"}],"tensorzero::episode_id":"0192d3a0-0000-7000-8000-000000000000"})",
          R"({"model":"m","messages":[{"role":"user","content":[{"type":"text","text":"x"}]}]})",
          R"({"model":"m","messages":[{"role":"tool","content":"x","tool_call_id":"c"}]})",
          R"({"model":"m","messages":[{"role":"assistant","content":null}]})",
          R"({"model":"m","messages":[{"role":"assistant","content":"x","reasoning_content":"r"}]})",
          R"({"model":"m","messages":[{"role":"user","content":"x"}],"stream_options":{"other":1}})",
          R"({"model":"m","model":"n","messages":[{"role":"user","content":"x"}]})",
          R"({"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":10.0})",
      }) {
    EXPECT_FALSE(decode_common_request(body).has_value()) << body;
    EXPECT_TRUE(decode_chat_request(body).has_value()) << body;  // the full decoder takes them
  }
}

}  // namespace
}  // namespace sb::api::openai
