"""Screenshots of HTML reports in headless Chromium, at desktop and phone width.

    python tools/report_screenshots.py REPORT.html [REPORT.html ...] --out docs/

writes ``<stem>-desktop.png`` (1280 px wide) and ``<stem>-phone.png`` (390 px wide) for each
page.  Headless Chromium will not make a window narrower than 500 px, so the phone view is the
page inside a 390 px iframe, cropped (the page sees a 390 px viewport, as on a phone).
Needs ``chromium`` (Debian package) and Pillow.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import tempfile
from pathlib import Path

from PIL import Image

PHONE_WIDTH = 390


def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None:
        raise SystemExit("chromium not found (Debian package: chromium)")
    return found


def shoot(url: str, out: Path, width: int, height: int, profile: Path) -> None:
    subprocess.run(
        [
            chromium(),
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--hide-scrollbars",
            "--allow-file-access-from-files",
            "--virtual-time-budget=5000",
            f"--user-data-dir={profile}",
            f"--window-size={width},{height}",
            f"--screenshot={out}",
            url,
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )


def trim(path: Path, width: int | None = None) -> None:
    """Crop to ``width``, cut the blank bottom, store with a 256-colour palette."""
    image = Image.open(path).convert("RGB")
    if width is not None:
        image = image.crop((0, 0, width, image.height))
    rows = [
        y
        for y in range(image.height)
        if image.crop((0, y, image.width, y + 1)).getextrema() != ((255, 255),) * 3
    ]
    bottom = min(image.height, (rows[-1] + 24) if rows else image.height)
    # 256 colours: text, plots and the small video frames stay sharp at a third of the size.
    image.crop((0, 0, image.width, bottom)).quantize(256, method=Image.Quantize.FASTOCTREE).save(
        path, optimize=True
    )


def screenshots(page: Path, out_dir: Path, stem: str | None = None) -> list[Path]:
    stem = stem or page.stem
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        desktop = out_dir / f"{stem}-desktop.png"
        shoot(page.resolve().as_uri(), desktop, 1280, 8000, Path(tmp) / "a")
        trim(desktop)
        frame = page.resolve().with_name(f".phone-{page.name}")
        frame.write_text(
            '<!DOCTYPE html><html><body style="margin:0">'
            f'<iframe src="{page.name}" width="{PHONE_WIDTH}" height="9000" style="border:0;display:block">'
            "</iframe></body></html>",
            encoding="utf-8",
        )
        phone = out_dir / f"{stem}-phone.png"
        try:
            shoot(frame.as_uri(), phone, 500, 9000, Path(tmp) / "b")
        finally:
            frame.unlink()
        trim(phone, PHONE_WIDTH)
    return [desktop, phone]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("pages", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, default=Path("docs"))
    args = parser.parse_args()
    for page in args.pages:
        for shot in screenshots(page, args.out):
            print(shot)


if __name__ == "__main__":
    main()
