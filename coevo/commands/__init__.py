"""One module per ``coevo`` sub-command, each with ``add_parser(subparsers)`` setting ``handler``."""
