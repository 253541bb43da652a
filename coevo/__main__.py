"""``python -m coevo`` runs the command line."""

import sys

from coevo.cli import main

sys.exit(main())
