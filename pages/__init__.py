"""The app's screens, one script each, registered by path in app.py's ``st.navigation`` (Streamlit
runs them as scripts; its legacy page folder skips this file too).

A package only so that the import contracts (pyproject.toml) can name it: a page imports the ui layer
of ``sinergi`` (besides Streamlit, pandas and the standard library) and nothing below it.
"""
