"""What the two lunges share: their measures, three of their checks and the lunge shape.

Both lunges are judged on the front knee over the ankle, the rear hip extended and the trunk
upright; recognition tells them apart by the rear knee (on the floor or not).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from posecheck import geometry as geo
from posecheck import metrics as m
from posecheck import silhouette
from posecheck.exercises import Match
from posecheck.landmarks import BodyPart, Side, other_side, sided
from posecheck.messages import Texts
from posecheck.metrics import NAN, UNKNOWN, Body, Measure, Orientation
from posecheck.rules import Limit, Rule, fails_as

if TYPE_CHECKING:
    from posecheck.config import Settings
    from posecheck.landmarks import Pose

# --- measures ----------------------------------------------------------------------------


def front_shin_tilt(body: Body, o: Orientation) -> Measure:
    """Front shin ankle->knee from vertical; positive = knee ahead of the ankle."""
    if o.front is None:
        return UNKNOWN
    ankle, knee = sided(o.front, "ankle"), sided(o.front, "knee")
    value = geo.tilt_from_vertical(body.sag(ankle), body.sag(knee), o.facing)
    return Measure(value, (ankle, knee))


FOOT_PARTS: tuple[BodyPart, ...] = ("heel", "foot_index", "ankle")


def _lowest_foot_point(body: Body, side: Side, parts: tuple[BodyPart, ...] = FOOT_PARTS) -> np.ndarray:
    """The lowest visible point (largest image y) of a foot, or NaN."""
    points = [body.point(sided(side, part)) for part in parts]
    points = [p for p in points if np.isfinite(p).all()]
    return max(points, key=lambda p: p[1]) if points else np.array([NAN, NAN])


def floor_y_at(body: Body, front: Side, x: float) -> float:
    """Image y of the floor at image column ``x`` in a lunge.

    Both feet rest on the floor in every lunge: the front foot flat, the rear foot on its toes
    (standing) or its toes or instep (kneeling).  The floor runs through the lowest point of
    each; taken at ``x`` it follows a camera that looks down on the floor or is tilted.
    Without the rear foot, the level of the front foot stands in.
    """
    front_point = _lowest_foot_point(body, front)
    rear_point = _lowest_foot_point(body, other_side(front), ("heel", "foot_index"))
    if not np.isfinite(rear_point).all() or abs(rear_point[0] - front_point[0]) < 1:
        return float(front_point[1])
    share = (x - front_point[0]) / (rear_point[0] - front_point[0])
    return float(front_point[1] + share * (rear_point[1] - front_point[1]))


def _shin_scale(body: Body, o: Orientation) -> float:
    """The longer of the two shins in the image: the front shin is the steadier length
    estimate (the rear shin may point at the camera)."""
    assert o.front is not None
    shins = [
        geo.distance(body.point(sided(side, "knee")), body.point(sided(side, "ankle")))
        for side in (o.front, other_side(o.front))
    ]
    return float(np.nanmax(shins)) if np.isfinite(shins).any() else NAN


def rear_knee_height(body: Body, o: Orientation) -> Measure:
    """Rear knee height above the floor (`floor_y_at`, through both feet), in shin lengths.

    A knee resting on the floor has its joint centre about 0.1 shin above it; the bent rear
    knee of a standing lunge hangs above a floor touched only by the rear toes.
    """
    if o.front is None:
        return UNKNOWN
    knee = sided(other_side(o.front), "knee")
    knee_xy = body.point(knee)
    floor_y = floor_y_at(body, o.front, knee_xy[0])
    return Measure(geo.ratio(floor_y - knee_xy[1], _shin_scale(body, o)), (knee,))


def _foot_middle_x(body: Body, side: Side, lowest: np.ndarray) -> float:
    """Image x midway between the heel and the toes (the lowest foot point's x without them)."""
    ends = [body.point(sided(side, part))[0] for part in ("heel", "foot_index")]
    return float(np.mean(ends)) if np.isfinite(ends).all() else float(lowest[0])


# Columns either side of the rear knee searched for its lowest silhouette point, in shin lengths.
KNEE_COLUMNS_SHINS = 0.15


def rear_knee_gap(body: Body, o: Orientation) -> Measure:
    """Background between the rear knee and the floor in the segmentation mask, in shin lengths.

    The floor runs under the silhouette at the two feet (`silhouette.floor_contact` at each
    foot's lowest landmark; both rest on the floor).  Under the rear knee, in the columns within
    `KNEE_COLUMNS_SHINS` of it, the gap is the floor height minus the lowest person pixel, at its
    smallest: about 0 (+-0.1) when the knee rests on the floor, larger when it hangs above it.
    Direct evidence of contact where the knee landmark's height is not: the joint centre sits
    ~0.1 shin above a resting knee's skin, and the model places it a few cm off.  NaN without a
    mask or a foot.
    """
    if o.front is None or body.pose.mask is None:
        return UNKNOWN
    mask = body.pose.mask
    rear = other_side(o.front)
    knee_lm = sided(rear, "knee")
    knee = body.point(knee_lm)
    front_foot = _lowest_foot_point(body, o.front)
    rear_foot = _lowest_foot_point(body, rear, ("heel", "foot_index"))
    shin = _shin_scale(body, o)
    if not (np.isfinite(knee).all() and np.isfinite(front_foot).all() and np.isfinite(rear_foot).all()):
        return Measure(NAN, (knee_lm,))
    reach = KNEE_COLUMNS_SHINS * 2 * shin
    # Under the middle of each foot (heel to toes), where the sole lies within a foot's height
    # of the foot's lowest landmark.
    contacts = [
        silhouette.floor_contact(mask, _foot_middle_x(body, side, lowest), knee[0], reach, lowest[1] - reach)
        for side, lowest in ((o.front, front_foot), (rear, rear_foot))
    ]
    gaps = [
        silhouette.gap_under(mask, x, *contacts)
        for x in knee[0] + np.linspace(-KNEE_COLUMNS_SHINS, KNEE_COLUMNS_SHINS, 7) * shin
    ]
    known = [g for g in gaps if np.isfinite(g)]
    return Measure(geo.ratio(min(known), shin) if known else NAN, (knee_lm,))


def trunk_tilt(body: Body, o: Orientation) -> Measure:
    """Trunk hip-mid -> shoulder-mid from vertical; positive = leaning forward."""
    hip, shoulder = body.mid("hip", o.near), body.mid("shoulder", o.near)
    value = geo.tilt_from_vertical(hip, shoulder, o.facing)
    return Measure(value, (sided(o.near, "hip"), sided(o.near, "shoulder")))


def hip_extension(body: Body, o: Orientation) -> Measure:
    """Rear thigh angle behind the trunk line (shoulder-mid -> hip-mid, extended); + = behind."""
    if o.front is None:
        return UNKNOWN
    rear = other_side(o.front)
    hip_lm, knee_lm = sided(rear, "hip"), sided(rear, "knee")
    hip, shoulder = body.sag_mid("hip", o.near), body.sag_mid("shoulder", o.near)
    trunk_down = hip - shoulder
    thigh = body.sag(knee_lm) - body.sag(hip_lm)
    value = o.facing * geo.signed_angle(trunk_down, thigh)
    return Measure(value, (sided(rear, "shoulder"), hip_lm, knee_lm))


def rear_knee_angle(body: Body, o: Orientation) -> Measure:
    """Rear knee angle hip-knee-ankle; 180 = straight."""
    if o.front is None:
        return UNKNOWN
    rear = other_side(o.front)
    points = (sided(rear, "hip"), sided(rear, "knee"), sided(rear, "ankle"))
    return Measure(geo.joint_angle(*(body.sag(p) for p in points)), points)


def front_knee_angle(body: Body, o: Orientation) -> Measure:
    """Front knee angle hip-knee-ankle (used to recognise a lunge)."""
    if o.front is None:
        return UNKNOWN
    points = (sided(o.front, "hip"), sided(o.front, "knee"), sided(o.front, "ankle"))
    return Measure(geo.joint_angle(*(body.point(p) for p in points)), points)


# --- checks ------------------------------------------------------------------------------

FRONT_KNEE_OVER_ANKLE = Rule(
    "front_knee_over_ankle",
    front_shin_tilt,
    "deg",
    "vertical",
    Limit("max_shin_tilt_deg", "max_abs"),
    fail_cue=lambda v: "front_knee_over_ankle.knee_ahead" if v > 0 else "front_knee_over_ankle.knee_behind",
    fail_cues=("front_knee_over_ankle.knee_ahead", "front_knee_over_ankle.knee_behind"),
)
HIP_EXTENSION = Rule(
    "hip_extension",
    hip_extension,
    "deg",
    "trunk_line",
    Limit("min_hip_extension_deg", "min"),
    fail_cue=fails_as("hip_extension.fail"),
    fail_cues=("hip_extension.fail",),
)
TRUNK_UPRIGHT = Rule(
    "trunk_upright",
    trunk_tilt,
    "deg",
    "vertical",
    Limit("max_trunk_tilt_deg", "max_abs"),
    fail_cue=lambda v: "trunk_upright.leaning_back" if v < 0 else "trunk_upright.leaning_forward",
    fail_cues=("trunk_upright.leaning_back", "trunk_upright.leaning_forward"),
)

MESSAGES: dict[str, Texts] = {
    "front_knee_over_ankle": {"en": "Front knee over ankle", "nl": "Voorste knie boven enkel"},
    "front_knee_over_ankle.pass": {
        "en": "Front knee is above the ankle.",
        "nl": "Je voorste knie staat loodrecht boven je enkel.",
    },
    "front_knee_over_ankle.knee_ahead": {
        "en": "Front knee is ahead of the ankle: step the front foot further forward.",
        "nl": "Je voorste knie staat voor je enkel: zet je voorste voet verder naar voren.",
    },
    "front_knee_over_ankle.knee_behind": {
        "en": "Front knee is behind the ankle: bring the knee over the ankle.",
        "nl": "Je voorste knie staat achter je enkel: breng je knie loodrecht boven je enkel.",
    },
    "hip_extension": {"en": "Hip extension", "nl": "Heup gestrekt"},
    "hip_extension.pass": {"en": "Rear hip is extended.", "nl": "Je achterste heup is gestrekt."},
    "hip_extension.fail": {
        "en": "Move the rear knee further back until you feel a stretch at the front of the hip.",
        "nl": "Zet je achterste knie verder naar achter tot je rek voelt aan de voorzijde van je heup.",
    },
    "trunk_upright": {"en": "Trunk upright", "nl": "Romp rechtop"},
    "trunk_upright.pass": {"en": "Trunk is upright.", "nl": "Je romp is rechtop."},
    "trunk_upright.leaning_back": {
        "en": "Don't sag into a hollow back: pull your navel in and bring the trunk upright.",
        "nl": "Niet doorhangen in je rug: trek je navel in en kom rechtop.",
    },
    "trunk_upright.leaning_forward": {
        "en": "Trunk leans forward: bring your chest up over your hips.",
        "nl": "Je romp helt naar voren: breng je borst recht boven je heupen.",
    },
    # for the HTML report: what each check measures, and what a failing stretch of it means
    "measure.front_knee_over_ankle": {
        "en": "angle of the front shin from vertical",
        "nl": "hoek van het voorste scheenbeen met de verticaal",
    },
    "event.front_knee_over_ankle": {
        "en": "the front knee went past the ankle {times}",
        "nl": "de voorste knie ging {times} voorbij de enkel",
    },
    "measure.hip_extension": {
        "en": "how far the rear thigh is behind the line of the trunk",
        "nl": "hoe ver het achterste bovenbeen achter de lijn van de romp staat",
    },
    "event.hip_extension": {
        "en": "the rear hip was not stretched far enough {times}",
        "nl": "de achterste heup was {times} niet ver genoeg gestrekt",
    },
    "measure.trunk_upright": {
        "en": "lean of the trunk from vertical",
        "nl": "helling van de romp ten opzichte van de verticaal",
    },
    "event.trunk_upright": {
        "en": "the trunk leaned away from upright {times}",
        "nl": "de romp stond {times} niet rechtop",
    },
}


# --- recognition -------------------------------------------------------------------------


def lunge(body: Body, o: Orientation, kneeling: bool) -> Match:
    """A lunge shape (knees on either side of the hips, front knee bent over a shin that
    stands rather than lies) seen from the side: a kneeling lunge when the rear knee is at
    the floor (through both feet), otherwise a standing lunge, whatever the trunk and arms
    do.  Seen from the front, a wide stance is no exercise at all: that takes both the camera's
    yaw (from the world landmarks, NaN without) beyond the side view and the shoulders and
    hips wide in the picture -- a lunge filmed at 45 degrees is wide in the picture, a
    warrior II's yaw may be estimated short of a front view."""
    s = body.settings
    lunge_shape = (
        o.front is not None
        and m.stance_ratio(body, sagittal=True) >= s.min_lunge_stance_ratio
        and abs(front_shin_tilt(body, o).value) <= s.max_lunge_shin_tilt_deg
    )
    if not (lunge_shape and front_knee_angle(body, o).value <= s.max_lunge_front_knee_deg):
        return Match.NO
    if not (o.yaw_deg <= s.max_side_view_yaw_deg or o.width_ratio <= s.max_lunge_width_ratio):
        return Match.NOTHING  # a wide stance seen from the front
    # Kneeling needs the rear knee at the floor: its joint centre low, and no background
    # under it where the silhouette shows.  A bent rear knee hanging above the floor is a
    # standing lunge done with a bent rear leg (rear_leg_straight then fails there).
    knee_down = rear_knee_height(body, o).value <= s.max_rear_knee_height_ratio and not (
        rear_knee_gap(body, o).value > s.max_rear_knee_gap_ratio
    )
    return Match.YES if knee_down == kneeling else Match.NO


# (front shin, trunk, hip extension or None for the preset's) -> a lunge with the left leg in front
LungePose = Callable[[float, float, float | None], "Pose"]


def lunge_examples(pose: LungePose, s: Settings) -> dict[str, tuple[Pose, Pose]]:
    """Poses a few units inside and outside the limits of the three shared lunge checks."""
    shin, trunk, hip = s.max_shin_tilt_deg, s.max_trunk_tilt_deg, s.min_hip_extension_deg
    return {
        "front_knee_over_ankle": (pose(shin - 3, 0.0, None), pose(shin + 3, 0.0, None)),
        "trunk_upright": (pose(0.0, trunk - 3, None), pose(0.0, trunk + 3, None)),
        "hip_extension": (pose(0.0, 0.0, hip + 4), pose(0.0, 0.0, hip - 4)),
    }
