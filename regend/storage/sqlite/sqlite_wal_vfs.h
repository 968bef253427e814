#pragma once
// A SQLite VFS over the default one whose WAL files gather consecutive writes in memory and
// hand them to the kernel in one pwrite per 64 KiB, and whatever is left when the WAL is synced
// (the commit), read, resized or closed, or when a write does not continue the gathered range.
//
// Why: SQLite appends a commit to the WAL frame by frame, each frame with two writes (its
// 24-byte header, then the page), so a batch of 64 alerts (~180 pages) made ~360 pwrite calls,
// each one a trip through ext4's buffered-write path for one or two page-cache pages; on the
// disk that was the largest single cost of the writer thread (docs/notes/write-path-perf.md,
// §6). Gathered, a commit is about a dozen pwrites of the same bytes.
//
// Safe only where every commit syncs the WAL before other connections can see it
// (synchronous=FULL, which SqliteStore always sets): the commit's xSync writes out what was
// gathered before the WAL index announces the new frames. Database files, journals and every
// other file pass straight through to the default VFS.

#include <cstdint>

namespace regen::storage {

// Registers the VFS once per process (not as the default) and returns its name, for
// sqlite3_open_v2 / SQLite::Database.
const char* buffered_wal_vfs();

// Process-wide counts, for tests: writes SQLite made to buffered WAL files, and writes that
// reached the default VFS for them.
struct BufferedWalCounts {
  uint64_t writes_received = 0;
  uint64_t writes_issued = 0;
};
BufferedWalCounts buffered_wal_counts();

}  // namespace regen::storage
