"""Bad input through the real command line (issue 5; the inventory is docs/bad-input.md).

Every case runs ``python -m posecheck ...`` in a subprocess, as a user would, and checks what the
user sees: the documented exit code (0 ok, 1 the input or job failed, 2 usage error), exactly one
line on stderr for a failure (no traceback), and that nothing already written is lost.

Inputs are made on the fly in ``tmp_path``; a real photo from ../shared/data is used only where a
person is needed (those cases skip when it is absent).  Files that only ffmpeg can make (a
truncated MP4 ending mid-stream, variable frame rate, a size change, an audio-only MP4) skip when
the ``ffmpeg`` program is missing.  Photos are analysed in one batch run, so the model loads
only a few times.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import time
import wave
import zipfile
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

REPO = Path(__file__).resolve().parents[1]
PERSON_PHOTO = "photos/A_sworkit_kneelinghipflexor.jpg"  # side view, kneeling lunge, whole body
STANDING_PHOTO = "photos/D_fxdb_standing_side.jpg"  # another person, standing, side view
NOT_VISIBLE = "Body part not visible: move so your whole body is in the picture."
NO_PERSON = "No person found: step into view."
FFMPEG = shutil.which("ffmpeg")
needs_ffmpeg = pytest.mark.skipif(FFMPEG is None, reason="ffmpeg is not installed (.ci/run installs it)")
as_root = pytest.mark.skipif(
    hasattr(os, "geteuid") and os.geteuid() == 0, reason="running as root: chmod does not stop root"
)


# ---------------------------------------------------------------------- helpers


def posecheck(*args: str | Path, env: dict[str, str] | None = None, timeout: float = 120):
    """Run the real CLI; ``env`` entries are added to the current environment."""
    return subprocess.run(
        [sys.executable, "-m", "posecheck", *map(str, args)],
        check=False,
        capture_output=True,
        text=True,
        cwd=REPO,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )


def one_line_error(done: subprocess.CompletedProcess, code: int, *words: str) -> str:
    """The failure the user sees: exit ``code``, exactly one stderr line containing ``words``."""
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
    assert len(lines) == 1, done.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def picture(width: int = 320, height: int = 240, value: int = 90) -> np.ndarray:
    """A small BGR test card (a gradient and a label), no person."""
    image = np.full((height, width, 3), value, np.uint8)
    image[:, :, 0] = np.linspace(0, 255, width, dtype=np.uint8)[None, :]
    cv2.putText(image, "posecheck", (10, height // 2), cv2.FONT_HERSHEY_SIMPLEX, 1.0, (255, 255, 255), 2)
    return image


def write_clip(path: Path, images: list[np.ndarray], fps: float = 15.0, fourcc: str = "mp4v") -> Path:
    height, width = images[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*fourcc), fps, (width, height))
    for image in images:
        writer.write(image)
    writer.release()
    return path


def ffmpeg(*args: str | Path) -> None:
    assert FFMPEG is not None
    subprocess.run([FFMPEG, "-v", "error", "-y", *map(str, args)], check=True, timeout=60)


def card_input(seconds: float, size: str = "160x120", rate: int = 15) -> list[str]:
    return ["-f", "lavfi", "-i", f"testsrc=size={size}:rate={rate}", "-t", str(seconds)]


def decoded_frames(path: Path) -> tuple[int, set[tuple[int, ...]]]:
    """(frames an independent decoder reads, their shapes): is the MP4 playable to the end?"""
    capture = cv2.VideoCapture(str(path))
    count, shapes = 0, set()
    while True:
        ok, image = capture.read()
        if not ok:
            break
        count += 1
        shapes.add(image.shape)
    capture.release()
    return count, shapes


def report_summary(path: Path) -> tuple[dict, list[dict]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return data["summary"], data["frames"]


def person_image(shared_data: Path) -> np.ndarray:
    image = cv2.imread(str(shared_data / PERSON_PHOTO))
    assert image is not None
    return image


def encoded(image: np.ndarray, ext: str) -> bytes:
    ok, data = cv2.imencode(ext, image)
    assert ok
    return data.tobytes()


# ---------------------------------------------------------------------- files (photo)


BAD_FILES = {
    # name -> (make the file in a folder and return its path, words the one line contains)
    "missing path": (lambda d: d / "nope.jpg", ("not found", "check the path")),
    "directory": (lambda d: d, ("is a directory", "give an image file")),
    "empty file": (lambda d: _write(d / "empty.jpg", b""), ("empty (0 bytes)", "copy or export")),
    "text named .jpg": (
        lambda d: _write(d / "notes.jpg", b"shopping list: eggs, milk\n"),
        ("not an image", "JPEG, PNG"),
    ),
    "truncated JPEG": (
        lambda d: _write(d / "cut.jpg", encoded(picture(), ".jpg")[:1500]),
        ("truncated or corrupt", "export it again"),
    ),
    "truncated PNG": (
        lambda d: _write(d / "cut.png", encoded(picture(), ".png")[:3000]),
        ("truncated or corrupt", "export it again"),
    ),
}


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_unreadable_photo_is_one_line_exit_1(tmp_path: Path, case: str) -> None:
    make, words = BAD_FILES[case]
    path = make(tmp_path)
    line = one_line_error(posecheck("photo", path), 1, *words)
    assert str(path) in line


@as_root
def test_photo_without_read_permission(tmp_path: Path) -> None:
    path = _write(tmp_path / "private.jpg", encoded(picture(), ".jpg"))
    path.chmod(0)
    one_line_error(posecheck("photo", path), 1, "permission denied", "permissions")


def test_unreadable_photo_among_good_ones_keeps_the_results(tmp_path: Path) -> None:
    """One bad file: its line on stderr, the other results still printed, exit 1."""
    good = _write(tmp_path / "card.png", encoded(picture(), ".png"))
    done = posecheck("photo", good, tmp_path / "gone.jpg", good, "--json")
    one_line_error(done, 1, "gone.jpg", "not found")
    results = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["source"] for r in results] == [str(good), str(good)]


@pytest.fixture(scope="module")
def photo_batch(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    """Odd but valid photos made from one real person photo, analysed in one ``photo --json`` run.

    Returns ``{case: result}``; the untouched original is ``"original"``.
    """
    folder = tmp_path_factory.mktemp("photos")
    person = person_image(shared_data)
    height, width = person.shape[:2]
    rgb = Image.fromarray(person[:, :, ::-1])
    files: dict[str, Path] = {"original": folder / "original.png"}
    cv2.imwrite(str(files["original"]), person)

    files["grayscale"] = folder / "gray.png"
    cv2.imwrite(str(files["grayscale"]), cv2.cvtColor(person, cv2.COLOR_BGR2GRAY))
    files["RGBA"] = folder / "rgba.png"
    rgba = cv2.cvtColor(person, cv2.COLOR_BGR2BGRA)
    rgba[:, : width // 8, 3] = 0  # a transparent strip, as a cut-out would have
    cv2.imwrite(str(files["RGBA"]), rgba)
    files["16-bit"] = folder / "deep.png"
    cv2.imwrite(str(files["16-bit"]), person.astype(np.uint16) * 257)
    files["palette"] = folder / "palette.png"
    rgb.convert("P", palette=Image.Palette.ADAPTIVE).save(files["palette"])
    # Stored lying on its side with EXIF orientation 6 ("rotate 90 clockwise to view"), as phones do.
    files["EXIF-rotated"] = folder / "phone.jpg"
    stored = rgb.transpose(Image.Transpose.ROTATE_90)
    exif = stored.getexif()
    exif[0x0112] = 6
    stored.save(files["EXIF-rotated"], exif=exif, quality=95)
    files["1x1"] = folder / "dot.png"
    cv2.imwrite(str(files["1x1"]), np.full((1, 1, 3), 128, np.uint8))
    files["12000x9000"] = folder / "huge.jpg"
    huge = np.full((9000, 12000, 3), 200, np.uint8)
    scaled = cv2.resize(person, (width * 8, height * 8), interpolation=cv2.INTER_NEAREST)
    huge[: scaled.shape[0], : scaled.shape[1]] = scaled
    cv2.imwrite(str(files["12000x9000"]), huge, [cv2.IMWRITE_JPEG_QUALITY, 80])
    del huge, scaled
    spaced = folder / "mijn foto's" / "schuttershouding è ü 北.jpg"
    spaced.parent.mkdir()
    cv2.imencode(".jpg", person)[1].tofile(str(spaced))
    files["spaces and non-ASCII"] = spaced

    files["no person"] = folder / "noise.png"
    noise = np.random.default_rng(5).integers(0, 256, (240, 320, 3), dtype=np.uint8)
    cv2.imwrite(str(files["no person"]), noise)
    files["legs cut off"] = folder / "top.jpg"
    cv2.imwrite(str(files["legs cut off"]), person[: int(height * 0.55)])
    files["two people"] = folder / "two.jpg"
    # Two different photos: two copies of one photo side by side make MediaPipe find nobody.
    other = cv2.imread(str(shared_data / STANDING_PHOTO))
    other = cv2.resize(other, (round(other.shape[1] * height / other.shape[0]), height))
    cv2.imwrite(str(files["two people"]), np.hstack([person, other]))
    files["far away"] = folder / "far.jpg"
    canvas = np.full((height * 3, width * 3, 3), 170, np.uint8)
    small = cv2.resize(person, (width // 2, height // 2), interpolation=cv2.INTER_AREA)
    canvas[height * 2 : height * 2 + small.shape[0], width : width + small.shape[1]] = small
    cv2.imwrite(str(files["far away"]), canvas)

    done = posecheck("photo", *files.values(), "--json", timeout=180)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr and not done.stderr.strip(), done.stderr
    results = [json.loads(line) for line in done.stdout.splitlines()]
    by_source = {r["source"]: r for r in results}
    return {case: by_source[str(path)] for case, path in files.items()}


@pytest.mark.model
@pytest.mark.data
@pytest.mark.parametrize(
    "case", ["grayscale", "RGBA", "16-bit", "palette", "EXIF-rotated", "12000x9000", "spaces and non-ASCII"]
)
def test_odd_photo_is_analysed_like_the_original(photo_batch: dict[str, dict], case: str) -> None:
    original, result = photo_batch["original"], photo_batch[case]
    assert original["person_found"] and original["exercise"] == "kneeling_lunge"
    assert result["person_found"], result
    assert result["exercise"] == original["exercise"]
    assert result["view"] == original["view"] == "side"
    assert result["front_side"] == original["front_side"]  # EXIF: upright, not lying on its side
    assert [c["id"] for c in result["checks"]] == [c["id"] for c in original["checks"]]


@pytest.mark.model
@pytest.mark.data
@pytest.mark.parametrize("case", ["1x1", "no person"])
def test_photo_without_a_person_is_a_normal_result(photo_batch: dict[str, dict], case: str) -> None:
    result = photo_batch[case]
    assert result["person_found"] is False and result["checks"] == []
    assert result["cue"] == NO_PERSON


@pytest.mark.model
@pytest.mark.data
def test_person_with_legs_cut_off_says_move_into_the_picture(photo_batch: dict[str, dict]) -> None:
    result = photo_batch["legs cut off"]
    assert result["person_found"] and result["exercise"] is None
    assert result["cue"] == NOT_VISIBLE


@pytest.mark.model
@pytest.mark.data
def test_legs_cut_off_with_the_exercise_given_gives_unknown_checks(shared_data: Path, tmp_path: Path) -> None:
    top = tmp_path / "top.jpg"
    person = person_image(shared_data)
    cv2.imwrite(str(top), person[: int(person.shape[0] * 0.55)])
    done = posecheck("photo", top, "--exercise", "kneeling-lunge", "--json")
    assert done.returncode == 0 and not done.stderr.strip(), done.stderr
    result = json.loads(done.stdout)
    assert result["exercise"] == "kneeling_lunge" and result["checks"]
    for check in result["checks"]:
        assert check["status"] == "unknown" and check["message"] == NOT_VISIBLE, check
    assert result["cue"] == NOT_VISIBLE


@pytest.mark.model
@pytest.mark.data
def test_two_people_side_by_side_judges_one(photo_batch: dict[str, dict]) -> None:
    result = photo_batch["two people"]
    assert result["person_found"] and result["exercise"] in ("kneeling_lunge", "standing_posture")
    assert result["checks"] and {c["status"] for c in result["checks"]} <= {"pass", "fail", "unknown"}


@pytest.mark.model
@pytest.mark.data
def test_far_away_person_gives_a_result_with_a_cue(photo_batch: dict[str, dict]) -> None:
    """Small in a big picture: found and judged, or not found with the step-into-view cue."""
    result = photo_batch["far away"]
    if result["person_found"]:
        assert result["cue"]
    else:
        assert result["cue"] == NO_PERSON


# ---------------------------------------------------------------------- outputs


def test_photo_output_onto_its_input_is_refused_and_the_photo_kept(tmp_path: Path) -> None:
    photo = _write(tmp_path / "me.jpg", encoded(picture(), ".jpg"))
    before = photo.read_bytes()
    one_line_error(posecheck("photo", photo, "-o", photo), 2, "is the input file", "another output name")
    assert photo.read_bytes() == before


def test_photo_output_into_a_missing_folder_fails_before_work(tmp_path: Path) -> None:
    photo = _write(tmp_path / "me.jpg", encoded(picture(), ".jpg"))
    done = posecheck("photo", photo, "-o", tmp_path / "nowhere" / "out.jpg")
    one_line_error(done, 1, "does not exist", "create it first")
    assert done.stdout == ""  # nothing analysed


def test_photo_output_with_an_unknown_image_type(tmp_path: Path) -> None:
    photo = _write(tmp_path / "me.jpg", encoded(picture(), ".jpg"))
    one_line_error(posecheck("photo", photo, "-o", tmp_path / "out.txt"), 2, "'.txt'", "use .jpg or .png")


@pytest.fixture
def clip(tmp_path: Path) -> Path:
    return write_clip(tmp_path / "in.mp4", [picture(160, 120, 30 + 10 * i) for i in range(8)])


def test_video_report_into_a_missing_folder(clip: Path, tmp_path: Path) -> None:
    done = posecheck("video", clip, "--report", tmp_path / "no" / "r.json")
    one_line_error(done, 1, "cannot write report", "does not exist", "create it first")


def test_video_output_and_report_on_one_path(clip: Path, tmp_path: Path) -> None:
    same = tmp_path / "out.json"
    one_line_error(posecheck("video", clip, "-o", same, "--report", same), 2, "same file", "another name")


@as_root
def test_video_output_into_an_unwritable_folder(clip: Path, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    one_line_error(posecheck("video", clip, "-o", locked / "o.mp4"), 1, "no permission to write")


# ---------------------------------------------------------------------- video files


def test_zero_frame_video(tmp_path: Path) -> None:
    empty = tmp_path / "none.mp4"
    writer = cv2.VideoWriter(str(empty), cv2.VideoWriter_fourcc(*"mp4v"), 15.0, (160, 120))
    writer.release()  # a valid container without a single frame
    assert empty.stat().st_size > 0
    report = tmp_path / "r.json"
    one_line_error(posecheck("video", empty, "--report", report), 1, str(empty), "video")
    assert not report.exists()  # nothing was analysed, so no report is claimed


@pytest.mark.parametrize("kind", ["no index", "text"])
def test_unreadable_mp4_is_one_line_without_ffmpegs_own(tmp_path: Path, kind: str) -> None:
    """FFmpeg logs its own line ("moov atom not found") for an MP4 without its index (OpenCV
    writes the index last, so a copy cut short has none); the user sees only posecheck's."""
    path = tmp_path / "broken.mp4"
    if kind == "text":
        path.write_text("not a video\n")
    else:
        full = write_clip(tmp_path / "full.mp4", [picture(160, 120, 30 + 10 * i) for i in range(8)])
        path.write_bytes(full.read_bytes()[: full.stat().st_size // 2])
    one_line_error(posecheck("video", path), 1, str(path), "cannot read this video")


@pytest.mark.parametrize("kind", ["wav", "mp4"])
def test_audio_only_file(tmp_path: Path, kind: str) -> None:
    path = tmp_path / f"sound.{kind}"
    if kind == "wav":
        with wave.open(str(path), "wb") as sound:
            sound.setnchannels(1)
            sound.setsampwidth(2)
            sound.setframerate(8000)
            sound.writeframes(np.zeros(8000, np.int16).tobytes())
    else:
        if FFMPEG is None:
            pytest.skip("ffmpeg is not installed (.ci/run installs it)")
        ffmpeg("-f", "lavfi", "-i", "sine=frequency=440", "-t", "1", "-c:a", "aac", path)
    one_line_error(posecheck("video", path), 1, "cannot read this video", "audio only", "re-encode")


@pytest.mark.model
@needs_ffmpeg
def test_truncated_mp4_keeps_what_was_read(tmp_path: Path) -> None:
    """An MP4 cut off mid-stream (index at the front, as phones and web exports write it)."""
    full = tmp_path / "full.mp4"
    ffmpeg(*card_input(2.0), "-c:v", "libx264", "-pix_fmt", "yuv420p", "-movflags", "+faststart", full)
    cut = _write(tmp_path / "cut.mp4", full.read_bytes()[: full.stat().st_size * 6 // 10])
    out, report = tmp_path / "out.mp4", tmp_path / "r.json"
    done = posecheck("video", cut, "-o", out, "--report", report, "--quiet")
    assert done.returncode == 1 and "Traceback" not in done.stderr
    errors = [line for line in done.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and "broke off" in errors[0] and "saved" in errors[0], done.stderr
    summary, frames = report_summary(report)
    assert summary["complete"] is False and summary["ended"] == "input_broken"
    assert 0 < summary["frames"] == len(frames) < 30
    assert decoded_frames(out)[0] == summary["frames"]


@pytest.mark.model
def test_frame_rate_zero_in_the_header(tmp_path: Path) -> None:
    """An AVI whose headers say 0 fps: analysed, with strictly increasing times."""
    avi = write_clip(tmp_path / "a.avi", [picture(160, 120, 20 * i) for i in range(6)], fourcc="MJPG")
    data = bytearray(avi.read_bytes())
    struct.pack_into("<I", data, data.find(b"avih") + 8, 0)  # microseconds per frame
    struct.pack_into("<II", data, data.find(b"strh") + 8 + 20, 0, 0)  # scale, rate
    avi.write_bytes(bytes(data))
    report = tmp_path / "r.json"
    done = posecheck("video", avi, "--report", report, "--quiet")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    summary, frames = report_summary(report)
    times = [f["time_s"] for f in frames]
    assert summary["complete"] is True and len(times) == 6
    assert all(b > a for a, b in itertools.pairwise(times))


@pytest.mark.model
@needs_ffmpeg
def test_frame_rate_missing(tmp_path: Path) -> None:
    """A raw H.264 stream has no container and no timestamps: times from the frame index."""
    raw = tmp_path / "raw.h264"
    ffmpeg(*card_input(1.0), "-c:v", "libx264", "-f", "h264", raw)
    report = tmp_path / "r.json"
    done = posecheck("video", raw, "--report", report, "--quiet")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    summary, frames = report_summary(report)
    times = [f["time_s"] for f in frames]
    assert summary["complete"] is True and len(times) == 15
    assert all(b > a for a, b in itertools.pairwise(times))


@pytest.mark.model
@needs_ffmpeg
def test_variable_frame_rate_keeps_the_stream_times(tmp_path: Path) -> None:
    """3 of every 10 frames kept: times jump by 0.33 s in places and the report follows them."""
    vfr = tmp_path / "vfr.mp4"
    ffmpeg(
        *card_input(2.0, rate=30),
        *("-vf", "select='lt(mod(n\\,10)\\,3)'", "-fps_mode", "vfr"),
        *("-c:v", "libx264", "-pix_fmt", "yuv420p"),
        vfr,
    )
    out, report = tmp_path / "out.mp4", tmp_path / "r.json"
    done = posecheck("video", vfr, "-o", out, "--report", report, "--quiet")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    summary, frames = report_summary(report)
    times = [f["time_s"] for f in frames]
    assert len(times) == 18 and times[3] == pytest.approx(10 / 30, abs=0.01)
    assert summary["end_s"] == pytest.approx(1.733, abs=0.01)
    assert decoded_frames(out)[0] == 18


@pytest.mark.model
@needs_ffmpeg
def test_frame_size_change_mid_stream(tmp_path: Path) -> None:
    """Two MPEG-TS streams of different sizes back to back: one size out, every frame kept."""
    first, second = tmp_path / "a.ts", tmp_path / "b.ts"
    ffmpeg(*card_input(1.0, size="160x120"), "-c:v", "mpeg2video", first)
    ffmpeg(*card_input(1.0, size="200x100"), "-c:v", "mpeg2video", second)
    both = _write(tmp_path / "both.ts", first.read_bytes() + second.read_bytes())
    out, report = tmp_path / "out.mp4", tmp_path / "r.json"
    done = posecheck("video", both, "-o", out, "--report", report, "--quiet")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    summary, _ = report_summary(report)
    count, shapes = decoded_frames(out)
    assert summary["frames"] >= 28 and count == summary["frames"]
    assert len(shapes) == 1


@pytest.mark.model
@pytest.mark.data
def test_person_leaving_and_coming_back(shared_data: Path, tmp_path: Path) -> None:
    person = cv2.resize(person_image(shared_data), (480, 270), interpolation=cv2.INTER_AREA)
    empty = np.full_like(person, 170)
    clip = write_clip(tmp_path / "away.mp4", [person] * 8 + [empty] * 8 + [person] * 8, fps=8.0)
    out, report = tmp_path / "out.mp4", tmp_path / "r.json"
    done = posecheck("video", clip, "-o", out, "--report", report, "--quiet")
    assert done.returncode == 0 and "Traceback" not in done.stderr, done.stderr
    summary, frames = report_summary(report)
    found = [f["person_found"] for f in frames]
    assert summary["complete"] is True and len(found) == 24
    assert all(found[:8]) and not any(found[9:16]) and all(found[17:])
    assert frames[-1]["exercise"] == "kneeling_lunge"  # judged again after coming back
    assert decoded_frames(out)[0] == 24


# ---------------------------------------------------------------------- cameras

# A stand-in camera for `cv2.VideoCapture(index)`: delivers argv[1] frames at 30 fps, then no more
# (-1: opens but never delivers, as a camera held by another program).  The real CLI runs on it.
FAKE_CAMERA = """
import sys, time
import cv2, numpy as np
deliver = int(sys.argv[1])
class FakeCamera:
    reads = 0
    def isOpened(self): return True
    def read(self):
        time.sleep(1 / 30)
        self.reads += 1
        if deliver < 0 or self.reads > deliver:
            return False, None
        image = np.full((120, 160, 3), 60, np.uint8)
        cv2.putText(image, str(self.reads), (10, 60), cv2.FONT_HERSHEY_SIMPLEX, 1, (255, 255, 255), 2)
        return True, image
    def get(self, prop): return 30.0 if prop == cv2.CAP_PROP_FPS else 0.0
    def set(self, *args): return False
    def release(self): pass
real = cv2.VideoCapture
cv2.VideoCapture = lambda spec, *a, **k: FakeCamera() if isinstance(spec, int) else real(spec, *a, **k)
from posecheck.cli import main
sys.exit(main(sys.argv[2:]))
"""


def with_fake_camera(frames: int, *args: str | Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", FAKE_CAMERA, str(frames), *map(str, args)],
        check=False,
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=120,
    )


def test_photo_snapshot_from_a_camera_that_does_not_exist() -> None:
    one_line_error(posecheck("photo", "--camera", "9", "--countdown", "0"), 1, "cannot open camera 9")


def test_busy_camera_that_delivers_nothing() -> None:
    done = with_fake_camera(-1, "live", "--camera", "0", "--no-window")
    one_line_error(done, 1, "camera 0", "delivers no frames", "close other programs")


@pytest.mark.model
def test_camera_lost_mid_session_keeps_the_report_and_recording(tmp_path: Path) -> None:
    record, report = tmp_path / "rec.mp4", tmp_path / "r.json"
    done = with_fake_camera(
        30, "live", "--camera", "0", "--no-window", "--record", record, "--report", report
    )
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    errors = [line for line in done.stderr.splitlines() if "error:" in line]
    assert len(errors) == 1 and "was lost" in errors[0] and "saved" in errors[0], done.stderr
    summary, frames = report_summary(report)
    assert summary["complete"] is False and summary["ended"] == "camera_lost"
    assert 0 < summary["frames"] == len(frames) <= 30
    count, shapes = decoded_frames(record)
    assert count >= summary["frames"] and shapes == {(120, 160, 3)}


# ---------------------------------------------------------------------- interrupts


def _interrupt(
    command: list[str | Path], wait_for: Path, signum: int, expected_code: int | None = None
) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "posecheck", *map(str, command)],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 60
    while not wait_for.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.05)
    time.sleep(0.7)
    process.send_signal(signum)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == (128 + signum if expected_code is None else expected_code), stderr
    assert "Traceback" not in stderr
    return process


@pytest.mark.model
@pytest.mark.parametrize(
    ("signum", "suffix"),
    [
        pytest.param(signal.SIGINT, ".csv", id="SIGINT-csv"),
        pytest.param(signal.SIGTERM, ".html", id="SIGTERM-html"),
    ],
)
def test_interrupted_video_keeps_a_playable_mp4_and_a_valid_report(
    tmp_path: Path, signum: int, suffix: str
) -> None:
    clip = write_clip(tmp_path / "long.mp4", [picture(160, 120, i % 200) for i in range(600)], fps=30.0)
    out, report = tmp_path / "out.mp4", tmp_path / f"r{suffix}"
    _interrupt(["video", clip, "-o", out, "--report", report], out, signum)
    count, _ = decoded_frames(out)
    assert 0 < count < 600
    if suffix == ".csv":
        rows = list(csv.DictReader(report.read_text(encoding="utf-8").splitlines()))
        assert len(rows) == count  # one row per frame in the video, no half row
        assert all(row["time_s"] for row in rows)
        assert {row["complete"] for row in rows} == {"False"}  # the CSV says it is partial
    else:
        page = report.read_text(encoding="utf-8")
        assert page.rstrip().endswith("</html>")
        assert "The analysis was cut short" in page and f"<td>{count}</td>" in page


@pytest.mark.model
def test_interrupted_live_record_keeps_a_playable_mp4_and_a_valid_report(tmp_path: Path) -> None:
    clip = write_clip(tmp_path / "cam.mp4", [picture(160, 120, i % 200) for i in range(300)], fps=30.0)
    record, report = tmp_path / "rec.mp4", tmp_path / "r.json"
    command = ["live", "--camera", clip, "--no-window", "--record", record, "--report", report]
    # Ctrl-C is the documented way to end `live --no-window`: a normal end (issue 14).
    _interrupt(command, record, signal.SIGINT, expected_code=0)
    summary, frames = report_summary(report)
    assert summary["complete"] is True and summary["ended"] == "quit"
    assert 0 < summary["frames"] == len(frames)
    assert decoded_frames(record)[0] >= summary["frames"]


# ---------------------------------------------------------------------- models


def _bundle(path: Path, payload: bytes) -> Path:
    with zipfile.ZipFile(path, "w") as bundle:
        bundle.writestr("pose_detector.tflite", payload)
        bundle.writestr("pose_landmarks_detector.tflite", payload)
    return path


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    return _write(tmp_path / "card.png", encoded(picture(), ".png"))


def test_model_file_missing(photo: Path, tmp_path: Path) -> None:
    done = posecheck("photo", photo, "--model", tmp_path / "pose.task")
    one_line_error(done, 1, "not found", "lite, full, heavy")


def test_model_file_corrupt(photo: Path, tmp_path: Path) -> None:
    corrupt = _bundle(tmp_path / "pose.task", b"\x00garbage" * 64)
    one_line_error(posecheck("photo", photo, "--model", corrupt), 1, str(corrupt))


def test_wrong_file_given_as_model(photo: Path) -> None:
    done = posecheck("photo", photo, "--model", photo)
    one_line_error(done, 1, "not a MediaPipe pose landmarker .task bundle")


def test_unknown_model_name(photo: Path) -> None:
    one_line_error(posecheck("photo", photo, "--model", "medium"), 1, "unknown model", "lite, full, heavy")


def test_downloaded_model_with_wrong_sha256(photo: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    models = cache / "posecheck" / "models"
    models.mkdir(parents=True)
    _bundle(models / "pose_landmarker_lite.task", b"tampered")
    (models / "pose_landmarker_lite.task.sha256").write_text("0" * 64 + "\n")
    done = posecheck("photo", photo, "--model", "lite", env={"XDG_CACHE_HOME": str(cache)})
    one_line_error(done, 1, "sha256 does not match", "posecheck models --download lite")


def test_model_download_without_network(tmp_path: Path) -> None:
    offline = {
        "XDG_CACHE_HOME": str(tmp_path),
        **dict.fromkeys(("https_proxy", "HTTPS_PROXY", "http_proxy", "HTTP_PROXY"), "http://127.0.0.1:9"),
    }
    done = posecheck("models", "--download", "heavy", env=offline, timeout=60)
    one_line_error(done, 1, "cannot download the heavy model", "--model full")
    assert not list(tmp_path.rglob("*.task"))  # no half-downloaded file left behind


# ---------------------------------------------------------------------- config


CONFIGS = {
    "unknown key": ("max_shin_tilt = 10\n", ("'max_shin_tilt'", "valid settings", "max_shin_tilt_deg")),
    "wrong type": ('max_shin_tilt_deg = "ten"\n', ("'max_shin_tilt_deg'", "[0.0, 60.0]")),
    "out of range": ("max_shin_tilt_deg = 75\n", ("'max_shin_tilt_deg'", "out of range", "[0.0, 60.0]")),
    "not TOML": ("max_shin_tilt_deg = \n", ("not valid TOML",)),
}


@pytest.mark.parametrize("case", list(CONFIGS))
def test_bad_config_names_the_key_and_range(photo: Path, tmp_path: Path, case: str) -> None:
    content, words = CONFIGS[case]
    config = tmp_path / "my.toml"
    config.write_text(content, encoding="utf-8")
    line = one_line_error(posecheck("photo", photo, "--config", config), 2, *words)
    assert str(config) in line


def test_config_file_missing(photo: Path, tmp_path: Path) -> None:
    done = posecheck("video", photo, "--config", tmp_path / "my.toml")
    one_line_error(done, 2, "config file not found", "check the path")


# ---------------------------------------------------------------------- usage


USAGE = {
    "no command": ((), ("required: COMMAND", "posecheck --help")),
    "unknown command": (("check",), ("invalid choice: 'check'", "photo")),
    "photo without images": (("photo",), ("give one or more images", "--camera")),
    "video without input": (("video",), ("required: IN",)),
    "unknown language": (("photo", "x.jpg", "--lang", "xx"), ("--lang", "'en', 'nl'")),
    "exercise typo": (
        ("photo", "x.jpg", "--exercise", "kneling-lunge"),
        ("kneeling-lunge", "prone-press-up"),
    ),
    "report suffix": (("video", "x.mp4", "--report", "r.txt"), ("'.txt'", ".json, .csv or .html")),
    "camera not a number": (("photo", "--camera", "front"), ("--camera", "'front'")),
}


@pytest.mark.parametrize("case", list(USAGE))
def test_usage_error_is_one_line_exit_2(case: str) -> None:
    args, words = USAGE[case]
    one_line_error(posecheck(*args), 2, *words)
