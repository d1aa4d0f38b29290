"""The library owns its data: presets (each a claim and its opposite), the tracker's claims and the
pages' defaults are files inside the package, read through one resolver, and a missing or corrupt
file is an error that names it, never an empty list (stance_explorer/package_data.py, stance/axes.py)."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

import stance_explorer
from stance_explorer import schema as S
from stance_explorer.dataset import BUNDLED_CSV, load_dataset
from stance_explorer.encoders.models import MODELS
from stance_explorer.files import REPO_ROOT
from stance_explorer.package_data import DataFileError, data_path, defaults, read_data_json
from stance_explorer.stance import (
    AXES_CSV,
    DEFAULT_CLAIMS,
    LABELS,
    Axis,
    Claim,
    Preset,
    axis_vectors,
    load_presets,
    preset_for,
    preset_formerly,
    preset_named,
    read_labels,
    score,
)
from stance_explorer.store import EmbeddingStore
from stance_explorer.vectors import ChosenModel, VectorSource

PACKAGE = Path(stance_explorer.__file__).resolve().parent
STORE = Path(REPO_ROOT) / "embeddings"


def committed_axis_vectors(axis: Axis, model_id: str):
    """The axis's vectors from the committed store only (None when a text is not there)."""
    source = VectorSource(ChosenModel.of_vectors(model_id), [EmbeddingStore(STORE, model_id, read_only=True)])
    return axis_vectors(source, axis, encode=False)


PRESETS = load_presets()


def rows(name: str) -> list[dict[str, str]]:
    with data_path(name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def preset(topic: str) -> Preset:
    return next(p for p in PRESETS if p.topic == topic)


# ---------------------------------------------------------------------------- where the data lives
def test_the_library_reads_every_shipped_file_from_inside_its_package():
    """Not from data/ at the root of a checkout: an installed package has no checkout around it."""
    for path in [BUNDLED_CSV, AXES_CSV] + [p.labels_path for p in PRESETS if p.labels_path]:
        assert path.resolve().is_relative_to(PACKAGE / "data"), path
    assert len(load_dataset(store_dir=None).frame) == sum(1 for _ in rows("statements.csv"))


def test_a_missing_package_file_is_an_error_that_names_it():
    with pytest.raises(DataFileError, match=r"stance_explorer/data/no_such_file\.csv is missing"):
        data_path("no_such_file.csv")


# ---------------------------------------------------------------------------- presets
def test_the_presets_are_the_rows_of_the_shipped_file_in_order():
    assert [p.name for p in PRESETS] == [r["name"] for r in rows("stance_axes.csv")]
    assert len({p.name for p in PRESETS}) == len(PRESETS) >= 5


def test_every_preset_is_a_claim_a_person_can_be_for_or_against_with_its_opposite():
    """The question a journalist asks ("US forces should operate against cartels on Mexican soil"),
    not a subject ("security cooperation against the cartels") that any quote on it seems to favor."""
    for p in PRESETS:
        claim, opposite = p.axis.target, p.axis.against
        assert p.axis.favor == claim, p.name  # favor holds the claim itself
        assert claim[0].isupper() and len(claim.split()) >= 6, f"{p.name}: {claim!r} is a subject, not a claim"
        assert opposite and opposite != claim and len(opposite.split()) >= 6, p.name


def test_the_security_preset_reads_sheinbaums_refusal_of_us_operations_as_against():
    """Sheinbaum's "never going to accept … operations by US federal or state forces on our territory"
    (S185) counted as favor of "security cooperation"; on the claim it is plainly against, and Trump's
    "we are gonna start now hitting land, with regard to the cartels" (S164) is for."""
    sec = preset("security/cartels")
    assert "US forces" in sec.axis.target and "Mexican soil" in sec.axis.target
    for model in MODELS:
        ds = load_dataset(store_dir=STORE, model_id=ChosenModel.named(model).model_id)
        vecs = committed_axis_vectors(sec.axis, ds.model_id)
        keep = (ds.frame[S.TOPIC] == sec.topic).to_numpy()
        ids, arr = ds.frame[S.ID].to_numpy()[keep], score(ds.vectors[keep], vecs, model_id=ds.model_id)
        side = {i: LABELS[arr.label[k]] for k, i in enumerate(ids)}
        assert side["S185"] == "against", model
        assert side["S164"] == "favor", model


def test_every_preset_and_default_claim_has_committed_axis_vectors_for_both_models():
    """`devtools/bundle.py axes` was run after the rewording: the first page reads them without a model."""
    claims = [Claim.parse(c).axis() for c in DEFAULT_CLAIMS]
    for model in MODELS:
        for axis in [p.axis for p in PRESETS] + claims:
            vecs = committed_axis_vectors(axis, ChosenModel.named(model).model_id)
            assert vecs is not None, f"{model}: no committed vectors for {axis.target!r}"
            assert all(np.isfinite(v).all() for v in vecs.values())


def test_old_preset_names_and_wordings_still_find_their_preset():
    """Share links made before the rewording name a preset by its old name (the second axis) or carry
    its old wording (the axis fields); both lead to the preset as it is worded now."""
    aliases = rows("preset_aliases.csv")
    assert {r["alias"] for r in aliases} >= {"USMCA", "Tariffs", "Security cooperation", "Migration"}
    for r in aliases:
        now = preset_named(r["alias"], PRESETS)
        assert now is not None and now.name == r["preset"]
        old = Axis(r["target"], r["favor"], r["against"])
        assert preset_formerly(old, PRESETS) is now
        assert preset_for(old, PRESETS) is None  # the old wording is not the preset's wording any more
    assert preset_named("Security cooperation", PRESETS) is preset("security/cartels")
    for p in PRESETS:
        assert preset_named(p.name, PRESETS) is p and preset_formerly(p.axis, PRESETS) is None
    assert preset_named("no such preset", PRESETS) is None


def test_the_shipped_hand_labels_still_land_on_their_quotes():
    usmca = preset("USMCA/trade")
    frame = load_dataset(store_dir=None).frame
    read = read_labels(usmca.labels_path, frame=frame[frame[S.TOPIC] == usmca.topic].reset_index(drop=True))
    assert read.problems == [] and len(read.labels) == 75


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "cannot be read"),
        (b"\x00\xff\xfe garbage \x81\x00", "cannot be read as CSV"),
        (b"name,topic,target\nA,t,x\n", "lacks the column(s) favor, against, labels"),
        (b"name,topic,target,favor,against,labels\n", "holds no preset"),
        (b"name,topic,target,favor,against,labels\nA,t,,,,\n", "line 2: An axis needs a target"),
        (b"name,topic,target,favor,against,labels\nA,t,claim,,,gone.csv\n", "its labels file"),
    ],
    ids=["missing", "binary", "columns", "empty", "no-target", "labels-missing"],
)
def test_a_missing_or_corrupt_presets_file_is_an_error_naming_it_never_an_empty_list(tmp_path, content, message):
    path = tmp_path / "stance_axes.csv"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(DataFileError) as err:
        load_presets(path)
    assert str(path) in str(err.value) and message in str(err.value)


def test_a_corrupt_alias_file_beside_the_presets_is_an_error_too(tmp_path):
    (tmp_path / "stance_axes.csv").write_text("name,topic,target,favor,against,labels\nA,t,claim,,,\n", "utf-8")
    (tmp_path / "preset_aliases.csv").write_text("alias,preset\nold,A\n", "utf-8")
    with pytest.raises(DataFileError, match="preset_aliases.csv lacks the column"):
        load_presets(tmp_path / "stance_axes.csv")


# ---------------------------------------------------------------------------- claims and defaults
def test_the_trackers_claims_and_defaults_come_from_the_data_file():
    table = rows("claims.csv")
    assert DEFAULT_CLAIMS == tuple(r["phrase"] for r in table if r["default"] == "yes")
    for r in table:
        claim = Claim.parse(r["phrase"])
        assert (claim.wording, claim.opposite) == (r["wording"], r["opposite"])
        assert claim.axis() == Axis(r["wording"], r["wording"], r["opposite"])
    # A user's own opposite after "|" still wins over the shipped one.
    assert Claim.parse(f"{table[0]['phrase']} | my opposite").opposite == "my opposite"


def test_the_pages_defaults_are_in_the_data_and_name_what_the_bundled_data_holds():
    tracker = defaults()["tracker"]
    frame = load_dataset(store_dir=None).frame
    assert tracker["speaker"] in set(frame[S.SPEAKER]) and tracker["topic"] in set(frame[S.TOPIC])
    assert read_data_json("defaults.json") == defaults()
