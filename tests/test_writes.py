"""Checked writes and bounded inputs through the real command line (issue 13; docs/bad-input.md).

Every failed write gives one line on stderr naming what failed, where, why and what to do, with
exit 1, and what was written before stays valid.  A full disk is a small tmpfs and a read-only
folder a read-only tmpfs (``mount`` needs root, as in CI); where mounting is not allowed those
cases skip, and the same code paths are driven by injected errors in-process (the last section
here, and tests/test_video.py for the video sink).  Inputs that are not regular files (a device,
a named pipe) and images that claim more pixels than posecheck reads are refused before reading,
under a memory limit so that a regression cannot take the machine down with it.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import resource
import shutil
import struct
import subprocess
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest
from test_bad_input import one_line_error

from posecheck.errors import OutputError

REPO = Path(__file__).resolve().parents[1]
MEMORY_LIMIT = 3 << 30  # address space of the posecheck under test: MediaPipe needs ~1.5 GB of it


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def posecheck(*args: str | Path, timeout: float = 120) -> subprocess.CompletedProcess:
    """The real CLI, with a memory limit and a timeout (a hang fails the test, not the machine)."""
    return subprocess.run(
        [sys.executable, "-m", "posecheck", *map(str, args)],
        check=False,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=timeout,
        preexec_fn=_limit_memory,
    )


def noise_clip(path: Path, frames: int = 60, fps: float = 8.0, size=(160, 120)) -> Path:
    """A clip of noise: it does not compress, so a few frames fill a small disk."""
    rng = np.random.default_rng(1)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, size)
    for _ in range(frames):
        writer.write(rng.integers(0, 255, (size[1], size[0], 3), np.uint8))
    writer.release()
    return path


def card_image(path: Path) -> Path:
    image = np.full((240, 320, 3), 90, np.uint8)
    image[:, :, 0] = np.linspace(0, 255, 320, dtype=np.uint8)[None, :]
    cv2.imwrite(str(path), image)
    return path


@contextlib.contextmanager
def mounted_tmpfs(where: Path, options: str) -> Iterator[Path]:
    """A tmpfs at ``where`` (``size=256k``, ``ro``, ...); skips the test where mounting is not allowed."""
    where.mkdir(parents=True, exist_ok=True)
    mount = shutil.which("mount")
    if mount is None or os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root and mount(8); the in-process tests inject the same errors")
    done = subprocess.run(
        [mount, "-t", "tmpfs", "-o", options, "tmpfs", str(where)], check=False, capture_output=True
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 256 KB disk."""
    with mounted_tmpfs(tmp_path / "disk", "size=256k") as disk:
        yield disk


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 KB disk with about 4 KB left."""
    with mounted_tmpfs(tmp_path / "full", "size=64k") as disk:
        (disk / "filler").write_bytes(b"\0" * (60 * 1024))
        yield disk


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    with mounted_tmpfs(tmp_path / "ro", "ro,size=64k") as folder:
        yield folder


def decodable_frames(path: Path) -> int:
    import av

    count = 0
    with av.open(str(path)) as container:
        assert container.streams.video[0].codec_context.name == "h264"
        with contextlib.suppress(av.error.InvalidDataError):
            for _frame in container.decode(video=0):
                count += 1
    return count


# ---------------------------------------------------------------------- a full disk


@pytest.mark.model
def test_video_output_on_a_full_disk_fails_in_one_line_and_keeps_what_was_written(
    tmp_path: Path, small_disk: Path
) -> None:
    """The issue's data-loss case: OpenCV's writer only logged "Failed to write frame", posecheck
    said it was done (exit 0) and the MP4 had no index.  Now: exit 1, one line, and the frames
    written before the disk filled still play; the report (on another disk) says it is partial."""
    clip = noise_clip(tmp_path / "in.avi")
    out, report = small_disk / "out.mp4", tmp_path / "r.json"
    done = posecheck("video", clip, "-o", out, "--report", report, "--quiet")
    line = one_line_error(
        done, 1, f"cannot write video {out}: no space left on device", "the part written before plays"
    )
    assert line.endswith("; free some space or write to another folder")
    assert decodable_frames(out) >= 8
    summary = json.loads(report.read_text())["summary"]
    assert summary["complete"] is False and summary["ended"] == "error"


@pytest.mark.model
def test_report_on_a_full_disk_keeps_no_half_file(tmp_path: Path, full_disk: Path) -> None:
    clip = noise_clip(tmp_path / "in.avi", frames=20)
    report = full_disk / "r.json"
    done = posecheck("video", clip, "--report", report, "--quiet")
    one_line_error(done, 1, f"cannot write report {report}: no space left on device", "free some space")
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler"]  # no half report, no temp file


@pytest.mark.model
def test_photo_overlay_on_a_full_disk_keeps_no_half_image(tmp_path: Path, full_disk: Path) -> None:
    """Before: a truncated JPEG was left behind and the message gave no advice."""
    photo = card_image(tmp_path / "card.png")
    out = full_disk / "out.jpg"
    done = posecheck("photo", photo, "-o", out)
    assert done.stdout.startswith(str(photo))  # the result itself is still printed
    one_line_error(done, 1, f"cannot write image {out}: no space left on device", "free some space")
    assert sorted(p.name for p in full_disk.iterdir()) == ["filler"]


# ---------------------------------------------------------------------- output paths


@pytest.mark.parametrize(
    ("command", "option", "name"),
    [
        pytest.param("video", "-o", "out.mp4", id="video -o"),
        pytest.param("video", "--report", "r.json", id="video --report"),
        pytest.param("photo", "-o", "out.jpg", id="photo -o"),
        pytest.param("live", "--record", "rec.mp4", id="live --record"),
    ],
)
def test_output_into_a_read_only_folder_names_the_cause(
    tmp_path: Path, read_only: Path, command: str, option: str, name: str
) -> None:
    """Before: "no permission to write in ..." (or, for photo, after the analysis) -- a read-only
    mount is not a permission problem, and chmod does not stop root, so it was never tested."""
    source = card_image(tmp_path / "card.png") if command == "photo" else noise_clip(tmp_path / "in.avi", 4)
    args = [source] if command != "live" else ["--camera", source, "--no-window"]
    done = posecheck(command, *args, option, read_only / name)
    one_line_error(done, 1, f"{read_only / name}: read-only file system; write to another folder")


@pytest.mark.parametrize(
    ("command", "option", "name", "words"),
    [
        pytest.param("video", "-o", "noext", ("has no file extension", "name the video noext.mp4"), id="video no extension"),
        pytest.param("video", "-o", "out.avi", ("cannot be written as '.avi'", "use .mp4, .m4v or .mov"), id="video .avi"),
        pytest.param("live", "--record", "rec", ("has no file extension", "name the video rec.mp4"), id="live no extension"),
    ],
)  # fmt: skip
def test_video_output_extension_is_named(tmp_path: Path, command: str, option: str, name: str, words) -> None:
    """Before: "cannot write video noext: OpenCV could not open an MP4 writer", after the model loaded."""
    clip = noise_clip(tmp_path / "in.avi", 4)
    args = [clip] if command == "video" else ["--camera", clip, "--no-window"]
    done = posecheck(command, *args, option, tmp_path / name)
    one_line_error(done, 2, *words)
    assert not (tmp_path / name).exists()


# ---------------------------------------------------------------------- inputs that are not files


@pytest.mark.parametrize(
    ("command", "kind"),
    [
        pytest.param("photo", "device", id="photo /dev/zero"),
        pytest.param("photo", "pipe", id="photo FIFO"),
        pytest.param("video", "device", id="video /dev/zero"),
        pytest.param("video", "pipe", id="video FIFO"),
        pytest.param("live", "pipe", id="live --camera FIFO"),
    ],
)
def test_input_that_is_not_a_regular_file_is_refused_at_once(tmp_path: Path, command: str, kind: str) -> None:
    """Before: /dev/zero was read until memory ran out, a named pipe without a writer blocked for
    ever.  Now both are refused before opening them (a 20 s timeout fails the test on a hang)."""
    if kind == "device":
        source = Path("/dev/zero")
    else:
        source = tmp_path / "stream.mp4"
        os.mkfifo(source)
    args = [source] if command != "live" else ["--camera", source, "--no-window"]
    done = posecheck(command, *args, timeout=20)
    what = "a device" if kind == "device" else "a named pipe"
    one_line_error(done, 1, f"{source} is {what}, not a")


def test_camera_device_that_is_no_camera(tmp_path: Path) -> None:
    """``live --camera /dev/...`` opens a device as a camera (V4L2), and says so when it is none."""
    done = posecheck("live", "--camera", "/dev/zero", "--no-window", timeout=30)
    one_line_error(done, 1, "cannot open camera /dev/zero")


def png_claiming(width: int, height: int) -> bytes:
    """A valid, tiny PNG whose header claims ``width`` x ``height`` pixels (its data is 10 rows)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = zlib.compress(b"\0" * (1 + 3 * width) * 10)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


@pytest.mark.parametrize(
    ("width", "height", "words"),
    [
        pytest.param(20000, 20000, ("too large", "at most 40 megapixels"), id="20000x20000 bomb"),
        pytest.param(9000, 9000, ("too large (9000x9000 = 81 megapixels",), id="9000x9000"),
    ],
)
def test_png_claiming_too_many_pixels_is_refused_before_decoding(
    tmp_path: Path, width: int, height: int, words
) -> None:
    """A decompression bomb: under 1 KB on disk, 1.2 GB once decoded.  Before: OpenCV's limit is 2**30
    pixels, so it was allocated and then reported as "truncated or corrupt"."""
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_claiming(width, height))
    assert bomb.stat().st_size < 2000
    one_line_error(posecheck("photo", bomb, timeout=60), 1, f"image {bomb} is", *words)


# ---------------------------------------------------------------------- a closed stdout


@pytest.mark.model
def test_closed_stdout_ends_quietly(tmp_path: Path) -> None:
    """``posecheck photo A B C --json | head -c 1``: exit 0, nothing on stderr (before: a
    BrokenPipeError traceback and exit 1)."""
    photos = [card_image(tmp_path / f"card{i}.png") for i in range(4)]
    process = subprocess.Popen(
        [sys.executable, "-m", "posecheck", "photo", *map(str, photos), "--json"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=_limit_memory,  # noqa: PLW1509 - setrlimit only, safe between fork and exec
    )
    assert process.stdout is not None and process.stderr is not None
    assert process.stdout.read(1) == b"{"
    process.stdout.close()  # what head does once it has its bytes
    stderr = process.stderr.read().decode()
    assert process.wait(timeout=120) == 0, stderr
    assert stderr == ""


# ---------------------------------------------------------------------- injected errors (no mount needed)


def test_check_writable_names_a_read_only_file_system(tmp_path: Path, monkeypatch) -> None:
    from posecheck.fileio import check_writable

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS))

    monkeypatch.setattr("posecheck.fileio.tempfile.mkstemp", read_only)
    with pytest.raises(OutputError) as raised:
        check_writable(tmp_path / "r.json", "report")
    assert (
        str(raised.value)
        == f"cannot write report {tmp_path / 'r.json'}: read-only file system; write to another folder"
    )


def test_atomic_write_on_a_full_disk_keeps_the_previous_file(tmp_path: Path, monkeypatch) -> None:
    from posecheck.fileio import atomic_write_text

    target = tmp_path / "r.json"
    atomic_write_text(target, '{"complete": false}', what="report")

    def full(*args, **kwargs):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr("posecheck.fileio.os.fsync", full)
    with pytest.raises(OutputError) as raised:
        atomic_write_text(target, '{"complete": true}', what="report")
    assert str(raised.value) == (
        f"cannot write report {target}: no space left on device; free some space or write to another folder"
    )
    assert target.read_text() == '{"complete": false}'
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]


def test_snapshot_that_cannot_be_written_does_not_end_the_session(tmp_path: Path, capsys) -> None:
    """The s key on a full disk or a vanished folder: one line on stderr, a note in the window,
    and the session goes on (before: the error ended the live session)."""
    from test_live_window import analysed, make_window

    window, _, analyzer, outputs = make_window(tmp_path / "snaps", "s")
    assert window.show(*analysed(analyzer, outputs))  # the folder does not exist
    err = capsys.readouterr().err.strip().splitlines()
    assert (
        len(err) == 1
        and err[0].startswith("posecheck: error: cannot write image")
        and "does not exist" in err[0]
    )
    assert window._flash is not None and "NOT saved" in window._flash[0]
