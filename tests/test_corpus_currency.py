"""#23: the corpus says what its sources say, in their language, and follows the current plans.

- No reference line says "Deep link not verified" / "Enlace directo no verificado": a note either links the document
  (or a copy of it) or says what was found instead.
- Nuevo León's profile and notes follow the Consejo Nuevo León's current plan (the Plan Estratégico 2030 revised in
  2021, and the 2040 draft opened for comment on 27 March 2023), and name the 2015-2030 plan only as what it replaced.
- A Spanish reader is not given the policy-kb team's translation where the source itself exists in Spanish: a profile
  field quoted only in English, or a Spanish note quoting English, is flagged when its source has a Spanish version.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from kb.compare.profiles import load_profile

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
PROFILES = CORPUS / "profiles"

# Documents published in more than one language: URL → {language: URL of that language's version}.
# A quotation should come from the version in the reader's language when it exists.
OTHER_LANGUAGE_VERSIONS = {
    "https://ciip.group.cam.ac.uk/reports-and-articles/making-nearshoring-work-for-mexico-the-role-of-industrial-"
    "innovation-policy": {
        "es": "https://ciip.group.cam.ac.uk/como-hacer-que-el-nearshoring-funcione-para-mexico-el-papel-de-la-"
        "politica-de-innovacion-industrial"
    },
}

# Known, reported gap: CIIP's Spanish article exists, but its stored copy shows only its opening paragraphs, so its
# wording of Tabasco's vision and pillars could not be read (docs/corpus-sources-1.md). Quoting Spanish we cannot
# read would be inventing it; the gap stays visible here until someone reads the Spanish text.
SPANISH_WORDING_NOT_READ = {"MX-TAB"}

_NOT_VERIFIED = re.compile(r"deep link not verified|enlace directo no verificado", re.I)


def _corpus_texts() -> list[Path]:
    return sorted(
        [*CORPUS.glob("md/*.md"), *CORPUS.glob("_sources/*.md"), *PROFILES.glob("*.md"), CORPUS / "catalog.csv"]
    )


def test_no_reference_says_deep_link_not_verified():
    offenders = [
        p.relative_to(CORPUS).as_posix() for p in _corpus_texts() if _NOT_VERIFIED.search(p.read_text("utf-8"))
    ]
    assert not offenders, offenders


def test_the_check_would_catch_it():
    assert _NOT_VERIFIED.search("Phaal (2001). Deep link not verified; published by the IfM.")
    assert _NOT_VERIFIED.search("Barrios (2018). Enlace directo no verificado.")


# --- Nuevo León ---------------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def nle():
    return load_profile(PROFILES / "mx-nle.md")


def test_nuevo_leon_profile_follows_the_current_plan(nle):
    plan = nle.fields["plan"]
    assert "Plan Estratégico 2030" in plan.text("es") and "2021" in plan.text("es")
    assert "2040" in plan.text("es") and "27 de marzo de 2023" in plan.text("es")
    assert "27 March 2023" in plan.text("en")
    # the 2015-2030 plan is named only as the one the revision replaced
    assert "2015-2030" not in plan.text("es") and "2015-2030" in plan.note["es"]
    assert "sustituye" in plan.note["es"] and "replaces" in plan.note["en"]
    assert plan.as_of >= "2023"
    assert len(nle.fields["pillars"].items("es")) == 9
    assert "2015-2021" not in nle.fields["sectors"].note.get("en", ""), "no longer the 2015-2021 cluster list"
    dated = [s for f in ("plan", "pillars", "sectors") for s in nle.fields[f].sources if s.year]
    assert dated and max(s.year for s in dated) >= 2023


@pytest.mark.parametrize(
    ("note", "marks"),
    [
        ("md/en_mx-nle_clusters_consejo_nl.md", ("Strategic Plan 2030", "27 March 2023", "nine thematic axes")),
        ("md/es_mx-nle_consejo_clusters.md", ("Plan Estratégico 2030", "27 de marzo de 2023", "nueve ejes temáticos")),
    ],
)
def test_nuevo_leon_notes_know_the_2021_revision_and_the_2040_draft(note, marks):
    text = re.sub(r"\s+", " ", (CORPUS / note).read_text("utf-8"))
    for mark in marks:
        assert mark in text, (note, mark)


# --- quotations in the reader's language --------------------------------------------------------------------
def _translated_where_original_exists(profile) -> list[str]:
    """Fields given in a language only as the team's translation although a source has a version in that language."""
    found = []
    for name, f in profile.fields.items():
        if not f.filled or not f.quoted:
            continue
        for lang in ("es", "en"):
            if lang in f.quoted:
                continue
            if any(lang in OTHER_LANGUAGE_VERSIONS.get(s.url, {}) for s in f.sources):
                found.append(f"{name} ({lang})")
    return found


def _profiles_and_marks():
    for path in sorted(PROFILES.glob("*.md")):
        jur = path.stem.upper()
        marks = (
            [pytest.mark.xfail(strict=True, reason="Spanish wording not read")]
            if jur in SPANISH_WORDING_NOT_READ
            else []
        )
        yield pytest.param(path, marks=marks, id=jur)


@pytest.mark.parametrize("path", list(_profiles_and_marks()))
def test_no_team_translation_where_the_source_exists_in_that_language(path):
    assert not _translated_where_original_exists(load_profile(path))


def _spanish_notes_quoting_english():
    """Spanish Tabasco notes that quote the English article's vision although CIIP published it in Spanish."""
    for path in sorted(CORPUS.glob("_sources/es_*.md")):
        text = path.read_text("utf-8")
        if "ciip.group.cam.ac.uk" in text and '"Tabasco is a competitive state' in text:
            yield path.name


@pytest.mark.xfail(strict=True, reason="CIIP's Spanish wording of the vision could not be read (see module doc)")
def test_spanish_notes_do_not_quote_the_english_article():
    assert not list(_spanish_notes_quoting_english())


# --- the states profiled in this round have a note in each language ------------------------------------------
ROUND_23_STATES = ("MX-AGU", "MX-BCN", "MX-BCS", "MX-COL", "MX-CMX", "MX-DUR", "MX-GRO", "MX-HID")


@pytest.mark.parametrize("jurisdiction", ROUND_23_STATES)
def test_each_new_state_has_a_profile_and_a_note_in_each_language(jurisdiction):
    assert (PROFILES / f"{jurisdiction.lower()}.md").is_file()
    with (CORPUS / "catalog.csv").open(encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if r["jurisdiction"] == jurisdiction]
    assert {r["language"] for r in rows} == {"es", "en"}, rows
    for row in rows:  # the note names the plan it summarises, or says why there is no public copy
        assert row["source_title"] and row["source_publisher"]
        assert row["source_url"] or "no" in row["source_note"].lower()
