"""Many videos at once: planning, resuming by content hash, the index, ``--jobs`` and ``--dask``.

The model tests share one batch run (module-scoped) over two short clips cut from the
bundled samples and one broken file, so the model runs on few frames.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import av
import pytest

from posecheck.batch import (
    JobResult,
    expand_inputs,
    finished,
    index_csv,
    index_html,
    key_figures,
    plan_jobs,
)

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
FRAMES = 24


def posecheck(*args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "posecheck", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=timeout,
        env=os.environ,
        check=False,
    )


def cut(source: Path, target: Path, frames: int = FRAMES) -> Path:
    """The first ``frames`` frames of a sample clip."""
    import cv2

    capture = cv2.VideoCapture(str(source))
    fps = capture.get(cv2.CAP_PROP_FPS)
    writer = None
    for _ in range(frames):
        ok, image = capture.read()
        if not ok:
            break
        if writer is None:
            height, width = image.shape[:2]
            writer = cv2.VideoWriter(str(target), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
        writer.write(image)
    capture.release()
    assert writer is not None
    writer.release()
    return target


# ---------------------------------------------------------------------- pure parts


def test_inputs_from_files_and_directories(tmp_path: Path) -> None:
    folder = tmp_path / "dir"
    folder.mkdir()
    for name in ("b.MP4", "a.mov", "notes.txt"):
        (folder / name).write_bytes(b"x")
    single = tmp_path / "single.mkv"
    single.write_bytes(b"x")
    found = expand_inputs([str(single), str(folder), str(tmp_path / "missing.mp4"), str(single)])
    assert found == [str(single), str(folder / "a.mov"), str(folder / "b.MP4"), str(tmp_path / "missing.mp4")]


def test_output_names_are_unique_and_keep_clear_of_the_index(tmp_path: Path) -> None:
    jobs = plan_jobs(["x/clip.mp4", "y/clip.mov", "index.mp4", "z/Clip.avi"], tmp_path)
    assert [j.name for j in jobs] == ["clip", "clip-2", "index-2", "Clip-3"]
    assert jobs[1].output(".html") == tmp_path / "clip-2.html"


def test_out_dir_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    from posecheck.errors import UsageError

    (tmp_path / "f").write_text("x")
    with pytest.raises(UsageError, match="is a file"):
        plan_jobs(["a.mp4"], tmp_path / "f")


def test_finished_needs_all_outputs_the_same_content_and_the_same_options(tmp_path: Path) -> None:
    from posecheck.batch import file_sha256

    clip = tmp_path / "clip.mp4"
    clip.write_bytes(b"video bytes")
    (job,) = plan_jobs([str(clip)], tmp_path / "out")
    Path(job.out_dir).mkdir()
    summary = {"complete": True, "input_sha256": file_sha256(clip), "job_key": job.key}
    job.output(".json").write_text(json.dumps({"summary": summary, "frames": []}))
    job.output(".html").write_text("<html>")
    assert finished(job) is None  # the MP4 is missing
    job.output(".mp4").write_bytes(b"mp4")
    assert finished(job) == summary
    (dutch,) = plan_jobs([str(clip)], tmp_path / "out", lang="nl")
    assert finished(dutch) is None  # other options give another result
    clip.write_bytes(b"other video bytes")
    assert finished(job) is None  # the input changed
    summary["input_sha256"] = file_sha256(clip)
    summary["complete"] = False
    job.output(".json").write_text(json.dumps({"summary": summary}))
    assert finished(job) is None  # the earlier run was cut short


def test_index_rows() -> None:
    done = JobResult(
        0,
        "a.mp4",
        "a",
        "done",
        summary={
            "duration_s": 7.0,
            "frames": 70,
            "frames_with_person": 63,
            "segments": [
                {"exercise": "standing_posture", "transition": True},
                {"exercise": "kneeling_lunge", "front_side": "left"},
                {"exercise": None, "transition": True},
                {"exercise": "kneeling_lunge", "front_side": "left"},
            ],
            "holds": {"target_s": 30, "left": {"longest_s": 12.5}, "right": {"longest_s": 0.0}},
            "checks": {"hip_extension": {"pass": 0.75}},
        },
    )
    failed = JobResult(1, "b.mp4", "b", "failed", error="b.mp4: OpenCV cannot read this video")
    row = key_figures(done)
    assert row["person_share"] == 0.9 and row["exercises"] == "kneeling_lunge"
    assert row["hold_left_s"] == 12.5 and row["hold_right_s"] is None  # the right leg was never in front
    assert row["checks_pass"] == "hip_extension=75%"
    assert key_figures(failed)["report"] == ""
    rows = list(csv.DictReader(index_csv([done, failed]).splitlines()))
    assert [(r["name"], r["status"]) for r in rows] == [("a", "done"), ("b", "failed")]
    page = index_html([done, failed], "nl")
    assert '<a href="a.html">a</a>' in page and "mislukt" in page and "schuttershouding" in page


# ---------------------------------------------------------------------- the model


@pytest.fixture(scope="module")
def batch_run(tmp_path_factory: pytest.TempPathFactory):
    """Two short clips and a broken one in a folder, analysed with two worker processes,
    then the same command again."""
    root = tmp_path_factory.mktemp("batch")
    folder = root / "videos"
    folder.mkdir()
    cut(SAMPLES / "kneeling_lunge.mp4", folder / "lunge.mp4", frames=45)
    press = cut(SAMPLES / "press_up.mp4", root / "press up.mp4")
    (folder / "broken.mp4").write_bytes(press.read_bytes()[: press.stat().st_size // 3])
    out = root / "out"
    history = root / "history.sqlite"
    argv = [str(folder), str(press), "--out-dir", str(out), "--history", str(history), "--person", "ann"]
    first = posecheck("video", *argv, "--jobs", "2")
    first.index = (out / "index.csv").read_text()  # type: ignore[attr-defined]
    second = posecheck("video", *argv)
    return out, history, first, second


@pytest.mark.model
def test_batch_writes_every_output_and_an_index_and_fails_for_the_broken_one(batch_run) -> None:
    out, _, first, _ = batch_run
    assert first.returncode == 1, first.stderr
    for name in ("lunge", "press up"):
        for suffix in (".mp4", ".html", ".json"):
            assert (out / f"{name}{suffix}").stat().st_size > 0
        summary = json.loads((out / f"{name}.json").read_text())["summary"]
        assert summary["complete"] and len(summary["input_sha256"]) == 64
        with av.open(str(out / f"{name}.mp4")) as video:
            assert video.streams.video[0].codec_context.name == "h264"  # plays in browsers
    assert not (out / "broken.mp4").exists()
    rows = {r["name"]: r for r in csv.DictReader(first.index.splitlines())}
    assert rows["broken"]["status"] == "failed" and "broken.mp4" in rows["broken"]["error"]
    assert rows["lunge"]["status"] == "done" and rows["lunge"]["exercises"]  # standing, then lowering
    assert rows["press up"]["status"] == "done" and rows["press up"]["exercises"] == "prone_press_up"
    assert int(rows["lunge"]["frames"]) == 45
    assert "broken.mp4" in first.stderr.splitlines()[-1] and "Traceback" not in first.stderr
    assert "2 analysed, 0 done earlier, 1 failed" in first.stdout
    page = (out / "index.html").read_text()
    assert 'href="lunge.html"' in page and 'href="press up.html"' in page


@pytest.mark.model
def test_a_second_run_skips_the_finished_videos(batch_run) -> None:
    out, _, _, second = batch_run
    assert second.returncode == 1
    assert "0 analysed, 2 done earlier, 1 failed" in second.stdout
    rows = {r["name"]: r["status"] for r in csv.DictReader((out / "index.csv").read_text().splitlines())}
    assert rows == {"broken": "failed", "lunge": "skipped", "press up": "skipped"}


@pytest.mark.model
def test_each_analysed_video_is_one_session_in_the_history(batch_run) -> None:
    from posecheck.history import History

    _, history, _, _ = batch_run
    with History(history) as db:
        sessions = db.sessions("ann")
    assert sorted(Path(s.source).name for s in sessions) == ["lunge.mp4", "press up.mp4"]  # not twice


@pytest.mark.model
def test_dask_cluster_runs_two_videos(tmp_path: Path) -> None:
    distributed = pytest.importorskip("distributed", reason="the optional extra posecheck[dask]")
    first = cut(SAMPLES / "kneeling_lunge.mp4", tmp_path / "one.mp4", frames=12)
    second = cut(SAMPLES / "press_up.mp4", tmp_path / "two.mp4", frames=12)
    out = tmp_path / "out"
    with distributed.LocalCluster(
        n_workers=1, threads_per_worker=2, processes=True, dashboard_address=None
    ) as cluster:
        done = posecheck(
            "video",
            str(first),
            str(second),
            "--out-dir",
            str(out),
            "--dask",
            cluster.scheduler_address,
            "--no-history",
        )
    assert done.returncode == 0, done.stderr[-2000:]
    rows = list(csv.DictReader((out / "index.csv").read_text().splitlines()))
    assert [(r["name"], r["status"]) for r in rows] == [("one", "done"), ("two", "done")]
    for name in ("one", "two"):
        assert json.loads((out / f"{name}.json").read_text())["summary"]["frames"] == 12


def test_dask_without_a_scheduler_is_one_line(tmp_path: Path) -> None:
    pytest.importorskip("distributed", reason="the optional extra posecheck[dask]")
    clip = tmp_path / "a.mp4"
    clip.write_bytes(b"x")
    done = posecheck("video", str(clip), "--out-dir", str(tmp_path / "o"), "--dask", "tcp://127.0.0.1:9")
    assert done.returncode == 1 and "Dask scheduler" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.model
def test_a_damaged_history_still_leaves_the_sessions_report(tmp_path: Path) -> None:
    clip = cut(SAMPLES / "press_up.mp4", tmp_path / "clip.mp4", frames=8)
    history = tmp_path / "history.sqlite"
    history.write_bytes(b"not a database" * 100)
    report = tmp_path / "r.json"
    done = posecheck("video", str(clip), "--report", str(report), "--history", str(history), "--quiet")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and "damaged" in done.stderr and "--no-history" in done.stderr
    assert json.loads(report.read_text())["summary"]["complete"] is True
