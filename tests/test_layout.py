"""Page scaffolding: tables whose numbers the browser formats."""

import json

from streamlit.testing.v1 import AppTest


def test_number_table_scales_percentages_and_sends_formats_not_styles():
    def page():
        import math

        from optim_lab.ui.layout import number_table

        rows = {"rate": [0.001234, 0.5], "acc.": [0.875, math.nan], "step": [3, None]}
        number_table(rows, {"rate": "%.3g", "acc.": "percent"})

    at = AppTest.from_function(page)
    at.run()
    assert not at.exception
    table = at.dataframe[0]
    assert list(table.value["acc."][:1]) == [87.5]  # shown as "87.5%"
    assert list(table.value["rate"]) == [0.001234, 0.5]  # the numbers themselves, unrounded
    config = json.loads(table.proto.columns)
    assert config["rate"]["type_config"]["format"] == "%.3g"
    assert config["acc."]["type_config"]["format"] == "%.1f%%"
    assert table.proto.placeholder == "—"
    assert not table.proto.arrow_data.HasField("styler")  # nothing formatted on the server
