from optim_lab.docs import REFERENCE, TABLES, render


def test_readme_tables_match_the_registries():
    text = REFERENCE.read_text()
    for name in TABLES:
        assert f"<!-- registry:{name} -->" in text, f"docs/REFERENCE.md lacks the {name} table"
    assert render(text) == text, (
        "docs/REFERENCE.md tables are stale: run `python -m optim_lab.docs`"
    )
