"""Texts of the reports a person reads (HTML report, batch index, history), English and Dutch.

Kept apart from the cues in `posecheck.messages`, which merges them into ``MESSAGES``, so
`posecheck.messages.text` finds every text by one key.  Placeholders use `str.format`.
"""

from __future__ import annotations

REPORT_MESSAGES: dict[str, dict[str, str]] = {
    # batch index (OUT/index.html)
    "index.title": {"en": "posecheck: videos analysed", "nl": "posecheck: geanalyseerde video's"},
    "index.video": {"en": "video", "nl": "video"},
    "index.status": {"en": "status", "nl": "status"},
    "index.exercises": {"en": "exercises", "nl": "oefeningen"},
    "index.holds": {
        "en": "longest hold left / right leg in front",
        "nl": "langst vastgehouden links / rechts voor",
    },
    "index.duration": {"en": "length", "nl": "duur"},
    "index.problem": {"en": "problem", "nl": "probleem"},
    "index.status_done": {"en": "done", "nl": "klaar"},
    "index.status_skipped": {"en": "done earlier", "nl": "eerder klaar"},
    "index.status_failed": {"en": "failed", "nl": "mislukt"},
    # posecheck history
    "history.title": {"en": "Progress over time", "nl": "Voortgang in de tijd"},
    "history.sessions": {"en": "Sessions", "nl": "Sessies"},
    "history.none": {"en": "No sessions stored yet.", "nl": "Nog geen sessies opgeslagen."},
    "history.date": {"en": "date", "nl": "datum"},
    "history.person": {"en": "person", "nl": "persoon"},
    "history.command": {"en": "how", "nl": "hoe"},
    "history.exercises": {"en": "exercises", "nl": "oefeningen"},
    "history.hold_left": {
        "en": "longest hold, left leg in front (s)",
        "nl": "langst vastgehouden, links voor (s)",
    },
    "history.hold_right": {
        "en": "longest hold, right leg in front (s)",
        "nl": "langst vastgehouden, rechts voor (s)",
    },
    "history.hip_extension": {"en": "hip extension (°)", "nl": "heupstrekking (°)"},
    "history.pelvis_on_floor": {
        "en": "pelvis on the floor (% of the time)",
        "nl": "bekken op de vloer (% van de tijd)",
    },
    "history.hollow_back": {"en": "no hollow back (% of the time)", "nl": "geen holle rug (% van de tijd)"},
    "history.hold_axis": {"en": "seconds held in good form", "nl": "seconden goed vastgehouden"},
    "history.share_axis": {"en": "% of the time in good form", "nl": "% van de tijd goed"},
    "history.angle_axis": {"en": "degrees", "nl": "graden"},
    "history.trends": {"en": "Trends", "nl": "Trends"},
}
