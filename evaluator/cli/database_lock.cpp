// See database_lock.h. The holder writes its pid into the lock file so that a waiting process can name it.
#include "evaluator/cli/database_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace rbench::cli {

DatabaseRunLock::DatabaseRunLock(const std::filesystem::path& database, std::ostream& notice) {
  const std::string path = database.string() + ".lock";
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw std::runtime_error("cannot open lock file " + path + ": " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK) throw std::runtime_error("cannot lock " + path + ": " + std::strerror(errno));
    char holder[32] = {};
    const ssize_t n = ::pread(fd_, holder, sizeof holder - 1, 0);
    notice << "rbench run: another rbench run (pid " << (n > 0 ? std::string(holder, n) : std::string("?"))
           << ") is writing to " << database.string() << "; waiting for it to finish (Ctrl-C to stop; give this run "
           << "its own --db to run both at once)" << std::endl;
    int rc;
    while ((rc = ::flock(fd_, LOCK_EX)) != 0 && errno == EINTR) {
    }
    if (rc != 0) throw std::runtime_error("cannot lock " + path + ": " + std::strerror(errno));
  }
  const std::string pid = std::to_string(::getpid());
  if (::ftruncate(fd_, 0) == 0) (void)!::pwrite(fd_, pid.data(), pid.size(), 0);
}

DatabaseRunLock::~DatabaseRunLock() {
  if (fd_ >= 0) ::close(fd_);  // closing releases the flock
}

}  // namespace rbench::cli
