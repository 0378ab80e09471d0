"""Keeps the languages complete (run by `make lint`; issue "Languages", item 6).

Two checks, each failing with a list of what is wrong:

- **Catalogues.** Every entry of `locale/<lang>/LC_MESSAGES/django.po` (and `djangojs.po` when
  there is one) for ko, th, vi, id and ms has a translation (every plural form) and none is
  fuzzy.
- **Templates.** No template shows a literal English word outside `{% translate %}` /
  `{% blocktranslate %}`: text between tags and the attributes people read (title,
  placeholder, aria-label, alt, data-confirm) must be marked. Names that are the same in every
  language (the product's name, units, a few codes) are in the narrow ALLOWED set.

    python -m crackdown.i18n_check                 # everything
    python -m crackdown.i18n_check --lang ko --lang th
    python -m crackdown.i18n_check --templates-only
"""

from __future__ import annotations

import argparse
import ast
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LANGUAGES = ("ko", "th", "vi", "id", "ms")
DOMAINS = ("django", "djangojs")

# --- Catalogues ----------------------------------------------------------------------------


@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str = ""
    msgctxt: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)
    flags: set[str] = field(default_factory=set)
    line: int = 0

    @property
    def is_header(self) -> bool:
        return self.msgid == "" and self.msgctxt is None


def parse_po(text: str) -> list[Entry]:
    """The entries of a PO file (obsolete `#~` entries are skipped)."""
    entries: list[Entry] = []
    entry: Entry | None = None
    target: tuple[str, int] | None = None
    flags: set[str] = set()

    def finish() -> None:
        nonlocal entry
        if entry is not None:
            entries.append(entry)
        entry = None

    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#~"):
            if not line:
                finish()
                target = None
            continue
        if line.startswith("#,"):
            finish()
            flags = {flag.strip() for flag in line[2:].split(",")}
            continue
        if line.startswith("#"):
            continue
        keyword, _sep, rest = line.partition(" ")
        if line.startswith('"'):
            if entry is None or target is None:
                raise ValueError(f"line {number}: a string continues nothing")
            _append(entry, target, ast.literal_eval(line))
            continue
        value = ast.literal_eval(rest.strip())
        if keyword == "msgctxt" or (keyword == "msgid" and entry is not None and (entry.msgid or entry.msgstr)):
            finish()
        if entry is None:
            entry = Entry(flags=flags, line=number)
            flags = set()
        match = re.fullmatch(r"msgstr\[(\d+)\]", keyword)
        if keyword == "msgctxt":
            entry.msgctxt = value
            target = ("msgctxt", 0)
        elif keyword == "msgid":
            entry.msgid = value
            target = ("msgid", 0)
        elif keyword == "msgid_plural":
            entry.msgid_plural = value
            target = ("msgid_plural", 0)
        elif keyword == "msgstr":
            entry.msgstr[0] = value
            target = ("msgstr", 0)
        elif match:
            entry.msgstr[int(match[1])] = value
            target = ("msgstr", int(match[1]))
        else:
            raise ValueError(f"line {number}: unknown keyword {keyword!r}")
    finish()
    return entries


def _append(entry: Entry, target: tuple[str, int], value: str) -> None:
    name, index = target
    if name == "msgstr":
        entry.msgstr[index] = entry.msgstr.get(index, "") + value
    elif name == "msgctxt":
        entry.msgctxt = (entry.msgctxt or "") + value
    else:
        setattr(entry, name, getattr(entry, name) + value)


def catalogue_problems(path: Path) -> list[str]:
    """What is untranslated or fuzzy in one PO file."""
    problems = []
    for entry in parse_po(path.read_text(encoding="utf-8")):
        if entry.is_header:
            continue
        where = f"{path.relative_to(BASE_DIR) if path.is_relative_to(BASE_DIR) else path}:{entry.line}"
        if "fuzzy" in entry.flags:
            problems.append(f"{where}: fuzzy: {entry.msgid!r}")
        elif not entry.msgstr or any(not text for text in entry.msgstr.values()):
            problems.append(f"{where}: untranslated: {entry.msgid!r}")
    return problems


def count_entries(path: Path) -> int:
    return sum(1 for entry in parse_po(path.read_text(encoding="utf-8")) if not entry.is_header)


def check_catalogues(languages: Iterable[str], locale_dir: Path | None = None) -> list[str]:
    locale_dir = locale_dir or BASE_DIR / "locale"
    problems = []
    for language in languages:
        found = False
        for domain in DOMAINS:
            path = locale_dir / language / "LC_MESSAGES" / f"{domain}.po"
            if path.exists():
                found = True
                problems.extend(catalogue_problems(path))
        if not found:
            problems.append(f"locale/{language}/LC_MESSAGES/django.po: missing (run `make messages`)")
    return problems


# --- Templates -----------------------------------------------------------------------------

# Words shown as they are in every language: the product's name and units and codes that are
# international. Keep this list short: anything a person reads as a sentence must be marked.
ALLOWED = frozenset(
    {"Crackdown", "UTC", "ISO", "API", "CSV", "PDF", "JSON", "OpenAPI", "TOTP", "QR", "SHA", "SHA-", "Excel", "xlsx"}
)
READ_ATTRIBUTES = frozenset({"title", "placeholder", "aria-label", "alt", "data-confirm"})
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
_COMMENT = re.compile(r"{%\s*comment\s*%}.*?{%\s*endcomment\s*%}|{#.*?#}", re.S)
_BLOCKTRANS = re.compile(r"{%\s*blocktrans(?:late)?\b.*?%}.*?{%\s*endblocktrans(?:late)?\s*%}", re.S)
_TAG = re.compile(r"{%.*?%}|{{.*?}}", re.S)
_RAW = re.compile(r"<(script|style)\b.*?</\1\s*>", re.S | re.I)


def _unmarked_words(text: str) -> list[str]:
    return [word for word in _WORD.findall(text) if word not in ALLOWED]


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []

    def handle_data(self, data: str) -> None:
        if _unmarked_words(data):
            self.found.append((self.getpos()[0], data.strip()))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and _unmarked_words(value):
                self.found.append((self.getpos()[0], f'{name}="{value.strip()}"'))


def template_problems(source: str, *, html: bool = True) -> list[tuple[int, str]]:
    """(line, text) of each literal English text a template shows unmarked."""

    def blank(match: re.Match[str]) -> str:
        # Keep the line numbers: replace a removed piece by its newlines only.
        return "\n" * match.group(0).count("\n") + " "

    source = _COMMENT.sub(blank, source)
    source = _BLOCKTRANS.sub(blank, source)
    source = _TAG.sub(blank, source)
    if not html:
        return [(number, line.strip()) for number, line in enumerate(source.splitlines(), 1) if _unmarked_words(line)]
    source = _RAW.sub(blank, source)
    collector = _TextCollector()
    collector.feed(source)
    collector.close()
    return collector.found


def template_files(root: Path | None = None) -> Iterator[Path]:
    root = root or BASE_DIR / "templates"
    for path in sorted(root.rglob("*")):
        if path.suffix in (".html", ".txt") and path.is_file():
            yield path


def check_templates(root: Path | None = None) -> list[str]:
    problems = []
    for path in template_files(root):
        source = path.read_text(encoding="utf-8")
        shown = path.relative_to(BASE_DIR) if path.is_relative_to(BASE_DIR) else path
        for line, text in template_problems(source, html=path.suffix == ".html"):
            problems.append(f"{shown}:{line}: not marked for translation: {text[:80]!r}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lang", action="append", choices=LANGUAGES, help="check only this language (repeatable)")
    parser.add_argument("--templates-only", action="store_true", help="only the template check")
    parser.add_argument("--catalogues-only", action="store_true", help="only the catalogue check")
    parser.add_argument("--count", action="store_true", help="print the number of entries per language")
    args = parser.parse_args(argv)
    languages = args.lang or list(LANGUAGES)
    problems: list[str] = []
    if not args.catalogues_only:
        problems += check_templates()
    if not args.templates_only:
        problems += check_catalogues(languages)
    if args.count:
        for language in languages:
            path = BASE_DIR / "locale" / language / "LC_MESSAGES" / "django.po"
            if path.exists():
                print(f"{language}: {count_entries(path)} entries")
    for problem in problems:
        print(problem)
    if problems:
        print(f"i18n check: {len(problems)} problem(s)", file=sys.stderr)
        return 1
    checked = [] if args.catalogues_only else ["templates"]
    if not args.templates_only:
        checked.append(f"catalogues ({', '.join(languages)})")
    print(f"i18n check: {' and '.join(checked)} complete")
    return 0


if __name__ == "__main__":
    sys.exit(main())
