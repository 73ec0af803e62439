"""Ingestion messages as keys with parameters: the English text is what reports keep; Spanish readers get the same
message, parameters untouched."""

from __future__ import annotations

import pytest

from kb.messages import CATALOG, UnknownMessage, message, parse, translate


@pytest.mark.parametrize("key", list(CATALOG))
def test_every_message_round_trips_and_has_spanish(key):
    english, spanish = CATALOG[key]
    fields = [f for f in __import__("re").findall(r"\{(\w+)\}", english)]
    params = {f: f"<{f} 7 (x)>" for f in fields}
    text = message(key, **params)
    assert parse(text) == (key, params)
    assert spanish != english and all(p in translate(text, "es") for p in params.values())


def test_translation_of_real_reasons():
    assert (
        translate(message("warn.headers_removed", n=7), "es")
        == "se quitaron 7 línea(s) repetidas de encabezado o pie de página"
    )
    assert translate("removed 7 repeated header/footer line(s)", "en") == "removed 7 repeated header/footer line(s)"
    both = "; ".join([message("warn.language_unknown"), message("warn.no_passages")])
    assert (
        translate(both, "es") == "idioma: desconocido (muy poco texto para saberlo); sin pasajes: el documento "
        "no tiene texto aprovechable"
    )
    assert translate("a reason nobody catalogued", "es") == "a reason nobody catalogued"  # left as it is


def test_unknown_keys_are_named():
    with pytest.raises(UnknownMessage, match="no.such"):
        message("no.such")
