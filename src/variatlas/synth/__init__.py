"""Synthetic Norway: realistic contract tables with known, planted effects (``truth.json``)."""

from variatlas.synth.norway import Truth, synthesize

__all__ = ["Truth", "synthesize"]
