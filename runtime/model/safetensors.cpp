// Safetensors reading (mmap + header validation) and writing; see safetensors.h.
#include "runtime/model/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <stdexcept>

namespace rbench::runtime {

namespace {

constexpr std::size_t kMaxHeaderBytes = 100u << 20;  // the format's own limit is 100 MB

[[noreturn]] void fail(const std::filesystem::path& path, const std::string& what) {
  throw std::runtime_error("safetensors " + path.string() + ": " + what);
}

StorageDtype parse_dtype(const std::filesystem::path& path, const std::string& name, const std::string& s) {
  if (s == "F32") return StorageDtype::f32;
  if (s == "F16") return StorageDtype::f16;
  if (s == "BF16") return StorageDtype::bf16;
  if (s == "I64") return StorageDtype::i64;
  if (s == "I32") return StorageDtype::i32;
  fail(path, "tensor '" + name + "': unsupported dtype '" + s + "' (expected F32, F16, BF16, I64 or I32)");
}

}  // namespace

std::string_view to_string(StorageDtype dtype) {
  switch (dtype) {
    case StorageDtype::f32: return "F32";
    case StorageDtype::f16: return "F16";
    case StorageDtype::bf16: return "BF16";
    case StorageDtype::i64: return "I64";
    case StorageDtype::i32: return "I32";
  }
  return "?";
}

std::size_t element_size(StorageDtype dtype) {
  switch (dtype) {
    case StorageDtype::f32: case StorageDtype::i32: return 4;
    case StorageDtype::f16: case StorageDtype::bf16: return 2;
    case StorageDtype::i64: return 8;
  }
  return 0;
}

MappedFile::MappedFile(const std::filesystem::path& path) : path_(path) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) fail(path, std::string("cannot open: ") + std::strerror(errno));
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    fail(path, std::string("cannot stat: ") + std::strerror(errno));
  }
  size_ = static_cast<std::size_t>(st.st_size);
  if (size_ > 0) {
    void* p = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    if (p == MAP_FAILED) {
      ::close(fd);
      fail(path, std::string("cannot mmap: ") + std::strerror(errno));
    }
    data_ = static_cast<const std::byte*>(p);
  }
  ::close(fd);
}

MappedFile::~MappedFile() {
  if (data_) ::munmap(const_cast<std::byte*>(data_), size_);
}

std::shared_ptr<SafetensorsFile> SafetensorsFile::open(const std::filesystem::path& path) {
  auto file = std::shared_ptr<SafetensorsFile>(new SafetensorsFile());
  file->mapping_ = std::make_shared<MappedFile>(path);
  const std::size_t size = file->mapping_->size();
  const std::byte* base = file->mapping_->data();
  if (size < 8) fail(path, "file is " + std::to_string(size) + " bytes, shorter than the 8-byte header length");
  uint64_t header_len = 0;
  for (int i = 7; i >= 0; --i) header_len = (header_len << 8) | static_cast<uint8_t>(base[i]);
  if (header_len > kMaxHeaderBytes)
    fail(path, "header length " + std::to_string(header_len) + " exceeds the 100 MB limit");
  if (8 + header_len > size)
    fail(path, "truncated header: header length " + std::to_string(header_len) + " but the file has only " +
                   std::to_string(size - 8) + " bytes after the length field");
  nlohmann::json header;
  try {
    header = nlohmann::json::parse(reinterpret_cast<const char*>(base + 8),
                                   reinterpret_cast<const char*>(base + 8 + header_len));
  } catch (const std::exception& e) {
    fail(path, std::string("header is not valid JSON: ") + e.what());
  }
  if (!header.is_object()) fail(path, "header is not a JSON object");
  const std::size_t data_start = 8 + header_len;
  const std::size_t data_size = size - data_start;
  std::vector<std::pair<std::size_t, std::size_t>> ranges;
  for (const auto& [name, entry] : header.items()) {
    if (name == "__metadata__") {
      if (entry.is_object())
        for (const auto& [k, v] : entry.items())
          if (v.is_string()) file->metadata_[k] = v.get<std::string>();
      continue;
    }
    if (!entry.is_object() || !entry.contains("dtype") || !entry.contains("shape") || !entry.contains("data_offsets"))
      fail(path, "tensor '" + name + "': header entry needs dtype, shape and data_offsets");
    TensorView view;
    view.name = name;
    view.dtype = parse_dtype(path, name, entry["dtype"].get<std::string>());
    uint64_t numel = 1;
    for (const auto& d : entry["shape"]) {
      if (!d.is_number_integer() || d.get<int64_t>() < 0) fail(path, "tensor '" + name + "': bad shape entry");
      view.shape.push_back(d.get<int64_t>());
      numel *= static_cast<uint64_t>(d.get<int64_t>());
    }
    const auto& off = entry["data_offsets"];
    if (!off.is_array() || off.size() != 2 || !off[0].is_number_unsigned() || !off[1].is_number_unsigned())
      fail(path, "tensor '" + name + "': data_offsets must be two non-negative integers");
    const uint64_t begin = off[0].get<uint64_t>(), end = off[1].get<uint64_t>();
    if (begin > end || end > data_size)
      fail(path, "tensor '" + name + "': data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                     ") outside the data section of " + std::to_string(data_size) + " bytes (truncated file?)");
    const uint64_t expected = numel * element_size(view.dtype);
    if (end - begin != expected)
      fail(path, "tensor '" + name + "': data is " + std::to_string(end - begin) + " bytes, expected " +
                     std::to_string(expected) + " for its shape and dtype " + std::string(to_string(view.dtype)));
    view.data = base + data_start + begin;
    view.n_bytes = expected;
    ranges.emplace_back(begin, end);
    file->tensors_.emplace(name, std::move(view));
  }
  std::sort(ranges.begin(), ranges.end());
  for (std::size_t i = 1; i < ranges.size(); ++i)
    if (ranges[i].first < ranges[i - 1].second && ranges[i].first != ranges[i].second)
      fail(path, "tensor data ranges overlap at byte offset " + std::to_string(ranges[i].first));
  return file;
}

void write_safetensors(const std::filesystem::path& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata) {
  nlohmann::json header = nlohmann::json::object();
  if (!metadata.empty()) header["__metadata__"] = metadata;
  std::size_t offset = 0;
  for (const auto& t : tensors) {
    std::size_t numel = 1;
    for (auto d : t.shape) numel *= static_cast<std::size_t>(d);
    if (numel * element_size(t.dtype) != t.n_bytes)
      throw std::runtime_error("write_safetensors " + path.string() + ": tensor '" + t.name + "' has " +
                               std::to_string(t.n_bytes) + " bytes, expected " +
                               std::to_string(numel * element_size(t.dtype)));
    header[t.name] = {{"dtype", std::string(to_string(t.dtype))},
                      {"shape", t.shape},
                      {"data_offsets", {offset, offset + t.n_bytes}}};
    offset += t.n_bytes;
  }
  std::string text = header.dump();
  text.append((8 - text.size() % 8) % 8, ' ');
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) throw std::runtime_error("write_safetensors: cannot create " + path.string());
  uint64_t len = text.size();
  char len_bytes[8];
  for (int i = 0; i < 8; ++i) len_bytes[i] = static_cast<char>((len >> (8 * i)) & 0xff);
  out.write(len_bytes, 8);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  for (const auto& t : tensors) out.write(static_cast<const char*>(t.data), static_cast<std::streamsize>(t.n_bytes));
  if (!out) throw std::runtime_error("write_safetensors: write failed for " + path.string());
}

}  // namespace rbench::runtime
