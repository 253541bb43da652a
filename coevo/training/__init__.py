"""What plays a program into a folder: its settings (``config``), the names the command line knows
(``registry``) and the trainer."""
