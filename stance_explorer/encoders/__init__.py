"""Sentence encoders: the models that turn a statement into a vector, and the text each one reads.

In the manner of sentence-transformers' ``backend/``: one small module per engine, so an optional
engine's imports (ONNX Runtime, CUDA) stay out of the others.

* ``base``: the ``Encoder`` protocol, ``EncoderUnavailable``, and the exact sentence-transformers encoder;
* ``onnx``: the int8 ONNX Runtime copy of a sentence-transformers model (about 5x faster on CPU);
* ``gpu``: the fp16 pipelined encoder for CUDA;
* ``use``: Universal Sentence Encoder multilingual v3 (numpy only, no torch);
* ``models``: the registry by short name (``minilm``, ``multilingual``) and ``get_encoder``;
* ``text``: which text a model embeds for a statement or a phrase (its measured text rules).
"""
