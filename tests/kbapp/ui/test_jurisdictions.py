"""ISO 3166 codes shown by name, in Spanish or English, Mexican states apart from countries."""

from kbapp.ui.jurisdictions import label, name, split


def test_names_in_both_languages():
    assert name("MX-TAB", "es") == "Tabasco" and name("MX-QUE", "en") == "Querétaro"
    assert name("MX-NLE", "es") == "Nuevo León" and name("MX-CMX", "es") == "Ciudad de México"
    assert name("SG", "es") == "Singapur" and name("SG", "en") == "Singapore"
    assert name("MX", "es") == "México" and name("KR", "en") == "South Korea"
    assert name("INT", "es") == "Internacional"


def test_unknown_codes_stay_as_given():
    assert name("XX", "en") == "XX" and name("MX-ZZZ", "es") == "MX-ZZZ" and name("", "en") == ""


def test_states_are_grouped_apart_and_labelled_with_their_country():
    states, others = split(["SG", "MX-TAB", "MX", "MX-QUE", "INT", "mx-nle"], "es")
    assert states == ["MX-NLE", "MX-QUE", "MX-TAB"]
    assert others == ["INT", "MX", "SG"]
    assert label("MX-TAB", "en") == "Tabasco (MX)" and label("SG", "en") == "Singapore"


def test_the_state_of_mexico_cannot_be_taken_for_the_country():
    assert name("MX-MEX", "es") == "Estado de México" and name("MX-MEX", "en") == "State of Mexico"
    assert name("MX-MEX", "es") != name("MX", "es") and name("MX-CMX", "en") == "Mexico City"
