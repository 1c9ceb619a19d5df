"""Sinergi's code beside its pages, in layers; each layer imports only those below it.

``ui`` (Streamlit screens, widgets, sign-in) sits on ``transfer`` (import and export), ``reports`` (the
semester report and charts) and ``worlds`` (the demo and synthetic data), which sit on ``writes`` (one
command per change), on ``reads`` (queries, each taking the viewer), on ``rules`` (achievement and
coordination points), on ``core`` (settings, database, access, audit, errors) and ``i18n`` (texts and
formatting). ``pyproject.toml`` writes the contracts down and ``lint-imports`` keeps them.
"""
