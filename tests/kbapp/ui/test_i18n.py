"""Every label exists in both languages, and every label the code asks for exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

from kbapp.ui.i18n import LABELS, t

UI = Path(__file__).resolve().parents[3] / "kbapp" / "ui"


def test_labels_have_both_languages_and_the_same_placeholders():
    fields = lambda s: {f for _, f, _, _ in string.Formatter().parse(s) if f}  # noqa: E731
    for key, (es, en) in LABELS.items():
        assert es.strip() and en.strip(), key
        assert fields(es) == fields(en), key


def test_every_label_used_in_the_code_is_defined():
    used = set()
    for path in UI.rglob("*.py"):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[a-z_.]+|[a-z_]+)["']""", path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if k not in LABELS)
    assert not missing, missing
    assert len(used) > 60  # the regex does see the calls


def test_placeholders_are_filled_and_unknown_values_fall_back():
    assert t("search.count", "es", n=3) == "3 pasajes, los más pertinentes primero."
    assert t("type.white paper", "en", default="white paper") == "white paper"
