"""What the voice says and when (`posecheck.voice`, pure), and the mismatch rule."""

from __future__ import annotations

import pytest

from posecheck.config import DEFAULT_SETTINGS
from posecheck.mismatch import clearly_other
from posecheck.voice import CueCooldown, Moment, SpeechQueue, Utterance, VoiceCoach

FPS = 30.0


def run_coach(coach: VoiceCoach, moments, fps: float = FPS) -> list[Utterance]:
    said: list[Utterance] = []
    for i, moment in enumerate(moments):
        said += coach.update(moment, i / fps)
    return said


def test_cooldown_blocks_a_repeat_within_its_interval_only() -> None:
    cooldown = CueCooldown(8.0)
    assert cooldown.update("a", 0.0)
    assert not cooldown.update("a", 7.9)
    assert cooldown.update("b", 7.9)  # each key its own clock
    assert cooldown.update("a", 8.0)
    assert cooldown.update("a", 1.0)  # time went backwards: a new clip


def test_a_fault_is_said_once_it_stayed_and_repeated_after_the_interval() -> None:
    coach = VoiceCoach(fault_persist_s=1.0, repeat_s=8.0)
    fault = Moment("hip_extension.fail")
    said = run_coach(coach, [Moment("all_good", hold_active=False)] * 30 + [fault] * int(20 * FPS))
    times = [round(u.t, 2) for u in said if u.key == "hip_extension.fail"]
    # Appears at 1.0 s, said at 2.0 s (1 s later), then every 8 s while it stays.
    assert times == [2.0, 10.0, 18.0]
    assert {u.kind for u in said} == {"correction"}


def test_a_fault_shorter_than_the_persistence_is_never_said() -> None:
    coach = VoiceCoach(fault_persist_s=1.0)
    wobble = ([Moment("trunk_upright.leaning_back")] * 27 + [Moment("all_good")] * 30) * 5  # 0.9 s faults
    assert run_coach(coach, wobble) == []


def test_hold_progress_good_hold_and_switch_legs() -> None:
    coach = VoiceCoach(progress_every_s=10.0, good_after_s=1.0)
    moments = [
        Moment("all_good", hold_s=i / FPS, hold_active=True, side="left") for i in range(int(35 * FPS))
    ]
    said = run_coach(coach, moments)
    assert [(u.key, dict(u.args).get("n"), round(u.t, 1)) for u in said] == [
        ("voice.good_hold", None, 1.0),
        ("voice.seconds", 10, 10.0),
        ("voice.seconds", 20, 20.0),
        ("voice.done_switch", None, 30.0),  # once, though the hold goes on to 35 s
    ]


def test_a_new_hold_counts_again_and_an_unsided_exercise_is_just_done() -> None:
    coach = VoiceCoach(progress_every_s=10.0, repeat_s=8.0)
    first = [Moment("all_good", hold_s=i / FPS, hold_active=True, side="left") for i in range(int(12 * FPS))]
    pause = [Moment("rear_knee_on_floor.fail")] * 15
    second = [
        Moment("all_good", hold_s=i / FPS, hold_active=True, side=None, target_s=15.0, sided=False)
        for i in range(int(16 * FPS))
    ]
    said = run_coach(coach, first + pause + second)
    keys = [u.key for u in said]
    assert keys.count("voice.seconds") == 2  # 10 s in each hold
    assert keys[-1] == "voice.done"
    assert "rear_knee_on_floor.fail" not in keys  # half a second of fault is not said


def test_quiet_cues_are_not_said() -> None:
    coach = VoiceCoach(quiet={"chest_lifted.fail"})
    assert run_coach(coach, [Moment("chest_lifted.fail")] * 90) == []


def _queue(durations: dict[str, float], stale_s: float = 2.0) -> SpeechQueue:
    return SpeechQueue(lambda u: durations.get(u.key, 1.0), stale_s=stale_s, gap_s=0.0)


def test_queue_one_voice_at_a_time_most_urgent_first() -> None:
    queue = _queue({"long": 3.0})
    started = queue.update([Utterance("long", 0.0, "correction")], 0.0)
    assert [(u.key, t) for u, t in started] == [("long", 0.0)]
    queue.update([Utterance("voice.good_hold", 1.0, "good"), Utterance("voice.done", 1.5, "done")], 1.5)
    started = queue.update([], 3.0)
    assert [(u.key, t) for u, t in started] == [("voice.done", 3.0)]  # done before good
    assert queue.update([], 10.0) == []
    assert [u.key for u in queue.dropped] == ["voice.good_hold"]  # stale at 4.0 s (> 2 s old)


def test_queue_newer_correction_replaces_a_waiting_one_and_routine_never_goes_stale() -> None:
    queue = _queue({"intro": 10.0})
    queue.update([Utterance("intro", 0.0, "routine")], 0.0)
    queue.update([Utterance("a.fail", 1.0), Utterance("routine.rest", 1.0, "routine")], 1.0)
    queue.update([Utterance("b.fail", 9.5)], 9.5)
    started = queue.update([], 20.0)
    assert [(u.key, t) for u, t in started] == [("routine.rest", 10.0), ("b.fail", 11.0)]
    assert [u.key for u in queue.dropped] == ["a.fail"]


def test_queue_drain_says_what_is_left() -> None:
    queue = _queue({})
    queue.push([Utterance("routine.finished", 5.0, "routine"), Utterance("x.fail", 5.0)])
    assert [(u.key, t) for u, t in queue.drain()] == [("routine.finished", 5.0), ("x.fail", 6.0)]


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("en", "Kneeling lunge, left leg in front."), ("nl", "Schuttershouding, linkerbeen voor.")],
)
def test_words_translate_their_arguments(lang: str, expected: str) -> None:
    utterance = Utterance("routine.setup.kneeling_lunge", 0.0, "routine", (("side", "routine.side.left"),))
    assert utterance.words(lang).startswith(expected)  # type: ignore[arg-type]
    assert Utterance("voice.seconds", 0.0, "progress", (("n", 20),)).words(lang).startswith("20 ")  # type: ignore[arg-type]


def test_clearly_other_only_across_kinds_of_pose() -> None:
    assert clearly_other("standing_posture", "kneeling_lunge")
    assert clearly_other("kneeling_lunge", "prone_press_up")
    assert not clearly_other("kneeling_lunge", "standing_lunge")  # a lifted rear knee is a fault
    assert not clearly_other("kneeling_lunge", None)
    assert not clearly_other("prone_press_up", "prone_press_up")


def test_voice_settings_have_ranges_and_reasons() -> None:
    from dataclasses import fields

    from posecheck.config import Settings

    names = {f.name: f for f in fields(Settings)}
    for name in ("voice_fault_persist_s", "voice_repeat_s", "voice_stale_s", "hold_target_s", "rep_up_deg"):
        low, high = names[name].metadata["range"]
        assert low <= getattr(DEFAULT_SETTINGS, name) <= high
        assert len(names[name].metadata["doc"]) > 30
