"""Programs: what a user runs (a run, a breeding session, fooling images, a comparison, latent walks).

Each builds its players from the core and plays them through ``coevo.loop.coevolve``; the CLI
(``coevo.commands``) only parses arguments, wires the gallery's catalog in, and calls a program.
"""
