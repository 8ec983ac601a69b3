"""Pure analysis library: counts, change detection, hotspots, near repeat, evaluation.

Nothing in this package imports Django (``tests/analysis/test_purity.py`` enforces it), so
it can be used from a notebook on plain numpy arrays. Every public function returns a
result object with the same attributes (see :mod:`samverkan.analysis.result`).
"""
