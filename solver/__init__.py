"""solver: exact, step-by-step solutions of small machine-learning exercises, and answer checking."""

__version__ = "0.1.0"
