"""Write the golden landmarks that ``tests/test_estimator.py`` compares the model against.

Run once after a deliberate change of the model or of image decoding, then review the diff::

    python tests/golden/make_golden.py [DATA_DIR]     # DATA_DIR defaults to ../shared/data

Each ``<photo stem>.json`` holds the bundled model's 33 landmarks for one photo of DATA_DIR/photos,
in pixels of the image `posecheck.imageio.load_image` returns, with their visibility.  Only these
numbers are stored, never the photos (they are not ours to copy).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from posecheck.estimator import PoseEstimator
from posecheck.imageio import load_image
from posecheck.landmarks import Landmark
from posecheck.modelstore import sha256_of

GOLDEN_DIR = Path(__file__).resolve().parent
DEFAULT_DATA_DIR = Path(__file__).resolve().parents[3] / "shared" / "data"
# Clear, whole-body photos, one per family of poses: kneeling lunge, standing side view, cobra.
GOLDEN_PHOTOS = (
    "A_trace_anjaneyasana_f00063.png",
    "D_fxdb_standing_side.jpg",
    "C1_trace_bhujangasana_f00287.png",
)


def golden_record(estimator: PoseEstimator, photo: Path) -> dict[str, object]:
    image = load_image(photo)
    pose = estimator.detect(image)
    if pose is None:
        raise SystemExit(f"no person found in {photo}; pick another golden photo")
    return {
        "photo": photo.name,
        "image_size": list(pose.image_size),
        "model": estimator.model_name,
        "model_sha256": sha256_of(estimator.model_path),
        "landmarks": [
            {
                "name": landmark.name,
                "x": round(float(pose.xy[landmark, 0]), 2),
                "y": round(float(pose.xy[landmark, 1]), 2),
                "visibility": round(float(pose.visibility[landmark]), 4),
            }
            for landmark in Landmark
        ],
    }


def to_json(record: dict[str, object]) -> str:
    """Pretty JSON with one landmark per line, so a regenerated file diffs readably."""
    landmarks = record["landmarks"]
    assert isinstance(landmarks, list)
    head = json.dumps({key: value for key, value in record.items() if key != "landmarks"}, indent=1)
    rows = ",\n  ".join(json.dumps(row) for row in landmarks)
    return head[:-2] + f',\n "landmarks": [\n  {rows}\n ]\n}}\n'


def main(argv: list[str]) -> int:
    data_dir = Path(argv[0]) if argv else DEFAULT_DATA_DIR
    with PoseEstimator(model="full", mode="image") as estimator:
        for name in GOLDEN_PHOTOS:
            record = golden_record(estimator, data_dir / "photos" / name)
            target = GOLDEN_DIR / f"{Path(name).stem}.json"
            target.write_text(to_json(record), encoding="utf-8")
            print(f"wrote {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
