#include "lib/util/content_hash.h"

#include <filesystem>
#include <fstream>
#include <string>

#include "gtest/gtest.h"

namespace kdbench {
namespace {

// FIPS 180-2 test vectors.
TEST(Sha256Test, KnownVectors) {
  EXPECT_EQ(Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(
      Sha256Hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256Test, FileMatchesInMemoryAcrossBufferBoundaries) {
  const std::string path = ::testing::TempDir() + "/hash_input.bin";
  std::string data;
  for (int i = 0; i < 200000; ++i) data.push_back(static_cast<char>(i * 31));
  {
    std::ofstream out(path, std::ios::binary);
    out << data;
  }
  absl::StatusOr<std::string> from_file = Sha256OfFile(path);
  ASSERT_TRUE(from_file.ok()) << from_file.status();
  EXPECT_EQ(*from_file, Sha256Hex(data));
}

TEST(Sha256Test, MissingFileNamesPath) {
  absl::StatusOr<std::string> result = Sha256OfFile("/nonexistent/kd.bin");
  EXPECT_FALSE(result.ok());
  EXPECT_NE(result.status().message().find("/nonexistent/kd.bin"),
            absl::string_view::npos);
}

std::string Key(const std::string& a, const std::string& b) {
  ContentHasher hasher("test");
  hasher.Add("x", a).Add("y", b);
  return hasher.HexDigest();
}

TEST(ContentHasherTest, DeterministicAndHex) {
  EXPECT_EQ(Key("a", "b"), Key("a", "b"));
  EXPECT_EQ(Key("a", "b").size(), 64u);
}

TEST(ContentHasherTest, FieldBoundariesMatter) {
  EXPECT_NE(Key("ab", "c"), Key("a", "bc"));
  EXPECT_NE(Key("", "abc"), Key("abc", ""));
}

TEST(ContentHasherTest, TypesNamesAndDomainsMatter) {
  ContentHasher text("d");
  text.Add("seed", "1");
  ContentHasher integer("d");
  integer.Add("seed", int64_t{1});
  ContentHasher real("d");
  real.Add("seed", 1.0);
  ContentHasher renamed("d");
  renamed.Add("seeds", int64_t{1});
  ContentHasher other_domain("e");
  other_domain.Add("seed", int64_t{1});
  const std::string keys[] = {text.HexDigest(), integer.HexDigest(),
                              real.HexDigest(), renamed.HexDigest(),
                              other_domain.HexDigest()};
  for (int i = 0; i < 5; ++i) {
    for (int j = i + 1; j < 5; ++j) EXPECT_NE(keys[i], keys[j]) << i << j;
  }
}

TEST(ContentHasherTest, NegativeZeroAndZeroDiffer) {
  // Bit patterns are hashed: configs that print differently key differently.
  ContentHasher zero("d");
  zero.Add("lr", 0.0);
  ContentHasher negative_zero("d");
  negative_zero.Add("lr", -0.0);
  EXPECT_NE(zero.HexDigest(), negative_zero.HexDigest());
}

}  // namespace
}  // namespace kdbench
