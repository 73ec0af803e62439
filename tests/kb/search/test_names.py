"""Place names across languages (kb/names.py): a place the collection names in another language is no unknown name."""

import pytest

from kb.search.names import PlaceNames, country_names, place_names
from kb.search.relevance import proper_names, unknown


def test_a_place_is_mentioned_under_any_of_its_names():
    places = PlaceNames([["Países Bajos", "Holanda", "Netherlands"], ["Nueva Zelanda", "New Zealand"], ["Nueva York"]])
    said = {"netherlands", "nueva"}
    query = "Políticas de los Países Bajos y de Nueva Zelanda"
    assert places.found(query) == [(("paises", "bajos"), 0), (("nueva", "zelanda"), 1)]  # the longest name wins
    assert places.mentioned(query, lambda w: w in said) == {"paises", "bajos"}  # New Zealand is named nowhere
    assert places.mentioned("PAISES BAJOS", lambda w: w in said) == {"paises", "bajos"}  # case and accents aside


@pytest.mark.parametrize(
    "spanish, english",
    [
        ("Etiopía", "ethiopia"),
        ("México", "mexico"),
        ("Países Bajos", "netherlands"),
        ("Singapur", "singapore"),
        ("Corea del Sur", "korea"),
    ],
)
def test_exonyms_from_the_country_list(spanish, english):
    """pycountry's Spanish names: the collection saying only the English name mentions the place."""
    query = f"¿Qué política industrial aplica {spanish} a las pymes?"
    names = proper_names(query)
    assert names  # the check below has something to clear
    known = {"ethiopia", "mexico", "netherlands", "singapore", "south", "korea"}
    mentioned = place_names().mentioned(query, lambda w: w in known)
    assert unknown(names, lambda w: w.lower() in known, mentioned) == []
    assert unknown(names, lambda w: w.lower() in known) != [] or spanish == "México"  # without the list: unknown


def test_a_place_the_collection_never_names_stays_unknown():
    query = "¿Cómo financia Finlandia a Sitra?"
    mentioned = place_names().mentioned(query, lambda w: w in {"ethiopia"})
    assert unknown(proper_names(query), lambda w: False, mentioned) == ["Finlandia", "Sitra"]


def test_every_country_has_a_spanish_name():
    names = country_names()
    assert len(names) > 240
    assert any("Etiopía" in n and "Ethiopia" in n for n in names)


def test_a_spanish_question_naming_singapur_finds_the_english_passage_on_singapore(kb_small):
    """Issue 21: "Etiopía appear in no document" although the English paper on Ethiopia was hit 1. Here the English
    passage says "Singapore's"; the Spanish question says "Singapur"."""
    result = kb_small.search_result("¿Cómo forma Singapur a los trabajadores que necesitan los nuevos inversionistas?")
    assert "Singapore" in result.hits[0].chunk.text
    assert result.unknown_names == []
