"""PDF documents (reports) rendered from the same templates' data with WeasyPrint.

Nothing is fetched while rendering: the URL fetcher serves only font files shipped in
node_modules/@fontsource (npm, package-lock.json) and refuses every other URL. The fonts are
Noto Sans KR (Latin, Vietnamese, Hangul) and Noto Sans Thai, split by their packages into
small subsets; only the subsets holding a character of the document are embedded, each as
its own family in one fallback list, so a Korean or Thai report stays a few hundred kB.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit
from urllib.request import url2pathname

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from weasyprint import CSS, HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

logger = logging.getLogger(__name__)

FONT_ROOT = Path(settings.BASE_DIR) / "node_modules" / "@fontsource"
# In fallback order: Korean's package also carries Latin, Latin Extended and Vietnamese.
FONT_PACKAGES = ("noto-sans-kr", "noto-sans-thai")
WEIGHTS = (400, 700)


@dataclass(frozen=True)
class Subset:
    family: str
    files: dict[int, Path]  # weight → .woff file
    ranges: tuple[tuple[int, int], ...]


def _ranges(spec: str) -> tuple[tuple[int, int], ...]:
    out = []
    for part in spec.split(","):
        low, _dash, high = part.strip().removeprefix("U+").removeprefix("u+").partition("-")
        out.append((int(low, 16), int(high or low, 16)))
    return tuple(out)


@cache
def subsets() -> tuple[Subset, ...]:
    """The font subsets on disk, Latin subsets first (most text is Latin, digits and punctuation)."""
    found: list[Subset] = []
    for package in FONT_PACKAGES:
        table = FONT_ROOT / package / "unicode.json"
        if not table.exists():
            logger.warning("font package %s is not installed: PDFs fall back to system fonts", package)
            continue
        for name, spec in json.loads(table.read_text(encoding="utf-8")).items():
            key = name.strip("[]")
            files = {w: FONT_ROOT / package / "files" / f"{package}-{key}-{w}-normal.woff" for w in WEIGHTS}
            files = {w: path for w, path in files.items() if path.exists()}
            if files:
                found.append(Subset(f"cd-{package}-{key}", files, _ranges(spec)))
    return tuple(sorted(found, key=lambda s: (not s.family.endswith("-latin"), s.family)))


def font_css(text: str) -> str:
    """@font-face rules for the subsets the text needs, and the body's family list."""
    uncovered = {ord(ch) for ch in text if ord(ch) > 32}
    needed = []
    for subset in subsets():
        covered = {cp for cp in uncovered if any(low <= cp <= high for low, high in subset.ranges)}
        if covered:
            needed.append(subset)
            uncovered -= covered
    faces = [
        f"@font-face {{ font-family: '{s.family}'; src: url('{path.as_uri()}'); font-weight: {weight}; }}"
        for s in needed
        for weight, path in s.files.items()
    ]
    families = ", ".join([f"'{s.family}'" for s in needed] + ["sans-serif"])
    return "\n".join([*faces, f"html {{ font-family: {families}; }}"])


class FontFetcher(URLFetcher):
    """Serves font files from node_modules/@fontsource and images inlined as data: URLs (evidence
    thumbnails); refuses any other URL (no network, no other file)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url.startswith("data:image/"):
            return super().fetch(url, headers)
        if url.startswith("file://"):
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if path.is_relative_to(FONT_ROOT.resolve()) and path.suffix == ".woff":
                return super().fetch(url, headers)
        raise ValueError(f"refused to fetch {url!r} while rendering a PDF")


def render_pdf(template: str, context: dict[str, Any], *, request: HttpRequest | None = None) -> bytes:
    """The template rendered to HTML (in the active language), then to PDF with the fonts it needs."""
    html = render_to_string(template, context, request=request)
    fetcher = FontFetcher()
    document = HTML(string=html, base_url=str(settings.BASE_DIR), url_fetcher=fetcher)
    return document.write_pdf(stylesheets=[CSS(string=font_css(html), url_fetcher=fetcher)])


def pdf_response(pdf: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response
