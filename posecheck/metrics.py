"""Measurements on a `Pose`: the numbers the checks judge.

Conventions (image pixels, x right, y down; degrees):

* ``facing`` is +1 when the person's front points to image-right, -1 to image-left.
  "Ahead" and "forward" below mean in the facing direction.
* Segment tilts are measured from the image vertical with `geometry.tilt_from_vertical`:
  0 = vertical, positive = the upper end is ahead of the lower end.
* ``near`` is the body side turned to the camera (its landmarks are the most visible);
  in a side view the far side is often hidden, so single-side measurements use the near side.
* Lengths are divided by a body segment (shin, thigh, leg, trunk, upper arm) so the numbers
  do not depend on the person's size or distance to the camera.
* A measurement whose landmarks are not visible enough is NaN; the rule turns NaN into
  ``unknown``.  Nothing here raises on bad numbers.

Each measurement returns a `Measure`: the value plus the landmarks it used, so the overlay
can draw it where it was taken.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from posecheck import geometry as geo
from posecheck.config import Settings
from posecheck.landmarks import SIDES, BodyPart, Landmark, Pose, Side, other_side, sided
from posecheck.results import View

NAN = float("nan")
L = Landmark
TORSO_PARTS: tuple[BodyPart, ...] = ("shoulder", "hip", "knee", "ankle")


@dataclass(frozen=True)
class Measure:
    """A measured value (NaN when not measurable) and the landmarks it was taken from."""

    value: float
    points: tuple[Landmark, ...] = ()

    @property
    def known(self) -> bool:
        return bool(np.isfinite(self.value))


UNKNOWN = Measure(NAN)


@dataclass(frozen=True)
class Orientation:
    """How the body is turned and placed in the image.

    Attributes:
        facing: +1 front points image-right, -1 image-left, 0 unknown.
        near: the side turned to the camera.
        width_ratio: shoulder/hip width in the image divided by trunk length (~0 side-on, ~0.6 front).
        view: "side" or "front" (None when the trunk is not visible).
        front: the leg further ahead (for lunges); None when unknown.
    """

    facing: int
    near: Side
    width_ratio: float
    view: View | None
    front: Side | None


LOWER_LEG_PARTS: tuple[BodyPart, ...] = ("knee", "ankle", "heel", "foot_index")


def misplaced_leg(pose: Pose, min_segment_ratio: float) -> Side | None:
    """The leg the model drew where no leg is, told by its proportions; None when both fit.

    Lying down, the model may fold the far leg up beside the hips: its thigh and shin then
    come out a third as long as the other leg's.  A leg pointing at the camera looks short
    too, but in one segment only (the thigh of a front knee, the shin of a rear one).
    """
    thighs = [geo.distance(pose[sided(side, "hip")], pose[sided(side, "knee")]) for side in SIDES]
    shins = [geo.distance(pose[sided(side, "knee")], pose[sided(side, "ankle")]) for side in SIDES]
    for short, long in ((0, 1), (1, 0)):
        if (
            thighs[short] < min_segment_ratio * thighs[long]
            and shins[short] < min_segment_ratio * shins[long]
        ):
            return SIDES[short]
    return None


class Body:
    """A pose with the settings' visibility threshold applied: visible points or NaN.

    The knee, ankle and foot of a `misplaced_leg` count as not seen (listed in ``misplaced``).
    """

    def __init__(self, pose: Pose, settings: Settings) -> None:
        self.pose = pose
        self.settings = settings
        # Decided once per pose: the rules ask about single landmarks ~100 times a frame.
        visible = (pose.visibility >= settings.min_visibility) & np.isfinite(pose.xy).all(axis=1)
        side = misplaced_leg(pose, settings.min_leg_segment_ratio)
        self.misplaced: tuple[Landmark, ...] = (
            tuple(sided(side, part) for part in LOWER_LEG_PARTS) if side is not None else ()
        )
        visible[list(self.misplaced)] = False
        self._visible: list[bool] = visible.tolist()

    def seen(self, *landmarks: Landmark) -> bool:
        return all(self._visible[lm] for lm in landmarks)

    def point(self, landmark: Landmark) -> np.ndarray:
        return self.pose.xy[landmark] if self._visible[landmark] else np.array([NAN, NAN])

    def side_visibility(self, side: Side) -> float:
        return float(np.mean([self.pose.visibility[sided(side, part)] for part in TORSO_PARTS]))

    def mid(self, part: BodyPart, near: Side) -> np.ndarray:
        """Midpoint of the left and right landmark, or the near one when the far one is hidden."""
        near_lm, far_lm = sided(near, part), sided(other_side(near), part)
        if self.seen(near_lm, far_lm):
            return self.pose.midpoint(near_lm, far_lm)
        if self.seen(far_lm) and not self.seen(near_lm):
            return self.pose[far_lm]
        return self.point(near_lm)


def orientation(body: Body, settings: Settings) -> Orientation:
    near: Side = "left" if body.side_visibility("left") >= body.side_visibility("right") else "right"
    shoulder_mid, hip_mid = body.mid("shoulder", near), body.mid("hip", near)
    trunk = geo.distance(shoulder_mid, hip_mid)
    widths = [
        geo.distance(body.point(sided("left", part)), body.point(sided("right", part)))
        for part in ("shoulder", "hip")
    ]
    known_widths = [w for w in widths if np.isfinite(w)]
    width_ratio = geo.ratio(float(np.mean(known_widths)), trunk) if known_widths else NAN
    view: View | None = None
    if np.isfinite(width_ratio):
        view = "side" if width_ratio <= settings.max_side_view_width_ratio else "front"
    lunge_front = _lunge_front_leg(body, hip_mid)
    facing = _facing(body, shoulder_mid, hip_mid, lunge_front)
    front = lunge_front if lunge_front is not None else _leg_ahead(body, facing)
    return Orientation(facing, near, width_ratio, view, front)


def _lunge_front_leg(body: Body, hip_mid: np.ndarray) -> Side | None:
    """In a lunge the knees are on either side of the hips; the front leg's knee is above or
    ahead of its ankle, while the rear ankle lies further back than the rear knee."""
    scores = {}
    knees_x = []
    for side in SIDES:
        knee, ankle = body.point(sided(side, "knee")), body.point(sided(side, "ankle"))
        if not (np.isfinite(knee).all() and np.isfinite(ankle).all() and np.isfinite(hip_mid).all()):
            return None
        knees_x.append(knee[0] - hip_mid[0])
        scores[side] = abs(knee[0] - hip_mid[0]) - abs(ankle[0] - hip_mid[0])
    thigh = thigh_length(body)
    if knees_x[0] * knees_x[1] >= 0 or abs(knees_x[0] - knees_x[1]) < 0.5 * thigh:
        return None  # knees on the same side of the hips: not a lunge shape
    return "left" if scores["left"] > scores["right"] else "right"


def _facing(body: Body, shoulder: np.ndarray, hip: np.ndarray, lunge_front: Side | None) -> int:
    """Which way the person's front points in the image (+1 right, -1 left, 0 unknown).

    In a lunge the front knee leads; lying down the head does; otherwise the nose is ahead of
    the ears and the toes ahead of the heels.  (In a backbend the face points up, so the face
    alone misleads in lunges.)
    """
    if np.isfinite(shoulder).all() and np.isfinite(hip).all():
        # The lunge comes first: a deep lunge's rear leg lies almost flat, and in a backbend
        # the shoulders are behind the hips.
        if lunge_front is not None:
            return int(np.sign(body.point(sided(lunge_front, "knee"))[0] - hip[0]))
        if legs_lying(body, max_deg=30.0):
            return int(np.sign(shoulder[0] - hip[0]))
    votes = 0.0
    ear_xs = [body.point(lm)[0] for lm in (L.LEFT_EAR, L.RIGHT_EAR)]
    ear_xs = [x for x in ear_xs if np.isfinite(x)]
    nose = body.point(L.NOSE)
    if ear_xs and np.isfinite(nose[0]):
        votes += 2.0 * np.sign(nose[0] - float(np.mean(ear_xs)))
    for side in SIDES:
        heel, toe = body.point(sided(side, "heel")), body.point(sided(side, "foot_index"))
        if np.isfinite(heel[0]) and np.isfinite(toe[0]):
            votes += np.sign(toe[0] - heel[0])
    return int(np.sign(votes))


def leg_lies_flat(body: Body, side: Side, max_deg: float) -> bool:
    """The thigh lies within ``max_deg`` of horizontal, and so does the shin unless the foot is
    raised behind (knees bent up in a press-up).  A squat's shins stand, so it does not lie."""
    hip, knee, ankle = (body.point(sided(side, part)) for part in ("hip", "knee", "ankle"))
    thigh_flat = geo.tilt_from_horizontal(hip, knee) <= max_deg
    shin = geo.tilt_from_horizontal(knee, ankle)
    shin_ok = not np.isfinite(shin) or shin <= max_deg or ankle[1] < knee[1]
    return bool(thigh_flat and shin_ok)


def legs_lying(body: Body, max_deg: float) -> bool:
    """True when at least one leg lies flat (see `leg_lies_flat`)."""
    return any(leg_lies_flat(body, side, max_deg) for side in SIDES)


def _leg_ahead(body: Body, facing: int) -> Side | None:
    """The leg whose ankle (or knee) is further ahead."""
    if facing == 0:
        return None
    for part in ("ankle", "knee"):
        left, right = body.point(sided("left", part)), body.point(sided("right", part))
        if np.isfinite(left[0]) and np.isfinite(right[0]):
            return "left" if facing * (left[0] - right[0]) > 0 else "right"
    return None


# --- lunges ------------------------------------------------------------------------------


def front_shin_tilt(body: Body, o: Orientation) -> Measure:
    """Front shin ankle->knee from vertical; positive = knee ahead of the ankle."""
    if o.front is None:
        return UNKNOWN
    ankle, knee = sided(o.front, "ankle"), sided(o.front, "knee")
    value = geo.tilt_from_vertical(body.point(ankle), body.point(knee), o.facing)
    return Measure(value, (ankle, knee))


def floor_y_under_front_foot(body: Body, front: Side) -> float:
    """Image y of the floor: the lowest visible point of the front foot (it stands flat)."""
    ys = [body.point(sided(front, part))[1] for part in ("heel", "foot_index", "ankle")]
    ys = [y for y in ys if np.isfinite(y)]
    return max(ys) if ys else NAN


def rear_knee_height(body: Body, o: Orientation) -> Measure:
    """Rear knee height above the floor (through the front foot), in rear shin lengths."""
    if o.front is None:
        return UNKNOWN
    rear = other_side(o.front)
    knee, ankle = sided(rear, "knee"), sided(rear, "ankle")
    floor_y = floor_y_under_front_foot(body, o.front)
    shin = geo.distance(body.point(knee), body.point(ankle))
    # The front shin is the steadier length estimate (the rear shin may point at the camera).
    front_shin = geo.distance(body.point(sided(o.front, "knee")), body.point(sided(o.front, "ankle")))
    scale = np.nanmax([shin, front_shin]) if np.isfinite([shin, front_shin]).any() else NAN
    return Measure(geo.ratio(floor_y - body.point(knee)[1], scale), (knee,))


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
    hip, shoulder = body.mid("hip", o.near), body.mid("shoulder", o.near)
    trunk_down = hip - shoulder
    thigh = body.point(knee_lm) - body.point(hip_lm)
    value = o.facing * geo.signed_angle(trunk_down, thigh)
    return Measure(value, (sided(rear, "shoulder"), hip_lm, knee_lm))


def rear_knee_angle(body: Body, o: Orientation) -> Measure:
    """Rear knee angle hip-knee-ankle; 180 = straight."""
    if o.front is None:
        return UNKNOWN
    rear = other_side(o.front)
    points = (sided(rear, "hip"), sided(rear, "knee"), sided(rear, "ankle"))
    return Measure(geo.joint_angle(*(body.point(p) for p in points)), points)


def front_knee_angle(body: Body, o: Orientation) -> Measure:
    """Front knee angle hip-knee-ankle (used to recognise a lunge)."""
    if o.front is None:
        return UNKNOWN
    points = (sided(o.front, "hip"), sided(o.front, "knee"), sided(o.front, "ankle"))
    return Measure(geo.joint_angle(*(body.point(p) for p in points)), points)


# --- prone press-up ----------------------------------------------------------------------


@dataclass(frozen=True)
class FloorLine:
    """The floor in a lying pose: the line through the toes and the hands (both rest on it)."""

    start: np.ndarray  # at the feet
    end: np.ndarray  # at the hands

    def height(self, point: np.ndarray) -> float:
        """Distance of ``point`` above the line (positive = above, i.e. smaller image y)."""
        d = geo.signed_distance_to_line(point, self.start, self.end)
        # signed_distance is positive on the clockwise side; flip so "above" is positive
        # whichever way the line runs.
        return -d if self.end[0] >= self.start[0] else d


def _best(body: Body, part: BodyPart) -> tuple[np.ndarray, Landmark]:
    """The more visible of the left/right landmark."""
    left, right = sided("left", part), sided("right", part)
    lm = left if body.pose.visibility[left] >= body.pose.visibility[right] else right
    return body.point(lm), lm


def floor_line(body: Body) -> FloorLine | None:
    toe, _ = _best(body, "foot_index")
    if not np.isfinite(toe).all():
        toe, _ = _best(body, "ankle")
    wrist, _ = _best(body, "wrist")
    if not (np.isfinite(toe).all() and np.isfinite(wrist).all()) or geo.distance(toe, wrist) < 1:
        return None
    return FloorLine(toe, wrist)


def thigh_length(body: Body) -> float:
    lengths = [
        geo.distance(body.point(sided(side, "hip")), body.point(sided(side, "knee")))
        for side in ("left", "right")
    ]
    known = [v for v in lengths if np.isfinite(v)]
    return max(known) if known else NAN


def chest_lift(body: Body, o: Orientation) -> Measure:
    """Trunk (hip-mid -> shoulder-mid) angle above the floor line (toes to hands), degrees."""
    floor = floor_line(body)
    hip, shoulder = body.mid("hip", o.near), body.mid("shoulder", o.near)
    points = (sided(o.near, "hip"), sided(o.near, "shoulder"))
    # Without feet and hands to find the floor, the image horizontal stands in for it.
    along = floor.end - floor.start if floor is not None else np.array([o.facing or 1.0, 0.0])
    angle = abs(geo.signed_angle(along, shoulder - hip))
    return Measure(angle, points)


def pelvis_height(body: Body, o: Orientation) -> Measure:
    """Hip joint centre above the floor line, in thigh lengths."""
    floor = floor_line(body)
    hip_lm = sided(o.near, "hip")
    if floor is None:
        return Measure(NAN, (hip_lm,))
    return Measure(geo.ratio(floor.height(body.mid("hip", o.near)), thigh_length(body)), (hip_lm,))


def knee_lift(body: Body, o: Orientation) -> Measure:
    """The more visible knee's height above the floor line, in thigh lengths."""
    floor = floor_line(body)
    knee, knee_lm = _best(body, "knee")
    if floor is None:
        return Measure(NAN, (knee_lm,))
    return Measure(geo.ratio(floor.height(knee), thigh_length(body)), (knee_lm,))


# How far (in thigh lengths) from a hand or foot landmark to look for its silhouette.
FLOOR_CONTACT_SEARCH_THIGHS = 0.25


def _silhouette_bottom(mask: np.ndarray, x: float) -> float:
    """Image y of the lowest person pixel in column ``x`` (NaN when the column is empty)."""
    column = round(x)
    if not 0 <= column < mask.shape[1]:
        return NAN
    rows = np.flatnonzero(mask[:, column] >= 0.5)
    return float(rows.max()) if rows.size else NAN


def _floor_contact(mask: np.ndarray, x: float, towards_x: float, reach: float) -> tuple[float, float]:
    """Column and lowest person pixel of the silhouette at a hand or foot at image ``x``.

    The mask often misses a bare foot or hand on a floor of its own colour; then the nearest
    column the mask covers, up to ``reach`` pixels towards the body (``towards_x``), stands in.
    """
    step = 1.0 if towards_x >= x else -1.0
    columns = min(reach, mask.shape[1]) if np.isfinite(reach) else 0.0  # never past the image
    for shift in range(int(columns) + 1):
        bottom = _silhouette_bottom(mask, x + step * shift)
        if np.isfinite(bottom):
            return x + step * shift, bottom
    return x, NAN


def pelvis_gap(body: Body, o: Orientation) -> Measure:
    """Background between the underside of the pelvis/thighs and the floor, in thigh lengths.

    The floor is the line under the silhouette at the toes and at the hands (both rest on
    it).  In each image column between the near hip and knee, the gap is the floor height
    minus the lowest person pixel: ~0 when the thighs lie on the floor; in an upward dog
    the floor shows under them.  Uses the MediaPipe segmentation mask.
    """
    mask = body.pose.mask
    floor = floor_line(body)
    hip_lm, knee_lm = sided(o.near, "hip"), sided(o.near, "knee")
    hip, knee = body.point(hip_lm), body.point(knee_lm)
    if mask is None or floor is None or not (np.isfinite(hip).all() and np.isfinite(knee).all()):
        return Measure(NAN, (hip_lm, knee_lm))
    reach = FLOOR_CONTACT_SEARCH_THIGHS * thigh_length(body)
    foot_x, foot_y = _floor_contact(mask, floor.start[0], floor.end[0], reach)
    hand_x, hand_y = _floor_contact(mask, floor.end[0], floor.start[0], reach)
    if not (np.isfinite(foot_y) and np.isfinite(hand_y)) or abs(hand_x - foot_x) < 1:
        return Measure(NAN, (hip_lm, knee_lm))
    gaps = []
    # From a fifth down the thigh to the knee: at the hip itself the rounded belly lifts the
    # silhouette off the floor line even when the pelvis rests on the floor.
    for t in np.linspace(0.2, 1.0, 9):
        x = hip[0] + t * (knee[0] - hip[0])
        floor_y = foot_y + (x - foot_x) * (hand_y - foot_y) / (hand_x - foot_x)
        bottom = _silhouette_bottom(mask, x)
        if np.isfinite(bottom):
            gaps.append(max(floor_y - bottom, 0.0))
    if not gaps:
        return Measure(NAN, (hip_lm, knee_lm))
    return Measure(geo.ratio(float(np.median(gaps)), thigh_length(body)), (hip_lm, knee_lm))


def elbow_angle(body: Body, o: Orientation) -> Measure:
    """Near elbow angle shoulder-elbow-wrist; 180 = straight arm."""
    points = (sided(o.near, "shoulder"), sided(o.near, "elbow"), sided(o.near, "wrist"))
    return Measure(geo.joint_angle(*(body.point(p) for p in points)), points)


def hand_reach(body: Body, o: Orientation) -> Measure:
    """Wrist ahead of the shoulder (towards the head), in upper-arm lengths."""
    side = o.near
    shoulder_lm, elbow_lm, wrist_lm = sided(side, "shoulder"), sided(side, "elbow"), sided(side, "wrist")
    shoulder, elbow, wrist = body.point(shoulder_lm), body.point(elbow_lm), body.point(wrist_lm)
    upper_arm = geo.distance(shoulder, elbow)
    return Measure(geo.ratio(o.facing * (wrist[0] - shoulder[0]), upper_arm), (shoulder_lm, wrist_lm))


# --- standing posture --------------------------------------------------------------------


def neck_tilt(body: Body, o: Orientation) -> Measure:
    """Near shoulder -> near ear from vertical; positive = ear ahead of the shoulder."""
    shoulder, ear = sided(o.near, "shoulder"), sided(o.near, "ear")
    if not body.seen(ear):  # the far ear is a fine stand-in in a side view
        ear = sided(other_side(o.near), "ear")
    return Measure(geo.tilt_from_vertical(body.point(shoulder), body.point(ear), o.facing), (shoulder, ear))


def leg_length(body: Body, side: Side) -> float:
    hip, knee, ankle = (body.point(sided(side, part)) for part in ("hip", "knee", "ankle"))
    return geo.distance(hip, knee) + geo.distance(knee, ankle)


def plumb_offset(body: Body, o: Orientation) -> Measure:
    """Largest horizontal offset of shoulder or hip from the ankle vertical, in leg lengths.

    Signed: positive = ahead of the ankle.  Standing well the plumb line runs from the ear
    through shoulder and hip to just in front of the ankle.
    """
    side = o.near
    ankle_lm, hip_lm, shoulder_lm = sided(side, "ankle"), sided(side, "hip"), sided(side, "shoulder")
    ankle = body.point(ankle_lm)
    leg = leg_length(body, side)
    offsets = [o.facing * (body.point(lm)[0] - ankle[0]) for lm in (shoulder_lm, hip_lm)]
    if not np.isfinite(offsets).all():
        return Measure(NAN, (ankle_lm, hip_lm, shoulder_lm))
    worst = max(offsets, key=abs)
    return Measure(geo.ratio(worst, leg), (ankle_lm, hip_lm, shoulder_lm))


def knee_hyperextension(body: Body, o: Orientation) -> Measure:
    """How far the near knee bends backwards past straight, degrees (+ = knee behind the hip-ankle line)."""
    side = o.near
    points = (sided(side, "hip"), sided(side, "knee"), sided(side, "ankle"))
    hip, knee, ankle = (body.point(p) for p in points)
    bend = 180.0 - geo.joint_angle(hip, knee, ankle)
    # Which side of the hip->ankle line is the knee on?  Behind = against the facing direction.
    side_of_line = geo.signed_distance_to_line(knee, hip, ankle)
    # hip->ankle points down; the clockwise (positive) side of a downward line is image-left,
    # which is behind a person facing image-right.
    behind = o.facing * np.sign(side_of_line) if np.isfinite(side_of_line) else NAN
    sign = 1.0 if behind > 0 else -1.0
    return Measure(sign * bend if np.isfinite(bend) and np.isfinite(behind) else NAN, points)


def line_tilt(body: Body, part: BodyPart) -> Measure:
    """Tilt of the left-right line of ``part`` (shoulder/hip) from horizontal (front view)."""
    left, right = sided("left", part), sided("right", part)
    return Measure(geo.tilt_from_horizontal(body.point(left), body.point(right)), (left, right))
