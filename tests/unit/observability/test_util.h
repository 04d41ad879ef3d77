#pragma once

// Helpers for the observability tests: temporary directories and sample records.

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "common/ids.h"
#include "observability/record.h"

namespace sb::observability::testing {

// A fresh directory under the system temp dir, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::string pattern = (std::filesystem::temp_directory_path() / "sb-obs-XXXXXX").string();
    path_ = mkdtemp(pattern.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// A finished chat inference with two attempts (a failure, then the answer).
inline std::shared_ptr<InferenceRecord> sample_record(std::string model = "gpt") {
  auto r = std::make_shared<InferenceRecord>();
  r->id = ids::uuid_v7();
  r->episode_id = ids::uuid_v7();
  r->timestamp_ms = 1717243200123;
  r->endpoint = "chat_completions";
  r->stream = true;
  r->model_requested = model;
  r->model = model;
  r->provider = "second";
  r->provider_type = "openai";
  r->upstream_model = "gpt-4o-2024";
  r->http_status = 200;
  r->status = "ok";
  r->input_json = R"([{"role":"user","content":"hi"}])";
  r->output_text = "hello";
  r->reasoning_text = "thinking";
  r->tool_calls_json = "[]";
  r->finish_reason = "stop";
  r->params_json =
      R"({"temperature":0.5,"max_completion_tokens":64,"tools":[{"type":"function"}],"seed":7})";
  r->tags_json = R"({"user":"u1","team":"a"})";
  r->usage = api::Usage{.input_tokens = 3,
                        .output_tokens = 5,
                        .reasoning_tokens = 2,
                        .cache_read_tokens = 1,
                        .cache_write_tokens = 0};
  r->latency_us = 12500;
  r->ttft_us = 3000;
  r->upstream_us = 11000;
  r->attempts.push_back(AttemptRecord{.id = ids::uuid_v7(),
                                      .number = 1,
                                      .model = model,
                                      .provider = "first",
                                      .provider_type = "openai",
                                      .upstream_model = "x",
                                      .http_status = 500,
                                      .error_code = "upstream_server_error",
                                      .error = "boom",
                                      .latency_us = 1000,
                                      .raw_request = "{\"a\":1}",
                                      .raw_response = "oops"});
  r->attempts.push_back(AttemptRecord{.id = ids::uuid_v7(),
                                      .number = 2,
                                      .model = model,
                                      .provider = "second",
                                      .provider_type = "openai",
                                      .upstream_model = "gpt-4o-2024",
                                      .http_status = 200,
                                      .latency_us = 10000,
                                      .ttft_us = 2000,
                                      .usage = r->usage,
                                      .raw_request = "{}",
                                      .raw_response = "data: {}"});
  return r;
}

}  // namespace sb::observability::testing
