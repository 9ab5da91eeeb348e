"""The process's peak memory for the benchmarks (``manage.py bench``): read, and started over."""

from __future__ import annotations

import resource
from pathlib import Path


def peak_rss_mb() -> float:
    """The process's peak resident memory since start, or since ``reset_peak`` (Linux: VmHWM)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024  # kB
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux reports KiB


def reset_peak() -> bool:
    """Start the peak over (Linux: writing 5 to clear_refs resets VmHWM), so that seeding the data set, done once,
    does not count as the pages' memory. False where the system cannot."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True
