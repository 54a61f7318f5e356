// Reading a PNG screenshot into RGB pixels with zlib, enough for the browser test to tell a rendered page from
// a blank one: 8-bit RGB or RGBA, non-interlaced (what Chromium writes), all five scanline filters. Anything
// else is an exception naming what was found.
#pragma once

#include <zlib.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

namespace rbench::e2e {

struct RgbImage {
  uint32_t width = 0;
  uint32_t height = 0;
  std::vector<std::array<uint8_t, 3>> pixels;  // row-major
};

inline uint32_t read_be32(const uint8_t* p) {
  return (uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) | (uint32_t{p[2]} << 8) | uint32_t{p[3]};
}

inline RgbImage read_png(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<uint8_t> file((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  static const uint8_t kSignature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (file.size() < 8 || !std::equal(kSignature, kSignature + 8, file.begin()))
    throw std::runtime_error(path + ": not a PNG file");
  RgbImage image;
  int channels = 0;
  std::vector<uint8_t> compressed;
  for (size_t at = 8; at + 12 <= file.size();) {
    const uint32_t length = read_be32(&file[at]);
    const std::string type(file.begin() + at + 4, file.begin() + at + 8);
    if (at + 12 + length > file.size()) throw std::runtime_error(path + ": truncated chunk " + type);
    const uint8_t* data = &file[at + 8];
    if (type == "IHDR") {
      image.width = read_be32(data);
      image.height = read_be32(data + 4);
      const int bit_depth = data[8], colour_type = data[9], interlace = data[12];
      if (bit_depth != 8 || (colour_type != 2 && colour_type != 6) || interlace != 0)
        throw std::runtime_error(path + ": unsupported PNG (bit depth " + std::to_string(bit_depth) + ", colour type " +
                                 std::to_string(colour_type) + ", interlace " + std::to_string(interlace) + ")");
      channels = colour_type == 2 ? 3 : 4;
    } else if (type == "IDAT") {
      compressed.insert(compressed.end(), data, data + length);
    }
    at += 12 + length;
  }
  if (channels == 0) throw std::runtime_error(path + ": no IHDR chunk");
  const size_t stride = static_cast<size_t>(image.width) * channels;
  std::vector<uint8_t> raw((stride + 1) * image.height);
  uLongf raw_size = raw.size();
  if (uncompress(raw.data(), &raw_size, compressed.data(), compressed.size()) != Z_OK || raw_size != raw.size())
    throw std::runtime_error(path + ": image data does not inflate to " + std::to_string(raw.size()) + " bytes");
  std::vector<uint8_t> previous(stride, 0), row(stride);
  image.pixels.reserve(static_cast<size_t>(image.width) * image.height);
  for (uint32_t y = 0; y < image.height; ++y) {
    const uint8_t filter = raw[y * (stride + 1)];
    const uint8_t* line = &raw[y * (stride + 1) + 1];
    for (size_t i = 0; i < stride; ++i) {
      const int a = i >= static_cast<size_t>(channels) ? row[i - channels] : 0;
      const int b = previous[i];
      const int c = i >= static_cast<size_t>(channels) ? previous[i - channels] : 0;
      int predictor = 0;
      switch (filter) {
        case 0: predictor = 0; break;
        case 1: predictor = a; break;
        case 2: predictor = b; break;
        case 3: predictor = (a + b) / 2; break;
        case 4: {
          const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default: throw std::runtime_error(path + ": bad filter type " + std::to_string(filter));
      }
      row[i] = static_cast<uint8_t>(line[i] + predictor);
    }
    for (uint32_t x = 0; x < image.width; ++x)
      image.pixels.push_back({row[x * channels], row[x * channels + 1], row[x * channels + 2]});
    previous.swap(row);
  }
  return image;
}

}  // namespace rbench::e2e
