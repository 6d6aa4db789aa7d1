"""Publication: open data files, the read-only JSON API and the atlas site.

Everything here takes ``DisclosedResults`` (``variatlas.disclosure.disclose``) and nothing
else, so only disclosure-controlled numbers can be published.
"""

from variatlas.publish.site import publish

__all__ = ["publish"]
