"""Progress over weeks: every session's summary in a local SQLite database.

Each ``live``, ``routine`` and ``video`` session stores one row: when, who (``--person``),
which command and input, the exercises done, the holds in good form per side, and per
exercise and front side the share of judged frames each check passed with its median
measured value (the key angles).  ``posecheck history`` reads them back as a table, a CSV
and an HTML page with trend plots (`posecheck.commands.history`).

Where: ``$XDG_DATA_HOME/posecheck/history.sqlite`` (``~/.local/share/posecheck/...`` when
the variable is unset), or the file named by ``--history PATH``.

The program creates and migrates the database itself: ``PRAGMA user_version`` holds the
schema version and `MIGRATIONS` the steps from each version to the next, applied in one
transaction.  A database written by a newer posecheck, a damaged file or one locked by
another program raises `HistoryError`, whose message is one line saying what to do; the
caller reports it after the session's own report is safely written.

A session is summarised from a `posecheck.report.Report` summary dict (or the same shape
from `SessionTally`, which counts without keeping per-frame records, for long live sessions
without a report file), so every consumer reads one format.  Only the standard library.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sqlite3
import statistics
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from posecheck.errors import PosecheckError
from posecheck.results import Assessment

HISTORY_FILE = "history.sqlite"
SIDES = ("left", "right")

# Each entry takes the schema from version i to i + 1 (PRAGMA user_version).  Append, never edit.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE sessions (
        id INTEGER PRIMARY KEY,
        started_at TEXT NOT NULL,          -- ISO 8601, UTC
        person TEXT NOT NULL DEFAULT '',
        command TEXT NOT NULL,             -- live, routine, video
        source TEXT NOT NULL,
        duration_s REAL,
        complete INTEGER NOT NULL,
        exercises TEXT NOT NULL            -- JSON list of exercise ids, in order
    );
    CREATE INDEX sessions_person ON sessions (person, started_at);
    CREATE TABLE holds (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        side TEXT NOT NULL,                -- front leg: left, right
        longest_s REAL NOT NULL,
        total_s REAL NOT NULL,
        holds INTEGER NOT NULL,
        target_s REAL,
        PRIMARY KEY (session_id, side)
    );
    CREATE TABLE checks (
        session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
        exercise TEXT NOT NULL,
        side TEXT NOT NULL DEFAULT '',     -- front leg, '' when the exercise has none
        check_id TEXT NOT NULL,
        frames INTEGER NOT NULL,           -- frames judged pass or fail
        pass_share REAL,                   -- of the judged frames; NULL when none was judged
        median_value REAL,
        unit TEXT,
        PRIMARY KEY (session_id, exercise, side, check_id)
    );
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)


class HistoryError(PosecheckError):
    """The history database cannot be used (damaged, locked, newer, not writable)."""


def default_path() -> Path:
    """``$XDG_DATA_HOME/posecheck/history.sqlite``, ``~/.local/share/posecheck/...`` without it."""
    base = os.environ.get("XDG_DATA_HOME") or ""
    root = Path(base) if Path(base).is_absolute() else Path.home() / ".local" / "share"
    return root / "posecheck" / HISTORY_FILE


# ---------------------------------------------------------------------- the summary


@dataclass(frozen=True)
class CheckFigure:
    """One check over the frames of one exercise and front side.

    Attributes:
        frames: frames in which the check was judged pass or fail (unknown left out).
        pass_share: share of those that passed; None when none was judged.
        median_value: median measured value over the judged frames (degrees, ratio ...).
    """

    exercise: str
    side: str
    check_id: str
    frames: int
    pass_share: float | None
    median_value: float | None = None
    unit: str | None = None


@dataclass(frozen=True)
class HoldFigure:
    """Holds in good form with one leg in front (seconds)."""

    side: str
    longest_s: float
    total_s: float
    holds: int
    target_s: float | None = None


@dataclass(frozen=True)
class SessionSummary:
    """What the history keeps of one session."""

    started_at: datetime
    command: str
    source: str
    person: str = ""
    duration_s: float | None = None
    complete: bool = True
    exercises: tuple[str, ...] = ()
    holds: tuple[HoldFigure, ...] = ()
    checks: tuple[CheckFigure, ...] = ()
    id: int | None = None

    def hold(self, side: str) -> HoldFigure | None:
        return next((h for h in self.holds if h.side == side), None)

    def figure(self, check_id: str) -> tuple[float | None, float | None]:
        """(pass share, median value) of a check over the whole session, weighting each
        exercise and side by its judged frames; (None, None) when it was never judged."""
        rows = [c for c in self.checks if c.check_id == check_id and c.frames > 0]
        frames = sum(c.frames for c in rows)
        if not frames:
            return None, None
        share = sum((c.pass_share or 0.0) * c.frames for c in rows) / frames
        values = [(c.median_value, c.frames) for c in rows if c.median_value is not None]
        value = sum(v * n for v, n in values) / sum(n for _, n in values) if values else None
        return share, value


def summarise(
    report_summary: Mapping[str, Any],
    *,
    command: str,
    person: str | None = None,
    started_at: datetime | None = None,
) -> SessionSummary:
    """A `SessionSummary` from a report summary (`posecheck.report.Report.summary` or
    `SessionTally.summary`): its ``segments`` (exercise, front side, per-check shares and
    median values), ``holds`` and duration.  Segments of the same exercise and side are
    pooled, weighted by their judged frames."""
    pooled: dict[tuple[str, str, str], list[tuple[int, float, float | None, str | None]]] = {}
    exercises: list[str] = []
    for segment in report_summary.get("segments", ()):
        exercise = segment.get("exercise")
        if not exercise or segment.get("transition"):
            continue
        if exercise not in exercises:
            exercises.append(exercise)
        side = segment.get("front_side") or ""
        for check_id, shares in segment.get("checks", {}).items():
            judged_share = float(shares.get("pass", 0.0)) + float(shares.get("fail", 0.0))
            judged = round(int(shares.get("frames", 0)) * judged_share)
            if judged <= 0:
                continue
            median = shares.get("median_value")
            pooled.setdefault((exercise, side, check_id), []).append(
                (judged, float(shares["pass"]) / judged_share, median, shares.get("unit"))
            )
    checks = []
    for (exercise, side, check_id), parts in pooled.items():
        frames = sum(n for n, *_ in parts)
        medians = [(m, n) for n, _, m, _ in parts if isinstance(m, (int, float)) and math.isfinite(m)]
        checks.append(
            CheckFigure(
                exercise,
                side,
                check_id,
                frames,
                round(sum(n * share for n, share, *_ in parts) / frames, 4),
                round(sum(m * n for m, n in medians) / sum(n for _, n in medians), 3) if medians else None,
                next((u for *_, u in parts if u), None),
            )
        )
    holds_data = report_summary.get("holds") or {}
    target = holds_data.get("target_s")
    # Holds of a side only when that leg was in front at some time (a press-up has no front leg).
    sides = {s.get("front_side") for s in report_summary.get("segments", ()) if s.get("exercise")}
    holds = tuple(
        HoldFigure(side, float(h["longest_s"]), float(h["total_s"]), int(h["holds"]), target)
        for side in SIDES
        if side in sides and isinstance(h := holds_data.get(side), dict)
    )
    return SessionSummary(
        started_at=started_at or datetime.now(timezone.utc),
        command=command,
        source=str(report_summary.get("source") or ""),
        person=person or "",
        duration_s=report_summary.get("duration_s"),
        complete=bool(report_summary.get("complete", True)),
        exercises=tuple(exercises),
        holds=holds,
        checks=tuple(checks),
    )


@dataclass
class SessionTally:
    """Counts what `summarise` needs from every frame without keeping the frames (a live
    session without a report file can run for hours).  Duck-types the ``add`` of
    `posecheck.report.Report`, so `posecheck.pipeline.Outputs` can feed it.

    Values are kept per check (one float a frame) for the medians.
    """

    source: str = ""
    hold: Any = None
    _counts: dict[tuple[str, str, str], dict[str, int]] = field(default_factory=dict)
    _values: dict[tuple[str, str, str], list[float]] = field(default_factory=dict)
    _units: dict[str, str] = field(default_factory=dict)
    _exercises: list[str] = field(default_factory=list)
    _first_s: float | None = None
    _last_s: float | None = None

    def add(self, assessment: Assessment, time_s: float, hold: Any = None) -> None:
        """Count one frame's typed results (the `posecheck.pipeline.Recorder` protocol)."""
        t = round(time_s, 3)  # as in the report's per-frame records
        self._first_s = t if self._first_s is None else self._first_s
        self._last_s = t
        if hold is not None:
            self.hold = hold
        exercise = assessment.exercise
        if not exercise:
            return
        if exercise not in self._exercises:
            self._exercises.append(exercise)
        side = assessment.front_side or ""
        for check in assessment.checks:
            key = (exercise, side, check.id)
            counts = self._counts.setdefault(key, {"pass": 0, "fail": 0, "unknown": 0})
            counts[check.status] = counts.get(check.status, 0) + 1
            if check.status in ("pass", "fail") and math.isfinite(check.value):
                self._values.setdefault(key, []).append(round(check.value, 3))
            self._units[check.id] = check.unit

    def summary(self, complete: bool = True) -> dict[str, Any]:
        """The parts of `posecheck.report.Report.summary` that `summarise` reads."""
        segments: dict[tuple[str, str], dict[str, Any]] = {}
        for (exercise, side, check_id), counts in self._counts.items():
            total = sum(counts.values())
            entry: dict[str, Any] = {"frames": total} | {s: n / total for s, n in counts.items()}
            if self._values.get((exercise, side, check_id)):
                entry["median_value"] = statistics.median(self._values[(exercise, side, check_id)])
            entry["unit"] = self._units.get(check_id)
            segment = segments.setdefault(
                (exercise, side), {"exercise": exercise, "front_side": side or None, "checks": {}}
            )
            segment["checks"][check_id] = entry
        duration = (self._last_s - self._first_s) if self._first_s is not None and self._last_s else 0.0
        holds: dict[str, Any] = {}
        if self.hold is not None:
            data = self.hold.to_dict()
            holds = {"target_s": data["target_s"], **data["sides"]}
        return {
            "source": self.source,
            "complete": complete,
            "duration_s": round(duration, 3),
            "segments": sorted(segments.values(), key=lambda s: self._exercises.index(s["exercise"])),
            "holds": holds,
        }


# ---------------------------------------------------------------------- the database


class History:
    """The database at ``path``, created and migrated on open.  Use as a context manager.

    Args:
        path: the SQLite file; its directory is created when missing.
        timeout_s: how long to wait for another program's lock before `HistoryError`.
    """

    def __init__(self, path: str | Path | None = None, timeout_s: float = 2.0) -> None:
        self.path = Path(path) if path is not None else default_path()
        if self.path.is_dir():
            raise HistoryError(f"history database {self.path} is a directory; give a file name")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(self.path, timeout=timeout_s)
        except (OSError, sqlite3.Error) as error:
            raise HistoryError(f"cannot open history database {self.path}: {_reason(error)}") from error
        with self._errors():
            self._db.execute("PRAGMA foreign_keys = ON")
            self._migrate()

    def __enter__(self) -> History:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    @property
    def version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        version = self.version
        if version > SCHEMA_VERSION:
            raise HistoryError(
                f"history database {self.path} has schema version {version}, newer than this "
                f"posecheck knows ({SCHEMA_VERSION}); update posecheck or use --history with another file"
            )
        if version == SCHEMA_VERSION:
            return
        # One transaction: all steps and the new version, or nothing.
        steps = "".join(MIGRATIONS[version:])
        try:
            self._db.executescript(
                f"BEGIN IMMEDIATE; {steps}; PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;"
            )
        except sqlite3.OperationalError:
            if self._db.in_transaction:
                self._db.rollback()
            if self.version != SCHEMA_VERSION:  # not another process migrating at the same time
                raise

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        """sqlite3 errors become one-line `HistoryError`s."""
        try:
            yield
        except sqlite3.Error as error:
            raise HistoryError(_explain(self.path, error)) from error

    def store(self, session: SessionSummary) -> int:
        """Add one session; returns its id."""
        with self._errors(), self._db:
            cursor = self._db.execute(
                "INSERT INTO sessions (started_at, person, command, source, duration_s, complete, exercises)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    session.started_at.astimezone(timezone.utc).isoformat(timespec="seconds"),
                    session.person,
                    session.command,
                    session.source,
                    session.duration_s,
                    int(session.complete),
                    json.dumps(list(session.exercises)),
                ),
            )
            session_id = int(cursor.lastrowid or 0)
            self._db.executemany(
                "INSERT INTO holds VALUES (?, ?, ?, ?, ?, ?)",
                [(session_id, h.side, h.longest_s, h.total_s, h.holds, h.target_s) for h in session.holds],
            )
            self._db.executemany(
                "INSERT INTO checks VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        session_id,
                        c.exercise,
                        c.side,
                        c.check_id,
                        c.frames,
                        c.pass_share,
                        c.median_value,
                        c.unit,
                    )
                    for c in session.checks
                ],
            )
        return session_id

    def sessions(self, person: str | None = None) -> list[SessionSummary]:
        """All sessions (of ``person`` when given), oldest first."""
        with self._errors():
            where, params = ("WHERE person = ?", (person,)) if person is not None else ("", ())
            rows = self._db.execute(
                "SELECT id, started_at, person, command, source, duration_s, complete, exercises "
                f"FROM sessions {where} ORDER BY started_at, id",
                params,
            ).fetchall()
            holds: dict[int, list[HoldFigure]] = {}
            for sid, side, longest, total, n, target in self._db.execute("SELECT * FROM holds"):
                holds.setdefault(sid, []).append(HoldFigure(side, longest, total, n, target))
            checks: dict[int, list[CheckFigure]] = {}
            for sid, *rest in self._db.execute("SELECT * FROM checks ORDER BY rowid"):
                checks.setdefault(sid, []).append(CheckFigure(*rest))
        return [
            SessionSummary(
                started_at=datetime.fromisoformat(started),
                command=command,
                source=source,
                person=who,
                duration_s=duration,
                complete=bool(complete),
                exercises=tuple(json.loads(exercises)),
                holds=tuple(holds.get(sid, ())),
                checks=tuple(checks.get(sid, ())),
                id=sid,
            )
            for sid, started, who, command, source, duration, complete, exercises in rows
        ]


def store_session(
    report_summary: Mapping[str, Any],
    *,
    command: str,
    person: str | None = None,
    path: str | Path | None = None,
    started_at: datetime | None = None,
) -> int:
    """Summarise a session (`summarise`) and add it to the history at ``path`` (default:
    `default_path`); returns the new session's id.

    Raises:
        HistoryError: the database is damaged, locked, newer or cannot be written; the
            message is one line for the user.
    """
    session = summarise(report_summary, command=command, person=person, started_at=started_at)
    with History(path) as history:
        return history.store(session)


def _reason(error: BaseException) -> str:
    return str(getattr(error, "strerror", None) or error)


def _explain(path: Path, error: sqlite3.Error) -> str:
    message = str(error)
    if "locked" in message or "busy" in message:
        return (
            f"history database {path} is locked by another program; try again when it is done, "
            "or use --no-history"
        )
    if isinstance(error, sqlite3.DatabaseError) and not isinstance(error, sqlite3.OperationalError):
        return (
            f"history database {path} is damaged ({message}); move it away to start a new one, "
            "or use --history with another file or --no-history"
        )
    return f"cannot use history database {path}: {message}; use --history with another file or --no-history"


def trend_rows(sessions: Iterable[SessionSummary]) -> list[dict[str, Any]]:
    """One row per session with the figures ``posecheck history`` shows and plots."""
    rows = []
    for session in sessions:
        row: dict[str, Any] = {
            "id": session.id,
            "date": session.started_at.astimezone().strftime("%Y-%m-%d %H:%M"),
            "person": session.person,
            "command": session.command,
            "source": session.source,
            "duration_s": session.duration_s,
            "exercises": " ".join(session.exercises),
        }
        for side in SIDES:
            hold = session.hold(side)
            row[f"hold_{side}_s"] = None if hold is None else hold.longest_s
        for check_id, key in TREND_CHECKS:
            share, value = session.figure(check_id)
            row[f"{key}_share"] = None if share is None else round(share, 3)
            row[f"{key}_value"] = None if value is None else round(value, 2)
        rows.append(row)
    return rows


# (check id, short key) of the checks whose trend ``posecheck history`` shows.
TREND_CHECKS = (
    ("hip_extension", "hip_extension"),
    ("pelvis_on_floor", "pelvis_on_floor"),
    ("hollow_back", "hollow_back"),
)
