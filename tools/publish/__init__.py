"""Editions: the audience × format matrix, one module per format.

``python -m tools.publish`` (``make editions``) builds every cell;
``--audience`` and ``--format`` build one. Each audience's sources are read
once (one Sphinx environment per audience); every format of that audience is
rendered from it. Cells are written to a temporary place and moved into
``build/<format>/<audience>.<ext>`` only when complete.
"""
