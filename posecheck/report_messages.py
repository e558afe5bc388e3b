"""Texts of the reports a person reads (HTML report, batch index, history), English and Dutch.

Only the general ones: what a check measures (``measure.<check id>``) and what a failing
stretch of it means (``event.<check id>``) belong to the exercise module that owns the check.

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

REPORT_MESSAGES.update(
    {
        # the HTML report for a patient (posecheck.report_html)
        "report.title": {"en": "Exercise report", "nl": "Oefenverslag"},
        "report.exercises": {"en": "Exercises done", "nl": "Gedane oefeningen"},
        "report.summary": {"en": "In short", "nl": "Samengevat"},
        "report.video": {"en": "The video with the feedback", "nl": "De video met de feedback"},
        "report.video_hint": {
            "en": "Click a point in a plot or a picture to see that moment in the video.",
            "nl": "Klik op een punt in een grafiek of op een foto om dat moment in de video te zien.",
        },
        "report.no_video": {
            "en": "No annotated video was made (posecheck video IN -o OUT.mp4 makes one).",
            "nl": "Er is geen video met feedback gemaakt (posecheck video IN -o UIT.mp4 maakt er een).",
        },
        "report.sides": {"en": "Left against right", "nl": "Links tegenover rechts"},
        "report.checks": {"en": "The checks", "nl": "De controles"},
        "report.key_frames": {"en": "Key moments", "nl": "Belangrijke momenten"},
        "report.best": {"en": "best moment", "nl": "beste moment"},
        "report.worst": {"en": "worst moment", "nl": "slechtste moment"},
        "report.plots": {"en": "Over time", "nl": "In de tijd"},
        "report.plots_hint": {
            "en": "Green: good, red: needs work, dashed: the limit, grey band: moving between exercises (not judged).",
            "nl": "Groen: goed, rood: kan beter, stippellijn: de grens, grijze band: bewegen tussen oefeningen (niet beoordeeld).",
        },
        "report.details": {"en": "Technical details", "nl": "Technische details"},
        "report.transition": {
            "en": "moving between exercises (not judged)",
            "nl": "bewegen tussen oefeningen (niet beoordeeld)",
        },
        "report.nothing": {"en": "no exercise recognised", "nl": "geen oefening herkend"},
        "report.nothing_judged": {
            "en": "No exercise was recognised in this video.",
            "nl": "In deze video is geen oefening herkend.",
        },
        "report.left_front": {"en": "left leg in front", "nl": "linkerbeen voor"},
        "report.right_front": {"en": "right leg in front", "nl": "rechterbeen voor"},
        "report.held": {
            "en": "held {held} s of {target} in good form",
            "nl": "{held} van de {target} s goed vastgehouden",
        },
        "report.good_share": {"en": "in good form {share} of the time", "nl": "{share} van de tijd goed"},
        "report.no_mistakes": {"en": "no mistakes seen", "nl": "geen fouten gezien"},
        "report.col_good": {"en": "in good form", "nl": "goed"},
        "report.col_typical": {"en": "typical value", "nl": "typische waarde"},
        "report.col_limit": {"en": "good when", "nl": "goed als"},
        "report.hold_row": {"en": "longest hold in good form", "nl": "langst goed vastgehouden"},
        "report.time_axis": {"en": "time in the video (s)", "nl": "tijd in de video (s)"},
        "report.hold_axis": {"en": "seconds held", "nl": "seconden vastgehouden"},
        "report.hold_plot": {"en": "Holding in good form", "nl": "Goed vastgehouden"},
        "report.target": {"en": "target", "nl": "doel"},
        "report.limit": {"en": "limit", "nl": "grens"},
        "report.pass": {"en": "good", "nl": "goed"},
        "report.fail": {"en": "needs work", "nl": "kan beter"},
        "report.unknown": {"en": "not seen", "nl": "niet gezien"},
        "report.once": {"en": "once", "nl": "1 keer"},
        "report.times": {"en": "{n} times", "nl": "{n} keer"},
        "report.within": {"en": "within ±{v}", "nl": "binnen ±{v}"},
        "report.at_most": {"en": "at most {v}", "nl": "hoogstens {v}"},
        "report.at_least": {"en": "at least {v}", "nl": "minstens {v}"},
        "report.incomplete": {
            "en": "The analysis was cut short: this report covers the first {duration}.",
            "nl": "De analyse is afgebroken: dit verslag gaat over de eerste {duration}.",
        },
        "report.source": {"en": "video", "nl": "video"},
        "report.model": {"en": "pose model", "nl": "houdingsmodel"},
        "report.frames": {"en": "frames analysed", "nl": "geanalyseerde beelden"},
        "report.person_seen": {"en": "person seen in", "nl": "persoon in beeld in"},
        "report.unit.ratio": {"en": "(relative to body size)", "nl": "(t.o.v. lichaamsmaat)"},
    }
)
