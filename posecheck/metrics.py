"""Shared body geometry on a `Pose`: `Body`, `Orientation`, segment lengths and the measures
more than one exercise uses.  Each exercise's own measures live in its module
(`posecheck.exercises`); the conventions below hold for them too.

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

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np

from posecheck import geometry as geo
from posecheck import sagittal, silhouette
from posecheck.config import Settings
from posecheck.landmarks import SIDES, BodyPart, Landmark, Pose, Side, other_side, sided
from posecheck.results import View

NAN = float("nan")
L = Landmark
TORSO_PARTS: tuple[BodyPart, ...] = ("shoulder", "hip", "knee", "ankle")


@dataclass(frozen=True)
class Measure:
    """A measured value (NaN when not measurable) and the landmarks it was taken from.

    ``cue``: when not measurable, the message key saying why (default ``not_visible``).
    ``drawn``: pixel points of a measure taken on the silhouette rather than between
    landmarks, for the overlay (`posecheck.results.CheckResult.drawn`).
    """

    value: float
    points: tuple[Landmark, ...] = ()
    cue: str | None = None
    drawn: tuple[tuple[float, float], ...] = ()

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
        view: "side" or "front" (None when the trunk is not visible).  From the camera's yaw
            when the world landmarks give it (`yaw_deg`), else from ``width_ratio``.
        front: the leg further ahead (for lunges); None when unknown.
        yaw_deg: the camera's angle from side-on, 0-90 (`posecheck.sagittal`); NaN without
            world landmarks.
    """

    facing: int
    near: Side
    width_ratio: float
    view: View | None
    front: Side | None
    yaw_deg: float = NAN


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


def off_body_legs(pose: Pose, settings: Settings) -> tuple[Side, ...]:
    """The legs the model drew where no body is: a seen knee or ankle further than
    ``settings.max_off_body_ratio`` trunk lengths from every pixel of the person's silhouette
    (`Pose.mask`).

    A joint centre lies in the middle of its limb, half a limb's thickness inside the outline;
    further outside than that, it is at least a limb's thickness from the joint.  Side-on, the
    model may draw the far leg of a lunge in the empty space between the legs.  None without a
    mask, with an empty one (it saw nobody), or without a trunk to measure by.
    """
    mask = pose.mask
    if mask is None:  # as in the five bodies undone of yaws beyond the side view
        return ()
    trunk = geo.distance(
        pose.midpoint(L.LEFT_SHOULDER, L.RIGHT_SHOULDER), pose.midpoint(L.LEFT_HIP, L.RIGHT_HIP)
    )
    if not np.isfinite(trunk):
        return ()
    off = tuple(
        side
        for side in SIDES
        if any(
            pose.visibility[lm] >= settings.min_visibility
            and not silhouette.near_body(mask, pose.xy[lm], settings.max_off_body_ratio * trunk)
            for lm in (sided(side, "knee"), sided(side, "ankle"))
        )
    )
    return off if off and (mask >= silhouette.INSIDE).any() else ()


def measuring_points(pose: Pose, settings: Settings) -> np.ndarray:
    """The (33, 2) coordinates the knee, hip-extension, front-shin and chest-lift angles are measured on.

    The image (pixels), undone of the camera's yaw from ``settings.min_foreshortening_yaw_deg`` on
    (`posecheck.sagittal.unforeshortened`, the yaw estimated from the world landmarks).  Below it,
    or without world landmarks, the image as it is.
    """
    return _measuring_view(pose, settings)[0]


def _measuring_view(pose: Pose, settings: Settings) -> tuple[np.ndarray, float, float]:
    """`measuring_points`, the camera's yaw (NaN without world landmarks) and the factor they
    stretch image x by (1 when they are the image as it is)."""
    if pose.world is None:
        return pose.xy, NAN, 1.0
    yaw = sagittal.side_view(pose.world).yaw_deg
    if not yaw >= settings.min_foreshortening_yaw_deg:
        return pose.xy, yaw, 1.0
    capped = min(yaw, settings.max_side_view_yaw_deg)
    stretch = 1.0 / float(np.cos(np.radians(capped))) if 0.0 <= capped < 90.0 else 1.0
    return sagittal.unforeshortened(pose.xy, capped), yaw, stretch


def _oblique_bodies(body: Body) -> list[Body]:
    """The body seen beyond the side view, undone of five yaws across its estimate's uncertainty.

    Each is the pose with the image stretched across by 1 / cos(yaw) for a yaw from the estimate
    minus ``settings.yaw_uncertainty_deg`` to the estimate plus it (`sagittal.unforeshortened`),
    the estimate in the middle: every measure, the trunk's too, then reads the angles a side
    view would show if that were the yaw.  Without the segmentation mask (its pixels are not
    stretched; the legs it showed misplaced stay unseen) and without world landmarks.  Empty
    when the yaw is unknown, when no yaw within the uncertainty is a side view (the estimate
    beyond ``max_side_view_yaw_deg`` plus it), or when the uncertainty reaches 90 degrees (a
    view along the body's left-right axis shows no sagittal angle).
    """
    yaw, spread = body.yaw_deg, body.settings.yaw_uncertainty_deg
    if not (yaw <= body.settings.max_side_view_yaw_deg + spread and yaw + spread < 90.0):
        return []
    pose = body.pose
    yaws = np.clip(np.linspace(yaw - spread, yaw + spread, 5), 0.0, None)
    visibility = pose.visibility.copy()
    visibility[list(body.misplaced)] = 0.0  # the silhouette's verdict on the legs, told without it
    return [
        Body(
            replace(
                pose,
                xy=sagittal.unforeshortened(pose.xy, float(y)),
                visibility=visibility,
                mask=None,
                world=None,
            ),
            body.settings,
        )
        for y in yaws
    ]


class Body:
    """A pose with the settings' visibility threshold applied: visible points or NaN.

    The knee, ankle and foot of a `misplaced_leg` or of an `off_body_legs` leg count as not seen
    (the legs in ``misplaced_legs``, their landmarks in ``misplaced``).
    `sag` gives the same landmarks in the coordinates the knee, hip-extension and shin angles
    are measured on (`measuring_points`); ``yaw_deg`` is the camera's yaw from side-on.
    """

    def __init__(self, pose: Pose, settings: Settings) -> None:
        self.pose = pose
        self.settings = settings
        # `sagittal` and how much it stretches image x (1 when it is the image as it is).
        self.sagittal, self.yaw_deg, self.stretch = _measuring_view(pose, settings)
        # Decided once per pose: the rules ask about single landmarks ~100 times a frame.
        visible = (pose.visibility >= settings.min_visibility) & np.isfinite(pose.xy).all(axis=1)
        short = misplaced_leg(pose, settings.min_leg_segment_ratio)
        off_body = off_body_legs(pose, settings)
        self.misplaced_legs: tuple[Side, ...] = tuple(
            side for side in SIDES if side in off_body or side == short
        )
        self.misplaced: tuple[Landmark, ...] = tuple(
            sided(side, part) for side in self.misplaced_legs for part in LOWER_LEG_PARTS
        )
        visible[list(self.misplaced)] = False
        self._visible: list[bool] = visible.tolist()

    @cached_property
    def oblique(self) -> list[Body]:
        """The body beyond the side view undone of yaws around the estimate (`_oblique_bodies`):
        made once per pose, asked by every side-view check."""
        return _oblique_bodies(self)

    def seen(self, *landmarks: Landmark) -> bool:
        return all(self._visible[lm] for lm in landmarks)

    def point(self, landmark: Landmark) -> np.ndarray:
        return self.pose.xy[landmark] if self._visible[landmark] else np.array([NAN, NAN])

    def seen_points(self, part: BodyPart) -> list[np.ndarray]:
        """The image points of ``part``'s left and right landmark, those that are seen."""
        return [self.pose.xy[lm] for lm in (sided(side, part) for side in SIDES) if self._visible[lm]]

    def sag_vector(self, vector: np.ndarray) -> np.ndarray:
        """An image vector (pixels) in the sagittal-angle coordinates (`measuring_points`), for
        vectors between points that are not landmarks (a floor line found on the silhouette)."""
        return np.array([vector[0] * self.stretch, vector[1]], dtype=np.float64)

    def sag(self, landmark: Landmark) -> np.ndarray:
        """A visible landmark in the sagittal-angle coordinates (`measuring_points`), or NaN."""
        return self.sagittal[landmark] if self._visible[landmark] else np.array([NAN, NAN])

    def side_visibility(self, side: Side) -> float:
        return float(np.mean([self.pose.visibility[sided(side, part)] for part in TORSO_PARTS]))

    def mid(self, part: BodyPart, near: Side, points: np.ndarray | None = None) -> np.ndarray:
        """Midpoint of the left and right landmark, or the near one when the far one is hidden.

        In the image, or in ``points`` (33, 2) such as ``self.sagittal``.
        """
        xy = self.pose.xy if points is None else points
        near_lm, far_lm = sided(near, part), sided(other_side(near), part)
        if self.seen(near_lm, far_lm):
            return (xy[near_lm] + xy[far_lm]) / 2.0
        if self.seen(far_lm):
            return xy[far_lm]
        return xy[near_lm] if self.seen(near_lm) else np.array([NAN, NAN])

    def sag_mid(self, part: BodyPart, near: Side) -> np.ndarray:
        """`mid` in the sagittal-angle coordinates (`measuring_points`)."""
        return self.mid(part, near, self.sagittal)


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
    if np.isfinite(body.yaw_deg) and np.isfinite(trunk):
        view = "side" if body.yaw_deg <= settings.max_side_view_yaw_deg else "front"
    elif np.isfinite(width_ratio):
        view = "side" if width_ratio <= settings.max_side_view_width_ratio else "front"
    lunge_front = _lunge_front_leg(body, hip_mid)
    facing = _facing(body, shoulder_mid, hip_mid, lunge_front)
    front = lunge_front if lunge_front is not None else _leg_ahead(body, facing)
    return Orientation(facing, near, width_ratio, view, front, body.yaw_deg)


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


def face_direction(body: Body) -> int:
    """Which way the face looks in the image: +1 right, -1 left (the nose ahead of the ears),
    0 when the nose or both ears are not seen."""
    ear_xs = [body.point(lm)[0] for lm in (L.LEFT_EAR, L.RIGHT_EAR)]
    ear_xs = [x for x in ear_xs if np.isfinite(x)]
    nose = body.point(L.NOSE)
    if not ear_xs or not np.isfinite(nose[0]):
        return 0
    return int(np.sign(nose[0] - float(np.mean(ear_xs))))


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
    votes = 2.0 * face_direction(body)
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


def thigh_length(body: Body) -> float:
    lengths = [
        geo.distance(body.point(sided(side, "hip")), body.point(sided(side, "knee")))
        for side in ("left", "right")
    ]
    known = [v for v in lengths if np.isfinite(v)]
    return max(known) if known else NAN


def leg_drop(body: Body, o: Orientation) -> float:
    """How far the lowest seen leg point (knee, ankle, heel, toe) lies below the hips, in thigh
    lengths (NaN: none seen).  Standing legs reach about two thigh lengths down; lying, the
    legs stay near the height of the hips, whatever the trunk does."""
    hip = body.mid("hip", o.near)
    ys = [
        body.point(sided(side, part))[1] for side in SIDES for part in ("knee", "ankle", "heel", "foot_index")
    ]
    ys = [y for y in ys if np.isfinite(y)]
    return geo.ratio(max(ys) - hip[1], thigh_length(body)) if ys else NAN


def hips_low(body: Body, o: Orientation) -> bool:
    """No leg point far below the hips (`leg_drop` within ``max_lying_hip_drop_ratio``): lying,
    the hips are near the floor.  The one boundary between lying and standing: a tree pose's
    raised leg may lie flat, but its standing leg reaches far down; a deep cobra's trunk may
    stand upright, but its legs stay at hip height.  False when no leg point is seen."""
    return bool(leg_drop(body, o) <= body.settings.max_lying_hip_drop_ratio)


def legs_stand(body: Body, o: Orientation) -> bool:
    """A seen leg point reaches below the hips past the same boundary (`hips_low`'s other
    side): the legs carry the body.  False when no leg point is seen, so neither holds."""
    return bool(leg_drop(body, o) > body.settings.max_lying_hip_drop_ratio)


def leg_length(body: Body, side: Side, sagittal: bool = False) -> float:
    """Hip -> knee -> ankle of ``side``, in the image or (``sagittal``) in `measuring_points`."""
    at = body.sag if sagittal else body.point
    hip, knee, ankle = (at(sided(side, part)) for part in ("hip", "knee", "ankle"))
    return geo.distance(hip, knee) + geo.distance(knee, ankle)


# --- shared by the recognition of several exercises ----------------------------------------


def trunk_from_vertical(body: Body, o: Orientation) -> float:
    """Trunk (hip-mid -> shoulder-mid) angle from vertical, unsigned, degrees."""
    hip, shoulder = body.mid("hip", o.near), body.mid("shoulder", o.near)
    return abs(geo.tilt_from_vertical(hip, shoulder, 1))


def stance_ratio(body: Body, sagittal: bool = False) -> float:
    """Horizontal distance between the ankles, in leg lengths (the longer leg seen).

    In the image, or (``sagittal``) each ankle from its own hip in `measuring_points`: a leg
    moves in its own sagittal plane, so its hip -> ankle vector is undone of the camera's yaw
    (`posecheck.sagittal`), while the two legs' planes lie a hip width apart, which a camera
    off side-on shows as a sideways offset between the ankles that adds to or takes from the
    step.  Measured from each leg's hip, that offset cancels.  A hip not seen borrows the
    other's (the offset then stays, as in the image).
    """
    if sagittal:
        hips = [body.sag(sided(side, "hip")) for side in SIDES]
        hips = [hip if np.isfinite(hip).all() else other for hip, other in zip(hips, hips[::-1], strict=True)]
        ankles = [body.sag(sided(side, "ankle")) - hip for side, hip in zip(SIDES, hips, strict=True)]
    else:
        ankles = [body.point(sided(side, "ankle")) for side in SIDES]
    legs = [leg_length(body, side, sagittal) for side in SIDES]
    known_lengths = [v for v in legs if np.isfinite(v)]
    return geo.ratio(abs(ankles[0][0] - ankles[1][0]), max(known_lengths)) if known_lengths else float("nan")
