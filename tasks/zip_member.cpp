// libzip calls behind read_zip_member, with every failure turned into a DatasetError that says what failed.
#include "tasks/zip_member.h"

#include <memory>
#include <vector>

#include <zip.h>

#include "tasks/dataset_error.h"

namespace rbench::tasks {
namespace {

struct ArchiveCloser {
  void operator()(zip_t* z) const { zip_discard(z); }  // read-only use: never rewrite the archive
};
struct FileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

std::string base_name(const std::string& member) {
  const auto slash = member.find_last_of('/');
  return slash == std::string::npos ? member : member.substr(slash + 1);
}

}  // namespace

ZipMember read_zip_member(const SourceFile& archive, const std::string& file_name, const std::string& password) {
  const std::string where = archive.path.string();
  if (archive.bytes.empty()) throw DatasetError::at(where, 0, "cannot open zip archive: empty file");
  zip_error_t error;
  zip_error_init(&error);
  auto fail_open = [&]() {
    std::string message = std::string("cannot open zip archive: ") + zip_error_strerror(&error);
    zip_error_fini(&error);
    return DatasetError::at(where, 0, message);
  };
  zip_source_t* source = zip_source_buffer_create(archive.bytes.data(), archive.bytes.size(), 0, &error);
  if (source == nullptr) throw fail_open();
  std::unique_ptr<zip_t, ArchiveCloser> zip(zip_open_from_source(source, ZIP_RDONLY, &error));
  if (!zip) {
    zip_source_free(source);  // still ours when the open failed
    throw fail_open();
  }
  zip_error_fini(&error);

  const zip_int64_t n_entries = zip_get_num_entries(zip.get(), 0);
  std::vector<std::string> names;
  zip_int64_t found = -1;
  for (zip_int64_t i = 0; i < n_entries; ++i) {
    const char* name = zip_get_name(zip.get(), static_cast<zip_uint64_t>(i), 0);
    if (name == nullptr) continue;
    names.emplace_back(name);
    if (base_name(names.back()) == file_name) {
      found = i;
      break;
    }
  }
  if (found < 0) {
    std::string listing;
    for (const auto& name : names) listing += (listing.empty() ? "" : ", ") + name;
    throw DatasetError::at(where, 0, "no member named '" + file_name + "' (members: " + listing + ")");
  }
  const std::string member = names.back();
  const std::string member_where = where + ":" + member;

  zip_stat_t stat;
  zip_stat_init(&stat);
  if (zip_stat_index(zip.get(), static_cast<zip_uint64_t>(found), 0, &stat) != 0 || !(stat.valid & ZIP_STAT_SIZE)) {
    throw DatasetError::at(member_where, 0, std::string("cannot stat member: ") + zip_strerror(zip.get()));
  }
  std::unique_ptr<zip_file_t, FileCloser> file(
      zip_fopen_index_encrypted(zip.get(), static_cast<zip_uint64_t>(found), 0, password.c_str()));
  if (!file) {
    const int code = zip_error_code_zip(zip_get_error(zip.get()));
    if (code == ZIP_ER_WRONGPASSWD || code == ZIP_ER_NOPASSWD) {
      throw DatasetError::at(member_where, 0, "wrong password for the encrypted member");
    }
    throw DatasetError::at(member_where, 0, std::string("cannot open member: ") + zip_strerror(zip.get()));
  }

  std::string bytes(static_cast<std::size_t>(stat.size), '\0');
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    const zip_int64_t got = zip_fread(file.get(), bytes.data() + filled, bytes.size() - filled);
    if (got < 0) {
      const int code = zip_error_code_zip(zip_file_get_error(file.get()));
      // Traditional PKWARE keeps only a one-byte password check, so a wrong password can pass it and
      // then surface as a CRC or inflate error.
      const std::string hint = (code == ZIP_ER_CRC || code == ZIP_ER_ZLIB || code == ZIP_ER_COMPRESSED_DATA)
                                   ? " (wrong password or corrupt archive)"
                                   : "";
      throw DatasetError::at(member_where, 0,
                             std::string("cannot read member: ") + zip_file_strerror(file.get()) + hint);
    }
    if (got == 0) break;
    filled += static_cast<std::size_t>(got);
  }
  if (filled != bytes.size()) {
    throw DatasetError::at(member_where, 0,
                           "member ended after " + std::to_string(filled) + " of " + std::to_string(bytes.size()) +
                               " bytes (wrong password or truncated archive)");
  }
  // libzip checks the CRC only when a read goes past the end; one more read makes a bad CRC show up here.
  char probe = 0;
  if (zip_fread(file.get(), &probe, 1) < 0) {
    throw DatasetError::at(member_where, 0,
                           std::string("member failed its check: ") + zip_file_strerror(file.get()) +
                               " (wrong password or corrupt archive)");
  }
  return {member, std::move(bytes)};
}

}  // namespace rbench::tasks
