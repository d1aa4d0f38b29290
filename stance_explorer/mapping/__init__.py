"""The Map: statements placed in two dimensions, labelled regions, and speakers' paths through them.

* ``projection``: the 2-D layout (PaCMAP by default; UMAP, t-SNE, PCA), stored beside the vectors;
* ``regions``: clusters of the map, each named by its most typical words;
* ``trajectories``: a speaker's mean position period by period, and the quotes that moved it.

A package because the map's methods and their heavy imports (numba, PaCMAP, UMAP) are needed by the
Map page and the ``map`` command only: nothing else imports them.
"""
