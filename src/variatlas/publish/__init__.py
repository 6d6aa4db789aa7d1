"""Publication: open data files, the read-only JSON API and the atlas site.

Everything here takes ``DisclosedResults`` (``variatlas.disclosure.disclose``) and nothing
else, so only disclosure-controlled numbers can be published. ``site.publish`` writes a
publication; ``api.create_app`` serves one. This package imports nothing eagerly, so that the
API loads only what it needs.
"""
