"""The model is a choice on every page: the sidebar's Model radio (``?model=``), the one-click offer
when a view mixes languages, uploads embedded with the chosen model only, and a multilingual
session that never imports torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import pytest
from apptest_helpers import (
    APP,
    COMPARE,
    DATA,
    EXPLORE,
    HEATMAPS,
    REPO_ROOT,
    card_heads,
    open_page,
    sidebar_kept,
)

from stance_explorer.encoders.models import MINILM, MULTILINGUAL, model_id
from webapp.pages import PAGES as APP_PAGES

PAGES = [p.name for p in APP_PAGES]

SPANISH_CSV = (
    "Orador;Cargo;Fecha;Tema;Cita;Idioma;Fuente\n"
    "Claudia Sheinbaum;Presidenta de México;jueves, 29 de enero de 2026;T-MEC;"
    "Vamos a defender el T-MEC porque es bueno para los tres países;es;Conferencia matutina\n"
    "Marcelo Ebrard;Secretario de Economía;03/02/2026;aranceles;"
    "No aceptaremos aranceles que dañen a la industria mexicana;es;Comunicado\n"
).encode()


def model_of(at) -> str:
    return at.session_state["_view"].dataset.model_id


@pytest.mark.model
@pytest.mark.parametrize("page", PAGES)
def test_switching_the_model_reruns_every_page_without_error(page):
    at = open_page(page, {"q": "the trade deal is irrelevant"} if page == EXPLORE else None)
    assert model_of(at) == model_id(MINILM)
    kept = sidebar_kept(at)
    at.sidebar.radio(key="model").set_value(MULTILINGUAL).run()
    assert not at.exception, [e.value for e in at.exception]
    assert model_of(at) == model_id(MULTILINGUAL)
    assert sidebar_kept(at) == kept  # the same statements, every one with a multilingual vector
    at.sidebar.radio(key="model").set_value(MINILM).run()
    assert not at.exception, [e.value for e in at.exception]
    assert model_of(at) == model_id(MINILM)


def test_a_link_opens_with_its_model():
    at = open_page(HEATMAPS, {"model": MULTILINGUAL})
    assert at.sidebar.radio(key="model").value == MULTILINGUAL
    assert model_of(at) == model_id(MULTILINGUAL)


def test_a_link_with_an_unknown_model_says_so():
    at = open_page(EXPLORE, {"model": "gpt"})
    assert model_of(at) == model_id(MINILM)
    notes = " ".join(i.value for i in at.main.info)
    assert "Model: “gpt” is not among the choices here" in notes


def test_a_view_that_mixes_languages_offers_the_multilingual_model_in_one_click():
    at = open_page(COMPARE, {"topic": "USMCA/trade", "who": ["Donald Trump", "Marcelo Ebrard"]})
    assert any("mix languages" in m.value for m in at.main.caption)
    at.button(key="use_multilingual").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert at.sidebar.radio(key="model").value == MULTILINGUAL
    # The radio is bound to ?model=, so the share link keeps it (tests/e2e/test_models_link.py).
    assert model_of(at) == model_id(MULTILINGUAL)
    assert not any("mix languages" in m.value for m in at.main.caption)


@pytest.mark.model
def test_an_upload_is_embedded_with_the_chosen_model_only():
    at = open_page(DATA, {"model": MULTILINGUAL})
    at.file_uploader(key="uploader").upload("declaraciones.csv", SPANISH_CSV, "text/csv").run()
    at.button(key="add_declaraciones.csv").click().run()
    assert not at.exception, [e.value for e in at.exception]
    multi = at.session_state["session_store_multilingual"]
    assert multi.model_id == model_id(MULTILINGUAL) and len(multi) == 2
    assert "session_store" not in at.session_state  # no MiniLM vector was made
    ds = at.session_state["_view"].dataset
    assert ds.has_vector.all() and "Vamos a defender el T-MEC porque es bueno para los tres países" in set(
        ds.frame["text"]
    )

    # Switching to MiniLM: the two uploaded rows have no MiniLM vector until asked for.
    at.sidebar.radio(key="model").set_value(MINILM).run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("2 of them have no vector yet" in c.value for c in at.sidebar.caption)
    at.sidebar.button(key="_embed_missing").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert len(at.session_state["session_store"]) == 2
    assert at.session_state["_view"].dataset.has_vector.all()


# A fresh interpreter: in this one, other tests may already have loaded MiniLM.
PROBE = textwrap.dedent(
    f"""
    import json, sys
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file({str(APP)!r}, default_timeout=120)
    at.query_params.update({{"model": "multilingual", "q": "We will not make any commitment that contradicts our laws"}})
    at.run()
    errors = [e.value for e in at.exception]
    top = at.session_state["_view"].dataset.model_id
    hits = [df.value for df in at.main.dataframe if "score" in df.value.columns]
    top5 = hits[0]["text"].head(5).tolist() if hits else []
    for page in ("compare", "heatmaps", "tracker", "data"):
        at.switch_page(f"app_pages/{{page}}.py").run()
        errors += [e.value for e in at.exception]
    at.file_uploader(key="uploader").upload("declaraciones.csv", {SPANISH_CSV!r}, "text/csv").run()
    at.button(key="add_declaraciones.csv").click().run()
    errors += [e.value for e in at.exception]
    print(json.dumps({{"errors": errors, "model_id": top, "top5": top5,
                      "added": len(at.session_state["session_store_multilingual"]),
                      "loaded": {{m: m in sys.modules for m in ("torch", "sentence_transformers", "transformers")}}}}))
    """
)


def test_a_multilingual_session_never_imports_torch():
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    proc = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["errors"] == []
    assert report["model_id"] == model_id(MULTILINGUAL)
    # The search really ran with the multilingual model: the Spanish original is among the top 5
    # (first by meaning; the fused word ranking cannot match across languages).
    assert "No haremos ningún compromiso que esté en contradicción con nuestras leyes" in report["top5"]
    assert report["added"] == 2  # the upload was embedded; it, the search and the tracker phrases, all without torch
    assert report["loaded"] == {"torch": False, "sentence_transformers": False, "transformers": False}


def _languages_of_closest_others(at) -> list[str]:
    frame = at.session_state["_view"].dataset.frame
    heads = [h for h in card_heads(at) if "score" in h][:5]  # "Others who said something close"
    langs = []
    for h in heads:
        rows = frame[
            (frame["speaker"] == h["speaker"]) & (frame["date"].dt.strftime("%Y-%m-%d").str.startswith(h["date"]))
        ]
        langs.append(",".join(sorted(set(rows["language"]))))
    return langs


def test_an_opened_spanish_statement_finds_close_english_ones_with_the_multilingual_model():
    """Ebrard's "No haremos ningún compromiso…": MiniLM's closest statements by others are Spanish
    ones; the multilingual model's include English statements, and no English-only warning is shown."""
    multi = open_page(EXPLORE, {"stmt": "S199", "model": MULTILINGUAL})
    assert not any("The model reads English" in c.value for c in multi.caption)
    mini = open_page(EXPLORE, {"stmt": "S199"})
    assert any("The model reads English" in c.value for c in mini.caption)
    multi_langs, mini_langs = _languages_of_closest_others(multi), _languages_of_closest_others(mini)
    assert len(multi_langs) == len(mini_langs) == 5
    assert multi_langs.count("en") > mini_langs.count("en"), (multi_langs, mini_langs)
