"""What the server says of every answer beside its body: the security headers (a
Content-Security-Policy without inline script; the atlas boxes' own pages may be framed by any
site), CORS on the API, the cache policy, and which media types are compressed."""

from __future__ import annotations

import re

PLOT_STYLES = (
    "'sha256-jSYQUrW7J0b3jPqhZP9C2Xh1PyJKHKXd4s0fpGGKrww='",
    "'sha256-rCZUQsEQJf1DmnfnMZmlj08XC7qbIZySA6bEtitbQ00='",
)
"""The two ``<style>`` elements Observable Plot 0.6.17 puts in the atlas's charts (the figure's
and the swatch legend's), allowed by their hashes until the atlas drops them for the same rules
in ``atlas.css``; no other inline style is allowed."""
CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' " + " ".join(PLOT_STYLES),
        "img-src 'self' data: blob:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    )
)
SECURITY_HEADERS = {
    "content-security-policy": CONTENT_SECURITY_POLICY,
    "x-content-type-options": "nosniff",
    "referrer-policy": "strict-origin-when-cross-origin",
}
EMBEDDED = re.compile(r"/[a-z]{2}/atlases/[a-z0-9][a-z0-9_-]*/[a-z0-9][a-z0-9_-]*\.html")
"""The pages any site may frame: an atlas's result boxes on their own (``publish.embeds``)."""
EMBED_HEADERS = {
    **SECURITY_HEADERS,
    "content-security-policy": CONTENT_SECURITY_POLICY.replace(
        "frame-ancestors 'self'", "frame-ancestors *"
    ),
}
CORS_HEADERS = {
    "access-control-allow-origin": "*",
    "access-control-expose-headers": "ETag",
}
REVALIDATE = "no-cache"
ASSETS_KEPT = "public, max-age=300"
IMMUTABLE = "public, max-age=31536000, immutable"
FINGERPRINT_LENGTH = 16

CODINGS = {"br": ".br", "gzip": ".gz"}
"""Content codings, best first, and the suffix of their precompressed files."""
COMPRESSIBLE = ("text/", "application/json", "application/geo+json", "application/javascript")
COMPRESSIBLE_TYPES = ("image/svg+xml", "application/xml", "application/manifest+json")
SMALLEST_COMPRESSED = 512
"""Answers smaller than this are sent as they are: compressing them saves next to nothing."""
MEDIA_TYPES = {
    ".geojson": "application/geo+json",
    ".js": "text/javascript",
    ".parquet": "application/vnd.apache.parquet",
}
