"""Strategy profiles as a table: plan years read from the profile, exports that carry every source and date."""

from __future__ import annotations

import csv
import io

from kb.compare.profile_table import BOM, TABLE_FIELDS, Span, matches, rows, span, to_csv, to_markdown, to_xlsx
from kb.compare.profiles import load_folder, parse_profile
from kb.config import PROJECT_ROOT

PROFILE = """---
title: "Perfil · Profile: Testland"
jurisdiction: MX-TST
level: state
doc_type: profile
profile:
  checked: 2026-11-30
  name: {es: Testlandia, en: Testland}
  fields:
    plan:
      es: "Plan Estatal de Desarrollo 2024-2030"
      en: "State Development Plan 2024-2030"
      note:
        es: "Sustituye al Plan Estatal 2018-2024."
        en: "It replaced the 2018-2024 State Plan."
      sources: [{title: "=Plan", publisher: "Periódico Oficial (copy on vLex)", year: n.d., url: "https://ex.org/plan.pdf"}]
      as_of: n.d.
    period:
      es: "2024-2030, con visión a 2050"
      en: "2024-2030, with a vision to 2050"
      sources: [{title: "Plan", publisher: "Gobierno", year: 2025, url: "https://ex.org/plan.pdf"}]
      as_of: 2025-03
    sectors:
      es: ["Aeroespacial", "Química"]
      en: ["Aerospace", "Chemicals"]
      sources: [{title: "Plan", publisher: "Gobierno", year: 2025, url: "https://ex.org/sectores"}]
      as_of: 2025-03
    vision:
      status: not confirmed
      note: {es: "No se halló.", en: "Not found."}
---
"""


def test_plan_years_horizon_and_replaced_plan():
    p = parse_profile(PROFILE)
    assert span(p) == Span(2024, 2030, 2050, False, ((2018, 2024),))
    assert span(p).covers(2040, 2045) and not span(p).covers(2051, 2060)


def test_every_starter_profile_with_years_has_a_span():
    profiles, errors = load_folder(PROJECT_ROOT / "corpus" / "profiles")
    assert profiles and not errors
    tab = next(p for p in profiles if p.jurisdiction == "MX-TAB")
    assert (span(tab).start, span(tab).end) == (2024, 2044)
    for p in profiles:  # a period with a range of years is always read
        text = p.fields["period"].text("en")
        if any(f"{y}-" in text for y in range(1990, 2060)):
            assert span(p).start and span(p).end, p.jurisdiction


def test_exports_read_back_with_sources_and_dates():
    p = parse_profile(PROFILE)
    table = rows([p], "es")
    text = to_csv(table, "es")
    assert text.startswith(BOM)
    header, row = list(csv.reader(io.StringIO(text.removeprefix(BOM))))
    assert len(header) == 3 + 3 * len(TABLE_FIELDS) + 1 and row[1] == "MX-TST"
    plan = header.index("Estrategia o plan")
    assert row[plan] == "Plan Estatal de Desarrollo 2024-2030"
    assert "(copia en vLex), s. f. https://ex.org/plan.pdf" in row[plan + 1] and row[plan + 2] == "s. f."
    assert row[plan + 1].startswith("'=Plan")  # a spreadsheet never runs it as a formula
    vision = header.index("Visión")
    assert row[vision] == "No se halló." and row[vision + 1] == ""
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(to_xlsx(table, "en"))).active
    cells = [c.value for c in sheet[2]]
    assert cells[1] == "MX-TST" and sheet.cell(row=2, column=plan + 1).hyperlink.target == "https://ex.org/plan.pdf"
    md = to_markdown(table, "en")
    assert "[Plan](https://ex.org/sectores)" in md and "as of 2025-03" in md and "_not confirmed_" in md


def test_search_within_the_table_ignores_accents_and_case():
    table = rows([parse_profile(PROFILE)], "es")
    assert matches(table[0], "QUIMICA") and matches(table[0], "testlandia") and not matches(table[0], "acero")
