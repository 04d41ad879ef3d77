#include "api/openai/embeddings_decode.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>
#include <boost/json.hpp>

namespace sb::api::openai {
namespace {

namespace json = boost::json;

json::value testdata(std::string_view name) {
  std::ifstream in(std::string(SB_TESTDATA_DIR) + "/openai_embeddings/" + std::string(name));
  std::stringstream ss;
  ss << in.rdbuf();
  return json::parse(ss.str());
}

json::object canonical(const EmbeddingBody& b) {
  const EmbeddingRequest& r = b.request;
  json::array input;
  for (const auto& s : r.input) input.emplace_back(s);
  json::object o;
  o["model"] = r.model;
  o["input"] = std::move(input);
  o["dimensions"] = r.dimensions ? json::value(*r.dimensions) : json::value(nullptr);
  o["base64"] = r.base64;
  o["user"] = r.user;
  o["dryrun"] = r.dryrun;
  o["episode_id"] = b.episode_id;
  o["credentials"] = r.credentials;
  o["tags"] = b.tags;
  return o;
}

TEST(EmbeddingsDecode, DecodesEveryAcceptedBody) {
  json::value data = testdata("client_requests.json");
  const json::array& cases = data.at("cases").as_array();
  ASSERT_GE(cases.size(), 4u);
  for (const json::value& c : cases) {
    SCOPED_TRACE(json::serialize(c.at("name")));
    auto r = decode_embedding_request(json::serialize(c.at("body")));
    ASSERT_TRUE(r.has_value()) << r.error().message;
    EXPECT_EQ(json::value(canonical(*r)), c.at("expected")) << json::serialize(canonical(*r));
  }
}

TEST(EmbeddingsDecode, RejectsEveryBadBodyNamingTheField) {
  json::value data = testdata("client_errors.json");
  const json::array& cases = data.at("cases").as_array();
  ASSERT_GE(cases.size(), 20u);
  for (const json::value& c : cases) {
    SCOPED_TRACE(json::serialize(c.at("name")));
    const json::object& o = c.as_object();
    std::string body = o.contains("body_text") ? std::string(o.at("body_text").as_string())
                                               : json::serialize(o.at("body"));
    auto r = decode_embedding_request(body);
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(error_code_name(r.error().code), o.at("code").as_string());
    EXPECT_EQ(r.error().param, o.at("param").as_string());
    EXPECT_EQ(to_http(r.error()).status, 400);
    if (const json::value* m = o.if_contains("message")) {
      EXPECT_EQ(r.error().message, m->as_string());
    }
  }
}

}  // namespace
}  // namespace sb::api::openai
