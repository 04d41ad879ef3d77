#include "observability/clickhouse/url.h"

#include <gtest/gtest.h>

#include "observability/clickhouse/ddl.h"

namespace sb::observability::clickhouse {
namespace {

TEST(ClickHouseUrl, ParsesTheSpecShape) {
  auto u = parse_url("http://user:pass@host:8123/db", std::nullopt);
  ASSERT_TRUE(u) << u.error();
  EXPECT_EQ(u->base, "http://host:8123");
  EXPECT_EQ(u->user, "user");
  EXPECT_EQ(u->password, "pass");
  EXPECT_EQ(u->database, "db");
  EXPECT_EQ(u->redacted(), "http://user:***@host:8123/db");
}

TEST(ClickHouseUrl, TakesAMissingPasswordFromTheEnvironment) {
  auto u = parse_url("http://chuser@clickhouse:8123/tensorzero", std::string("s3cret"));
  ASSERT_TRUE(u);
  EXPECT_EQ(u->password, "s3cret");
  auto kept = parse_url("http://a:inline@h/db", std::string("env"));
  EXPECT_EQ(kept->password, "inline");
}

TEST(ClickHouseUrl, DefaultsPortUserAndDatabase) {
  auto u = parse_url("http://clickhouse", std::nullopt);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->base, "http://clickhouse:8123");
  EXPECT_EQ(u->user, "default");
  EXPECT_EQ(u->database, "default");
  EXPECT_EQ(parse_url("https://h/", std::nullopt)->base, "https://h:8443");
}

TEST(ClickHouseUrl, DecodesPercentEscapesAndKeepsQueryParameters) {
  auto u = parse_url("http://u%40x:p%3Aw@h:9000/db?secure=1", std::nullopt);
  ASSERT_TRUE(u);
  EXPECT_EQ(u->user, "u@x");
  EXPECT_EQ(u->password, "p:w");
  EXPECT_EQ(u->query, "secure=1");
}

TEST(ClickHouseUrl, RefusesWhatItCannotUse) {
  EXPECT_FALSE(parse_url("clickhouse:8123", std::nullopt));
  EXPECT_FALSE(parse_url("tcp://h:9000/db", std::nullopt));
  EXPECT_FALSE(parse_url("http://h/my-db", std::nullopt));
  EXPECT_FALSE(parse_url("http://u:p%zz@h/db", std::nullopt));
  auto e = parse_url("http://u:hunter2@h/bad;db", std::nullopt);
  ASSERT_FALSE(e);
  EXPECT_EQ(e.error().find("hunter2"), std::string::npos);
}

TEST(ClickHouseDdl, UsesOnlyTypesClickHouse1816Knows) {
  for (const auto& table : schemas()) {
    std::string sql = create_table("db", table);
    EXPECT_NE(sql.find("ENGINE = ReplacingMergeTree() PARTITION BY toYYYYMM(timestamp) ORDER BY"),
              std::string::npos);
    for (const char* newer : {"DateTime64", "Map(", "LowCardinality", "JSON"}) {
      EXPECT_EQ(sql.find(newer), std::string::npos) << sql;
    }
    for (const auto& c : table.columns) {
      bool in_create = sql.find("`" + std::string(c.name) + "`") != std::string::npos;
      EXPECT_EQ(in_create, c.since == 1) << table.name << "." << c.name;
    }
  }
}

TEST(ClickHouseDdl, QuotesStrings) {
  EXPECT_EQ(quote_string("a'b\\c"), "'a\\'b\\\\c'");
}

}  // namespace
}  // namespace sb::observability::clickhouse
