"""Memory over a long live session: ``python benchmarks/soak.py CLIP --minutes 20``.

Runs the real ``posecheck live --camera CLIP --no-window`` in this process, with the clip
looped as an endless camera (played at its own frame rate, timestamps continuing across
loops), for ``--minutes``; prints the resident set size (VmRSS) at the first frame and every
``--interval-s`` seconds, then the growth.  Target: growth under 20 MB over 20 minutes.

``--draw`` also draws the overlay on every frame, as the window does; ``--report FILE``
passes ``--report`` to live (the report keeps every frame by design, so it grows);
``--record FILE.mp4`` records the annotated stream (H.264, encoded in its own thread).

Each sample also gives the frames analysed and dropped since the previous one, so a drift
(the share of dropped frames creeping up over the hour: a backlog, a leak slowing the loop)
shows; ``--json FILE`` saves the series.

Short run: ``python benchmarks/soak.py CLIP --minutes 2 --interval-s 15``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

SHARED_CLIP = REPO.parent / "shared" / "data" / "videos" / "C1_trace_bhujangasana.mp4"
TARGET_GROWTH_MB = 20.0


def rss_mb() -> float:
    """This process's VmRSS in MB (0 where /proc is missing)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


def slope_mb_per_s(samples: Sequence[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB) samples."""
    n = len(samples)
    mean_t = sum(t for t, _ in samples) / n
    mean_m = sum(m for _, m in samples) / n
    var = sum((t - mean_t) ** 2 for t, _ in samples)
    return sum((t - mean_t) * (m - mean_m) for t, m in samples) / var if var > 0 else 0.0


def make_looping_source(
    clip: str, deadline_s: float, on_end: Callable[[], None], open_source: Callable[..., Any]
) -> Any:
    """A `posecheck.video.FrameSource` that replays ``clip`` (opened with ``open_source``, the
    real `posecheck.video.open_source`) in real time until ``deadline_s`` seconds after its
    first frame, then calls ``on_end`` and ends."""
    from posecheck.video import Frame, FrameSource

    class LoopingSource(FrameSource):
        is_live = True

        def __init__(self) -> None:
            self.name = f"{clip} (looped)"
            self._inner = open_source(clip, realtime=True)
            self.loops = 0

        @property
        def fps(self) -> float:
            return self._inner.fps

        @property
        def size(self) -> tuple[int, int]:
            return self._inner.size

        def __iter__(self) -> Iterator[Frame]:
            started = time.monotonic()
            offset_s, index = 0.0, 0
            while True:
                last_ts = 0.0
                for frame in self._inner:
                    if time.monotonic() - started >= deadline_s:
                        on_end()
                        self.state = "ended"
                        return
                    last_ts = frame.timestamp_s
                    yield Frame(frame.image, offset_s + last_ts, index, captured_at=frame.captured_at)
                    index += 1
                if self._inner.state == "broken":
                    self.state = "broken"
                    return
                self._inner.close()
                self.loops += 1
                offset_s += last_ts + 1.0 / self._inner.fps
                self._inner = open_source(clip, realtime=True)

        def close(self) -> None:
            self._inner.close()

    return LoopingSource()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "clip", nargs="?", default=str(SHARED_CLIP), help="a video (default: the shared clip)"
    )
    parser.add_argument("--minutes", type=float, default=20.0, help="session length (default 20)")
    parser.add_argument("--interval-s", type=float, default=60.0, help="RSS sample interval (default 60)")
    parser.add_argument("--model", default="full", help="lite, full (bundled), heavy or a .task file")
    parser.add_argument(
        "--draw", action="store_true", help="draw the overlay on every frame, as a window does"
    )
    parser.add_argument("--report", metavar="FILE", help="pass --report FILE to posecheck live")
    parser.add_argument("--record", metavar="FILE.mp4", help="pass --record FILE.mp4 to posecheck live")
    parser.add_argument("--json", metavar="FILE", help="save the samples here")
    args = parser.parse_args(argv)
    if not Path(args.clip).is_file():
        parser.error(f"{args.clip}: no such file")

    from posecheck import pipeline, video
    from posecheck.cli import main as posecheck_main

    first_verdict = threading.Event()  # RSS is sampled from the first verdict (model warm) on
    done = threading.Event()  # the session's time is up: last sample, before teardown
    sources: list[Any] = []
    results: list[Any] = []
    samples: list[tuple[float, float]] = []
    series: list[dict[str, Any]] = []  # per sample: time, RSS, frames analysed and dropped so far
    counts = {"analysed": 0}
    mailboxes: list[Any] = []

    real_open_source = video.open_source

    def open_looping(spec: Any, **_kwargs: Any) -> Any:
        source = make_looping_source(str(spec), 60.0 * args.minutes, on_end, real_open_source)
        sources.append(source)
        return source

    original_run_live = pipeline.run_live
    original_mailbox = pipeline.Mailbox

    class CountedMailbox(original_mailbox):  # type: ignore[misc, valid-type]
        def __init__(self) -> None:
            super().__init__()
            mailboxes.append(self)

    class DrawOnlyView:
        paused = False

        def show(self, image: Any, analysis: Any) -> bool:
            return True

        def idle(self, status_line: str | None) -> bool:
            return True

    def on_end() -> None:
        samples.append((time.monotonic() - sampling_started[0], rss_mb()))
        done.set()

    def run_live(source: Any, analyzer: Any, *a: Any, **kw: Any) -> Any:
        analyse = analyzer.analyse

        def analyse_first(frame: Any) -> Any:
            analysis = analyse(frame)
            counts["analysed"] += 1
            first_verdict.set()
            return analysis

        analyzer.analyse = analyse_first
        if args.draw:
            kw["view"] = DrawOnlyView()
        result = original_run_live(source, analyzer, *a, **kw)
        results.append(result)
        return result

    video.open_source = open_looping  # type: ignore[assignment]
    pipeline.run_live = run_live  # type: ignore[assignment]
    pipeline.Mailbox = CountedMailbox  # type: ignore[misc]

    sampling_started = [0.0]

    def sampler() -> None:
        first_verdict.wait()
        sampling_started[0] = time.monotonic()
        while not done.is_set():
            samples.append((time.monotonic() - sampling_started[0], rss_mb()))
            dropped = mailboxes[0].dropped if mailboxes else 0
            point = {"t_s": round(samples[-1][0], 1), "rss_mb": round(samples[-1][1], 1)}
            point |= {
                "analysed": counts["analysed"],
                "dropped": dropped,
                "load": round(os.getloadavg()[0], 2),
            }
            if args.record and Path(args.record).exists():
                point["record_mb"] = round(Path(args.record).stat().st_size / 1e6, 1)
            step = ""
            if series:
                new = point["analysed"] - series[-1]["analysed"]
                lost = point["dropped"] - series[-1]["dropped"]
                seconds = max(point["t_s"] - series[-1]["t_s"], 1e-9)
                point["fps"] = round(new / seconds, 2)
                point["drop_share"] = round(lost / max(new + lost, 1), 3)
                step = f"  {point['fps']:5.1f} fps  dropped {100 * point['drop_share']:4.1f} %"
            series.append(point)
            print(
                f"{samples[-1][0] / 60:6.2f} min  RSS {samples[-1][1]:7.1f} MB{step}  load {point['load']:.2f}"
                + (f"  record {point['record_mb']} MB" if "record_mb" in point else ""),
                flush=True,
            )
            done.wait(args.interval_s)
        elapsed, rss = samples[-1]
        print(f"{elapsed / 60:6.2f} min  RSS {rss:7.1f} MB  (end of session, before teardown)", flush=True)

    print(
        f"posecheck soak, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} CPUs, clip {Path(args.clip).name}, "
        f"{args.minutes:g} min, model {args.model}{', overlay drawn' if args.draw else ''}",
        flush=True,
    )
    thread = threading.Thread(target=sampler, name="rss", daemon=True)
    thread.start()
    live_args = ["live", "--camera", args.clip, "--no-window", "--model", args.model]
    if args.report:
        live_args += ["--report", args.report]
    if args.record:
        live_args += ["--record", args.record]
    code = posecheck_main(live_args)
    done.set()
    thread.join()
    end_rss = samples[-1][1] if samples else 0.0
    if code != 0 or not samples:
        print(f"soak: posecheck live ended with exit code {code}", file=sys.stderr)
        return 1
    start = samples[0][1]
    after_1min = next((rss for t, rss in samples if t >= 60.0), None)
    result = results[0] if results else None
    if result is not None:
        figures = result.live_figures()
        print(
            f"frames analysed {result.frames}, dropped {result.dropped}, loops {sources[0].loops}, "
            f"fps {figures['fps']}, latency {figures.get('latency_ms')}"
        )
    growth = end_rss - start
    minutes = samples[-1][0] / 60.0
    print(f"growth  {growth:+.1f} MB over {minutes:.1f} min from the first verdict")
    if after_1min is not None:
        print(f"        {end_rss - after_1min:+.1f} MB from the 1-minute sample (after warm-up)")
    warm = [(t, rss) for t, rss in samples if t >= min(60.0, samples[-1][0] / 4)]
    trend = slope_mb_per_s(warm) * 20 * 60 if len(warm) >= 3 else float("nan")
    print(f"        trend after warm-up {trend:+.1f} MB per 20 min (least squares over {len(warm)} samples)")
    full_length = args.minutes >= 20.0  # judge a full-length run on what it measured
    judged = growth if full_length else trend
    what = "growth" if full_length else "trend (run 20 min for the real figure)"
    verdict = "ok" if judged < TARGET_GROWTH_MB else "MISS"
    print(f"target  < {TARGET_GROWTH_MB:.0f} MB over 20 min, judged on the {what}: {verdict}")
    shares = [(p["t_s"], p["drop_share"]) for p in series if "drop_share" in p and p["t_s"] >= 60.0]
    if len(shares) >= 4:
        quarter = max(1, len(shares) // 4)
        first = sum(s for _, s in shares[:quarter]) / quarter
        last = sum(s for _, s in shares[-quarter:]) / quarter
        drift = slope_mb_per_s(shares) * 3600
        print(
            f"dropped frames: {100 * first:.1f} % in the first quarter after warm-up, {100 * last:.1f} % in "
            f"the last; trend {100 * drift:+.1f} points per hour"
        )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"argv": list(argv or sys.argv[1:]), "samples": series}, indent=1)
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
