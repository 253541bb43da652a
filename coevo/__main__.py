"""``python -m coevo`` runs the command line."""

import sys

from coevo.commands.main import main

sys.exit(main())
