"""The run and storage layer: run folders, atomic writes, JSON lines, genome files, the catalog seam, image files
and plots."""
