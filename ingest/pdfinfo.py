"""What a PDF's own Info dictionary says that can be trusted: a title that reads as a title, and a publisher only
when the Author field names an organisation.

The Author field is whatever the producing program put there: the login of whoever saved the file ("cheng",
"brianc"), a staff member ("Juan Carlos Montiel" on the Colombian development plan), a byline ("Authors: Fabián
Álvarez / Roberto Rodríguez - Updated by: …"), an e-mail address. None of those is the publisher a citation
needs; the Cámara de Diputados on the Mexican laws is. Catalog rows, sidecars and front matter are written by the
user and are not judged here.
"""

from __future__ import annotations

import re

from ingest.garbage import repair_mojibake

# Words that make a name an organisation's, in Spanish, English and Portuguese (lower case, accents as written).
_ORG_WORDS = re.compile(
    r"\b(?:ministerio|ministry|minist[ée]rio|secretar[íi]a|secretariat|secretary|gobierno|government|governo|"
    r"c[áa]mara|chamber|congreso|congress|senado|senate|parlamento|parliament|asamblea|assembly|presidencia|"
    r"presidency|banco|bank|instituto|institute|institution|universidad|university|universidade|college|escuela|"
    r"school|agencia|agency|ag[êe]ncia|consejo|council|conselho|comisi[óo]n|commission|comiss[ãa]o|committee|"
    r"comit[ée]|departamento|department|direcci[óo]n|directorate|oficina|office|organizaci[óo]n|organization|"
    r"organisation|fondo|fund|fundaci[óo]n|foundation|programa|programme|program|centro|center|centre|"
    r"corporaci[óo]n|corporation|asociaci[óo]n|association|federaci[óo]n|federation|c[áa]mara|observatorio|"
    r"observatory|autoridad|authority|servicio|service|superintendencia|procuradur[íi]a|tribunal|court|corte|"
    r"municipio|municipality|ayuntamiento|alcald[íi]a|gobernaci[óo]n|estado de|state of|naciones unidas|"
    r"united nations|world|mundial|inter-?american|interamericano|network|red de|group|grupo|partners|"
    r"gendarmer[íi]a|polic[íi]a|police|s\.\s?a\.|inc\.?|ltd\.?|llc|gmbh|a\.\s?c\.)(?!\w)",
    re.I,
)
_ACRONYM = re.compile(r"^[A-ZÁÉÍÓÚÑ][A-ZÁÉÍÓÚÑ0-9&\-.]{1,11}$")  # CEPAL, OECD, BID, CONEVAL
_BYLINE = re.compile(r"^\s*(?:authors?|autor(?:es|as?)?|prepared by|elaborado por|written by|by|por)\s*[:\-]", re.I)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_JUNK_TITLE = re.compile(
    r"^(?:untitled|sin t[íi]tulo|title|t[íi]tulo|document\d*|documento\d*|binder\d*|"
    r"presentaci[óo]n\d*|slide \d+)$|^microsoft (?:word|powerpoint|excel)\b|"
    r"\.(?:pdf|docx?|pptx?|xlsx?|indd|tex|odt|rtf)$",
    re.I,
)
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ufffd]")


def publisher_from_author(author: str) -> str:
    """The Author field when it names an organisation; "" for a person, a login, a byline or an e-mail."""
    name = " ".join(_CONTROL.sub(" ", author).split())
    if not name or _EMAIL.search(name) or _BYLINE.match(name):
        return ""
    fixed, _, left = repair_mojibake(name)
    if left:
        return ""
    if _ACRONYM.match(fixed) or _ORG_WORDS.search(fixed):
        return fixed
    return ""


def clean_title(title: str) -> str:
    """The Title field when it reads as a title: control characters removed, mojibake repaired (or the title
    dropped when it cannot be repaired with certainty), producers' placeholders and file names dropped."""
    text = " ".join(_CONTROL.sub(" ", title).split())
    if not text:
        return ""
    text, _, left = repair_mojibake(text)
    if left or _JUNK_TITLE.search(text):
        return ""
    return text
