#include "observability/rows.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "observability/crc32.h"
#include "test_util.h"

namespace sb::observability {
namespace {

using testing::sample_record;

const Row* find(const std::vector<Row>& rows, Table t, size_t nth = 0) {
  for (const auto& r : rows) {
    if (r.table == t && nth-- == 0) return &r;
  }
  return nullptr;
}

TEST(Rows, OneInferenceMakesRequestParamsAndOneRowPerAttempt) {
  auto record = sample_record();
  std::vector<Row> rows;
  append_rows(*record, rows);
  ASSERT_EQ(rows.size(), 4u);
  const auto& req = find(rows, Table::kRequests)->values;
  EXPECT_EQ(req.at("id").as_string(), record->id);
  EXPECT_EQ(req.at("episode_id").as_string(), record->episode_id);
  EXPECT_EQ(req.at("timestamp").as_int64(), 1717243200);
  EXPECT_EQ(req.at("stream").as_int64(), 1);
  EXPECT_EQ(req.at("prompt_tokens").as_int64(), 3);
  EXPECT_EQ(req.at("completion_tokens").as_int64(), 5);
  EXPECT_EQ(req.at("reasoning_tokens").as_int64(), 2);
  EXPECT_EQ(req.at("cached_tokens").as_int64(), 1);
  EXPECT_DOUBLE_EQ(req.at("latency_ms").as_double(), 12.5);
  EXPECT_DOUBLE_EQ(req.at("ttft_ms").as_double(), 3.0);
  EXPECT_DOUBLE_EQ(req.at("overhead_ms").as_double(), 1.5);
  EXPECT_EQ(req.at("attempts").as_int64(), 2);
  EXPECT_EQ(req.at("tag_keys").as_array().size(), 2u);
  EXPECT_EQ(req.at("tags").as_string(), R"({"user":"u1","team":"a"})");

  const auto& params = find(rows, Table::kInferenceParams)->values;
  EXPECT_EQ(params.at("request_id").as_string(), record->id);
  EXPECT_DOUBLE_EQ(params.at("temperature").as_double(), 0.5);
  EXPECT_EQ(params.at("max_tokens").as_int64(), 64);
  EXPECT_TRUE(params.at("top_p").is_null());
  EXPECT_EQ(params.at("tools").as_string(), R"([{"type":"function"}])");
  EXPECT_EQ(params.at("params").as_string(),
            R"({"temperature":5E-1,"max_completion_tokens":64,"seed":7})");

  const auto& failed = find(rows, Table::kModelInferences, 0)->values;
  EXPECT_EQ(failed.at("request_id").as_string(), record->id);
  EXPECT_EQ(failed.at("attempt").as_int64(), 1);
  EXPECT_EQ(failed.at("status").as_string(), "error");
  EXPECT_EQ(failed.at("error_type").as_string(), "upstream_server_error");
  EXPECT_TRUE(failed.at("prompt_tokens").is_null());
  EXPECT_TRUE(failed.at("ttft_ms").is_null());
  const auto& answered = find(rows, Table::kModelInferences, 1)->values;
  EXPECT_EQ(answered.at("status").as_string(), "ok");
  EXPECT_EQ(answered.at("provider").as_string(), "second");
  EXPECT_DOUBLE_EQ(answered.at("ttft_ms").as_double(), 2.0);
}

TEST(Rows, MissingUsageAndNonStreamingGiveNulls) {
  auto record = sample_record();
  record->usage.reset();
  record->stream = false;
  std::vector<Row> rows;
  append_rows(*record, rows);
  const auto& req = rows[0].values;
  EXPECT_TRUE(req.at("prompt_tokens").is_null());
  EXPECT_TRUE(req.at("ttft_ms").is_null());
  EXPECT_EQ(req.at("stream").as_int64(), 0);
}

TEST(Rows, RawBodiesAreBoundedOnACharacterBoundary) {
  auto record = sample_record();
  record->attempts[0].raw_response = std::string(kMaxRawBodyBytes - 1, 'a') + "\xC3\xA9" + "tail";
  std::vector<Row> rows;
  append_rows(*record, rows);
  const auto& raw = find(rows, Table::kModelInferences)->values.at("raw_response").as_string();
  EXPECT_EQ(raw.size(), kMaxRawBodyBytes - 1);
}

TEST(Rows, EncodeDecodeRoundTrips) {
  std::vector<Row> rows;
  append_rows(*sample_record(), rows);
  auto text = encode_rows(rows);
  auto back = decode_rows(text);
  ASSERT_TRUE(back) << back.error();
  ASSERT_EQ(back->size(), rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    EXPECT_EQ((*back)[i].table, rows[i].table);
    EXPECT_EQ((*back)[i].values, rows[i].values);
  }
}

TEST(Rows, DecodeRefusesGarbage) {
  EXPECT_FALSE(decode_rows("requests\t{\"a\":1}"));   // no newline
  EXPECT_FALSE(decode_rows("nope\t{}\n"));            // unknown table
  EXPECT_FALSE(decode_rows("requests\tnot json\n"));  // bad JSON
  EXPECT_FALSE(decode_rows("requests {}\n"));         // no tab
  EXPECT_TRUE(decode_rows(""));
}

TEST(Crc32, MatchesTheStandardCheckValue) {
  EXPECT_EQ(crc32("123456789"), 0xCBF43926u);
  EXPECT_EQ(crc32(""), 0u);
}

}  // namespace
}  // namespace sb::observability
