// Reading a source file whole and hashing it with OpenSSL's EVP interface.
#include "tasks/source_file.h"

#include <fstream>
#include <iterator>
#include <memory>
#include <sstream>
#include <system_error>

#include <openssl/evp.h>

#include "tasks/dataset_error.h"

namespace rbench::tasks {

std::string sha256_hex(std::string_view bytes) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int digest_len = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), bytes.data(), bytes.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), digest, &digest_len) != 1) {
    throw std::runtime_error("sha256: OpenSSL digest failed");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(2 * digest_len);
  for (unsigned int i = 0; i < digest_len; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xf]);
  }
  return hex;
}

SourceFile read_source_file(const std::filesystem::path& path) {
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path, ec)) {
    throw DatasetError::at(path.string(), 0, "no such file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DatasetError::at(path.string(), 0, "cannot open for reading");
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw DatasetError::at(path.string(), 0, "read error");
  SourceFile file{path, std::move(buffer).str(), ""};
  file.sha256 = sha256_hex(file.bytes);
  return file;
}

}  // namespace rbench::tasks
