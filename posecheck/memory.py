"""Keep a long live session's memory flat (glibc's allocator, Linux only).

Every frame allocates a few buffers of about a megabyte (the image, its RGB copy, the
segmentation mask, the drawn canvas) on several threads.  glibc raises its mmap threshold the
first time such a buffer is freed, so later ones come from per-thread heaps that keep the
freed memory: a live session grew ~25 MB in its first minute before levelling off
(``benchmarks/soak.py``).  Fixing the threshold keeps those buffers mmapped and hands them back
to the system when freed (growth ~10 MB).  It costs page faults (~2 ms a frame at 640x480),
which a 30 fps camera loop can afford and a video run at full speed cannot, so only `posecheck
live` asks for it.
"""

from __future__ import annotations

import ctypes
import logging
import sys

logger = logging.getLogger(__name__)

_M_MMAP_THRESHOLD = -3  # from glibc's <malloc.h>
BIG_BUFFER_BYTES = 128 * 1024  # glibc's own starting threshold


def release_big_buffers() -> bool:
    """Make glibc return buffers of `BIG_BUFFER_BYTES` and more to the system when freed.

    Returns whether the setting took effect (False off Linux or without glibc).
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL("libc.so.6")
        done = bool(libc.mallopt(_M_MMAP_THRESHOLD, BIG_BUFFER_BYTES))
    except (OSError, AttributeError):  # musl and others have no mallopt
        done = False
    logger.debug("fixed mmap threshold at %d bytes: %s", BIG_BUFFER_BYTES, done)
    return done
