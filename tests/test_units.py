import pytest

from traincost.units import human, parse_count


@pytest.mark.parametrize(
    "text, value",
    [
        ("1T", 1e12),
        ("500B", 5e11),
        ("1.5e12", 1.5e12),
        ("2,000,000,000", 2e9),
        ("2_000", 2000),
        ("15.6t", 15.6e12),
        ("8K", 8000),
        (4096, 4096),
        (1.5e12, 1.5e12),
        (" 300M ", 3e8),
        ("1.4T", 1.4e12),
    ],
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


def test_parse_duration_is_the_one_duration_parser():
    from traincost.units import parse_duration

    seconds = {"": 1, "s": 1, "m": 60, "h": 3600}
    assert [parse_duration(x, seconds) for x in ("90", "30s", "1.5m", "2h", " 1e2 ")] == [
        90,
        30,
        90,
        7200,
        100,
    ]
    days = {"": 1.0, "d": 1.0, "w": 7.0}
    assert parse_duration("6w", days) == 42  # a week is 7 days
    for bad in ("", "5x", "-1m", "0s", "nan", "1 2", True, None):
        with pytest.raises(ValueError):
            parse_duration(bad, seconds)


def test_parse_share_takes_fractions_and_percentages():
    from traincost.units import parse_share

    assert [parse_share(x) for x in (0.4, "0.4", "40%", " 40% ", "12.5%")] == [0.4, 0.4, 0.4, 0.4, 0.125]
    for bad in ("abc", "%", "", "nan", "inf%", None, True):
        with pytest.raises(ValueError):
            parse_share(bad)
