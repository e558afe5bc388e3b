"""What the voice says, and when: pure timing logic, driven by session timestamps.

Nothing here makes a sound or reads the clock (``posecheck.audio`` synthesises and plays);
every object is fed ``update(value, timestamp_s)`` like those in `posecheck.temporal`, so a
live session, a recorded clip and a test's made-up frames behave the same.

* `CueCooldown` — a cue is not said again within its interval.
* `VoiceCoach` — per frame, from the steady verdicts (`Moment`): the one correction that
  stayed failed, "good, hold", hold progress ("10 seconds", "20 seconds", "done — switch
  legs").
* `SpeechQueue` — one voice at a time: the most urgent utterance first, stale ones dropped,
  a newer correction replacing a queued older one.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from posecheck.messages import Lang, text

__all__ = ["CueCooldown", "Moment", "SpeechQueue", "Utterance", "VoiceCoach", "is_correction"]

# How urgent each kind of utterance is (higher first), and whether it may be dropped as stale.
PRIORITY: Mapping[str, int] = {
    "routine": 5,  # routine instructions, the summary: never dropped
    "countdown": 4,
    "done": 4,
    "correction": 3,
    "mismatch": 3,
    "progress": 2,
    "good": 1,
}
NEVER_STALE = frozenset({"routine"})


@dataclass(frozen=True)
class Utterance:
    """One thing to say.

    Attributes:
        key: message key in `posecheck.messages` (``"voice.seconds"``, ``"hip_extension.fail"``).
        t: session time (s) of the verdict that decided it.
        kind: ``correction``, ``good``, ``progress``, ``done``, ``countdown``, ``mismatch``
            or ``routine`` (sets the priority and whether it can go stale).
        args: values for the message's ``{placeholders}``; a text value is itself a message
            key (an exercise, a side) and is said in the session's language.
        verdict_at: the wall-clock instant (``time.monotonic``) of that verdict, for
            measuring latency; not used for scheduling.
    """

    key: str
    t: float
    kind: str = "correction"
    args: tuple[tuple[str, Any], ...] = ()
    verdict_at: float | None = field(default=None, compare=False)

    @property
    def priority(self) -> int:
        return PRIORITY.get(self.kind, 0)

    def words(self, lang: Lang) -> str:
        """The sentence to say in ``lang``."""
        values = {name: text(v, lang) if isinstance(v, str) else v for name, v in self.args}
        words = text(self.key, lang).format(**values) if values else text(self.key, lang)
        return words[:1].upper() + words[1:]


def is_correction(cue: str | None) -> bool:
    """True for a cue that asks to change something (not "good form", not nothing)."""
    return cue is not None and not cue.startswith("all_good")


class CueCooldown:
    """A cue is said at most once per ``interval_s``; each key has its own clock.

    ``update(key, t)`` answers whether ``key`` may be said at ``t`` and, when it may,
    starts its interval.  A timestamp going backwards (a new clip) forgets the past.
    """

    def __init__(self, interval_s: float = 8.0) -> None:
        self.interval_s = float(interval_s)
        self._said: dict[str, float] = {}

    def ready(self, key: str, timestamp_s: float) -> bool:
        last = self._said.get(key)
        return last is None or timestamp_s < last or timestamp_s - last >= self.interval_s

    def update(self, key: str, timestamp_s: float) -> bool:
        t = float(timestamp_s)
        if not self.ready(key, t):
            return False
        self._said[key] = t
        return True


@dataclass(frozen=True)
class Moment:
    """What the voice needs from one analysed frame (steady verdicts, as the overlay shows).

    Attributes:
        cue: the overlay's cue key (debounced and rate-limited), or None.
        hold_s: seconds of the current hold in correct form.
        hold_active: a hold is in progress.
        side: the front side of the hold (``left``/``right``), None without one.
        target_s: the hold's target length.
        sided: the exercise has a front leg, so the other side comes next ("switch legs").
        held: the exercise is a stretch held for time (standing posture is not).
        verdict_at: wall-clock instant of the verdict (for latency figures only).
    """

    cue: str | None
    hold_s: float = 0.0
    hold_active: bool = False
    side: str | None = None
    target_s: float = 30.0
    sided: bool = True
    held: bool = True
    verdict_at: float | None = None


class VoiceCoach:
    """Decides, frame by frame, what is worth saying.

    Args:
        fault_persist_s: a correction is said once the overlay has shown that same cue
            this long (the cue itself already needs a steady failing verdict).
        repeat_s: the same sentence is not said again within this (`CueCooldown`); a fault
            that stays is repeated after it.
        progress_every_s: hold progress is said every this many seconds of the hold.
        good_after_s: "good, hold" once a hold in correct form has lasted this long.
        quiet: cue keys never said (e.g. ``chest_lifted.fail`` while counting press-ups,
            where lying down between repetitions is no fault).
    """

    def __init__(
        self,
        fault_persist_s: float = 1.0,
        repeat_s: float = 8.0,
        progress_every_s: float = 10.0,
        good_after_s: float = 1.0,
        quiet: Iterable[str] = (),
    ) -> None:
        self.fault_persist_s = float(fault_persist_s)
        self.progress_every_s = float(progress_every_s)
        self.good_after_s = float(good_after_s)
        self.quiet = frozenset(quiet)
        self.cooldown = CueCooldown(repeat_s)
        self.reset()

    def reset(self) -> None:
        """Forget the current cue and hold (a new exercise or step); cooldowns stay."""
        self._cue: str | None = None
        self._cue_since = 0.0
        self._hold_key: tuple[str | None, int] | None = None  # (side, hold number)
        self._holds = 0
        self._was_active = False
        self._announced = 0  # progress steps said in this hold
        self._good_said = False
        self._done_said = False

    def _say(self, out: list[Utterance], key: str, t: float, kind: str, m: Moment, **args: Any) -> None:
        sentence = key + repr(sorted(args.items()))
        if self.cooldown.update(sentence, t):
            out.append(Utterance(key, t, kind, tuple(sorted(args.items())), m.verdict_at))

    def update(self, moment: Moment, timestamp_s: float) -> list[Utterance]:
        """Feed one frame; returns what to say now (often nothing)."""
        t = float(timestamp_s)
        out: list[Utterance] = []
        if moment.cue != self._cue:
            self._cue, self._cue_since = moment.cue, t
        cue = moment.cue
        if (
            is_correction(cue)
            and cue not in self.quiet
            and t - self._cue_since >= self.fault_persist_s
            and cue is not None
        ):
            kind = "mismatch" if cue.startswith("mismatch.") else "correction"
            self._say(out, cue, t, kind, moment)

        if moment.hold_active and not self._was_active:
            self._holds += 1
            self._announced, self._good_said, self._done_said = 0, False, False
        self._was_active = moment.hold_active
        if not (moment.hold_active and moment.held):
            return out
        held = moment.hold_s
        if not self._good_said and held >= self.good_after_s and held < moment.target_s:
            self._good_said = True
            self._say(out, "voice.good_hold", t, "good", moment)
        step = self.progress_every_s
        reached = math.floor(held / step + 1e-9) if step > 0 else 0
        if reached > self._announced:
            self._announced = reached
            seconds = round(reached * step)
            if seconds < moment.target_s - 1e-9:
                out.append(Utterance("voice.seconds", t, "progress", (("n", seconds),), moment.verdict_at))
        if not self._done_said and held >= moment.target_s:
            self._done_said = True
            key = "voice.done_switch" if moment.sided else "voice.done"
            out.append(Utterance(key, t, "done", (), moment.verdict_at))
        return out


class SpeechQueue:
    """One voice: what to start saying when, in session time.

    Args:
        duration_of: seconds an utterance takes to say (the synthesiser knows).
        stale_s: an utterance that cannot start within this after its verdict is dropped
            (routine instructions never are).
        gap_s: silence between two utterances.

    ``update(new, now)`` queues ``new`` and returns the utterances that start by ``now``,
    each with its start time: the next one starts when the previous has ended, the most
    urgent first (then the oldest).  A new correction replaces a queued one, and so does
    new progress, so what is said is never behind the verdicts.
    """

    def __init__(self, duration_of: Callable[[Utterance], float], stale_s: float = 2.0, gap_s: float = 0.15):
        self.duration_of = duration_of
        self.stale_s = float(stale_s)
        self.gap_s = float(gap_s)
        self.pending: list[Utterance] = []
        self.free_at = -math.inf
        self.dropped: list[Utterance] = []

    def _stale(self, utterance: Utterance, at: float) -> bool:
        return utterance.kind not in NEVER_STALE and at - utterance.t > self.stale_s

    def push(self, new: Iterable[Utterance]) -> None:
        for utterance in new:
            if utterance.kind in ("correction", "mismatch", "progress", "good"):
                replaced = [u for u in self.pending if u.kind == utterance.kind]
                self.dropped.extend(replaced)
                self.pending = [u for u in self.pending if u.kind != utterance.kind]
            self.pending.append(utterance)

    def update(self, new: Iterable[Utterance], now: float) -> list[tuple[Utterance, float]]:
        self.push(new)
        started: list[tuple[Utterance, float]] = []
        while self.pending:
            at = max(self.free_at, min(u.t for u in self.pending))
            if at > now:
                break
            waiting = [u for u in self.pending if u.t <= at]
            stale = [u for u in waiting if self._stale(u, at)]
            self.dropped.extend(stale)
            self.pending = [u for u in self.pending if u not in stale]
            waiting = [u for u in waiting if u not in stale]
            if not waiting:
                continue
            best = max(waiting, key=lambda u: (u.priority, -u.t))
            # free_at before remove: another thread asking "idle?" never sees neither
            self.free_at = at + self.duration_of(best) + self.gap_s
            self.pending.remove(best)
            started.append((best, at))
        return started

    def drain(self) -> list[tuple[Utterance, float]]:
        """Everything still to say that is not stale, in turn (the session ended)."""
        return self.update((), math.inf)
