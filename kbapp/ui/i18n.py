"""Interface labels in Spanish and English. Content (titles, passages) stays in its own language."""

from __future__ import annotations

import streamlit as st

LANGS = ("es", "en")

# key → (Spanish, English). Placeholders in braces are filled by ``t(key, lang, **values)``.
LABELS: dict[str, tuple[str, str]] = {
    "page.search": ("Buscar", "Search"),
    "page.compare": ("Comparar", "Compare"),
    "page.strategies": ("Estrategias", "Strategies"),
    "page.coverage": ("Cobertura", "Coverage"),
    "page.library": ("Biblioteca", "Library"),
    "page.about": ("Acerca de", "About"),
    "any": ("Cualquiera", "Any"),
    # search
    "search.title": ("Buscar en la colección", "Search the collection"),
    "search.box": ("Pregunta o palabras clave (español o inglés)", "Question or keywords (Spanish or English)"),
    "search.placeholder": (
        "desarrollo de proveedores · supplier development",
        "supplier development · desarrollo de proveedores",
    ),
    "search.empty": (
        "{docs} documentos en la colección. Pregunte en español o en inglés: los pasajes de ambos "
        "idiomas aparecen juntos, cada uno con su cita.",
        "{docs} documents in the collection. Ask in Spanish or English: passages in both languages "
        "come back together, each with its citation.",
    ),
    "search.error": ("No se puede buscar: {reason}", "Cannot search: {reason}"),
    "search.none": ("No se encontraron pasajes con estos filtros.", "No passages found with these filters."),
    "search.relax": (
        "Ningún documento cumple todos a la vez; quitar uno de estos basta: {filters}.",
        "No document meets them all at once; removing one of these is enough: {filters}.",
    ),
    "filter.jurisdiction": ("Jurisdicción", "Jurisdiction"),
    "search.sort": ("Ordenar los resultados", "Order the results"),
    "search.sort.relevance": ("por pertinencia", "by relevance"),
    "search.sort.year_desc": ("por año, los más recientes primero", "by year, newest first"),
    "search.sort.year_asc": ("por año, los más antiguos primero", "by year, oldest first"),
    "search.sort.jurisdiction": ("por jurisdicción", "by jurisdiction"),
    # What the starter collection is (issue #11), on the start page and in About.
    "collection.notes": (
        "**Qué contiene la colección inicial.** {n} de estos documentos son notas de investigación escritas por el "
        "equipo de policy-kb que resumen documentos públicos (planes, leyes, evaluaciones, artículos); no son esos "
        "documentos. Cada nota indica el documento que resume, su editor y su año, con un enlace cuando existe una "
        "copia pública, y termina con sus referencias. El filtro de años usa el año del documento resumido. Para "
        "trabajar con los documentos originales, descargue los PDF desde esos enlaces y súbalos en la página "
        "Biblioteca, o cópielos en `corpus/` y ejecute `kb ingest corpus/`.",
        "**What the starter collection is.** {n} of these documents are research notes written by the policy-kb "
        "team that summarise public documents (plans, laws, evaluations, articles); they are not those documents. "
        "Each note names the document it summarises, its publisher and year, with a link where a public copy "
        "exists, and ends with its references. The year filter uses the summarised document's year. To work with "
        "the originals, download the PDFs from those links and upload them on the Library page, or copy them into "
        "`corpus/` and run `kb ingest corpus/`.",
    ),
    "search.nothing": (
        "La colección no tiene nada que responda a esta pregunta.",
        "The collection has nothing that answers this question.",
    ),
    "search.nearest": ("Los pasajes más cercanos (no la responden)", "The nearest passages (they do not answer it)"),
    "search.count": ("{n} pasajes, los más pertinentes primero.", "{n} passages, most relevant first."),
    "answer": (
        "Respuesta extractiva (oraciones de los pasajes citados)",
        "Extractive answer (sentences from the cited passages)",
    ),
    "filters": ("Filtros", "Filters"),
    "filter.language": ("Idioma del pasaje", "Passage language"),
    "filter.states": ("Estados de México", "Mexican states"),
    "filter.countries": ("Países y organismos", "Countries and international"),
    "filter.level": ("Nivel", "Level"),
    "filter.type": ("Tipo de documento", "Document type"),
    "filter.years": ("Años", "Years"),
    "filter.k": ("Número de pasajes", "Number of passages"),
    "filter.kind": ("Tipo de pasaje", "Passage kind"),
    "kind.content": ("contenido", "content"),
    "kind.title": ("portada y título", "title block"),
    "kind.toc": ("índice de contenidos", "table of contents"),
    "kind.references": ("referencias", "references"),
    "kind.index": ("índice analítico", "index"),
    "kind.table": ("gráfico o tabla", "chart or table"),
    "kind.note": ("la nota sobre sí misma", "the note about itself"),
    "card.open_pdf": ("Abrir el PDF en la p. {page}", "Open the PDF at p. {page}"),
    "card.open_file": ("Abrir el documento", "Open the document"),
    "card.open_section": ("Abrir el documento en § {section}", "Open the document at § {section}"),
    "card.select": ("Elegir", "Select"),
    "card.summarises": ("Nota de investigación que resume: {source}", "Research note summarising: {source}"),
    "export.title": ("Exportar", "Export"),
    "export.all": (
        "Exporta los {n} pasajes de la lista (marque «Elegir» para exportar solo algunos).",
        "Exports all {n} passages listed (tick “Select” to export only some).",
    ),
    "export.selected": ("Exporta los {n} pasajes elegidos.", "Exports the {n} selected passages."),
    "export.help": ("{n} pasajes con sus citas", "{n} passages with their citations"),
    # compare
    "compare.title": ("Comparar estrategias", "Compare strategies"),
    "compare.intro": (
        "Elija dos o más jurisdicciones y uno o varios temas: cada celda muestra las oraciones que "
        "tratan el tema en el pasaje más pertinente de esa jurisdicción, con el pasaje completo a un clic "
        "y su cita, o dice que la colección no tiene nada al respecto.",
        "Choose two or more jurisdictions and one or more topics: each cell shows the sentences on the theme "
        "from that jurisdiction's most relevant passage, the whole passage one click away and its "
        "citation, or says that the collection has nothing on it.",
    ),
    "compare.jurisdictions": (
        "Jurisdicciones (dos o más; con más de cuatro, la tabla se desplaza de lado)",
        "Jurisdictions (two or more; past four, the table scrolls sideways)",
    ),
    "compare.pick": ("Elija jurisdicciones", "Choose jurisdictions"),
    "compare.themes": (
        "Temas (de los pilares del plan de Tabasco y su Anexo B)",
        "Themes (from the Tabasco plan's pillars and its Annex B)",
    ),
    "compare.none": ("Ningún tema predefinido", "No preset theme"),
    "compare.topic": ("Tema libre", "Your own topic"),
    "compare.topic_hint": ("p. ej. zonas económicas especiales", "e.g. special economic zones"),
    "compare.need_two": ("Elija al menos dos jurisdicciones.", "Choose at least two jurisdictions."),
    "compare.need_topic": ("Elija un tema o escriba uno.", "Choose a theme or type one."),
    "compare.running": (
        "Buscando {n} combinaciones de tema y jurisdicción…",
        "Searching {n} theme × jurisdiction pairs…",
    ),
    "compare.matrix": ("Matriz temas × jurisdicciones", "Themes × jurisdictions matrix"),
    "compare.columns": ("Por jurisdicción", "By jurisdiction"),
    "compare.nothing": (
        "Nada sobre este tema en la colección para esta jurisdicción.",
        "Nothing on this theme in the collection for this jurisdiction.",
    ),
    "compare.from_profile": (
        "Del perfil estratégico de {name} (policy-kb), no de un pasaje:",
        "From the strategy profile of {name} (policy-kb), not from a passage:",
    ),
    "compare.weak": (
        "Pasaje más cercano (coincidencia débil: no trata de verdad este tema)",
        "Nearest passage (weak match: it does not really address this theme)",
    ),
    "compare.passage": ("Pasaje completo", "Whole passage"),
    "compare.also_under": ("También se muestra en: {themes}.", "Also shown under: {themes}."),
    "compare.reused": (
        "Ningún otro pasaje de esta jurisdicción trata este tema: es el mismo que en {themes}.",
        "Nothing else from this jurisdiction speaks to this theme: same passage as under {themes}.",
    ),
    "compare.profile": ("Perfil estratégico", "Strategy profile"),
    "compare.no_profile": (
        "La colección no tiene un perfil estratégico de esta jurisdicción.",
        "The collection has no strategy profile for this jurisdiction.",
    ),
    "compare.not_confirmed": ("Sin confirmar en una fuente pública.", "Not confirmed in a public source."),
    "compare.source": ("Fuente", "Source"),
    "compare.as_of": ("a {date}", "as of {date}"),
    "compare.nothing_at_all": ("Ningún pasaje sobre estos temas.", "No passage on these themes."),
    # strategies
    "strat.title": ("Estrategias de desarrollo", "Development strategies"),
    "strat.intro": (
        "Los {n} perfiles estratégicos de la colección en una tabla: cada dato con su fuente y la fecha en que la "
        "fuente lo afirma. Filtre, busque y ordene; marque filas (casilla a la izquierda) para verlas lado a lado.",
        "The collection's {n} strategy profiles in one table: every value with its source and the date the source "
        "states it. Filter, search and sort; tick rows (box on the left) to see them side by side.",
    ),
    "strat.none": (
        "La colección no tiene perfiles estratégicos (documentos de tipo «perfil»).",
        "The collection has no strategy profiles (documents of type “profile”).",
    ),
    "strat.country": ("País", "Country"),
    "strat.from": ("Desde", "From"),
    "strat.to": ("Hasta", "To"),
    "strat.as_of": ("a fecha de", "as of"),
    "strat.in_force": ("Planes en vigor entre", "Plans in force between"),
    "strat.find": ("Buscar en la tabla", "Search the table"),
    "strat.find_hint": ("p. ej. semiconductores, clústeres, 2030", "e.g. semiconductors, clusters, 2030"),
    "strat.sort": ("Ordenar por", "Sort by"),
    "strat.descending": ("Descendente", "Descending"),
    "strat.sources": ("Mostrar fuentes y fechas", "Show sources and dates"),
    "strat.count": (
        "{shown} de {total} jurisdicciones (también puede ordenar con un clic en un encabezado).",
        "{shown} of {total} jurisdictions (you can also sort by clicking a column header).",
    ),
    "strat.no_match": (
        "Ningún perfil cumple estos filtros: quite alguno o amplíe los años.",
        "No profile matches these filters: remove one or widen the years.",
    ),
    "strat.export_help": (
        "Exporta las {n} jurisdicciones mostradas, en este orden, con las fuentes y fechas de cada dato.",
        "Exports the {n} jurisdictions shown, in this order, with each value's sources and dates.",
    ),
    "strat.side": ("Lado a lado", "Side by side"),
    "strat.side_pick": (
        "Jurisdicciones a comparar (las filas marcadas, o elíjalas aquí)",
        "Jurisdictions to compare (the rows ticked, or choose them here)",
    ),
    "strat.side_hint": ("Elija jurisdicciones", "Choose jurisdictions"),
    "strat.timeline": ("Cronología de los planes", "Plan timeline"),
    "strat.timeline_help": (
        "Años de cada plan según su perfil; el horizonte de largo plazo en claro, los planes sustituidos en gris, "
        "la línea punteada es el año en curso.",
        "Each plan's years as its profile gives them; the long-term horizon in light blue, replaced plans in grey, "
        "the dotted line is the current year.",
    ),
    "strat.no_periods": ("Ningún perfil mostrado da los años de su plan.", "No profile shown gives its plan's years."),
    "strat.undated": ("Sin años en el perfil: {names}.", "No years in the profile: {names}."),
    "strat.periods_text": ("Los periodos como texto", "The periods as text"),
    # coverage
    "cov.title": (
        "Cobertura: qué dice la colección sobre cada tema",
        "Coverage: what the collection says on each theme",
    ),
    "cov.intro": (
        "Cada jurisdicción frente a los temas de Comparar, calculado con el mismo código que Comparar (todos los "
        "temas a la vez, pasajes en ambos idiomas). Azul: un pasaje trata el tema; azul claro: solo un campo del "
        "perfil estratégico; gris: nada. Haga clic en una celda para ver su evidencia.",
        "Each jurisdiction against Compare's themes, computed by the same code as Compare (all themes at once, "
        "passages in both languages). Blue: a passage addresses the theme; light blue: a strategy-profile field "
        "only; grey: nothing. Click a cell to see its evidence.",
    ),
    "cov.passage": ("Un pasaje trata el tema", "A passage addresses the theme"),
    "cov.profile": ("Solo el perfil", "Profile field only"),
    "cov.none": ("Nada", "Nothing"),
    "cov.theme": ("Tema", "Theme"),
    "cov.evidence": ("Evidencia", "Evidence"),
    "cov.computing": (
        "Calculando la cobertura de todas las jurisdicciones (una vez por versión de la colección)…",
        "Computing the coverage of every jurisdiction (once per collection version)…",
    ),
    "cov.open": ("Evidencia de una celda", "A cell's evidence"),
    "cov.pick": ("Elija", "Choose"),
    "cov.click": (
        "Haga clic en una celda del mapa, o elija una jurisdicción y un tema.",
        "Click a cell of the map, or choose a jurisdiction and a theme.",
    ),
    "cov.fields": ("Campos del perfil sobre el tema", "Profile fields on the theme"),
    "cov.to_compare": ("Abrir en Comparar", "Open in Compare"),
    # library
    "lib.title": ("Biblioteca", "Library"),
    "lib.filter": ("Filtrar documentos", "Filter documents"),
    "lib.filter_hint": ("título, jurisdicción, tipo, año…", "title, jurisdiction, type, year…"),
    "lib.count": (
        "{shown} de {total} documentos (haga clic en un encabezado para ordenar).",
        "{shown} of {total} documents (click a column header to sort).",
    ),
    "lib.report": ("Última ingesta", "Last ingestion"),
    "lib.no_report": ("Aún no hay un informe de ingesta para este acervo.", "No ingestion report for this store yet."),
    "lib.report_summary": (
        "{when}: {n} archivos ({counts}), {seconds} s.",
        "{when}: {n} files ({counts}), {seconds} s.",
    ),
    "lib.report_summary.one": ("{when}: 1 archivo ({counts}), {seconds} s.", "{when}: 1 file ({counts}), {seconds} s."),
    "lib.report_gone": (
        "Desde entonces se eliminaron {n} de estos documentos.",
        "{n} of these documents have been deleted since.",
    ),
    "lib.report_gone.one": (
        "Desde entonces se eliminó uno de estos documentos.",
        "One of these documents has been deleted since.",
    ),
    "lib.no_problems": ("Ningún archivo tuvo problemas.", "No file had a problem."),
    "col.title": ("Título", "Title"),
    "col.jurisdiction": ("Jurisdicción", "Jurisdiction"),
    "col.type": ("Tipo", "Type"),
    "col.year": ("Año", "Year"),
    "col.summarises": ("Resume", "Summarises"),
    "col.language": ("Idioma", "Language"),
    "col.pages": ("Páginas", "Pages"),
    "col.chunks": ("Pasajes", "Passages"),
    "col.ingested": ("Ingresado", "Ingested"),
    "col.file": ("Archivo", "File"),
    "col.publisher": ("Autor o institución", "Publisher"),
    "col.url": ("Dirección (URL)", "URL"),
    "col.open": ("Abrir", "Open"),
    "col.outcome": ("Resultado", "Outcome"),
    "col.reason": ("Motivo", "Reason"),
    # Outcomes agree in number with what they count: "1 ingresado", "3 ingresados" (``tn``).
    "outcome.ingested": ("ingresados", "ingested"),
    "outcome.ingested.one": ("ingresado", "ingested"),
    "outcome.updated": ("actualizados", "updated"),
    "outcome.updated.one": ("actualizado", "updated"),
    "outcome.unchanged": ("sin cambios", "unchanged"),
    "outcome.skipped": ("omitidos", "skipped"),
    "outcome.skipped.one": ("omitido", "skipped"),
    "outcome.failed": ("con error", "failed"),
    "upload.heading": ("Subir documentos", "Upload documents"),
    "upload.files": ("PDF o Markdown", "PDF or Markdown"),
    "upload.title": ("Título", "Title"),
    "upload.title_help": (
        "Solo si sube un archivo; si no, se usa el del documento.",
        "Only when uploading one file; otherwise the document's own title is used.",
    ),
    "upload.publisher": ("Autor o institución", "Author or publisher"),
    "upload.jurisdiction_help": (
        "Código ISO 3166: MX, MX-TAB, MX-QUE, SG, CL…",
        "ISO 3166 code: MX, MX-TAB, MX-QUE, SG, CL…",
    ),
    "upload.submit": ("Subir e ingresar", "Upload and ingest"),
    "upload.ocr": ("Leer páginas escaneadas con OCR (Tesseract)", "Read scanned pages with OCR (Tesseract)"),
    "upload.ocr_help": (
        "Las páginas que son solo imagen se leen con Tesseract (español e inglés); tarda unos segundos por página.",
        "Image-only pages are read by Tesseract (Spanish and English); it takes a few seconds a page.",
    ),
    "upload.none": ("Elija al menos un archivo.", "Choose at least one file."),
    "upload.rejected": ("«{name}» no se guardó: {reason}.", "“{name}” was not stored: {reason}."),
    "upload.busy": (
        "Se está ingresando otra carga; puede seguir buscando mientras tanto.",
        "Another upload is being ingested; you can keep searching meanwhile.",
    ),
    "upload.progress": (
        "Archivo {n} de {total}: {current} ({seconds} s)",
        "File {n} of {total}: {current} ({seconds} s)",
    ),
    "upload.stage.reading": (
        "Archivo {n} de {total}: leyendo {current}… ({seconds} s)",
        "File {n} of {total}: reading {current}… ({seconds} s)",
    ),
    "upload.stage.embedding": (
        "Archivo {n} de {total}: {current}, {done} de {todo} pasajes de contenido procesados por el modelo "
        "({seconds} s; portadas, índices y referencias se guardan sin vector)",
        "File {n} of {total}: {current}, {done} of {todo} content passages embedded ({seconds} s; title blocks, "
        "contents and reference lists are stored without a vector)",
    ),
    "upload.stage.storing": (
        "Archivo {n} de {total}: guardando los {todo} pasajes de {current}… ({seconds} s)",
        "File {n} of {total}: storing the {todo} passages of {current}… ({seconds} s)",
    ),
    "upload.waiting": ("En espera: {reason}", "Waiting: {reason}"),
    "upload.failed": ("La ingesta no se completó: {reason}", "Ingestion did not complete: {reason}"),
    "upload.file_failed": ("«{name}»: {reason}", "“{name}”: {reason}"),
    "upload.file_done": ("«{name}»: {outcome}, {chunks} pasajes.", "“{name}”: {outcome}, {chunks} passages."),
    "delete.heading": ("Eliminar un documento", "Delete a document"),
    "delete.pick": ("Documento", "Document"),
    "delete.placeholder": ("Elija un documento", "Choose a document"),
    "delete.button": ("Eliminar…", "Delete…"),
    "delete.confirm": (
        "¿Eliminar «{title}» y sus {chunks} pasajes de la colección?",
        "Delete “{title}” and its {chunks} passages from the collection?",
    ),
    "delete.upload_file": ("Su archivo subido también se borra.", "Its uploaded file is removed too."),
    "delete.corpus_file": (
        "El archivo original no se toca: si sigue en la carpeta del corpus, volverá con la próxima ingesta.",
        "The original file is left alone: if it stays in the corpus folder, the next ingestion brings it back.",
    ),
    "delete.yes": ("Sí, eliminar", "Yes, delete"),
    "delete.no": ("Cancelar", "Cancel"),
    "delete.done": ("Se eliminó «{title}».", "Deleted “{title}”."),
    # about
    "about.title": ("Acerca de policy-kb", "About policy-kb"),
    "about.intro": (
        "Base de conocimiento bilingüe de documentos de política industrial y de innovación. "
        "Cada resultado es un pasaje con su cita (documento, página y sección).",
        "A bilingual knowledge base of industrial and innovation policy documents. Every result is a "
        "passage with its citation (document, page and section).",
    ),
    "about.documents": ("Documentos", "Documents"),
    "about.passages": ("Pasajes", "Passages"),
    "about.languages": ("Idiomas", "Languages"),
    "about.by_language": ("Por idioma", "By language"),
    "about.by_jurisdiction": ("Por jurisdicción", "By jurisdiction"),
    "about.by_type": ("Por tipo de documento", "By document type"),
    "about.system": ("Sistema", "System"),
    "about.model": ("Modelo de embeddings", "Embedding model"),
    "about.store": ("Acervo", "Store"),
    "about.vectors": ("Vectores", "Vectors"),
    "about.vectors_help": (
        "uno por pasaje de contenido; los {n} pasajes restantes (portadas, índices, listas de referencias) se "
        "encuentran por sus palabras, sin vector",
        "one per content passage; the other {n} passages (title blocks, tables of contents, reference lists) are "
        "found by their words, without a vector",
    ),
    "about.cite": ("Cómo citar esta herramienta", "How to cite this tool"),
    "about.unknown": ("(sin dato)", "(not given)"),
    "lang.es": ("español", "Spanish"),
    "lang.en": ("inglés", "English"),
    # metadata values shown by name
    "level.international": ("internacional", "international"),
    "level.national": ("nacional", "national"),
    "level.state": ("estatal", "state"),
    "level.municipal": ("municipal", "municipal"),
    "type.plan": ("plan", "plan"),
    "type.policy brief": ("nota de política", "policy brief"),
    "type.case study": ("estudio de caso", "case study"),
    "type.diagnosis": ("diagnóstico", "diagnosis"),
    "type.roadmap": ("hoja de ruta", "roadmap"),
    "type.law": ("ley", "law"),
    "type.report": ("informe", "report"),
    "type.note": ("nota", "note"),
    # curators and readers (kbapp/ui/auth.py)
    "curator.readonly": (
        "Solo lectura: subir y borrar documentos requiere iniciar sesión como curador.",
        "Read-only: uploading and deleting documents needs a curator to sign in.",
    ),
    "curator.readonly_unconfigured": (
        "Solo lectura: no hay curador configurado. Quien administra el servidor puede crear uno con "
        "`kb curator-password`.",
        "Read-only: no curator is configured. Whoever runs the server can set one up with `kb curator-password`.",
    ),
    "curator.password": ("Contraseña de curador", "Curator password"),
    "curator.sign_in": ("Iniciar sesión", "Sign in"),
    "curator.sign_in_oidc": ("Iniciar sesión con su cuenta", "Sign in with your account"),
    "curator.sign_out": ("Cerrar sesión", "Sign out"),
    "curator.signed_in": (
        "Sesión de curador: puede subir y borrar documentos.",
        "Signed in as a curator: you may upload and delete documents.",
    ),
    "curator.wrong": (
        "Contraseña incorrecta ({n} intento(s) fallido(s)); cada nuevo intento fallido espera más.",
        "Wrong password ({n} failed attempt(s)); each further failure waits longer.",
    ),
    "curator.not_listed": (
        "Su cuenta no está entre los curadores (KB_CURATOR_EMAILS): solo lectura.",
        "Your account is not among the curators (KB_CURATOR_EMAILS): read-only.",
    ),
    "type.profile": ("perfil estratégico", "strategy profile"),
}


def t(key: str, lang: str, default: str | None = None, **values) -> str:
    """The label for ``key`` in ``lang``; ``default`` (e.g. a raw metadata value) when there is none."""
    pair = LABELS.get(key)
    if pair is None:
        if default is not None:
            return default
        raise KeyError(f"no label {key!r}")
    text = pair[0 if lang == "es" else 1]
    return text.format(**values) if values else text


def tn(key: str, lang: str, n: int, **values) -> str:
    """``t`` in the number of ``n``: the ``<key>.one`` label when n is 1 and there is one, else ``key``."""
    return t(f"{key}.one" if n == 1 and f"{key}.one" in LABELS else key, lang, n=n, **values)


def ui_lang() -> str:
    """The interface language chosen in the sidebar (English until one is chosen)."""
    lang = st.session_state.get("ui_lang")
    return lang if lang in LANGS else "en"
