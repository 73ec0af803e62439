"""Render the readable body of each strategy profile (corpus/profiles/*.md) from its front matter.

Usage:
    python scripts/build_profiles.py [--folder corpus/profiles] [--check]

The front matter is the data (see kb/profiles.py); the body says the same in a Spanish section and an English
section, so that search finds a profile, a citation points to it, and every passage is in one language (a new
section starts a new passage). Sources are numbered once for both languages in a final section. The front matter is
kept byte for byte; only the body is rewritten. ``--check`` exits 1 when a body is out of date or a profile does
not validate.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kb.compare.profiles import EMPTY, INTRO, Profile, load_folder, parse_profile, split_front_matter  # noqa: E402

DEFAULT_FOLDER = ROOT / "corpus" / "profiles"

_WORDS = {
    "es": {
        "heading": "Perfil estratégico: {name}",
        "intro": INTRO["es"],
        "source": "fuente",
        "sources": "fuentes",
        "as_of": "dato a",
        "empty": EMPTY["es"],
        "translation": "traducción del equipo de policy-kb; la fuente lo dice en inglés",
        "note": "Nota",
    },
    "en": {
        "heading": "Strategy profile: {name}",
        "intro": INTRO["en"],
        "source": "source",
        "sources": "sources",
        "as_of": "as of",
        "empty": EMPTY["en"],
        "translation": "the policy-kb team's translation; the source gives it in Spanish",
        "note": "Note",
    },
}


def render_body(profile: Profile) -> str:
    """The Markdown body for ``profile``: title, a section per language, then the numbered sources."""
    numbers = {s: n for n, s in enumerate(profile.sources(), start=1)}
    out = [f"# {profile.title}", ""]
    for lang in ("es", "en"):
        w = _WORDS[lang]
        out += [
            f"## {w['heading'].format(name=profile.name(lang))}",
            "",
            w["intro"].format(checked=profile.checked),
            "",
        ]
        for f in profile.fields.values():
            label = f.label(lang)
            if not f.filled:
                note = f" {f.note[lang]}" if f.note.get(lang) else ""
                out.append(f"- **{label}:** {w['empty']}.{note}")
                continue
            refs = ", ".join(f"[{numbers[s]}]" for s in f.sources)
            where = f"({w['sources'] if len(f.sources) > 1 else w['source']} {refs}; {w['as_of']} {f.as_of_text(lang)})"
            remarks = []
            if f.quoted and lang not in f.quoted:
                remarks.append(w["translation"])
            if f.note.get(lang):
                remarks.append(f.note[lang])
            tail = f" {w['note']}: " + ". ".join(r.rstrip(".") for r in remarks) + "." if remarks else ""
            items = [f"“{i}”" if lang in f.quoted else i for i in f.items(lang)]
            if f.is_list:
                out.append(f"- **{label}** {where}:")
                out += [f"  - {i}" for i in items]
                if tail:
                    out.append(f"  - {tail.strip()}")
            else:
                value = items[0]
                end = "" if value.endswith((".", "”", "?", "!")) else "."
                out.append(f"- **{label}** {where}: {value}{end}{tail}")
        out.append("")
    out += ["## Fuentes · Sources", ""]
    for s, n in numbers.items():
        note = f" ({s.note})" if s.note else ""
        out.append(f"{n}. {s.title}. {s.publisher}, {f'{s.year}.' if s.year else 's. f. · n.d.'} <{s.url}>{note}")
    return "\n".join(out) + "\n"


def rendered(text: str, where: str = "<profile>") -> str:
    """The whole file as it should be: its own front matter, then the body rendered from it."""
    fm, _ = split_front_matter(text)
    return f"---\n{fm}\n---\n\n{render_body(parse_profile(text, where))}"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--check", action="store_true", help="exit 1 if a body is out of date or a profile invalid")
    args = parser.parse_args(argv)
    profiles, errors = load_folder(args.folder)
    for err in errors:
        print(f"invalid: {err}", file=sys.stderr)
    stale = []
    for p in profiles:
        path = Path(p.path)
        text = path.read_text(encoding="utf-8")
        want = rendered(text, p.path)
        if text != want:
            stale.append(path)
            if not args.check:
                path.write_text(want, encoding="utf-8")
    verb = "out of date" if args.check else "rewritten"
    for path in stale:
        print(f"{verb}: {path}", file=sys.stderr if args.check else sys.stdout)
    print(f"{len(profiles)} profile(s), {len(errors)} invalid, {len(stale)} {verb}")
    return 1 if errors or (args.check and stale) else 0


if __name__ == "__main__":
    sys.exit(main())
