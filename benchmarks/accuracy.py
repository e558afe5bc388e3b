"""Accuracy of the photo check on the labelled photos: ``python benchmarks/accuracy.py ../shared/data``.

Runs exactly what ``posecheck photo`` runs (bundled model, default settings or ``--config``)
over every photo in ``labels.csv`` and prints:

* person found, and exercise recognised (``accept`` lists other acceptable answers), overall
  and per label category, with a confusion table;
* per labelled check the balanced accuracy (mean of the pass and the fail recall, where both
  occur; ``unknown`` counts as wrong), among photos recognised as an exercise that has the
  check; ``pelvis_on_floor`` on every cobra (C1, should pass) and upward-dog (C2, should fail);
* beside each plain figure the **leave-one-source-out** figure: every threshold that config.py
  takes from the labels (``labelled.FITTED``, adopted; see ``calibrate.py``) is fitted again without one
  source (a ``repo``, joined with every ``group=`` of ``note``: frames of one video or one
  person are never split) and judged on that source alone; the verdicts of all the left-out
  sources are pooled.  A plain figure well above its cross-validated one means a threshold
  fits the photos rather than the poses.

The model output (the final pose after the second look) is cached per photo under ``--cache``
(default ``/tmp/calib/cache``), so a second run takes seconds.
``--misses`` lists every disagreement, to read the photos (never to tune per image).
``--mirror`` flips every photo left-right first: the rules must not care which way the person
faces, so the figures should barely move (a check on how well they carry over to new photos).
``--scale F`` resizes every photo by F first (e.g. 0.5): nor should they care about resolution.
``--roll DEG`` turns every photo DEG degrees counterclockwise first (a camera not held level) and
``--webcam`` makes it a cheap webcam's picture (640 px, soft, dark, JPEG quality 50): other cameras.
"""

from __future__ import annotations

import logging
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.labelled import (
    EXPECTED,
    FITTED,
    Outcome,
    Row,
    cached_poses,
    check_pair,
    exercise_right,
    fold_settings,
    judge,
    labelled_arguments,
    load_rows,
    score,
    sweep,
)
from posecheck.config import Settings, load_settings
from posecheck.landmarks import Pose

CHECKS = (
    "front_knee_over_ankle",
    "trunk_upright",
    "rear_leg_straight",
    "pelvis_on_floor",
    "hollow_back",
    "forward_head",
    "plumb_line",
)


def cross_validated_outcomes(
    rows: list[Row], poses: dict[str, Pose | None], settings: Settings
) -> dict[str, Outcome]:
    """Every photo judged with the fitted thresholds fitted on the other sources only."""
    sweeps = [sweep(f, rows, poses, settings) for f in FITTED if f.adopted]
    outcomes: dict[str, Outcome] = {}
    for source in sorted({r.source for r in rows}):
        fold = fold_settings([r for r in rows if r.source != source], sweeps, settings)
        outcomes.update(judge([r for r in rows if r.source == source], poses, fold))
    return outcomes


def _figure(value: float, count: int) -> str:
    return f"{value:6.1%} ({count:3})" if count else f"{'-':>6} (  0)"


def main() -> int:
    parser = labelled_arguments(__doc__.splitlines()[0])
    parser.add_argument("--misses", action="store_true", help="list every disagreement")
    parser.add_argument("--no-cv", action="store_true", help="plain figures only")
    parser.add_argument("--mirror", action="store_true", help="flip every photo left-right first")
    parser.add_argument("--scale", type=float, default=1.0, help="resize every photo by this factor first")
    parser.add_argument("--roll", type=float, default=0.0, help="turn every photo this many degrees first")
    parser.add_argument(
        "--webcam", action="store_true", help="make every photo a cheap webcam's picture first"
    )
    parser.add_argument(
        "--no-world",
        action="store_true",
        help="drop the model's 3D world landmarks: every angle in the image, the view from the width (as before)",
    )
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    settings = load_settings(args.config)
    rows = load_rows(args.data)
    started = time.perf_counter()
    poses = cached_poses(
        rows,
        args.data,
        settings,
        model=args.model,
        cache=args.cache,
        mirror=args.mirror,
        scale=args.scale,
        roll=args.roll,
        webcam=args.webcam,
    )
    if args.no_world:
        poses = {name: pose.replace(world=None) if pose is not None else None for name, pose in poses.items()}
    rows = [r for r in rows if r.file in poses]
    plain = judge(rows, poses, settings)
    cv = {} if args.no_cv else cross_validated_outcomes(rows, poses, settings)
    elapsed = time.perf_counter() - started

    total = len(rows)
    found = sum(o.person_found for o in plain.values())
    print(f"photos: {total}   ({elapsed:.0f} s, model {args.model}, sources {len({r.source for r in rows})})")
    print(f"person found: {found}/{total} = {found / total:.1%}")
    header = f"{'':28}{'plain':>13}{'leave-one-source-out':>24}"
    print("\n" + header)

    def line(name: str, subset: list[Row], objective: str) -> None:
        p = _figure(*score(subset, plain, objective))
        c = _figure(*score(subset, cv, objective)) if cv else ""
        print(f"  {name:26}{p:>13}{c:>24}")

    line("exercise recognised", rows, "exercise")
    for category in EXPECTED:
        line(f"  category {category}", [r for r in rows if r.category == category], "exercise")
    print("balanced accuracy of the checks (photos where judged)")
    for check_id in CHECKS:
        line(check_id, rows, check_id)
        for category in EXPECTED:
            subset = [r for r in rows if r.category == category and check_id in r.labels]
            if subset and len({r.category for r in rows if check_id in r.labels}) > 1:
                line(f"  category {category}", subset, check_id)

    confusion = Counter((r.category, str(plain[r.file].exercise)) for r in rows)
    answers = sorted({got for _, got in confusion})
    print("\nconfusion, plain (rows: label category, columns: recognised exercise)")
    print(f"{'':4}" + "".join(f"{a[:16]:>17}" for a in answers))
    for category in EXPECTED:
        print(f"{category:4}" + "".join(f"{confusion[(category, a)] or '':>17}" for a in answers))
    if args.misses:
        print("\ndisagreements (plain):")
        for row in rows:
            outcome = plain[row.file]
            if not exercise_right(row, outcome):
                print(f"  exercise  {row.file}: {outcome.exercise} (expected {EXPECTED[row.category]})")
            for check_id in CHECKS:
                pair = check_pair(row, outcome, check_id)
                if pair and pair[0] != pair[1]:
                    value = outcome.checks.get(check_id, ("", float("nan")))[1]
                    print(f"  {check_id}  {row.file}: {pair[1]} {value:.3g} (label {pair[0]})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
