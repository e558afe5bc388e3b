"""Build ``pose_landmarker_full.task`` reproducibly from the mediapipe 0.10.21 wheel on PyPI.

mediapipe >= 0.10.30 ships no pose model and the official bundles live on a host these
machines cannot reach.  The 0.10.21 wheel still carries the two TFLite graphs the Tasks API
needs; this script adds the image-normalisation metadata ``PoseLandmarker`` requires and
zips them into a ``.task`` bundle (an uncompressed, 4-byte aligned zip).

Usage::

    python models/build_model.py                 # downloads the wheel with pip, builds, checks sha256
    python models/build_model.py --wheel W.whl   # use a wheel already on disk

The metadata writer of mediapipe 1.x does not import (a compiled module is missing), so the
script creates a throw-away virtual environment with mediapipe==0.10.21 and runs its writer
there (``--inner`` mode).  The output is byte-for-byte reproducible: fixed zip timestamps.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tempfile
import venv
import zipfile
from pathlib import Path

WHEEL_REQUIREMENT = "mediapipe==0.10.21"
DETECTOR_IN_WHEEL = "mediapipe/modules/pose_detection/pose_detection.tflite"
LANDMARKER_IN_WHEEL = "mediapipe/modules/pose_landmark/pose_landmark_full.tflite"
OUTPUT = Path(__file__).resolve().parent / "pose_landmarker_full.task"
# Written down in models/README.md and posecheck/modelstore.py (MODELS["full"]) too.
EXPECTED_SHA256 = "104c4ffe55f9e11724ffe2d120c0405952898675f773b2053af125e60750c730"

# (bundle member, file in wheel, normalisation mean, std) - what PoseLandmarker expects.
MEMBERS = (
    ("pose_detector.tflite", DETECTOR_IN_WHEEL, 127.5, 127.5),
    ("pose_landmarks_detector.tflite", LANDMARKER_IN_WHEEL, 0.0, 255.0),
)
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def build_inside_mediapipe_0_10_21(wheel: Path, output: Path) -> None:
    """Runs in the venv that has mediapipe 0.10.21 installed."""
    # Imported here: only the throw-away 0.10.21 environment has these modules.
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer
    from mediapipe.tasks.python.metadata.metadata_writers.model_asset_bundle_utils import AlignZipFile

    with zipfile.ZipFile(wheel) as wheel_zip:
        models = {}
        for member, source, mean, std in MEMBERS:
            writer = metadata_writer.MetadataWriter.create(bytearray(wheel_zip.read(source)))
            writer.add_general_info(member.removesuffix(".tflite"), f"{source} from {wheel.name}")
            writer.add_image_input(norm_mean=[mean], norm_std=[std])
            model_bytes, _ = writer.populate()
            models[member] = bytes(model_bytes)
    with AlignZipFile(output, mode="w", alignment=4) as bundle:
        for member, data in models.items():
            info = zipfile.ZipInfo(member, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            bundle.writestr(info, data)


def download_wheel(into: Path) -> Path:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "download",
            "--no-deps",
            "--only-binary=:all:",
            "--python-version",
            "3.11",
            "--platform",
            "manylinux_2_28_x86_64",
            "-d",
            str(into),
            WHEEL_REQUIREMENT,
        ],
        check=True,
    )
    return next(into.glob("mediapipe-0.10.21-*.whl"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheel", type=Path, help="mediapipe-0.10.21 wheel (downloaded with pip if omitted)")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.inner:
        build_inside_mediapipe_0_10_21(args.wheel, args.output)
        return 0

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        wheel = args.wheel or download_wheel(tmp_path)
        env_dir = tmp_path / "venv"
        venv.create(env_dir, with_pip=True)
        python = env_dir / "bin" / "python"
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True)
        subprocess.run(
            [str(python), __file__, "--inner", "--wheel", str(wheel), "--output", str(args.output)],
            check=True,
        )
    digest = sha256_of(args.output)
    print(f"wrote {args.output}\nsha256 {digest}")
    if digest != EXPECTED_SHA256:
        # Not fatal: a different writer version may change bytes; posecheck will refuse the file
        # until posecheck/modelstore.py and models/README.md carry the new sha256.
        print(
            f"warning: sha256 differs from the expected {EXPECTED_SHA256}; the build is not "
            "reproducible here, and posecheck will reject this file until the sha256 is updated "
            "in posecheck/modelstore.py and models/README.md",
            file=sys.stderr,
        )
    else:
        print("sha256 matches the expected value")
    return 0


if __name__ == "__main__":
    sys.exit(main())
