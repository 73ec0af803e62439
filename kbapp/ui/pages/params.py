"""The URL parameters of each page (shareable state), in one place so the shell can keep them across pages."""

from kbapp.ui.state import Param

SEARCH = (
    Param("query", "q"),
    Param("f_lang", "lang", "list"),
    Param("f_states", "state", "list"),
    Param("f_countries", "jur", "list"),
    Param("f_level", "level", "list"),
    Param("f_type", "type", "list"),
    Param("f_years", "years", "range"),
    Param("f_kind", "kind", "list"),
    Param("k", "k", "int"),
    Param("sort_hits", "order"),
)
COMPARE = (
    Param("cmp_jur", "cj", "list"),
    Param("cmp_themes", "themes", "list"),
    Param("cmp_topic", "topic"),
    Param("cmp_lang", "clang", "list"),
)
LIBRARY = (Param("lib_filter", "find"),)
STRATEGIES = (
    Param("st_level", "slevel", "list"),
    Param("st_country", "country", "list"),
    Param("st_years", "inforce", "range"),
    Param("st_find", "sfind"),
    Param("st_sort", "sort"),
    Param("st_desc", "desc", "bool"),
    Param("st_side", "side", "list"),
)
COVERAGE = (Param("cov_jur", "cjur"), Param("cov_theme", "ctheme"))

PAGE_STATE_KEYS = [p.key for group in (SEARCH, COMPARE, LIBRARY, STRATEGIES, COVERAGE) for p in group]
