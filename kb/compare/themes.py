"""The themes Compare compares on, each described by what it means in both languages.

A theme is not searched as its name: a name ("Skills and quality jobs") matches any passage that says "quality".
Each theme carries several descriptions in Spanish and English of what a passage on it talks about (embedded, the
dense side of the ranking) and the words such passages use (stemmed per language, the lexical side). The themes
are drawn from the Tabasco plan's four pillars and the four areas its Annex B reviews (CIIP, 2024); they are not the
pillars themselves (corpus/_sources/*_mx-tab_tabasco_plan_2044.md names those).
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    """A theme to compare on: labels, what it means (descriptions) and the words passages on it use."""

    key: str
    label_es: str
    label_en: str
    descriptions: tuple[str, ...]  # both languages: each language's passages meet their own wording
    keywords_es: tuple[str, ...] = ()
    keywords_en: tuple[str, ...] = ()

    def label(self, lang: str) -> str:
        return self.label_es if lang == "es" else self.label_en

    @property
    def query(self) -> str:
        """One line that stands for the theme (highlighting, caches, a plain search)."""
        return "; ".join(self.descriptions[:2])

    @property
    def keywords(self) -> tuple[str, ...]:
        return self.keywords_es + self.keywords_en


THEMES: tuple[Topic, ...] = (
    Topic(
        "skills",
        "Habilidades y empleos de calidad",
        "Skills and quality jobs",
        (
            "Formación de técnicos e ingenieros: universidades tecnológicas, institutos y centros de capacitación que "
            "preparan a los trabajadores con las competencias que piden las empresas.",
            "Technical education and vocational training: universities, polytechnics and training centres that prepare "
            "technicians and engineers with the skills employers need.",
            "Educación dual, aprendizaje en el puesto de trabajo, formación continua de adultos y reconversión laboral.",
            "Apprenticeships, work-study programmes, lifelong learning credits and retraining of workers for new jobs.",
            "Escasez de talento, oferta educativa alineada con la industria y empleos de calidad.",
            "Shortages of skilled workers, curricula designed with industry, and quality jobs.",
        ),
        (
            "formación",
            "capacitación",
            "técnicos",
            "talento",
            "universidad",
            "competencias",
            "educación",
            "dual",
            "cursos",
            "carreras",
            "empleo",
            "trabajadores",
            "ingenieros",
            "reconversión",
        ),
        (
            "training",
            "skills",
            "technicians",
            "talent",
            "university",
            "universities",
            "education",
            "apprenticeship",
            "courses",
            "curricula",
            "jobs",
            "workers",
            "engineers",
            "retraining",
            "workforce",
        ),
    ),
    Topic(
        "suppliers",
        "Desarrollo de proveedores e integración de MIPYMES",
        "Supplier development and MSME integration",
        (
            "Programas de desarrollo de proveedores que ayudan a pequeñas y medianas empresas locales a venderle a las "
            "grandes empresas tractoras, con asistencia técnica y certificaciones de calidad.",
            "Supplier development programmes that help local small and medium-sized firms sell to anchor companies, "
            "with technical assistance and quality certification.",
            "Contenido local, encadenamientos productivos e integración de las pymes en cadenas de valor globales.",
            "Local content, linkages and integration of SMEs into global value chains and supply chains.",
        ),
        (
            "proveedores",
            "proveeduría",
            "pymes",
            "mipymes",
            "encadenamientos",
            "contenido local",
            "tractoras",
            "cadenas de valor",
            "certificaciones",
            "cadena de suministro",
        ),
        (
            "suppliers",
            "supplier",
            "smes",
            "sme",
            "linkages",
            "local content",
            "anchor",
            "value chains",
            "certification",
            "supply chain",
            "tier",
        ),
    ),
    Topic(
        "innovation",
        "Innovación y transferencia tecnológica",
        "Innovation and technology transfer",
        (
            "Centros de investigación aplicada, parques científicos y tecnológicos y fondos para la investigación y el "
            "desarrollo en las empresas.",
            "Applied research centres, science and technology parks and funding for business research and development.",
            "Transferencia de tecnología entre universidades y empresas, innovación y nuevas tecnologías.",
            "Technology transfer from universities to firms, innovation programmes and new technologies.",
        ),
        (
            "innovación",
            "investigación",
            "tecnología",
            "tecnológico",
            "científico",
            "desarrollo tecnológico",
            "transferencia",
        ),
        ("innovation", "research", "technology", "r&d", "science", "scientific", "technological", "transfer"),
    ),
    Topic(
        "investment",
        "Promoción de inversiones y exportaciones",
        "Investment and export promotion",
        (
            "Atracción de inversión extranjera directa: una agencia de promoción que busca inversionistas, facilita su "
            "instalación y les da seguimiento después de invertir.",
            "Attracting foreign direct investment: an investment promotion agency that targets investors, facilitates "
            "their set-up and offers aftercare once they have invested.",
            "Promoción de exportaciones, incentivos a la inversión y llegada de nuevas plantas por la relocalización.",
            "Export promotion, investment incentives, and new plants arriving with nearshoring.",
        ),
        (
            "inversión",
            "inversiones",
            "inversionistas",
            "inversión extranjera",
            "atracción",
            "exportaciones",
            "exportar",
            "relocalización",
            "incentivos",
            "promoción",
        ),
        (
            "investment",
            "investors",
            "investor",
            "fdi",
            "foreign direct investment",
            "attraction",
            "exports",
            "export",
            "nearshoring",
            "incentives",
            "promotion",
            "aftercare",
        ),
    ),
    Topic(
        "clusters",
        "Clústeres y parques ecoindustriales",
        "Clusters and eco-industrial parks",
        (
            "Clústeres industriales: empresas de un mismo sector concentradas en una región que cooperan con "
            "universidades y gobierno.",
            "Industrial clusters: firms of one sector concentrated in a region, cooperating with universities and "
            "government.",
            "Parques industriales y ecoindustriales con suelo, servicios e infraestructura compartida para las empresas.",
            "Industrial and eco-industrial parks offering serviced land, shared utilities and infrastructure to firms.",
        ),
        (
            "clúster",
            "clústeres",
            "cluster",
            "parque industrial",
            "parques industriales",
            "ecoindustriales",
            "empresa ancla",
            "suelo industrial",
        ),
        (
            "cluster",
            "clusters",
            "industrial park",
            "industrial parks",
            "eco-industrial",
            "anchor",
            "co-location",
            "industrial estate",
            "industrial land",
        ),
    ),
    Topic(
        "sustainability",
        "Sustentabilidad y energías renovables",
        "Sustainability and renewable energy",
        (
            "Transición energética y energías renovables: generación solar y eólica, eficiencia energética y "
            "reducción de emisiones de la industria.",
            "Energy transition and renewable energy: solar and wind power, energy efficiency and cutting industrial "
            "emissions.",
            "Cuidado del agua y del medio ambiente, economía circular y desarrollo sostenible.",
            "Water and environmental protection, circular economy and sustainable development.",
        ),
        (
            "renovables",
            "energía limpia",
            "transición energética",
            "sostenible",
            "sustentable",
            "sostenibilidad",
            "ambiental",
            "agua",
            "emisiones",
            "economía circular",
            "solar",
            "eólica",
            "acuífero",
        ),
        (
            "renewable",
            "clean energy",
            "energy transition",
            "sustainable",
            "sustainability",
            "environmental",
            "water",
            "emissions",
            "carbon",
            "circular economy",
            "solar",
            "wind",
            "electric",
        ),
    ),
    Topic(
        "inclusion",
        "Inclusión de género y regional",
        "Gender and regional inclusion",
        (
            "Igualdad de género: programas para mujeres emprendedoras y trabajadoras en la industria.",
            "Gender equality: programmes for women entrepreneurs and women workers in industry.",
            "Inclusión regional: reducir la desigualdad entre regiones y llevar el desarrollo a las zonas rezagadas.",
            "Regional inclusion: reducing inequality between regions and bringing development to lagging areas and "
            "underserved groups.",
        ),
        (
            "mujeres",
            "género",
            "inclusión",
            "incluyente",
            "inclusivo",
            "desigualdad",
            "regiones",
            "rezago",
            "comunidades",
        ),
        ("women", "gender", "inclusion", "inclusive", "inequality", "regions", "regional", "lagging", "underserved"),
    ),
    Topic(
        "governance",
        "Gobernanza y coordinación",
        "Governance and coordination",
        (
            "Gobernanza de la estrategia: consejos y órganos que coordinan a gobierno, empresas y academia y dan "
            "seguimiento al plan.",
            "Governance of the strategy: councils and bodies that coordinate government, business and academia and "
            "monitor the plan.",
            "Continuidad entre administraciones, indicadores, evaluación y responsables de cada acción.",
            "Continuity across administrations, indicators, evaluation and who is responsible for each action.",
        ),
        (
            "gobernanza",
            "coordinación",
            "consejo",
            "seguimiento",
            "evaluación",
            "continuidad",
            "indicadores",
            "planeación",
            "triple hélice",
        ),
        (
            "governance",
            "coordination",
            "council",
            "monitoring",
            "evaluation",
            "continuity",
            "indicators",
            "planning",
            "board",
            "triple helix",
        ),
    ),
)
THEMES_BY_KEY = {t.key: t for t in THEMES}


def free_topic(text: str) -> Topic:
    """A user's own topic: its text is its description, each of its words a keyword (in either language)."""
    text = text.strip()
    words = tuple(dict.fromkeys(w for w in re.findall(r"\w+", text) if len(w) > 2))
    return Topic("custom", text, text, (text,), words, words)
