"""The ``kb`` command line: ingest, search, stats, app (and the commands later issues add)."""

from __future__ import annotations

import functools
import inspect
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Callable, NoReturn, Optional

import typer

from kb.config import PROJECT_ROOT, Config
from kb.records import Hit

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="policy-kb: a bilingual knowledge base of industrial and innovation policy documents.",
)

StoreOpt = typer.Option(None, "--store", help="Store directory (default: KB_STORE or ./store in the project).")
UrlOpt = typer.Option(None, "--chroma-url", help="Use a Chroma server, e.g. http://127.0.0.1:8000 (KB_CHROMA_URL).")
# The search filters, defined once: every command that searches takes all of them (``with_filters``).
FILTER_OPTIONS: dict[str, Any] = {
    "lang": typer.Option(None, "--lang", help="Only passages in these languages, e.g. es or en (comma-separated)."),
    "jurisdiction": typer.Option(None, "--jurisdiction", help="ISO 3166 codes, e.g. MX-TAB,SG."),
    "level": typer.Option(None, "--level", help="international, national, state, municipal."),
    "doc_type": typer.Option(None, "--type", help="plan, policy brief, case study, …"),
    "year_min": typer.Option(None, "--from", help="Earliest year."),
    "year_max": typer.Option(None, "--to", help="Latest year."),
    "kind": typer.Option(
        None,
        "--kind",
        help="Passage kinds: content (default), title, toc, references, index, table (charts and tables), or all "
        "(e.g. --kind references to search reference lists).",
    ),
}
_FILTER_TYPES: dict[str, Any] = {"year_min": Optional[int], "year_max": Optional[int]}


def with_filters(command: Callable[..., Any]) -> Callable[..., Any]:
    """Give ``command`` the filter options of ``FILTER_OPTIONS`` and call it with them as one ``filters``
    argument (a ``kb.records.Filters``); a bad value (an unknown kind, an empty year range) stops with its message."""
    signature = inspect.signature(command, eval_str=True)
    own = [p for p in signature.parameters.values() if p.name != "filters"]
    added = [
        inspect.Parameter(
            name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=_FILTER_TYPES.get(name, Optional[str])
        )
        for name, option in FILTER_OPTIONS.items()
    ]

    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        from kb.api import make_filters
        from kb.search.search import QueryError

        values = {name: kwargs.pop(name) for name in FILTER_OPTIONS}
        try:
            filters = make_filters(
                language=values["lang"],
                jurisdiction=values["jurisdiction"],
                level=values["level"],
                doc_type=values["doc_type"],
                year=(values["year_min"], values["year_max"]),
                kind=values["kind"],
            )
        except QueryError as exc:
            _fail(str(exc))
        return command(*args, filters=filters, **kwargs)

    run.__signature__ = signature.replace(parameters=own + added)  # type: ignore[attr-defined]
    return run


def _fail(message: str, code: int = 2) -> NoReturn:
    """Say what is wrong on stderr and stop with ``code`` (2: bad input or store, 3: the store is locked)."""
    typer.secho(f"error: {message}", fg="red", err=True)
    raise typer.Exit(code)


def _open(store: Optional[Path], chroma_url: Optional[str], *, create: bool = False, **overrides):
    """The knowledge base at ``store``. Only ``kb ingest`` creates one (``create``): searching a path with no store
    is an error that names it, not an empty store that finds nothing."""
    from kb.store.store import StoreNotFound
    from kb.store.vectors import EmbedderMismatch
    from kbapp.wiring import open_kb

    try:
        return open_kb(store, chroma_url=chroma_url, create=create, **overrides)
    except (EmbedderMismatch, StoreNotFound) as exc:
        _fail(str(exc))


def hit_json(hit: Hit) -> dict[str, Any]:
    """A hit as JSON: rank and score, every JSON field of the passage and its document (kb/records.py), the legs
    that found it, and the text last."""
    return {
        "rank": hit.rank,
        "score": round(hit.score, 6),
        **hit.chunk.to_json(),
        "legs": hit.legs,
        "text": hit.chunk.text,
    }


def result_json(result, **head: Any) -> dict[str, Any]:
    """A search result as JSON: ``head`` first (the query, a batch line's id, or an answer), then whether the
    collection has anything relevant (``relevance_json``), then the hits."""
    return {**head, **result.relevance_json(), "hits": [hit_json(h) for h in result.hits]}


@app.command()
def ingest(
    paths: list[Path] = typer.Argument(..., help="Files or folders (PDF, Markdown, text)."),
    store: Optional[Path] = StoreOpt,
    chroma_url: Optional[str] = UrlOpt,
    prune: bool = typer.Option(False, help="Remove documents whose files are gone from the folders given."),
    reindex: bool = typer.Option(False, help="Start a fresh store (after changing the embedding model)."),
    password: str = typer.Option("", help="Password for encrypted PDFs in this batch."),
    ocr: Optional[bool] = typer.Option(
        None, "--ocr/--no-ocr", help="Read image-only PDF pages with Tesseract (default: KB_OCR)."
    ),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar."),
) -> None:
    """Ingest documents; unchanged ones are skipped. Exit code 1 if any file failed."""
    from kb.errors import KbError
    from kb.ingestor import IngestOptions
    from kb.records import Outcome
    from kb.store.store import StoreLocked, wipe

    if reindex:
        try:
            wipe(Config.from_env(store=store, chroma_url=chroma_url))
        except KbError as exc:
            _fail(f"--reindex: {exc}")
    kb = _open(store, chroma_url, create=True)
    try:
        options = IngestOptions(prune=prune, password=password, ocr=ocr, progress=not quiet)
        report = kb.ingest(paths, options, origin="cli")
    except StoreLocked as exc:
        _fail(str(exc), 3)
    for f in report.files:
        colour = {Outcome.FAILED: "red", Outcome.SKIPPED: "yellow"}.get(f.outcome, None)
        detail = f.reason or (
            f"{f.chunks} passages"
            + (f", {f.pages} pages" if f.pages else "")
            + (f", {f.language}" if f.language else "")
        )
        typer.secho(f"{f.outcome.value:>9}  {_short(f.path)}  {detail}", fg=colour)
        if f.ocr_pages:
            from ingest.ocr import describe

            typer.echo(f"{'':>11}ocr: {describe(f.ocr_pages, kb.config.ocr_languages)}")
        for w in f.warnings:
            typer.echo(f"{'':>11}warning: {w}")
    for src in report.pruned:
        typer.echo(f"{'pruned':>9}  {_short(src)}")
    counts = ", ".join(f"{report.count(o)} {o.value}" for o in Outcome if report.count(o))
    typer.echo(
        f"{len(report.files)} files: {counts or 'nothing to do'}; {report.embedded} passages embedded, "
        f"{report.reused} reused"
        + (f" ({report.seeded} shipped vectors added to the cache)" if report.seeded else "")
        + (
            f", {report.not_embedded} not embedded (title blocks, contents, references, indexes)"
            if report.not_embedded
            else ""
        )
        + f", {report.seconds:.1f} s"
    )
    raise typer.Exit(0 if report.ok else 1)


def _short(path: str) -> str:
    try:
        return str(Path(path).relative_to(Path.cwd()))
    except ValueError:
        return path


@app.command()
@with_filters
def search(
    query: Optional[str] = typer.Argument(None, help="The question or keywords, in Spanish or English."),
    k: Optional[int] = typer.Option(None, "--k", "-k", min=1, help="Number of passages (default: KB_K)."),
    queries: Optional[Path] = typer.Option(None, "--queries", help='JSON lines {"id", "text"}: batch search.'),
    as_json: bool = typer.Option(False, "--json", help="JSON output (one line per query in batch mode)."),
    answer: bool = typer.Option(False, "--answer", help="Start with an extractive answer citing the hits."),
    store: Optional[Path] = StoreOpt,
    chroma_url: Optional[str] = UrlOpt,
    filters: Any = None,
) -> None:
    """Search in either language; hits are cited passages."""
    from kb.search.citations import cite_text
    from kb.search.search import QueryError

    if not query and not queries:
        _fail("give a query or --queries FILE")
    kb = _open(store, chroma_url)
    try:
        filters = kb.searcher.check_filters(filters)  # the same for every query: said once, before any search
        if queries:
            raise typer.Exit(_batch_search(kb, queries, k, filters))
        response = kb.ask(query, k, filters, answer=answer)
    except QueryError as exc:
        _fail(str(exc))
    result, hits, found = response.result, response.hits, response.answer
    if as_json:
        out = result_json(result, query=query)
        if found is not None:
            out["answer"] = found.to_json()
        typer.echo(json.dumps(out, ensure_ascii=False, indent=1))
        return
    if not hits:
        typer.echo("no passages found")
    elif result.nothing_relevant:
        _print_nothing_relevant(result)
    if found is not None:
        _print_answer(found)
    for h in hits:
        typer.secho(f"[{h.rank}] {cite_text(h.citation)}  ({h.chunk.language}; {'+'.join(h.legs)})", bold=True)
        typer.echo("    " + h.chunk.text[:400].replace("\n", " ") + ("…" if len(h.chunk.text) > 400 else ""))
        typer.echo(f"    {h.citation.source}")


def _batch_search(kb, queries: Path, k: Optional[int], filters) -> int:
    """One JSON line out per query line in. A bad line gets {"line", "id", "error"} (and a message on stderr) and
    the other lines go on; exit code 1 if any line failed, 2 if the file cannot be read."""
    from kb.search.search import QueryError

    try:
        lines = queries.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        typer.secho(f"error: cannot read {queries}: {getattr(exc, 'strerror', None) or exc}", fg="red", err=True)
        return 2
    failed = 0
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        item: object = None
        try:
            item = json.loads(line)
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise QueryError(
                    'no "text" field: each line must be a JSON object such as '
                    '{"id": "q1", "text": "supplier development"}'
                )
            result = kb.ask(item["text"], k, filters, answer=False).result
        except (json.JSONDecodeError, QueryError) as exc:
            reason = (
                f"not JSON ({exc.msg} at column {exc.colno})" if isinstance(exc, json.JSONDecodeError) else str(exc)
            )
            qid = item.get("id") if isinstance(item, dict) else None
            typer.secho(f"error: {queries}:{number}: {reason}", fg="red", err=True)
            typer.echo(json.dumps({"line": number, "id": qid, "error": reason}, ensure_ascii=False))
            failed += 1
            continue
        typer.echo(json.dumps(result_json(result, id=item.get("id")), ensure_ascii=False))
    return 1 if failed else 0


def _print_nothing_relevant(result) -> None:
    names = f" ({', '.join(result.unknown_names)} appear in no document)" if result.unknown_names else ""
    typer.secho(f"Nothing in the collection answers this question{names}. The nearest passages:", bold=True)
    typer.echo("")


def _print_answer(found) -> None:
    if found.sentences:
        typer.secho("Answer (sentences quoted from the passages below):", bold=True)
        typer.echo("    " + found.text())
    else:
        typer.echo("no sentence of the top passages matches the question closely; read the passages below")
    typer.echo("")


@app.command()
@with_filters
def ask(
    question: str = typer.Argument(..., help="A question, in Spanish or English."),
    k: Optional[int] = typer.Option(
        None, "--k", "-k", min=1, help="Passages to draw the answer from (default: KB_ANSWER_PASSAGES)."
    ),
    sentences: Optional[int] = typer.Option(
        None, "--sentences", help="Sentences in the answer (default: KB_ANSWER_SENTENCES)."
    ),
    method: Optional[str] = typer.Option(
        None,
        "--method",
        help="semantic (default: KB_ANSWER_METHOD; multilingual sentence similarity), lexical (word overlap, instant) or dense (e5, slower).",
    ),
    as_json: bool = typer.Option(False, "--json"),
    store: Optional[Path] = StoreOpt,
    chroma_url: Optional[str] = UrlOpt,
    filters: Any = None,
) -> None:
    """An extractive answer: the best sentences of the top passages, each citing its passage by number. No LLM."""
    from kb.answer.answer import Answer
    from kb.search.citations import cite_text

    kb = _open(store, chroma_url)
    try:
        k = k or kb.config.answer_passages
        response = kb.ask(question, k, filters, method=method, sentences=sentences)
    except ValueError as exc:
        _fail(str(exc))
    result = response.result
    # Nothing relevant: no answer is quoted (it would answer another question), only the nearest passages.
    found = response.answer or Answer(response.query.text, [], [], method or kb.config.answer_method)
    if as_json:
        typer.echo(json.dumps(result_json(result, **found.to_json()), ensure_ascii=False, indent=1))
        return
    if result.nothing_relevant and result.hits:
        _print_nothing_relevant(result)
        for h in result.hits:
            typer.secho(f"[{h.rank}] {cite_text(h.citation)}", bold=True)
            typer.echo("    " + h.chunk.text[:300].replace("\n", " ") + ("…" if len(h.chunk.text) > 300 else ""))
        return
    if not found.hits:
        typer.echo("no passages found")
        return
    _print_answer(found)
    for h in found.hits:
        typer.echo(f"[{h.rank}] {cite_text(h.citation)}  {h.citation.source}")


@app.command("eval")
@with_filters
def evaluate(
    queries: Optional[list[Path]] = typer.Option(
        None, "--queries", help="JSON-lines query files (default: corpus/_eval/*.jsonl)."
    ),
    mode: str = typer.Option("all", "--mode", help="dense, lexical, hybrid or all (side by side)."),
    no_glossary: bool = typer.Option(False, "--no-glossary", help="Ablation: no glossary expansion."),
    corpus: Optional[Path] = typer.Option(
        None,
        "--corpus",
        help="Folder the judged paths are relative to (default: the folder above the query file's _eval/).",
    ),
    worst: int = typer.Option(10, "--worst", help="How many of the worst queries to list."),
    as_json: bool = typer.Option(False, "--json", help="Full results as JSON."),
    passages: Optional[list[Path]] = typer.Option(
        None,
        "--passages",
        help="Passage-level question files "
        "(corpus/_eval/passages_*.jsonl): passage and answer "
        "metrics instead of document-level ones.",
    ),
    split: str = typer.Option(
        "dev", "--split", help="Passage level: dev, test, all, or dev,test (each half reported on its own, one run)."
    ),
    no_answers: bool = typer.Option(False, "--no-answers", help="Passage level: skip the answer metrics."),
    perturb: bool = typer.Option(
        False,
        "--perturb",
        help='Passage level: the filter-perturbation suite instead (does "nothing relevant" hold when filters '
        "change but keep the labelled passage? Reports flips).",
    ),
    compare_cells: Optional[Path] = typer.Option(
        None, "--compare-cells", help="Labelled Compare cells (default: corpus/_eval/compare/cells.jsonl)."
    ),
    store: Optional[Path] = StoreOpt,
    chroma_url: Optional[str] = UrlOpt,
    filters: Any = None,
) -> None:
    """Recall@5/10, MRR@10, nDCG@10 of the labelled queries, overall and per language cell, by search mode, then
    the Compare cells (share whose passage is acceptable, share of empty cells left empty); with --passages,
    passage R@1 / MRR@10 / R@10, answers that quote the span and out-of-scope recognition. The filter options
    restrict every search (e.g. --lang en: how often a language filter puts the answer first); the Compare cells
    are not filtered."""
    from evals.documents import MODES, QueryFileError, format_report, load_queries, run
    from kb.search.search import QueryError

    if passages and perturb:
        from evals import perturb as perturbation
        from evals.passages import QuestionFileError

        kb = _open(store, chroma_url, glossary=False if no_glossary else None)
        try:
            raise typer.Exit(perturbation.evaluate_cli(kb, passages, split=split, as_json=as_json))
        except (OSError, QuestionFileError) as exc:
            _fail(str(exc))
    if passages:
        from evals.cli import evaluate_cli

        kb = _open(store, chroma_url, glossary=False if no_glossary else None)
        try:
            filters = kb.searcher.check_filters(filters)
        except QueryError as exc:
            _fail(str(exc))
        raise typer.Exit(
            evaluate_cli(
                kb,
                passages,
                mode=mode,
                split=split,
                answers=not no_answers,
                worst=worst,
                as_json=as_json,
                filters=filters,
            )
        )
    files = queries or sorted((PROJECT_ROOT / "corpus" / "_eval").glob("queries_*.jsonl"))
    if not files:
        _fail("no query files: give --queries FILE (JSON lines with id, text, lang, relevant)")
    if mode not in (*MODES, "all"):
        _fail(f"--mode must be one of {', '.join(MODES)} or all, not {mode!r}")
    try:
        items = [q for f in files for q in load_queries(f, corpus)]
    except (OSError, QueryFileError) as exc:
        _fail(str(exc))
    kb = _open(store, chroma_url, glossary=False if no_glossary else None)
    if not kb.documents():
        _fail(f"the store {kb.config.store} is empty: ingest the corpus first (kb ingest corpus/)")
    try:
        filters = kb.searcher.check_filters(filters)
    except QueryError as exc:
        _fail(str(exc))
    report = run(kb, items, MODES if mode == "all" else (mode,), filters=filters)
    if as_json:
        typer.echo(json.dumps(report.to_json(), ensure_ascii=False, indent=1))
        return
    typer.echo(format_report(report, worst))
    cells_file = compare_cells or PROJECT_ROOT / "corpus" / "_eval" / "compare" / "cells.jsonl"
    if cells_file.is_file():
        from evals import compare as compare_eval

        typer.echo("")
        typer.echo("compare cells, per language run (shares of cells):")
        runs = compare_eval.evaluate_languages(kb, compare_eval.load_cells(cells_file))
        typer.echo(compare_eval.format_rates(runs, failures=worst > 0))


@app.command()
def stats(
    store: Optional[Path] = StoreOpt, chroma_url: Optional[str] = UrlOpt, as_json: bool = typer.Option(False, "--json")
) -> None:
    """Documents and passages in the store, by language, jurisdiction and type."""
    from dataclasses import asdict

    kb = _open(store, chroma_url)
    s = kb.stats()
    info = {**asdict(s), "store": str(kb.config.store), "embedder": str(kb.embedder.identity)}
    if as_json:
        typer.echo(json.dumps(info, ensure_ascii=False, indent=1))
        return
    for key, value in info.items():
        typer.echo(f"{key:>14}: {value}")


@app.command()
@with_filters
def export(
    query: str = typer.Argument(..., help="The question or keywords, in Spanish or English."),
    fmt: str = typer.Option("bibtex", "--format", "-f", help="bibtex, ris (Zotero), csv or markdown."),
    output: Optional[Path] = typer.Option(None, "--output", "-o", help="Write to this file (default: stdout)."),
    k: Optional[int] = typer.Option(None, "--k", "-k", min=1, help="Number of passages (default: KB_K)."),
    store: Optional[Path] = StoreOpt,
    chroma_url: Optional[str] = UrlOpt,
    filters: Any = None,
) -> None:
    """Search and export the cited passages as BibTeX, RIS, CSV or Markdown (the app's export buttons)."""
    from kb.search.citations import EXPORTERS

    if fmt.lower() not in EXPORTERS:
        _fail(f"unknown format {fmt!r}; choose one of {', '.join(EXPORTERS)}")
    kb = _open(store, chroma_url)
    from kb.search.search import QueryError

    try:
        hits = kb.search(query, k, filters=filters)
    except QueryError as exc:
        _fail(str(exc))
    text = kb.export(hits, fmt.lower())
    if output:
        output.write_text(text, encoding="utf-8")
        typer.echo(f"{len(hits)} passages written to {output}", err=True)
    else:
        typer.echo(text, nl=False)


@app.command()
def backup(
    folder: Path = typer.Argument(..., help="A new or empty folder to copy the store into."),
    store: Optional[Path] = StoreOpt,
) -> None:
    """A consistent copy of the store while the app serves and an ingestion runs (docs/team.md, Backups)."""
    from kb.errors import KbError
    from kb.store.backup import backup as run_backup

    kb = _open(store, None)
    try:
        info = run_backup(kb.store, folder)
    except KbError as exc:  # not empty, a Chroma server, the store locked for longer than KB_LOCK_TIMEOUT_S
        _fail(str(exc), 3 if "another ingestion" in str(exc) else 2)
    typer.echo(
        f"backed up {info.documents} documents, {info.passages} passages, {info.vectors} vectors "
        f"(generation {info.generation}) to {folder} in {info.seconds:.1f} s"
    )


@app.command()
def restore(
    folder: Path = typer.Argument(..., help="A folder written by `kb backup`."),
    store: Optional[Path] = StoreOpt,
) -> None:
    """Restore a backup into a new or empty store, then repair and check it (exit 1 if the check fails)."""
    from kb.errors import KbError
    from kb.store.backup import restore as run_restore

    config = Config.from_env(store=store)
    try:
        info = run_restore(folder, config)
    except KbError as exc:
        _fail(str(exc))
    kb = _open(config.store, None)  # opening repairs whatever a crash had journalled in the original
    kb.index.refresh()  # the lexical index caught up to the restored manifest, on disk
    problems = kb.store.verify()
    s = kb.stats()
    typer.echo(f"restored {s.documents} documents, {s.chunks} passages, {s.vectors} vectors into {config.store}")
    if any(problems.values()) or s.documents != info.documents:
        _fail(f"the restored store is not consistent: {problems}", 1)
    typer.echo("consistency check: no orphan and no missing vector")


@app.command("curator-password")
def curator_password(
    store: Optional[Path] = StoreOpt,
    stdin: bool = typer.Option(False, "--stdin", help="Read the password from standard input (for scripts)."),
    remove: bool = typer.Option(False, "--remove", help="Forget the curator password."),
) -> None:
    """Set the app's curator password: only its argon2 hash is stored (KB_CURATOR_HASH_FILE, default
    <store>/curator.hash). Never pass a password as an argument: it would stay in the shell's history."""
    import getpass

    from kbapp import curators

    config = Config.from_env(store=store)
    if remove:
        gone = curators.remove_password(config)
        typer.echo(f"curator password {'removed' if gone else 'was not set'} ({config.curator_hash_path})")
        return
    if stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = getpass.getpass("curator password: ")
        if getpass.getpass("again: ") != password:
            _fail("the two entries differ; nothing was changed")
    try:
        target = curators.set_password(config, password)
    except curators.CuratorError as exc:
        _fail(str(exc))
    typer.echo(f"curator password set: its argon2 hash is in {target}")


@app.command("app")
def run_app(
    port: int = typer.Option(8501),
    host: str = typer.Option("127.0.0.1"),
    store: Optional[Path] = StoreOpt,
    chroma_url: Optional[str] = UrlOpt,
) -> None:
    """Start the Streamlit front end."""
    env = dict(os.environ)
    if store:
        env["KB_STORE"] = str(store)
    if chroma_url:
        env["KB_CHROMA_URL"] = chroma_url
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(PROJECT_ROOT / "app.py"),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]
    raise typer.Exit(subprocess.call(cmd, env=env))


def main() -> None:
    app()


if __name__ == "__main__":
    main()
