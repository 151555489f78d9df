"""The derivation model: an ordered list of steps, each a named quantity with its formula and exact
value, and the builder that makes one.  Every kind builds it; renderers and the checker read it.

Imports :mod:`solver.maths` and :mod:`solver.errors`.
"""
