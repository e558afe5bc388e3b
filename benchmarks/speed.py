"""Speed and memory of posecheck against the bare model: ``python benchmarks/speed.py [CLIP]``.

In one run, on the same clip and model, each mode runs in its own subprocess (so peak RSS is
per mode, read with ``os.wait4``) and the modes are interleaved over ``--rounds`` rounds; the
table shows medians:

* **bare** -- decode every frame with OpenCV and run the MediaPipe landmarker directly in VIDEO
  mode with segmentation masks on (what posecheck asks for), nothing else: the reference.
* **estimator** -- the same loop through `posecheck.estimator.PoseEstimator` (pixels, mask copy):
  shows what the adapter costs.
* **analyse** -- ``posecheck video CLIP`` (no output files).
* **annotate** -- ``posecheck video CLIP -o out.mp4 --report r.json``.
* **live** -- ``posecheck live --camera CLIP --no-window``: the clip is played at its own frame
  rate as a camera would deliver it, so fps cannot exceed the clip's; latency is capture to
  verdict per frame (`posecheck.pipeline.Analysis.latency_s`), ``dropped`` counts frames the
  newest-frame loop skipped.
* **live-draw** -- the same with the overlay drawn on every frame, as with a window (the
  window itself is not shown; there is no display here).
* **live-record** -- ``posecheck live --camera CLIP --no-window --record out.mp4``: the overlay
  drawn and encoded to H.264 on every frame (target: 30 fps at 1280x720, ``--size 1280x720
  --fps 30``).

fps and ms/frame are over the frame loop only (model loading excluded in every mode, the
first detection's warm-up included in every mode); ``wall s`` is the whole subprocess,
interpreter start to exit.  ``posecheck photo IMG`` is timed as a whole subprocess (start to
verdict on stdout, and to exit), target < 2 s.

The clip: CLIP, else ``../shared/data/videos/C1_trace_bhujangasana.mp4`` next to the
repository, else Debian's ``opencv-doc`` sample ``vtest.avi`` (``sudo apt-get install
opencv-doc``; people walking, 768x576).  ``--size 640x480 --fps 30`` (and ``--frames N``)
first re-encode the clip (mp4v) to that size, rate and length, so every mode reads the
same prepared file.

Numbers are noisy when other work shares the CPU: the 1-minute load average is printed
next to each figure; repeat and compare medians.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SHARED_CLIP = REPO.parent / "shared" / "data" / "videos" / "C1_trace_bhujangasana.mp4"
OPENCV_DOC = Path("/usr/share/doc/opencv-doc/examples/data")
MODES = ("bare", "estimator", "analyse", "annotate", "live", "live-draw", "live-record")
TARGETS = {
    "analyse/bare": 0.97,
    "annotate/bare": 0.90,
    "live_fps": 30.0,
    "live_latency_ms": 50.0,
    "photo_s": 2.0,
    "peak_rss_mb": 600.0,
}


# ---------------------------------------------------------------------------- helpers


def load1() -> float:
    return os.getloadavg()[0]


def percentile(values: Sequence[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def default_clip(tmp: Path) -> Path:
    """The shared real clip, else opencv-doc's vtest.avi (Debian gzips it in some releases)."""
    if SHARED_CLIP.is_file():
        return SHARED_CLIP
    for candidate in (OPENCV_DOC / "vtest.avi", OPENCV_DOC / "vtest.avi.gz"):
        if candidate.is_file():
            if candidate.suffix != ".gz":
                return candidate
            out = tmp / "vtest.avi"
            with gzip.open(candidate, "rb") as src, out.open("wb") as dst:
                shutil.copyfileobj(src, dst)
            return out
    raise SystemExit(
        "speed.py: no clip given, ../shared/data is absent and opencv-doc is not installed; "
        "give a CLIP or run: sudo apt-get install opencv-doc (it ships examples/data/vtest.avi)"
    )


def clip_info(path: Path) -> dict[str, Any]:
    import cv2

    cap = cv2.VideoCapture(str(path))
    try:
        return {
            "width": int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
            "height": int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)),
            "fps": round(float(cap.get(cv2.CAP_PROP_FPS)), 3),
            "frames": int(cap.get(cv2.CAP_PROP_FRAME_COUNT)),
        }
    finally:
        cap.release()


def prepare_clip(
    clip: Path, tmp: Path, size: tuple[int, int] | None, fps: float | None, frames: int | None
) -> Path:
    """Re-encode ``clip`` to ``size``/``fps``/``frames`` (mp4v) when any is given."""
    if size is None and fps is None and frames is None:
        return clip
    import cv2

    cap = cv2.VideoCapture(str(clip))
    src_fps = float(cap.get(cv2.CAP_PROP_FPS)) or 30.0
    out_size = size or (int(cap.get(cv2.CAP_PROP_FRAME_WIDTH)), int(cap.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    out = tmp / f"clip_{out_size[0]}x{out_size[1]}.mp4"
    writer = cv2.VideoWriter(str(out), cv2.VideoWriter.fourcc(*"mp4v"), fps or src_fps, out_size)
    written = 0
    try:
        while frames is None or written < frames:
            ok, image = cap.read()
            if not ok:
                break
            if (image.shape[1], image.shape[0]) != out_size:
                image = cv2.resize(image, out_size, interpolation=cv2.INTER_AREA)
            writer.write(image)
            written += 1
    finally:
        writer.release()
        cap.release()
    if written == 0:
        raise SystemExit(f"speed.py: no frames could be read from {clip}")
    return out


def middle_frame_photo(clip: Path, tmp: Path) -> Path:
    """A JPEG of the clip's middle frame, for timing ``posecheck photo``."""
    import cv2

    cap = cv2.VideoCapture(str(clip))
    try:
        cap.set(cv2.CAP_PROP_POS_FRAMES, max(0, int(cap.get(cv2.CAP_PROP_FRAME_COUNT)) // 2))
        ok, image = cap.read()
    finally:
        cap.release()
    if not ok:
        raise SystemExit(f"speed.py: cannot read a frame of {clip} for the photo timing")
    out = tmp / "photo.jpg"
    cv2.imwrite(str(out), image)
    return out


def run_child(argv: list[str], *, stdout: Any = subprocess.DEVNULL) -> tuple[int, float, float, float | None]:
    """Run ``argv``; returns (exit code, wall s, peak RSS MB of that child, s to the first stdout line)."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
    }
    started = time.perf_counter()
    proc = subprocess.Popen(argv, cwd=REPO, env=env, stdout=stdout, stderr=subprocess.PIPE)
    first_line_s = None
    if stdout is subprocess.PIPE and proc.stdout is not None:
        if proc.stdout.readline():
            first_line_s = time.perf_counter() - started
        proc.stdout.read()
    stderr = proc.stderr.read() if proc.stderr is not None else b""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)  # already reaped: tell Popen
    code = proc.returncode
    if code != 0:
        sys.stderr.write(stderr.decode(errors="replace")[-2000:])
    return code, wall, usage.ru_maxrss / 1024.0, first_line_s


# ---------------------------------------------------------------------------- workers (in the child)


def _bare(clip: Path, model: str) -> dict[str, Any]:
    import cv2
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    from posecheck.estimator import quiet_native_stderr
    from posecheck.modelstore import resolve_model

    options = vision.PoseLandmarkerOptions(
        base_options=BaseOptions(model_asset_path=str(resolve_model(model))),
        running_mode=vision.RunningMode.VIDEO,
        num_poses=1,
        output_segmentation_masks=True,
    )
    with quiet_native_stderr():
        landmarker = vision.PoseLandmarker.create_from_options(options)
    cap = cv2.VideoCapture(str(clip))
    fps = float(cap.get(cv2.CAP_PROP_FPS)) or 30.0
    frames = found = 0
    started = time.perf_counter()
    with quiet_native_stderr():  # the first detections log native warnings
        while True:
            ok, image = cap.read()
            if not ok:
                break
            rgb = cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
            result = landmarker.detect_for_video(
                mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb), round(1000 * frames / fps)
            )
            found += bool(result.pose_landmarks)
            frames += 1
    loop_s = time.perf_counter() - started
    cap.release()
    with quiet_native_stderr():
        landmarker.close()
    return {"frames": frames, "loop_s": loop_s, "person_frames": found}


def _estimator(clip: Path, model: str) -> dict[str, Any]:
    import cv2

    from posecheck.estimator import PoseEstimator

    with PoseEstimator(model, mode="video") as estimator:
        cap = cv2.VideoCapture(str(clip))
        fps = float(cap.get(cv2.CAP_PROP_FPS)) or 30.0
        frames = found = 0
        started = time.perf_counter()
        while True:
            ok, image = cap.read()
            if not ok:
                break
            found += estimator.detect(image, frames / fps) is not None
            frames += 1
        loop_s = time.perf_counter() - started
        cap.release()
    return {"frames": frames, "loop_s": loop_s, "person_frames": found}


class _DrawOnlyView:
    """A `posecheck.pipeline.LiveView` that makes run_live draw every overlay, as a window would,
    without showing it."""

    paused = False

    def show(self, image: Any, analysis: Any) -> bool:
        return True

    def idle(self, status_line: str | None) -> bool:
        return True


def _command(argv: list[str], hook: str, draw: bool = False) -> dict[str, Any]:
    """Run ``posecheck ARGV`` in this process, catching the `RunResult` of ``pipeline.<hook>``."""
    from posecheck import pipeline
    from posecheck.cli import main

    original: Callable[..., Any] = getattr(pipeline, hook)
    results: list[Any] = []

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if draw:
            kwargs["view"] = _DrawOnlyView()
        result = original(*args, **kwargs)
        results.append(result)
        return result

    setattr(pipeline, hook, wrapped)
    with open(os.devnull, "w") as devnull, contextlib.redirect_stdout(devnull):
        code = main(argv)
    if code != 0 or not results:
        raise SystemExit(f"posecheck {' '.join(argv)} failed with exit code {code}")
    result = results[0]
    out: dict[str, Any] = {"frames": result.frames, "loop_s": result.elapsed_s, "ended": result.ended}
    if result.latencies_s:
        out["latency_ms"] = [1000 * s for s in result.latencies_s]
        out["dropped"] = result.dropped
    return out


class _Timed:
    """Wraps a callable and sums the seconds spent in it."""

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function
        self.seconds = 0.0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return self.function(*args, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started


class _TimedLandmarker:
    """Stands in for MediaPipe's landmarker inside `PoseEstimator` to time the model call alone."""

    def __init__(self, landmarker: Any) -> None:
        self._landmarker = landmarker
        self.detect_for_video = _Timed(landmarker.detect_for_video)

    def close(self) -> None:
        self._landmarker.close()


def _stages(clip: Path, model: str, tmp: Path) -> dict[str, Any]:
    """Every stage of ``posecheck video -o --report`` run one after the other on one thread,
    each timed: where the time of a frame goes, without threads hiding or adding anything."""
    from posecheck.config import load_settings
    from posecheck.estimator import PoseEstimator
    from posecheck.pipeline import FrameAnalyzer, Outputs
    from posecheck.render import OverlayRenderer
    from posecheck.report import Report
    from posecheck.video import VideoSink, open_source

    source = open_source(clip)
    sink = VideoSink(tmp / "stages.mp4", source.fps)
    with PoseEstimator(model, mode="video") as estimator:
        landmarker = _TimedLandmarker(estimator._landmarker)
        estimator._landmarker = landmarker
        detect = _Timed(estimator.detect)
        estimator.detect = detect  # type: ignore[method-assign]
        analyzer = FrameAnalyzer(estimator, load_settings(None), None)
        analyse = _Timed(analyzer.analyse)
        outputs = Outputs(
            renderer=OverlayRenderer("en"),
            sink=sink,
            report=Report(source=str(clip)),
            source_name=str(clip),
            model_name=estimator.model_name,
        )
        record, draw, encode = _Timed(outputs.record), _Timed(outputs.draw), _Timed(sink.write)
        frames = iter(source)
        decode = _Timed(lambda: next(frames, None))
        count = 0
        started = time.perf_counter()
        while (frame := decode()) is not None:
            analysis = analyse(frame)
            record(analysis)
            encode(draw(analysis))
            count += 1
        total = time.perf_counter() - started
    sink.close()
    source.close()
    model_s = landmarker.detect_for_video.seconds
    seconds = {
        "decode (cv2 read)": decode.seconds,
        "model (detect_for_video)": model_s,
        "estimator adapter (to_bgr8, RGB, mask, Pose)": detect.seconds - model_s,
        "judge (smooth, assess, temporal)": analyse.seconds - detect.seconds,
        "record (to_dict, report.add)": record.seconds,
        "draw (OverlayRenderer.draw)": draw.seconds,
        "encode (VideoSink.write: H.264 in its own thread, waits only when it is behind)": encode.seconds,
    }
    return {"frames": count, "loop_s": total, "stages_s": seconds}


def worker(mode: str, clip: Path, model: str, tmp: Path) -> dict[str, Any]:
    common = ["--model", model, "--no-history"]  # a benchmark is no session of a person
    if mode == "bare":
        return _bare(clip, model)
    if mode == "estimator":
        return _estimator(clip, model)
    if mode == "stages":
        return _stages(clip, model, tmp)
    if mode == "analyse":
        return _command(["video", str(clip), *common], "run_video")
    if mode == "annotate":
        out = ["-o", str(tmp / "out.mp4"), "--report", str(tmp / "r.json")]
        return _command(["video", str(clip), *out, *common], "run_video")
    if mode in ("live", "live-draw"):
        return _command(
            ["live", "--camera", str(clip), "--no-window", *common], "run_live", mode == "live-draw"
        )
    if mode == "live-record":
        record = ["--record", str(tmp / "rec.mp4")]
        return _command(["live", "--camera", str(clip), "--no-window", *record, *common], "run_live")
    raise SystemExit(f"unknown mode {mode!r}; valid: {', '.join(MODES)}")


# ---------------------------------------------------------------------------- the parent


def measure(mode: str, clip: Path, model: str, tmp: Path) -> dict[str, Any]:
    out = tmp / f"{mode}.json"
    argv = [sys.executable, str(Path(__file__).resolve()), "--worker", mode, str(clip), "--model", model]
    argv += ["--tmp", str(tmp), "--worker-out", str(out)]
    load = load1()
    code, wall, rss, _ = run_child(argv)
    if code != 0:
        raise SystemExit(f"speed.py: mode {mode} failed (exit {code})")
    result = json.loads(out.read_text())
    result.update(wall_s=wall, rss_mb=rss, load=load)
    return result


def measure_photo(photo: Path, model: str) -> dict[str, Any]:
    load = load1()
    argv = [sys.executable, "-m", "posecheck", "photo", str(photo), "--model", model]
    code, wall, rss, first = run_child(argv, stdout=subprocess.PIPE)
    if code != 0:
        raise SystemExit(f"speed.py: posecheck photo failed (exit {code})")
    return {"wall_s": wall, "verdict_s": first, "rss_mb": rss, "load": load}


def median_of(runs: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in runs if r.get(key) is not None]
    return statistics.median(values) if values else None


def summarise(mode: str, runs: list[dict[str, Any]]) -> dict[str, Any]:
    for r in runs:
        r["fps"] = r["frames"] / r["loop_s"] if r["loop_s"] > 0 else None
        if r.get("latency_ms"):
            r["lat_med"] = statistics.median(r["latency_ms"])
            r["lat_p95"] = percentile(r["latency_ms"], 0.95)
    row: dict[str, Any] = {
        k: median_of(runs, k)
        for k in ("fps", "frames", "wall_s", "rss_mb", "load", "lat_med", "lat_p95", "dropped")
    }
    fps = [r["fps"] for r in runs]
    row.update(mode=mode, fps_min=min(fps), fps_max=max(fps), rounds=len(runs))
    return row


def fmt(value: float | None, spec: str) -> str:
    """``format(value, spec)``, or a dash as wide as the spec asks for when there is no value."""
    if value is None:
        width = spec.split(".", maxsplit=1)[0]
        return format("-", f">{width}") if width.isdigit() else "-"
    return format(value, spec)


def print_table(rows: dict[str, dict[str, Any]], photo: list[dict[str, Any]]) -> dict[str, Any]:
    bare = rows["bare"]["fps"]
    header = (
        f"{'mode':<10} {'fps':>6} {'(min-max)':>11} {'ms/frame':>8} {'frames':>6} {'vs bare':>7} "
        f"{'lat med':>7} {'lat p95':>7} {'dropped':>7} {'peak RSS MB':>11} {'wall s':>6} {'load':>5}"
    )
    print(header)
    print("-" * len(header))
    for mode, r in rows.items():
        print(
            f"{mode:<10} {fmt(r['fps'], '6.1f')} {r['fps_min']:5.1f}-{r['fps_max']:<5.1f} "
            f"{fmt(1000 / r['fps'] if r['fps'] else None, '8.1f')} {r['frames']:6.0f} "
            f"{fmt(r['fps'] / bare if bare and r['fps'] and not mode.startswith('live') else None, '7.3f')} "
            f"{fmt(r['lat_med'], '7.1f')} {fmt(r['lat_p95'], '7.1f')} {fmt(r['dropped'], '7.0f')} "
            f"{r['rss_mb']:11.0f} {r['wall_s']:6.1f} {r['load']:5.2f}"
        )
    ph = {k: median_of(photo, k) for k in ("wall_s", "verdict_s", "rss_mb", "load")}
    print(
        f"{'photo':<10} start->verdict {fmt(ph['verdict_s'], '.2f')} s, start->exit {ph['wall_s']:.2f} s "
        f"(median of {len(photo)}), peak RSS {ph['rss_mb']:.0f} MB, load {ph['load']:.2f}"
    )
    figures = {
        "analyse/bare": rows["analyse"]["fps"] / bare,
        "annotate/bare": rows["annotate"]["fps"] / bare,
        "live_fps": rows["live"]["fps"],
        "live_latency_ms": rows["live"]["lat_med"],
        "photo_s": ph["verdict_s"] or ph["wall_s"],
        "peak_rss_mb": max(*(r["rss_mb"] for r in rows.values()), ph["rss_mb"]),
    }
    print()
    print(
        f"ratios: analyse/bare {figures['analyse/bare']:.3f}   annotate/bare {figures['annotate/bare']:.3f}"
    )
    return figures


def print_targets(figures: dict[str, Any], info: dict[str, Any]) -> None:
    def verdict(ok: bool) -> str:
        return "ok  " if ok else "MISS"

    lines = [
        (
            figures["analyse/bare"] >= TARGETS["analyse/bare"],
            f"analyse/bare {figures['analyse/bare']:.3f} >= 0.97",
        ),
        (
            figures["annotate/bare"] >= TARGETS["annotate/bare"],
            f"annotate/bare {figures['annotate/bare']:.3f} >= 0.90",
        ),
        (figures["live_fps"] >= TARGETS["live_fps"], f"live {figures['live_fps']:.1f} fps >= 30"),
        (
            figures["live_latency_ms"] is not None
            and figures["live_latency_ms"] <= TARGETS["live_latency_ms"],
            f"live latency median {fmt(figures['live_latency_ms'], '.1f')} ms <= 50",
        ),
        (figures["photo_s"] < TARGETS["photo_s"], f"photo {figures['photo_s']:.2f} s < 2"),
        (figures["peak_rss_mb"] < TARGETS["peak_rss_mb"], f"peak RSS {figures['peak_rss_mb']:.0f} MB < 600"),
    ]
    print("targets:")
    for ok, text in lines:
        print(f"  {verdict(ok)} {text}")
    if (info["width"], info["height"]) != (640, 480) or info["fps"] < 30:
        print(
            f"  note: the live target is for 640x480 at >= 30 fps; this clip is {info['width']}x{info['height']} "
            f"at {info['fps']} fps and live cannot exceed the clip's rate (try --size 640x480 --fps 30)"
        )


def print_stages(runs: list[dict[str, Any]]) -> None:
    """Median ms per frame of each stage, run serially on one thread (``_stages``)."""
    frames = runs[0]["frames"]
    print()
    print(f"where a frame's time goes: every stage of annotate run serially, {frames} frames, medians")
    names = list(runs[0]["stages_s"])
    total = statistics.median(1000 * r["loop_s"] / r["frames"] for r in runs)
    model = statistics.median(1000 * r["stages_s"][names[1]] / r["frames"] for r in runs)
    for name in names:
        ms = statistics.median(1000 * r["stages_s"][name] / r["frames"] for r in runs)
        print(f"  {name:<46} {ms:6.2f} ms  {100 * ms / total:5.1f} %  ({ms / model:4.2f} x model)")
    print(
        f"  {'total serial frame':<46} {total:6.2f} ms  load {statistics.median(r['load'] for r in runs):.2f}"
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "clip", nargs="?", help="a video (default: the shared real clip or opencv-doc's vtest.avi)"
    )
    parser.add_argument("--model", default="full", help="lite, full (bundled), heavy or a .task file")
    parser.add_argument("--frames", type=int, help="use only the first N frames (re-encodes the clip)")
    parser.add_argument("--size", help="re-encode the clip to WIDTHxHEIGHT first, e.g. 640x480")
    parser.add_argument("--fps", type=float, help="re-encode the clip with this frame rate (retimes it)")
    parser.add_argument(
        "--rounds", type=int, default=3, help="interleaved rounds; medians are shown (default 3)"
    )
    parser.add_argument(
        "--modes", default=",".join(MODES), help=f"comma-separated subset of {','.join(MODES)}"
    )
    parser.add_argument("--photo", help="image for the photo timing (default: the clip's middle frame)")
    parser.add_argument("--json", metavar="FILE", help="also save every run's figures here")
    parser.add_argument(
        "--no-stages",
        dest="stages",
        action="store_false",
        help="skip the serial per-stage breakdown of posecheck video -o --report",
    )
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    parser.add_argument("--worker-out", help=argparse.SUPPRESS)
    parser.add_argument("--tmp", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)

    if args.worker:
        result = worker(args.worker, Path(args.clip), args.model, Path(args.tmp))
        Path(args.worker_out).write_text(json.dumps(result))
        return 0

    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    unknown = sorted(set(modes) - set(MODES))
    if unknown or "bare" not in modes:
        parser.error(
            f"--modes must include bare and only name {', '.join(MODES)}; got {', '.join(unknown) or args.modes}"
        )
    size = None
    if args.size:
        try:
            width, height = (int(v) for v in args.size.lower().split("x"))
        except ValueError:
            parser.error(f"--size must look like 640x480, got {args.size!r}")
        size = (width, height)

    with tempfile.TemporaryDirectory(prefix="posecheck-speed-") as tmp_name:
        tmp = Path(tmp_name)
        source = Path(args.clip) if args.clip else default_clip(tmp)
        if not source.is_file():
            parser.error(f"{source}: no such file")
        clip = prepare_clip(source, tmp, size, args.fps, args.frames)
        info = clip_info(clip)
        photo = Path(args.photo) if args.photo else middle_frame_photo(clip, tmp)
        print(
            f"posecheck speed, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, model {args.model}, "
            f"{args.rounds} rounds (medians)"
        )
        prepared = "" if clip == source else f" re-encoded to {info['width']}x{info['height']} mp4v"
        print(
            f"clip {source.name}{prepared}: {info['width']}x{info['height']} {info['fps']} fps "
            f"{info['frames']} frames; photo {photo.name}; load at start {load1():.2f}"
        )
        runs: dict[str, list[dict[str, Any]]] = {m: [] for m in modes}
        photos: list[dict[str, Any]] = []
        stage_runs: list[dict[str, Any]] = []
        for round_no in range(1, args.rounds + 1):
            for mode in modes:
                result = measure(mode, clip, args.model, tmp)
                runs[mode].append(result)
                print(
                    f"  round {round_no} {mode:<10} {result['frames'] / result['loop_s']:6.1f} fps "
                    f"rss {result['rss_mb']:4.0f} MB load {result['load']:.2f}",
                    file=sys.stderr,
                )
            photos.append(measure_photo(photo, args.model))
            if args.stages:
                stage_runs.append(measure("stages", clip, args.model, tmp))
        print()
        rows = {m: summarise(m, runs[m]) for m in modes}
        if all(m in rows for m in ("analyse", "annotate", "live")):
            figures = print_table(rows, photos)
            print_targets(figures, info)
        else:
            for row in rows.values():
                print(json.dumps(row))
        if stage_runs:
            print_stages(stage_runs)
        print(f"load at end {load1():.2f}")
        if args.json:
            for mode_runs in runs.values():
                for r in mode_runs:
                    r.pop("latency_ms", None)
            Path(args.json).write_text(json.dumps({"clip": info, "runs": runs, "photo": photos}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
