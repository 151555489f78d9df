"""Checking and grading answer files against a derivation: verdicts per step, reports, grading many
files in bounded worker processes, answer templates, and the ``check`` command.

Imports every layer below it: maths, reading, derivation, kinds and render.
"""
