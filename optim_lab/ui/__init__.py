"""The Streamlit side of the app: widgets, page layout, caches, the live chart and the launcher."""

# Said where a page, or a part of one, raised (its traceback goes to the server's log); the protocol
# client and the browser tests count it as an exception.
STOPPED_ON_ERROR = "stopped on an unexpected error"
