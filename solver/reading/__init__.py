"""Reading untrusted input: text screening, the one safe expression parser (plain and LaTeX), value
bounds, problem and answer files, and what a student wrote for one value.

Nothing read here is ever evaluated as code.  Imports :mod:`solver.maths` and :mod:`solver.errors`.
"""
