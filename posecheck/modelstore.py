"""Where pose models live, how they are verified and how the optional ones are downloaded.

Three MediaPipe pose landmarker bundles are known by name (`MODELS`):

* ``full`` (default) is **bundled**: built reproducibly by ``models/build_model.py`` and shipped
  inside the wheel at ``posecheck/models/``; in an editable install it is read from the
  repository's ``models/`` folder.  Its sha256 is fixed, so a corrupt copy is caught on load.
* ``lite`` and ``heavy`` are the official MediaPipe bundles.  They are never downloaded
  implicitly: ``posecheck models --download lite`` fetches one into the user cache.  Their sha256
  is not known in advance (the host was unreachable when posecheck was written), so a download
  is checked to be a real ``.task`` bundle and its sha256 is recorded next to it in a sidecar
  file; later loads are verified against that record.  ``models/build_model.py --variant lite``
  (or ``heavy``) builds a substitute offline from the ``@mediapipe/pose`` npm graphs into
  the same place, with the same sidecar.

Any other model spec is a path to a ``.task`` file.  This module uses the standard library only
(no mediapipe import), so listing and verifying models is cheap.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import tempfile
import urllib.error
import urllib.request
import zipfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from posecheck.errors import ModelError

logger = logging.getLogger(__name__)

DEFAULT_MODEL = "full"
# Members every pose landmarker `.task` bundle carries (a zip of two TFLite graphs).
BUNDLE_MEMBERS = ("pose_detector.tflite", "pose_landmarks_detector.tflite")
DOWNLOAD_TIMEOUT_S = 10.0
SIDECAR_SUFFIX = ".sha256"
REBUILD_HINT = "rebuild it with `python models/build_model.py` (or reinstall posecheck)"
_URL = (
    "https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
    "pose_landmarker_{name}/float16/latest/pose_landmarker_{name}.task"
)
_REPO_MODELS_DIR = Path(__file__).resolve().parent.parent / "models"


@dataclass(frozen=True)
class ModelInfo:
    """One named pose model.

    Attributes:
        name: user-facing name (``lite``, ``full``, ``heavy``).
        file_name: file name of the bundle, also its identity in results (without ``.task``).
        url: the official MediaPipe download address.
        sha256: expected sha256 of the file we load, or None when it is only known after download.
        bundled: True when the file ships with posecheck (never downloaded).
    """

    name: str
    file_name: str
    url: str
    sha256: str | None
    bundled: bool = False

    @property
    def stem(self) -> str:
        return self.file_name.removesuffix(".task")


def _info(name: str, sha256: str | None = None, bundled: bool = False) -> ModelInfo:
    return ModelInfo(name, f"pose_landmarker_{name}.task", _URL.format(name=name), sha256, bundled)


MODELS: dict[str, ModelInfo] = {
    "lite": _info("lite"),
    # The bundled full model is built from the mediapipe 0.10.21 wheel, not the official bundle,
    # so this sha256 is ours (models/README.md); the URL is kept for reference only.
    "full": _info("full", "104c4ffe55f9e11724ffe2d120c0405952898675f773b2053af125e60750c730", bundled=True),
    "heavy": _info("heavy"),
}

VerifyState = Literal["verified", "mismatch", "unknown", "missing"]


@dataclass(frozen=True)
class ModelStatus:
    """What `posecheck models` reports about one named model."""

    info: ModelInfo
    path: Path
    present: bool
    size_bytes: int | None
    sha256: str | None
    state: VerifyState


def valid_names() -> str:
    return ", ".join(MODELS)


def cache_dir() -> Path:
    """The user cache for downloaded models: ``$XDG_CACHE_HOME/posecheck/models`` or ``~/.cache/...``."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "posecheck" / "models"


def bundled_model_path() -> Path:
    """The bundled full model: inside the installed package first, else the repository's ``models/``.

    The wheel force-includes it at ``posecheck/models/``; an editable install has no copy there, so
    the repository folder it was installed from is used.  When neither exists, the package path is
    returned so the error names where the model should be.
    """
    file_name = MODELS[DEFAULT_MODEL].file_name
    try:
        packaged = Path(str(resources.files("posecheck") / "models" / file_name))
    except (ModuleNotFoundError, TypeError):  # pragma: no cover - posecheck is always importable here
        packaged = Path(__file__).resolve().parent / "models" / file_name
    if packaged.is_file():
        return packaged
    in_repo = _REPO_MODELS_DIR / file_name
    return in_repo if in_repo.is_file() else packaged


def model_path(name: str) -> Path:
    """Where the named model is (bundled) or would be (downloaded into the cache)."""
    info = _lookup(name)
    return bundled_model_path() if info.bundled else cache_dir() / info.file_name


def sidecar_path(model_file: Path) -> Path:
    return model_file.with_name(model_file.name + SIDECAR_SUFFIX)


def _lookup(name: str) -> ModelInfo:
    try:
        return MODELS[name]
    except KeyError:
        raise ModelError(
            f"unknown model {name!r}: choose one of {valid_names()}, or give a path to a .task file"
        ) from None


def _looks_like_path(spec: str) -> bool:
    if not spec:
        return False
    return spec.endswith(".task") or os.sep in spec or "/" in spec or Path(spec).exists()


# --- verification -----------------------------------------------------------------------------

# (resolved path, size, mtime_ns) -> sha256: hashing ~9 MB is cheap, but once per process is enough.
_sha_cache: dict[tuple[str, int, int], str] = {}


def sha256_of(path: Path) -> str:
    """sha256 of a file, cached per process by path, size and modification time."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    cached = _sha_cache.get(key)
    if cached is not None:
        return cached
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    _sha_cache[key] = digest.hexdigest()
    return _sha_cache[key]


def is_task_bundle(path: Path) -> bool:
    """True when the file is a zip holding both pose landmarker graphs (what MediaPipe needs)."""
    try:
        with zipfile.ZipFile(path) as bundle:
            names = set(bundle.namelist())
    except (zipfile.BadZipFile, OSError):
        return False
    return all(member in names for member in BUNDLE_MEMBERS)


def _check_file(path: Path, what: str, hint: str) -> None:
    if not path.exists():
        raise ModelError(f"{what} {path} not found; {hint}")
    if not path.is_file():
        raise ModelError(f"{what} {path} is not a file; give the path of a .task model file")
    if not os.access(path, os.R_OK):
        raise ModelError(f"{what} {path} is not readable; check its permissions")


def _check_bundle(path: Path, what: str, hint: str) -> None:
    if not is_task_bundle(path):
        raise ModelError(
            f"{what} {path} is not a MediaPipe pose landmarker .task bundle "
            f"(a zip with {' and '.join(BUNDLE_MEMBERS)}); {hint}"
        )


def recorded_sha256(model_file: Path) -> str | None:
    """The sha256 recorded in the sidecar at download time, or None when there is none."""
    try:
        text = sidecar_path(model_file).read_text(encoding="ascii").split()
    except (OSError, UnicodeDecodeError):
        return None
    return text[0].lower() if text else None


def record_sha256(model_file: Path, digest: str | None = None) -> str:
    """Write the sidecar that later loads verify ``model_file`` against; returns the sha256 recorded.

    Used by `download` and by ``models/build_model.py`` when it builds lite or heavy into the cache.
    """
    digest = digest or sha256_of(model_file)
    sidecar_path(model_file).write_text(f"{digest}  {model_file.name}\n", encoding="ascii")
    return digest


def expected_sha256(name: str) -> str | None:
    """The sha256 a named model must have: fixed for the bundled one, recorded for downloads."""
    info = _lookup(name)
    return info.sha256 if info.sha256 else recorded_sha256(model_path(name))


def resolve_model(spec: str = DEFAULT_MODEL) -> Path:
    """Turn ``lite``/``full``/``heavy`` or a path into a verified ``.task`` file.

    Raises `ModelError` (one line, naming the file and what to do) when the model is missing,
    corrupt, not a ``.task`` bundle, or an unknown name.  Never downloads anything.
    """
    spec = spec.strip()
    if spec in MODELS:
        return _resolve_named(MODELS[spec])
    if not _looks_like_path(spec):
        _lookup(spec)  # raises: unknown name, listing the valid ones
    path = Path(spec).expanduser()
    _check_file(path, "model file", f"give an existing .task file or one of {valid_names()}")
    _check_bundle(path, "model file", f"pass a pose_landmarker .task file or one of {valid_names()}")
    return path


def _resolve_named(info: ModelInfo) -> Path:
    path = model_path(info.name)
    if info.bundled:
        _check_file(path, "bundled model", REBUILD_HINT)
        actual = sha256_of(path)
        if actual != info.sha256:
            raise ModelError(
                f"bundled model {path} is corrupt (sha256 {actual[:12]}… does not match); {REBUILD_HINT}"
            )
        return path
    download_hint = f"run `posecheck models --download {info.name}`"
    _check_file(path, f"{info.name} model", f"{download_hint} (the bundled full model works offline)")
    recorded = recorded_sha256(path)
    if recorded is None:
        # Copied in by hand: accept a real bundle, but say it is unverified.
        _check_bundle(path, f"{info.name} model", f"delete it and {download_hint}")
        logger.warning("%s has no recorded sha256; it is used unverified", path)
        return path
    actual = sha256_of(path)
    if actual != recorded:
        raise ModelError(
            f"{info.name} model {path} is corrupt (sha256 does not match the one recorded at download); "
            f"{download_hint} again"
        )
    return path


def model_status(name: str) -> ModelStatus:
    """Presence, size and sha256 verdict of one named model, for listing (never raises on bad files)."""
    info = _lookup(name)
    path = model_path(name)
    if not path.is_file():
        return ModelStatus(info, path, False, None, None, "missing")
    try:
        actual = sha256_of(path)
    except OSError:
        return ModelStatus(info, path, True, None, None, "unknown")
    expected = expected_sha256(name)
    state: VerifyState = "unknown" if expected is None else ("verified" if actual == expected else "mismatch")
    return ModelStatus(info, path, True, path.stat().st_size, actual, state)


# --- download ---------------------------------------------------------------------------------


def download(name: str, timeout_s: float = DOWNLOAD_TIMEOUT_S) -> Path:
    """Download an official model into the cache, check it is a ``.task`` bundle, record its sha256.

    Only on explicit request (``posecheck models --download``).  The file is written to a temporary
    name and moved into place only after it checks out, so a broken download never replaces a good
    model.  The bundled full model needs no download: its path is returned as is.
    """
    info = _lookup(name)
    if info.bundled:
        return resolve_model(name)
    target = cache_dir() / info.file_name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        reason = error.strerror or error
        raise ModelError(f"cannot create the model cache {target.parent}: {reason}") from None
    offline = (
        f"the bundled full model keeps working offline (--model {DEFAULT_MODEL}); from a clone, "
        f"`python models/build_model.py --variant {name}` builds it from the npm package instead"
    )
    handle, tmp_name = tempfile.mkstemp(prefix=f".{info.file_name}.", suffix=".part", dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(handle, "wb") as out:
            logger.info("downloading %s from %s", info.name, info.url)
            with urllib.request.urlopen(info.url, timeout=timeout_s) as response:  # fixed https URL
                shutil.copyfileobj(response, out, 1 << 20)
        if not is_task_bundle(tmp):
            raise ModelError(
                f"the download of {info.url} is not a pose landmarker .task bundle; "
                f"try again later; {offline}"
            )
        digest = sha256_of(tmp)
        os.replace(tmp, target)
        record_sha256(target, digest)
    except urllib.error.HTTPError as error:
        failure = f"{info.url} answered HTTP {error.code}"
        raise ModelError(f"cannot download the {name} model: {failure}; {offline}") from None
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        failure = f"network unavailable: {getattr(error, 'reason', None) or error}"
        raise ModelError(f"cannot download the {name} model ({failure}); {offline}") from None
    except OSError as error:
        raise ModelError(f"cannot save the {name} model to {target}: {error.strerror or error}") from None
    finally:
        tmp.unlink(missing_ok=True)
    logger.info("saved %s (sha256 %s)", target, digest)
    return target
