"""The checks of PRODUCT.md as a table of rules: measurement, pass condition, cue.

A rule turns a `metrics.Measure` into a `CheckResult`.  Every rule computes a *margin*:
how far the value is inside the pass region (>= 0 passes), in the value's unit.  The
margin drives both the verdict and the debouncer's hysteresis.  A NaN measurement, or a
view that does not allow the check, gives ``unknown`` with a cue what to change.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from posecheck import metrics as m
from posecheck.config import Settings
from posecheck.results import CheckResult, Status

MeasureFn = Callable[[m.Body, m.Orientation], m.Measure]


@dataclass(frozen=True)
class Rule:
    """One check.

    Attributes:
        id: check id (also the message key of its label).
        measure: the measurement it judges.
        unit: "deg" or "ratio".
        margin: (value, settings) -> distance inside the pass region (>= 0 passes).
        limit: settings -> the pass condition in words.
        fail_cue: value -> message key for a failing value (e.g. knee ahead vs behind).
        view: the camera view the check needs ("side" or "front").
        informative: reported, never fails, does not gate the hold timer.
        level: for informative rules, (value, settings) -> a grade like "easier".
    """

    id: str
    measure: MeasureFn
    unit: str
    margin: Callable[[float, Settings], float]
    limit: Callable[[Settings], str]
    fail_cue: Callable[[float], str]
    view: str = "side"
    informative: bool = False
    level: Callable[[float, Settings], str] | None = None

    def evaluate(self, body: m.Body, orientation: m.Orientation) -> CheckResult:
        settings = body.settings
        limit = self.limit(settings)
        if orientation.view is not None and orientation.view != self.view:
            cue = "turn_sideways" if self.view == "side" else "face_camera"
            return CheckResult(
                self.id, "unknown", float("nan"), self.unit, limit, cue, informative=self.informative
            )
        measure = self.measure(body, orientation)
        if not measure.known:
            return CheckResult(
                self.id,
                "unknown",
                float("nan"),
                self.unit,
                limit,
                "not_visible",
                points=measure.points,
                informative=self.informative,
            )
        value = measure.value
        if self.level is not None:
            level = self.level(value, settings)
            return CheckResult(
                self.id,
                "pass",
                value,
                self.unit,
                limit,
                f"{self.id}.{level}",
                level=level,
                points=measure.points,
                informative=True,
                margin=float("inf"),
            )
        margin = self.margin(value, settings)
        status: Status = "pass" if margin >= 0 else "fail"
        cue = f"{self.id}.pass" if status == "pass" else self.fail_cue(value)
        return CheckResult(
            self.id,
            status,
            value,
            self.unit,
            limit,
            cue,
            points=measure.points,
            informative=self.informative,
            margin=margin,
        )


def _fails_as(cue: str) -> Callable[[float], str]:
    return lambda _value: cue


def _pelvis_on_floor(body: m.Body, o: m.Orientation) -> m.Measure:
    """Evidence that the pelvis/thighs are lifted off the floor, in thigh lengths.

    The direct evidence is the background gap under the thighs in the segmentation mask
    (`metrics.pelvis_gap`).  An upward dog lifts the pelvis on straight arms; with bent elbows
    a gap under the thighs is mostly the rounded belly of a cobra, so a bent-arm gap counts
    only in proportion ``max_pelvis_gap_ratio / max_pelvis_gap_bent_arms_ratio``.  Without a
    mask the knee height and hip height above the floor line stand in, each scaled so that
    its own limit maps onto the gap limit.  Compared with ``max_pelvis_gap_ratio``.
    """
    s = body.settings
    limit = s.max_pelvis_gap_ratio
    gap = m.pelvis_gap(body, o)
    if gap.known:
        elbow = m.elbow_angle(body, o).value
        arms_bent = bool(np.isfinite(elbow) and elbow < s.min_straight_elbow_deg)
        scale = limit / s.max_pelvis_gap_bent_arms_ratio if arms_bent else 1.0
        return m.Measure(gap.value * scale, gap.points)
    knee, height = m.knee_lift(body, o), m.pelvis_height(body, o)
    evidence = [
        knee.value * limit / s.max_knee_lift_ratio if knee.known else float("nan"),
        height.value * limit / s.max_pelvis_height_ratio if height.known else float("nan"),
    ]
    known = [v for v in evidence if np.isfinite(v)]
    return m.Measure(max(known) if known else float("nan"), height.points)


RULES: dict[str, Rule] = {
    rule.id: rule
    for rule in (
        Rule(
            "front_knee_over_ankle",
            m.front_shin_tilt,
            "deg",
            margin=lambda v, s: s.max_shin_tilt_deg - abs(v),
            limit=lambda s: f"|v| <= {s.max_shin_tilt_deg:g}",
            fail_cue=lambda v: (
                "front_knee_over_ankle.knee_ahead" if v > 0 else "front_knee_over_ankle.knee_behind"
            ),
        ),
        Rule(
            "rear_knee_on_floor",
            m.rear_knee_height,
            "ratio",
            margin=lambda v, s: s.max_rear_knee_height_ratio - v,
            limit=lambda s: f"v <= {s.max_rear_knee_height_ratio:g}",
            fail_cue=_fails_as("rear_knee_on_floor.fail"),
        ),
        Rule(
            "hip_extension",
            m.hip_extension,
            "deg",
            margin=lambda v, s: v - s.min_hip_extension_deg,
            limit=lambda s: f"v >= {s.min_hip_extension_deg:g}",
            fail_cue=_fails_as("hip_extension.fail"),
        ),
        Rule(
            "trunk_upright",
            m.trunk_tilt,
            "deg",
            margin=lambda v, s: s.max_trunk_tilt_deg - abs(v),
            limit=lambda s: f"|v| <= {s.max_trunk_tilt_deg:g}",
            fail_cue=lambda v: "trunk_upright.leaning_back" if v < 0 else "trunk_upright.leaning_forward",
        ),
        Rule(
            "rear_leg_straight",
            m.rear_knee_angle,
            "deg",
            margin=lambda v, s: v - s.min_rear_knee_angle_deg,
            limit=lambda s: f"v >= {s.min_rear_knee_angle_deg:g}",
            fail_cue=_fails_as("rear_leg_straight.fail"),
        ),
        Rule(
            "pelvis_on_floor",
            _pelvis_on_floor,
            "ratio",
            margin=lambda v, s: s.max_pelvis_gap_ratio - v,
            limit=lambda s: f"v <= {s.max_pelvis_gap_ratio:g}",
            fail_cue=_fails_as("pelvis_on_floor.fail"),
        ),
        Rule(
            "chest_lifted",
            m.chest_lift,
            "deg",
            margin=lambda v, s: v - s.min_chest_lift_deg,
            limit=lambda s: f"v >= {s.min_chest_lift_deg:g}",
            fail_cue=_fails_as("chest_lifted.fail"),
        ),
        Rule(
            "hand_position",
            m.hand_reach,
            "ratio",
            margin=lambda v, s: float("inf"),
            limit=lambda s: f"easier if v >= {s.min_easy_hand_reach_ratio:g}",
            fail_cue=_fails_as("hand_position.harder"),
            informative=True,
            level=lambda v, s: "easier" if v >= s.min_easy_hand_reach_ratio else "harder",
        ),
        Rule(
            "forward_head",
            m.neck_tilt,
            "deg",
            margin=lambda v, s: s.max_neck_tilt_deg - v,
            limit=lambda s: f"v <= {s.max_neck_tilt_deg:g}",
            fail_cue=_fails_as("forward_head.fail"),
        ),
        Rule(
            "plumb_line",
            m.plumb_offset,
            "ratio",
            margin=lambda v, s: s.max_plumb_offset_ratio - abs(v),
            limit=lambda s: f"|v| <= {s.max_plumb_offset_ratio:g}",
            fail_cue=_fails_as("plumb_line.fail"),
        ),
        Rule(
            "knee_hyperextension",
            m.knee_hyperextension,
            "deg",
            margin=lambda v, s: s.max_knee_hyperextension_deg - v,
            limit=lambda s: f"v <= {s.max_knee_hyperextension_deg:g}",
            fail_cue=_fails_as("knee_hyperextension.fail"),
        ),
        Rule(
            "shoulders_level",
            lambda body, o: m.line_tilt(body, "shoulder"),
            "deg",
            margin=lambda v, s: s.max_level_tilt_deg - v,
            limit=lambda s: f"v <= {s.max_level_tilt_deg:g}",
            fail_cue=_fails_as("shoulders_level.fail"),
            view="front",
        ),
        Rule(
            "hips_level",
            lambda body, o: m.line_tilt(body, "hip"),
            "deg",
            margin=lambda v, s: s.max_level_tilt_deg - v,
            limit=lambda s: f"v <= {s.max_level_tilt_deg:g}",
            fail_cue=_fails_as("hips_level.fail"),
            view="front",
        ),
    )
}
