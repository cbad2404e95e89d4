from optim_lab.docs import README, TABLES, render


def test_readme_tables_match_the_registries():
    text = README.read_text()
    for name in TABLES:
        assert f"<!-- registry:{name} -->" in text, f"README lacks the {name} table"
    assert render(text) == text, "README tables are stale: run `python -m optim_lab.docs`"
