"""Forward kinematics of a simple human body, a camera model and the `make_pose` factory.

NumPy only: the rules' unit tests build their poses here, and the mannequin renderer
(`posecheck.synth.render`) draws the same skeleton.

World frame (metres): **X** = the person's forward direction, **Y** = the person's left,
**Z** = up; the floor is ``Z = 0``.  All joint angles act in the sagittal (X-Z) plane
and are given in degrees:

* ``trunk_pitch_deg``: the trunk line hip-centre -> shoulder-centre from vertical;
  + = leaning forward, 90 = trunk horizontal face-down (lying prone), - = leaning back.
* ``neck_pitch_deg``: shoulder-centre -> ear-centre from vertical *in the world*;
  + = head forward.  ``head_pitch_deg``: the face's line of sight below horizontal
  (+ = looking down), so the eyes stay level when the neck leans.
* Legs (`LegAngles`): ``hip_flex_deg`` is the thigh relative to the trunk line continued
  downward (0 = in line, + = thigh forward/flexion, - = behind/extension);
  ``knee_flex_deg`` 0 = straight, + = bent (the shin swings backward relative to the
  thigh), - = hyperextended; ``ankle_deg`` is the foot (heel -> toe) relative to the
  perpendicular of the shin, + = toes up (dorsiflexion), - = pointed.
* Arms (`ArmAngles`): ``shoulder_flex_deg`` relative to the trunk line downward
  (+ = arm forward); ``elbow_flex_deg`` 0 = straight, + = the forearm swings forward;
  ``hand_deg`` the hand relative to the forearm, same sense as the elbow.
* ``pelvis_roll_deg`` / ``shoulder_roll_deg``: frontal-plane tilt of the hip line /
  shoulder line, + = the person's left side higher.

Grounding: by default the body is lowered or raised until its lowest contact point
touches the floor.  Contact points are the soles (heel, toe), knees, ankles (top of the
foot), wrists and finger tips, hips, shoulders and head, each with a clearance (the
thickness of the body between the joint centre and the skin, `BodyShape`).  With
``pelvis_height_m`` set, the hip centre is placed at that height instead.  The hip centre
is always at X = Y = 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Literal

import numpy as np

from posecheck.landmarks import NUM_LANDMARKS, Landmark, Pose, Side

Facing = Literal["right", "left"]
ArmPlacement = Literal["hanging", "knee", "forward"]

L: type[Landmark] = Landmark


# --------------------------------------------------------------------------- shape


@dataclass(frozen=True)
class BodyShape:
    """Segment lengths and body thickness of an adult of about 1.75 m (metres).

    Lengths are between joint centres; ``*_radius`` fields are the half-thickness of the
    mannequin's capsules; ``*_clearance`` fields are the joint-centre-to-skin distances
    used when the body rests on the floor.
    """

    trunk: float = 0.50  # hip centre -> shoulder centre
    neck: float = 0.20  # shoulder centre -> ear centre
    thigh: float = 0.44
    shin: float = 0.43
    upper_arm: float = 0.30
    forearm: float = 0.26
    hand: float = 0.08  # wrist -> finger tips (index/pinky landmarks at ~0.8 of it)
    hip_width: float = 0.26  # between the hip joints
    shoulder_width: float = 0.38  # between the shoulder joints
    ankle_height: float = 0.08  # ankle centre above the sole
    foot: float = 0.24  # heel -> toe tip
    heel_back: float = 0.05  # heel behind the ankle, along the foot
    # mannequin radii
    head_radii: tuple[float, float, float] = (0.105, 0.08, 0.115)  # forward, lateral, up
    neck_radius: float = 0.055
    chest_radii: tuple[float, float, float] = (0.11, 0.17, 0.20)  # forward, lateral, along trunk
    waist_radii: tuple[float, float, float] = (0.10, 0.145, 0.14)
    pelvis_radii: tuple[float, float, float] = (0.11, 0.18, 0.12)
    thigh_radius: float = 0.075
    knee_radius: float = 0.052
    shin_radius: float = 0.048
    ankle_radius: float = 0.035
    upper_arm_radius: float = 0.045
    forearm_radius: float = 0.036
    wrist_radius: float = 0.028
    hand_radius: float = 0.024
    foot_radius: float = 0.035
    # floor contact
    knee_clearance: float = 0.05
    ankle_clearance: float = 0.045  # top of the foot when it lies flat, sole up
    hip_clearance: float = 0.11  # front of the pelvis when lying prone
    shoulder_clearance: float = 0.08
    wrist_clearance: float = 0.035
    finger_clearance: float = 0.015
    head_clearance: float = 0.09  # from the ear centre


DEFAULT_SHAPE = BodyShape()
# The waist's centre above the hip centre, in trunk lengths (the lumbar spine, L3 or so).
WAIST_HEIGHT = 0.4


# --------------------------------------------------------------------------- angles


@dataclass(frozen=True)
class LegAngles:
    """One leg, degrees; conventions in the module docstring."""

    hip_flex_deg: float = 0.0
    knee_flex_deg: float = 0.0
    ankle_deg: float = 0.0


@dataclass(frozen=True)
class ArmAngles:
    """One arm, degrees; conventions in the module docstring."""

    shoulder_flex_deg: float = 0.0
    elbow_flex_deg: float = 0.0
    hand_deg: float = 0.0


@dataclass(frozen=True)
class BodyAngles:
    """A whole-body posture; see the module docstring for every convention.

    ``pelvis_height_m`` None means "the lowest contact point touches the floor"; a number
    places the hip centre at that height above the floor.  ``lumbar_hollow_m`` draws the
    lower back in: the mannequin's waist moves this far forward (a hollow back; the belly
    goes forward with it).  It changes no landmark, only the body's outline.
    """

    trunk_pitch_deg: float = 0.0
    neck_pitch_deg: float = 0.0
    head_pitch_deg: float = 0.0
    left_leg: LegAngles = field(default_factory=LegAngles)
    right_leg: LegAngles = field(default_factory=LegAngles)
    left_arm: ArmAngles = field(default_factory=ArmAngles)
    right_arm: ArmAngles = field(default_factory=ArmAngles)
    pelvis_roll_deg: float = 0.0
    shoulder_roll_deg: float = 0.0
    pelvis_height_m: float | None = None
    lumbar_hollow_m: float = 0.0

    def leg(self, side: Side) -> LegAngles:
        return self.left_leg if side == "left" else self.right_leg

    def arm(self, side: Side) -> ArmAngles:
        return self.left_arm if side == "left" else self.right_arm

    def to_dict(self) -> dict[str, object]:
        """Plain JSON-ready dict (used by the sample sidecars)."""
        from dataclasses import asdict

        return asdict(self)


# --------------------------------------------------------------------------- kinematics


def _wrap(deg: float) -> float:
    """Angle wrapped to (-180, 180]."""
    wrapped = (deg + 180.0) % 360.0 - 180.0
    return 180.0 if wrapped == -180.0 else wrapped


def _sag(alpha_deg: float) -> np.ndarray:
    """Unit vector in the sagittal plane at ``alpha`` from forward (+X) towards up (+Z)."""
    a = math.radians(alpha_deg)
    return np.array([math.cos(a), 0.0, math.sin(a)])


def _alpha(v: np.ndarray) -> float:
    """Sagittal angle of a vector (its X and Z components), degrees."""
    return math.degrees(math.atan2(float(v[2]), float(v[0])))


@dataclass(frozen=True, eq=False)
class Skeleton:
    """3D result of forward kinematics.

    Attributes:
        points: (33, 3) world positions of the BlazePose landmarks (metres).
        joints: extra named points and unit vectors the renderer needs, e.g.
            ``hip_centre``, ``shoulder_centre``, ``ear_centre``, ``head_centre``,
            ``trunk_dir``, ``pelvis_lateral``, ``shoulder_lateral``, ``face_forward``,
            ``face_up``, ``left_hand_end``, ``left_foot_dir``, ``left_sole_normal`` ...
    """

    points: np.ndarray
    joints: dict[str, np.ndarray]


def _raw_skeleton(angles: BodyAngles, shape: BodyShape) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Skeleton with the hip centre at the origin, plus (point, clearance) contacts."""
    pts = np.zeros((NUM_LANDMARKS, 3))
    j: dict[str, np.ndarray] = {}
    y_axis = np.array([0.0, 1.0, 0.0])

    alpha_trunk = 90.0 - angles.trunk_pitch_deg
    trunk_dir = _sag(alpha_trunk)
    hip_c = np.zeros(3)
    sh_c = hip_c + shape.trunk * trunk_dir
    j["hip_centre"], j["shoulder_centre"], j["trunk_dir"] = hip_c, sh_c, trunk_dir
    j["body_front"] = _sag(alpha_trunk - 90.0)
    # The lumbar part of the trunk (the mannequin's waist), drawn in by a hollow back.
    j["waist_centre"] = (
        hip_c + WAIST_HEIGHT * shape.trunk * trunk_dir + angles.lumbar_hollow_m * j["body_front"]
    )

    def lateral(roll_deg: float) -> np.ndarray:
        r = math.radians(roll_deg)
        return math.cos(r) * y_axis + math.sin(r) * trunk_dir

    pel_lat, sh_lat = lateral(angles.pelvis_roll_deg), lateral(angles.shoulder_roll_deg)
    j["pelvis_lateral"], j["shoulder_lateral"] = pel_lat, sh_lat

    for side, sign in (("left", 1.0), ("right", -1.0)):
        prefix = side.upper()
        # leg
        leg = angles.leg(side)  # type: ignore[arg-type]
        hip = hip_c + sign * shape.hip_width / 2 * pel_lat
        a_thigh = alpha_trunk - 180.0 + leg.hip_flex_deg
        knee = hip + shape.thigh * _sag(a_thigh)
        a_shin = a_thigh - leg.knee_flex_deg
        ankle = knee + shape.shin * _sag(a_shin)
        a_foot = a_shin + 90.0 + leg.ankle_deg
        foot_dir = _sag(a_foot)
        sole_n = _sag(a_foot - 90.0)  # from the ankle towards the sole
        heel = ankle + shape.ankle_height * sole_n - shape.heel_back * foot_dir
        toe = heel + shape.foot * foot_dir
        pts[L[f"{prefix}_HIP"]], pts[L[f"{prefix}_KNEE"]], pts[L[f"{prefix}_ANKLE"]] = hip, knee, ankle
        pts[L[f"{prefix}_HEEL"]], pts[L[f"{prefix}_FOOT_INDEX"]] = heel, toe
        j[f"{side}_foot_dir"], j[f"{side}_sole_normal"] = foot_dir, sole_n
        # arm
        arm = angles.arm(side)  # type: ignore[arg-type]
        shoulder = sh_c + sign * shape.shoulder_width / 2 * sh_lat
        a_upper = alpha_trunk - 180.0 + arm.shoulder_flex_deg
        elbow = shoulder + shape.upper_arm * _sag(a_upper)
        a_fore = a_upper + arm.elbow_flex_deg
        wrist = elbow + shape.forearm * _sag(a_fore)
        a_hand = a_fore + arm.hand_deg
        hand_dir, hand_front = _sag(a_hand), _sag(a_hand + 90.0)
        hand_end = wrist + shape.hand * hand_dir
        outward = sign * y_axis
        pts[L[f"{prefix}_SHOULDER"]], pts[L[f"{prefix}_ELBOW"]], pts[L[f"{prefix}_WRIST"]] = (
            shoulder,
            elbow,
            wrist,
        )
        pts[L[f"{prefix}_INDEX"]] = wrist + 0.85 * shape.hand * hand_dir + 0.02 * hand_front
        pts[L[f"{prefix}_PINKY"]] = wrist + 0.75 * shape.hand * hand_dir - 0.02 * hand_front
        pts[L[f"{prefix}_THUMB"]] = wrist + 0.45 * shape.hand * hand_dir + 0.035 * hand_front - 0.01 * outward
        j[f"{side}_hand_end"], j[f"{side}_hand_dir"] = hand_end, hand_dir

    # head: ear centre on the neck line, face frame from head_pitch (eyes level at 0)
    a_neck = 90.0 - angles.neck_pitch_deg
    ear_c = sh_c + shape.neck * _sag(a_neck)
    fwd = _sag(-angles.head_pitch_deg)
    up = _sag(90.0 - angles.head_pitch_deg)
    left = y_axis
    j["ear_centre"], j["face_forward"], j["face_up"], j["neck_dir"] = ear_c, fwd, up, _sag(a_neck)
    j["head_centre"] = ear_c - 0.01 * fwd + 0.035 * up

    def face(f: float, u: float, lat: float) -> np.ndarray:
        return ear_c + f * fwd + u * up + lat * left

    pts[L.NOSE] = face(0.115, -0.01, 0.0)
    for side, s in (("LEFT", 1.0), ("RIGHT", -1.0)):
        pts[L[f"{side}_EYE_INNER"]] = face(0.092, 0.025, s * 0.017)
        pts[L[f"{side}_EYE"]] = face(0.088, 0.027, s * 0.032)
        pts[L[f"{side}_EYE_OUTER"]] = face(0.080, 0.027, s * 0.047)
        pts[L[f"{side}_EAR"]] = face(0.0, 0.0, s * 0.075)
        pts[L[f"MOUTH_{side}"]] = face(0.095, -0.045, s * 0.024)
    return pts, j


def _contacts(pts: np.ndarray, joints: dict[str, np.ndarray], shape: BodyShape) -> np.ndarray:
    """Lowest skin height above the joint centres: min over contacts of z - clearance."""
    heights = []
    for side in ("LEFT", "RIGHT"):
        heights += [
            pts[L[f"{side}_HEEL"], 2],
            pts[L[f"{side}_FOOT_INDEX"], 2],
            pts[L[f"{side}_KNEE"], 2] - shape.knee_clearance,
            pts[L[f"{side}_ANKLE"], 2] - shape.ankle_clearance,
            pts[L[f"{side}_WRIST"], 2] - shape.wrist_clearance,
            pts[L[f"{side}_INDEX"], 2] - shape.finger_clearance,
            pts[L[f"{side}_PINKY"], 2] - shape.finger_clearance,
            pts[L[f"{side}_HIP"], 2] - shape.hip_clearance,
            pts[L[f"{side}_SHOULDER"], 2] - shape.shoulder_clearance,
        ]
    heights.append(joints["ear_centre"][2] - shape.head_clearance)
    return np.array(heights)


def skeleton(angles: BodyAngles, shape: BodyShape = BodyShape()) -> Skeleton:
    """Forward kinematics with grounding applied; see the module docstring."""
    pts, joints = _raw_skeleton(angles, shape)
    if angles.pelvis_height_m is not None:
        lift = float(angles.pelvis_height_m)
    else:
        lift = -float(_contacts(pts, joints, shape).min())
    offset = np.array([0.0, 0.0, lift])
    pts = pts + offset
    moved = {
        k: (v + offset if not k.endswith(("_dir", "_normal", "_lateral", "_front", "_forward", "_up")) else v)
        for k, v in joints.items()
    }
    return Skeleton(points=pts, joints=moved)


def forward_kinematics(angles: BodyAngles, shape: BodyShape = BodyShape()) -> np.ndarray:
    """(33, 3) world positions (metres) of the BlazePose landmarks for ``angles``."""
    return skeleton(angles, shape).points


# --------------------------------------------------------------------------- camera


@dataclass(frozen=True)
class Camera:
    """A pinhole (or orthographic) camera aimed automatically at the body.

    Attributes:
        yaw_deg: where the camera stands around the person.  0 = exact side view on the
            person's right side, the person facing image-right; 180 = side view from the
            left side, facing image-left; 0..60 (or 180..120) move it towards a front view.
        height_m: camera height above the floor.
        distance_m: horizontal distance from the aim point (the centre of the body's
            bounding box).
        image_size: (width, height) in pixels.
        hfov_deg: horizontal field of view; sets the focal length unless ``focal_px``.
        focal_px: focal length in pixels (overrides ``hfov_deg``).
        orthographic: exact parallel projection along the horizontal viewing direction
            (ignores height and distance); the body is scaled to ``fill`` of the image.
        fill: orthographic only: fraction of the image the body's extent fills.
        target: world point to aim at; None = the centre of the body's bounding box.
        roll_deg: the camera turned about its viewing axis (not held level); + = the picture
            turns counterclockwise, as ``cv2.getRotationMatrix2D`` with a positive angle.
    """

    yaw_deg: float = 0.0
    height_m: float = 0.8
    distance_m: float = 3.5
    image_size: tuple[int, int] = (640, 480)
    hfov_deg: float = 60.0
    focal_px: float | None = None
    orthographic: bool = False
    fill: float = 0.7
    target: tuple[float, float, float] | None = None
    roll_deg: float = 0.0

    @property
    def focal(self) -> float:
        if self.focal_px is not None:
            return float(self.focal_px)
        return self.image_size[0] / 2 / math.tan(math.radians(self.hfov_deg) / 2)

    def to_dict(self) -> dict[str, object]:
        from dataclasses import asdict

        return asdict(self)


@dataclass(frozen=True, eq=False)
class ResolvedCamera:
    """A camera placed in the world.

    ``rotation`` rows are the camera's right, down and forward axes in world coordinates;
    a world point p maps to camera coordinates ``rotation @ (p - position)``.  Perspective:
    pixel = focal * (x, y) / z + principal point.  Orthographic: pixel = scale * (x, y) +
    offset (``scale`` px per metre).
    """

    position: np.ndarray
    rotation: np.ndarray
    image_size: tuple[int, int]
    focal: float
    principal: np.ndarray
    orthographic: bool
    scale: float = 1.0

    def to_camera(self, points: np.ndarray) -> np.ndarray:
        return (np.asarray(points, dtype=np.float64) - self.position) @ self.rotation.T

    def project(self, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """World points (N, 3) -> (pixels (N, 2), depth along the view axis in metres (N,))."""
        cam = self.to_camera(points)
        depth = cam[:, 2]
        if self.orthographic:
            xy = cam[:, :2] * self.scale + self.principal
        else:
            with np.errstate(divide="ignore", invalid="ignore"):
                xy = self.focal * cam[:, :2] / depth[:, None] + self.principal
        return xy, depth


def _bbox_centre(points: np.ndarray) -> np.ndarray:
    finite = points[np.isfinite(points).all(axis=1)]
    return (finite.min(axis=0) + finite.max(axis=0)) / 2


def resolve_camera(camera: Camera, body_points: np.ndarray) -> ResolvedCamera:
    """Place ``camera`` in the world, aimed at ``body_points`` (N, 3)."""
    body_points = np.asarray(body_points, dtype=np.float64)
    target = np.asarray(camera.target, dtype=np.float64) if camera.target else _bbox_centre(body_points)
    yaw = math.radians(camera.yaw_deg)
    away = np.array([math.sin(yaw), -math.cos(yaw), 0.0])  # from the target towards the camera
    up = np.array([0.0, 0.0, 1.0])
    w, h = camera.image_size
    centre = np.array([w / 2, h / 2])
    if camera.orthographic:
        forward = -away
        right = np.cross(forward, up)
        down = np.cross(forward, right)
        rotation = _rolled(np.stack([right, down, forward]), camera.roll_deg)
        position = target + camera.distance_m * away
        cam = (body_points - position) @ rotation.T
        extent = cam[:, :2].max(axis=0) - cam[:, :2].min(axis=0)
        scale = camera.fill / max(extent[0] / w, extent[1] / h, 1e-9)
        mid = (cam[:, :2].max(axis=0) + cam[:, :2].min(axis=0)) / 2
        principal = centre - scale * mid
        return ResolvedCamera(position, rotation, (w, h), camera.focal, principal, True, scale)
    position = np.array([target[0], target[1], 0.0]) + camera.distance_m * away
    position[2] = camera.height_m
    forward = target - position
    forward /= np.linalg.norm(forward)
    right = np.cross(forward, up)
    right /= np.linalg.norm(right)
    down = np.cross(forward, right)
    rotation = _rolled(np.stack([right, down, forward]), camera.roll_deg)
    return ResolvedCamera(position, rotation, (w, h), camera.focal, centre, False)


def _rolled(rotation: np.ndarray, roll_deg: float) -> np.ndarray:
    """The camera axes (rows right, down, forward) turned about the forward axis by ``roll_deg``:
    pixel offsets (x, y) from the centre become (x cos r + y sin r, -x sin r + y cos r), the
    picture turned counterclockwise by r (y points down)."""
    if roll_deg == 0.0:
        return rotation
    r = math.radians(roll_deg)
    right, down, forward = rotation
    return np.stack(
        [math.cos(r) * right + math.sin(r) * down, -math.sin(r) * right + math.cos(r) * down, forward]
    )


def project(
    points_world: np.ndarray, camera: Camera, aim_points: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Project world points (N, 3) -> (pixels (N, 2), depth in metres (N,)).

    The camera aims at ``aim_points`` (default: the projected points themselves).
    Depth is the distance along the viewing axis: smaller = closer to the camera.
    """
    pts = np.asarray(points_world, dtype=np.float64)
    resolved = resolve_camera(camera, pts if aim_points is None else aim_points)
    return resolved.project(pts)


def aim_points(sk: Skeleton) -> np.ndarray:
    """Points the camera frames: the landmarks plus the top of the head and the floor."""
    top = sk.joints["head_centre"] + 0.12 * sk.joints["face_up"]
    return np.vstack([sk.points, top[None, :]])


# --------------------------------------------------------------------------- make_pose


def make_pose(
    angles: BodyAngles | None = None,
    *,
    facing: Facing = "right",
    camera: Camera | None = None,
    image_size: tuple[int, int] | None = None,
    visibility: float | dict[Landmark, float] = 1.0,
    missing: tuple[Landmark, ...] = (),
    timestamp_s: float = 0.0,
    shape: BodyShape = BodyShape(),
) -> Pose:
    """A `Pose` in pixels from joint angles: the factory for unit tests.

    Args:
        angles: the posture (default: standing straight, arms hanging).
        facing: "right" = the person faces image-right; "left" mirrors the view by moving
            the camera to the other side (``camera.yaw_deg`` becomes ``180 - yaw``), so the
            person's left side is nearest the camera.
        camera: default is an exact orthographic side view with the body filling 70% of
            the image, centred.
        image_size: (width, height); default the camera's (640 x 480).
        visibility: one value for all landmarks, or per landmark (others get 1.0).
        missing: landmarks set to NaN with visibility 0.
        timestamp_s: the pose's timestamp.
        shape: body dimensions.

    ``Pose.world`` is the skeleton in metres relative to the hip centre, in the camera's axes (x right, y down,
    z away from the camera), like MediaPipe's world landmarks.
    """
    angles = angles if angles is not None else BodyAngles()
    cam = camera if camera is not None else Camera(orthographic=True)
    if image_size is not None:
        cam = replace(cam, image_size=image_size)
    if facing == "left":
        cam = replace(cam, yaw_deg=180.0 - cam.yaw_deg)
    sk = skeleton(angles, shape)
    resolved = resolve_camera(cam, aim_points(sk))
    xy, _ = resolved.project(sk.points)
    world = resolved.to_camera(sk.points) - resolved.to_camera(sk.joints["hip_centre"][None, :])
    if isinstance(visibility, dict):
        vis = np.ones(NUM_LANDMARKS)
        for lm, value in visibility.items():
            vis[lm] = value
    else:
        vis = np.full(NUM_LANDMARKS, float(visibility))
    for lm in missing:
        xy[lm] = np.nan
        vis[lm] = 0.0
        world[lm] = np.nan
    return Pose(xy=xy, visibility=vis, image_size=cam.image_size, timestamp_s=timestamp_s, world=world)


# --------------------------------------------------------------------------- presets


def _two_link(root: np.ndarray, target: np.ndarray, a: float, b: float, bend: float) -> tuple[float, float]:
    """Sagittal angles of two links root -> joint -> target; ``bend`` +1 puts the joint on the
    counter-clockwise side (seen with X right, Z up), -1 clockwise.  Raises if out of reach."""
    d_vec = np.asarray(target, dtype=float) - np.asarray(root, dtype=float)
    d = math.hypot(d_vec[0], d_vec[2])
    if d > a + b + 1e-9 or d < abs(a - b) - 1e-9:
        raise ValueError(f"target at {d:.3f} m is out of reach of links {a:.2f} + {b:.2f} m")
    cos_a = max(-1.0, min(1.0, (a * a + d * d - b * b) / (2 * a * d)))
    a1 = _alpha(d_vec) + bend * math.degrees(math.acos(cos_a))
    joint = np.asarray(root, dtype=float) + a * _sag(a1)
    a2 = _alpha(np.asarray(target, dtype=float) - joint)
    return a1, a2


def _leg(alpha_trunk: float, a_thigh: float, a_shin: float, a_foot: float) -> LegAngles:
    return LegAngles(
        hip_flex_deg=_wrap(a_thigh - alpha_trunk + 180.0),
        knee_flex_deg=_wrap(a_thigh - a_shin),
        ankle_deg=_wrap(a_foot - a_shin - 90.0),
    )


def _trailing_deg(drop_m: float, length_m: float) -> float:
    """Sagittal angle of a segment of ``length_m`` running backwards (-X) and down by ``drop_m``."""
    return 180.0 + math.degrees(math.asin(max(-1.0, min(1.0, drop_m / length_m))))


def _arm(alpha_trunk: float, a_upper: float, a_fore: float, a_hand: float) -> ArmAngles:
    return ArmAngles(
        shoulder_flex_deg=_wrap(a_upper - alpha_trunk + 180.0),
        elbow_flex_deg=_wrap(a_fore - a_upper),
        hand_deg=_wrap(a_hand - a_fore),
    )


def _hanging_arm(trunk_pitch_deg: float, forward_deg: float = 8.0, elbow_deg: float = 12.0) -> ArmAngles:
    """Arm hanging ``forward_deg`` in front of vertical, elbow slightly bent."""
    return ArmAngles(shoulder_flex_deg=trunk_pitch_deg + forward_deg, elbow_flex_deg=elbow_deg)


def _sides(front: Side) -> tuple[Side, Side]:
    return (front, "right" if front == "left" else "left")


def _with_arms_on(angles: BodyAngles, target_side: Side, shape: BodyShape) -> BodyAngles:
    """Both hands resting on the front of ``target_side``'s thigh, just above the knee."""
    sk = skeleton(angles, shape)
    alpha_trunk = 90.0 - angles.trunk_pitch_deg
    knee = sk.points[L[f"{target_side.upper()}_KNEE"]]
    hip = sk.points[L[f"{target_side.upper()}_HIP"]]
    thigh_dir = (knee - hip) / np.linalg.norm(knee - hip)
    up_normal = _sag(_alpha(thigh_dir) + 90.0)
    target = knee - 0.08 * thigh_dir + (shape.thigh_radius + shape.hand_radius) * up_normal
    arms = {}
    for side in ("left", "right"):
        shoulder = sk.points[L[f"{side.upper()}_SHOULDER"]]
        try:
            a_up, a_fore = _two_link(shoulder, target, shape.upper_arm, shape.forearm, -1.0)
        except ValueError:
            return angles
        arms[side] = _arm(alpha_trunk, a_up, a_fore, _alpha(thigh_dir) - 10.0)
    return replace(angles, left_arm=arms["left"], right_arm=arms["right"])


def _lunge(
    f_side: Side,
    rear: LegAngles,
    hip_z: float,
    *,
    front_shin_deg: float,
    trunk_deg: float,
    neck_deg: float | None,
    arms: ArmPlacement,
    shape: BodyShape,
) -> BodyAngles:
    """A lunge from its rear leg and hip height: solves the front leg so its foot stands flat
    with the shin at ``front_shin_deg``, and hangs the arms (or rests the hands on the knee)."""
    alpha_trunk = 90.0 - trunk_deg
    shin_up = _sag(90.0 - front_shin_deg)
    knee_z = shape.ankle_height + shape.shin * shin_up[2]
    dz = knee_z - hip_z
    if abs(dz) > shape.thigh:
        raise ValueError(f"front leg cannot reach the floor: hip at {hip_z:.2f} m, knee at {knee_z:.2f} m")
    a_ft = math.degrees(math.atan2(dz, math.sqrt(shape.thigh**2 - dz**2)))
    front_leg = _leg(alpha_trunk, a_ft, _alpha(-shin_up), 0.0)
    hang = _hanging_arm(trunk_deg)
    angles = BodyAngles(
        trunk_pitch_deg=trunk_deg,
        neck_pitch_deg=trunk_deg if neck_deg is None else neck_deg,
        left_leg=front_leg if f_side == "left" else rear,
        right_leg=front_leg if f_side == "right" else rear,
        left_arm=hang,
        right_arm=hang,
        pelvis_height_m=hip_z,
    )
    return _with_arms_on(angles, f_side, shape) if arms == "knee" else angles


def _tucked_foot_deg(ankle_z: float, shape: BodyShape) -> float:
    """The foot angle (heel -> toe, below horizontal pointing forward) that puts the toe tip
    of a foot whose ankle is ``ankle_z`` high on the floor."""

    def toe_z(a_foot: float) -> float:
        sole = _sag(a_foot - 90.0)
        return float(
            ankle_z + shape.ankle_height * sole[2] + (shape.foot - shape.heel_back) * _sag(a_foot)[2]
        )

    low, high = -90.0, 0.0  # toe_z(low) < 0 < toe_z(high) while the ankle is in reach
    if not toe_z(low) < 0.0 < toe_z(high):
        raise ValueError(f"a foot cannot stand on its toes with the ankle {ankle_z:.2f} m high")
    for _ in range(50):
        middle = (low + high) / 2.0
        low, high = (middle, high) if toe_z(middle) < 0.0 else (low, middle)
    return (low + high) / 2.0


def kneeling_lunge(
    front: Side = "left",
    *,
    front_shin_deg: float = 0.0,
    trunk_deg: float = 0.0,
    hip_extension_deg: float = 15.0,
    rear_shin_deg: float = 0.0,
    rear_toes_tucked: bool = False,
    neck_deg: float | None = None,
    arms: ArmPlacement = "knee",
    shape: BodyShape = BodyShape(),
) -> BodyAngles:
    """Kneeling lunge: rear knee on the floor, front foot flat on the floor.

    Args:
        front: the leg that steps forward.
        front_shin_deg: front shin (ankle -> knee) from vertical; + = knee ahead of the
            ankle (``front_knee_over_ankle`` measures this).
        trunk_deg: trunk pitch (hip-centre -> shoulder-centre from vertical), + = forward,
            - = leaning back (``trunk_upright``).
        hip_extension_deg: rear thigh behind the trunk line continued downward
            (``hip_extension``); the rear leg's hip_flex is minus this.
        rear_shin_deg: rise of the rear shin from knee to ankle above horizontal
            (0 = shin and top of the foot flat on the floor).
        rear_toes_tucked: the rear foot stands on its toes (heel up, toe tip on the floor)
            instead of lying on its instep; needs the ankle 0.08-0.19 m high (``rear_shin_deg``).
        neck_deg: neck pitch in the world; default = the trunk's.
        arms: "knee" = both hands on the front thigh; "hanging" = by the sides.

    The rear knee joint sits ``shape.knee_clearance`` above the floor (the kneecap
    touches it); the hip height follows.  Raises ValueError when the front leg cannot
    reach (e.g. a very small hip extension with a vertical front shin).
    """
    f_side, _ = _sides(front)
    alpha_trunk = 90.0 - trunk_deg
    a_rt = alpha_trunk - 180.0 - hip_extension_deg
    hip_z = shape.knee_clearance - shape.thigh * math.sin(math.radians(a_rt))
    # rear: shin back along the floor, top of the foot flat (or the toes tucked under)
    a_rs = 180.0 - rear_shin_deg
    ankle_z = shape.knee_clearance + shape.shin * math.sin(math.radians(rear_shin_deg))
    a_rf = _tucked_foot_deg(ankle_z, shape) if rear_toes_tucked else 180.0
    rear = _leg(alpha_trunk, a_rt, a_rs, a_rf)
    # front: foot flat, shin at front_shin_deg
    return _lunge(
        f_side,
        rear,
        hip_z,
        front_shin_deg=front_shin_deg,
        trunk_deg=trunk_deg,
        neck_deg=neck_deg,
        arms=arms,
        shape=shape,
    )


def standing_lunge(
    front: Side = "left",
    *,
    front_shin_deg: float = 0.0,
    trunk_deg: float = 0.0,
    hip_extension_deg: float = 35.0,
    rear_knee_flex_deg: float = 0.0,
    rear_heel_lift_deg: float = 25.0,
    neck_deg: float | None = None,
    arms: ArmPlacement = "hanging",
    shape: BodyShape = BodyShape(),
) -> BodyAngles:
    """Standing lunge: front foot flat, rear leg back on the ball of the foot.

    Args:
        front: the leg that steps forward.
        front_shin_deg: front shin from vertical, + = knee ahead of the ankle.
        trunk_deg: trunk pitch, + = forward.
        hip_extension_deg: rear thigh behind the trunk line continued downward.
        rear_knee_flex_deg: rear knee bend; the knee angle hip-knee-ankle is
            ``180 - rear_knee_flex_deg`` (``rear_leg_straight`` passes at >= 160).
        rear_heel_lift_deg: rear foot (heel -> toe) below horizontal; its toe touches
            the floor.
        neck_deg: neck pitch in the world; default = the trunk's.
        arms: "hanging" or "knee" (hands on the front thigh).
    """
    f_side, _ = _sides(front)
    alpha_trunk = 90.0 - trunk_deg
    a_rt = alpha_trunk - 180.0 - hip_extension_deg
    a_rs = a_rt - rear_knee_flex_deg
    a_rf = -rear_heel_lift_deg
    rear = _leg(alpha_trunk, a_rt, a_rs, a_rf)
    foot_dir, sole = _sag(a_rf), _sag(a_rf - 90.0)
    toe_rel = (
        shape.thigh * _sag(a_rt)
        + shape.shin * _sag(a_rs)
        + shape.ankle_height * sole
        + (shape.foot - shape.heel_back) * foot_dir
    )
    hip_z = -float(toe_rel[2])
    return _lunge(
        f_side,
        rear,
        hip_z,
        front_shin_deg=front_shin_deg,
        trunk_deg=trunk_deg,
        neck_deg=neck_deg,
        arms=arms,
        shape=shape,
    )


def prone_press_up(
    chest_deg: float = 30.0,
    *,
    pelvis_lift_m: float = 0.0,
    hands_forward: float = 0.5,
    neck_deg: float | None = None,
    head_pitch_deg: float = 15.0,
    knees_down: bool = False,
    shape: BodyShape = BodyShape(),
) -> BodyAngles:
    """Prone press-up (cobra; upward dog when the pelvis lifts); the head points +X.

    Args:
        chest_deg: trunk line (hip-centre -> shoulder-centre) above the floor, degrees
            (``chest_lifted``); trunk_pitch = 90 - chest_deg.
        pelvis_lift_m: hip centre height above its resting height
            (``shape.hip_clearance``, the pelvis on the floor); > 0 = pelvis lifted.
        hands_forward: wrist ahead of the shoulder joint, horizontally, in upper-arm
            lengths (``hand_position``: larger = easier).  Hands flat on the floor.
        neck_deg: neck pitch in the world; default ``0.7 * trunk pitch`` (head raised).
        head_pitch_deg: line of sight below horizontal.
        knees_down: the knees stay on the floor: the thighs slope from the lifted pelvis down
            to the knees and the shins lie flat (an upward dog done with the knees down).

    The legs are straight (unless ``knees_down``), with the tops of the feet on the floor.
    Raises ValueError when the arms cannot reach the floor (chest too high for the given
    pelvis height).
    """
    pitch = 90.0 - chest_deg
    alpha_trunk = chest_deg
    hip_z = shape.hip_clearance + pelvis_lift_m
    if knees_down:  # thighs from the hip down to the knees on the floor, shins flat behind
        a_thigh = _trailing_deg(hip_z - shape.knee_clearance, shape.thigh)
        a_shin = _trailing_deg(shape.knee_clearance - shape.ankle_clearance, shape.shin)
    else:  # legs straight from the hip back to the ankle on the floor
        a_thigh = a_shin = _trailing_deg(hip_z - shape.ankle_clearance, shape.thigh + shape.shin)
    leg = _leg(alpha_trunk, a_thigh, a_shin, 180.0)
    # arms: wrist on the floor, hands_forward upper-arm lengths ahead of the shoulder
    shoulder = np.array([0.0, 0.0, hip_z]) + shape.trunk * _sag(alpha_trunk)
    wrist = np.array([shoulder[0] + hands_forward * shape.upper_arm, 0.0, shape.wrist_clearance])
    try:
        a_up, a_fore = _two_link(shoulder, wrist, shape.upper_arm, shape.forearm, -1.0)
    except ValueError as exc:
        raise ValueError(
            f"hands cannot reach the floor with chest {chest_deg} deg and pelvis lift {pelvis_lift_m} m"
        ) from exc
    arm = _arm(alpha_trunk, a_up, a_fore, 0.0)
    return BodyAngles(
        trunk_pitch_deg=pitch,
        neck_pitch_deg=0.7 * pitch if neck_deg is None else neck_deg,
        head_pitch_deg=head_pitch_deg,
        left_leg=leg,
        right_leg=leg,
        left_arm=arm,
        right_arm=arm,
        pelvis_height_m=hip_z,
    )


def standing(
    neck_deg: float = 0.0,
    *,
    sway: float = 0.0,
    trunk_deg: float | None = None,
    knee_hyperextension_deg: float = 0.0,
    head_pitch_deg: float = 0.0,
    shape: BodyShape = BodyShape(),
) -> BodyAngles:
    """Standing with both feet flat and side by side, arms hanging.

    Args:
        neck_deg: shoulder-centre -> ear from vertical, + = head forward (``forward_head``).
        sway: hip centre ahead of the ankles, horizontally, in leg lengths
            (thigh + shin); the ``plumb_line`` offset of the hip.  0 = hip over the ankle.
        trunk_deg: trunk pitch; default None puts the shoulder centre vertically over the
            ankles (so a sway shifts the hips forward and leans the trunk back).
        knee_hyperextension_deg: knee angle beyond straight, the knee behind the
            hip-ankle line (``knee_hyperextension``); negative values bend the knees.
        head_pitch_deg: line of sight below horizontal.
    """
    leg_len = shape.thigh + shape.shin
    offset = sway * leg_len
    if trunk_deg is None:
        trunk_deg = -math.degrees(math.asin(max(-1.0, min(1.0, offset / shape.trunk))))
    alpha_trunk = 90.0 - trunk_deg
    knee_angle = math.radians(180.0 - abs(knee_hyperextension_deg))
    reach = math.sqrt(shape.thigh**2 + shape.shin**2 - 2 * shape.thigh * shape.shin * math.cos(knee_angle))
    hip_z = shape.ankle_height + math.sqrt(max(reach**2 - offset**2, 0.0))
    hip = np.array([0.0, 0.0, hip_z])
    ankle = np.array([-offset, 0.0, shape.ankle_height])
    bend = -1.0 if knee_hyperextension_deg > 0 else 1.0  # -1: knee behind the line
    a_thigh, a_shin = _two_link(hip, ankle, shape.thigh, shape.shin, bend)
    leg = _leg(alpha_trunk, a_thigh, a_shin, 0.0)
    hang = ArmAngles(shoulder_flex_deg=trunk_deg + 4.0, elbow_flex_deg=8.0)
    return BodyAngles(
        trunk_pitch_deg=trunk_deg,
        neck_pitch_deg=neck_deg,
        head_pitch_deg=head_pitch_deg,
        left_leg=leg,
        right_leg=leg,
        left_arm=hang,
        right_arm=hang,
        pelvis_height_m=hip_z,
    )
