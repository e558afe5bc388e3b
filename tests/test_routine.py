"""The guided routine's step logic (`posecheck.routine`, pure) and its configuration."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from posecheck.commands.routine import load_steps
from posecheck.errors import UsageError
from posecheck.routine import DEFAULT_STEPS, RepCounter, Routine, RoutineInput, Step, parse_steps
from posecheck.voice import VoiceCoach

REPO = Path(__file__).resolve().parents[1]
FPS = 10.0
KNOWN = ("kneeling_lunge", "standing_lunge", "prone_press_up", "standing_posture")


def drive(routine: Routine, frames, start_t: float = 0.0):
    """Feed (count, RoutineInput) pairs; returns [(t, utterance key, args)] said."""
    said, n = [], round(start_t * FPS)
    for count, frame in frames:
        for _ in range(count):
            t = n / FPS
            said += [(round(t, 2), u.key, dict(u.args)) for u in routine.update(frame, t)]
            n += 1
    return said, n / FPS


def good(side=None, **kw) -> RoutineInput:
    return RoutineInput(in_form=True, side=side, cue="all_good", **kw)


def test_rep_counter_counts_up_after_down_with_hysteresis() -> None:
    counter = RepCounter(up_deg=25, down_deg=10)
    # Starts up (no repetition yet), hovers at the threshold, goes down and up twice.
    lifts = [30, 26, 24, 26, 24, 5, 12, 20, 26, 28, 24, 26, math.nan, 8, 30]
    counts = [counter.update(v, i) for i, v in enumerate(lifts)]
    assert counts == [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2]
    with pytest.raises(ValueError):
        RepCounter(up_deg=10, down_deg=10)


def test_parse_steps_and_errors() -> None:
    assert parse_steps(["kneeling-lunge left", "prone_press_up"], KNOWN) == (
        Step("kneeling_lunge", "left"),
        Step("prone_press_up"),
    )
    for bad in (["kneeling_lunge"], ["prone_press_up left"], ["yoga"], []):
        with pytest.raises(ValueError):
            parse_steps(bad, KNOWN)


def test_steps_from_config(tmp_path: Path) -> None:
    config = tmp_path / "r.toml"
    config.write_text('hold_target_s = 20\n[routine]\nsteps = ["standing_lunge right", "prone_press_up"]\n')
    assert load_steps(str(config)) == (Step("standing_lunge", "right"), Step("prone_press_up"))
    assert load_steps(None) == DEFAULT_STEPS
    from posecheck.config import load_settings

    assert load_settings(config).hold_target_s == 20  # the [routine] table is not a setting
    config.write_text('[routine]\nsteps = ["standing_lunge"]\n')
    with pytest.raises(UsageError, match="front side"):
        load_steps(str(config))


def small_routine(**kw) -> Routine:
    args = {"hold_s": 3.0, "setup_s": 1.0, "countdown_s": 2.0, "rest_s": 1.0, "coach": VoiceCoach()}
    args.update(kw)
    return Routine(**args)


def test_a_step_goes_setup_countdown_hold_rest_and_counts_only_good_form_on_its_side() -> None:
    routine = small_routine(steps=(Step("kneeling_lunge", "left"), Step("kneeling_lunge", "right")))
    said, t = drive(routine, [(31, good("left"))])  # setup 1 s, countdown 2 s
    assert [(k, a.get("n")) for _, k, a in said] == [
        ("routine.setup.kneeling_lunge", None),
        ("routine.get_ready", None),
        ("voice.count", 2),
        ("voice.count", 1),
        ("voice.go", None),
    ]
    assert [t for t, k, _ in said if k in ("routine.get_ready", "voice.go")] == [1.0, 3.0]
    assert routine.phase == "hold"
    # Bad form and the wrong leg do not count; good form on the left does, with pauses.
    bad = RoutineInput(in_form=False, side="left", cue="hip_extension.fail")
    hold, t = drive(routine, [(10, good("left")), (20, bad), (20, good("right")), (10, good("left"))], t)
    assert routine.results[0].held_s == pytest.approx(1.8, abs=0.11)
    assert "hip_extension.fail" in [k for _, k, _ in hold]  # said after it stayed 1 s
    assert "routine.wrong_side.left" in [k for _, k, _ in hold]
    rest, t = drive(routine, [(15, good("left"))], t)
    keys = [k for _, k, _ in rest]
    assert keys[:2] == ["voice.done", "routine.switch_legs"] and routine.phase == "rest"
    assert routine.results[0].complete and routine.results[0].held_s >= 3.0
    nxt, t = drive(routine, [(12, good("right"))], t)
    assert "routine.setup.kneeling_lunge" in [k for _, k, _ in nxt] and routine.step == Step(
        "kneeling_lunge", "right"
    )


def test_setup_waits_for_the_voice_to_finish_the_instruction() -> None:
    routine = small_routine(steps=(Step("prone_press_up"),))
    busy = RoutineInput(in_form=False, voice_idle=False)
    drive(routine, [(50, busy)])
    assert routine.phase == "setup"
    drive(routine, [(1, RoutineInput(in_form=False))], 5.0)
    assert routine.phase == "countdown"


def test_press_up_repetitions_then_summary() -> None:
    routine = small_routine(
        steps=(Step("kneeling_lunge", "left"), Step("prone_press_up")), reps=2, hold_s=1.0
    )
    _, t = drive(routine, [(45, good("left"))])  # setup, countdown, 1 s hold
    _, t = drive(routine, [(25, good())], t)  # rest, setup of the press-up
    lying = RoutineInput(in_form=False, values={"chest_lifted": 5.0})
    _, t = drive(routine, [(25, lying)], t)  # countdown, lying down
    assert routine.phase == "hold" and routine.counts_reps
    down = RoutineInput(in_form=False, cue="chest_lifted.fail", values={"chest_lifted": 3.0})
    up = RoutineInput(in_form=True, cue="all_good", values={"chest_lifted": 35.0})
    said, t = drive(routine, [(15, down), (10, up), (15, down), (10, up)], t)
    keys = [(k, a.get("n")) for _, k, a in said]
    assert ("voice.count", 1) in keys and ("voice.count", 2) in keys
    assert ("chest_lifted.fail", None) not in keys  # lying down between repetitions is no fault
    assert routine.done
    assert [k for k, _ in keys][-4:] == [
        "voice.done",
        "routine.finished",
        "routine.summary_side",
        "routine.summary_reps",
    ]
    summary = routine.summary()
    assert summary["complete"]
    assert summary["steps"][0]["held_s"] >= 1.0 and summary["steps"][1] == {
        "exercise": "prone_press_up",
        "side": None,
        "reps": 2,
        "reps_target": 2,
        "complete": True,
    }


# ---------------------------------------------------------------------- end to end (model)

CLIP_FPS = 10
# (seconds, pose) of the routine clip: a kneeling lunge on the left whose front knee keeps
# sliding ahead of the ankle, one on the right, then press-ups (lying down, chest up).
FAULTY_LEFT = [(8.0, "kl_good")] + [(2.5, "kl_fault"), (3.0, "kl_good")] * 3 + [(4.0, "kl_good")]  # 28.5 s
TIMELINE = [*FAULTY_LEFT, (20.0, "kr_good")] + [(1.5, "prone_flat"), (1.5, "prone_up")] * 8  # 72.5 s
ROUTINE_CONFIG = """\
hold_target_s = 4
voice_progress_every_s = 2
routine_setup_s = 1
routine_countdown_s = 1
routine_rest_s = 1
[routine]
steps = ["kneeling_lunge left", "kneeling_lunge right", "prone_press_up"]
"""


@pytest.fixture(scope="module")
def routine_clip(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[float, float, str]]]:
    """The clip (rendered mannequin, 480x360, 10 fps) and its (start, end, pose) segments."""
    import cv2

    from posecheck.synth import body as sb
    from posecheck.synth.render import render_image

    size = (480, 360)
    poses = {
        "kl_good": sb.kneeling_lunge("left"),
        "kl_fault": sb.kneeling_lunge("left", front_shin_deg=28.0),
        "kr_good": sb.kneeling_lunge("right"),
        "prone_flat": sb.prone_press_up(chest_deg=3.0),
        "prone_up": sb.prone_press_up(chest_deg=32.0),
    }
    images = {}
    for name, angles in poses.items():
        skeleton = sb.skeleton(angles)
        camera = sb.resolve_camera(sb.Camera(image_size=size), sb.aim_points(skeleton))
        images[name] = np.ascontiguousarray(render_image(skeleton, camera)[..., ::-1])
    path = tmp_path_factory.mktemp("routine") / "routine.mp4"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), CLIP_FPS, size)
    segments, t = [], 0.0
    for seconds, name in TIMELINE:
        for _ in range(round(seconds * CLIP_FPS)):
            writer.write(images[name])
        segments.append((t, t + seconds, name))
        t += seconds
    writer.release()
    return path, segments


@pytest.mark.model
def test_routine_end_to_end_in_both_languages(routine_clip, tmp_path: Path) -> None:
    from test_live_voice import SILENCE_RMS, check_heard, read_wav, rms

    from posecheck.config import DEFAULT_SETTINGS

    clip, segments = routine_clip
    config = tmp_path / "routine.toml"
    config.write_text(ROUTINE_CONFIG)
    runs = {}
    for lang in ("en", "nl"):  # both at once: the clip plays in real time
        out = tmp_path / lang
        out.mkdir()
        command = [sys.executable, "-m", "posecheck", "routine", "--camera", str(clip), "--no-window",
                   "--lang", lang, "--config", str(config), "--reps", "2", "--no-history",
                   "--audio-out", str(out / "voice.wav"), "--report", str(out / "report.json")]  # fmt: skip
        runs[lang] = (out, subprocess.Popen(command, cwd=REPO, stderr=subprocess.PIPE, text=True))
    for lang, (out, process) in runs.items():
        _, stderr = process.communicate(timeout=400)
        assert process.returncode == 0, stderr
        report = json.loads((out / "report.json").read_text(encoding="utf-8"))
        summary = report["summary"]
        assert summary["ended"] == "finished" and summary["complete"], stderr
        steps = summary["routine"]["steps"]
        assert [(s["exercise"], s["side"]) for s in steps] == [
            ("kneeling_lunge", "left"),
            ("kneeling_lunge", "right"),
            ("prone_press_up", None),
        ]
        assert steps[0]["held_s"] >= 4.0 and steps[1]["held_s"] >= 4.0, steps
        assert steps[2]["reps"] == 2 and all(s["complete"] for s in steps), steps
        samples, rate = read_wav(out / "voice.wav")
        said = check_heard(report, samples, rate, DEFAULT_SETTINGS.voice_repeat_s)
        keys = [e["key"] for e in said]
        # The instruction, the countdown, a correction after the knee slid forward, hold
        # progress, "switch legs", the repetitions counted, the summary.
        for key in ("routine.setup.kneeling_lunge", "voice.go", "voice.seconds", "routine.switch_legs",
                    "routine.next", "routine.setup.prone_press_up", "routine.finished", "routine.summary_reps"):  # fmt: skip
            assert key in keys, (key, said)
        fixes = [e for e in said if e["key"] == "front_knee_over_ankle.knee_ahead"]
        assert fixes, said
        faults = [(a, b) for a, b, name in segments if name == "kl_fault"]
        assert all(any(a + 1.0 <= e["t"] <= b + 2.0 for a, b in faults) for e in fixes), (fixes, faults)
        counts = [e for e in said if e["key"] == "voice.count" and e["kind"] != "countdown"]
        assert [e["text"].rstrip(".") for e in counts] == ["1", "2"], said
        ups = [(a, b) for a, b, name in segments if name == "prone_up"]
        assert all(any(a <= e["t"] <= b + 0.6 for a, b in ups) for e in counts), (counts, ups)
        switch = next(e for e in said if e["key"] == "routine.switch_legs")
        assert {"en": "Switch legs", "nl": "Wissel van been"}[lang] in switch["text"]
        assert rms(samples, rate, said[-1]["end_s"] + 0.05, len(samples) / rate) < SILENCE_RMS
        assert "kneeling lunge, left: " in stderr.lower() or "schuttershouding, links: " in stderr.lower()
