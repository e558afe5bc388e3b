"""The history database: summaries, schema creation and migration, damaged/locked files,
``posecheck history`` (table, CSV, HTML with a trend plot).  No model runs here."""

from __future__ import annotations

import csv
import io
import sqlite3
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from posecheck.cli import main
from posecheck.history import (
    SCHEMA_VERSION,
    History,
    HistoryError,
    SessionTally,
    default_path,
    store_session,
    summarise,
)
from posecheck.report import Report
from posecheck.results import Assessment, CheckResult, Threshold
from posecheck.temporal import HoldTimer

FPS = 10.0
DAY = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def _check(check_id: str, status: str, value: float, unit: str = "deg") -> CheckResult:
    return CheckResult(check_id, status, value, unit, Threshold("max", 10.0), f"{check_id}.{status}")  # type: ignore[arg-type]


def lunge_frames(side: str, seconds: float, good_share: float, hip_deg: float, start_s: float = 0.0):
    """Frames of a kneeling lunge with ``side`` in front: the first ``good_share`` of the time
    every check passes, then the front knee goes past the ankle."""
    n = int(seconds * FPS)
    for i in range(n):
        good = i < good_share * n
        yield {
            "time_s": round(start_s + i / FPS, 3),
            "person_found": True,
            "exercise": "kneeling_lunge",
            "front_side": side,
            "checks": [
                _check("front_knee_over_ankle", "pass" if good else "fail", 5.0 if good else 20.0),
                _check("hip_extension", "pass", hip_deg),
            ],
        }


def press_up_frames(seconds: float, on_floor_share: float, start_s: float):
    n = int(seconds * FPS)
    for i in range(n):
        on_floor = i < on_floor_share * n
        yield {
            "time_s": round(start_s + i / FPS, 3),
            "person_found": True,
            "exercise": "prone_press_up",
            "front_side": None,
            "checks": [_check("pelvis_on_floor", "pass" if on_floor else "fail", 0.03, "ratio")],
        }


def session(good_share: float, hip_deg: float, on_floor_share: float, into=None) -> Any:
    """Left leg in front for 10 s, right for 10 s, then a 5 s press-up, into a `Report`
    (or a `SessionTally`) with the real hold timer."""
    target = into if into is not None else Report(source="clip.mp4")
    timer = HoldTimer(target_s=30.0)
    frames = [
        *lunge_frames("left", 10, good_share, hip_deg),
        *lunge_frames("right", 10, good_share / 2, hip_deg - 4, start_s=10.0),
        *press_up_frames(5, on_floor_share, start_s=20.0),
    ]
    for frame in frames:
        assessment = Assessment(True, frame["exercise"], "side", frame["front_side"], tuple(frame["checks"]))
        all_pass = all(c.status == "pass" for c in assessment.checks)
        target.add(assessment, frame["time_s"], timer.update(all_pass, frame["front_side"], frame["time_s"]))
    return target


def test_summary_of_a_session() -> None:
    summary = summarise(session(0.8, 14.0, 0.6).summary(complete=True), command="video", person="ann")
    assert summary.exercises == ("kneeling_lunge", "prone_press_up")
    left, right = summary.hold("left"), summary.hold("right")
    assert left is not None and right is not None
    assert left.longest_s == pytest.approx(7.9, abs=0.15)  # 80 % of 10 s in good form
    assert right.longest_s == pytest.approx(3.9, abs=0.15)
    share, value = summary.figure("hip_extension")
    assert share == 1.0 and value == pytest.approx(12.0)  # 14 deg left, 10 deg right, equal frames
    share, _ = summary.figure("front_knee_over_ankle")
    assert share == pytest.approx(0.6, abs=0.02)
    share, _ = summary.figure("pelvis_on_floor")
    assert share == pytest.approx(0.6, abs=0.02)
    assert summary.figure("hollow_back") == (None, None)


def test_tally_without_frames_gives_the_same_summary_as_the_report() -> None:
    """A live session without a report file counts instead of keeping frames."""
    from_report = summarise(session(0.7, 12.0, 0.5).summary(complete=True), command="live", started_at=DAY)
    tally = session(0.7, 12.0, 0.5, into=SessionTally(source="clip.mp4"))
    from_tally = summarise(tally.summary(complete=True), command="live", started_at=DAY)
    assert from_tally.holds == from_report.holds
    for check_id in ("front_knee_over_ankle", "hip_extension", "pelvis_on_floor"):
        assert from_tally.figure(check_id) == pytest.approx(from_report.figure(check_id), abs=0.01)


def test_store_and_read_back(tmp_path: Path) -> None:
    db = tmp_path / "sub" / "history.sqlite"
    first = store_session(
        session(0.5, 8.0, 0.4).summary(True), command="video", person="ann", path=db, started_at=DAY
    )
    store_session(
        session(0.9, 15.0, 0.9).summary(True), command="live", person="bob", path=db, started_at=DAY
    )
    second = store_session(
        session(0.9, 15.0, 0.9).summary(True),
        command="routine",
        person="ann",
        path=db,
        started_at=DAY + timedelta(7),
    )
    with History(db) as history:
        assert history.version == SCHEMA_VERSION
        sessions = history.sessions("ann")
        assert [s.id for s in sessions] == [first, second]
        assert [s.command for s in sessions] == ["video", "routine"]
        assert sessions[0].started_at == DAY
        assert sessions[1].figure("hip_extension")[1] > sessions[0].figure("hip_extension")[1]
        assert len(history.sessions()) == 3


def test_xdg_data_home_is_respected(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_path() == tmp_path / "posecheck" / "history.sqlite"
    monkeypatch.setenv("XDG_DATA_HOME", "relative/ignored")  # the spec: relative paths are invalid
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert default_path() == tmp_path / "home" / ".local" / "share" / "posecheck" / "history.sqlite"


def test_migrates_an_empty_and_refuses_a_newer_schema(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    sqlite3.connect(db).close()  # an empty file: version 0
    with History(db) as history:
        assert history.version == SCHEMA_VERSION
    connection = sqlite3.connect(db)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    connection.commit()
    connection.close()
    with pytest.raises(HistoryError, match="newer than this posecheck"):
        History(db)


def test_damaged_database_is_one_clear_line(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    db.write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(HistoryError) as caught:
        store_session(session(0.5, 8.0, 0.4).summary(True), command="video", path=db)
    message = str(caught.value)
    assert "damaged" in message and str(db) in message and "\n" not in message


def test_locked_database_is_one_clear_line(tmp_path: Path) -> None:
    db = tmp_path / "h.sqlite"
    History(db).close()
    other = sqlite3.connect(db, isolation_level=None)
    other.execute("BEGIN EXCLUSIVE")
    try:
        with (
            pytest.raises(HistoryError, match="locked by another program"),
            History(db, timeout_s=0.1) as history,
        ):
            history.store(summarise(session(0.5, 8.0, 0.4).summary(True), command="video"))
    finally:
        other.execute("ROLLBACK")
        other.close()


def _seed(db: Path) -> None:
    for week, (good, hip) in enumerate(((0.4, 6.0), (0.9, 16.0))):
        store_session(
            session(good, hip, 0.5 + 0.3 * week).summary(True),
            command="video",
            person="ann",
            path=db,
            started_at=DAY + timedelta(weeks=week),
        )
    store_session(session(0.2, 3.0, 0.1).summary(True), command="live", person="bob", path=db, started_at=DAY)


def test_history_command_lists_one_persons_sessions_with_trends(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "h.sqlite"
    _seed(db)
    page = tmp_path / "trend.html"
    assert main(["history", "--history", str(db), "--person", "ann", "--html", str(page)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 3 and "hip extension" in lines[0]
    assert all("ann" in line for line in lines[1:]) and "2026-11-09" in lines[2]
    content = page.read_text(encoding="utf-8")
    assert 'id="trend"' in content and "data:image/png;base64," in content

    assert main(["history", "--history", str(db), "--person", "ann", "--csv", "-"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [r["person"] for r in rows] == ["ann", "ann"]
    assert float(rows[1]["hold_left_s"]) > float(rows[0]["hold_left_s"])
    assert float(rows[1]["hip_extension_value"]) > float(rows[0]["hip_extension_value"])
    assert float(rows[1]["pelvis_on_floor_share"]) > float(rows[0]["pelvis_on_floor_share"])


def test_history_command_in_dutch_and_empty(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "h.sqlite"
    assert main(["history", "--history", str(db), "--lang", "nl"]) == 0
    assert "Nog geen sessies" in capsys.readouterr().out
    _seed(db)
    assert main(["history", "--history", str(db), "--lang", "nl", "--person", "ann"]) == 0
    out = capsys.readouterr().out
    assert "heupstrekking" in out and "schuttershouding" in out


def test_history_command_on_a_damaged_database(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = tmp_path / "h.sqlite"
    db.write_bytes(b"\0garbage" * 500)
    assert main(["history", "--history", str(db)]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "damaged" in err and "Traceback" not in err
