// Reading one member of a (possibly password-protected) zip archive into memory with libzip, without ever
// writing it to disk: GPQA's authors ask that its examples not be exposed in plain text.
#pragma once

#include <string>

#include "tasks/source_file.h"

namespace rbench::tasks {

struct ZipMember {
  std::string name;   // full member name inside the archive, e.g. "dataset/gpqa_diamond.csv"
  std::string bytes;  // decrypted, decompressed content
};

// Reads, from the archive bytes already in memory (so the recorded hash is of exactly what was parsed), the
// member whose file name (the part after the last '/') is `file_name`, decrypting with `password`
// (traditional PKWARE or AES, whatever the member uses). Throws DatasetError naming the archive when it
// cannot be opened, holds no such member, or the password is wrong.
ZipMember read_zip_member(const SourceFile& archive, const std::string& file_name, const std::string& password);

}  // namespace rbench::tasks
