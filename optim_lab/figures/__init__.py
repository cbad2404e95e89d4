"""Plotly figure builders: NumPy data in, ``go.Figure`` out (no Streamlit)."""
