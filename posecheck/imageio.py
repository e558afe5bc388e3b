"""Reading and writing still images: the only place posecheck decodes an image file.

Every image leaves this module as an upright, 3-channel BGR ``uint8`` array whose longest side is
at most `MAX_IMAGE_SIDE_PX`; posecheck analyses and draws on exactly that array.  Why each step:

* Files are read as bytes and decoded with ``cv2.imdecode`` (written with ``cv2.imencode``), because
  ``cv2.imread``/``imwrite`` fail silently on non-ASCII paths on some platforms.
* JPEG EXIF orientation is applied here, explicitly (``IMREAD_IGNORE_ORIENTATION`` plus our own
  rotation), so phone photos are upright whatever OpenCV version is installed.
* MediaPipe needs 3-channel 8-bit input (a grayscale image as-is crashes it), so grayscale, alpha
  (composited on white, which is what a viewer shows), 16-bit and float images are converted by
  `to_bgr8` -- also used for frames that come from elsewhere.
* Huge photos (e.g. 12000x9000) are decoded at reduced size where the codec allows it (JPEG
  ``IMREAD_REDUCED_COLOR_2/4/8``) and scaled down: the pose model works at 256 px anyway, and a
  100-megapixel array only costs memory and drawing time.
* Every failure is an `InputError` / `OutputError` with one line naming the file.
"""

from __future__ import annotations

import io
import logging
import os
import struct
import warnings
from pathlib import Path

import cv2
import numpy as np

from posecheck.errors import InputError, OutputError
from posecheck.fileio import atomic_write_bytes, regular_file_kind

logger = logging.getLogger(__name__)

MAX_IMAGE_SIDE_PX = 2560
# The most pixels posecheck decodes from one image file.  A decoder allocates width x height x
# channels before it reads the pixel data, so a small file that claims 20000x20000 pixels (a
# "decompression bomb") would take gigabytes; the size is therefore read from the header first
# (Pillow opens lazily; JPEG by our own marker walk) and anything above this is refused.  40 MP
# covers every phone and camera PNG/TIFF export up to ~7700x5200; a JPEG is decoded at 1/2 to 1/8
# of its size, so even 200-MP phone JPEGs stay far below it.  Worst case within the limit (16-bit
# RGBA, composited on white in float32) peaks near 1 GB; the pose model works at 256 px anyway.
MAX_IMAGE_PIXELS = 40_000_000
# A file bigger than this is not read at all (a 40-MP 16-bit RGBA image stored uncompressed is 320 MB).
MAX_IMAGE_FILE_BYTES = 512 * 1024 * 1024
READABLE_FORMATS = "JPEG, PNG, BMP, TIFF or WebP"

_JPEG_MAGIC = b"\xff\xd8\xff"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_PNG_IEND = b"IEND\xaeB`\x82"
_EXIF_ORIENTATION_TAG = 0x0112
# Start-of-frame markers carry the image size (C4 DHT, C8 JPG, CC DAC are not frames).
_JPEG_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_JPEG_STANDALONE_MARKERS = frozenset(range(0xD0, 0xD8)) | {0x01}
_REDUCED_FLAGS = (
    (8, cv2.IMREAD_REDUCED_COLOR_8),
    (4, cv2.IMREAD_REDUCED_COLOR_4),
    (2, cv2.IMREAD_REDUCED_COLOR_2),
)


# --- reading ----------------------------------------------------------------------------------


def load_image(path: str | os.PathLike[str]) -> np.ndarray:
    """Read an image file as an upright BGR ``uint8`` (H, W, 3) array, longest side <= `MAX_IMAGE_SIDE_PX`.

    Raises:
        InputError: missing file, directory, no permission, empty, truncated or not an image.
    """
    name = os.fspath(path)
    data = _read_bytes(Path(name), name)
    image = _decode_jpeg(data, name) if data.startswith(_JPEG_MAGIC) else _decode_other(data, name)
    return fit_within(image, MAX_IMAGE_SIDE_PX)


def _read_bytes(path: Path, name: str) -> bytes:
    if path.is_dir():
        raise InputError(f"{name} is a directory, not an image; give an image file")
    kind = regular_file_kind(path)
    if kind is not None:  # /dev/zero or a named pipe would be read for ever
        raise InputError(f"{name} is {kind}, not an image file; give a photo file (JPEG, PNG, ...)")
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_IMAGE_FILE_BYTES + 1)
    except FileNotFoundError:
        raise InputError(f"image {name} not found; check the path") from None
    except PermissionError:
        raise InputError(
            f"cannot read image {name}: permission denied; check the file's permissions"
        ) from None
    except OSError as error:
        raise InputError(f"cannot read image {name}: {error.strerror or error}") from None
    if not data:
        raise InputError(f"image {name} is empty (0 bytes); copy or export it again")
    if len(data) > MAX_IMAGE_FILE_BYTES:
        raise InputError(
            f"image {name} is larger than {MAX_IMAGE_FILE_BYTES >> 20} MB; scale it down or save it as JPEG first"
        )
    return data


def _too_large(name: str, width: int | None = None, height: int | None = None) -> InputError:
    size = f"{width}x{height} = {width * height / 1e6:.0f} megapixels, " if width and height else ""
    return InputError(
        f"image {name} is too large ({size}posecheck reads at most {MAX_IMAGE_PIXELS / 1e6:.0f} "
        "megapixels); scale it down or save it as JPEG first"
    )


def _truncated(name: str) -> InputError:
    return InputError(f"image {name} is truncated or corrupt; copy or export it again")


def _decode_jpeg(data: bytes, name: str) -> np.ndarray:
    header = _parse_jpeg(data)
    if header is None:
        raise _truncated(name)
    (width, height), orientation = header
    factor, flags = 1, cv2.IMREAD_COLOR
    longest = max(width, height)
    for candidate, reduced in _REDUCED_FLAGS:
        # Decode at the smallest power-of-two reduction that still covers the target size.
        if longest // candidate >= MAX_IMAGE_SIDE_PX:
            factor, flags = candidate, reduced
            logger.info("%s is %dx%d: decoding at 1/%d size", name, width, height, factor)
            break
    if (width // factor) * (height // factor) > MAX_IMAGE_PIXELS:
        raise _too_large(name, width, height)
    image = cv2.imdecode(np.frombuffer(data, np.uint8), flags | cv2.IMREAD_IGNORE_ORIENTATION)
    if image is None:
        raise _truncated(name)
    return apply_exif_orientation(to_bgr8(image), orientation)


def _decode_other(data: bytes, name: str) -> np.ndarray:
    if data.startswith(_PNG_MAGIC) and data.find(_PNG_IEND, max(0, len(data) - 1024)) < 0:
        # libpng prints to stderr on a truncated file; catch the common case before decoding.
        raise _truncated(name)
    size = _header_size(data, name)
    if size is None:
        if data.startswith(_PNG_MAGIC):
            raise _truncated(name)
        raise InputError(f"{name} is not an image posecheck can read; give a {READABLE_FORMATS} file")
    if size[0] * size[1] > MAX_IMAGE_PIXELS:
        raise _too_large(name, *size)
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if image is None or image.size == 0:
        if data.startswith(_PNG_MAGIC):
            raise _truncated(name)
        raise InputError(f"{name} is not an image posecheck can read; give a {READABLE_FORMATS} file")
    return to_bgr8(image)


def _header_size(data: bytes, name: str) -> tuple[int, int] | None:
    """(width, height) from the file's header, read by Pillow without decoding the pixels; None
    when Pillow does not recognise the format (then posecheck does not decode it either).

    Raises:
        InputError: Pillow's own bomb check refuses the header (far above `MAX_IMAGE_PIXELS`).
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                return image.size
    except Image.DecompressionBombError:
        raise _too_large(name) from None
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError):
        return None


def _parse_jpeg(data: bytes) -> tuple[tuple[int, int], int] | None:
    """((width, height), EXIF orientation) of a JPEG, or None when it is truncated or malformed.

    Walks the marker segments up to the first scan, then checks that the end-of-image marker
    follows: entropy-coded data never contains ``FF D9``, so its absence means the file was cut
    short (older OpenCV versions decode such a file into a half-grey image without complaint).
    """
    size: tuple[int, int] | None = None
    orientation = 1
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return None
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in _JPEG_STANDALONE_MARKERS:
            pos += 2
            continue
        if marker == 0xDA:  # start of scan: image data follows up to the EOI marker
            complete = data.find(b"\xff\xd9", pos) >= 0
            return (size, orientation) if complete and size is not None else None
        if marker == 0xD9:
            return None
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        segment = data[pos + 4 : pos + 2 + length]
        if marker in _JPEG_SOF_MARKERS and len(segment) >= 5:
            height, width = struct.unpack(">HH", segment[1:5])
            size = (width, height)
        elif marker == 0xE1 and segment.startswith(b"Exif\x00\x00"):
            orientation = _exif_orientation(segment[6:])
        pos += 2 + length
    return None


def _exif_orientation(tiff: bytes) -> int:
    """The Orientation tag (1-8) of IFD0 in an EXIF TIFF block; 1 when absent or unreadable."""
    if tiff[:2] not in (b"II", b"MM"):
        return 1
    order = "<" if tiff[:2] == b"II" else ">"
    try:
        (ifd,) = struct.unpack(order + "I", tiff[4:8])
        (count,) = struct.unpack(order + "H", tiff[ifd : ifd + 2])
        for index in range(count):
            entry = tiff[ifd + 2 + 12 * index : ifd + 14 + 12 * index]
            tag, _type, _n, value = struct.unpack(order + "HHIH", entry[:10])
            if tag == _EXIF_ORIENTATION_TAG:
                return value if 1 <= value <= 8 else 1
    except struct.error:
        return 1
    return 1


def apply_exif_orientation(image: np.ndarray, orientation: int) -> np.ndarray:
    """Turn an image stored with EXIF orientation 1-8 upright (the same result as Pillow's exif_transpose)."""
    if orientation == 2:
        return cv2.flip(image, 1)
    if orientation == 3:
        return cv2.rotate(image, cv2.ROTATE_180)
    if orientation == 4:
        return cv2.flip(image, 0)
    if orientation == 5:
        return cv2.transpose(image)
    if orientation == 6:
        return cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE)
    if orientation == 7:
        return cv2.rotate(cv2.transpose(image), cv2.ROTATE_180)
    if orientation == 8:
        return cv2.rotate(image, cv2.ROTATE_90_COUNTERCLOCKWISE)
    return image


def fit_within(image: np.ndarray, max_side_px: int) -> np.ndarray:
    """Scale an image down (area interpolation) so its longest side is at most ``max_side_px``."""
    height, width = image.shape[:2]
    longest = max(height, width)
    if longest <= max_side_px:
        return image
    scale = max_side_px / longest
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def enlarge_to(image: np.ndarray, min_short_side_px: int) -> np.ndarray:
    """Scale an image up (cubic interpolation) so its shorter side is at least ``min_short_side_px``."""
    height, width = image.shape[:2]
    shortest = min(height, width)
    if shortest >= min_short_side_px or shortest == 0:
        return image
    scale = min_short_side_px / shortest
    size = (round(width * scale), round(height * scale))
    return cv2.resize(image, size, interpolation=cv2.INTER_CUBIC)


# --- conversion -------------------------------------------------------------------------------


def to_bgr8(image: np.ndarray) -> np.ndarray:
    """Any gray / gray+alpha / BGR / BGRA array of uint8, uint16, bool or float -> BGR uint8 (H, W, 3).

    Alpha is composited on white.  16-bit values are scaled by 1/257 (shifted by 8 bits); floats
    in [0, 1] are scaled to 0-255, other floats and integers are clipped.  A BGR uint8 array is
    returned as is (no copy).

    Raises:
        ValueError: the array is not an image (wrong number of dimensions or channels, or empty).
    """
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[2] == 1:
        array = array[:, :, 0]
    if array.size == 0 or array.ndim not in (2, 3) or (array.ndim == 3 and array.shape[2] not in (2, 3, 4)):
        raise ValueError(f"expected an image of shape (H, W), (H, W, 3) or (H, W, 4), got {array.shape}")
    array = _to_uint8(array)
    if array.ndim == 2:
        return cv2.cvtColor(array, cv2.COLOR_GRAY2BGR)
    channels = array.shape[2]
    if channels == 2:  # gray + alpha
        return _composite_on_white(
            cv2.cvtColor(np.ascontiguousarray(array[:, :, 0]), cv2.COLOR_GRAY2BGR), array[:, :, 1]
        )
    if channels == 4:
        return _composite_on_white(array[:, :, :3], array[:, :, 3])
    return array


def _to_uint8(array: np.ndarray) -> np.ndarray:
    if array.dtype == np.uint8:
        return array
    if array.dtype == np.uint16:
        return (array >> 8).astype(np.uint8)
    if array.dtype == np.bool_:
        return array.astype(np.uint8) * 255
    if np.issubdtype(array.dtype, np.floating):
        values = np.nan_to_num(array.astype(np.float32), nan=0.0, posinf=255.0, neginf=0.0)
        if values.size and float(values.max()) <= 1.0:
            values = values * 255.0
        return np.clip(np.rint(values), 0, 255).astype(np.uint8)
    return np.clip(array, 0, 255).astype(np.uint8)


def _composite_on_white(bgr: np.ndarray, alpha: np.ndarray) -> np.ndarray:
    """What a viewer shows for a transparent image: colour blended over a white page."""
    if int(alpha.min()) == 255:
        return np.ascontiguousarray(bgr)
    weight = alpha.astype(np.float32)[:, :, None] / 255.0
    blended = bgr.astype(np.float32) * weight + 255.0 * (1.0 - weight)
    return np.clip(np.rint(blended), 0, 255).astype(np.uint8)


# --- writing ----------------------------------------------------------------------------------


def save_image(path: str | os.PathLike[str], image: np.ndarray) -> None:
    """Encode by the file extension (``.jpg``, ``.png``, ...) and write the bytes ourselves (non-ASCII
    paths), atomically: a full disk leaves no half image behind.

    Raises:
        OutputError: missing directory, unknown extension, or the file cannot be written.
    """
    name = os.fspath(path)
    target = Path(name)
    directory = target.parent
    if not directory.is_dir():
        raise OutputError(f"cannot write image {name}: folder {directory} does not exist; create it first")
    if target.is_dir():
        raise OutputError(f"cannot write image {name}: it is a folder; give a file name such as out.jpg")
    extension = target.suffix.lower()
    try:
        ok, encoded = cv2.imencode(extension, image) if extension else (False, None)
    except cv2.error:
        ok, encoded = False, None
    if not ok or encoded is None:
        raise OutputError(
            f"cannot write image {name}: unsupported image type {extension or '(none)'!r}; use .jpg or .png"
        )
    atomic_write_bytes(target, encoded.tobytes(), what="image")
