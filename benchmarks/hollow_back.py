"""Validation of the ``hollow_back`` measure (`posecheck.lumbar`): mannequin and real photos.

``mannequin``: renders the mannequin (`posecheck.synth.render`) standing and in both lunges
with a growing lumbar hollow (`BodyAngles.lumbar_hollow_m`: the waist drawn forward), runs
the bundled pose model on each image and measures the hollow from the model's segmentation
mask and landmarks.  The truth is the same measure on the renderer's exact silhouette with
the true landmarks.  Prints the table (truth, measured, error) and whether the measured
depth rises monotonically with the rendered curve.

``photos DATA``: the labelled standing side views of ``DATA/labels.csv`` (``hollow_back``
column, category D), analysed as ``posecheck photo --exercise standing-posture`` does (they
are all standing; recognising that is ``benchmarks/accuracy.py``'s business, and two are
cropped above the knees), against the default threshold; also the ``group=`` pairs of one
person neutral and tilted.  Nothing here is tuned.

Usage::

    python3 benchmarks/hollow_back.py mannequin [--supersample 2]
    python3 benchmarks/hollow_back.py photos ../shared/data [--overlays DIR]
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import cv2
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from posecheck import metrics as m  # noqa: E402
from posecheck.config import DEFAULT_SETTINGS, Settings  # noqa: E402
from posecheck.estimator import PoseEstimator  # noqa: E402
from posecheck.imageio import load_image  # noqa: E402
from posecheck.landmarks import Pose  # noqa: E402
from posecheck.lumbar import BackCurve, back_curve  # noqa: E402
from posecheck.pipeline import analyse_photo  # noqa: E402
from posecheck.synth import body as sb  # noqa: E402
from posecheck.synth.render import render_sample, render_silhouette  # noqa: E402

HOLLOWS_M = (0.0, 0.01, 0.02, 0.03, 0.04, 0.05, 0.06)
CAMERA = sb.Camera(distance_m=2.6, height_m=0.9)


@dataclass(frozen=True)
class Scene:
    name: str
    angles: sb.BodyAngles
    facing: sb.Facing = "right"
    lunge: bool = False


SCENES = (
    Scene("standing", sb.standing()),
    Scene("standing, facing left", sb.standing(), "left"),
    Scene("kneeling lunge", sb.kneeling_lunge(arms="hanging"), lunge=True),
    Scene("kneeling lunge, hip 30", sb.kneeling_lunge(arms="hanging", hip_extension_deg=30), lunge=True),
    Scene("standing lunge", sb.standing_lunge(), lunge=True),
)


def curve_of(pose: Pose | None, settings: Settings, lunge: bool) -> BackCurve | None:
    if pose is None:
        return None
    body = m.Body(pose, settings)
    return back_curve(body, m.orientation(body, settings), lunge=lunge)


def mannequin(args: argparse.Namespace) -> int:
    settings = DEFAULT_SETTINGS
    trunk = sb.DEFAULT_SHAPE.trunk
    print(
        f"lumbar hollow of the mannequin, depth in trunk lengths ({trunk:.2f} m); camera {CAMERA.distance_m} m"
    )
    print(f"{'scene':24} {'hollow m':>8} {'nominal':>8} {'truth':>7} {'measured':>8} {'error':>7}")
    errors: list[float] = []
    monotonic = []
    with PoseEstimator(args.model, mode="image") as estimator:
        for scene in SCENES:
            measured_row = []
            for hollow in HOLLOWS_M:
                angles = replace(scene.angles, lumbar_hollow_m=hollow)
                image, truth_pose = render_sample(
                    angles, CAMERA, facing=scene.facing, supersample=args.supersample
                )
                silhouette = render_silhouette(
                    angles, CAMERA, facing=scene.facing, supersample=args.supersample
                )
                truth = curve_of(truth_pose.replace(mask=silhouette), settings, scene.lunge)
                found = curve_of(
                    estimator.detect(cv2.cvtColor(image, cv2.COLOR_RGB2BGR), 0.0), settings, scene.lunge
                )
                t = truth.depth_ratio if truth is not None else float("nan")
                v = found.depth_ratio if found is not None else float("nan")
                errors.append(v - t)
                measured_row.append(v)
                print(f"{scene.name:24} {hollow:8.2f} {hollow / trunk:8.3f} {t:7.3f} {v:8.3f} {v - t:+7.3f}")
            rising = bool(np.all(np.diff(measured_row) > 0))
            monotonic.append(rising)
            print(f"{'':24} measured depth rises monotonically: {'yes' if rising else 'NO'}")
    err = np.array(errors)
    ok = np.isfinite(err)
    print(
        f"\nall scenes: mean error {np.mean(err[ok]):+.3f}, mean |error| {np.mean(np.abs(err[ok])):.3f}, "
        f"max |error| {np.max(np.abs(err[ok])):.3f} trunk lengths ({ok.sum()}/{len(err)} measured); "
        f"monotonic in {sum(monotonic)}/{len(monotonic)} scenes"
    )
    return 0


def photos(args: argparse.Namespace) -> int:
    settings = DEFAULT_SETTINGS
    with (args.data / "labels.csv").open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if r["category"] == "D" and r["side_view"] == "yes"]
    limit = settings.max_lumbar_depth_ratio
    print(f"standing side views, hollow_back at the default threshold (depth <= {limit:g} trunk lengths)")
    print(f"{'photo':42} {'label':>5} {'status':>8} {'depth':>6}  group")
    agree = judged = 0
    by_group: dict[str, list[tuple[str, float]]] = {}
    if args.overlays is not None:
        args.overlays.mkdir(parents=True, exist_ok=True)
    with PoseEstimator(args.model, mode="image") as estimator:
        for row in rows:
            image = load_image(args.data / row["file"])
            pose, result = analyse_photo(estimator, image, settings, exercise="standing_posture")
            check = result.check("hollow_back")
            status = check.status if check is not None else "-"
            value = check.value if check is not None else float("nan")
            match = re.search(r"group=([\w-]+)", row["note"])
            group = match.group(1) if match else ""
            name = Path(row["file"]).stem
            by_group.setdefault(group, []).append((name, value))
            if row["hollow_back"] and status in ("pass", "fail"):
                judged += 1
                agree += status == row["hollow_back"]
            print(f"{name:42} {row['hollow_back'] or '-':>5} {status:>8} {value:6.3f}  {group}")
            if args.overlays is not None and pose is not None:
                from posecheck.render import OverlayRenderer

                canvas = OverlayRenderer().draw(image, pose, result)
                cv2.imwrite(str(args.overlays / f"{name}.png"), canvas)
    labelled = sum(1 for r in rows if r["hollow_back"])
    print(f"\nagreement with the hollow_back labels: {agree}/{judged} judged ({labelled} labelled)")
    pairs = {g: v for g, v in by_group.items() if g and len(v) > 1}
    if pairs:
        print("\none person, two postures (group=):")
        for group, members in pairs.items():
            print("  " + group + ": " + ", ".join(f"{n.split('_')[2]} {v:.3f}" for n, v in members))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="full")
    sub = parser.add_subparsers(dest="command", required=True)
    manq = sub.add_parser("mannequin", help="rendered mannequin with a growing lumbar hollow")
    manq.add_argument("--supersample", type=int, default=2)
    phot = sub.add_parser("photos", help="agreement with the labelled standing side views")
    phot.add_argument("data", type=Path)
    phot.add_argument("--overlays", type=Path, help="write the drawn overlays here (PNG)")
    args = parser.parse_args()
    return mannequin(args) if args.command == "mannequin" else photos(args)


if __name__ == "__main__":
    sys.exit(main())
