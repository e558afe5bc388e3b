"""Accuracy of the photo check on the labelled photos: ``python benchmarks/accuracy.py ../shared/data``.

Runs exactly what ``posecheck photo`` runs (bundled model, default settings or ``--config``)
over every photo in ``labels.csv`` and prints:

* person found, and exercise recognised (``accept`` lists other acceptable answers);
* a confusion table of the exercise recognition by label category;
* per labelled check (front_knee_over_ankle, trunk_upright, rear_leg_straight) the agreement
  with the label, among photos recognised as an exercise that has the check;
* ``pelvis_on_floor`` on cobra (C1, should pass) and upward-dog (C2, should fail) photos.

``--misses`` lists every disagreement, to read the photos (never to tune per image).
``--mirror`` flips every photo left-right first: the rules must not care which way the person
faces, so the figures should barely move (a check on how well they carry over to new photos).
``--scale F`` resizes every photo by F first (e.g. 0.5): nor should they care about resolution.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import cv2

from posecheck.config import load_settings
from posecheck.errors import PosecheckError
from posecheck.estimator import PoseEstimator
from posecheck.imageio import load_image
from posecheck.pipeline import analyse_photo
from posecheck.turns import turn_image

EXPECTED = {
    "A": "kneeling_lunge",
    "B": "standing_lunge",
    "C1": "prone_press_up",
    "C2": "prone_press_up",
    "D": "standing_posture",
    "N": None,
}
LABELLED_CHECKS = ("front_knee_over_ankle", "trunk_upright", "rear_leg_straight")
IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path, help="folder with labels.csv and photos/")
    parser.add_argument("--config", help="settings TOML to evaluate instead of the defaults")
    parser.add_argument("--model", default="full")
    parser.add_argument("--misses", action="store_true", help="list every disagreement")
    parser.add_argument("--mirror", action="store_true", help="flip every photo left-right first")
    parser.add_argument("--scale", type=float, default=1.0, help="resize every photo by this factor first")
    args = parser.parse_args()

    settings = load_settings(args.config)
    with (args.data / "labels.csv").open(newline="", encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle) if Path(r["file"]).suffix.lower() in IMAGE_SUFFIXES]

    confusion: Counter[tuple[str, str]] = Counter()
    agreement: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: list[str] = []
    found = recognised = 0
    started = time.perf_counter()
    with PoseEstimator(args.model, mode="image") as estimator:
        for row in rows:
            category, name = row["category"], row["file"]
            try:
                image = load_image(args.data / name)
            except PosecheckError as error:
                print(f"skip {name}: {error}", file=sys.stderr)
                continue
            if args.mirror:
                image = turn_image(image, "mirror")
            if args.scale != 1.0:
                image = cv2.resize(image, None, fx=args.scale, fy=args.scale, interpolation=cv2.INTER_AREA)
            _, result = analyse_photo(estimator, image, settings)
            found += result.person_found
            got = result.exercise if result.person_found else "no person"
            confusion[(category, str(got))] += 1
            # "accept" lists other acceptable answers, e.g. "prone_press_up|null".
            extra = {None if a == "null" else a for a in row["accept"].split("|") if a}
            accepted = {EXPECTED[category], *extra}
            if result.exercise in accepted:
                recognised += 1
            else:
                misses.append(f"exercise  {name}: {got} (expected {EXPECTED[category]})")
            for check_id in LABELLED_CHECKS:
                check = result.check(check_id)
                if row[check_id] and check is not None:
                    agreement[check_id][0] += check.status == row[check_id]
                    agreement[check_id][1] += 1
                    if check.status != row[check_id]:
                        misses.append(
                            f"{check_id}  {name}: {check.status} {check.value:.1f} (label {row[check_id]})"
                        )
            pelvis = result.check("pelvis_on_floor")
            if category in ("C1", "C2"):
                wanted = "pass" if category == "C1" else "fail"
                ok = pelvis is not None and pelvis.status == wanted
                agreement["pelvis_on_floor"][0] += ok
                agreement["pelvis_on_floor"][1] += 1
                if not ok:
                    value = f"{pelvis.status} {pelvis.value:.3f}" if pelvis else "not judged"
                    misses.append(f"pelvis_on_floor  {name}: {value} (expected {wanted})")
    total = sum(confusion.values())
    elapsed = time.perf_counter() - started

    print(f"photos: {total}   ({elapsed:.0f} s, model {estimator.model_name})")
    print(f"person found:        {found}/{total} = {found / total:.1%}")
    print(f"exercise recognised: {recognised}/{total} = {recognised / total:.1%}")
    answers = sorted({got for _, got in confusion})
    print("\nconfusion (rows: label category, columns: recognised exercise)")
    print(f"{'':4}" + "".join(f"{a[:16]:>17}" for a in answers))
    for category in EXPECTED:
        print(f"{category:4}" + "".join(f"{confusion[(category, a)] or '':>17}" for a in answers))
    print("\nagreement with labels (photos where the check was judged)")
    for check_id, (agree, count) in agreement.items():
        print(f"  {check_id:24} {agree:3}/{count:<3} = {agree / count:.1%}")
    if args.misses:
        print("\ndisagreements:")
        print("\n".join(f"  {m}" for m in misses))
    return 0


if __name__ == "__main__":
    sys.exit(main())
