"""Report: summary figures, JSON/CSV/HTML writers, atomic writes, and the HTML in Chromium."""

from __future__ import annotations

import csv
import io
import json
import math
import subprocess
import tracemalloc
from pathlib import Path

import pytest
from chromium_probe import CHROMIUM, chromium_command

from posecheck.errors import OutputError, UsageError
from posecheck.landmarks import Landmark
from posecheck.report import FrameLog, Report, ReportFile, check_report_path
from posecheck.results import Assessment, CheckResult, Threshold
from posecheck.temporal import HoldTimer

FPS = 10.0


def _knee(value: float) -> CheckResult:
    ok = abs(value) <= 12
    return CheckResult(
        "front_knee_over_ankle",
        "pass" if ok else "fail",
        value,
        "deg",
        Threshold("max_abs", 12.0),
        "front_knee_over_ankle.pass" if ok else "front_knee_over_ankle.knee_ahead",
        points=(Landmark.LEFT_ANKLE, Landmark.LEFT_KNEE),
    )


def _trunk(value: float) -> CheckResult:
    if math.isnan(value):
        return CheckResult(
            "trunk_upright", "unknown", value, "deg", Threshold("max_abs", 15.0), "not_visible"
        )
    ok = abs(value) <= 15
    return CheckResult(
        "trunk_upright",
        "pass" if ok else "fail",
        value,
        "deg",
        Threshold("max_abs", 15.0),
        "trunk_upright.pass",
    )


def make_report(seconds: float = 6.0, frames: FrameLog | None = None) -> Report:
    """A left-side kneeling lunge: knee fine then too far ahead, trunk sometimes unseen,
    followed by a right-side segment, with the real hold timer."""
    report = Report(
        source="clip.mp4",
        model="pose_landmarker_full",
        lang="en",
        frames=FrameLog() if frames is None else frames,
    )
    timer = HoldTimer(target_s=30.0)
    n = int(seconds * FPS)
    for i in range(n):
        t = i / FPS
        side = "left" if i < n * 2 // 3 else "right"
        knee = 5.0 if (i % 20) < 15 else 20.0
        trunk = math.nan if i % 10 == 9 else 3.0
        assessment = Assessment(True, "kneeling_lunge", "side", side, (_knee(knee), _trunk(trunk)))
        hold = timer.update(assessment.all_pass, side, t)
        report.add(assessment, t, hold)
    return report


def test_summary_figures() -> None:
    report = make_report()
    summary = report.summary(complete=True)
    assert summary["frames"] == 60
    assert summary["complete"] is True
    assert summary["duration_s"] == pytest.approx(6.0)
    assert [(s["exercise"], s["front_side"], s["frames"]) for s in summary["segments"]] == [
        ("kneeling_lunge", "left", 40),
        ("kneeling_lunge", "right", 20),
    ]
    knee = summary["checks"]["front_knee_over_ankle"]
    assert knee["frames"] == 60
    assert knee["pass"] == pytest.approx(0.75)
    assert knee["fail"] == pytest.approx(0.25)
    trunk = summary["checks"]["trunk_upright"]
    assert trunk["unknown"] == pytest.approx(0.1)
    assert summary["holds"]["left"]["longest_s"] > 0
    assert summary["holds"]["right"]["total_s"] > 0
    assert summary["holds"]["left"]["longest_s"] <= summary["holds"]["left"]["total_s"]


def test_empty_report_is_valid(tmp_path: Path) -> None:
    report = Report(source="x.mp4")
    for name in ("r.json", "r.csv", "r.html"):
        report.write(tmp_path / name, complete=False)
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["summary"]["frames"] == 0
    assert data["summary"]["complete"] is False
    assert data["frames"] == []


def test_json_round_trip(tmp_path: Path) -> None:
    report = make_report()
    report.write(tmp_path / "r.json", complete=False, ended="interrupted")
    data = json.loads((tmp_path / "r.json").read_text())
    assert set(data) == {"summary", "frames"}
    assert data["summary"]["complete"] is False
    assert data["summary"]["ended"] == "interrupted"
    assert len(data["frames"]) == 60
    first = data["frames"][0]
    for key in ("source", "model", "time_s", "person_found", "exercise", "view", "front_side", "checks"):
        assert key in first
    assert first["checks"][0]["id"] == "front_knee_over_ankle"
    assert first["hold"]["in_form"] is True


def test_csv_one_row_per_frame(tmp_path: Path) -> None:
    report = make_report()
    report.write(tmp_path / "r.csv", complete=True)
    rows = list(csv.DictReader(io.StringIO((tmp_path / "r.csv").read_text())))
    assert len(rows) == 60
    assert rows[0]["exercise"] == "kneeling_lunge"
    assert rows[0]["front_side"] == "left"
    assert rows[-1]["front_side"] == "right"
    assert rows[0]["front_knee_over_ankle.status"] == "pass"
    assert float(rows[15]["front_knee_over_ankle.value"]) == pytest.approx(20.0)
    assert rows[9]["trunk_upright.status"] == "unknown"
    assert rows[9]["trunk_upright.value"] == ""


def test_html_contains_sections_and_plots(tmp_path: Path) -> None:
    report = make_report()
    report.write(tmp_path / "r.html", complete=True)
    page = (tmp_path / "r.html").read_text()
    assert page.count('<div class="plot"') == 2 and "data:image/png;base64," in page
    for section in ("exercises", "summary", "sides", "checks"):
        assert f'id="{section}"' in page
    assert "Front knee over ankle" in page and "front_knee_over_ankle" not in page  # names, not ids
    assert "75 %" in page  # the left leg's knee: 15 of every 20 frames good
    assert "http://" not in page and "https://" not in page  # self-contained


def test_dutch_html_has_non_ascii_safe_labels(tmp_path: Path) -> None:
    report = make_report(2.0)
    report.lang = "nl"
    report.write(tmp_path / "r.html", complete=True)
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "Voorste knie boven enkel" in page and "binnen ±12°" in page
    assert 'lang="nl"' in page


def test_plots_draw_the_thresholds_as_numbers() -> None:
    """The plots read the typed results: ``|v| <= 12`` is a line at -12 and one at +12."""
    report = make_report(2.0)
    assert report.checks["front_knee_over_ankle"].threshold.lines() == (-12.0, 12.0)
    assert report.checks["front_knee_over_ankle"].limit == "|v| <= 12"
    assert Threshold("min", 160.0).lines() == (160.0,)
    assert Threshold("min", 0.5, "easier if ").text() == "easier if v >= 0.5"


def test_report_path_checks(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"\.json, \.csv or \.html"):
        check_report_path(tmp_path / "r.txt")
    with pytest.raises(OutputError, match="does not exist"):
        check_report_path(tmp_path / "missing" / "r.json")
    with pytest.raises(UsageError, match="directory"):
        check_report_path(tmp_path)


def test_atomic_write_keeps_previous_report_on_failure(tmp_path: Path, monkeypatch) -> None:
    report = make_report(1.0)
    target = tmp_path / "r.json"
    report.write(target, complete=False)
    before = target.read_text()

    def boom(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("posecheck.fileio.os.replace", boom)
    with pytest.raises(KeyboardInterrupt):
        make_report(2.0).write(target, complete=True)
    assert target.read_text() == before
    assert [p.name for p in tmp_path.iterdir()] == ["r.json"]  # no temp file left


def test_periodic_flush(tmp_path: Path) -> None:
    report = make_report(1.0)
    writer = ReportFile(tmp_path / "r.json", interval_s=0.0)
    assert writer.maybe_flush(report)
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["summary"]["complete"] is False
    assert data["summary"]["ended"] == "running"
    writer.interval_s = 3600
    assert not writer.maybe_flush(report)


@pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (Debian package: chromium)")
def test_html_renders_in_headless_chromium(tmp_path: Path) -> None:
    """The page renders: its plot images decode to a non-zero size and the tables exist."""
    report = make_report()
    page = report.write(tmp_path / "report.html", complete=True)
    # A probe script appended to a copy of the page writes what the browser rendered
    # into the DOM, which --dump-dom prints after load.
    probe = tmp_path / "probe.html"
    probe.write_text(
        page.read_text()
        + """<script>window.addEventListener('load', () => {
  const imgs = [...document.images].map(i => i.naturalWidth + 'x' + i.naturalHeight);
  const out = document.createElement('pre'); out.id = 'probe';
  out.textContent = JSON.stringify({imgs, tables: document.querySelectorAll('table').length,
    rows: document.querySelectorAll('#checks .card').length});
  document.body.appendChild(out);
});</script>"""
    )
    common = chromium_command(tmp_path / "profile")
    dom = subprocess.run(
        [*common, "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=90, check=True
    ).stdout
    found = dom.split('<pre id="probe">', 1)[1].split("</pre>", 1)[0]
    result = json.loads(found)
    assert len(result["imgs"]) == 2
    for size in result["imgs"]:
        width, height = map(int, size.split("x"))
        assert width > 100 and height > 100
    assert result["tables"] >= 1
    assert result["rows"] == 4  # two checks for each of two legs
    shot = tmp_path / "shot.png"
    subprocess.run(
        [*common, f"--screenshot={shot}", "--window-size=1200,1600", page.as_uri()],
        capture_output=True,
        timeout=90,
        check=True,
    )
    assert shot.stat().st_size > 10_000


def test_a_folded_blip_adds_no_checks_of_another_exercise_to_its_segment() -> None:
    """Half a second of a transition pose (here a standing lunge) inside a kneeling lunge is
    folded into the kneeling-lunge segment; its checks stay out of that segment's shares and
    out of the whole-run figures (movement between poses is not judged: issue 15)."""
    report = Report(source="clip.mp4")
    for i in range(40):
        t = i / FPS
        blip = 10 <= i < 15
        checks = (_knee(20.0 if blip else 5.0),)
        if blip:
            straight = CheckResult(
                "rear_leg_straight", "fail", 120.0, "deg", Threshold("min", 150.0), "rear_leg_straight.fail"
            )
            checks = (*checks, straight)
        exercise = "standing_lunge" if blip else "kneeling_lunge"
        report.add(Assessment(True, exercise, "side", "left", checks), t)
    summary = report.summary(complete=True)
    [segment] = summary["segments"]
    assert (segment["exercise"], segment["frames"]) == ("kneeling_lunge", 40)
    assert set(segment["checks"]) == {"front_knee_over_ankle"}
    assert segment["checks"]["front_knee_over_ankle"] == pytest.approx(
        {"frames": 35, "pass": 1.0, "fail": 0.0, "unknown": 0.0, "median_value": 5.0}
    )
    assert set(summary["checks"]) == {"front_knee_over_ankle"}
    assert summary["checks"]["front_knee_over_ankle"]["frames"] == 35


def test_an_informative_check_reports_how_often_each_variant_was_done(tmp_path: Path) -> None:
    report = Report(source="clip.mp4")
    for i in range(10):
        level = "easier" if i < 3 else "harder"
        hands = CheckResult(
            "hand_position",
            "pass",
            0.2,
            "ratio",
            Threshold("min", 0.5, "easier if "),
            f"hand_position.{level}",
            level=level,
        )
        report.add(Assessment(True, "prone_press_up", "side", None, (hands,)), i / FPS)
    shares = report.summary(complete=True)["segments"][0]["checks"]["hand_position"]
    assert shares["levels"] == {"easier": 0.3, "harder": 0.7}
    page = report.write(tmp_path / "r.html", complete=True).read_text()
    assert "easier 30 %, harder 70 %" in page
    rows = list(csv.DictReader(io.StringIO(report.to_csv())))
    assert [row["hand_position.level"] for row in rows[2:4]] == ["easier", "harder"]


def test_video_summary_lists_every_segment_with_its_checks(capsys: pytest.CaptureFixture[str]) -> None:
    from posecheck.commands.video import _print_summary

    report = Report(source="clip.mp4")
    hands = CheckResult(
        "hand_position", "pass", 0.7, "ratio", Threshold("min", 0.5, "easier if "), "x", level="easier"
    )
    for i in range(45):
        t = i / FPS
        if 15 <= i < 30:  # a pause: the body out of the picture
            report.add(Assessment(True, None, "side"), t)
        else:
            report.add(Assessment(True, "prone_press_up", "side", None, (hands,)), t)
    _print_summary(report)
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("45 frames")
    assert [line.split("s  ", 1)[1] for line in lines if " s  " in line] == [
        "prone press-up",
        "no known exercise",
        "prone press-up",
    ]
    assert sum("hand_position            easier 100.0 %  unknown   0.0 %" in line for line in lines) == 2


def _standing_then_lunge(standing_s: float) -> Report:
    """Standing (plumb line failing: walking to the mat), then 5 s of a kneeling lunge."""
    report = Report(source="clip.mp4", max_transition_s=4.0)
    n = int((standing_s + 5.0) * FPS)
    for i in range(n):
        t = i / FPS
        if t < standing_s:
            plumb = CheckResult("plumb_line", "fail", 0.3, "ratio", Threshold("max", 0.1), "plumb_line.fail")
            assessment = Assessment(True, "standing_posture", "side", None, (plumb,))
        else:
            assessment = Assessment(True, "kneeling_lunge", "side", "left", (_knee(5.0),))
        report.add(assessment, t)
    return report


@pytest.mark.parametrize(("standing_s", "transition"), [(3.0, True), (5.0, False)])
def test_short_standing_next_to_a_stretch_is_a_transition_left_out_of_the_shares(
    standing_s: float, transition: bool
) -> None:
    """3 s of standing before a lunge is getting into it (max_transition_s = 4): no
    "plumb line fail 100 %"; 5 s is a posture the report judges."""
    summary = _standing_then_lunge(standing_s).summary(complete=True)
    standing, lunge = summary["segments"]
    assert standing["transition"] is transition and lunge["transition"] is False
    assert ("plumb_line" in summary["checks"]) is not transition
    assert ("plumb_line" in standing["checks"]) is not transition
    assert summary["checks"]["front_knee_over_ankle"]["pass"] == 1.0


@pytest.mark.parametrize(("passing_s", "transition"), [(1.5, True), (2.5, False)])
def test_a_stretch_passed_through_between_poses_is_a_transition(passing_s: float, transition: bool) -> None:
    """Lowering from standing into a kneeling lunge looks like a standing lunge for a moment
    (min_exercise_s = 2): not judged; held for longer, it is judged."""
    report = Report(source="clip.mp4", max_transition_s=4.0, min_exercise_s=2.0)
    bent = CheckResult(
        "rear_leg_straight", "fail", 120.0, "deg", Threshold("min", 160.0), "rear_leg_straight.fail"
    )
    n = int((5.0 + passing_s + 5.0) * FPS)
    for i in range(n):
        t = i / FPS
        if t < 5.0:
            assessment = Assessment(True, "standing_posture", "side", None, ())
        elif t < 5.0 + passing_s:
            assessment = Assessment(True, "standing_lunge", "side", "left", (bent,))
        else:
            assessment = Assessment(True, "kneeling_lunge", "side", "left", (_knee(5.0),))
        report.add(assessment, t)
    summary = report.summary(complete=True)
    assert [s["transition"] for s in summary["segments"]] == [False, transition, False]
    assert ("rear_leg_straight" in summary["checks"]) is not transition


# ---------------------------------------------------------------------- frames spooled to disk


def test_a_spooled_report_is_the_same_to_the_byte(tmp_path: Path) -> None:
    """`live --report` spools the frames; every format it writes is what the list gives."""
    spool = tmp_path / "spool"
    spool.mkdir()
    kept, spooled = make_report(), make_report(frames=FrameLog(spool_dir=spool))
    assert spooled.frames.spooled and not kept.frames.spooled
    for name in ("r.json", "r.csv", "r.html"):
        kept.write(tmp_path / f"kept-{name}", complete=False, ended="interrupted")
        spooled.write(tmp_path / f"spooled-{name}", complete=False, ended="interrupted")
        assert (tmp_path / f"spooled-{name}").read_bytes() == (tmp_path / f"kept-{name}").read_bytes(), name
    # the JSON is still one json.dumps of the summary and the frames
    payload = {"summary": kept.summary(False, "interrupted"), "frames": list(kept.frames)}
    assert (tmp_path / "kept-r.json").read_text(encoding="utf-8") == json.dumps(payload, ensure_ascii=False)
    assert list(spooled.frames) == list(kept.frames) and spooled.frames[-1] == kept.frames[-1]
    assert [spooled.frames[i] for i in (0, 17, 59)] == [kept.frames[i] for i in (0, 17, 59)]
    assert list(spool.iterdir()) == []  # the spool has no name: nothing to clean up, even after a crash
    spooled.close()


def test_a_spooled_report_keeps_memory_flat(tmp_path: Path) -> None:
    """In memory every frame's record costs ~2.4 KB (~250 MB an hour at 30 fps); spooled, the
    memory after 4,000 more frames is what it was."""
    assessment = Assessment(True, "kneeling_lunge", "side", "left", (_knee(5.0), _trunk(3.0)))
    timer = HoldTimer(target_s=30.0)
    report = Report(source="0", frames=FrameLog(spool_dir=tmp_path))

    def feed(start: int, n: int) -> None:
        for i in range(start, start + n):
            report.add(assessment, i / 30, timer.update(True, "left", i / 30))

    feed(0, 500)  # caches, the file's buffer
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        feed(500, 4000)
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 50_000, f"{grown} bytes more after 4,000 frames"
    report.write(tmp_path / "r.json", complete=True)
    data = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert data["summary"]["frames"] == len(data["frames"]) == 4500
    assert data["frames"][4499]["time_s"] == round(4499 / 30, 3)


def test_a_spool_that_cannot_be_written_says_so(tmp_path: Path) -> None:
    class FullDisk(io.BytesIO):
        def write(self, data: bytes) -> int:  # type: ignore[override]
            raise OSError(28, "No space left on device")

    frames = FrameLog(spool_dir=tmp_path)
    frames.close()
    frames._file = FullDisk()
    with pytest.raises(
        OutputError, match=f"cannot write the report's frames in {tmp_path}: no space left on device"
    ):
        frames.append({"time_s": 0.0})
    with pytest.raises(OutputError, match="cannot write the report's frames in /nonexistent"):
        FrameLog(spool_dir="/nonexistent")


@pytest.mark.parametrize(
    ("first", "judged"),
    [(("kneeling_lunge", "right"), 35), (("standing_posture", None), 30)],
    ids=["same exercise, other leg", "another exercise"],
)
def test_a_short_first_run_joins_the_next_segment(first: tuple[str, str | None], judged: int) -> None:
    """Half a second while the labels settle is folded into the first segment; its frames are
    judged there only when they are of that segment's exercise."""
    report = Report(source="clip.mp4")
    for i in range(35):
        exercise, side = first if i < 5 else ("kneeling_lunge", "left")
        report.add(Assessment(True, exercise, "side", side, (_knee(20.0 if i < 5 else 5.0),)), i / FPS)
    [segment] = report.summary(complete=True)["segments"]
    assert (segment["exercise"], segment["front_side"], segment["frames"]) == ("kneeling_lunge", "left", 35)
    knee = segment["checks"]["front_knee_over_ankle"]
    assert knee["frames"] == judged
    assert knee["fail"] == pytest.approx(round((judged - 30) / judged, 4))
    assert report.summary(complete=True)["checks"]["front_knee_over_ankle"]["frames"] == judged
