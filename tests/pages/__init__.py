"""AppTest checks of the lesson pages (a package, so their names may repeat tests/ names)."""
