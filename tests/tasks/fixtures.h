// Fixture builders for the tasks tests: small GPQA-shaped CSV text and encrypted zip archives written with
// libzip, so no dataset bytes are committed and the wrong-password path can be exercised.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

#include <zip.h>

namespace rbench::tasks::testing {

// A GPQA-shaped CSV: the required columns plus unused ones, with quoted cells that span lines and hold
// commas, doubled quotes and surrounding whitespace. Record recA starts on line 2 and spans three line
// breaks, so recB starts on line 6 and a record appended to the text on line 7.
inline std::string gpqa_fixture_csv() {
  return "Pre-Revision Question,Question,Correct Answer,Incorrect Answer 1,Incorrect Answer 2,"
         "Incorrect Answer 3,Record ID,High-level domain,Subdomain,Canary String\n"
         "old,\"  What is 2+2?\nShow the value, \"\"exactly\"\".\n\",4,3,5,\" 22\n\",recA,Physics,Arithmetic,c\n"
         "old,Which gas?,\"Oxygen\",Helium,Neon,Neon,recB,Chemistry,Gases,c\n";
}

// Writes `content` as the member `member_name` of a new zip at `path`, encrypted with traditional PKWARE
// encryption (what GPQA's dataset.zip uses) when `password` is not empty.
inline void write_zip(const std::filesystem::path& path, const std::string& member_name, const std::string& content,
                      const std::string& password) {
  int error = 0;
  zip_t* zip = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &error);
  if (zip == nullptr) throw std::runtime_error("zip_open failed for " + path.string());
  zip_source_t* source = zip_source_buffer(zip, content.data(), content.size(), 0);
  const zip_int64_t index = source ? zip_file_add(zip, member_name.c_str(), source, ZIP_FL_ENC_UTF_8) : -1;
  if (index < 0) {
    if (source) zip_source_free(source);
    zip_discard(zip);
    throw std::runtime_error("zip_file_add failed for " + path.string());
  }
  if (!password.empty() &&
      zip_file_set_encryption(zip, static_cast<zip_uint64_t>(index), ZIP_EM_TRAD_PKWARE, password.c_str()) != 0) {
    std::string message = zip_strerror(zip);
    zip_discard(zip);
    throw std::runtime_error("zip_file_set_encryption failed: " + message);
  }
  if (zip_close(zip) != 0) {
    std::string message = zip_strerror(zip);
    zip_discard(zip);
    throw std::runtime_error("zip_close failed: " + message);
  }
}

}  // namespace rbench::tasks::testing
