"""Render the bundled samples: mannequin photos and clips with known joint angles.

Usage::

    python3 tools/make_samples.py [--out samples] [--only NAME_SUBSTRING] [--no-clips]

Every image ``samples/<name>.jpg`` gets a sidecar ``samples/<name>.json`` with

* ``exercise``, ``front_side`` (lunges), ``facing`` and ``view``;
* ``preset``: the `posecheck.synth.body` preset and its arguments (reproducible);
* ``body_angles`` (`BodyAngles`) and ``camera`` (`Camera`, yaw already set for the facing);
* ``true_angles``: the angle table of `posecheck.synth.accuracy` on the exact side
  projection (knee/hip/shin per side, trunk, neck; degrees);
* ``true_measures``: the quantities the checks measure, from the 3D body;
* ``true_landmarks_px``: the 33 true landmarks projected with the image's camera;
* ``expected``: the verdict of each check that the truth decides, from the default
  thresholds (`posecheck.config.DEFAULT_SETTINGS`); ``expected_levels`` for informative
  checks.  Checks judged from the silhouette (``hollow_back``) are not listed.

The clips ``kneeling_lunge.mp4`` and ``press_up.mp4`` (15 fps, ``mp4v``) get a sidecar
with the same fields per frame under ``frames``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from posecheck.config import DEFAULT_SETTINGS, Settings  # noqa: E402
from posecheck.landmarks import SIDES, Landmark, Side, sided  # noqa: E402
from posecheck.synth import body as sb  # noqa: E402
from posecheck.synth.accuracy import facing_sign, measure_angles  # noqa: E402
from posecheck.synth.render import render_image  # noqa: E402

L = Landmark
SHAPE = sb.DEFAULT_SHAPE
SUPERSAMPLE = 2
JPEG_QUALITY = 90
FPS = 15


@dataclass(frozen=True)
class Case:
    """One still: a preset with its arguments and a description."""

    name: str
    exercise: str
    preset: str
    params: dict[str, Any] = field(default_factory=dict)
    note: str = ""


PRESETS: dict[str, Callable[..., sb.BodyAngles]] = {
    "kneeling_lunge": sb.kneeling_lunge,
    "standing_lunge": sb.standing_lunge,
    "prone_press_up": sb.prone_press_up,
    "standing": sb.standing,
}

LUNGE_CASES = (
    Case(
        "kneeling_lunge-correct",
        "kneeling_lunge",
        "kneeling_lunge",
        {"front_shin_deg": 2.0, "trunk_deg": 3.0, "hip_extension_deg": 22.0},
        "front knee above the ankle, trunk upright, rear hip extended",
    ),
    Case(
        "kneeling_lunge-knee_over_toes",
        "kneeling_lunge",
        "kneeling_lunge",
        {"front_shin_deg": 32.0, "trunk_deg": 5.0, "hip_extension_deg": 25.0},
        "front knee far ahead of the ankle",
    ),
    Case(
        "kneeling_lunge-leaning_back",
        "kneeling_lunge",
        "kneeling_lunge",
        {"front_shin_deg": 0.0, "trunk_deg": -28.0, "hip_extension_deg": 20.0},
        "trunk leaning back: sagging into a hollow back",
    ),
    Case(
        "standing_lunge-correct",
        "standing_lunge",
        "standing_lunge",
        {"front_shin_deg": 3.0, "trunk_deg": 2.0, "hip_extension_deg": 35.0, "rear_knee_flex_deg": 0.0},
        "rear leg straight",
    ),
    Case(
        "standing_lunge-rear_knee_bent",
        "standing_lunge",
        "standing_lunge",
        {"front_shin_deg": 3.0, "trunk_deg": 2.0, "hip_extension_deg": 35.0, "rear_knee_flex_deg": 40.0},
        "rear knee bent (knee angle 140)",
    ),
)
OTHER_CASES = (
    Case(
        "prone_press_up-pelvis_down",
        "prone_press_up",
        "prone_press_up",
        {"chest_deg": 32.0, "pelvis_lift_m": 0.0, "hands_forward": 0.8},
        "cobra: pelvis on the floor, hands forward (easier)",
    ),
    Case(
        "prone_press_up-pelvis_lifted",
        "prone_press_up",
        "prone_press_up",
        {"chest_deg": 42.0, "pelvis_lift_m": 0.15, "hands_forward": 0.0},
        "upward dog: straight arms, pelvis and thighs lifted, hands under the shoulders (harder)",
    ),
    Case(
        "standing-neutral",
        "standing_posture",
        "standing",
        {"neck_deg": 6.0, "knee_hyperextension_deg": -3.0},
        "neutral posture, knees soft (3 deg flexed)",
    ),
    Case("standing-forward_head", "standing_posture", "standing", {"neck_deg": 34.0}, "forward head"),
    Case(
        "standing-sway_back",
        "standing_posture",
        "standing",
        {"neck_deg": 6.0, "sway": 0.16, "trunk_deg": -12.0},
        "sway back: hips ahead of the ankles, trunk leaning back",
    ),
)


# --------------------------------------------------------------------------- truth


def true_measures(angles: sb.BodyAngles, front: Side | None) -> dict[str, float]:
    """What the checks measure, computed from the 3D body (metres, degrees, ratios)."""
    p = sb.forward_kinematics(angles, SHAPE)
    hip_mid = (p[L.LEFT_HIP] + p[L.RIGHT_HIP]) / 2
    sh_mid = (p[L.LEFT_SHOULDER] + p[L.RIGHT_SHOULDER]) / 2
    ear_mid = (p[L.LEFT_EAR] + p[L.RIGHT_EAR]) / 2

    def tilt(bottom: np.ndarray, top: np.ndarray) -> float:
        d = top - bottom
        return math.degrees(math.atan2(d[0], d[2]))

    def knee_angle(side: Side) -> float:
        hip, knee, ankle = (p[sided(side, part)] for part in ("hip", "knee", "ankle"))
        u, v = hip - knee, ankle - knee
        return math.degrees(math.atan2(np.linalg.norm(np.cross(u, v)), float(u @ v)))

    def behind_trunk(side: Side) -> float:
        down = hip_mid - sh_mid
        thigh = p[sided(side, "knee")] - p[sided(side, "hip")]
        diff = math.degrees(math.atan2(thigh[2], thigh[0]) - math.atan2(down[2], down[0]))
        return -((diff + 180) % 360 - 180)

    leg_len = SHAPE.thigh + SHAPE.shin
    ankle_x = (p[L.LEFT_ANKLE, 0] + p[L.RIGHT_ANKLE, 0]) / 2
    out: dict[str, float] = {
        "trunk_deg": tilt(hip_mid, sh_mid),
        "neck_deg": tilt(sh_mid, ear_mid),
        "chest_deg": 90.0 - tilt(hip_mid, sh_mid),
        "hip_height_thigh": float(hip_mid[2] / SHAPE.thigh),
        "hand_reach_upper_arm": float(
            np.mean(
                [
                    (p[sided(s, "wrist"), 0] - p[sided(s, "shoulder"), 0]) / SHAPE.upper_arm
                    for s in ("left", "right")
                ]
            )
        ),
        "plumb_offset_leg": float(max(abs(hip_mid[0] - ankle_x), abs(sh_mid[0] - ankle_x)) / leg_len),
        "knee_hyperextension_deg": float(
            max(0.0, -angles.left_leg.knee_flex_deg, -angles.right_leg.knee_flex_deg)
        ),
    }
    if front is not None:
        rear: Side = "right" if front == "left" else "left"
        out.update(
            front_shin_deg=tilt(p[sided(front, "ankle")], p[sided(front, "knee")]),
            hip_extension_deg=behind_trunk(rear),
            rear_knee_angle_deg=knee_angle(rear),
            rear_knee_height_shin=float(p[sided(rear, "knee"), 2] / SHAPE.shin),
        )
    return {k: round(float(v), 3) for k, v in out.items()}


def expected_verdicts(
    exercise: str, m: dict[str, float], pelvis_lift_m: float = 0.0, s: Settings = DEFAULT_SETTINGS
) -> tuple[dict[str, str], dict[str, str]]:
    """Verdicts the truth decides with the default thresholds, and informative levels."""

    def ok(condition: bool) -> str:
        return "pass" if condition else "fail"

    verdicts: dict[str, str] = {}
    levels: dict[str, str] = {}
    if exercise in ("kneeling_lunge", "standing_lunge"):
        verdicts["front_knee_over_ankle"] = ok(abs(m["front_shin_deg"]) <= s.max_shin_tilt_deg)
        verdicts["hip_extension"] = ok(m["hip_extension_deg"] >= s.min_hip_extension_deg)
        verdicts["trunk_upright"] = ok(abs(m["trunk_deg"]) <= s.max_trunk_tilt_deg)
    if exercise == "kneeling_lunge":
        verdicts["rear_knee_on_floor"] = ok(m["rear_knee_height_shin"] <= s.max_rear_knee_height_ratio)
    if exercise == "standing_lunge":
        verdicts["rear_leg_straight"] = ok(m["rear_knee_angle_deg"] >= s.min_rear_knee_angle_deg)
    if exercise == "prone_press_up":
        if pelvis_lift_m <= 0.01 or pelvis_lift_m >= 0.1:  # in between: left to the calibration
            verdicts["pelvis_on_floor"] = ok(pelvis_lift_m <= 0.01)
        verdicts["chest_lifted"] = ok(m["chest_deg"] >= s.min_chest_lift_deg)
        verdicts["hand_position"] = "pass"
        levels["hand_position"] = (
            "easier" if m["hand_reach_upper_arm"] >= s.min_easy_hand_reach_ratio else "harder"
        )
    if exercise == "standing_posture":
        verdicts["forward_head"] = ok(m["neck_deg"] <= s.max_neck_tilt_deg)
        verdicts["plumb_line"] = ok(m["plumb_offset_leg"] <= s.max_plumb_offset_ratio)
        verdicts["knee_hyperextension"] = ok(m["knee_hyperextension_deg"] <= s.max_knee_hyperextension_deg)
    return verdicts, levels


def truth_record(
    angles: sb.BodyAngles,
    camera: sb.Camera,
    exercise: str,
    *,
    front: Side | None,
    facing: str,
    lift: float,
) -> dict[str, Any]:
    """The per-image (or per-frame) truth fields of a sidecar."""
    exact = sb.make_pose(angles, facing=facing, shape=SHAPE)  # type: ignore[arg-type]
    seen = sb.make_pose(angles, camera=camera, shape=SHAPE)
    measures = true_measures(angles, front)
    verdicts, levels = expected_verdicts(exercise, measures, lift)
    return {
        "body_angles": _rounded(asdict(angles)),
        "true_angles": {k: round(v, 3) for k, v in measure_angles(exact, facing_sign(facing)).items()},
        "true_measures": measures,
        "true_landmarks_px": np.round(seen.xy, 2).tolist(),
        "expected": verdicts,
        "expected_levels": levels,
    }


def _rounded(value: Any) -> Any:
    if isinstance(value, float):
        return round(value, 4)
    if isinstance(value, dict):
        return {k: _rounded(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_rounded(v) for v in value]
    return value


# --------------------------------------------------------------------------- stills


def _camera(facing: str, **overrides: Any) -> sb.Camera:
    cam = sb.Camera(**overrides)
    return replace(cam, yaw_deg=180.0 - cam.yaw_deg) if facing == "left" else cam


def _render(angles: sb.BodyAngles, camera: sb.Camera) -> np.ndarray:
    sk = sb.skeleton(angles, SHAPE)
    resolved = sb.resolve_camera(camera, sb.aim_points(sk))
    return render_image(sk, resolved, shape=SHAPE, supersample=SUPERSAMPLE)


def _save_jpeg(image_rgb: np.ndarray, path: Path) -> None:
    from PIL import Image

    Image.fromarray(image_rgb).save(path, quality=JPEG_QUALITY, optimize=True)


def still_variants() -> list[tuple[Case, Side | None, str]]:
    """(case, front side, facing) of every still."""
    variants: list[tuple[Case, Side | None, str]] = []
    for case in LUNGE_CASES:
        for front in SIDES:
            for facing in ("right", "left"):
                variants.append((case, front, facing))
    for case in OTHER_CASES:
        for facing in ("right", "left"):
            variants.append((case, None, facing))
    return variants


def make_still(case: Case, front: Side | None, facing: str, out: Path) -> Path:
    params = dict(case.params)
    if front is not None:
        params["front"] = front
    angles = PRESETS[case.preset](**params)
    camera = _camera(facing)
    name = case.name + (f"-front_{front}" if front else "") + f"-facing_{facing}"
    image = _render(angles, camera)
    _save_jpeg(image, out / f"{name}.jpg")
    sidecar = {
        "image": f"{name}.jpg",
        "description": case.note,
        "exercise": case.exercise,
        "front_side": front,
        "facing": facing,
        "view": "side",
        "preset": {"name": case.preset, "params": params},
        "camera": _rounded(asdict(camera)),
        **truth_record(
            angles,
            camera,
            case.exercise,
            front=front,
            facing=facing,
            lift=float(params.get("pelvis_lift_m", 0.0)),
        ),
    }
    path = out / f"{name}.json"
    path.write_text(json.dumps(sidecar, indent=1) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------- clips


def _lerp_angles(a: sb.BodyAngles, b: sb.BodyAngles, t: float) -> sb.BodyAngles:
    """Field-wise linear interpolation; grounding by the lowest contact point."""

    def mix(x: Any, y: Any) -> Any:
        if isinstance(x, float | int) and isinstance(y, float | int):
            return (1 - t) * x + t * y
        if x is None or y is None:
            return None
        return type(x)(**{f.name: mix(getattr(x, f.name), getattr(y, f.name)) for f in fields(x)})

    return replace(mix(a, b), pelvis_height_m=None)


def _smoothstep(t: float) -> float:
    t = min(max(t, 0.0), 1.0)
    return t * t * (3 - 2 * t)


def kneeling_lunge_clip() -> list[tuple[sb.BodyAngles, str, float]]:
    """Standing 1 s, lowering into a kneeling lunge (left leg in front) 2.5 s, holding 3.5 s."""
    start = sb.standing(neck_deg=6.0)
    mid = sb.BodyAngles(
        trunk_pitch_deg=3.0,
        neck_pitch_deg=5.0,
        left_leg=sb.LegAngles(hip_flex_deg=45.0, knee_flex_deg=40.0),
        right_leg=sb.LegAngles(hip_flex_deg=-15.0, knee_flex_deg=45.0, ankle_deg=-20.0),
        left_arm=start.left_arm,
        right_arm=start.right_arm,
    )
    end = sb.kneeling_lunge(front="left", front_shin_deg=2.0, trunk_deg=3.0, hip_extension_deg=22.0)
    frames = []
    for i in range(int(7.0 * FPS)):
        t = i / FPS
        if t < 1.0:
            angles = start
        elif t < 2.25:
            angles = _lerp_angles(start, mid, _smoothstep((t - 1.0) / 1.25))
        elif t < 3.5:
            angles = _lerp_angles(mid, end, _smoothstep((t - 2.25) / 1.25))
        else:
            angles = end
        frames.append((angles, "kneeling_lunge" if t >= 3.5 else "transition", 0.0))
    return frames


def press_up_clip() -> list[tuple[sb.BodyAngles, str, float]]:
    """Lying low 1 s, pressing up to a cobra 1.5 s, holding 1.5 s, the pelvis lifting 1 s, holding 2 s.

    The wrists stay on the same spot of the floor throughout.
    """
    wrist_x = SHAPE.trunk * math.cos(math.radians(42.0))  # upward dog: hands under the shoulders
    keys = [
        (0.0, 12.0, 0.0),
        (1.0, 12.0, 0.0),
        (2.5, 32.0, 0.0),
        (4.0, 32.0, 0.0),
        (5.0, 42.0, 0.15),
        (7.0, 42.0, 0.15),
    ]
    frames = []
    for i in range(int(7.0 * FPS)):
        t = i / FPS
        for (t0, c0, l0), (t1, c1, l1) in itertools.pairwise(keys):
            if t0 <= t <= t1:
                u = _smoothstep((t - t0) / (t1 - t0))
                chest, lift = c0 + u * (c1 - c0), l0 + u * (l1 - l0)
                break
        hands = (wrist_x - SHAPE.trunk * math.cos(math.radians(chest))) / SHAPE.upper_arm
        frames.append(
            (
                sb.prone_press_up(chest_deg=chest, pelvis_lift_m=lift, hands_forward=hands),
                "prone_press_up",
                lift,
            )
        )
    return frames


def make_clip(
    name: str, frames: list[tuple[sb.BodyAngles, str, float]], front: Side | None, out: Path
) -> Path:
    import cv2  # adapter-only dependency, for the mp4 writer

    # one fixed camera for the whole clip, aimed at the union of all frames
    all_points = np.vstack([sb.aim_points(sb.skeleton(a, SHAPE)) for a, _, _ in frames])
    centre = (all_points.min(axis=0) + all_points.max(axis=0)) / 2
    camera = sb.Camera(target=tuple(float(v) for v in centre))  # type: ignore[arg-type]
    w, h = camera.image_size
    writer = cv2.VideoWriter(str(out / f"{name}.mp4"), cv2.VideoWriter.fourcc(*"mp4v"), FPS, (w, h))
    if not writer.isOpened():
        raise RuntimeError(f"cannot open an mp4v writer for {out / name}.mp4")
    records = []
    try:
        for i, (angles, phase, lift) in enumerate(frames):
            writer.write(np.ascontiguousarray(_render(angles, camera)[..., ::-1]))
            exercise = phase if phase != "transition" else "kneeling_lunge"
            record = truth_record(angles, camera, exercise, front=front, facing="right", lift=lift)
            if phase == "transition":
                record["expected"], record["expected_levels"] = {}, {}
            records.append({"frame": i, "timestamp_s": round(i / FPS, 4), "phase": phase, **record})
    finally:
        writer.release()
    sidecar = {
        "video": f"{name}.mp4",
        "fps": FPS,
        "frame_count": len(frames),
        "facing": "right",
        "front_side": front,
        "view": "side",
        "camera": _rounded(asdict(camera)),
        "frames": records,
    }
    path = out / f"{name}.json"
    path.write_text(json.dumps(sidecar, separators=(",", ":")) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "samples")
    parser.add_argument("--only", default="", help="only stills whose name contains this")
    parser.add_argument("--no-clips", action="store_true")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for case, front, facing in still_variants():
        if args.only in case.name:
            print(make_still(case, front, facing, args.out).name)
    if not args.no_clips:
        print(make_clip("kneeling_lunge", kneeling_lunge_clip(), "left", args.out).name)
        print(make_clip("press_up", press_up_clip(), None, args.out).name)
    print(f"done in {time.perf_counter() - started:.1f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
