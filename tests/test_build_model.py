"""models/build_model.py: variants, where their graphs come from, default outputs (no network, no npm)."""

from __future__ import annotations

import importlib.util
import io
import json
import sys
import tarfile
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from posecheck import modelstore

SCRIPT = Path(__file__).resolve().parents[1] / "models" / "build_model.py"
NPM_SPEC = "@mediapipe/pose@0.5.1675469404"
WHEEL_NAME = "mediapipe-0.10.21-cp311-cp311-manylinux_2_28_x86_64.whl"


@pytest.fixture(scope="module")
def build_model() -> ModuleType:
    if not SCRIPT.is_file():
        pytest.skip("models/build_model.py is not part of an installed package")
    spec = importlib.util.spec_from_file_location("build_model", SCRIPT)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["build_model"] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "posecheck" / "models"


def fake_wheel(path: Path, build_model: ModuleType) -> Path:
    with zipfile.ZipFile(path, "w") as wheel:
        wheel.writestr(build_model.DETECTOR_IN_WHEEL, b"wheel detector")
        wheel.writestr(build_model.LANDMARKER_IN_WHEEL, b"wheel full landmarks")
    return path


def fake_npm_tarball(path: Path) -> Path:
    package = json.dumps({"name": "@mediapipe/pose", "version": "0.5.1675469404"}).encode()
    files = {"package/package.json": package}
    for variant in ("lite", "full", "heavy"):
        files[f"package/pose_landmark_{variant}.tflite"] = f"npm {variant} landmarks".encode()
    with tarfile.open(path, "w:gz") as archive:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def test_variants_and_expected_sha256(build_model: ModuleType) -> None:
    assert build_model.VARIANTS == ("full", "lite", "heavy")
    assert build_model.EXPECTED_SHA256_BY_VARIANT["full"] == modelstore.MODELS["full"].sha256
    assert all(len(digest) == 64 for digest in build_model.EXPECTED_SHA256_BY_VARIANT.values())


@pytest.mark.parametrize(
    ("variant", "archive", "source"),
    [
        ("full", "wheel", "mediapipe/modules/pose_landmark/pose_landmark_full.tflite"),
        ("lite", "npm", "package/pose_landmark_lite.tflite"),
        ("heavy", "npm", "package/pose_landmark_heavy.tflite"),
    ],
)
def test_landmark_graph_source_per_variant(
    build_model: ModuleType, variant: str, archive: str, source: str
) -> None:
    detector, landmarks = build_model.members(variant)
    assert (detector.name, landmarks.name) == modelstore.BUNDLE_MEMBERS
    # The detector always comes from the wheel, the normalisation is the same for every variant.
    assert (detector.archive, detector.source) == ("wheel", build_model.DETECTOR_IN_WHEEL)
    assert (detector.mean, detector.std) == (127.5, 127.5)
    assert (landmarks.archive, landmarks.source) == (archive, source)
    assert (landmarks.mean, landmarks.std) == (0.0, 255.0)
    assert build_model.needs_npm(variant) == (archive == "npm")


def test_default_outputs(build_model: ModuleType, cache: Path) -> None:
    full = build_model.parse_args([])
    assert full.variant == "full"
    assert full.output == SCRIPT.parent / "pose_landmarker_full.task"
    for variant in ("lite", "heavy"):
        args = build_model.parse_args(["--variant", variant])
        assert args.output == cache / f"pose_landmarker_{variant}.task" == modelstore.model_path(variant)


def test_out_overrides_the_default(build_model: ModuleType, cache: Path, tmp_path: Path) -> None:
    target = tmp_path / "x.task"
    assert build_model.parse_args(["--variant", "lite", "--out", str(target)]).output == target
    assert build_model.parse_args(["--output", str(target)]).output == target
    npm = tmp_path / "pose.tgz"
    assert build_model.parse_args(["--variant", "heavy", "--npm-tarball", str(npm)]).npm_tarball == npm


def test_unknown_variant_is_refused(build_model: ModuleType, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        build_model.parse_args(["--variant", "medium"])
    assert "invalid choice: 'medium'" in capsys.readouterr().err


def test_read_graphs_full_uses_the_wheel_only(build_model: ModuleType, tmp_path: Path) -> None:
    wheel = fake_wheel(tmp_path / WHEEL_NAME, build_model)
    graphs = build_model.read_graphs("full", wheel, None)
    assert [(member.name, data) for member, data, _ in graphs] == [
        ("pose_detector.tflite", b"wheel detector"),
        ("pose_landmarks_detector.tflite", b"wheel full landmarks"),
    ]
    # This description is inside the committed full bundle: changing it changes its sha256.
    assert graphs[1][2] == f"{build_model.LANDMARKER_IN_WHEEL} from {WHEEL_NAME}"


@pytest.mark.parametrize("variant", ["lite", "heavy"])
def test_read_graphs_takes_lite_and_heavy_landmarks_from_npm(
    build_model: ModuleType, tmp_path: Path, variant: str
) -> None:
    wheel = fake_wheel(tmp_path / WHEEL_NAME, build_model)
    tarball = fake_npm_tarball(tmp_path / "renamed.tgz")
    (_, detector, _), (_, landmarks, description) = build_model.read_graphs(variant, wheel, tarball)
    assert detector == b"wheel detector"
    assert landmarks == f"npm {variant} landmarks".encode()
    # Named by package and version, not by the tarball's file name, so the build is reproducible.
    assert description == f"package/pose_landmark_{variant}.tflite from {NPM_SPEC}"
    with pytest.raises(ValueError, match="npm tarball"):
        build_model.read_graphs(variant, wheel, None)


def test_record_sha256_writes_the_download_sidecar(tmp_path: Path) -> None:
    model = tmp_path / "pose_landmarker_lite.task"
    model.write_bytes(b"bundle")
    digest = modelstore.record_sha256(model)
    assert modelstore.sidecar_path(model).read_text() == f"{digest}  pose_landmarker_lite.task\n"
    assert modelstore.recorded_sha256(model) == digest == modelstore.sha256_of(model)
