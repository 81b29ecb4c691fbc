#include "lib/util/content_hash.h"

#include <openssl/evp.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace kdbench {
namespace {

struct DigestContextDeleter {
  void operator()(EVP_MD_CTX* context) const { EVP_MD_CTX_free(context); }
};
using DigestContext = std::unique_ptr<EVP_MD_CTX, DigestContextDeleter>;

DigestContext NewSha256Context() {
  DigestContext context(EVP_MD_CTX_new());
  // Allocation failure of a few bytes is not a recoverable user error.
  if (context == nullptr || EVP_DigestInit_ex(context.get(), EVP_sha256(),
                                              nullptr) != 1) {
    std::abort();
  }
  return context;
}

void Update(EVP_MD_CTX* context, absl::string_view bytes) {
  EVP_DigestUpdate(context, bytes.data(), bytes.size());
}

std::string FinalHex(EVP_MD_CTX* context) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_DigestFinal_ex(context, digest, &length);
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), length));
}

std::string LittleEndian64(uint64_t value) {
  std::string bytes(8, '\0');
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<char>((value >> (8 * i)) & 0xff);
  }
  return bytes;
}

}  // namespace

std::string Sha256Hex(absl::string_view data) {
  DigestContext context = NewSha256Context();
  Update(context.get(), data);
  return FinalHex(context.get());
}

absl::StatusOr<std::string> Sha256OfFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  DigestContext context = NewSha256Context();
  char buffer[1 << 16];
  while (in) {
    in.read(buffer, sizeof(buffer));
    Update(context.get(), absl::string_view(buffer, in.gcount()));
  }
  if (in.bad()) return absl::DataLossError(absl::StrCat("cannot read ", path));
  return FinalHex(context.get());
}

struct ContentHasher::State {
  DigestContext context = NewSha256Context();
};

ContentHasher::ContentHasher(absl::string_view domain)
    : state_(std::make_unique<State>()) {
  AddField('D', "domain", domain);
}

ContentHasher::~ContentHasher() = default;

void ContentHasher::AddField(char type, absl::string_view name,
                            absl::string_view bytes) {
  // type, len(name), name, len(bytes), bytes: an unambiguous encoding.
  Update(state_->context.get(), absl::string_view(&type, 1));
  Update(state_->context.get(), LittleEndian64(name.size()));
  Update(state_->context.get(), name);
  Update(state_->context.get(), LittleEndian64(bytes.size()));
  Update(state_->context.get(), bytes);
}

ContentHasher& ContentHasher::Add(absl::string_view name,
                                  absl::string_view bytes) {
  AddField('S', name, bytes);
  return *this;
}

ContentHasher& ContentHasher::Add(absl::string_view name, int64_t value) {
  AddField('I', name, LittleEndian64(static_cast<uint64_t>(value)));
  return *this;
}

ContentHasher& ContentHasher::Add(absl::string_view name, double value) {
  uint64_t bits;
  static_assert(sizeof(bits) == sizeof(value));
  std::memcpy(&bits, &value, sizeof(bits));
  AddField('F', name, LittleEndian64(bits));
  return *this;
}

std::string ContentHasher::HexDigest() {
  return FinalHex(state_->context.get());
}

}  // namespace kdbench
