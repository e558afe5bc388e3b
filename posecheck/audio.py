"""Spoken cues: speech synthesis, playback and the session's audio track (an adapter).

* `Synthesizer` — eSpeak NG as shipped by the ``espeakng-loader`` wheel (the library and
  its data, English and Dutch voices included), called through ctypes: text -> 16-bit PCM.
  Nothing is installed on the system and nothing is fetched; a sentence takes ~20 ms.
* `Player` — playback through ``miniaudio`` (a self-contained wheel; it finds the system's
  audio backend, ALSA/PulseAudio, Core Audio or WASAPI, at run time).
* `AudioTrack` — what the session said, placed at session time, written as a WAV file
  (``--audio-out``) or muxed into an MP4.
* `Voice` — the glue beside the video loop: `posecheck.voice` decides what to say, a worker
  thread synthesises and plays it, so the loop never waits for sound.

Why eSpeak NG at run time rather than recorded clips: every message in `posecheck.messages`
(and any added later) can be said in both languages with no regeneration step, numbers
included; the cost is a 10 MB wheel.  eSpeak NG is GPL-3.0-or-later: posecheck loads it as a
separate library at run time and ships none of its code, so posecheck's own code stays
Apache-2.0 (which GPL-3 accepts); whoever redistributes posecheck *bundled together* with
eSpeak NG (a frozen app) must do so under the GPL-3.  Sound that eSpeak produces (the WAV of
``--audio-out``) is program output, which the GPL does not cover.  See docs/voice.md.
"""

from __future__ import annotations

import ctypes
import logging
import threading
import time
import wave
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from posecheck.messages import Lang
from posecheck.voice import Moment, SpeechQueue, Utterance, VoiceCoach

log = logging.getLogger(__name__)

SAMPLE_RATE = 22050  # eSpeak NG's own rate; the track and the player use it unchanged
SPEECH_RATE_WPM = 165  # a little slower than eSpeak's 175: cues are heard from across a room
_ESPEAK_VOICES = {"en": "en", "nl": "nl"}


class VoiceUnavailableError(RuntimeError):
    """Speech synthesis or playback cannot run here (the message says why)."""


# ---------------------------------------------------------------------- synthesis


class Synthesizer:
    """Text -> mono int16 PCM at `SAMPLE_RATE`, with eSpeak NG from ``espeakng-loader``.

    eSpeak keeps global state, so there is one instance per process (`shared`) and calls
    are serialised by a lock.  Results are cached by (language, text): cues repeat.
    """

    _instance: Synthesizer | None = None
    _instance_lock = threading.Lock()

    def __init__(self) -> None:
        try:
            import espeakng_loader
        except ImportError as error:  # a broken install: the package is a dependency
            raise VoiceUnavailableError(f"espeakng-loader is not installed ({error})") from None
        try:
            lib = ctypes.CDLL(espeakng_loader.get_library_path())
        except OSError as error:
            raise VoiceUnavailableError(f"cannot load the eSpeak NG library: {error}") from None
        lib.espeak_Initialize.restype = ctypes.c_int
        lib.espeak_Initialize.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_char_p, ctypes.c_int]
        lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        lib.espeak_SetParameter.argtypes = [ctypes.c_int, ctypes.c_int, ctypes.c_int]
        lib.espeak_Synth.argtypes = [
            ctypes.c_char_p, ctypes.c_size_t, ctypes.c_uint, ctypes.c_int,
            ctypes.c_uint, ctypes.c_uint, ctypes.c_void_p, ctypes.c_void_p,
        ]  # fmt: skip
        audio_output_synchronous = 2
        rate = lib.espeak_Initialize(audio_output_synchronous, 0, espeakng_loader.get_data_path().encode(), 0)
        if rate <= 0:
            raise VoiceUnavailableError("eSpeak NG did not initialise (its data folder is missing?)")
        self.rate = int(rate)
        self._lib = lib
        self._chunks: list[bytes] = []
        callback_type = ctypes.CFUNCTYPE(
            ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
        )

        def collect(wav: Any, count: int, _events: Any) -> int:
            if count > 0:
                self._chunks.append(ctypes.string_at(wav, count * 2))
            return 0

        self._callback = callback_type(collect)  # kept referenced: eSpeak calls it later
        lib.espeak_SetSynthCallback(self._callback)
        lib.espeak_SetParameter(1, SPEECH_RATE_WPM, 0)  # espeakRATE, absolute
        self._lock = threading.Lock()
        self._voice: str | None = None
        self._cache: dict[tuple[str, str], np.ndarray] = {}

    @classmethod
    def shared(cls) -> Synthesizer:
        with cls._instance_lock:
            if cls._instance is None:
                cls._instance = cls()
            return cls._instance

    def pcm(self, words: str, lang: Lang) -> np.ndarray:
        """The spoken ``words`` as int16 samples at `rate` (cached)."""
        key = (lang, words)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                return cached
            voice = _ESPEAK_VOICES.get(lang, "en")
            if voice != self._voice:
                if self._lib.espeak_SetVoiceByName(voice.encode()) != 0:
                    raise VoiceUnavailableError(f"eSpeak NG has no voice '{voice}'")
                self._voice = voice
            self._chunks = []
            data = words.encode("utf-8")
            espeak_chars_utf8 = 1
            self._lib.espeak_Synth(data, len(data) + 1, 0, 0, 0, espeak_chars_utf8, None, None)
            samples = np.frombuffer(b"".join(self._chunks), dtype=np.int16).copy()
            self._cache[key] = samples
            return samples


# ---------------------------------------------------------------------- the session's track


class AudioTrack:
    """Clips placed at session times; mixed into one mono int16 track on demand."""

    def __init__(self, rate: int = SAMPLE_RATE) -> None:
        self.rate = rate
        self.clips: list[tuple[float, np.ndarray]] = []

    def add(self, start_s: float, pcm: np.ndarray) -> None:
        self.clips.append((max(0.0, float(start_s)), pcm))

    @property
    def end_s(self) -> float:
        return max((start + len(pcm) / self.rate for start, pcm in self.clips), default=0.0)

    def samples(self, duration_s: float | None = None) -> np.ndarray:
        """The track from session time 0, at least ``duration_s`` long (silence pads it)."""
        length = round(max(self.end_s, duration_s or 0.0) * self.rate)
        mixed = np.zeros(length, dtype=np.int32)
        for start, pcm in self.clips:
            at = round(start * self.rate)
            piece = pcm[: max(0, length - at)]
            mixed[at : at + len(piece)] += piece
        return np.clip(mixed, -32768, 32767).astype(np.int16)

    def write_wav(self, path: str | Path, duration_s: float | None = None) -> Path:
        path = Path(path)
        with wave.open(str(path), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(self.rate)
            out.writeframes(self.samples(duration_s).tobytes())
        return path


# ---------------------------------------------------------------------- playback


def _is_null_device(name: str) -> bool:
    # ALSA's "null" PCM ("Discard all samples ...") is listed on machines without sound.
    lowered = name.lower()
    return lowered.startswith("discard all samples") or lowered in ("null", "null output")


def output_device_available() -> bool:
    """True when a real audio output device is present (not a discard-everything one)."""
    try:
        import miniaudio

        devices = miniaudio.Devices().get_playbacks()
    except Exception as error:  # no backend at all, a broken driver: no device
        log.info("no audio output: %s", error)
        return False
    return any(not _is_null_device(str(d.get("name", ""))) for d in devices)


@dataclass
class _Clip:
    pcm: np.ndarray
    utterance: Utterance | None
    pos: int = 0
    started_at: float | None = None


class Player:
    """Plays PCM clips one after another on the default output, without blocking.

    Args:
        backends: miniaudio backends to try (None: the platform's own); the latency
            benchmark uses ``[miniaudio.Backend.NULL]``, a device that consumes samples
            in real time without a sound card.
        buffer_ms: the device buffer; sound starts at most about this long after it was
            handed over.
    """

    def __init__(
        self, rate: int = SAMPLE_RATE, backends: list[Any] | None = None, buffer_ms: int = 40
    ) -> None:
        import miniaudio

        self.rate = rate
        self._clips: deque[_Clip] = deque()
        self._lock = threading.Lock()
        self.started: list[tuple[Utterance | None, float]] = []  # (utterance, monotonic start)
        try:
            self._device = miniaudio.PlaybackDevice(
                output_format=miniaudio.SampleFormat.SIGNED16,
                nchannels=1,
                sample_rate=rate,
                buffersize_msec=buffer_ms,
                backends=backends,
                app_name="posecheck",
            )
            generator = self._stream()
            next(generator)
            self._device.start(generator)
        except Exception as error:
            raise VoiceUnavailableError(f"cannot open the audio output: {error}") from None
        self.buffer_ms = buffer_ms

    @property
    def busy(self) -> bool:
        with self._lock:
            return bool(self._clips)

    def play(self, pcm: np.ndarray, utterance: Utterance | None = None) -> None:
        with self._lock:
            self._clips.append(_Clip(pcm, utterance))

    def stop(self) -> None:
        with self._lock:
            self._clips.clear()

    def _stream(self) -> Any:
        required = yield b""
        while True:
            out = np.zeros(required, dtype=np.int16)
            filled = 0
            with self._lock:
                while filled < required and self._clips:
                    clip = self._clips[0]
                    if clip.started_at is None:
                        clip.started_at = time.monotonic()
                        self.started.append((clip.utterance, clip.started_at))
                    piece = clip.pcm[clip.pos : clip.pos + required - filled]
                    out[filled : filled + len(piece)] = piece
                    filled += len(piece)
                    clip.pos += len(piece)
                    if clip.pos >= len(clip.pcm):
                        self._clips.popleft()
            required = yield out.tobytes()

    def close(self) -> None:
        try:
            self._device.close()
        except Exception:  # closing a device that failed: nothing left to release
            log.debug("audio device close failed", exc_info=True)


# ---------------------------------------------------------------------- the voice


@dataclass
class SpokenLog:
    """What was said: one entry per utterance, for reports, tests and the latency figures."""

    entries: list[dict[str, Any]] = field(default_factory=list)
    dropped: list[dict[str, Any]] = field(default_factory=list)  # decided, but stale or replaced

    def to_dict(self) -> dict[str, Any]:
        return {"said": self.entries, "dropped": self.dropped}


def moment_of(analysis: Any, sided: bool | None = None) -> Moment:
    """`Moment` from a `posecheck.pipeline.Analysis`."""
    from posecheck.exercises import EXERCISES, is_stretch

    hold = analysis.hold
    exercise = analysis.assessment.exercise
    if sided is None:
        sided = EXERCISES[exercise].has_front_leg if exercise in EXERCISES else True
    return Moment(
        cue=analysis.cue_key,
        hold_s=hold.current_s,
        hold_active=hold.active,
        side=hold.side,
        target_s=hold.target_s,
        sided=sided,
        held=is_stretch(exercise),  # the others are checked, not held: no "good, hold"
        verdict_at=analysis.verdict_at,
    )


class Voice:
    """Speaks beside the video loop; `hear` and `say` return at once.

    Args:
        lang: the language spoken (may change during the session).
        settings: `posecheck.config.Settings` (the ``voice_*`` timing constants).
        player: a `Player`, or None to play nothing (headless, muted by ``--no-voice``).
        track: an `AudioTrack` receiving everything said, at session time (``--audio-out``).
        realtime: True in ``live``/``routine`` (a worker thread schedules in wall-clock
            time, mapped to session time); False in ``video``, where frames come faster
            than real time and scheduling follows the frames' timestamps.
        synth: the `Synthesizer` (default: the shared one).
    """

    def __init__(
        self,
        lang: Lang,
        settings: Any = None,
        *,
        player: Player | None = None,
        track: AudioTrack | None = None,
        realtime: bool = True,
        synth: Synthesizer | None = None,
    ) -> None:
        from posecheck.config import DEFAULT_SETTINGS

        s = settings or DEFAULT_SETTINGS
        self.lang: Lang = lang
        self.synth = synth or Synthesizer.shared()
        self.player = player
        self.track = track
        self.realtime = realtime
        self.muted = False
        self.coach = VoiceCoach(
            fault_persist_s=s.voice_fault_persist_s,
            repeat_s=s.voice_repeat_s,
            progress_every_s=s.voice_progress_every_s,
            good_after_s=s.voice_good_after_s,
        )
        self.queue = SpeechQueue(self.duration_of, stale_s=s.voice_stale_s)
        self.log = SpokenLog()
        self._origin: float | None = None  # session time of the first frame: track time 0
        self._clock: tuple[float, float] | None = None  # (session time, monotonic) of the last frame
        self._inbox: deque[Utterance] = deque()
        self._scheduling = False  # the worker holds utterances taken from the inbox
        self._wake = threading.Condition()
        self._closed = False
        self._worker: threading.Thread | None = None
        self._warm: deque[str] = deque(_likely_sentences(lang)) if realtime else deque()
        if realtime:
            self._worker = threading.Thread(target=self._run, name="voice", daemon=True)
            self._worker.start()

    # -- called from the video loop -------------------------------------------------

    def hear(self, analysis: Any, moment: Moment | None = None) -> list[Utterance]:
        """Feed one analysed frame; returns what the coach decided to say."""
        t = float(analysis.frame.timestamp_s)
        wanted = self.coach.update(moment or moment_of(analysis), t)
        self.say(wanted, t)
        return wanted

    def say(self, utterances: Iterable[Utterance], t: float) -> None:
        """Queue utterances decided at session time ``t`` (routine instructions, countdowns)."""
        utterances = list(utterances)
        if self._origin is None:
            self._origin = t
        self._clock = (t, time.monotonic())
        if self.muted:
            utterances = []
        if not self.realtime:
            self._start(self.queue.update(utterances, t))
            return
        with self._wake:
            self._inbox.extend(utterances)
            self._wake.notify()

    def idle_at(self, t: float) -> bool:
        """True when everything queued has been said by session time ``t``."""
        return not (self._inbox or self._scheduling or self.queue.pending) and self.queue.free_at <= t

    @property
    def session_s(self) -> float:
        """Session time from the first frame heard to the last."""
        if self._clock is None or self._origin is None:
            return 0.0
        return self._clock[0] - self._origin

    def write_wav(self, path: str | Path) -> Path | None:
        """The track (``--audio-out``), as long as the session or what was said, whichever is longer."""
        if self.track is None:
            return None
        return self.track.write_wav(path, self.session_s)

    def toggle_mute(self) -> bool:
        """The ``v`` key; returns True when now muted."""
        self.muted = not self.muted
        if self.muted and self.player is not None:
            self.player.stop()
        return self.muted

    def close(self) -> None:
        """End of session: say what is still due (the summary), then stop."""
        if self._worker is not None:
            with self._wake:
                self._closed = True
                self._wake.notify()
            self._worker.join(timeout=60)
        else:
            self._start(self.queue.drain())
        if self.player is not None:
            deadline = time.monotonic() + 30
            while self.player.busy and time.monotonic() < deadline:
                time.sleep(0.02)
            self.player.close()
        origin = self._origin or 0.0
        self.log.dropped = [
            {"t": round(u.t - origin, 3), "key": u.key, "kind": u.kind, "text": u.words(self.lang)}
            for u in self.queue.dropped
        ]

    # -- scheduling -----------------------------------------------------------------

    def duration_of(self, utterance: Utterance) -> float:
        return len(self.synth.pcm(utterance.words(self.lang), self.lang)) / self.synth.rate

    def _now(self) -> float:
        if self._clock is None:
            return -float("inf")
        t, at = self._clock
        return t + (time.monotonic() - at)

    def _start(self, started: list[tuple[Utterance, float]]) -> None:
        for utterance, start in started:
            words = utterance.words(self.lang)
            pcm = self.synth.pcm(words, self.lang)
            if self.player is not None:
                self.player.play(pcm, utterance)
            origin = self._origin or 0.0
            if self.track is not None:
                self.track.add(start - origin, pcm)
            self.log.entries.append(
                {
                    "t": round(utterance.t - origin, 3),
                    "start_s": round(start - origin, 3),
                    "end_s": round(start - origin + len(pcm) / self.synth.rate, 3),
                    "key": utterance.key,
                    "kind": utterance.kind,
                    "text": words,
                }
            )

    def _run(self) -> None:
        while True:
            if self._warm and not self._inbox and not self.queue.pending:
                # Idle: synthesise a sentence likely to come, so its verdict is heard sooner.
                self.synth.pcm(self._warm.popleft(), self.lang)
            with self._wake:
                if not self._inbox and not self._closed and not self._warm:
                    self._wake.wait(timeout=0.02)
                new = list(self._inbox)
                self._inbox.clear()
                self._scheduling = True
                closed = self._closed
            try:
                self.queue.push(new)
                self._scheduling = False
                self._start(self.queue.update((), self._now()))
                if closed:
                    self._start(self.queue.drain())
                    return
            except Exception:  # the voice must never take the session down
                log.exception("voice failed; continuing without it")
                return


def _likely_sentences(lang: Lang) -> list[str]:
    """The corrections of every exercise and the hold words, in ``lang`` (synthesised ahead)."""
    from posecheck.exercises import EXERCISES, report_keys
    from posecheck.messages import text

    keys = [
        "voice.good_hold",
        "voice.done_switch",
        "voice.done",
        "voice.go",
        "no_person",
        "turn_sideways",
        "turn_more_sideways",
    ]
    for exercise in EXERCISES.values():
        shown = set(report_keys(exercise))  # read in reports (its mismatch note follows below)
        keys += [k for k in exercise.messages if "." in k and not k.endswith(".pass") and k not in shown]
    keys += [f"mismatch.{exercise}" for exercise in EXERCISES]
    seen: dict[str, None] = {}
    for key in keys:
        words = text(key, lang)
        seen[words[:1].upper() + words[1:]] = None
    return list(seen)


def open_voice(
    lang: Lang,
    settings: Any,
    *,
    speak: bool,
    audio_out: str | None,
    realtime: bool,
) -> Voice | None:
    """The session's voice: played when ``speak`` and a device exists, recorded when
    ``audio_out``; None when neither."""
    track = AudioTrack() if audio_out else None
    player = None
    if speak:
        if output_device_available():
            try:
                player = Player()
            except VoiceUnavailableError as error:
                log.warning("voice off: %s", error)
        else:
            log.info("voice off: no audio output device")
    if player is None and track is None:
        return None
    try:
        voice = Voice(lang, settings, player=player, track=track, realtime=realtime)
    except VoiceUnavailableError as error:
        log.warning("voice off: %s", error)
        if player is not None:
            player.close()
        return None
    return voice
