"""Past one machine and past memory: optional engines for corpora far larger than the bundled data.

* ``distributed``: embedding on Ray Data, one model per worker;
* ``ann``: the approximate nearest-neighbour index (faiss HNSW) for search past a few 100k statements;
* ``corpus``: a corpus folder (Parquet rows, per speaker x topic x month vector sums) the app opens
  without loading a row-level frame.

A package because each needs the optional ``requirements-scale.txt`` (Ray, faiss, DuckDB) and says
how to install it when missing; the app on the bundled data never imports any of them.
"""
