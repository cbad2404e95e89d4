"""Plotly figure builders: NumPy data in, a plain-dictionary figure (:mod:`.plain`) out (no Streamlit)."""
