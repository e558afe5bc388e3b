"""Fit ``max_pelvis_gap_ratio`` on rendered mannequins whose pelvis lift is known:
``python benchmarks/pelvis_mannequin.py [../shared/data]``.

Real upward dogs are scarce (5 dev photos), so a limit fitted on them follows those photos,
not the pose (leave-one-source-out 86.8%).  The rendered mannequin (`posecheck.synth.render`)
supplies both sides of the limit with the truth known: prone press-ups on straight arms
(the only ones `pelvis_on_floor` judges by ``max_pelvis_gap_ratio``; bent elbows have their own
limit) with the pelvis lifted 0 to 15 cm above its resting height, hands under or ahead of the
shoulders, seen side-on and from 25 deg off side-on, from a camera at floor, hip and table
height, facing either way, on a slim, a medium and a broad body.  Each render goes through
exactly what ``posecheck photo`` runs (bundled model, second look, segmentation mask, `assess`).

The physical criterion (the labels of the fit):

* on the floor: lift <= ``ON_FLOOR_M`` (1 cm: the front of the pelvis still presses on the floor);
* off the floor: lift >= ``OFF_FLOOR_M`` (5 cm: a flat hand fits under the pelvis);
* in between: not used (neither answer is wrong).

The limit is the centre of the widest plateau of the best balanced accuracy over the renders
(`labelled.plateau_centre`, as ``calibrate.py``).  It is printed with its score on the
mannequins, the score when each camera/body setup is left out in turn (refitted on the
others), and -- given the data folder -- the balanced accuracy of ``pelvis_on_floor`` on the
real cobra/upward-dog photos of ``../shared/data`` at that limit: photos the limit was not
fitted on.  The model output is cached per render under ``--cache``.
"""

from __future__ import annotations

import argparse
import logging
import sys
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.labelled import (
    DEFAULT_CACHE,
    balanced_accuracy,
    cached_detections,
    cached_poses,
    judge,
    load_rows,
    plateau_centre,
    render_code_version,
    score,
)
from posecheck import metrics as m
from posecheck.assess import assess
from posecheck.config import Settings, load_settings
from posecheck.exercises.prone_press_up import elbow_angle, pelvis_gap
from posecheck.landmarks import Pose
from posecheck.synth import body as sb

log = logging.getLogger(__name__)

ON_FLOOR_M = 0.01
OFF_FLOOR_M = 0.05
LIFTS_M = (0.0, 0.01, 0.03, 0.05, 0.07, 0.10, 0.15)
HANDS_FORWARD = (0.0, 0.5)  # wrists under the shoulders, and half an upper arm ahead
YAWS_DEG = (0.0, 25.0)
CAMERA_HEIGHTS_M = (0.15, 0.5, 0.9)
BODY_SCALES = (0.9, 1.0, 1.1)  # segment lengths and radii; 1.0 = 1.75 m
GRID = np.linspace(0.02, 0.14, 49)  # as benchmarks.labelled.FITTED


@dataclass(frozen=True)
class Render:
    """One rendered prone press-up on straight arms and how it is seen."""

    lift_m: float
    hands_forward: float
    yaw_deg: float
    camera_height_m: float
    body_scale: float
    facing: str

    @property
    def setup(self) -> str:
        """The camera and body: the group left out together in the cross-validation."""
        return f"yaw{self.yaw_deg:g}/h{self.camera_height_m:g}/body{self.body_scale:g}"

    @property
    def label(self) -> str | None:
        if self.lift_m <= ON_FLOOR_M:
            return "pass"
        return "fail" if self.lift_m >= OFF_FLOOR_M else None


def scaled_shape(scale: float) -> sb.BodyShape:
    """`DEFAULT_SHAPE` with every length and radius times ``scale``."""
    base = sb.DEFAULT_SHAPE
    values: dict[str, Any] = {}
    for name, value in vars(base).items():
        values[name] = tuple(v * scale for v in value) if isinstance(value, tuple) else value * scale
    return replace(base, **values)


def straight_arm_press_up(lift_m: float, hands_forward: float, shape: sb.BodyShape) -> sb.BodyAngles:
    """`synth.body.prone_press_up` with the chest raised until the arms are straight
    (the elbow 2 deg short of 180) for this pelvis lift and hand position."""
    reach = 0.9994 * (shape.upper_arm + shape.forearm)  # elbow ~176 deg
    low, high = 1.0, 89.0
    for _ in range(40):
        chest = (low + high) / 2
        shoulder_z = shape.hip_clearance + lift_m + shape.trunk * np.sin(np.radians(chest))
        shoulder_x = shape.trunk * np.cos(np.radians(chest))
        wrist = np.array([shoulder_x + hands_forward * shape.upper_arm, shape.wrist_clearance])
        distance = float(np.hypot(wrist[0] - shoulder_x, shoulder_z - wrist[1]))
        low, high = (chest, high) if distance < reach else (low, chest)
    return sb.prone_press_up(low, pelvis_lift_m=lift_m, hands_forward=hands_forward, shape=shape)


def renders() -> list[Render]:
    out = []
    for index, (yaw, height, scale) in enumerate(
        (y, h, s) for y in YAWS_DEG for h in CAMERA_HEIGHTS_M for s in BODY_SCALES
    ):
        facing = "right" if index % 2 == 0 else "left"
        out += [
            Render(lift, hands, yaw, height, scale, facing) for lift in LIFTS_M for hands in HANDS_FORWARD
        ]
    return out


def _image(item: Render) -> np.ndarray:
    """The render as a BGR image (what the estimator takes)."""
    from posecheck.synth.render import render

    shape = scaled_shape(item.body_scale)
    angles = straight_arm_press_up(item.lift_m, item.hands_forward, shape)
    camera = sb.Camera(yaw_deg=item.yaw_deg, height_m=item.camera_height_m, distance_m=3.0)
    image = render(angles, camera, facing=item.facing, shape=shape)  # type: ignore[arg-type]
    return np.ascontiguousarray(image[..., ::-1])


def detect(items: list[Render], settings: Settings, model: str, cache: Path) -> dict[Render, Pose | None]:
    """What ``posecheck photo`` finds in each render (cached per render, renderer and code version)."""
    renderer = render_code_version()
    jobs = [(item, f"{item}|{model}|{renderer}".encode(), partial(_image, item)) for item in items]
    return cached_detections(jobs, settings, model=model, cache=cache, prefix="mannequin-")


@dataclass(frozen=True)
class Measured:
    """One render: the exercise recognised, the pelvis gap, and ``pelvis_on_floor`` at every
    grid value of ``max_pelvis_gap_ratio`` (``unknown`` when not recognised as a press-up)."""

    render: Render
    exercise: str | None
    gap: float  # pelvis_gap, thigh lengths (NaN: not measured)
    straight_arms: bool
    verdicts: tuple[str, ...]


def _status(pose: Pose | None, settings: Settings) -> str:
    check = assess(pose, settings).check("pelvis_on_floor")
    return "unknown" if check is None else check.status


def measure(poses: dict[Render, Pose | None], settings: Settings) -> list[Measured]:
    out = []
    for item, pose in poses.items():
        verdicts = tuple(_status(pose, replace(settings, max_pelvis_gap_ratio=float(v))) for v in GRID)
        if pose is None:
            out.append(Measured(item, None, float("nan"), False, verdicts))
            continue
        body = m.Body(pose, settings)
        o = m.orientation(body, settings)
        straight = bool(elbow_angle(body, o).value >= settings.min_straight_elbow_deg)
        exercise = assess(pose, settings).exercise
        out.append(Measured(item, exercise, pelvis_gap(body, o).value, straight, verdicts))
    return out


def fit(rows: list[Measured]) -> tuple[float, float]:
    """The limit (plateau centre of the best balanced accuracy) and that accuracy."""
    scores = np.array(
        [balanced_accuracy((str(r.render.label), r.verdicts[i]) for r in rows)[0] for i in range(len(GRID))]
    )
    return plateau_centre(GRID, scores), float(np.nanmax(scores))


def at(row: Measured, value: float) -> str:
    return row.verdicts[int(np.argmin(np.abs(GRID - value)))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, nargs="?", help="../shared/data: also score the real photos")
    parser.add_argument("--config", help="settings TOML to use instead of the defaults")
    parser.add_argument("--model", default="full")
    parser.add_argument("--cache", type=Path, default=DEFAULT_CACHE)
    parser.add_argument("--verbose", action="store_true", help="one line per render")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    settings = load_settings(args.config)

    measured = measure(detect(renders(), settings, args.model, args.cache), settings)
    if args.verbose:
        for row in sorted(measured, key=lambda r: (r.render.lift_m, r.render.setup)):
            print(
                f"  lift {row.render.lift_m:4.2f} hands {row.render.hands_forward:3.1f} {row.render.setup:24}"
                f" {row.render.facing:5}  {row.exercise!s:15} gap {row.gap:6.3f} straight {row.straight_arms}"
            )
    print("pelvis gap (thigh lengths) by pelvis lift; straight-arm prone press-ups on the mannequin")
    print(f"{'lift cm':>8}{'n':>4}{'recognised':>11}{'straight':>9}{'min':>8}{'median':>8}{'max':>8}")
    for lift in LIFTS_M:
        rows = [r for r in measured if r.render.lift_m == lift]
        gaps = np.array([r.gap for r in rows if np.isfinite(r.gap)])
        recognised = sum(r.exercise == "prone_press_up" for r in rows)
        straight = sum(r.straight_arms for r in rows)
        stats = (np.min(gaps), np.median(gaps), np.max(gaps)) if gaps.size else (np.nan,) * 3
        print(
            f"{lift * 100:8.0f}{len(rows):4}{recognised:11}{straight:9}" + "".join(f"{v:8.3f}" for v in stats)
        )

    labelled = [r for r in measured if r.render.label is not None]
    value, best = fit(labelled)
    held_out = []
    setups = sorted({r.render.setup for r in labelled})
    folds = []
    for setup in setups:
        fold_value, _ = fit([r for r in labelled if r.render.setup != setup])
        folds.append(fold_value)
        held_out += [(str(r.render.label), at(r, fold_value)) for r in labelled if r.render.setup == setup]
    cv, count = balanced_accuracy(held_out)
    print(
        f"\nmax_pelvis_gap_ratio fitted on {count} renders (pass: lift <= {ON_FLOOR_M * 100:g} cm, fail: lift >= "
        f"{OFF_FLOOR_M * 100:g} cm): {value:.4g}, balanced accuracy {best:.1%}; leaving one of {len(setups)} "
        f"camera/body setups out {cv:.1%} (fold values {min(folds):.4g}..{max(folds):.4g}); "
        f"default {settings.max_pelvis_gap_ratio:.4g}"
    )
    if args.data is not None:
        photos = [r for r in load_rows(args.data) if "pelvis_on_floor" in r.labels]
        poses = cached_poses(photos, args.data, settings, model=args.model, cache=args.cache)
        photos = [r for r in photos if r.file in poses]
        for name, limit in (("default", settings.max_pelvis_gap_ratio), ("mannequin fit", value)):
            outcomes = judge(photos, poses, replace(settings, max_pelvis_gap_ratio=limit))
            print(
                f"real photos (C1 pass, C2 fail) at the {name} {limit:.4g}: "
                + ", ".join(
                    f"{c} {score([r for r in photos if r.category == c], outcomes, 'pelvis_on_floor')[0]:.1%}"
                    for c in ("C1", "C2")
                )
                + f"; balanced {score(photos, outcomes, 'pelvis_on_floor')[0]:.1%} ({len(photos)} photos)"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
