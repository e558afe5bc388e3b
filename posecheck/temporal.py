"""Steady feedback over time: smoothing, debouncing, stable labels, cue rate limit, hold timer.

Every object here is driven by **frame timestamps** (seconds, as given to
``update(..., timestamp_s)``); nothing reads the clock, so live video, a recorded
file and a test's synthetic frame sequence behave the same.  Numpy and stdlib only.

The pieces, in the order a frame passes them:

* `OneEuroFilter` — the One Euro filter (Casiez, Roussel, Vogel, CHI 2012) on arrays:
  strong smoothing while a value is still, little lag while it moves.
* `PoseSmoother` — One Euro filters on a `Pose`'s landmarks, gated by visibility.
* `StatusDebouncer` / `VerdictStabilizer` — a check's pass/fail/unknown only changes
  after the new status persisted, with a hysteresis band around the threshold.
* `StableLabel` — exercise, front side and view switch only on a sustained change.
* `CueSelector` — the spoken/shown cue changes at most once per interval.
* `HoldTimer` / `HoldState` — seconds held in correct form, per side.

Time conventions: a duration such as "persisted for ``min_duration_s``" is measured
between frame timestamps (first frame showing the new state → current frame).  A
timestamp that does not increase adds no time and never divides by zero.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Literal, TypeVar

import numpy as np
import numpy.typing as npt

from posecheck.config import DEFAULT_SETTINGS as _S
from posecheck.config import Settings
from posecheck.landmarks import Pose, Side
from posecheck.results import Assessment, CheckResult, Status

FloatArray = npt.NDArray[np.float64]
_T = TypeVar("_T")

__all__ = [
    "DEFAULT_HYSTERESIS",
    "BaselineState",
    "CueSelector",
    "HoldState",
    "HoldTimer",
    "NeutralBaseline",
    "OneEuroFilter",
    "PoseSmoother",
    "StableLabel",
    "StatusDebouncer",
    "VerdictStabilizer",
]


# --------------------------------------------------------------------------- smoothing


def _smoothing_factor(cutoff_hz: FloatArray | float, dt_s: float) -> FloatArray:
    """Exponential smoothing factor of a first-order low-pass at ``cutoff_hz`` for step ``dt_s``.

    ``alpha = 1 / (1 + tau / dt)`` with ``tau = 1 / (2 pi cutoff)``; an infinite or NaN
    cutoff (a huge speed) gives ``alpha = 1``: follow the input.
    """
    cutoff = np.asarray(cutoff_hz, dtype=np.float64)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        tau = 1.0 / (2.0 * math.pi * cutoff)
        alpha = 1.0 / (1.0 + tau / dt_s)
    return np.where(np.isfinite(alpha), alpha, 1.0)


class OneEuroFilter:
    """The One Euro filter (Casiez et al. 2012), element-wise on an array of any shape.

    Each entry is low-pass filtered with a cutoff that rises with its speed:
    ``cutoff = min_cutoff_hz + beta * |smoothed derivative|``.  While still, jitter is
    cut at ``min_cutoff_hz``; while moving fast the cutoff rises and lag stays small.

    Args:
        min_cutoff_hz: cutoff frequency at rest, in Hz.  Lower = smoother but more lag
            when motion starts.  1.0 Hz removes most webcam jitter at 30 fps.
        beta: speed coefficient, in Hz per (value unit per second).  Higher = less lag
            during fast motion.  0 makes the filter a plain exponential smoother.  Its
            scale depends on the unit of the values (pixels vs. normalised).
        d_cutoff_hz: cutoff of the low-pass on the derivative, in Hz (the paper's 1 Hz).

    Missing values: a NaN entry outputs NaN and forgets that entry's state; when it is
    finite again the entry restarts from its new value (no drag from the old one).
    A timestamp that does not increase (a repeated frame) returns the last output
    unchanged.  A change of the array's shape restarts the whole filter.
    """

    def __init__(self, min_cutoff_hz: float = 1.0, beta: float = 0.0, d_cutoff_hz: float = 1.0) -> None:
        if min_cutoff_hz <= 0 or d_cutoff_hz <= 0:
            raise ValueError(
                f"cutoffs must be positive, got min_cutoff_hz={min_cutoff_hz}, d_cutoff_hz={d_cutoff_hz}"
            )
        if beta < 0:
            raise ValueError(f"beta must be >= 0, got {beta}")
        self.min_cutoff_hz = float(min_cutoff_hz)
        self.beta = float(beta)
        self.d_cutoff_hz = float(d_cutoff_hz)
        self._x: FloatArray | None = None
        self._dx: FloatArray | None = None
        self._t: float | None = None

    def reset(self) -> None:
        """Forget all state; the next value is passed through unchanged."""
        self._x = self._dx = None
        self._t = None

    def update(self, value: npt.ArrayLike, timestamp_s: float) -> FloatArray:
        """Filter one sample taken at ``timestamp_s``; returns a new array of the same shape."""
        x = np.array(value, dtype=np.float64)  # a copy: callers may reuse their buffer
        t = float(timestamp_s)
        if self._x is None or self._dx is None or self._t is None or self._x.shape != x.shape:
            self._x = x
            self._dx = np.where(np.isfinite(x), 0.0, np.nan)
            self._t = t
            return x.copy()
        dt = t - self._t
        if not (math.isfinite(dt) and dt > 0.0):
            return self._x.copy()

        finite = np.isfinite(x)
        known = finite & np.isfinite(self._x)
        with np.errstate(over="ignore", invalid="ignore"):
            dx = np.where(known, (x - self._x) / dt, 0.0)
            a_d = _smoothing_factor(self.d_cutoff_hz, dt)
            prev_dx = np.where(np.isfinite(self._dx), self._dx, 0.0)
            edx = a_d * dx + (1.0 - a_d) * prev_dx
            edx = np.where(np.isfinite(edx), edx, 0.0)  # an overflow restarts the speed estimate
            alpha = _smoothing_factor(self.min_cutoff_hz + self.beta * np.abs(edx), dt)
            smoothed = alpha * x + (1.0 - alpha) * self._x
        out = np.where(known, smoothed, x)  # fresh entries restart at their value; NaN stays NaN
        out = np.where(finite & ~np.isfinite(out), x, out)
        self._x = out
        self._dx = np.where(known, edx, np.where(finite, 0.0, np.nan))
        self._t = t
        return out.copy()


class PoseSmoother:
    """Smooths a person's landmarks over time with One Euro filters, gated by visibility.

    Coordinates are filtered in units of the image height (x and y divided by the same
    number, so no distortion), which makes ``beta`` independent of the resolution.
    The world landmarks (`Pose.world`) are filtered the same way, in metres: a person of ~1.7 m seen whole spans most of an image height,
    so the same ``beta`` fits them.

    Args:
        min_cutoff_hz: One Euro cutoff at rest, Hz.  Lower = a steadier overlay while
            holding a stretch, more lag when starting to move.
        beta: One Euro speed coefficient, in Hz per (image heights per second).  At the
            default 10, moving at half a frame height per second raises the cutoff to
            about 6 Hz, so a moving limb lags by only a frame or two.
        d_cutoff_hz: One Euro derivative cutoff, Hz.
        min_visibility: a landmark whose visibility is below this is **not fed** to its
            filter; its raw coordinates are passed through (rules treat it as missing
            anyway) and its filter restarts from the raw position when it reappears, so
            a landmark that jumps back after being hidden does not drag across the frame.
        max_gap_s: a gap between frames longer than this (or a timestamp that goes
            backwards, e.g. a new clip) restarts all filters, as does a change of image
            size: old positions say nothing about the new frame.

    A repeated timestamp returns the previous smoothed coordinates.  The returned `Pose`
    keeps the input's visibility, image size, mask and timestamp.
    """

    def __init__(
        self,
        min_cutoff_hz: float = _S.smooth_min_cutoff_hz,
        beta: float = _S.smooth_beta,
        d_cutoff_hz: float = _S.smooth_d_cutoff_hz,
        min_visibility: float = _S.min_visibility,
        max_gap_s: float = _S.smooth_max_gap_s,
    ) -> None:
        self.min_visibility = float(min_visibility)
        self.max_gap_s = float(max_gap_s)
        self._filter = OneEuroFilter(min_cutoff_hz, beta, d_cutoff_hz)
        self._image_size: tuple[int, int] | None = None
        self._t: float | None = None

    def reset(self) -> None:
        """Forget all state; the next pose is returned unchanged."""
        self._filter.reset()
        self._image_size = None
        self._t = None

    def update(self, pose: Pose, timestamp_s: float | None = None) -> Pose:
        """Smooth one frame's pose; ``timestamp_s`` defaults to ``pose.timestamp_s``."""
        t = pose.timestamp_s if timestamp_s is None else float(timestamp_s)
        size = (int(pose.image_size[0]), int(pose.image_size[1]))
        if self._t is not None and (size != self._image_size or t - self._t > self.max_gap_s or t < self._t):
            self._filter.reset()
        self._image_size = size
        self._t = t

        scale = float(size[1])
        # Columns: x, y (image heights), world x, y, z (metres); NaN where absent.
        raw = np.full((pose.xy.shape[0], 5), np.nan, dtype=np.float64)
        raw[:, :2] = pose.xy / scale
        if pose.world is not None:
            raw[:, 2:] = pose.world
        hidden = (pose.visibility < self.min_visibility) | ~np.isfinite(pose.xy).all(axis=1)
        fed = raw.copy()
        fed[hidden] = np.nan  # not fed: the entry's filter restarts when it is visible again
        smooth = self._filter.update(fed, t)
        out = np.where(hidden[:, None], raw, smooth)
        world = None if pose.world is None else out[:, 2:]
        return pose.replace(xy=out[:, :2] * scale, world=world)


# --------------------------------------------------------------------------- verdicts

# Hysteresis band per unit of `CheckResult.value`: a pass<->fail change needs the value
# to be this far beyond the threshold (|margin| >= band).
DEFAULT_HYSTERESIS: Mapping[str, float] = MappingProxyType(
    {"deg": _S.hysteresis_deg, "ratio": _S.hysteresis_ratio}
)


class StatusDebouncer:
    """Steadies the status of one check over frames.

    Args:
        min_duration_s: a new status is accepted only after it persisted this long
            (first frame showing it → current frame).  A frame with a different raw
            status drops the candidate; ``unknown`` frames do not (they are a dropout).
        hysteresis: band per unit (``CheckResult.unit``).  Going pass→fail needs
            ``margin <= -band``, fail→pass needs ``margin >= +band``, both at the start
            of the candidate and at the frame that accepts it; values that hover inside
            the band keep the current status.  A unit not listed has no band, and a
            result whose margin is NaN is taken at its status.
        unknown_grace_s: a run of ``unknown`` frames shorter than this keeps the last
            known status; after it the status becomes ``unknown``.

    The first result is taken as it is.  What `update` returns:

    * the raw result when its status is the steady one;
    * during a short unknown dropout, the last result that had the steady status
      (its value and cue, so the overlay stays consistent);
    * otherwise the current result (current value) with the steady status and the cue
      and level of the last result that had the steady status.
    """

    def __init__(
        self,
        min_duration_s: float = _S.verdict_min_duration_s,
        hysteresis: Mapping[str, float] = DEFAULT_HYSTERESIS,
        unknown_grace_s: float = _S.verdict_unknown_grace_s,
    ) -> None:
        self.min_duration_s = float(min_duration_s)
        self.hysteresis = dict(hysteresis)
        self.unknown_grace_s = float(unknown_grace_s)
        self.reset()

    def reset(self) -> None:
        """Forget all state; the next result is taken as it is."""
        self._steady: CheckResult | None = None  # last raw result with the steady status
        self._candidate: Status | None = None
        self._candidate_since = 0.0
        self._unknown_since: float | None = None

    @property
    def status(self) -> Status | None:
        """The steady status, or None before the first update."""
        return None if self._steady is None else self._steady.status

    def _beyond_band(self, steady: Status, result: CheckResult) -> bool:
        """True when ``result`` is far enough past the threshold to leave ``steady``."""
        if steady == "unknown" or result.status == "unknown" or math.isnan(result.margin):
            return True
        band = self.hysteresis.get(result.unit, 0.0)
        if result.status == "fail":
            return result.margin <= -band
        return result.margin >= band

    def update(self, result: CheckResult, timestamp_s: float) -> CheckResult:
        """Feed one frame's raw result; returns it with the steady status."""
        t = float(timestamp_s)
        steady = self._steady
        if steady is None or result.status == steady.status:
            self._steady = result
            self._candidate = None
            if result.status != "unknown":
                self._unknown_since = None
            return result

        if result.status == "unknown":
            if self._unknown_since is None:
                self._unknown_since = t
            if t - self._unknown_since >= self.unknown_grace_s:
                self._steady = result
                self._candidate = None
                return result
            return steady
        self._unknown_since = None

        qualifies = self._beyond_band(steady.status, result)
        if result.status != self._candidate:
            self._candidate = result.status if qualifies else None
            self._candidate_since = t
        if (
            self._candidate == result.status
            and qualifies
            and t - self._candidate_since >= self.min_duration_s
        ):
            self._steady = result
            self._candidate = None
            return result
        return replace(result, status=steady.status, cue=steady.cue, level=steady.level)


class VerdictStabilizer:
    """Applies one `StatusDebouncer` per check id to whole assessments.

    Args:
        min_duration_s, hysteresis, unknown_grace_s: passed to each `StatusDebouncer`.
        forget_after_s: a check missing from the assessments for longer than this (the
            exercise changed, the person left) loses its debouncer and starts fresh.

    The exercise, view and front side are passed through; steady them with `StableLabel`
    before the checks are computed.
    """

    def __init__(
        self,
        min_duration_s: float = _S.verdict_min_duration_s,
        hysteresis: Mapping[str, float] = DEFAULT_HYSTERESIS,
        unknown_grace_s: float = _S.verdict_unknown_grace_s,
        forget_after_s: float = _S.verdict_forget_after_s,
    ) -> None:
        self.min_duration_s = float(min_duration_s)
        self.hysteresis = dict(hysteresis)
        self.unknown_grace_s = float(unknown_grace_s)
        self.forget_after_s = float(forget_after_s)
        self._debouncers: dict[str, tuple[StatusDebouncer, float]] = {}

    def reset(self) -> None:
        self._debouncers.clear()

    def update(self, assessment: Assessment, timestamp_s: float) -> Assessment:
        """Returns a new `Assessment` whose checks carry steady statuses."""
        t = float(timestamp_s)
        self._debouncers = {
            check_id: (debouncer, seen)
            for check_id, (debouncer, seen) in self._debouncers.items()
            if t - seen <= self.forget_after_s
        }
        steady_checks = []
        for check in assessment.checks:
            entry = self._debouncers.get(check.id)
            debouncer = (
                entry[0]
                if entry is not None
                else StatusDebouncer(self.min_duration_s, self.hysteresis, self.unknown_grace_s)
            )
            self._debouncers[check.id] = (debouncer, t)
            steady_checks.append(debouncer.update(check, t))
        return replace(assessment, checks=tuple(steady_checks))


# --------------------------------------------------------------------------- labels and cues


class StableLabel:
    """A label (exercise, front side, view) that switches only on a sustained change.

    Args:
        switch_after_s: a new label wins once it has been seen in every frame for this
            long (first frame of the run → current frame).
        window_s: length of the voting window of recent frames.
        min_share: a new label also wins when it holds more than this share of the
            frames in the last ``window_s``.
        min_frames: a label needs at least this many frames in the window to win by
            vote; with the default 3 a single frame never switches the label.

    ``None`` ("nothing recognised") is a label like any other, and it is the initial
    label; so the first label also needs a few frames before it is shown.
    """

    def __init__(
        self,
        switch_after_s: float = _S.label_switch_after_s,
        window_s: float = _S.label_window_s,
        min_share: float = _S.label_min_share,
        min_frames: float = _S.label_min_frames,
    ) -> None:
        self.switch_after_s = float(switch_after_s)
        self.window_s = float(window_s)
        self.min_share = float(min_share)
        self.min_frames = max(2, int(min_frames))
        self.reset()

    def reset(self) -> None:
        self._label: str | None = None
        self._recent: deque[tuple[float, str | None]] = deque()
        self._run_label: str | None = None
        self._run_since = 0.0
        self._run_frames = 0

    @property
    def label(self) -> str | None:
        """The current steady label."""
        return self._label

    def update(self, label: str | None, timestamp_s: float) -> str | None:
        """Feed one frame's raw label; returns the steady label."""
        t = float(timestamp_s)
        self._recent.append((t, label))
        while self._recent and t - self._recent[0][0] > self.window_s:
            self._recent.popleft()
        if self._run_frames == 0 or label != self._run_label:
            self._run_label, self._run_since, self._run_frames = label, t, 1
        else:
            self._run_frames += 1

        if label != self._label:
            votes = sum(1 for _, seen in self._recent if seen == label)
            persisted = self._run_frames >= 2 and t - self._run_since >= self.switch_after_s
            majority = votes >= self.min_frames and votes > self.min_share * len(self._recent)
            if persisted or majority:
                self._label = label
        return self._label


class CueSelector:
    """Rate-limits the one cue shown or spoken, so it does not change every frame.

    Args:
        min_interval_s: the shown cue changes at most once per this interval.  The
            first cue is shown at once; a wanted change that arrives sooner waits, and
            is shown when the interval is over if it is still wanted then.
    """

    def __init__(self, min_interval_s: float = _S.cue_interval_s) -> None:
        self.min_interval_s = float(min_interval_s)
        self.reset()

    def reset(self) -> None:
        self._shown: str | None = None
        self._changed_at: float | None = None

    def update(self, cue_key: str | None, timestamp_s: float) -> str | None:
        """Feed the cue wanted now (a message key or None); returns the cue to show."""
        t = float(timestamp_s)
        due = self._changed_at is None or t - self._changed_at >= self.min_interval_s
        if due and (self._changed_at is None or cue_key != self._shown):
            self._shown, self._changed_at = cue_key, t
        return self._shown


# --------------------------------------------------------------------------- hold timer

HoldSide = Side | None  # None: a hold without a front side (standing posture)


def _side_key(side: HoldSide) -> str:
    return "none" if side is None else side


def _per_side(value: _T) -> Mapping[str, _T]:
    return MappingProxyType({"left": value, "right": value})


@dataclass(frozen=True)
class HoldState:
    """The hold timer after one frame.

    Attributes:
        current_s: seconds of the current hold in correct form (0 when none).  It pauses
            during a short dropout and goes back to 0 when the hold ends.
        side: front side of the current hold (None when no hold, or a hold without side).
        active: a hold is in progress (possibly paused in a short dropout).
        in_form: this frame passes every gating check.
        longest_s: per side (``"left"``, ``"right"``, and ``"none"`` once used), the
            longest hold so far, the current one included.
        total_s: per side, all seconds held in correct form.
        holds: per side, the number of holds that lasted at least the timer's
            ``min_hold_s``.
        target_s: the target hold length.
        target_reached: the current hold has reached ``target_s``.
    """

    current_s: float = 0.0
    side: HoldSide = None
    active: bool = False
    in_form: bool = False
    longest_s: Mapping[str, float] = field(default_factory=lambda: _per_side(0.0))
    total_s: Mapping[str, float] = field(default_factory=lambda: _per_side(0.0))
    holds: Mapping[str, int] = field(default_factory=lambda: _per_side(0))
    target_s: float = 30.0
    target_reached: bool = False

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready data for reports (seconds rounded to 0.01)."""
        return {
            "current_s": round(self.current_s, 2),
            "side": self.side,
            "active": self.active,
            "in_form": self.in_form,
            "target_s": self.target_s,
            "target_reached": self.target_reached,
            "sides": {
                key: {
                    "longest_s": round(self.longest_s[key], 2),
                    "total_s": round(self.total_s[key], 2),
                    "holds": self.holds[key],
                }
                for key in self.longest_s
            },
        }


class HoldTimer:
    """Counts the time a stretch is held in correct form, per side.

    Feed it every frame: whether all gating checks pass (`Assessment.all_pass`, with
    steady verdicts) and the front side.

    Args:
        target_s: the hold length to reach (the seed text says about 30 s).
        max_dropout_s: a failure (or a gap without frames) shorter than this pauses the
            current hold instead of ending it.  The paused time is **not** counted: the
            timer counts only time in which every check passes.
        min_hold_s: a hold is counted in `HoldState.holds` once it has lasted this long,
            so a few lucky frames do not count as a hold.

    Counting: the time between two consecutive frames is counted when both frames pass
    on the same side and they are less than ``max_dropout_s`` apart.  A passing frame on
    the other side ends the current hold and starts a new one there.  A timestamp that
    does not increase adds no time.
    """

    def __init__(
        self,
        target_s: float = _S.hold_target_s,
        max_dropout_s: float = _S.hold_max_dropout_s,
        min_hold_s: float = _S.min_hold_s,
    ) -> None:
        self.target_s = float(target_s)
        self.max_dropout_s = float(max_dropout_s)
        self.min_hold_s = float(min_hold_s)
        self.reset()

    def reset(self) -> None:
        self._longest: dict[str, float] = {"left": 0.0, "right": 0.0}
        self._total: dict[str, float] = {"left": 0.0, "right": 0.0}
        self._holds: dict[str, int] = {"left": 0, "right": 0}
        self._active = False
        self._side: HoldSide = None
        self._current = 0.0
        self._counted = False  # the current hold is already counted in _holds
        self._last_pass_t: float | None = None  # last passing frame of the current hold
        self._prev_pass = False  # the previous frame passed (on the hold's side)
        self._state = HoldState(target_s=self.target_s)

    @property
    def state(self) -> HoldState:
        return self._state

    def _end_hold(self) -> None:
        self._active = False
        self._current = 0.0
        self._counted = False
        self._last_pass_t = None
        self._prev_pass = False

    def update(self, all_pass: bool, side: Side | None, timestamp_s: float) -> HoldState:
        """Feed one frame; returns the timer's state after it."""
        t = float(timestamp_s)
        if self._active and self._last_pass_t is not None:
            gap = t - self._last_pass_t
            if gap >= self.max_dropout_s or (all_pass and side != self._side):
                self._end_hold()

        if all_pass:
            key = _side_key(side)
            if not self._active:
                self._active, self._side, self._current = True, side, 0.0
                self._longest.setdefault(key, 0.0)
                self._total.setdefault(key, 0.0)
                self._holds.setdefault(key, 0)
            elif self._prev_pass and self._last_pass_t is not None:
                dt = t - self._last_pass_t
                if dt > 0:
                    self._current += dt
                    self._total[key] += dt
                    self._longest[key] = max(self._longest[key], self._current)
            if not self._counted and self._current >= self.min_hold_s:
                self._holds[key] += 1
                self._counted = True
            if self._last_pass_t is None or t > self._last_pass_t:
                self._last_pass_t = t
        self._prev_pass = bool(all_pass)

        self._state = HoldState(
            current_s=self._current,
            side=self._side if self._active else None,
            active=self._active,
            in_form=bool(all_pass),
            longest_s=MappingProxyType(dict(self._longest)),
            total_s=MappingProxyType(dict(self._total)),
            holds=MappingProxyType(dict(self._holds)),
            target_s=self.target_s,
            target_reached=self._active and self._current >= self.target_s,
        )
        return self._state


# --------------------------------------------------------------------------- personal baseline

BaselinePhase = Literal["none", "recording", "set", "failed"]


@dataclass(frozen=True)
class BaselineState:
    """Where a `NeutralBaseline` stands after a frame.

    Attributes:
        phase: ``none`` (never recorded), ``recording``, ``set`` (``value`` is the person's
            neutral) or ``failed`` (the last recording saw too few measurable frames;
            ``value`` keeps an earlier neutral, or NaN).
        value: the neutral value; NaN when none was recorded.
        recorded_s: seconds recorded so far (``recording``), else 0.
        duration_s: how long a recording lasts.
    """

    phase: BaselinePhase = "none"
    value: float = math.nan
    recorded_s: float = 0.0
    duration_s: float = 0.0

    @property
    def is_set(self) -> bool:
        return math.isfinite(self.value)


class NeutralBaseline:
    """A person's own neutral value of a measure, recorded while they stand relaxed.

    `start` begins a recording at the next frame; for ``duration_s`` every frame's value
    is collected (NaN = not measurable in that frame).  Then the median becomes the neutral
    if at least ``min_valid_fraction`` of the frames (and three or more) were measurable;
    otherwise the recording failed and an earlier neutral stays.

    Args:
        duration_s: how long the person stands relaxed (`Settings.baseline_duration_s`).
        min_valid_fraction: share of the recording's frames that must carry a value
            (`Settings.min_baseline_valid_fraction`).
    """

    def __init__(self, duration_s: float = 3.0, min_valid_fraction: float = 0.6) -> None:
        self.duration_s = float(duration_s)
        self.min_valid_fraction = float(min_valid_fraction)
        self.reset()

    def reset(self) -> None:
        """Forget the neutral and any recording."""
        self._state = BaselineState(duration_s=self.duration_s)
        self._wanted = False
        self._started_at: float | None = None
        self._values: list[float] = []
        self._frames = 0

    @property
    def state(self) -> BaselineState:
        return self._state

    @property
    def recording(self) -> bool:
        """True from `start` until the recording is over: feed it values then."""
        return self._wanted

    def start(self) -> None:
        """Record a new neutral, from the next frame on."""
        self._wanted = True
        self._started_at = None
        self._values, self._frames = [], 0

    def update(self, value: float, timestamp_s: float) -> BaselineState:
        """Feed one frame's value (NaN when not measurable); returns the state."""
        if not self._wanted:
            return self._state
        t = float(timestamp_s)
        if self._started_at is None:
            self._started_at = t
        self._frames += 1
        if math.isfinite(value):
            self._values.append(float(value))
        elapsed = max(t - self._started_at, 0.0)
        if elapsed < self.duration_s:
            self._state = replace(self._state, phase="recording", recorded_s=elapsed)
            return self._state
        self._wanted = False
        enough = len(self._values) >= 3 and len(self._values) >= self.min_valid_fraction * self._frames
        if enough:
            self._state = replace(
                self._state, phase="set", value=float(np.median(self._values)), recorded_s=0.0
            )
        else:
            self._state = replace(self._state, phase="failed", recorded_s=0.0)
        return self._state


# ---------------------------------------------------------------------- from the settings


def pose_smoother(settings: Settings) -> PoseSmoother:
    """A `PoseSmoother` with the settings' One Euro parameters and visibility threshold."""
    s = settings
    return PoseSmoother(
        s.smooth_min_cutoff_hz, s.smooth_beta, s.smooth_d_cutoff_hz, s.min_visibility, s.smooth_max_gap_s
    )


def verdict_stabilizer(settings: Settings) -> VerdictStabilizer:
    """A `VerdictStabilizer` with the settings' debounce times and hysteresis bands."""
    s = settings
    bands = {"deg": s.hysteresis_deg, "ratio": s.hysteresis_ratio}
    return VerdictStabilizer(
        s.verdict_min_duration_s, bands, s.verdict_unknown_grace_s, s.verdict_forget_after_s
    )


def stable_label(settings: Settings) -> StableLabel:
    """A `StableLabel` with the settings' switch time, window and vote."""
    s = settings
    return StableLabel(s.label_switch_after_s, s.label_window_s, s.label_min_share, s.label_min_frames)


def hold_timer(settings: Settings) -> HoldTimer:
    """A `HoldTimer` with the settings' target, dropout and minimum hold."""
    return HoldTimer(settings.hold_target_s, settings.hold_max_dropout_s, settings.min_hold_s)
