"""Atlas documents: chapters of text, fact boxes and result boxes bound to the indicators.

An atlas is a folder of YAML files with Markdown texts (docs/documents.md): ``model`` declares
it (and its JSON schemas), ``loading`` reads and checks it, ``placeholders`` binds numbers in
its texts to results, ``writing`` writes its YAML. SKDE's 23 atlases are shipped in
``atlases/`` (imported by tools/import_skde_documents.py).
"""

from variatlas.documents.loading import (
    DocumentError,
    Fault,
    check_atlas,
    load_atlas,
    shipped_atlases,
)
from variatlas.documents.model import Atlas, Chapter, Figure
from variatlas.documents.placeholders import (
    Bindings,
    PlaceholderError,
    PlaceholderRefused,
    PlaceholderSyntaxError,
    PlaceholderUnfilled,
    fill,
)

__all__ = [
    "Atlas",
    "Bindings",
    "Chapter",
    "DocumentError",
    "Fault",
    "Figure",
    "PlaceholderError",
    "PlaceholderRefused",
    "PlaceholderSyntaxError",
    "PlaceholderUnfilled",
    "check_atlas",
    "fill",
    "load_atlas",
    "shipped_atlases",
]
