#include "observability/spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include <spdlog/spdlog.h>

#include "observability/crc32.h"
#include "observability/stats.h"

namespace sb::observability {

namespace {

namespace fs = std::filesystem;

constexpr char kMagic[4] = {'S', 'B', 'S', '1'};
constexpr size_t kHeaderBytes = 12;
constexpr uint32_t kMaxRecordBytes = 1u << 30;

void put_u32(char* p, uint32_t v) {
  for (int i = 0; i < 4; ++i) p[i] = static_cast<char>((v >> (8 * i)) & 0xFF);
}
uint32_t get_u32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i)
    v |= static_cast<uint32_t>(static_cast<unsigned char>(p[i])) << (8 * i);
  return v;
}

bool write_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

// Reads exactly `size` bytes at `offset`; false on a short read or an error.
bool read_at(int fd, uint64_t offset, char* out, size_t size) {
  while (size > 0) {
    ssize_t n = ::pread(fd, out, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    out += n;
    offset += static_cast<uint64_t>(n);
    size -= static_cast<size_t>(n);
  }
  return true;
}

void fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

std::optional<uint64_t> seq_of(const std::string& name) {
  unsigned long long seq = 0;
  char tail[8] = {};
  if (std::sscanf(name.c_str(), "seg-%llu.%7s", &seq, tail) != 2) return std::nullopt;
  if (std::string_view(tail) != "spool") return std::nullopt;
  return seq;
}

// One record at `offset` of `fd`: its payload, or nullopt when it is torn or corrupt.
struct ReadRecord {
  std::string payload;
  uint64_t size = 0;  // header + payload
};
std::optional<ReadRecord> read_record(int fd, uint64_t offset, uint64_t limit) {
  if (offset + kHeaderBytes > limit) return std::nullopt;
  char header[kHeaderBytes];
  if (!read_at(fd, offset, header, kHeaderBytes)) return std::nullopt;
  if (std::memcmp(header, kMagic, 4) != 0) return std::nullopt;
  uint32_t length = get_u32(header + 4);
  uint32_t crc = get_u32(header + 8);
  if (length > kMaxRecordBytes || offset + kHeaderBytes + length > limit) return std::nullopt;
  ReadRecord r{.payload = std::string(length, '\0'), .size = kHeaderBytes + length};
  if (!read_at(fd, offset + kHeaderBytes, r.payload.data(), length)) return std::nullopt;
  if (crc32(r.payload) != crc) return std::nullopt;
  return r;
}

}  // namespace

Spool::Spool(Options options) : options_(std::move(options)) {
  if (options_.segment_bytes == 0) {
    options_.segment_bytes = std::clamp<uint64_t>(options_.max_bytes / 16, 64u << 10, 64u << 20);
  }
}

Spool::~Spool() {
  if (active_fd_ >= 0) ::close(active_fd_);
}

std::expected<std::unique_ptr<Spool>, std::string> Spool::open(Options options) {
  std::unique_ptr<Spool> spool(new Spool(std::move(options)));
  if (auto ok = spool->load(); !ok) return std::unexpected(ok.error());
  return spool;
}

std::string Spool::segment_path(uint64_t seq) const {
  char name[40];
  std::snprintf(name, sizeof name, "seg-%016llu.spool", static_cast<unsigned long long>(seq));
  return (fs::path(options_.dir) / name).string();
}

std::expected<void, std::string> Spool::load() {
  std::error_code ec;
  fs::create_directories(options_.dir, ec);
  if (ec)
    return std::unexpected("cannot create spool directory " + options_.dir + ": " + ec.message());
  std::ifstream cursor(fs::path(options_.dir) / "cursor");
  cursor >> cursor_seq_ >> cursor_offset_;
  if (!cursor) cursor_seq_ = cursor_offset_ = 0;

  for (const auto& entry : fs::directory_iterator(options_.dir, ec)) {
    auto seq = seq_of(entry.path().filename().string());
    if (!seq) continue;
    if (*seq < cursor_seq_) {  // replayed before a crash kept us from deleting it
      fs::remove(entry.path(), ec);
      continue;
    }
    segments_[*seq] = entry.file_size(ec);
  }
  if (ec)
    return std::unexpected("cannot read spool directory " + options_.dir + ": " + ec.message());
  for (auto& [seq, size] : segments_) size = validate_segment(seq, size);
  next_seq_ = std::max(cursor_seq_, segments_.empty() ? 0 : segments_.rbegin()->first) + 1;
  for (const auto& [_, size] : segments_) total_bytes_ += size;
  reclaim_locked();
  publish_bytes_locked();
  return {};
}

// Checks every record of a segment; cuts it after the last good one. Returns the good size.
uint64_t Spool::validate_segment(uint64_t seq, uint64_t size) {
  std::string path = segment_path(seq);
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  if (fd < 0) return 0;
  uint64_t offset = 0;
  while (offset < size) {
    auto record = read_record(fd, offset, size);
    if (!record) break;
    offset += record->size;
  }
  if (offset < size) {
    char header[kHeaderBytes];
    bool torn_tail =
        offset + kHeaderBytes > size || (read_at(fd, offset, header, kHeaderBytes) &&
                                         offset + kHeaderBytes + get_u32(header + 4) > size);
    spdlog::error("observability spool: {} has {} bad byte(s) at offset {} ({}); cut there", path,
                  size - offset, offset, torn_tail ? "torn write" : "checksum mismatch");
    if (::ftruncate(fd, static_cast<off_t>(offset)) == 0) ::fsync(fd);
  }
  ::close(fd);
  return offset;
}

bool Spool::open_active_locked(std::string* error) {
  if (active_fd_ >= 0 && segments_.contains(active_seq_) &&
      segments_[active_seq_] < options_.segment_bytes) {
    return true;
  }
  if (active_fd_ >= 0) ::close(active_fd_);
  active_fd_ = -1;
  uint64_t seq = next_seq_++;
  std::string path = segment_path(seq);
  int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC, 0640);
  if (fd < 0) {
    if (error) *error = "cannot create " + path + ": " + std::strerror(errno);
    return false;
  }
  fsync_dir(options_.dir);
  active_fd_ = fd;
  active_seq_ = seq;
  segments_[seq] = 0;
  if (segments_.size() == 1) {
    cursor_seq_ = seq;
    cursor_offset_ = 0;
  }
  return true;
}

Spool::AppendResult Spool::append(std::span<const Row> rows, std::string* error) {
  std::string record(kHeaderBytes, '\0');
  record += encode_rows(rows);
  uint32_t length = static_cast<uint32_t>(record.size() - kHeaderBytes);
  std::memcpy(record.data(), kMagic, 4);
  put_u32(record.data() + 4, length);
  put_u32(record.data() + 8, crc32(std::string_view(record).substr(kHeaderBytes)));

  std::lock_guard lock(mutex_);
  if (total_bytes_ + record.size() > options_.max_bytes) return AppendResult::kFull;
  if (!open_active_locked(error)) return AppendResult::kIoError;
  uint64_t before = segments_[active_seq_];
  bool ok = write_all(active_fd_, record.data(), record.size()) && ::fdatasync(active_fd_) == 0;
  if (!ok) {
    if (error) *error = segment_path(active_seq_) + ": " + std::strerror(errno);
    if (::ftruncate(active_fd_, static_cast<off_t>(before)) != 0) {
      // The bytes stay; open() cuts them at the next start (checksum or torn tail).
    }
    return AppendResult::kIoError;
  }
  segments_[active_seq_] = before + record.size();
  total_bytes_ += record.size();
  publish_bytes_locked();
  return AppendResult::kOk;
}

std::optional<Spool::Entry> Spool::front() {
  std::lock_guard lock(mutex_);
  for (;;) {
    reclaim_locked();
    if (segments_.empty() || cursor_offset_ >= segments_[cursor_seq_]) return std::nullopt;
    std::string path = segment_path(cursor_seq_);
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    std::optional<ReadRecord> record;
    if (fd >= 0) {
      record = read_record(fd, cursor_offset_, segments_[cursor_seq_]);
      ::close(fd);
    }
    if (!record) {
      spdlog::error("observability spool: {} unreadable at offset {}; skipping the rest of it",
                    path, cursor_offset_);
      cursor_offset_ = segments_[cursor_seq_];
      continue;
    }
    auto rows = decode_rows(record->payload);
    if (!rows) {
      spdlog::error("observability spool: {} offset {}: {}; batch dropped", path, cursor_offset_,
                    rows.error());
      stats().rows_dropped.fetch_add(
          std::count(record->payload.begin(), record->payload.end(), '\n'));
      cursor_offset_ += record->size;
      continue;
    }
    return Entry{
        .rows = std::move(*rows), .seq = cursor_seq_, .end_offset = cursor_offset_ + record->size};
  }
}

std::string Spool::rejected_path() const {
  return (fs::path(options_.dir) / "rejected.log").string();
}

void Spool::reject(const Entry& entry, std::string_view reason) {
  std::string text =
      "# rejected: " + std::string(reason.substr(0, 500)) + "\n" + encode_rows(entry.rows);
  std::string path = rejected_path();
  int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_APPEND | O_CLOEXEC, 0640);
  if (fd >= 0) {
    if (write_all(fd, text.data(), text.size())) ::fdatasync(fd);
    ::close(fd);
  }
  pop(entry);
}

void Spool::pop(const Entry& entry) {
  std::lock_guard lock(mutex_);
  if (entry.seq != cursor_seq_ || entry.end_offset <= cursor_offset_) return;
  cursor_offset_ = entry.end_offset;
  reclaim_locked();
  save_cursor_locked();
}

// Deletes the segments the cursor has passed, the active one included when nothing is left in
// it (the next append starts a new segment). Keeps the cursor inside the first segment.
void Spool::reclaim_locked() {
  while (!segments_.empty()) {
    auto [first, size] = *segments_.begin();
    if (first < cursor_seq_) {
      drop_segment_locked(first);
      continue;
    }
    if (first > cursor_seq_) {
      cursor_seq_ = first;
      cursor_offset_ = 0;
    }
    if (cursor_offset_ < size) break;
    drop_segment_locked(first);
  }
  publish_bytes_locked();
}

void Spool::drop_segment_locked(uint64_t seq) {
  if (seq == active_seq_ && active_fd_ >= 0) {
    ::close(active_fd_);
    active_fd_ = -1;
  }
  std::error_code ec;
  fs::remove(segment_path(seq), ec);
  total_bytes_ -= std::min(total_bytes_, segments_[seq]);
  segments_.erase(seq);
}

void Spool::save_cursor_locked() {
  fs::path dir(options_.dir);
  {
    std::ofstream out(dir / "cursor.tmp", std::ios::trunc);
    out << cursor_seq_ << ' ' << cursor_offset_ << '\n';
  }
  std::error_code ec;
  fs::rename(dir / "cursor.tmp", dir / "cursor", ec);
}

void Spool::publish_bytes_locked() {
  stats().spool_bytes.store(static_cast<int64_t>(total_bytes_));
}

uint64_t Spool::bytes() const {
  std::lock_guard lock(mutex_);
  return total_bytes_;
}

bool Spool::empty() const {
  std::lock_guard lock(mutex_);
  uint64_t pending = 0;
  for (const auto& [seq, size] : segments_)
    pending += seq == cursor_seq_ ? size - std::min(size, cursor_offset_) : size;
  return pending == 0;
}

}  // namespace sb::observability
