#!/usr/bin/env python3
# fdatasync latency of the disk under DIR (default: the current directory): N rewrites of a
# SIZE-byte block in a preallocated file, each followed by fdatasync, like a WAL commit.
# usage: scripts/perf/fsync_latency.py [N] [SIZE] [DIR]
import os, statistics, sys, time
n = int(sys.argv[1]) if len(sys.argv) > 1 else 200
size = int(sys.argv[2]) if len(sys.argv) > 2 else 4096
path = os.path.join(sys.argv[3] if len(sys.argv) > 3 else ".", "fsync-latency.tmp")
fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
os.ftruncate(fd, 4 << 20); os.fsync(fd)
buf = b"x" * size; lat = []
for i in range(n):
    t = time.perf_counter()
    os.pwrite(fd, buf, (i * size) % (4 << 20)); os.fdatasync(fd)
    lat.append((time.perf_counter() - t) * 1000)
os.close(fd); os.unlink(path)
lat.sort()
print(f"fdatasync {size} B x{n}: median {statistics.median(lat):.2f} ms, "
      f"p90 {lat[int(n * .9)]:.2f}, p99 {lat[int(n * .99)]:.2f}, max {lat[-1]:.2f}")
