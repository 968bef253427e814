#include "regend/storage/sqlite/sqlite_wal_vfs.h"

#include <sqlite3.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <mutex>

namespace regen::storage {
namespace {

// Gathered bytes go out when this much is buffered. SQLite's unix VFS takes at most 128 KiB
// per write (it masks the size to 17 bits: SQLite itself never writes more than a page), so a
// batch's commit (~180 frames, ~740 KB) is about a dozen pwrites instead of ~360.
constexpr int kBufferBytes = 64 * 1024;

std::atomic<uint64_t> writes_received{0};
std::atomic<uint64_t> writes_issued{0};

// SQLite allocates szOsFile bytes for each open file and hands them to xOpen uninitialized: a
// WAL file is this struct followed by the default VFS's own file object.
struct WalFile {
  sqlite3_file base;    // pMethods: kWalMethods
  sqlite3_file* real;   // the default VFS's file, right after this struct
  char* buffer;         // kBufferBytes, allocated on first write
  sqlite3_int64 start;  // file offset of buffer[0]
  int length;           // bytes gathered
};
static_assert(sizeof(WalFile) % 8 == 0,
              "the default VFS's file object follows WalFile and needs 8-byte alignment");

WalFile* wal(sqlite3_file* file) { return reinterpret_cast<WalFile*>(file); }
sqlite3_file* real(sqlite3_file* file) { return wal(file)->real; }
const sqlite3_io_methods* real_methods(sqlite3_file* file) { return real(file)->pMethods; }

int flush(WalFile* file) {
  if (file->length == 0) return SQLITE_OK;
  const int length = file->length;
  file->length = 0;  // dropped even on failure: SQLite rolls back and rewrites what it needs
  writes_issued.fetch_add(1, std::memory_order_relaxed);
  return file->real->pMethods->xWrite(file->real, file->buffer, length, file->start);
}

int wal_close(sqlite3_file* file) {
  WalFile* self = wal(file);
  const int flushed = flush(self);
  std::free(self->buffer);
  self->buffer = nullptr;
  const int closed = real_methods(file)->xClose(real(file));
  return flushed != SQLITE_OK ? flushed : closed;
}

int wal_read(sqlite3_file* file, void* data, int amount, sqlite3_int64 offset) {
  WalFile* self = wal(file);
  if (self->length > 0 && offset < self->start + self->length && offset + amount > self->start) {
    if (int rc = flush(self); rc != SQLITE_OK) return rc;
  }
  return real_methods(file)->xRead(real(file), data, amount, offset);
}

int wal_write(sqlite3_file* file, const void* data, int amount, sqlite3_int64 offset) {
  WalFile* self = wal(file);
  writes_received.fetch_add(1, std::memory_order_relaxed);
  if (self->length > 0 && offset == self->start + self->length &&
      self->length + amount <= kBufferBytes) {
    std::memcpy(self->buffer + self->length, data, static_cast<std::size_t>(amount));
    self->length += amount;
    return SQLITE_OK;
  }
  if (int rc = flush(self); rc != SQLITE_OK) return rc;
  if (amount >= kBufferBytes) {
    writes_issued.fetch_add(1, std::memory_order_relaxed);
    return real_methods(file)->xWrite(real(file), data, amount, offset);
  }
  if (self->buffer == nullptr) {
    self->buffer = static_cast<char*>(std::malloc(kBufferBytes));
    if (self->buffer == nullptr) return SQLITE_IOERR_NOMEM;
  }
  std::memcpy(self->buffer, data, static_cast<std::size_t>(amount));
  self->start = offset;
  self->length = amount;
  return SQLITE_OK;
}

int wal_truncate(sqlite3_file* file, sqlite3_int64 size) {
  if (int rc = flush(wal(file)); rc != SQLITE_OK) return rc;
  return real_methods(file)->xTruncate(real(file), size);
}

int wal_sync(sqlite3_file* file, int flags) {
  if (int rc = flush(wal(file)); rc != SQLITE_OK) return rc;
  return real_methods(file)->xSync(real(file), flags);
}

int wal_file_size(sqlite3_file* file, sqlite3_int64* size) {
  if (int rc = flush(wal(file)); rc != SQLITE_OK) return rc;
  return real_methods(file)->xFileSize(real(file), size);
}

int wal_lock(sqlite3_file* file, int level) { return real_methods(file)->xLock(real(file), level); }
int wal_unlock(sqlite3_file* file, int level) {
  return real_methods(file)->xUnlock(real(file), level);
}
int wal_check_reserved_lock(sqlite3_file* file, int* out) {
  return real_methods(file)->xCheckReservedLock(real(file), out);
}
// Some controls act on the file (size hints, chunk size): what was gathered goes first.
int wal_file_control(sqlite3_file* file, int op, void* arg) {
  if (int rc = flush(wal(file)); rc != SQLITE_OK) return rc;
  return real_methods(file)->xFileControl(real(file), op, arg);
}
int wal_sector_size(sqlite3_file* file) { return real_methods(file)->xSectorSize(real(file)); }
int wal_device_characteristics(sqlite3_file* file) {
  return real_methods(file)->xDeviceCharacteristics(real(file));
}
// Shared memory and memory mapping belong to database files; forwarded for completeness.
int wal_shm_map(sqlite3_file* file, int region, int size, int extend, void volatile** out) {
  return real_methods(file)->xShmMap(real(file), region, size, extend, out);
}
int wal_shm_lock(sqlite3_file* file, int offset, int n, int flags) {
  return real_methods(file)->xShmLock(real(file), offset, n, flags);
}
void wal_shm_barrier(sqlite3_file* file) { real_methods(file)->xShmBarrier(real(file)); }
int wal_shm_unmap(sqlite3_file* file, int delete_flag) {
  return real_methods(file)->xShmUnmap(real(file), delete_flag);
}
int wal_fetch(sqlite3_file* file, sqlite3_int64 offset, int amount, void** out) {
  if (int rc = flush(wal(file)); rc != SQLITE_OK) return rc;
  return real_methods(file)->xFetch(real(file), offset, amount, out);
}
int wal_unfetch(sqlite3_file* file, sqlite3_int64 offset, void* page) {
  return real_methods(file)->xUnfetch(real(file), offset, page);
}

const sqlite3_io_methods kWalMethods = {
    3,
    wal_close,
    wal_read,
    wal_write,
    wal_truncate,
    wal_sync,
    wal_file_size,
    wal_lock,
    wal_unlock,
    wal_check_reserved_lock,
    wal_file_control,
    wal_sector_size,
    wal_device_characteristics,
    wal_shm_map,
    wal_shm_lock,
    wal_shm_barrier,
    wal_shm_unmap,
    wal_fetch,
    wal_unfetch,
};

sqlite3_vfs* default_vfs(sqlite3_vfs* vfs) { return static_cast<sqlite3_vfs*>(vfs->pAppData); }

int vfs_open(sqlite3_vfs* vfs, const char* name, sqlite3_file* file, int flags, int* out_flags) {
  sqlite3_vfs* base = default_vfs(vfs);
  if ((flags & SQLITE_OPEN_WAL) == 0) return base->xOpen(base, name, file, flags, out_flags);
  WalFile* self = wal(file);
  self->base.pMethods = nullptr;
  self->real = reinterpret_cast<sqlite3_file*>(self + 1);
  self->buffer = nullptr;
  self->start = 0;
  self->length = 0;
  const int rc = base->xOpen(base, name, self->real, flags, out_flags);
  if (rc == SQLITE_OK) self->base.pMethods = &kWalMethods;
  return rc;
}

int vfs_delete(sqlite3_vfs* vfs, const char* name, int sync_dir) {
  return default_vfs(vfs)->xDelete(default_vfs(vfs), name, sync_dir);
}
int vfs_access(sqlite3_vfs* vfs, const char* name, int flags, int* out) {
  return default_vfs(vfs)->xAccess(default_vfs(vfs), name, flags, out);
}
int vfs_full_pathname(sqlite3_vfs* vfs, const char* name, int size, char* out) {
  return default_vfs(vfs)->xFullPathname(default_vfs(vfs), name, size, out);
}
void* vfs_dl_open(sqlite3_vfs* vfs, const char* name) {
  return default_vfs(vfs)->xDlOpen(default_vfs(vfs), name);
}
void vfs_dl_error(sqlite3_vfs* vfs, int size, char* out) {
  default_vfs(vfs)->xDlError(default_vfs(vfs), size, out);
}
void (*vfs_dl_sym(sqlite3_vfs* vfs, void* handle, const char* symbol))(void) {
  return default_vfs(vfs)->xDlSym(default_vfs(vfs), handle, symbol);
}
void vfs_dl_close(sqlite3_vfs* vfs, void* handle) {
  default_vfs(vfs)->xDlClose(default_vfs(vfs), handle);
}
int vfs_randomness(sqlite3_vfs* vfs, int size, char* out) {
  return default_vfs(vfs)->xRandomness(default_vfs(vfs), size, out);
}
int vfs_sleep(sqlite3_vfs* vfs, int microseconds) {
  return default_vfs(vfs)->xSleep(default_vfs(vfs), microseconds);
}
int vfs_current_time(sqlite3_vfs* vfs, double* out) {
  return default_vfs(vfs)->xCurrentTime(default_vfs(vfs), out);
}
int vfs_get_last_error(sqlite3_vfs* vfs, int size, char* out) {
  return default_vfs(vfs)->xGetLastError(default_vfs(vfs), size, out);
}
int vfs_current_time_int64(sqlite3_vfs* vfs, sqlite3_int64* out) {
  return default_vfs(vfs)->xCurrentTimeInt64(default_vfs(vfs), out);
}

constexpr char kName[] = "regen-buffered-wal";

}  // namespace

const char* buffered_wal_vfs() {
  static std::once_flag once;
  static sqlite3_vfs vfs;
  std::call_once(once, [] {
    sqlite3_vfs* base = sqlite3_vfs_find(nullptr);
    vfs = {};
    vfs.iVersion = 2;  // the system-call overrides of version 3 are not forwarded
    vfs.szOsFile = static_cast<int>(sizeof(WalFile)) + base->szOsFile;
    vfs.mxPathname = base->mxPathname;
    vfs.zName = kName;
    vfs.pAppData = base;
    vfs.xOpen = vfs_open;
    vfs.xDelete = vfs_delete;
    vfs.xAccess = vfs_access;
    vfs.xFullPathname = vfs_full_pathname;
    vfs.xDlOpen = vfs_dl_open;
    vfs.xDlError = vfs_dl_error;
    vfs.xDlSym = vfs_dl_sym;
    vfs.xDlClose = vfs_dl_close;
    vfs.xRandomness = vfs_randomness;
    vfs.xSleep = vfs_sleep;
    vfs.xCurrentTime = vfs_current_time;
    vfs.xGetLastError = vfs_get_last_error;
    vfs.xCurrentTimeInt64 = vfs_current_time_int64;
    sqlite3_vfs_register(&vfs, /*makeDflt=*/0);
  });
  return kName;
}

BufferedWalCounts buffered_wal_counts() {
  return {writes_received.load(std::memory_order_relaxed),
          writes_issued.load(std::memory_order_relaxed)};
}

}  // namespace regen::storage
