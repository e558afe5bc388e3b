"""Fit the thresholds that are tuned from labels: ``python benchmarks/calibrate.py ../shared/data``.

For every threshold of ``labelled.FITTED`` (a setting, the check or recognition it decides, and a
range to search) the labelled photos are judged at every value of the range, on the model
output cached by ``accuracy.py`` (``--cache``).  The fitted value is the one with the highest
balanced accuracy (mean of the pass and the fail recall), and among equally good values the
centre of the widest such plateau: the limit then keeps the largest margin to both classes.

Each threshold is printed with

* its current default and the plain balanced accuracy there,
* the value fitted on all photos and its plain balanced accuracy,
* the **leave-one-source-out** balanced accuracy: fitted without one source (a ``repo`` joined
  with the ``group=`` of ``note``), judged on that source, verdicts pooled over all sources,
* whether config.py takes the fitted value ("fitted"), keeps its default ("default"), or takes
  a value fitted elsewhere (the script named, e.g. ``pelvis_mannequin.py``: rendered mannequins),
* the range of the values fitted across the folds.

A plain score well above the cross-validated one means the value fits photos, not poses:
keep the physically motivated default then.  ``config.py`` quotes the cross-validated figure
in the reason of every fitted setting.  ``--toml FILE`` writes the fitted values as a
settings file for ``accuracy.py --config``.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.labelled import (
    FITTED,
    cached_poses,
    cross_validate,
    judge,
    labelled_arguments,
    load_rows,
    score,
    sweep,
)
from posecheck.config import load_settings


def main() -> int:
    parser = labelled_arguments(__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="fit only these settings")
    parser.add_argument("--toml", type=Path, help="write the fitted values to this settings file")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    settings = load_settings(args.config)
    rows = load_rows(args.data)
    poses = cached_poses(rows, args.data, settings, model=args.model, cache=args.cache)
    rows = [r for r in rows if r.file in poses]
    now = judge(rows, poses, settings)
    print(
        f"{'setting':28}{'objective':23}{'default':>9}{'plain':>8}{'fitted':>9}{'plain':>8}{'LOSO':>8}"
        f"{'n':>5}  in config  fold values"
    )
    fitted_values = {}
    for fitted in FITTED:
        if args.only and fitted.setting not in args.only:
            continue
        result = cross_validate(sweep(fitted, rows, poses, settings), rows)
        default = getattr(settings, fitted.setting)
        before, _ = score(fitted.relevant(rows), now, fitted.objective)
        folds = sorted(result.per_source.values())
        print(
            f"{fitted.setting:28}{fitted.objective:23}{default:9.4g}{before:8.1%}{result.value:9.4g}"
            f"{result.plain:8.1%}{result.cross_validated:8.1%}{result.count:5}  {'fitted' if fitted.adopted else fitted.elsewhere or 'default':9}"
            f"  {folds[0]:.4g}..{folds[-1]:.4g}"
        )
        fitted_values[fitted.setting] = result.value
    if args.toml:
        args.toml.write_text("".join(f"{k} = {v:.6g}\n" for k, v in fitted_values.items()), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
