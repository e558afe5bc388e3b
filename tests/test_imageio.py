"""posecheck.imageio on files built on the fly: every format quirk and every way a file can be bad."""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image, ImageOps

from posecheck.errors import InputError, OutputError
from posecheck.imageio import MAX_IMAGE_SIDE_PX, apply_exif_orientation, load_image, save_image, to_bgr8

# BGR colours of the four quadrants of `quadrants()`: top-left, top-right, bottom-left, bottom-right.
QUADRANT_COLOURS = ((0, 0, 255), (0, 255, 0), (255, 0, 0), (0, 255, 255))


def quadrants(height: int = 40, width: int = 60) -> np.ndarray:
    """A BGR image with four flat colours, so any rotation or flip is easy to see."""
    image = np.zeros((height, width, 3), np.uint8)
    half_h, half_w = height // 2, width // 2
    image[:half_h, :half_w] = QUADRANT_COLOURS[0]
    image[:half_h, half_w:] = QUADRANT_COLOURS[1]
    image[half_h:, :half_w] = QUADRANT_COLOURS[2]
    image[half_h:, half_w:] = QUADRANT_COLOURS[3]
    return image


def quadrant_means(image: np.ndarray) -> np.ndarray:
    """Mean BGR colour of the centre of each quadrant, (4, 3)."""
    height, width = image.shape[:2]
    ys = (height // 4, 3 * height // 4)
    xs = (width // 4, 3 * width // 4)
    patches = [image[y - 2 : y + 3, x - 2 : x + 3] for y in ys for x in xs]
    return np.array([patch.reshape(-1, 3).mean(axis=0) for patch in patches])


def write_png(path: Path, array: np.ndarray) -> Path:
    ok, data = cv2.imencode(".png", array)
    assert ok
    path.write_bytes(data.tobytes())
    return path


def jpeg_bytes(rgb: np.ndarray, orientation: int | None = None, quality: int = 95) -> bytes:
    """A JPEG written by Pillow, optionally with an EXIF Orientation tag (as phones write them)."""
    image = Image.fromarray(rgb)
    buffer = io.BytesIO()
    if orientation is None:
        image.save(buffer, "JPEG", quality=quality)
    else:
        exif = Image.Exif()
        exif[0x0112] = orientation
        image.save(buffer, "JPEG", quality=quality, exif=exif.tobytes())
    return buffer.getvalue()


def assert_one_line_naming(error: pytest.ExceptionInfo[Exception], path: Path) -> None:
    message = str(error.value)
    assert "\n" not in message
    assert str(path) in message


# --- formats ----------------------------------------------------------------------------------


def test_colour_png_round_trips(tmp_path: Path) -> None:
    image = load_image(write_png(tmp_path / "q.png", quadrants()))
    assert image.dtype == np.uint8
    assert image.shape == (40, 60, 3)
    np.testing.assert_array_equal(image, quadrants())


def test_grayscale_png_becomes_bgr(tmp_path: Path) -> None:
    gray = np.tile(np.arange(0, 250, 5, dtype=np.uint8), (10, 1))
    image = load_image(write_png(tmp_path / "gray.png", gray))
    assert image.shape == (10, 50, 3)
    for channel in range(3):
        np.testing.assert_array_equal(image[:, :, channel], gray)


def test_grayscale_jpeg_becomes_bgr(tmp_path: Path) -> None:
    path = tmp_path / "gray.jpg"
    _ok, data = cv2.imencode(".jpg", np.full((30, 40), 128, np.uint8))
    path.write_bytes(data.tobytes())
    image = load_image(path)
    assert image.shape == (30, 40, 3)
    assert abs(float(image.mean()) - 128) < 2


def test_rgba_png_is_composited_on_white(tmp_path: Path) -> None:
    bgra = np.zeros((20, 20, 4), np.uint8)
    bgra[:, :10] = (255, 0, 0, 255)  # opaque blue
    bgra[:, 10:] = (0, 0, 0, 0)  # fully transparent black
    image = load_image(write_png(tmp_path / "rgba.png", bgra))
    assert image.shape == (20, 20, 3)
    np.testing.assert_array_equal(image[0, 0], (255, 0, 0))
    np.testing.assert_array_equal(image[0, 15], (255, 255, 255))


def test_half_transparent_pixel_blends_with_white() -> None:
    bgra = np.array([[[0, 0, 0, 128]]], np.uint8)
    np.testing.assert_allclose(to_bgr8(bgra)[0, 0], [127, 127, 127], atol=1)


@pytest.mark.parametrize("channels", [1, 3])
def test_16bit_png_becomes_8bit(tmp_path: Path, channels: int) -> None:
    shape = (8, 8) if channels == 1 else (8, 8, 3)
    array = np.full(shape, 40000, np.uint16)
    image = load_image(write_png(tmp_path / "deep.png", array))
    assert image.dtype == np.uint8
    assert image.shape == (8, 8, 3)
    assert int(image[0, 0, 0]) == 40000 >> 8


def test_palette_png(tmp_path: Path) -> None:
    palette_image = Image.fromarray(quadrants()[:, :, ::-1]).convert(
        "P", palette=Image.Palette.ADAPTIVE, colors=4
    )
    path = tmp_path / "palette.png"
    palette_image.save(path)
    assert Image.open(path).mode == "P"
    np.testing.assert_allclose(quadrant_means(load_image(path)), QUADRANT_COLOURS, atol=3)


def test_palette_png_with_transparency(tmp_path: Path) -> None:
    palette_image = Image.new("P", (10, 10), 0)
    palette_image.putpalette([0, 0, 0, 255, 0, 0] + [0] * 762)
    palette_image.paste(1, (0, 0, 5, 10))
    path = tmp_path / "palette_transparent.png"
    palette_image.save(path, transparency=0)
    image = load_image(path)
    np.testing.assert_array_equal(image[5, 2], (0, 0, 255))  # red, opaque
    np.testing.assert_array_equal(image[5, 8], (255, 255, 255))  # transparent -> white


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation_matches_pillow(tmp_path: Path, orientation: int) -> None:
    path = tmp_path / f"exif{orientation}.jpg"
    path.write_bytes(jpeg_bytes(quadrants()[:, :, ::-1], orientation))
    expected = np.asarray(ImageOps.exif_transpose(Image.open(path)))[:, :, ::-1]
    image = load_image(path)
    assert image.shape == expected.shape
    np.testing.assert_allclose(quadrant_means(image), quadrant_means(expected), atol=12)


def test_exif_orientation_6_is_rotated_upright(tmp_path: Path) -> None:
    """A phone held upright stores the sensor image sideways with Orientation=6 (rotate 90° CW)."""
    path = tmp_path / "phone.jpg"
    path.write_bytes(jpeg_bytes(quadrants()[:, :, ::-1], orientation=6))
    image = load_image(path)
    assert image.shape == (60, 40, 3)
    # After a clockwise turn the stored bottom-left quadrant is at the top left.
    np.testing.assert_allclose(quadrant_means(image)[0], QUADRANT_COLOURS[2], atol=12)


def test_apply_exif_orientation_identity_for_unknown_values() -> None:
    image = quadrants()
    assert apply_exif_orientation(image, 1) is image
    assert apply_exif_orientation(image, 0) is image


def test_one_pixel_images(tmp_path: Path) -> None:
    pixel = np.array([[[10, 20, 30]]], np.uint8)
    assert load_image(write_png(tmp_path / "one.png", pixel)).shape == (1, 1, 3)
    jpeg = tmp_path / "one.jpg"
    jpeg.write_bytes(jpeg_bytes(pixel[:, :, ::-1]))
    assert load_image(jpeg).shape == (1, 1, 3)


def test_non_ascii_path_with_spaces(tmp_path: Path) -> None:
    folder = tmp_path / "mijn foto's – ü"
    folder.mkdir()
    image = load_image(write_png(folder / "hüftbeuger dehnung 伸展.png", quadrants()))
    np.testing.assert_array_equal(image, quadrants())


# --- huge images ------------------------------------------------------------------------------


def test_huge_jpeg_is_decoded_reduced_and_fits(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    gray = np.full((9000, 12000), 200, np.uint8)
    gray[:4500, :6000] = 30  # dark top-left quarter: the geometry must survive the reduction
    path = tmp_path / "huge.jpg"
    _ok, data = cv2.imencode(".jpg", gray, [cv2.IMWRITE_JPEG_QUALITY, 50])
    del gray
    path.write_bytes(data.tobytes())
    with caplog.at_level(logging.INFO, logger="posecheck.imageio"):
        image = load_image(path)
    assert "decoding at 1/4 size" in caplog.text
    assert image.shape == (1920, MAX_IMAGE_SIDE_PX, 3)
    means = quadrant_means(image).mean(axis=1)
    assert means[0] < 50 and means[1] > 180 and means[3] > 180


def test_huge_rotated_jpeg_is_upright_and_fits(tmp_path: Path) -> None:
    rgb = np.full((3000, 6000, 3), 220, np.uint8)
    path = tmp_path / "huge_rotated.jpg"
    path.write_bytes(jpeg_bytes(rgb, orientation=6, quality=50))
    assert load_image(path).shape == (MAX_IMAGE_SIDE_PX, 1280, 3)


def test_huge_png_is_scaled_down(tmp_path: Path) -> None:
    image = load_image(write_png(tmp_path / "huge.png", np.full((3000, 6000), 90, np.uint8)))
    assert image.shape == (1280, MAX_IMAGE_SIDE_PX, 3)


# --- bad files --------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.jpg"
    with pytest.raises(InputError, match="not found") as error:
        load_image(path)
    assert_one_line_naming(error, path)


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="directory") as error:
        load_image(tmp_path)
    assert_one_line_naming(error, tmp_path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.png"
    path.touch()
    with pytest.raises(InputError, match="empty") as error:
        load_image(path)
    assert_one_line_naming(error, path)


def test_text_file_named_jpg(tmp_path: Path) -> None:
    path = tmp_path / "notes.jpg"
    path.write_text("this is not a photo\n")
    with pytest.raises(InputError, match="not an image") as error:
        load_image(path)
    assert_one_line_naming(error, path)


@pytest.mark.parametrize("fraction", [0.2, 0.6, 0.97])
def test_truncated_jpeg(tmp_path: Path, fraction: float) -> None:
    rng = np.random.default_rng(0)
    data = jpeg_bytes(rng.integers(0, 255, (120, 160, 3), dtype=np.uint8))
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: int(len(data) * fraction)])
    with pytest.raises(InputError, match="truncated") as error:
        load_image(path)
    assert_one_line_naming(error, path)


def test_truncated_png(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    _ok, data = cv2.imencode(".png", rng.integers(0, 255, (120, 160, 3), dtype=np.uint8))
    path = tmp_path / "cut.png"
    path.write_bytes(data.tobytes()[: len(data) // 2])
    with pytest.raises(InputError, match="truncated") as error:
        load_image(path)
    assert_one_line_naming(error, path)


def test_unreadable_file(tmp_path: Path) -> None:
    path = write_png(tmp_path / "secret.png", quadrants())
    path.chmod(0)
    try:
        if os.access(path, os.R_OK):
            pytest.skip("running as root: file permissions do not stop reading")
        with pytest.raises(InputError, match="permission denied") as error:
            load_image(path)
        assert_one_line_naming(error, path)
    finally:
        path.chmod(0o644)


# --- to_bgr8 ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("array", "expected_pixel"),
    [
        (np.full((4, 4), 7, np.uint8), (7, 7, 7)),
        (np.full((4, 4, 1), 7, np.uint8), (7, 7, 7)),
        (np.full((4, 4, 3), (1, 2, 3), np.uint8), (1, 2, 3)),
        (np.full((4, 4, 4), (1, 2, 3, 255), np.uint8), (1, 2, 3)),
        (np.full((4, 4, 2), (0, 0), np.uint8), (255, 255, 255)),
        (np.full((4, 4), 65535, np.uint16), (255, 255, 255)),
        (np.full((4, 4, 3), 0.5, np.float32), (128, 128, 128)),
        (np.full((4, 4), 300.0, np.float64), (255, 255, 255)),
        (np.ones((4, 4), bool), (255, 255, 255)),
    ],
)
def test_to_bgr8_conversions(array: np.ndarray, expected_pixel: tuple[int, int, int]) -> None:
    converted = to_bgr8(array)
    assert converted.dtype == np.uint8
    assert converted.shape == (4, 4, 3)
    np.testing.assert_array_equal(converted[0, 0], expected_pixel)


def test_to_bgr8_returns_bgr_uint8_unchanged() -> None:
    image = quadrants()
    assert to_bgr8(image) is image


@pytest.mark.parametrize("shape", [(5,), (0, 4), (4, 4, 5), (2, 2, 2, 2)])
def test_to_bgr8_rejects_non_images(shape: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="expected an image"):
        to_bgr8(np.zeros(shape, np.uint8))


# --- save_image -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["out.png", "uitvoer met spatie ü.jpg"])
def test_save_image_round_trip(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    save_image(path, quadrants())
    np.testing.assert_allclose(quadrant_means(load_image(path)), QUADRANT_COLOURS, atol=12)


def test_save_image_missing_directory(tmp_path: Path) -> None:
    path = tmp_path / "missing" / "out.jpg"
    with pytest.raises(OutputError, match="does not exist") as error:
        save_image(path, quadrants())
    assert_one_line_naming(error, path)


def test_save_image_unknown_extension(tmp_path: Path) -> None:
    path = tmp_path / "out.xyz"
    with pytest.raises(OutputError, match="unsupported image type") as error:
        save_image(path, quadrants())
    assert_one_line_naming(error, path)
    assert not path.exists()


def test_save_image_onto_directory(tmp_path: Path) -> None:
    target = tmp_path / "folder.png"
    target.mkdir()
    with pytest.raises(OutputError, match="directory"):
        save_image(target, quadrants())


def test_save_image_not_writable(tmp_path: Path) -> None:
    folder = tmp_path / "readonly"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root: directory permissions do not stop writing")
        with pytest.raises(OutputError, match="cannot write"):
            save_image(folder / "out.png", quadrants())
    finally:
        folder.chmod(0o755)
