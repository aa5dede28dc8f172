"""The PDF of a document: the same HTML, laid out by WeasyPrint for print (``@page`` A4).

The documents are self-contained (inline CSS, images as ``data:`` URLs, the system's fonts), so
WeasyPrint is given a URL fetcher that allows only the ``data:`` scheme and fails the rendering
on anything else: making a document can never reach the network or read a file.
"""

from __future__ import annotations

import warnings

__all__ = ["ExternalResource", "html_to_pdf"]


class ExternalResource(ValueError):
    """A document asked for something outside itself."""


def html_to_pdf(html: str) -> bytes:
    """The PDF of ``html`` (nothing is fetched but ``data:`` URLs)."""
    with warnings.catch_warnings():
        # Without libharfbuzz-subset (the image installs it) fonts are embedded whole; the
        # PDF is the same otherwise.
        warnings.filterwarnings("ignore", "HarfBuzz-Subset", DeprecationWarning)
        import weasyprint  # type: ignore[import-untyped]  # heavy (pango): only when asked
        from weasyprint.urls import FatalURLFetchingError, URLFetcher  # type: ignore[import-untyped]

    fetcher = URLFetcher(allowed_protocols=("data",), fail_on_errors=True, allow_redirects=False)
    try:
        pdf = weasyprint.HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()
    except FatalURLFetchingError as exc:
        raise ExternalResource(f"documents are self-contained; refused: {exc}") from None
    assert pdf is not None  # write_pdf returns the bytes when given no target
    return bytes(pdf)
