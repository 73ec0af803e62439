"""Strategy profiles: parsing into typed records, validation with clear messages, and finding them in a store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from kb.compare.profiles import (
    FIELDS,
    Profile,
    ProfileError,
    find_profiles,
    load_folder,
    load_profile,
    parse_profile,
    profiles_in,
)
from kb.records import Document

SOURCE = {"title": "A plan", "publisher": "A government", "year": 2024, "url": "https://example.org/plan.pdf"}


def profile_text(fields: dict, **front) -> str:
    fm = {
        "title": "Strategy profile: Somewhere",
        "publisher": "policy-kb team",
        "year": 2026,
        "jurisdiction": "MX-XYZ",
        "level": "state",
        "doc_type": "profile",
        "profile": {"checked": "2026-11-30", "name": {"es": "Algún lugar", "en": "Somewhere"}, "fields": fields},
    }
    fm.update(front)
    return "---\n" + yaml.safe_dump(fm, allow_unicode=True, sort_keys=False) + "---\n\n# Body\n"


def problems_of(text: str) -> list[str]:
    with pytest.raises(ProfileError) as info:
        parse_profile(text, "x.md")
    assert str(info.value).startswith("x.md: ")
    return info.value.problems


def test_a_profile_parses_into_typed_fields_in_both_languages():
    text = profile_text(
        {
            "plan": {
                "es": "Plan Estatal 2024-2030",
                "en": "State Plan 2024-2030",
                "sources": [SOURCE],
                "as_of": "2024-05",
            },
            "vision": {"es": "Ser líderes.", "en": "To lead.", "quoted": ["es"], "sources": SOURCE, "as_of": 2024},
            "pillars": {
                "es": ["Industria", "Talento"],
                "en": ["Industry", "Talent"],
                "sources": [SOURCE],
                "as_of": "2024-05-01",
            },
            "governance": {"status": "not confirmed", "note": {"es": "No hallado.", "en": "Not found."}},
        }
    )
    p = parse_profile(text, "x.md")
    assert isinstance(p, Profile) and p.jurisdiction == "MX-XYZ" and p.level == "state"
    assert list(p.fields) == list(FIELDS)  # every field present, in display order, empty ones too
    assert p.filled == ["plan", "vision", "pillars"] and "governance" in p.empty
    assert p.fields["plan"].text("en") == "State Plan 2024-2030" and p.fields["plan"].as_of == "2024-05"
    assert p.fields["vision"].text("es") == "“Ser líderes.”"  # the source's own words, quoted
    assert p.fields["vision"].text("en") == "To lead." and p.fields["vision"].as_of == "2024"
    assert p.fields["pillars"].items("es") == ("Industria", "Talento")
    assert p.fields["pillars"].sources[0].url == SOURCE["url"]
    assert p.fields["governance"].note["en"] == "Not found." and p.fields["governance"].text("en") == ""
    assert p.name("es") == "Algún lugar" and p.fields["plan"].label("es") == "Estrategia o plan"
    assert p.sources() == [p.fields["plan"].sources[0]]  # one source, cited by three fields, numbered once


def test_a_filled_field_needs_a_source_a_date_and_both_languages():
    problems = problems_of(
        profile_text(
            {
                "plan": {"es": "Plan", "en": "Plan"},
                "period": {"es": "2024-2030", "sources": [SOURCE], "as_of": "2024"},
                "sectors": {"es": ["A", "B"], "en": ["A"], "sources": [SOURCE], "as_of": "2024"},
                "vision": {
                    "es": "V",
                    "en": "V",
                    "sources": [{"title": "T", "url": "www.example.org"}],
                    "as_of": "mayo",
                },
            }
        )
    )
    text = "\n".join(problems)
    assert "field 'plan': no source" in text and "field 'plan': 'as_of' must be a date" in text
    assert "field 'period': no value in en" in text
    assert "field 'sectors': the languages list a different number of items (es: 2, en: 1)" in text
    assert "field 'vision': source 1: missing publisher, year" in text
    assert "field 'vision': 'as_of' must be a date" in text


def test_unknown_fields_and_keys_are_rejected_by_name():
    problems = problems_of(
        profile_text(
            {
                "visión": {"es": "V", "en": "V", "sources": [SOURCE], "as_of": "2024"},
                "plan": {"es": "P", "en": "P", "sources": [{**SOURCE, "pages": 3}], "as_of": "2024", "lang": "es"},
            }
        )
    )
    text = "\n".join(problems)
    assert "unknown field 'visión' (known: plan, period, publisher, vision, pillars" in text
    assert "field 'plan': unknown key 'lang'" in text
    assert "field 'plan': source 1: unknown key 'pages'" in text


def test_an_empty_field_carries_no_fact():
    problems = problems_of(
        profile_text(
            {
                "vision": {"status": "not confirmed", "sources": [SOURCE], "as_of": "2024"},
                "plan": {"status": "unknown"},
                "period": {"status": "not confirmed", "es": "2024", "en": "2024", "sources": [SOURCE], "as_of": "2024"},
            }
        )
    )
    text = "\n".join(problems)
    assert "field 'vision': has sources, as_of or quoted but no value" in text
    assert "field 'plan': 'status' can only be 'not confirmed'" in text
    assert "field 'period': says 'not confirmed' but has a value" in text


def test_dates_and_document_keys_are_checked():
    problems = problems_of(
        profile_text(
            {"plan": {"es": "P", "en": "P", "sources": [SOURCE], "as_of": "2027-01"}},
            doc_type="case study",
            jurisdiction="",
        )
    )
    text = "\n".join(problems)
    assert "doc_type must be 'profile'" in text and "'jurisdiction' is missing" in text
    assert "'as_of' 2027-01 is later than profile.checked 2026-11-30" in text
    assert problems_of("no front matter") == ["no YAML front matter (the file must start with ---)"]
    assert "not valid YAML" in problems_of("---\nprofile: [\n---\n")[0]


def test_a_folder_and_a_knowledge_base_list_reports_bad_files_and_keeps_the_rest(tmp_path):
    good = tmp_path / "mx-xyz.md"
    good.write_text(
        profile_text({"plan": {"es": "P", "en": "P", "sources": [SOURCE], "as_of": "2024"}}), encoding="utf-8"
    )
    bad = tmp_path / "mx-bad.md"
    bad.write_text(profile_text({"plan": {"es": "P", "en": "P"}}), encoding="utf-8")
    (tmp_path / "README.md").write_text("# not a profile\n", encoding="utf-8")
    profiles, errors = load_folder(tmp_path)
    assert [p.jurisdiction for p in profiles] == ["MX-XYZ"]
    assert [Path(e.where).name for e in errors] == ["mx-bad.md"]
    documents = [
        Document(doc_type="profile", source=str(good)),
        Document(doc_type="profile", source=str(bad)),
        Document(doc_type="profile", source=str(tmp_path / "gone.md")),
        Document(doc_type="case study", source=str(tmp_path / "README.md")),
    ]
    profiles, errors = profiles_in(documents)
    assert [p.jurisdiction for p in profiles] == ["MX-XYZ"]
    assert len(errors) == 2 and "cannot be read" in str(errors[1])


def test_ingested_profiles_are_found_and_their_passages_keep_their_language(tmp_path):
    """The real pipeline on a shipped profile: one bilingual document, each passage in its section's language."""
    from ingest import ingest_paths
    from kb import KnowledgeBase

    shipped = Path(__file__).resolve().parents[3] / "corpus" / "profiles" / "mx-tab.md"
    folder = tmp_path / "docs"
    folder.mkdir()
    shutil.copy(shipped, folder / shipped.name)
    kb = KnowledgeBase.open(tmp_path / "store")
    assert ingest_paths(kb, [folder]).ok
    profiles, errors = find_profiles(kb)
    assert not errors and [p.jurisdiction for p in profiles] == ["MX-TAB"]
    assert profiles[0].fields["sectors"].items("en") == (
        "Agroindustry",
        "Chemical industry",
        "Renewable energy",
        "Automotive",
    )
    chunks = list(kb.store.manifest.iter_chunks())
    by_section = {(c.section, c.language) for c in chunks}
    assert {lang for s, lang in by_section if s.startswith("Perfil")} == {"es"}
    assert {lang for s, lang in by_section if s.startswith("Strategy profile")} == {"en"}
    assert all(c.doc.doc_type == "profile" and c.doc.jurisdiction == "MX-TAB" for c in chunks)
    hits = kb.search("Tabasco priority sectors renewable energy", k=3)
    assert hits and hits[0].chunk.doc.doc_type == "profile"
    (folder / shipped.name).unlink()  # a profile whose file has gone is reported, not fatal
    profiles, errors = find_profiles(kb)
    assert not profiles and "cannot be read" in str(errors[0])


def test_load_profile_names_the_file(tmp_path):
    with pytest.raises(ProfileError, match="missing.md: cannot be read"):
        load_profile(tmp_path / "missing.md")


def test_an_undated_source_says_so_and_only_then_the_date_may_be_unknown():
    undated = {**SOURCE, "year": "n.d."}
    p = parse_profile(profile_text({"plan": {"es": "P", "en": "P", "sources": [undated], "as_of": "n.d."}}))
    assert p.fields["plan"].as_of == "n.d." and p.fields["plan"].sources[0].year is None
    assert p.fields["plan"].as_of_text("es") == "s. f." and p.fields["plan"].as_of_text("en") == "n.d."
    assert p.fields["plan"].sources[0].cite() == "A plan. A government, n.d. https://example.org/plan.pdf"
    problems = problems_of(
        profile_text(
            {
                "plan": {"es": "P", "en": "P", "sources": [undated, SOURCE], "as_of": "n.d."},
                "period": {"es": "P", "en": "P", "sources": [{**SOURCE, "year": "circa 2020"}], "as_of": "2020"},
            }
        )
    )
    text = "\n".join(problems)
    assert "field 'plan': 'as_of' must be a date" in text and "n.d. only when every source" in text
    assert "field 'period': source 1: year must be a four-digit year, or n.d." in text
