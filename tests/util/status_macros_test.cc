#include "lib/util/status_macros.h"

#include <string>

#include "gtest/gtest.h"

namespace kdbench {
namespace {

absl::StatusOr<int> ParsePositive(int value) {
  if (value <= 0) return absl::InvalidArgumentError("not positive");
  return value;
}

absl::Status Check(int value, int* calls_after) {
  RETURN_IF_ERROR(ParsePositive(value));
  ++*calls_after;
  RETURN_IF_ERROR(absl::OkStatus());
  return absl::OkStatus();
}

absl::StatusOr<int> Doubled(int value) {
  ASSIGN_OR_RETURN(int parsed, ParsePositive(value));
  return 2 * parsed;
}

absl::StatusOr<std::string> AssignsExisting(int value) {
  std::string text = "unchanged";
  ASSIGN_OR_RETURN(int parsed, ParsePositive(value));
  ASSIGN_OR_RETURN(text, absl::StatusOr<std::string>(std::to_string(parsed)));
  return text;
}

TEST(StatusMacrosTest, ReturnIfErrorStopsOnError) {
  int calls_after = 0;
  absl::Status status = Check(-1, &calls_after);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "not positive");
  EXPECT_EQ(calls_after, 0);
}

TEST(StatusMacrosTest, ReturnIfErrorContinuesOnOk) {
  int calls_after = 0;
  EXPECT_TRUE(Check(3, &calls_after).ok());
  EXPECT_EQ(calls_after, 1);
}

TEST(StatusMacrosTest, AssignOrReturnAssignsValue) {
  absl::StatusOr<int> result = Doubled(21);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, 42);
}

TEST(StatusMacrosTest, AssignOrReturnPropagatesError) {
  EXPECT_EQ(Doubled(0).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(StatusMacrosTest, AssignOrReturnTwiceInOneScopeAndIntoExistingVariable) {
  absl::StatusOr<std::string> result = AssignsExisting(7);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, "7");
  EXPECT_FALSE(AssignsExisting(-7).ok());
}

}  // namespace
}  // namespace kdbench
