// Frame encoding and deadline-aware socket I/O: see protocol.h.
#include "graders/sandbox/protocol.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <stdexcept>

namespace rbench::graders::sandbox {
namespace {

void append_u32(std::string& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::uint32_t read_u32(const char* p) {
  std::uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v |= static_cast<std::uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

std::string serialize(const std::vector<std::string>& strings) {
  std::string out;
  append_u32(out, static_cast<std::uint32_t>(strings.size()));
  for (const std::string& s : strings) {
    append_u32(out, static_cast<std::uint32_t>(s.size()));
    out += s;
  }
  return out;
}

// Waits until fd is ready for `events` or the deadline passes; no deadline means wait forever.
IoStatus wait_ready(int fd, short events, std::optional<Clock::time_point> deadline) {
  while (true) {
    int timeout_ms = -1;
    if (deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(*deadline - Clock::now()).count();
      if (left <= 0) return IoStatus::TimedOut;
      timeout_ms = static_cast<int>(std::min<long long>(left, 1 << 30));
    }
    pollfd p{fd, events, 0};
    const int rc = ::poll(&p, 1, timeout_ms);
    if (rc > 0) return IoStatus::Ok;
    if (rc == 0) return IoStatus::TimedOut;
    if (errno != EINTR) return IoStatus::Failed;
  }
}

IoStatus write_all(int fd, const std::string& bytes, std::optional<Clock::time_point> deadline) {
  std::size_t done = 0;
  while (done < bytes.size()) {
    if (deadline) {
      if (IoStatus s = wait_ready(fd, POLLOUT, deadline); s != IoStatus::Ok) return s;
    }
    const ssize_t n = deadline ? ::send(fd, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL)
                               : ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n < 0 && (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)) {
      continue;
    } else {
      return n < 0 && errno == EPIPE ? IoStatus::Closed : IoStatus::Failed;
    }
  }
  return IoStatus::Ok;
}

IoStatus read_exact(int fd, char* out, std::size_t size, std::optional<Clock::time_point> deadline) {
  std::size_t done = 0;
  while (done < size) {
    if (deadline) {
      if (IoStatus s = wait_ready(fd, POLLIN, deadline); s != IoStatus::Ok) return s;
    }
    const ssize_t n = ::read(fd, out + done, size - done);
    if (n > 0) {
      done += static_cast<std::size_t>(n);
    } else if (n == 0) {
      return IoStatus::Closed;
    } else if (errno != EINTR && errno != EAGAIN && errno != EWOULDBLOCK) {
      return errno == ECONNRESET ? IoStatus::Closed : IoStatus::Failed;
    }
  }
  return IoStatus::Ok;
}

IoStatus read_frame_impl(int fd, std::vector<std::string>& strings, std::optional<Clock::time_point> deadline) {
  strings.clear();
  char header[4];
  if (IoStatus s = read_exact(fd, header, 4, deadline); s != IoStatus::Ok) return s;
  const std::uint32_t count = read_u32(header);
  if (count > kMaxFrameStrings) return IoStatus::Failed;
  std::size_t total = 0;
  for (std::uint32_t i = 0; i < count; ++i) {
    if (IoStatus s = read_exact(fd, header, 4, deadline); s != IoStatus::Ok) return s;
    const std::uint32_t size = read_u32(header);
    total += size;
    if (total > kMaxFrameBytes) return IoStatus::Failed;
    std::string s(size, '\0');
    if (size > 0) {
      if (IoStatus st = read_exact(fd, s.data(), size, deadline); st != IoStatus::Ok) return st;
    }
    strings.push_back(std::move(s));
  }
  return IoStatus::Ok;
}

}  // namespace

IoStatus write_frame(int fd, const std::vector<std::string>& strings) {
  return write_all(fd, serialize(strings), std::nullopt);
}

IoStatus read_frame(int fd, std::vector<std::string>& strings) { return read_frame_impl(fd, strings, std::nullopt); }

IoStatus write_frame_until(int fd, const std::vector<std::string>& strings, Clock::time_point deadline) {
  return write_all(fd, serialize(strings), deadline);
}

IoStatus read_frame_until(int fd, std::vector<std::string>& strings, Clock::time_point deadline) {
  return read_frame_impl(fd, strings, deadline);
}

std::vector<std::string> encode_request(const GradeRequest& request) {
  return {request.grader, request.gold, request.prediction};
}

GradeRequest decode_request(const std::vector<std::string>& strings) {
  if (strings.size() != 3) {
    throw std::runtime_error("request frame holds " + std::to_string(strings.size()) + " strings, expected 3");
  }
  return {strings[0], strings[1], strings[2]};
}

std::vector<std::string> encode_verdicts(const std::vector<Verdict>& verdicts) {
  std::vector<std::string> out;
  for (const Verdict& v : verdicts) {
    out.insert(out.end(), {v.correct ? "1" : "0", v.extracted, v.rule, v.reason, v.detail, v.canonical});
  }
  return out;
}

std::vector<Verdict> decode_verdicts(const std::vector<std::string>& strings) {
  if (strings.empty() || strings.size() % kStringsPerVerdict != 0) {
    throw std::runtime_error("reply frame holds " + std::to_string(strings.size()) +
                             " strings, expected a positive multiple of " + std::to_string(kStringsPerVerdict));
  }
  std::vector<Verdict> verdicts;
  for (std::size_t i = 0; i < strings.size(); i += kStringsPerVerdict) {
    verdicts.push_back(
        {strings[i] == "1", strings[i + 1], strings[i + 2], strings[i + 3], strings[i + 4], strings[i + 5]});
  }
  return verdicts;
}

}  // namespace rbench::graders::sandbox
