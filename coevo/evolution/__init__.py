"""Evolutionary algorithms over any ``Genetics``: the generational GA (``ga``), MAP-Elites (``mapelites``), fitness
sharing against mode collapse (``sharing``) and the best image per class (``bestperclass``)."""
