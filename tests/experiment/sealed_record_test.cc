#include "lib/experiment/sealed_record.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace kdbench {
namespace {

using ::testing::HasSubstr;

TEST(SealedRecordTest, RoundTripsAndDetectsCorruptionAndTruncation) {
  // Canonical JSON (sorted keys, no spaces) comes back byte for byte.
  const std::string record = R"({"result":{"test_accuracy":0.9375},"status":"ok"})";
  const std::string sealed = SealRecord(record);
  absl::StatusOr<std::string> opened = UnsealRecord(sealed, "cells/k.json");
  ASSERT_TRUE(opened.ok()) << opened.status();
  EXPECT_EQ(*opened, record);

  std::string flipped = sealed;
  flipped.replace(flipped.find("0.9375"), 6, "0.9875");
  absl::StatusOr<std::string> corrupt = UnsealRecord(flipped, "cells/k.json");
  ASSERT_FALSE(corrupt.ok());
  EXPECT_EQ(corrupt.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(std::string(corrupt.status().message()),
              HasSubstr("cells/k.json: checksum mismatch"));

  absl::StatusOr<std::string> truncated =
      UnsealRecord(sealed.substr(0, sealed.size() / 2), "cells/k.json");
  ASSERT_FALSE(truncated.ok());
  EXPECT_THAT(std::string(truncated.status().message()),
              HasSubstr("cells/k.json: not a sealed record"));
}

}  // namespace
}  // namespace kdbench
