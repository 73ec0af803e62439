"""Compare jurisdictions on topics: a topics × jurisdictions matrix of best cited passages, built from filtered
searches, with Markdown and CSV exports. No Streamlit here: the page, the CLI and tests share it."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from typing import Sequence

import numpy as np

from kb.citations import cite_text, md_escape
from kb.records import Hit


@dataclass(frozen=True)
class Topic:
    """A theme to compare on. ``query`` is what is searched: both languages, so each leg finds its own wording."""

    key: str
    label_es: str
    label_en: str
    query: str

    def label(self, lang: str) -> str:
        return self.label_es if lang == "es" else self.label_en


# Themes drawn from the Tabasco plan's four pillars and the four areas its Annex B reviews (CIIP, 2024); they are
# not the pillars themselves (corpus/_sources/*_mx-tab_tabasco_plan_2044.md names those).
THEMES: tuple[Topic, ...] = (
    Topic("skills", "Habilidades y empleos de calidad", "Skills and quality jobs",
          "skills training and quality jobs; formación de talento, capacitación y empleos de calidad"),
    Topic("suppliers", "Desarrollo de proveedores e integración de MIPYMES", "Supplier development and MSME integration",
          "supplier development and integration of SMEs into value chains; desarrollo de proveedores e integración "
          "de MIPYMES a cadenas de valor"),
    Topic("innovation", "Innovación y transferencia tecnológica", "Innovation and technology transfer",
          "innovation, research and technology transfer; innovación, investigación y transferencia tecnológica"),
    Topic("investment", "Promoción de inversiones y exportaciones", "Investment and export promotion",
          "investment attraction and export promotion; atracción de inversiones y promoción de exportaciones"),
    Topic("clusters", "Clústeres y parques ecoindustriales", "Clusters and eco-industrial parks",
          "industrial clusters and eco-industrial parks; clústeres industriales y parques ecoindustriales"),
    Topic("sustainability", "Sustentabilidad y energías renovables", "Sustainability and renewable energy",
          "sustainability, energy transition and renewable energy; sustentabilidad, transición energética y "
          "energías renovables"),
    Topic("inclusion", "Inclusión de género y regional", "Gender and regional inclusion",
          "gender equality and regional inclusion; igualdad de género e inclusión regional"),
    Topic("governance", "Gobernanza y coordinación", "Governance and coordination",
          "governance, institutional coordination and monitoring; gobernanza, coordinación institucional y "
          "seguimiento"),
)
THEMES_BY_KEY = {t.key: t for t in THEMES}

# A list of references matches every topic's words and says nothing about any: never the "best passage" of a cell.
REFERENCE_SECTIONS = re.compile(r"^\s*(references|referencias|bibliograf[ií]a|bibliography|sources|fuentes|"
                                r"works cited)\s*[:.]?\s*$", re.I)


def free_topic(text: str) -> Topic:
    """A user's own topic, searched as written."""
    text = text.strip()
    return Topic("custom", text, text, text)


@dataclass
class Cell:
    """The best passages of one jurisdiction on one topic; empty when the collection has nothing relevant."""

    topic: Topic
    jurisdiction: str
    hits: list[Hit] = field(default_factory=list)
    similarity: float | None = None  # the best hit's cosine similarity to the topic (dense), for the record

    @property
    def best(self) -> Hit | None:
        return self.hits[0] if self.hits else None


@dataclass
class Comparison:
    topics: list[Topic]
    jurisdictions: list[str]
    cells: dict[tuple[str, str], Cell]

    def cell(self, topic: Topic, jurisdiction: str) -> Cell:
        return self.cells[(topic.key, jurisdiction)]

    def column(self, jurisdiction: str) -> list[Cell]:
        return [self.cell(t, jurisdiction) for t in self.topics]


def compare(kb, topics: Sequence[Topic], jurisdictions: Sequence[str], *, per_cell: int = 3,
            min_similarity: float | None = None, language: Sequence[str] = ()) -> Comparison:
    """One filtered search per (topic, jurisdiction). A cell keeps the hits whose passage is close enough to the
    topic (dense cosine ≥ ``min_similarity``, default KB_COMPARE_MIN_SIMILARITY): a filter alone would always
    return *something* from a jurisdiction's documents, relevant or not."""
    if min_similarity is None:
        min_similarity = kb.config.compare_min_similarity
    cells: dict[tuple[str, str], Cell] = {}
    for topic in topics:
        qvec = kb.embedder.embed_query(topic.query)
        for jur in jurisdictions:
            hits = [h for h in kb.search(topic.query, per_cell + 2, jurisdiction=[jur], language=list(language) or None)
                    if not REFERENCE_SECTIONS.match(h.chunk.section or "")][:per_cell]
            sims = _similarities(kb, qvec, hits)
            kept = [h for h in hits if sims.get(h.chunk.chunk_id, 0.0) >= min_similarity]
            cells[(topic.key, jur)] = Cell(topic, jur, kept, max(sims.values()) if sims else None)
    return Comparison(list(topics), list(jurisdictions), cells)


def _similarities(kb, qvec: np.ndarray, hits: Sequence[Hit]) -> dict[str, float]:
    """Cosine similarity of each hit to the query vector, read back from the vector index (no re-embedding)."""
    if not hits:
        return {}
    doc_ids = sorted({h.chunk.doc_id for h in hits})
    where = {"doc_id": {"$in": doc_ids}} if len(doc_ids) > 1 else {"doc_id": doc_ids[0]}
    wanted = {h.chunk.chunk_id for h in hits}
    found = kb.store.vectors.query(qvec, 200, where, with_embeddings=False)
    return {d.chunk_id: 1.0 - d.distance for d in found if d.chunk_id in wanted}


def to_markdown(comp: Comparison, *, lang: str = "en", name=lambda code: code) -> str:
    """The matrix as Markdown: one section per topic, one entry per jurisdiction with its passage and citation."""
    nothing = "Sin pasajes sobre este tema en la colección." if lang == "es" else "Nothing in the collection on this."
    lines = [f"# {'Comparación' if lang == 'es' else 'Comparison'}: "
             + ", ".join(md_escape(name(j)) for j in comp.jurisdictions), ""]
    for topic in comp.topics:
        lines += [f"## {md_escape(topic.label(lang))}", ""]
        for jur in comp.jurisdictions:
            best = comp.cell(topic, jur).best
            lines.append(f"- **{md_escape(name(jur))}**: " + (
                f"{md_escape(cite_text(best.citation))}\n\n  > " + md_escape(best.chunk.text).replace("\n", " ")
                if best else f"_{nothing}_"))
            lines.append("")
    return "\n".join(lines)


def to_csv(comp: Comparison, *, lang: str = "en") -> str:
    """One row per cell (topic, jurisdiction), with the best passage and its citation, or empty when none."""
    from kb.citations import _csv_safe

    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["topic", "jurisdiction", "found", "title", "publisher", "year", "pages", "section", "language",
                "citation", "text", "url"])
    for topic in comp.topics:
        for jur in comp.jurisdictions:
            h = comp.cell(topic, jur).best
            c = h.citation if h else None
            w.writerow([_csv_safe(v) for v in (
                topic.label(lang), jur, "yes" if h else "no", c.title if c else "", c.publisher if c else "",
                (c.year or "") if c else "", c.pages if c else "", c.section if c else "",
                c.language if c else "", cite_text(c) if c else "", h.chunk.text if h else "", c.url if c else "")])
    return buf.getvalue()
