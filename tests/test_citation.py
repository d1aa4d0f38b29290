"""Citations of one statement (stance_explorer/citation.py): plain text and Markdown, the date as
precise as known, partial quotes kept partial, user text kept as text."""

from __future__ import annotations

import pandas as pd
import pytest

from stance_explorer import schema as S
from stance_explorer.citation import MARKDOWN, STYLES, citation, citation_date, markdown_citation, plain_citation


def row(**kw) -> pd.Series:
    base = {
        S.ID: "S002",
        S.SPEAKER: "Donald Trump",
        S.ROLE: "President of the United States",
        S.DATE: pd.Timestamp("2017-04-27"),
        S.DATE_PRECISION: "day",
        S.TEXT: "You know I was really ready and psyched to terminate NAFTA",
        S.QUOTE_TYPE: "direct",
        S.SOURCE_TITLE: "President Trump Says He Was ‘Psyched’ to Kill NAFTA",
        S.SOURCE_URL: "https://www.fortune.com/2017/04/28/donald-trump-nafta",
    }
    base.update(kw)
    return pd.Series(base)


@pytest.mark.parametrize(
    "precision, expected",
    [
        ("day", "29 January 2026"),
        ("month", "January 2026"),
        ("year", "2026"),
        ("article", "29 January 2026 (date of the article)"),
        ("", "29 January 2026"),
        (None, "29 January 2026"),
    ],
)
def test_date_is_as_precise_as_known(precision, expected):
    assert citation_date(pd.Timestamp("2026-01-29"), precision) == expected


def test_no_date_gives_empty_text():
    assert citation_date(pd.NaT, "day") == ""
    assert citation_date(None) == ""


def test_plain_citation_names_speaker_role_date_quote_source_outlet_and_link():
    assert citation(row()) == (
        "Donald Trump (President of the United States), 27 April 2017: "
        "“You know I was really ready and psyched to terminate NAFTA”. "
        "Source: President Trump Says He Was ‘Psyched’ to Kill NAFTA, fortune.com, "
        "https://www.fortune.com/2017/04/28/donald-trump-nafta"
    )


def test_markdown_citation_links_the_title_and_bolds_the_speaker():
    assert citation(row(), MARKDOWN) == (
        "**Donald Trump** (President of the United States), 27 April 2017: "
        "“You know I was really ready and psyched to terminate NAFTA” — "
        "[President Trump Says He Was ‘Psyched’ to Kill NAFTA](<https://www.fortune.com/2017/04/28/donald-trump-nafta>), "
        "fortune.com"
    )


def test_partial_quote_stays_partial_with_ellipses_in_both_styles():
    r = row(**{S.TEXT: "irrelevant", S.QUOTE_TYPE: S.QUOTE_PARTIAL, S.DATE_PRECISION: "month"})
    assert ": “…irrelevant…”." in plain_citation(r)
    assert ", April 2017: “…irrelevant…” — " in markdown_citation(r)


def test_missing_role_title_and_link_are_left_out_not_printed_as_nan():
    r = row(**{S.ROLE: float("nan"), S.SOURCE_TITLE: "", S.SOURCE_URL: None, S.DATE_PRECISION: "year"})
    assert plain_citation(r) == (
        "Donald Trump, 2017: “You know I was really ready and psyched to terminate NAFTA”. Source: no link known"
    )
    assert markdown_citation(r) == (
        "**Donald Trump**, 2017: “You know I was really ready and psyched to terminate NAFTA” — no link known"
    )


def test_a_link_that_is_not_the_web_is_not_cited():
    r = row(**{S.SOURCE_URL: "javascript:alert(1)"})
    assert "javascript" not in plain_citation(r)
    assert "javascript" not in markdown_citation(r)
    assert markdown_citation(r).endswith("— President Trump Says He Was ‘Psyched’ to Kill NAFTA, no link known")


def test_a_source_without_a_link_says_no_link_is_known_in_both_styles():
    """A reader must see that there is nothing to follow, not wonder whether a link was left out."""
    r = row(**{S.SOURCE_TITLE: "Press conference transcript", S.SOURCE_URL: ""})
    assert plain_citation(r).endswith(". Source: Press conference transcript, no link known")
    assert markdown_citation(r).endswith("— Press conference transcript, no link known")
    assert "no link known" not in plain_citation(row()) + markdown_citation(row())


SEED_REPORT = "News report on US–Mexico trade and security talks, 2026-01-29"


def test_the_seed_reports_quotes_name_the_report_its_date_and_that_no_link_is_known(bundled):
    """S187–S191 come only from the 2026-01-29 seed report: the data names it (what, when, no link),
    and a citation says so once, instead of "seed article 2026-01-29" with nothing to follow."""
    frame = bundled.frame
    unlinked = frame[~frame[S.SOURCE_URL].map(S.is_web_link)]
    assert sorted(unlinked[S.ID]) == ["S187", "S188", "S189", "S190", "S191"]
    for _, r in unlinked.iterrows():
        assert r[S.SOURCE_TITLE].startswith(SEED_REPORT) and "no link known" in r[S.SOURCE_TITLE]
        for style in STYLES:
            cited = citation(r, style)
            assert SEED_REPORT in cited and cited.count("no link known") == 1, cited
    assert "seed article" not in " ".join(frame[S.SOURCE_TITLE])


def test_link_without_title_is_named_by_its_outlet():
    r = row(**{S.SOURCE_TITLE: ""})
    assert markdown_citation(r).endswith("— [fortune.com](<https://www.fortune.com/2017/04/28/donald-trump-nafta>)")
    assert plain_citation(r).endswith("Source: fortune.com, https://www.fortune.com/2017/04/28/donald-trump-nafta")


def test_markdown_keeps_user_text_as_text():
    r = row(
        **{
            S.SPEAKER: "*Evil* [x](javascript:1)",
            S.TEXT: "<b>bold</b> | $x$ `code` _em_",
            S.SOURCE_TITLE: "](<http://evil>) ~~gone~~",
            S.SOURCE_URL: "https://example.org/a b>c",
        }
    )
    md = markdown_citation(r)
    assert md.startswith(r"**\*Evil\* \[x\](javascript:1)**")
    assert r"“\<b\>bold\</b\> \| \$x\$ \`code\` \_em\_”" in md
    assert r"[\](\<http://evil\>) \~\~gone\~\~](<https://example.org/a%20b%3Ec>)" in md


def test_newlines_in_a_quote_become_spaces_so_a_citation_is_one_line():
    r = row(**{S.TEXT: "first line\n\nsecond\tline"})
    for style in STYLES:
        text = citation(r, style)
        assert "\n" not in text and "“first line second line”" in text


def test_plain_citation_cannot_start_a_spreadsheet_formula():
    r = row(**{S.SPEAKER: '=HYPERLINK("http://evil")'})
    assert plain_citation(r).startswith("'=HYPERLINK")


def test_unknown_style_is_refused():
    with pytest.raises(ValueError, match="unknown citation style"):
        citation(row(), "apa")


def test_every_bundled_statement_cites_in_both_styles(bundled):
    frame = bundled.frame
    for _, r in frame.iterrows():
        plain, md = plain_citation(r), markdown_citation(r)
        assert plain.startswith(r[S.SPEAKER]) and r[S.TEXT] in plain
        assert "nan" not in plain.split("“")[0]
        assert "\n" not in plain and "\n" not in md
    partial = frame[frame[S.QUOTE_TYPE] == S.QUOTE_PARTIAL].iloc[0]
    assert f"“…{partial[S.TEXT]}…”" in plain_citation(partial)


@pytest.mark.parametrize(
    "text, quote_type, ends",
    [
        ("a rubberstamp of the Agreement is not in the national interest.", "direct", "national interest.” Source:"),
        ("Are we going to give it away?", "direct", "give it away?” Source:"),
        ("on the three economies.", "partial", "three economies.…” Source:"),
        ("You know I was really ready", "direct", "really ready”. Source:"),
    ],
)
def test_a_quote_that_ends_its_sentence_gets_no_second_full_stop(text, quote_type, ends):
    cited = citation(row(**{S.TEXT: text, S.QUOTE_TYPE: quote_type}))
    assert ends in cited
    assert ".”." not in cited and "?”." not in cited and ".…”." not in cited
