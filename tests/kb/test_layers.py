"""The package layers hold: ``kb`` (the library) never imports ``ingest``, the apps or the evaluations, not even
inside a function; ``ingest`` never imports the apps or the evaluations; the evaluations (``evals``) may import
``kb`` but never the apps; and every error we raise on purpose is a ``KbError``."""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
from pathlib import Path

import pytest

from kb.errors import KbError

ROOT = Path(__file__).resolve().parents[2]


def imported_modules(package: str) -> dict[str, set[str]]:
    """Every module each file of ``package`` imports, anywhere in the file (top level, functions, TYPE_CHECKING)."""
    found: dict[str, set[str]] = {}
    for path in sorted((ROOT / package).rglob("*.py")):
        names: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
            elif (
                isinstance(node, ast.Call)
                and getattr(node.func, "attr", getattr(node.func, "id", "")) in ("import_module", "__import__")
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                names.add(str(node.args[0].value))
        found[str(path.relative_to(ROOT))] = names
    return found


def offenders(package: str, forbidden: tuple[str, ...]) -> list[str]:
    return [
        f"{file} imports {name}"
        for file, names in imported_modules(package).items()
        for name in sorted(names)
        if name.split(".")[0] in forbidden
    ]


def test_the_scan_sees_imports_inside_functions():
    # kbapp.wiring imports ingest inside a function only: the scan must see it, or the next tests prove nothing.
    assert any("ingest.pipeline" in names for names in imported_modules("kbapp").values())


def test_kb_never_imports_ingest_the_apps_or_the_evaluations():
    assert not offenders("kb", ("ingest", "kbapp", "evals"))


def test_ingest_never_imports_the_apps_or_the_evaluations():
    assert not offenders("ingest", ("kbapp", "evals"))


# What ``ingest`` may use of the library: the records and text tools, the settings, the errors, the seam and the
# write port. The store's modules (manifest, vectors, lexical index, journal steps, embedding cache) are the port's.
INGEST_MAY_USE = {
    "kb.records",
    "kb.text",
    "kb.config",
    "kb.errors",
    "kb.ingestor",
    "kb.index",
    "kb.passage_kind",
    "kb.embedding",
    "kb.api",
}


def test_ingest_writes_only_through_the_write_port():
    used = {
        (file, name) for file, names in imported_modules("ingest").items() for name in names if name.startswith("kb")
    }
    assert used  # the scan sees ingest's imports of kb
    assert sorted(f"{file} imports {name}" for file, name in used if name not in INGEST_MAY_USE) == []


def _graph(packages: tuple[str, ...]) -> dict[str, set[str]]:
    """module → the modules of ``packages`` it imports (``from a import b`` counts as a.b when b is a module)."""
    files = {
        str(path.relative_to(ROOT).with_suffix("")).replace("/", ".").removesuffix(".__init__"): path
        for package in packages
        for path in (ROOT / package).rglob("*.py")
    }
    graph: dict[str, set[str]] = {}
    for module, path in files.items():
        targets: set[str] = set()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets |= {a.name for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                subs = {f"{node.module}.{a.name}" for a in node.names} & files.keys()
                targets |= subs or {node.module}
        graph[module] = {t for t in targets if t in files and t != module}
    return graph


def test_no_import_cycles():
    graph = _graph(("kb", "ingest", "kbapp", "evals"))
    cycles = []
    for start in graph:
        stack, seen = [(start, [start])], set()
        while stack:
            node, path = stack.pop()
            for nxt in graph[node]:
                if nxt == start:
                    cycles.append(" → ".join([*path, start]))
                elif nxt not in seen:
                    seen.add(nxt)
                    stack.append((nxt, [*path, nxt]))
    assert sorted(set(cycles)) == []


def test_the_evaluations_never_import_the_apps():
    assert not offenders("evals", ("kbapp",))


def _modules(package: str):
    for info in pkgutil.walk_packages([str(ROOT / package)], prefix=f"{package}."):
        if ".ui.pages" not in info.name:  # Streamlit pages draw themselves when imported
            yield importlib.import_module(info.name)


@pytest.mark.parametrize("package", ["kb", "ingest", "kbapp", "evals"])
def test_our_exceptions_share_one_base(package):
    ours = [
        cls
        for module in _modules(package)
        for _, cls in inspect.getmembers(module, inspect.isclass)
        if cls.__module__ == module.__name__ and issubclass(cls, BaseException)
    ]
    assert ours
    assert [c.__qualname__ for c in ours if not issubclass(c, KbError)] == []
