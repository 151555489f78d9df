"""`python -m solver` entry point."""

import sys

from solver.cli import main

sys.exit(main())
