"""The PDF font: Noto Sans (Latin, Cyrillic, Greek, ₽) from the fontpkg-noto-sans package.

The package ships a variable font. ReportLab can only use static instances, so a regular and a
bold instance are cut once with fontTools and cached; each gets its own PostScript name, so the
bold does not print as the regular (a known trap with variable fonts).
"""

from __future__ import annotations

import io
import os
import tempfile
import threading
from importlib.metadata import version
from pathlib import Path

REGULAR = "NotoSans"
BOLD = "NotoSans-Bold"
WEIGHTS = {REGULAR: 400, BOLD: 700}

# What the documents need: Latin, Cyrillic and Greek letters, punctuation, the ruble, euro and
# numero signs. Cutting the rest first makes building the instances several times faster.
UNICODE_RANGES = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x250),
    *range(0x370, 0x400),
    *range(0x400, 0x530),
    *range(0x2000, 0x2070),
    0x20AC,
    0x20BD,
    0x2116,
    0x2122,
    0x2212,
    0x2022,
    0x2026,
    0x2713,
]

_lock = threading.Lock()
_registered = False


def _source() -> Path:
    import fontpkg

    return Path(fontpkg.path("Noto Sans"))


def _build(cache: Path) -> dict[str, Path]:
    from fontTools import subset
    from fontTools.ttLib import TTFont
    from fontTools.varLib import instancer

    font = TTFont(_source())
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=UNICODE_RANGES)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)

    paths = {}
    for name, weight in WEIGHTS.items():
        path = cache / f"{name}.ttf"
        if not path.exists():
            instance = instancer.instantiateVariableFont(
                TTFont(io.BytesIO(buffer.getvalue())),
                {"wght": weight, "wdth": 100},
                updateFontNames=True,
            )
            # Write beside, then rename: another process may be building the same file.
            with tempfile.NamedTemporaryFile(dir=cache, suffix=".tmp", delete=False) as handle:
                instance.save(handle)
            os.replace(handle.name, path)
        paths[name] = path
    return paths


def font_files(cache_root: Path) -> dict[str, Path]:
    """Static TTF files of the document font, built on first use into `cache_root`."""
    cache = cache_root / f"noto-sans-{version('fontpkg-noto-sans')}"
    cache.mkdir(parents=True, exist_ok=True)
    paths = {name: cache / f"{name}.ttf" for name in WEIGHTS}
    if all(path.exists() for path in paths.values()):
        return paths
    return _build(cache)


def register(cache_root: Path) -> None:
    """Register the regular and bold faces with ReportLab (once per process)."""
    global _registered
    with _lock:
        if _registered:
            return
        from reportlab.lib.fonts import addMapping
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        for name, path in font_files(cache_root).items():
            pdfmetrics.registerFont(TTFont(name, str(path)))
        addMapping(REGULAR, 0, 0, REGULAR)
        addMapping(REGULAR, 1, 0, BOLD)
        addMapping(REGULAR, 0, 1, REGULAR)
        addMapping(REGULAR, 1, 1, BOLD)
        _registered = True
