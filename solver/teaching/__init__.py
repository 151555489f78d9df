"""Teaching aids: nice-number variants of a problem, one per student, with question sheets, answer
keys and a roster that says who has which.

Imports every layer below it: maths, reading, derivation, kinds, render and checking.
"""
