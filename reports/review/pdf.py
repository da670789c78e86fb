"""The annual review as a PDF (WeasyPrint), from the same `ReviewData` as the page.

Two guards keep the PDF engine from doing anything the data asks for:
- staff text reaches the template as text (autoescaped, line breaks only), never as markup;
- `StaticOnlyFetcher` is the engine's only way out: it serves the app's own static files
  (`{% static %}` URLs, found by the staticfiles finders) and refuses everything else
  (file://, http(s):// to any other host, data:, paths escaping the static roots).
Chinese is set in Noto Sans CJK SC found through fontconfig (Debian fonts-noto-cjk); WeasyPrint
embeds the glyphs used, subset with HarfBuzz (libharfbuzz-subset0).
"""

from urllib.parse import unquote, urlsplit

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils import timezone, translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

from .selectors import ReviewData

# Relative URLs of the document resolve against this origin; `.invalid` never resolves (RFC 2606).
ORIGIN = "https://gongzhi.invalid"


class FetchRefused(ValueError):
    """A URL the PDF engine asked for that is not one of the app's static files."""


class StaticOnlyFetcher(URLFetcher):
    """WeasyPrint's URL fetcher, limited to the app's static files.

    `served` and `refused` list the URLs asked for, so a test can show which were refused.
    Nothing ever goes to the network or to the file system outside the static roots.
    """

    def __init__(self):
        super().__init__(allow_redirects=False)
        self.served: list[str] = []
        self.refused: list[str] = []

    def fetch(self, url, headers=None):
        path = self._static_path(url)
        if path is None:
            self.refused.append(url)
            raise FetchRefused(f"not a static file of the app: {url[:200]}")
        self.served.append(url)
        with open(path, "rb") as file:
            return URLFetcherResponse(url, file.read(), {"Content-Type": _mime(path)})

    def _static_path(self, url: str) -> str | None:
        parts = urlsplit(url)
        prefix = "/" + settings.STATIC_URL.strip("/") + "/"
        if f"{parts.scheme}://{parts.netloc}" != ORIGIN or not parts.path.startswith(prefix):
            return None
        relative = unquote(parts.path[len(prefix) :])
        if not relative or relative.startswith("/") or ".." in relative.split("/"):
            return None
        try:
            found = finders.find(relative)
        except SuspiciousFileOperation:
            return None
        return found if isinstance(found, str) else None


def _mime(path: str) -> str:
    return {
        ".css": "text/css",
        ".svg": "image/svg+xml",
        ".png": "image/png",
        ".woff2": "font/woff2",
    }.get(path[path.rfind(".") :], "application/octet-stream")


def review_html(data: ReviewData, *, generated_at=None) -> str:
    """The print HTML of the review (cover, table of contents, four dimensions, challenges,
    staff sections), in the active language; every instant in the community's time zone, the
    zone named on the cover."""
    # Templates show instants in the active zone: the community's, whatever the server's.
    with timezone.override(data.community.tz):
        return render_to_string(
            "reports/review/pdf.html",
            {
                "data": data,
                "community": data.community,
                "review": data.review,
                "generated_at": generated_at or timezone.now(),
            },
        )


def review_pdf(
    data: ReviewData, *, fetcher: StaticOnlyFetcher | None = None, language: str | None = None
) -> bytes:
    """The review as PDF bytes. `language` defaults to the active one (zh-hans by default).

    Takes a few seconds whatever the number of tickets (the figures are aggregates): measured
    5.2 s and 274 MB peak for a 50,313-ticket year on a busy 2-CPU machine (render_annual_review
    prints it). Raises nothing for refused URLs (WeasyPrint logs and skips them).
    """
    with translation.override(language or translation.get_language()):
        html = review_html(data)
    document = HTML(string=html, base_url=f"{ORIGIN}/", url_fetcher=fetcher or StaticOnlyFetcher())
    return document.write_pdf()
