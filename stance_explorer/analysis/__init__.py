"""Pure analysis functions: a statements frame and its row-aligned vectors in, frames and arrays out.

One module per subject, in the manner of sentence-transformers' ``util/`` package:

| module | subject |
|---|---|
| ``similarity`` | cosines, top k, nearest statements, capped and ordered statement x statement matrices |
| ``groups`` | sums and centroids per speaker or topic; speaker x speaker and speaker x topic similarity |
| ``pairs`` | pairs of speakers: closest and farthest statement pairs, the spread, pairs per time window |
| ``periods`` | a phrase over time, time windows, the closest speakers per window, drift between windows |
| ``tables`` | filters, top speakers, other languages, newest first, counts, full quotes |

Callers import the names they use from the subject's module
(``from stance_explorer.analysis.periods import drift``); this package re-exports them too.
"""

from stance_explorer.analysis.groups import (
    group_centroids,
    group_sums,
    speaker_centroids,
    speaker_similarity,
    speaker_topic_matrix,
    topic_closeness,
)
from stance_explorer.analysis.pairs import (
    MAX_PAIR_STATEMENTS,
    MAX_SPREAD_STATEMENTS,
    extreme_pairs,
    pair_means,
    pair_similarity_matrix,
    pair_similarity_over_time,
    pair_similarity_stats,
    pairs_over_windows,
    stats_matrix,
)
from stance_explorer.analysis.periods import (
    WINDOW_FREQS,
    closest_over_time,
    drift,
    phrase_timeline,
    smooth_by_speaker,
    window_labels,
    window_shifts,
)
from stance_explorer.analysis.similarity import (
    MAX_STATEMENT_MATRIX,
    Capped,
    cap_statements,
    cluster_order,
    cosine_matrix,
    nearest,
    similarity_to,
    statement_neighbours,
    statement_similarity,
    top_k,
)
from stance_explorer.analysis.tables import (
    FULL_QUOTE_WORDS,
    count_labels,
    counts_by,
    counts_by_year,
    filter_mask,
    full_quotes,
    newest_first,
    other_languages,
    statement_labels,
    top_speakers,
)

__all__ = [
    "Capped",
    "FULL_QUOTE_WORDS",
    "MAX_PAIR_STATEMENTS",
    "MAX_SPREAD_STATEMENTS",
    "MAX_STATEMENT_MATRIX",
    "WINDOW_FREQS",
    "cap_statements",
    "closest_over_time",
    "cluster_order",
    "cosine_matrix",
    "count_labels",
    "counts_by",
    "counts_by_year",
    "drift",
    "extreme_pairs",
    "filter_mask",
    "full_quotes",
    "group_centroids",
    "group_sums",
    "nearest",
    "newest_first",
    "other_languages",
    "pair_means",
    "pair_similarity_matrix",
    "pair_similarity_over_time",
    "pair_similarity_stats",
    "pairs_over_windows",
    "phrase_timeline",
    "similarity_to",
    "smooth_by_speaker",
    "speaker_centroids",
    "speaker_similarity",
    "speaker_topic_matrix",
    "statement_labels",
    "statement_neighbours",
    "statement_similarity",
    "stats_matrix",
    "top_k",
    "top_speakers",
    "topic_closeness",
    "window_labels",
    "window_shifts",
]
