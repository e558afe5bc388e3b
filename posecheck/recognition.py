"""Which exercise is being done, from one pose: a short decision list on body shape.

1. A lunge shape (knees on either side of the hips, front knee bent over a shin that stands
   rather than lies) seen from the side: a
   kneeling lunge when the rear knee is at the floor, otherwise a standing lunge.  Seen from
   the front, a wide stance is not taken for a lunge.
2. Lying (a leg flat on the floor, or the upper body propped on the hands with the hips at
   hand level; trunk off vertical): a prone press-up when the chest is lifted or the pelvis
   is low; a straight body held high (plank, chaturanga) is not one.
3. Standing upright on straight legs with the feet together: standing posture.
4. Anything else (downward dog, tree, squat, chair, goddess...): None.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posecheck import geometry as geo
from posecheck import metrics as m
from posecheck.landmarks import SIDES, sided


@dataclass(frozen=True)
class Shape:
    """The features the decision list uses (degrees and ratios; NaN when unknown)."""

    trunk_from_vertical_deg: float
    stance_ratio: float
    front_knee_deg: float
    front_shin_tilt_deg: float
    rear_knee_deg: float
    rear_knee_height_ratio: float
    chest_lift_deg: float
    pelvis_height_ratio: float
    min_knee_deg: float
    knee_height_gap_ratio: float


def body_shape(body: m.Body, o: m.Orientation) -> Shape:
    hip, shoulder = body.mid("hip", o.near), body.mid("shoulder", o.near)
    trunk = abs(geo.tilt_from_vertical(hip, shoulder, 1))
    ankles = [body.point(sided(side, "ankle")) for side in SIDES]
    legs = [m.leg_length(body, side) for side in SIDES]
    known_lengths = [v for v in legs if np.isfinite(v)]
    stance = (
        geo.ratio(abs(ankles[0][0] - ankles[1][0]), max(known_lengths)) if known_lengths else float("nan")
    )
    knees = [
        geo.joint_angle(*(body.point(sided(side, part)) for part in ("hip", "knee", "ankle")))
        for side in SIDES
    ]
    known_knees = [k for k in knees if np.isfinite(k)]
    knee_ys = [body.point(sided(side, "knee"))[1] for side in SIDES]
    knee_gap = geo.ratio(abs(knee_ys[0] - knee_ys[1]), m.thigh_length(body))
    return Shape(
        trunk_from_vertical_deg=trunk,
        stance_ratio=stance,
        front_knee_deg=m.front_knee_angle(body, o).value,
        front_shin_tilt_deg=m.front_shin_tilt(body, o).value,
        rear_knee_deg=m.rear_knee_angle(body, o).value,
        rear_knee_height_ratio=m.rear_knee_height(body, o).value,
        chest_lift_deg=m.chest_lift(body, o).value,
        pelvis_height_ratio=m.pelvis_height(body, o).value,
        min_knee_deg=min(known_knees) if known_knees else float("nan"),
        knee_height_gap_ratio=knee_gap,
    )


def _hips_low(body: m.Body, o: m.Orientation) -> bool:
    """No leg point far below the hips: lying, the hips are near the floor (a tree pose's
    raised leg may lie flat, but the standing leg reaches far down)."""
    hip = body.mid("hip", o.near)
    ys = [
        body.point(sided(side, part))[1] for side in SIDES for part in ("knee", "ankle", "heel", "foot_index")
    ]
    ys = [y for y in ys if np.isfinite(y)]
    drop = geo.ratio(max(ys) - hip[1], m.thigh_length(body)) if ys else float("nan")
    return bool(drop <= body.settings.max_lying_hip_drop_ratio)


def _propped_on_hands(body: m.Body, o: m.Orientation, trunk_from_vertical_deg: float) -> bool:
    """Chest up on the hands with the hips down at hand level, judged from the upper body alone.

    Used when the legs are not all seen: the model often loses legs lying flat on the floor
    (feet towards the camera, dark trousers); the trunk and arms still show a press-up:
    shoulders above the hips, hands below the shoulders (holding them up) and ahead of the
    hips on the side of the head, hips hardly higher than the hands.  Hands raised overhead
    (a chair pose) hold nothing up.
    """
    s = body.settings
    hip, shoulder = body.mid("hip", o.near), body.mid("shoulder", o.near)
    wrists = [body.point(sided(side, "wrist")) for side in SIDES]
    wrists = [w for w in wrists if np.isfinite(w).all()]
    trunk = geo.distance(hip, shoulder)
    legs_seen = body.seen(*(sided(side, part) for side in SIDES for part in ("knee", "ankle")))
    if legs_seen or not wrists or not np.isfinite(trunk) or shoulder[1] >= hip[1]:
        return False
    wrist = max(wrists, key=lambda w: w[1])  # the lower hand rests on the floor
    holds_up = wrist[1] > shoulder[1]
    head_side = np.sign(shoulder[0] - hip[0])
    hands_ahead = head_side != 0 and np.sign(wrist[0] - hip[0]) == head_side
    hip_above_hands = geo.ratio(wrist[1] - hip[1], trunk)
    return bool(
        holds_up
        and hands_ahead
        and trunk_from_vertical_deg >= s.min_propped_trunk_deg
        and hip_above_hands <= s.max_propped_hip_height_ratio
    )


def recognize(body: m.Body, o: m.Orientation) -> str | None:
    """The exercise id, or None when no known exercise is seen."""
    s = body.settings
    shape = body_shape(body, o)
    if not np.isfinite(shape.trunk_from_vertical_deg):
        return None
    lunge_shape = (
        o.front is not None
        and shape.stance_ratio >= s.min_lunge_stance_ratio
        and abs(shape.front_shin_tilt_deg) <= s.max_lunge_shin_tilt_deg
    )
    if lunge_shape and shape.front_knee_deg <= s.max_lunge_front_knee_deg:
        if not o.width_ratio <= s.max_lunge_width_ratio:
            return None  # a wide stance seen from the front
        knee_down = shape.rear_knee_height_ratio <= s.max_rear_knee_height_ratio or (
            shape.rear_knee_height_ratio <= s.max_kneeling_knee_height_ratio
            and shape.rear_knee_deg <= s.max_kneeling_rear_knee_deg
        )
        return "kneeling_lunge" if knee_down else "standing_lunge"
    legs_down = m.legs_lying(body, s.max_lying_legs_deg) and _hips_low(body, o)
    propped = not legs_down and _propped_on_hands(body, o, shape.trunk_from_vertical_deg)
    if shape.trunk_from_vertical_deg >= s.min_lying_trunk_deg and (legs_down or propped):
        chest_up = shape.chest_lift_deg >= s.min_chest_lift_deg
        if np.isfinite(shape.pelvis_height_ratio):
            pelvis_low = shape.pelvis_height_ratio < s.min_plank_pelvis_height_ratio
        else:  # no floor line (feet hidden): propped means the hips are at hand level
            pelvis_low = propped
        return "prone_press_up" if chest_up or pelvis_low else None
    standing = (
        shape.trunk_from_vertical_deg <= s.max_standing_trunk_deg
        and shape.min_knee_deg >= s.min_standing_knee_deg
        # In a side view the far ankle is often hidden: then the stance is unknown, not wide.
        and not shape.stance_ratio > s.max_standing_stance_ratio
        # A raised leg (tree pose) lifts its knee even when its ankle is hidden.
        and not shape.knee_height_gap_ratio > s.max_standing_knee_gap_ratio
    )
    return "standing_posture" if standing else None
