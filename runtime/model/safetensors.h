// Safetensors files: a memory-mapped reader that validates the header (length, JSON, dtypes, offsets in range,
// sizes equal to numel * element size, no overlaps) and hands out raw views into the mapping, and a small writer.
// Format: 8-byte little-endian header length N, N bytes of JSON {name: {dtype, shape, data_offsets}}, then data.
// Torch-free on purpose: model/weights.cpp wraps the views as tensors.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace rbench::runtime {

enum class StorageDtype { f32, f16, bf16, i64, i32 };

std::string_view to_string(StorageDtype dtype);
std::size_t element_size(StorageDtype dtype);

struct TensorView {
  std::string name;
  StorageDtype dtype;
  std::vector<int64_t> shape;
  const std::byte* data = nullptr;  // points into the mapping; valid while the file object lives
  std::size_t n_bytes = 0;
};

// A read-only memory mapping of one file; shared by the tensors that point into it.
class MappedFile {
 public:
  explicit MappedFile(const std::filesystem::path& path);
  ~MappedFile();
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;
  const std::byte* data() const { return data_; }
  std::size_t size() const { return size_; }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
  const std::byte* data_ = nullptr;
  std::size_t size_ = 0;
};

class SafetensorsFile {
 public:
  // Maps and validates; throws std::runtime_error naming the file (and tensor) on any inconsistency.
  static std::shared_ptr<SafetensorsFile> open(const std::filesystem::path& path);

  const std::filesystem::path& path() const { return mapping_->path(); }
  const std::map<std::string, TensorView>& tensors() const { return tensors_; }
  const std::map<std::string, std::string>& metadata() const { return metadata_; }
  std::shared_ptr<const MappedFile> mapping() const { return mapping_; }

 private:
  std::shared_ptr<MappedFile> mapping_;
  std::map<std::string, TensorView> tensors_;
  std::map<std::string, std::string> metadata_;
};

// One tensor to write: raw little-endian bytes of n_bytes = numel * element_size(dtype).
struct TensorToWrite {
  std::string name;
  StorageDtype dtype;
  std::vector<int64_t> shape;
  const void* data;
  std::size_t n_bytes;
};

// Writes tensors in the given order; the header is padded with spaces to a multiple of 8 bytes so every
// tensor starts 8-byte aligned when sizes are multiples of 8.
void write_safetensors(const std::filesystem::path& path, const std::vector<TensorToWrite>& tensors,
                       const std::map<std::string, std::string>& metadata = {});

}  // namespace rbench::runtime
