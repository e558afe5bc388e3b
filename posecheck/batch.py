"""Many videos at once: ``posecheck video A.mp4 B.mov DIR/ --out-dir OUT [--jobs N] [--dask ADDR]``.

Each input is one `VideoJob`: analyse it and write ``OUT/<name>.mp4``, ``.html`` and
``.json``.  `run_job` does that in whatever process runs it — this one (``--jobs 1``), one
of N fresh worker processes (``--jobs N``, started with *spawn*, so each loads its own
model and nothing of the parent's state is shared) or a Dask worker (``--dask ADDRESS``,
the optional extra ``posecheck[dask]``).  It never raises for a bad input: the
`JobResult` says what went wrong, the other inputs go on, and `write_index` lists every
input with its status and key figures in ``OUT/index.csv`` and ``OUT/index.html``.

Resuming: the JSON report records the SHA-256 of the input's content and of the options
that shape the result (`VideoJob.key`).  An input whose three outputs exist and whose JSON
says ``complete`` with the same hashes is skipped (`finished`), so re-running the same
command after a crash or with a few new files only does the new work.

Progress: a bar per running video and one overall (tqdm).  Workers send ``(event, job,
value)`` messages; for process workers through a manager queue, for Dask through a
``distributed.Queue``; `ProgressBoard` draws them in the parent.  Workers send at most a
few messages a second (`Reporter`).

Dask workers must see the inputs and ``OUT`` at the same paths (a shared file system);
the history and the index are written here, in the parent.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import html
import io
import json
import logging
import multiprocessing
import queue
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from posecheck.errors import InputError, PosecheckError, UsageError
from posecheck.messages import Lang

log = logging.getLogger(__name__)

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv"})
OUTPUT_SUFFIXES = (".mp4", ".html", ".json")
INDEX_NAMES = frozenset({"index"})  # OUT/index.html and OUT/index.csv are the batch's own
PROGRESS_INTERVAL_S = 0.5  # a worker's progress messages are at most this often (display only)

Message = tuple[str, int, Any]  # (event, job index, value): start/total, frames/n, end/status


@dataclass(frozen=True)
class VideoJob:
    """One input and where its outputs go.

    Attributes:
        index: position in the batch (progress messages name the job by it).
        input: the video file.
        out_dir: where ``<name>.mp4|.html|.json`` go.
        name: the outputs' base name (the input's stem, made unique in the batch).
        lang, model, exercise, config: as on the command line; they shape the result, so
            they are part of `key`.
    """

    index: int
    input: str
    out_dir: str
    name: str
    lang: Lang = "en"
    model: str = "full"
    exercise: str = "auto"
    config: str | None = None

    def output(self, suffix: str) -> Path:
        return Path(self.out_dir) / f"{self.name}{suffix}"

    @property
    def key(self) -> str:
        """SHA-256 of the options and the config file's content: what else shapes the result."""
        config = Path(self.config).read_bytes() if self.config else b""
        options = json.dumps([self.lang, self.model, self.exercise], ensure_ascii=False).encode()
        return hashlib.sha256(options + b"\0" + config).hexdigest()


@dataclass
class JobResult:
    """What became of one input; ``summary`` is its report summary (None when it failed
    before any frame).  Plain data, so it crosses process and machine boundaries."""

    index: int
    input: str
    name: str
    status: str  # done, skipped, failed
    error: str = ""
    summary: dict[str, Any] | None = None
    outputs: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.status == "failed"


# ---------------------------------------------------------------------- planning


def expand_inputs(paths: Sequence[str]) -> list[str]:
    """Files as given, and the video files (by suffix, sorted) directly inside a directory.

    A path that does not exist stays in the list: it fails as that input, in the index.
    """
    inputs: list[str] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and p.suffix.lower() in VIDEO_SUFFIXES)
            if not found:
                log.warning("%s holds no video files (%s)", path, " ".join(sorted(VIDEO_SUFFIXES)))
            inputs += [str(p) for p in found]
        else:
            inputs.append(raw)
    return list(dict.fromkeys(inputs))  # the same file named twice is one job


def plan_jobs(inputs: Sequence[str], out_dir: str | Path, **options: Any) -> list[VideoJob]:
    """One job per input, named after its stem; ``clip``, ``clip-2`` ... when stems repeat."""
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out-dir {out} is a file; give a directory")
    taken: set[str] = set(INDEX_NAMES)
    jobs = []
    for index, raw in enumerate(inputs):
        stem, name, n = Path(raw).stem or "video", Path(raw).stem or "video", 1
        while name.lower() in taken:
            n += 1
            name = f"{stem}-{n}"
        taken.add(name.lower())
        jobs.append(VideoJob(index, raw, str(out), name, **options))
    return jobs


def file_sha256(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def finished(job: VideoJob) -> dict[str, Any] | None:
    """The summary of a previous complete run of ``job`` on the same content, or None."""
    report = job.output(".json")
    if not all(job.output(s).is_file() and job.output(s).stat().st_size > 0 for s in OUTPUT_SUFFIXES):
        return None
    try:
        summary = json.loads(report.read_text(encoding="utf-8"))["summary"]
        same = summary.get("input_sha256") == file_sha256(job.input) and summary.get("job_key") == job.key
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return summary if same and summary.get("complete") else None


# ---------------------------------------------------------------------- one job


class Reporter:
    """Sends a worker's progress to the parent, at most every `PROGRESS_INTERVAL_S`.

    Args:
        target: something with ``put(message)`` (a manager queue proxy), or the name of a
            ``distributed.Queue`` (Dask), opened on first use in the worker.
    """

    def __init__(self, target: Any) -> None:
        self.target = target
        self._queue: Any = None
        self._pending = 0
        self._last = 0.0

    def __getstate__(self) -> dict[str, Any]:
        return {"target": self.target, "_queue": None, "_pending": 0, "_last": 0.0}

    def send(self, message: Message) -> None:
        if self._queue is None:
            if isinstance(self.target, str):
                from distributed import Queue  # the optional extra posecheck[dask]

                self._queue = Queue(self.target)
            else:
                self._queue = self.target
        with contextlib.suppress(Exception):  # progress is display only; never fail a job for it
            self._queue.put(message)

    def frame(self, index: int) -> None:
        self._pending += 1
        now = time.monotonic()
        if now - self._last >= PROGRESS_INTERVAL_S:
            self._last = now
            self.send(("frames", index, self._pending))
            self._pending = 0

    def flush(self, index: int) -> None:
        if self._pending:
            self.send(("frames", index, self._pending))
            self._pending = 0


class Progress(Protocol):
    """Where a job's progress goes: a `Reporter` (worker processes) or `_Direct`."""

    def send(self, message: Message) -> None: ...

    def frame(self, index: int) -> None: ...

    def flush(self, index: int) -> None: ...


def run_job(job: VideoJob, reporter: Progress | None = None) -> JobResult:
    """Analyse one input and write its three outputs; any failure is the result's status."""
    from posecheck.commands.video import analyse  # heavy modules load in the worker only

    result = JobResult(job.index, job.input, job.name, "failed")
    try:
        if not Path(job.input).is_file():
            raise InputError(
                f"{job.input}: no such file"
                if not Path(job.input).exists()
                else f"{job.input}: not a regular file"
            )
        summary = finished(job)
        if summary is not None:
            result.status, result.summary = "skipped", summary
            result.outputs = [str(job.output(s)) for s in OUTPUT_SUFFIXES]
            return result
        extra = {"input_sha256": file_sha256(job.input), "job_key": job.key}
        outcome = analyse(
            job.input,
            output=str(job.output(".mp4")),
            reports=[str(job.output(".json")), str(job.output(".html"))],
            lang=job.lang,
            model=job.model,
            exercise=job.exercise,
            config=job.config,
            extra=extra,
            on_start=None if reporter is None else lambda total: reporter.send(("start", job.index, total)),
            on_frame=None if reporter is None else lambda: reporter.frame(job.index),
        )
        try:
            result.summary = outcome.summary
        finally:
            outcome.report.close()  # the frames' spool
        result.outputs = [str(job.output(s)) for s in OUTPUT_SUFFIXES]
        if outcome.ended == "input_broken":
            result.error = f"broke off after {outcome.frames} frames (damaged or truncated file)"
        elif outcome.ended == "interrupted":
            result.error = "interrupted"
        else:
            result.status = "done"
    except PosecheckError as error:
        result.error = str(error)
    except Exception as error:  # a job must not take the batch down; the index says what failed
        log.exception("%s failed", job.input)
        result.error = f"{type(error).__name__}: {error}"
    finally:
        if reporter is not None:
            reporter.flush(job.index)
            reporter.send(("end", job.index, result.status))
    return result


# ---------------------------------------------------------------------- running many


class ProgressBoard:
    """One tqdm bar for the batch and one per running video.  ``disable`` draws nothing."""

    def __init__(self, jobs: Sequence[VideoJob], disable: bool = False) -> None:
        from tqdm import tqdm

        self._tqdm = tqdm
        # Into a file or pipe: only the overall bar, a line every 10 s (redrawn bars are noise there).
        tty = sys.stderr.isatty()
        self.disable = disable or not tty
        self.names = {job.index: job.name for job in jobs}
        self.overall = tqdm(
            total=len(jobs),
            desc="videos",
            unit="video",
            position=0,
            disable=disable,
            mininterval=0.1 if tty else 10,
        )
        self.bars: dict[int, Any] = {}
        self._lock = threading.Lock()

    def handle(self, message: Message) -> None:
        event, index, value = message
        with self._lock:
            if event == "start":
                used = {bar.pos for bar in self.bars.values()}
                position = next(p for p in range(1, len(self.bars) + 2) if p not in used and -p not in used)
                self.bars[index] = self._tqdm(
                    total=value or None,
                    desc=self.names.get(index, str(index))[:24],
                    unit="frame",
                    position=position,
                    leave=False,
                    disable=self.disable,
                )
            elif event == "frames" and index in self.bars:
                self.bars[index].update(value)
            elif event == "end":
                bar = self.bars.pop(index, None)
                if bar is not None:
                    bar.close()

    def done(self, result: JobResult) -> None:
        with self._lock:
            self.overall.update(1)
            self.overall.set_postfix_str(f"{result.name}: {result.status}", refresh=False)

    def close(self) -> None:
        for bar in list(self.bars.values()):
            bar.close()
        self.overall.close()


def _drain(
    source: Callable[[], Iterable[Message]], board: ProgressBoard, stop: threading.Event
) -> threading.Thread:
    """A thread passing the messages ``source`` returns (waiting a moment when there are
    none) to the board until ``stop``."""

    def loop() -> None:
        while not stop.is_set():
            try:
                messages = list(source())
            except Exception:  # the queue went away (the batch is ending)
                return
            for message in messages:
                board.handle(message)

    thread = threading.Thread(target=loop, name="progress", daemon=True)
    thread.start()
    return thread


def run_local(jobs: Sequence[VideoJob], workers: int, board: ProgressBoard) -> Iterator[JobResult]:
    """Results as the jobs finish: in this process (``workers == 1``) or in ``workers``
    fresh spawned processes."""
    if workers <= 1:
        direct = _Direct(board)
        for job in jobs:
            yield run_job(job, direct)
        return
    context = multiprocessing.get_context("spawn")
    with context.Manager() as manager, ProcessPoolExecutor(workers, mp_context=context) as pool:
        messages = manager.Queue()
        stop = threading.Event()
        drain = _drain(lambda: _get(messages), board, stop)
        futures = [pool.submit(run_job, job, Reporter(messages)) for job in jobs]
        try:
            for future in as_completed(futures):
                yield future.result()
        finally:
            for future in futures:
                future.cancel()
            stop.set()
            drain.join(timeout=2.0)


def run_dask(jobs: Sequence[VideoJob], address: str, board: ProgressBoard) -> Iterator[JobResult]:
    """Results as the jobs finish on the Dask cluster at ``address``."""
    try:
        from distributed import Client, Queue
        from distributed import as_completed as dask_completed
    except ImportError as error:
        raise UsageError("--dask needs the optional extra: pip install 'posecheck[dask]'") from error
    try:
        client = Client(address, timeout="10s")
    except OSError as error:
        raise InputError(f"cannot reach the Dask scheduler at {address}: {error}") from error
    name = f"posecheck-progress-{uuid.uuid4().hex}"
    stop = threading.Event()
    with client:
        messages = Queue(name, client=client)
        drain = _drain(lambda: _dask_get(messages), board, stop)
        futures = client.map(run_job, jobs, [Reporter(name)] * len(jobs), pure=False)
        try:
            for future in dask_completed(futures):
                yield future.result()
        finally:
            client.cancel(futures)
            stop.set()
            drain.join(timeout=2.0)


class _Direct:
    """`Reporter` for jobs run in this process: straight to the board."""

    def __init__(self, board: ProgressBoard) -> None:
        self.board = board

    def send(self, message: Message) -> None:
        self.board.handle(message)

    def frame(self, index: int) -> None:
        self.board.handle(("frames", index, 1))

    def flush(self, index: int) -> None:
        return None


def _get(messages: Any) -> list[Message]:
    try:
        return [messages.get(timeout=0.2)]
    except queue.Empty:
        return []


def _dask_get(messages: Any) -> list[Message]:
    """Everything queued so far (the scheduler logs an error for every timed-out blocking
    get, so poll instead)."""
    found = [tuple(m) for m in messages.get(batch=True)]
    if not found:
        time.sleep(0.3)
    return found  # type: ignore[return-value]


# ---------------------------------------------------------------------- the index

INDEX_FIELDS = (
    "name",
    "input",
    "status",
    "error",
    "duration_s",
    "frames",
    "person_share",
    "exercises",
    "hold_left_s",
    "hold_right_s",
    "checks_pass",
    "video",
    "report",
)


def key_figures(result: JobResult) -> dict[str, Any]:
    """One index row: status and the figures a physiotherapist scans first."""
    summary = result.summary or {}
    holds = summary.get("holds") or {}
    frames = summary.get("frames") or 0
    # Movement between poses (transitions) is no exercise done; a leg never in front has no hold.
    judged = [s for s in summary.get("segments", ()) if s.get("exercise") and not s.get("transition")]
    exercises = list(dict.fromkeys(s["exercise"] for s in judged))
    sides = {s.get("front_side") for s in judged}
    checks = summary.get("checks") or {}
    return {
        "name": result.name,
        "input": result.input,
        "status": result.status,
        "error": result.error,
        "duration_s": summary.get("duration_s"),
        "frames": frames or None,
        "person_share": round(summary.get("frames_with_person", 0) / frames, 3) if frames else None,
        "exercises": " ".join(exercises),
        "hold_left_s": (holds.get("left") or {}).get("longest_s") if "left" in sides else None,
        "hold_right_s": (holds.get("right") or {}).get("longest_s") if "right" in sides else None,
        "checks_pass": " ".join(f"{cid}={100 * c['pass']:.0f}%" for cid, c in checks.items()),
        "video": f"{result.name}.mp4" if summary else "",
        "report": f"{result.name}.html" if summary else "",
    }


def index_csv(results: Iterable[JobResult]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=INDEX_FIELDS, lineterminator="\n")
    writer.writeheader()
    for result in results:
        writer.writerow({k: "" if v is None else v for k, v in key_figures(result).items()})
    return buffer.getvalue()


def index_html(results: Iterable[JobResult], lang: Lang = "en") -> str:
    from posecheck.messages import text

    def t(key: str) -> str:
        return html.escape(text(f"index.{key}", lang))

    rows = []
    for result in results:
        fig = key_figures(result)
        link = (
            f'<a href="{html.escape(fig["report"])}">{html.escape(fig["name"])}</a>'
            if fig["report"]
            else html.escape(fig["name"])
        )
        holds = " / ".join(
            "-" if fig[k] is None else f"{fig[k]:.0f} s" for k in ("hold_left_s", "hold_right_s")
        )
        duration = "" if fig["duration_s"] is None else f"{fig['duration_s']:.0f} s"
        exercises = ", ".join(text(e, lang) for e in fig["exercises"].split())
        rows.append(
            f'<tr class="{fig["status"]}"><td>{link}</td><td>{t("status_" + fig["status"])}</td>'
            f"<td>{html.escape(exercises)}</td><td>{holds}</td>"
            f"<td>{duration}</td>"
            f"<td>{html.escape(fig['error'])}</td></tr>"
        )
    head = "".join(
        f"<th>{t(k)}</th>" for k in ("video", "status", "exercises", "holds", "duration", "problem")
    )
    return (
        f'<!DOCTYPE html><html lang="{html.escape(lang)}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{t('title')}</title><style>{INDEX_CSS}</style></head><body>"
        f'<h1>{t("title")}</h1><div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div></body></html>"
    )


INDEX_CSS = (
    "body{font-family:system-ui,sans-serif;margin:1em auto;max-width:1100px;padding:0 1em;color:#222}"
    ".scroll{overflow-x:auto}table{border-collapse:collapse;width:100%}"
    "td,th{border-bottom:1px solid #ddd;padding:.4em .6em;text-align:left;vertical-align:top}"
    "tr.failed td{background:#fdecea}tr.skipped td{color:#555}"
)


def write_index(out_dir: str | Path, results: Sequence[JobResult], lang: Lang = "en") -> tuple[Path, Path]:
    """``index.csv`` and ``index.html`` in ``out_dir``, rows in input order."""
    from posecheck.fileio import atomic_write_text

    ordered = sorted(results, key=lambda r: r.index)
    out = Path(out_dir)
    csv_path, html_path = out / "index.csv", out / "index.html"
    atomic_write_text(csv_path, index_csv(ordered), what="index")
    atomic_write_text(html_path, index_html(ordered, lang), what="index")
    return csv_path, html_path
