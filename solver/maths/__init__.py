"""Exact maths: numbers, evaluation, the project's functions, linear algebra, the SVM optimum, matrix
calculus, symbolic equality, and how symbols are named and formulas built for display.

The lowest layer: it imports only the standard library, sympy and :mod:`solver.errors`.
"""
