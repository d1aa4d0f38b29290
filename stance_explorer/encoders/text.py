"""What text is embedded for a statement or a query. The displayed quote is never changed.

Two rules, applied the same way to statements and to search phrases so they stay comparable:

1. **Partial quotes keep their context.** A fragment such as Trump's "irrelevant" or Greer's
   "shortcomings" carries almost no meaning alone, so a partial quote shorter than
   ``PARTIAL_MIN_WORDS`` words is embedded as ``"“<quote>” — <context>"`` (the quotation marks keep
   the fragment salient next to a longer context). Full quotes, and longer
   fragments, are embedded as they are.
2. **Trade-deal acronyms are glossed.** all-MiniLM-L6-v2 does not know that USMCA, T-MEC, CUSMA or
   NAFTA name a trade deal: "The USMCA is irrelevant to us" scores closer to "security cooperation
   is going very well" than to "it wouldn't matter to me if the deal expired" (measured: 0.18 vs
   0.13). Adding "trade deal" after the acronym fixes that (0.36 to the deal sentence vs 0.24 to the
   security one), see tests/test_embed_text.py.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from stance_explorer import schema as S

PARTIAL_MIN_WORDS = 6


@dataclass(frozen=True)
class TextRules:
    """Which of the two rules a model gets (each model keeps or drops each rule by measurement,
    see stance_explorer/encoders/models.py and benchmarks/text_rules.py). Both on by default."""

    gloss: bool = True
    partial_context: bool = True


ALL_RULES = TextRules()

#: Acronyms that name the North American trade deal, in English, Spanish and French usage.
TRADE_DEAL_ACRONYMS: tuple[str, ...] = ("USMCA", "CUSMA", "T-MEC", "TMEC", "ACEUM", "NAFTA", "TLCAN")
_ACRONYM = re.compile(
    r"\b(" + "|".join(re.escape(a) for a in TRADE_DEAL_ACRONYMS) + r")\b"
    r"(?!\s+(?:trade|deal|agreement|accord|pact|treaty))",
    flags=re.IGNORECASE,
)


def gloss_acronyms(text: str) -> str:
    """Follow each trade-deal acronym with "trade deal" unless the text already says so.

    Args:
        text: The text.

    Returns:
        The text with the glosses added.
    """
    return _ACRONYM.sub(lambda m: f"{m.group(1)} trade deal", text)


def statement_embedding_text(text: str, quote_type: str = "", context: str = "", rules: TextRules = ALL_RULES) -> str:
    """The exact text embedded for one statement.

    Args:
        text: The statement's text.
        quote_type: Its quote type; a short partial quote gets its context appended.
        context: The surrounding words, used for short partial quotes.
        rules: Which text rules apply (context for partial quotes, acronym gloss).

    Returns:
        The text to embed.
    """
    text = text.strip()
    if (
        rules.partial_context
        and quote_type.strip().lower() == S.QUOTE_PARTIAL
        and context.strip()
        and len(text.split()) < PARTIAL_MIN_WORDS
    ):
        text = f"“{text}” — {context.strip()}"
    return gloss_acronyms(text) if rules.gloss else text


def query_embedding_text(phrase: str, rules: TextRules = ALL_RULES) -> str:
    """The exact text embedded for a search phrase.

    Args:
        phrase: The phrase.
        rules: Which text rules apply (only the gloss applies to phrases).

    Returns:
        The stripped phrase, glossed when the rules say so.
    """
    phrase = phrase.strip()
    return gloss_acronyms(phrase) if rules.gloss else phrase


def embedding_texts(frame: pd.DataFrame, rules: TextRules = ALL_RULES) -> list[str]:
    """Embedding text of every row of a statements frame, in row order.

    Args:
        frame: A statements frame (text; quote type and context when present).
        rules: The text rules of the model.

    Returns:
        One text to embed per row.
    """
    texts = frame[S.TEXT].astype(str).tolist()
    kinds = frame[S.QUOTE_TYPE].fillna("").astype(str).tolist() if S.QUOTE_TYPE in frame else [""] * len(texts)
    contexts = frame[S.CONTEXT].fillna("").astype(str).tolist() if S.CONTEXT in frame else [""] * len(texts)
    return [statement_embedding_text(t, k, c, rules) for t, k, c in zip(texts, kinds, contexts)]
