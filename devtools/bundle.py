"""Maintainers only: write what the repository commits beside the bundled data.

    python devtools/bundle.py vectors  [--model minilm|multilingual]   # embeddings/<model>/bundled-*: stance_explorer/data/statements.csv
    python devtools/bundle.py axes     [--model minilm|multilingual]   # embeddings/<model>/bundled-axes-*: the preset axes and the tracker's default claims

These used to be hidden flags of the user commands (``embed --bundle``, ``stance --bundle-presets``);
a user never needs them, so they live here. Only texts the store lacks are encoded.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from stance_explorer.dataset import BUNDLED_CSV, STORE_DIR, embed_frame  # noqa: E402
from stance_explorer.encoders.models import DEFAULT_MODEL_NAME, MODELS, get_encoder  # noqa: E402
from stance_explorer.reader import read_statements  # noqa: E402
from stance_explorer.stance import DEFAULT_CLAIMS, Claim, axis_embedding_texts, load_presets  # noqa: E402
from stance_explorer.store import BUNDLED_PREFIX, EmbeddingStore  # noqa: E402
from stance_explorer.vectors import ChosenModel  # noqa: E402


def bundle_vectors(model: str) -> str:
    encoder = get_encoder(model)
    store = EmbeddingStore(STORE_DIR, encoder.model_id)
    frame = read_statements(BUNDLED_CSV).frame
    _, report = embed_frame(frame, store, encoder, bundle=True)
    return f"{report.total} statements: {report.cached} stored, {report.new} new, in {store.dir}"


def bundle_axes(model: str) -> str:
    encoder = get_encoder(model)
    store = EmbeddingStore(STORE_DIR, encoder.model_id)
    rules = ChosenModel.of_vectors(store.model_id).rules
    axes = [pr.axis for pr in load_presets()] + [Claim.parse(c).axis() for c in DEFAULT_CLAIMS]
    texts = sorted({t for axis in axes for t in axis_embedding_texts(axis, rules)[0]})
    _, report = store.get_or_encode(texts, encoder, prefix=f"{BUNDLED_PREFIX}-axes")
    return f"{report.total} axis texts: {report.cached} stored, {report.new} new, in {store.dir}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("what", choices=["vectors", "axes"])
    p.add_argument("--model", choices=list(MODELS), default=DEFAULT_MODEL_NAME)
    args = p.parse_args(argv)
    print({"vectors": bundle_vectors, "axes": bundle_axes}[args.what](args.model))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
