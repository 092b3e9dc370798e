"""Number parsing in one place (issue 15): every ratio field reads "25%" the same way as 0.25, and a field
that is not a ratio refuses a percentage instead of guessing."""

import pytest

from traincost.errors import InputError
from traincost.schema import make_scenario


@pytest.mark.parametrize(
    "field, text, value",
    [
        ("mfu", "40%", 0.40),
        ("replay", "25%", 0.25),
        ("utilization", "80%", 0.80),
        ("pilot_share", "10%", 0.10),
        ("cost_of_capital", "8%", 0.08),
        ("renewable_share", "100%", 1.0),
    ],
)
def test_ratio_fields_read_percentages(field, text, value):
    assert getattr(make_scenario({field: text}), field) == pytest.approx(value)
    assert getattr(make_scenario({field: value}), field) == pytest.approx(value)


@pytest.mark.parametrize("field", ["price", "tokens", "gpus"])
def test_other_fields_refuse_percentages(field):
    with pytest.raises(InputError) as e:
        make_scenario({field: "50%"})
    assert e.value.field == field


def test_a_share_above_its_cap_is_refused_with_the_cap():
    with pytest.raises(InputError, match="0.95"):
        make_scenario({"replay": "99%"})
