"""The Streamlit side of the app: widgets, page layout, caches, the live chart and the launcher."""

# What app.py shows in place of a page that raised (its traceback goes to the server's log); the
# protocol client and the browser tests count it as an exception.
PAGE_STOPPED = "This page stopped on an unexpected error"
