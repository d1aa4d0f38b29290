"""Every URL query parameter the app uses, in one place. A widget's key is its parameter name."""

# Shared sidebar
DATASET = "data"
SPEAKERS = "speakers"
TOPICS = "topics"
DATES = "dates"
LANGUAGES = "lang"
MODEL = "model"  # the embedding model: a name in stance_explorer.encoders.models.MODELS
# Explore
QUERY = "q"
TOP_K = "k"
STATEMENT = "stmt"  # the statement opened from a table (its id, or #row when ids repeat)
# Compare
CMP_TOPIC = "topic"
CMP_SPEAKERS = "who"
# Heatmaps
HM_MODE = "mode"
HM_TOPIC = "htopic"
HM_MAX = "n"
HM_ROW = "row"
HM_COL = "col"
# Tracker
PHRASES = "phrases"
DRIFT_SPEAKER = "dspk"
DRIFT_TOPIC = "dtopic"
DRIFT_WINDOW = "win"
# Data page
DAYFIRST = "dayfirst"

DATASET_BUNDLED = "bundled"
DATASET_UPLOADED = "uploaded"
DATASET_MERGED = "merged"
# Map
MAP_COLOR = "mcolor"
MAP_REGIONS = "regions"
MAP_TRAJECTORIES = "traj"
MAP_SELECTION = "sel"  # a small selection of statements (their refs), so a link reopens it

MODEL_MINILM = "minilm"
MODEL_MULTILINGUAL = "multilingual"
# Stance
ST_TARGET = "target"
ST_FAVOR = "favor"
ST_AGAINST = "against"
ST_TOPIC = "stopic"
ST_SPEAKERS = "swho"
ST_MODE = "smode"
ST_PERIOD = "speriod"
ST_AXIS2 = "axis2"
ST_READER = "reader"
# Corpus mode (webapp/corpusview.py)
MONTHS = "months"
PAGE = "page"
CONTAINS = "has"
CORPUS_MAX = "top"
