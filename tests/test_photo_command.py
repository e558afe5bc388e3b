"""``posecheck photo`` on good input: the text report and the annotated image (bad input is in
test_bad_input.py).  Uses the bundled rendered samples, so it runs without ../shared."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from posecheck.cli import main
from posecheck.commands.photo import MIN_OVERLAY_SHORT_SIDE_PX, format_text
from posecheck.results import Assessment

SAMPLE = Path(__file__).resolve().parents[1] / "samples" / "standing-neutral-facing_left.jpg"


def test_text_without_an_exercise_reads_as_one_line() -> None:
    for lang, words in (("en", "No known exercise recognised, front view"), ("nl", "vooraanzicht")):
        report = format_text(Assessment(True, None, "front"), "x.jpg", lang)
        assert words in report
        assert ".," not in report


@pytest.mark.model
def test_text_report_names_the_exercise_and_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["photo", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "standing posture, side view" in out
    for label in ("Head over shoulders", "Plumb line", "Knees not locked back"):
        assert label in out


@pytest.mark.model
def test_a_small_photo_is_annotated_enlarged(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    small = cv2.resize(cv2.imread(str(SAMPLE)), (320, 240), interpolation=cv2.INTER_AREA)
    source, out = tmp_path / "small.png", tmp_path / "out.png"
    cv2.imwrite(str(source), small)
    assert main(["photo", str(source), "-o", str(out)]) == 0
    annotated = cv2.imread(str(out))
    assert annotated.shape[:2] == (MIN_OVERLAY_SHORT_SIDE_PX, MIN_OVERLAY_SHORT_SIDE_PX * 4 // 3)
    plain = cv2.resize(small, annotated.shape[1::-1], interpolation=cv2.INTER_CUBIC)
    changed = np.abs(annotated.astype(int) - plain.astype(int)).max(axis=2) > 40
    assert 0.02 < changed.mean() < 0.5  # an overlay, not a different picture


@pytest.mark.model
def test_a_large_photo_keeps_its_size(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "out.jpg"
    assert main(["photo", str(SAMPLE), "-o", str(out)]) == 0
    assert cv2.imread(str(out)).shape == cv2.imread(str(SAMPLE)).shape
