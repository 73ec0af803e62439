"""The section-label measure (bench/section_labels.py): which label shapes it calls body text, and its word counts
on a PDF made here."""

from __future__ import annotations

import pytest

from bench.section_labels import measure, suspicion
from tests.fixtures import make_pdf


@pytest.mark.parametrize(
    "heading, why",
    [
        (
            "ARTÍCULO 5°. OBJETO DEL FONDO -FONDES-. En desarrollo del objeto del Fondo",
            "text after the heading's full stop",
        ),
        ("ARTÍCULO 6°. RECURSOS FINANCIEROS DEL PLAN NACIONAL DE", "ends mid-phrase"),
        ("Cooperación 9,1 0,8", "table row"),
        ("Juan Carlos Montiel", "a person's name"),
        ("Contacto: jperez@economia.gob.mx", "e-mail or address"),
        (
            "La política regional de desarrollo productivo se aplica en todo el país y en cada municipio",
            "long line in ordinary case",
        ),
        ("TÍTULO PRIMERO", ""),
        ("CAPÍTULO II. Disposiciones Generales", ""),
        ("ARTÍCULO 4°. EJES TRANSVERSALES DEL PLAN NACIONAL DE DESARROLLO.", ""),
        ("Bigram Analysis", ""),
    ],
)
def test_label_shapes(heading, why):
    assert suspicion(heading) == why


def test_words_of_a_pdf_are_in_bodies_or_labels(tmp_path):
    path = make_pdf(
        tmp_path / "plan.pdf",
        [
            [
                "El plan regional de desarrollo se aplica en los municipios costeros del litoral y en sus zonas rurales.",
                "# Proveedores locales",
                "Las empresas tractoras compran a las pequeñas empresas de la región y las acompañan con asesoría.",
            ]
        ],
        footer=False,
    )
    report = measure(path)
    assert report.lost_words == 0 and report.suspicious == []
    assert report.label_only_words == 2  # "proveedores locales", the heading, is only in its label
    assert report.body_words + report.label_only_words == report.page_words
    assert len(report.embed_texts) >= 1
