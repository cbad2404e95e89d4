"""The Streamlit side of the app: widgets, page layout, caches, the live chart and the launcher."""
