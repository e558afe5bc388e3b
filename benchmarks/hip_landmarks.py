"""Which landmark makes the hip-extension error on the rendered lunges (docs/angles.md, item 5)?

On the lunges of ``benchmarks/angle_error.py`` (its scenes, mannequin and ``--cache``), for each
image: the judged ``hip_extension`` and ``trunk_upright`` against the exact side view, then the
same with one landmark of the model replaced by the renderer's true projection of that joint
(front or rear hip, knee, shoulder), and each landmark's displacement from the true joint centre
in the body's own frame: along its segment (the thigh for hips and knees, the trunk for
shoulders; + = towards the knee, or up the trunk) and across it (+ = towards the person's front
for the hips, knees and shoulders; for a horizontal thigh + = up), in cm.  Where the model gave a
leg's lower landmarks (knee, ankle) the other leg's labels, the truth is matched to its labels.

``--alternatives`` also prints the judged hip cell (mean / p95 per yaw) of other ways to take
the trunk line's lower end or the thigh's start, the measures that were tried and not made.

Usage::

    python3 benchmarks/hip_landmarks.py --cache /tmp/hip/angles.npz [--alternatives]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import angle_error as ae  # noqa: E402

from posecheck import geometry as geo  # noqa: E402
from posecheck import metrics  # noqa: E402
from posecheck.config import DEFAULT_SETTINGS  # noqa: E402
from posecheck.exercises._lunge import HIP_EXTENSION, TRUNK_UPRIGHT  # noqa: E402
from posecheck.landmarks import BodyPart, Landmark, Pose, Side, other_side, sided  # noqa: E402
from posecheck.metrics import UNKNOWN, Measure  # noqa: E402
from posecheck.rules import Rule  # noqa: E402
from posecheck.synth import body as sb  # noqa: E402

L = Landmark
PARTS: tuple[BodyPart, ...] = ("hip", "knee", "shoulder")
ROLES = [f"{leg}_{part}" for part in PARTS for leg in ("front", "rear")]


@dataclass
class Image:
    """One lunge render: its errors (degrees, measured - exact side view) and landmark offsets."""

    scene: str
    yaw: float
    height: float
    hip: float
    trunk: float
    swapped: tuple[BodyPart, ...]  # the parts whose left/right labels the model exchanged
    substituted: dict[str, float]  # role -> hip_extension error with that joint true
    offsets: dict[str, tuple[float, float]]  # role -> (along, across) cm


def judged(pose: Pose, rule: Rule) -> float:
    """The check's value as the photo check judges it (NaN when unknown)."""
    body = metrics.Body(pose, DEFAULT_SETTINGS)
    result = rule.evaluate(body, metrics.orientation(body, DEFAULT_SETTINGS))
    return result.value if result.status != "unknown" else float("nan")


def with_points(pose: Pose, xy: np.ndarray) -> Pose:
    return Pose(xy=xy, visibility=pose.visibility, image_size=pose.image_size, world=pose.world)


def label_swaps(model: np.ndarray, truth: np.ndarray) -> tuple[BodyPart, ...]:
    """The parts (hip, knee, ankle, shoulder) whose two landmarks fit the truth better exchanged."""
    out: list[BodyPart] = []
    parts: tuple[BodyPart, ...] = ("hip", "knee", "ankle", "shoulder")
    for part in parts:
        a, b = sided("left", part), sided("right", part)
        kept = np.linalg.norm(model[a] - truth[a]) + np.linalg.norm(model[b] - truth[b])
        exchanged = np.linalg.norm(model[a] - truth[b]) + np.linalg.norm(model[b] - truth[a])
        if exchanged + 2.0 < kept:
            out.append(part)
    return tuple(out)


def measure_image(scene: ae.Scene, yaw: float, height: float, pose: Pose) -> Image | None:
    exact = sb.make_pose(scene.angles, facing=scene.facing, shape=ae.SHAPE)  # type: ignore[arg-type]
    camera = sb.Camera(yaw_deg=yaw, height_m=height)
    true = sb.make_pose(scene.angles, camera=camera, facing=scene.facing, shape=ae.SHAPE)  # type: ignore[arg-type]
    hip_ref, trunk_ref = judged(exact, HIP_EXTENSION), judged(exact, TRUNK_UPRIGHT)
    hip = judged(pose, HIP_EXTENSION) - hip_ref
    if not np.isfinite(hip):
        return None
    swapped = label_swaps(pose.xy, true.xy)
    matched = true.xy.copy()  # the truth under the model's labels
    for part in swapped:
        a, b = sided("left", part), sided("right", part)
        matched[[a, b]] = true.xy[[b, a]]
    front: Side = "left" if scene.name.endswith("_L") else "right"
    roles: dict[str, Landmark] = {}
    for part in PARTS:
        f, r = sided(front, part), sided(other_side(front), part)
        roles[f"front_{part}"], roles[f"rear_{part}"] = (r, f) if part in swapped else (f, r)
    substituted = {}
    for role, lms in [
        *((role, [lm]) for role, lm in roles.items()),
        ("both_hips", [L.LEFT_HIP, L.RIGHT_HIP]),
    ]:
        xy = pose.xy.copy()
        xy[lms] = matched[lms]
        substituted[role] = judged(with_points(pose, xy), HIP_EXTENSION) - hip_ref
    # Offsets in the coordinates the angle is measured on (the model's stretch), cm.
    stretch = metrics.Body(pose, DEFAULT_SETTINGS).stretch
    model_xy, true_xy = pose.xy * [stretch, 1.0], matched * [stretch, 1.0]
    exact_xy = true.xy * [stretch, 1.0]
    hips = (exact_xy[L.LEFT_HIP] + exact_xy[L.RIGHT_HIP]) / 2
    trunk = (exact_xy[L.LEFT_SHOULDER] + exact_xy[L.RIGHT_SHOULDER]) / 2 - hips
    cm = 100.0 * ae.SHAPE.trunk / float(np.linalg.norm(trunk))
    ahead = 1.0 if scene.facing == "right" else -1.0
    offsets = {}
    for role, lm in roles.items():
        leg = front if role.startswith("front") else other_side(front)
        axis = (
            trunk if role.endswith("shoulder") else exact_xy[sided(leg, "knee")] - exact_xy[sided(leg, "hip")]
        )
        along = axis / np.linalg.norm(axis)
        across = np.array([-along[1], along[0]])
        steep = abs(across[0]) >= 0.3  # the segment is not near horizontal: + = ahead, else + = up
        if (steep and across[0] * ahead < 0) or (not steep and across[1] > 0):
            across = -across
        d = model_xy[lm] - true_xy[lm]
        offsets[role] = (float(d @ along) * cm, float(d @ across) * cm)
    trunk_err = judged(pose, TRUNK_UPRIGHT) - trunk_ref
    return Image(scene.name, yaw, height, hip, trunk_err, swapped, substituted, offsets)


def spread(values: list[float]) -> str:
    v = np.array(values, dtype=float)
    v = v[np.isfinite(v)]
    return f"{np.median(v):+5.1f} [{np.percentile(v, 10):+5.1f}, {np.percentile(v, 90):+5.1f}]"


def print_group(title: str, images: list[Image], near_rear: bool) -> None:
    if not images:
        return
    hip = [i.hip for i in images]
    print(f"\n{title}: {len(images)} images; error median [p10, p90] of hip_extension {spread(hip)},")
    print(f"  of trunk_upright {spread([i.trunk for i in images])} (deg)")
    print(
        f"  {'landmark':>22} {'along, cm':>21} {'across, cm':>21} {'error with it true':>21} {'its share':>8}"
    )
    for role in [*ROLES, "both_hips"]:
        side = ("near" if role.startswith("rear") == near_rear else "far") if role != "both_hips" else ""
        with_true = [i.substituted[role] for i in images]
        share = float(np.nanmedian(np.array(hip) - np.array(with_true)))
        if role == "both_hips":
            along = across = "-"
        else:
            along = spread([i.offsets[role][0] for i in images])
            across = spread([i.offsets[role][1] for i in images])
        print(
            f"  {role + (' (' + side + ')' if side else ''):>22} {along:>21} {across:>21} {spread(with_true):>21} {share:+8.1f}"
        )


HipMeasure = Callable[[metrics.Body, metrics.Orientation], Measure]
# name -> (the trunk line's lower end, its upper end, the thigh's start), from the rear hip, the
# hip and shoulder midpoints, the near hip and the rear shoulder.
ALTERNATIVES = {
    "rear hip": ("rear_hip", "shoulders", "rear_hip"),
    "near hip": ("near_hip", "shoulders", "rear_hip"),
    "rear hip and shoulder": ("rear_hip", "rear_shoulder", "rear_hip"),
    "thigh from the hip midpoint": ("hips", "shoulders", "hips"),
}


def alternative(kind: str) -> HipMeasure:
    """hip_extension with another trunk-line end or thigh start (tried, not made)."""
    lower, upper, start = ALTERNATIVES[kind]

    def measure(body: metrics.Body, o: metrics.Orientation) -> Measure:
        if o.front is None:
            return UNKNOWN
        rear = other_side(o.front)
        points = {
            "rear_hip": body.sag(sided(rear, "hip")),
            "near_hip": body.sag(sided(o.near, "hip")),
            "rear_shoulder": body.sag(sided(rear, "shoulder")),
            "hips": body.sag_mid("hip", o.near),
            "shoulders": body.sag_mid("shoulder", o.near),
        }
        thigh = body.sag(sided(rear, "knee")) - points[start]
        return Measure(o.facing * geo.signed_angle(points[lower] - points[upper], thigh))

    return measure


def print_alternatives(poses: dict[tuple[str, float, float], Pose | None], yaws: list[float]) -> None:
    print("\njudged hip cell (n, mean / p95 of |error|) per yaw: main's measure (trunk line from the")
    print("hip and shoulder midpoints) and the alternatives")
    by_name = {s.name: s for s in ae.scenes() if "lunge" in s.name}
    print(f"{'measure':>28} " + " ".join(f"{y:>11.0f}" for y in yaws))
    for kind in ("main", *ALTERNATIVES):
        rule = HIP_EXTENSION if kind == "main" else replace(HIP_EXTENSION, measure=alternative(kind))
        cells = []
        for yaw in yaws:
            errors = []
            for (name, y, _height), pose in poses.items():
                if y != yaw or name not in by_name or pose is None:
                    continue
                exact = sb.make_pose(by_name[name].angles, facing=by_name[name].facing, shape=ae.SHAPE)  # type: ignore[arg-type]
                errors.append(abs(judged(pose, rule) - judged(exact, rule)))
            cells.append(ae.error_cell(errors))
        print(f"{kind:>28} " + " ".join(f"{c:>11}" for c in cells))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--yaws", type=float, nargs="+", default=[0, 5, 10, 15, 20, 25, 30, 35, 40, 45])
    parser.add_argument("--heights", type=float, nargs="+", default=[0.5, 0.9, 1.3])
    parser.add_argument("--supersample", type=int, default=2)
    parser.add_argument("--model", default="full")
    parser.add_argument("--cache", help="angle_error.py's cache of the model's answers")
    parser.add_argument("--alternatives", action="store_true", help="also the measures tried and not made")
    parser.set_defaults(second_look=False)  # the model's first answer, as angle_error.py's default
    args = parser.parse_args(argv)
    poses = ae.detect_all(args)
    scenes = {s.name: s for s in ae.scenes() if "lunge" in s.name}
    images = [
        image
        for (name, yaw, height), pose in poses.items()
        if name in scenes and pose is not None
        for image in [measure_image(scenes[name], yaw, height, pose)]
        if image is not None
    ]
    print("hip_extension on the rendered lunges: each landmark's offset from the true joint centre and")
    print("the error with that landmark replaced by the true projection (median [p10, p90]; its share =")
    print("median of the error minus the error with it true).  Kneeling lunges: near = rear leg;")
    print("standing lunges: near = front leg.")
    kneeling_r = [i for i in images if i.scene == "kneeling_lunge_R"]
    print_group("kneeling_lunge_L", [i for i in images if i.scene == "kneeling_lunge_L"], near_rear=True)
    print_group("kneeling_lunge_R", kneeling_r, near_rear=True)
    # The knees' labels exchanged but not the hips': the rear knee is paired with the front hip.
    leg_swap = [i for i in kneeling_r if ("knee" in i.swapped) != ("hip" in i.swapped)]
    print_group("  of it, knee labels exchanged, hip labels not", leg_swap, near_rear=True)
    print_group("  of it, labels kept", [i for i in kneeling_r if i not in leg_swap], near_rear=True)
    print_group("standing lunges", [i for i in images if i.scene.startswith("standing")], near_rear=False)
    if args.alternatives:
        print_alternatives(poses, args.yaws)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
