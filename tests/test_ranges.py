import pytest

from qualcode.errors import InputError
from qualcode.ranges import format_citation, format_ranges, from_lines, normalise, parse_citation, parse_ranges


@pytest.mark.parametrize(
    "spec, expected",
    [
        ("57-64", ((57, 64),)),
        ("521", ((521, 521),)),
        ("110-113,123-125", ((110, 113), (123, 125))),
        ("123-125, 110-113", ((110, 113), (123, 125))),
        ("1-3,4-6", ((1, 6),)),
        ("5-9,7-12", ((5, 12),)),
        ("110-113;123-125", ((110, 113), (123, 125))),
        ("57–64", ((57, 64),)),
    ],
)
def test_parse_ranges(spec, expected):
    assert parse_ranges(spec) == expected


@pytest.mark.parametrize("spec", ["", "  ", "a-b", "64-57", "0-3", "1-", "-4", "1,,2", "1-2-3", "3.5"])
def test_malformed_ranges_are_errors(spec):
    with pytest.raises(InputError):
        parse_ranges(spec)


def test_citations_exact_format():
    assert format_citation("FG2", [(57, 64)]) == "(FG2; 57-64)"
    assert format_citation("FG2", [(521, 521)]) == "(FG2; 521)"
    assert format_citation("FG1", [(110, 113), (123, 125)]) == "(FG1; 110-113; 123-125)"
    assert format_citation("FG1", [(1, 2)], "[{transcript}: r. {ranges}]") == "[FG1: r. 1-2]"


def test_citation_round_trip():
    assert parse_citation("(FG1; 110-113; 123-125)") == ("FG1", ((110, 113), (123, 125)))
    with pytest.raises(InputError):
        parse_citation("FG1 110")


def test_helpers():
    assert format_ranges(((110, 113), (123, 125))) == "110-113,123-125"
    assert from_lines([5, 1, 2, 3, 7]) == ((1, 3), (5, 5), (7, 7))
    assert normalise([(3, 4), (1, 1)]) == ((1, 1), (3, 4))
