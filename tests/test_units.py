import pytest

from traincost.units import human, parse_count


@pytest.mark.parametrize(
    "text, value",
    [("1T", 1e12), ("500B", 5e11), ("1.5e12", 1.5e12), ("2,000,000,000", 2e9), ("2_000", 2000), ("15.6t", 15.6e12),
     ("8K", 8000), (4096, 4096), (1.5e12, 1.5e12), (" 300M ", 3e8), ("1.4T", 1.4e12)],
)
def test_parse_count(text, value):
    assert parse_count(text) == pytest.approx(value)


@pytest.mark.parametrize("bad", ["-5", "lots", "", "0", "1X", "nan", "inf", True, None, "1e", "-1T"])
def test_parse_count_rejects(bad):
    with pytest.raises(ValueError, match="positive number"):
        parse_count(bad)


def test_human():
    assert human(1.72e12) == "1.72T"
    assert human(68_976_648_192) == "69B"
