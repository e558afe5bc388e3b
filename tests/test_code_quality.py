"""The tree stays lint-clean, formatted, and type-checks (ruff and mypy settings in pyproject.toml:
mypy runs over ``posecheck``, ``benchmarks`` and ``tools``).  Skipped where the dev tools are not
installed."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)


@pytest.mark.skipif(shutil.which("ruff") is None, reason="ruff not installed (pip install '.[dev]')")
def test_ruff_lint_and_format() -> None:
    lint = _run("ruff", "check", ".")
    assert lint.returncode == 0, lint.stdout + lint.stderr
    formatting = _run("ruff", "format", "--check", ".")
    assert formatting.returncode == 0, formatting.stdout + formatting.stderr


def test_mypy_whole_package() -> None:
    pytest.importorskip("mypy", reason="mypy not installed (pip install '.[dev]')")
    result = _run(sys.executable, "-m", "mypy")
    assert result.returncode == 0, result.stdout + result.stderr
