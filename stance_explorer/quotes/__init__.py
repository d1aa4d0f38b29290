"""From a news article to attributed statements (English and Spanish), by rules.

The extractor finds every quoted span (“…”, "…", «…», ‘…’ and '…', a quote inside a quote kept
inside its outer quote, a quote that runs over paragraphs), then looks for who said it in the same
sentence (before, after or around the quote: said, told, according to, dijo, afirmó, aseguró…), and
finds whom a pronoun or a bare "said" means from the grammatical subjects of the sentences before
(a dependency parse by spaCy's small English or Spanish pipeline; without one, word rules), and
resolves that mention to a named person: a full name, a surname used earlier in the article or by a
known speaker, a pronoun, or a role ("the premier", "la mandataria", "el secretario de Economía")
matched to a person in the article or to a known speaker's role, across languages. Every reading
carries a confidence and says how it was made.

What is not a statement: a quoted name or title ("La Mañanera"), a quoted phrase attributed to no
one or to an institution ("what Washington calls “non-tariff barriers”") is left out, with a flag
saying why. A quote from an unnamed source ("an official said") is kept with an empty speaker and a
flag, for the user to fill in or drop.

:func:`extract_statements` returns the statements table through the same validation as a CSV
upload (:func:`stance_explorer.reader.read_statements`), plus every problem.

The package, in reading order:

- :mod:`~stance_explorer.quotes.words`: the word lists (speech verbs, roles, titles, countries…), data not rules.
- :mod:`~stance_explorer.quotes.text`: accent folding and the language guess, shared by the rest.
- :mod:`~stance_explorer.quotes.spans`: the quoted spans and the sentence bounds around them.
- :mod:`~stance_explorer.quotes.mentions`: people, roles, pronouns and institutions named in the text, and who they are.
- :mod:`~stance_explorer.quotes.syntax`: sentence subjects from a spaCy dependency parse, loaded when first needed.
- :mod:`~stance_explorer.quotes.attribution`: who said each quote.
- :mod:`~stance_explorer.quotes.topics`: a topic for each statement from the known data.
- :mod:`~stance_explorer.quotes.extract`: the extractor that ties them together, and the statements table.
"""

from stance_explorer.quotes.attribution import FLAG_INSTITUTION, FLAG_NAME, FLAG_UNATTRIBUTED, FLAG_UNNAMED
from stance_explorer.quotes.extract import (
    OUTPUT_COLUMNS,
    Quote,
    QuoteResult,
    extract_quotes,
    extract_statements,
    parse_missing,
    quote_records,
    records_csv,
)
from stance_explorer.quotes.mentions import KnownSpeakers, Person
from stance_explorer.quotes.text import detect_language
from stance_explorer.quotes.topics import TopicSuggester

__all__ = [
    "FLAG_INSTITUTION",
    "FLAG_NAME",
    "FLAG_UNATTRIBUTED",
    "FLAG_UNNAMED",
    "OUTPUT_COLUMNS",
    "KnownSpeakers",
    "Person",
    "Quote",
    "QuoteResult",
    "TopicSuggester",
    "detect_language",
    "extract_quotes",
    "extract_statements",
    "parse_missing",
    "quote_records",
    "records_csv",
]
