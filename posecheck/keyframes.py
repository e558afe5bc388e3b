"""Frames of the annotated video for the HTML report's key moments (an OpenCV adapter).

`grab` reads the MP4 once from the start and keeps the wanted frames, scaled down and
JPEG-encoded; reading in order is exact for every codec, where seeking is not.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path

import cv2

log = logging.getLogger(__name__)


def grab(
    video: str | Path, indices: Iterable[int], max_width: int = 480, quality: int = 80
) -> dict[int, bytes]:
    """JPEG bytes of the frames at ``indices`` (0-based) of ``video``; frames the file does
    not have are left out (a run cut short)."""
    wanted = set(indices)
    found: dict[int, bytes] = {}
    if not wanted:
        return found
    capture = cv2.VideoCapture(str(video))
    try:
        index = 0
        last = max(wanted)
        while index <= last:
            ok = capture.grab()
            if not ok:
                break
            if index in wanted:
                ok, image = capture.retrieve()
                if ok:
                    height, width = image.shape[:2]
                    if width > max_width:
                        image = cv2.resize(
                            image,
                            (max_width, round(height * max_width / width)),
                            interpolation=cv2.INTER_AREA,
                        )
                    ok, jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
                    if ok:
                        found[index] = jpeg.tobytes()
            index += 1
    finally:
        capture.release()
    if len(found) < len(wanted):
        log.info("%s: %d of %d key frames found", video, len(found), len(wanted))
    return found
