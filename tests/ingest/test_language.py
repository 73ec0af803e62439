from ingest.language import detect_language


def test_spanish_and_english():
    assert detect_language("El programa de desarrollo de proveedores vincula a las pequeñas empresas con las "
                           "empresas tractoras del estado.") == "es"
    assert detect_language("The supplier development programme links small firms with the anchor companies "
                           "located in the state.") == "en"


def test_short_text_takes_the_fallback():
    assert detect_language("Plan México", fallback="es") == "es"


def test_deterministic():
    text = "La política industrial y the industrial policy se discuten en este texto mixto con varias palabras más."
    assert len({detect_language(text) for _ in range(10)}) == 1
