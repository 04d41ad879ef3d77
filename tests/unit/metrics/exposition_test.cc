#include "metrics/exposition.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace sb::metrics {
namespace {

TEST(Exposition, EscapesBackslashQuoteAndLineFeedInLabelValues) {
  std::string out;
  append_label_value(out, "a\\b\"c\nd\te");
  EXPECT_EQ(out, "a\\\\b\\\"c\\nd\te");  // a tab stays as is: the format only escapes these three
}

TEST(Exposition, EscapesBackslashAndLineFeedInHelpButNotQuotes) {
  std::string out;
  append_help(out, "say \"hi\"\\\nbye");
  EXPECT_EQ(out, "say \"hi\"\\\\\\nbye");
}

TEST(Exposition, WritesIntegersWithoutFractionAndFloatsShortest) {
  auto text = [](double v) {
    std::string out;
    append_value(out, v);
    return out;
  };
  EXPECT_EQ(text(0), "0");
  EXPECT_EQ(text(42), "42");
  EXPECT_EQ(text(0.005), "0.005");
  EXPECT_EQ(text(2.5), "2.5");
  EXPECT_EQ(text(1e-4), "0.0001");
  EXPECT_EQ(text(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(text(-std::numeric_limits<double>::infinity()), "-Inf");
  EXPECT_EQ(text(std::nan("")), "NaN");
}

TEST(Exposition, LabelsInOrderWithLeLast) {
  std::string out;
  append_labels(out, {{"model", "m"}, {"provider", "p"}}, "0.5");
  EXPECT_EQ(out, R"({model="m",provider="p",le="0.5"})");
  out.clear();
  append_labels(out, {}, "+Inf");
  EXPECT_EQ(out, R"({le="+Inf"})");
  out.clear();
  append_labels(out, {});
  EXPECT_EQ(out, "");
}

TEST(Exposition, ValidatesNames) {
  EXPECT_TRUE(is_metric_name("tensorzero_request_count"));
  EXPECT_TRUE(is_metric_name("a:b_c"));
  EXPECT_FALSE(is_metric_name("1abc"));
  EXPECT_FALSE(is_metric_name("a-b"));
  EXPECT_FALSE(is_metric_name(""));
  EXPECT_TRUE(is_label_name("model"));
  EXPECT_FALSE(is_label_name("__name__"));
  EXPECT_FALSE(is_label_name("a:b"));
  EXPECT_FALSE(is_label_name("9x"));
}

}  // namespace
}  // namespace sb::metrics
