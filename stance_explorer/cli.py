"""Command line: ``python -m stance_explorer validate|embed|similar``.

Errors are printed as messages a person can act on; the CLI never shows a traceback for bad input.
"""

# Imports: at the top, except those of seven modules that stay inside the commands needing them, each measured to
# add start-up time to every other command (`python -X importtime -m stance_explorer --help`, the
# modules each adds beyond what --help loads, median of 3 runs on a busy 2-core machine; the figure
# is beside each import). Modules that --help loads anyway, or that add under 5 ms, are imported here.

from __future__ import annotations

import argparse
import csv
import json
import math
import sys
import time
from functools import partial
from pathlib import Path

import numpy as np

from stance_explorer import schema as S
from stance_explorer.analysis import filter_mask, statement_neighbours
from stance_explorer.dataset import (
    BUNDLED_CSV,
    STORE_DIR,
    Dataset,
    embed_frame,
    find_statement,
    merge_datasets,
    vectors_from_store,
)
from stance_explorer.dates import DateError, parse_date
from stance_explorer.encoders.base import EncoderUnavailable
from stance_explorer.encoders.models import get_encoder, rules_for
from stance_explorer.encoders.text import embedding_texts, query_embedding_text
from stance_explorer.export import neutralize_cell
from stance_explorer.mapping.projection import DEFAULT_METHOD, METHODS, MIN_NONLINEAR, pca_axes, project, save_map
from stance_explorer.reader import DEFAULT_MAX_BYTES, DEFAULT_MAX_ROWS, ReadResult, delimiter_name, read_statements
from stance_explorer.runtime import prepare_process
from stance_explorer.stance import LABELS, Axis, frame_hashes, read_claim, read_labels, speaker_estimates
from stance_explorer.stance.readers import (
    READER_NAMES,
    ReaderUnavailable,
    ReadingCache,
    default_reader_name,
    make_reader,
)
from stance_explorer.store import EmbeddingStore, text_keys
from stance_explorer.vectors import ChosenModel, VectorSource

EXIT_OK, EXIT_ROW_ERRORS, EXIT_UNREADABLE = 0, 1, 2


def _read_all(args) -> list[ReadResult]:
    return [
        read_statements(
            f,
            dayfirst=args.dayfirst,
            max_bytes=int(args.max_mb * 1024 * 1024),
            max_rows=args.max_rows,
        )
        for f in args.files
    ]


def _add_dayfirst(p: argparse.ArgumentParser) -> None:
    p.add_argument("--dayfirst", action="store_true", help="read ambiguous dates like 03/04/2026 as day/month")


def _add_read_options(p: argparse.ArgumentParser) -> None:
    _add_dayfirst(p)
    p.add_argument(
        "--max-mb", type=float, default=DEFAULT_MAX_BYTES / 1024 / 1024, help="refuse files larger than this (MB)"
    )
    p.add_argument("--max-rows", type=int, default=DEFAULT_MAX_ROWS, help="refuse files with more rows than this")


def cmd_validate(args) -> int:
    status = EXIT_OK
    for res in _read_all(args):
        for p in res.problems:
            print(p)
        kept = len(res.frame)
        if res.unreadable:
            print(f"{res.file}: unreadable")
            status = max(status, EXIT_UNREADABLE)
            continue
        how = f"{res.encoding}, {delimiter_name(res.delimiter)}-separated"
        mapped = ", ".join(f"{k}→{v}" for k, v in res.mapping.items() if k != v)
        print(
            f"{res.file}: {kept} statements kept of {res.rows_read} rows; "
            f"{len(res.errors)} errors, {len(res.warnings)} warnings ({how}"
            + (f"; columns mapped: {mapped}" if mapped else "")
            + ")"
        )
        if res.errors:
            status = max(status, EXIT_ROW_ERRORS)
    return status


def _encoder(args):
    """The encoder ``--model`` names (minilm, multilingual or a sentence-transformers path); loads nothing yet."""

    return get_encoder(args.model, backend=getattr(args, "backend", "st"), device=getattr(args, "device", None))


def cmd_embed(args) -> int:
    if getattr(args, "engine", "local") == "ray":
        return _embed_on_ray(args)
    from tqdm import tqdm  # lazy: +75 ms of start-up (see the note at the top)

    results = _read_all(args)
    status = EXIT_OK
    for res in results:
        if res.unreadable:
            for p in res.problems:
                print(p, file=sys.stderr)
            status = EXIT_UNREADABLE
    frame = merge_datasets([Dataset.without_vectors(r.frame) for r in results]).frame
    if frame.empty:
        print("No statements to embed.", file=sys.stderr)
        return status or EXIT_ROW_ERRORS
    encoder = _encoder(args)
    store = EmbeddingStore(args.store, encoder.model_id)
    for w in store.warnings:
        print(f"warning: {w}", file=sys.stderr)
    bars: list[tqdm] = []

    def progress(done: int, total: int) -> None:
        if not bars:  # created on first use, so a fully cached run prints no empty bar
            bars.append(tqdm(total=total, unit="text", desc="Embedding", disable=args.quiet))
        bars[0].n = done
        bars[0].refresh()

    _, report = embed_frame(frame, store, encoder, progress=progress, batch_size=args.batch_size)
    for bar in bars:
        bar.close()
    where = str(store.dir) if report.persisted else "memory only (the store could not be written)"
    print(
        f"{report.total} statements: {report.cached} cached, {report.new} new. Model {encoder.model_id}; store {where}."
    )
    return status


def _embed_on_ray(args) -> int:
    """``embed --engine ray``: validate every shard and embed what the store lacks on a Ray cluster."""

    from stance_explorer.scale import distributed  # lazy: +20 ms, and Ray is optional

    if not distributed.available():
        print(f"--engine ray needs Ray: {distributed.INSTALL_HINT}", file=sys.stderr)
        return EXIT_UNREADABLE
    # The factory travels to each worker, which builds its own model there (one per worker).
    factory = partial(_encoder, argparse.Namespace(model=args.model, backend=args.backend, device=args.device))
    model_id = factory().model_id  # loads nothing: encoders load their model on first use
    report = distributed.embed_on_ray(
        args.files,
        store_root=args.store,
        model_id=model_id,
        encoder_factory=factory,
        workers=args.workers,
        batch_size=max(args.batch_size, 1) * 8,
        encode_batch=args.batch_size,
        address=args.address,
        dayfirst=args.dayfirst,
    )
    for p in report.problems:
        print(p, file=sys.stderr)
    print(
        f"{report.statements} statements in {report.files} files: {report.cached} cached, {report.new} new "
        f"({report.shards} shards from {args.workers} Ray workers). Model {model_id}; store {args.store}."
    )
    if report.unreadable:
        return EXIT_UNREADABLE
    return EXIT_ROW_ERRORS if any(p.severity == "error" for p in report.problems) else EXIT_OK


def _vectors_for(frame, args, *, encode_missing: bool = True):
    """(encoder, store, vectors, found) for ``frame``: stored vectors first, so data the store
    already holds is never encoded (and no model is loaded); the rest encoded unless told not to."""

    encoder = _encoder(args)  # loads nothing until it encodes
    store = EmbeddingStore(args.store, encoder.model_id)
    vectors, found = vectors_from_store(frame, store)
    if encode_missing and not found.all():
        vectors, report = embed_frame(frame, store, encoder)
        found = found | True  # every row has its vector now
        print(f"(embedded {report.new} statements that were not in the store)", file=sys.stderr)
    return encoder, store, vectors, found


def _read_data(path: Path) -> ReadResult | None:
    """The statements of ``--data``, or None after printing why the file cannot be used."""
    res = read_statements(path)
    if res.unreadable:
        for p in res.problems:
            print(p, file=sys.stderr)
        return None
    return res


def cmd_similar(args) -> int:
    """The Explore page's search: meaning and words fused, a quoted phrase required word for word."""
    from stance_explorer.search import LexicalIndex, parse_query, search  # lazy: +17 ms

    res = _read_data(args.data)
    if res is None:
        return EXIT_UNREADABLE
    frame = res.frame
    encoder, store, vectors, _ = _vectors_for(frame, args)
    query = parse_query(args.phrase)
    qvec = (
        encoder.encode([query_embedding_text(query.meaning_text, rules_for(encoder.model_id))])[0]
        if query.meaning_text
        else None
    )
    speakers = [s for s in args.speaker] if args.speaker else None
    if speakers:
        unknown = [s for s in speakers if s not in set(frame[S.SPEAKER])]
        if unknown:
            print(f"No statements by {', '.join(unknown)} in {res.file}.", file=sys.stderr)
    mask = filter_mask(frame, speakers=speakers, topics=[args.topic] if args.topic else None)
    hits = search(
        frame,
        query=query,
        vectors=vectors,
        query_vector=qvec,
        index=LexicalIndex(frame[S.TEXT]),
        k=args.top,
        mask=mask,
        ann=_search_index(frame, store),
    )
    if hits.empty and query.phrases:
        print("No statement contains " + " and ".join(f"“{p}”" for p in query.phrases) + ".", file=sys.stderr)
    _print_hits(hits)
    return EXIT_OK


def _search_index(frame, store):
    """The saved ANN index for these statements (``index`` command), when the data is past the threshold."""
    from stance_explorer.scale import ann  # lazy: +10 ms, and faiss is optional

    if store.dir is None or len(frame) < ann.THRESHOLD:
        return None
    return ann.open_index(store.dir, text_keys(embedding_texts(frame)))


def cmd_index(args) -> int:
    """Build the approximate nearest-neighbour index that ``similar`` and ``like`` use past the threshold."""
    from stance_explorer.scale import ann  # lazy: +10 ms, and faiss is optional

    if not ann.available():
        print(f"The index needs faiss-cpu: {ann.INSTALL_HINT}", file=sys.stderr)
        return EXIT_UNREADABLE
    res = _read_data(args.data)
    if res is None:
        return EXIT_UNREADABLE
    frame = res.frame
    _, store, vectors, found = _vectors_for(frame, args, encode_missing=False)
    if not found.all():
        print(f"{int((~found).sum()):,} statements have no vector yet: run `embed` first.", file=sys.stderr)
        return EXIT_ROW_ERRORS
    t = time.perf_counter()
    index = ann.AnnIndex.build(vectors)
    path = ann.index_path(store.dir, text_keys(embedding_texts(frame)))
    index.save(path)
    used = "" if len(frame) >= ann.THRESHOLD else f" (search uses it from {ann.THRESHOLD:,} statements on)"
    print(
        f"Indexed {len(frame):,} statements in {time.perf_counter() - t:.1f} s: {path} ({path.stat().st_size / 1e6:.1f} MB){used}."
    )
    return EXIT_OK


def cmd_corpus(args) -> int:
    """Build a corpus folder the app opens without holding rows or vectors in memory."""
    from stance_explorer.scale.corpus import CorpusError, build_corpus  # lazy: +50 ms

    store = EmbeddingStore(args.store, _encoder(args).model_id, read_only=True)
    t = time.perf_counter()
    try:
        rep = build_corpus(
            args.files,
            args.out,
            store=store,
            dayfirst=args.dayfirst,
            progress=lambda line: print(line, file=sys.stderr),
        )
    except CorpusError as exc:
        print(exc, file=sys.stderr)
        return EXIT_UNREADABLE
    for problem in rep.problems:
        print(problem)
    missing = rep.statements - rep.embedded
    print(
        f"Corpus {args.out}: {rep.statements:,} statements from {rep.files} file(s), {rep.groups:,} speaker × topic × month groups, "
        f"built in {time.perf_counter() - t:.1f} s."
        + (
            f" {missing:,} statements have no vector in the store (run `embed` first): they are counted but left out of similarities."
            if missing
            else ""
        )
        + f"\nOpen it with: STANCE_EXPLORER_CORPUS={args.out} streamlit run app.py"
    )
    return EXIT_ROW_ERRORS if any(p.severity == "error" for p in rep.problems) else EXIT_OK


def _statement_line(row) -> str:
    partial = " (partial quote)" if row[S.QUOTE_TYPE] == S.QUOTE_PARTIAL else ""
    return f"{row[S.SPEAKER]}  {row[S.DATE]:%Y-%m-%d}  “{row[S.TEXT]}”{partial}"


def _print_hits(top) -> None:
    """One line per statement; search results start with their rank and say what placed them there."""
    for _, row in top.iterrows():
        rank = f"#{row['rank']}  " if "rank" in row else ""
        print(f"{rank}{row['score']:.3f}  {_statement_line(row)}")
        why = [f"matched by {row['matched_by']}"] if row.get("matched_by") else []
        why += [f"words found: {row['matched']}"] if row.get("matched") else []
        if why:
            print("       " + "; ".join(why))
        if row[S.SOURCE_URL]:
            print(f"       {row[S.SOURCE_URL]}")


def cmd_like(args) -> int:
    """Who else said something close to one statement, and when its speaker did: the app's dialog."""

    res = _read_data(args.data)
    if res is None:
        return EXIT_UNREADABLE
    frame = res.frame
    pos = find_statement(frame, args.id)
    if pos is None:
        print(f"No single statement with id {args.id!r} in {res.file}.", file=sys.stderr)
        return EXIT_ROW_ERRORS
    _, store, vectors, _ = _vectors_for(frame, args)  # stored first: nothing encoded, no torch
    row = frame.iloc[pos]
    print(_statement_line(row))
    others, same = statement_neighbours(frame, vectors, pos, k=args.top, index=_search_index(frame, store))
    print(f"\nOthers who said something close ({len(others)}):")
    _print_hits(others)
    print(f"\n{row[S.SPEAKER]}, at other times ({len(same)}):")
    _print_hits(same)
    return EXIT_OK


def cmd_map(args) -> int:
    """Compute the 2-D map of a statements file and store it beside its vectors (the app reads it)."""

    res = _read_data(args.data)
    if res is None:
        return EXIT_UNREADABLE
    encoder, store, vectors, _ = _vectors_for(res.frame, args)
    start = time.perf_counter()
    xy = project(vectors, args.method, seed=0)
    seconds = time.perf_counter() - start
    method = args.method if len(vectors) >= MIN_NONLINEAR else "pca"
    trust = None
    if len(vectors) <= 20_000:  # sklearn's measure holds an n x n matrix
        from sklearn.manifold import trustworthiness  # lazy: +4 to 6 s

        trust = (
            round(float(trustworthiness(vectors, xy, n_neighbors=min(10, len(vectors) // 2 - 1))), 4)
            if len(vectors) > 3
            else None
        )
    pca = pca_axes(vectors) if method == "pca" else None
    marker = save_map(
        args.store,
        encoder.model_id,
        args.name,
        text_keys(embedding_texts(res.frame, rules_for(encoder.model_id))),
        xy,
        method,
        pca=pca,
        trustworthiness=trust,
    )
    how = f"trustworthiness {trust:.3f} at k=10" if trust is not None else "trustworthiness not measured above 20,000"
    print(f"Map of {len(vectors):,} statements by {method} in {seconds:.1f} s ({how}): {marker}")
    return EXIT_OK


def cmd_quotes(args) -> int:
    """Attributed statements from news articles, in the app's schema (CSV that uploads as is, or JSON)."""

    from stance_explorer.quotes import OUTPUT_COLUMNS, extract_statements, records_csv  # lazy: +85 to 235 ms

    date = ""
    if args.date:
        try:
            date = parse_date(args.date).value.isoformat()
        except DateError as exc:
            print(f"--date {args.date!r}: {exc}", file=sys.stderr)
            return EXIT_UNREADABLE
    known = _read_data(args.known)
    if known is None:
        return EXIT_UNREADABLE
    status, rows = EXIT_OK, []
    for path in args.files:
        res = extract_statements(
            path, date=date, title=args.source_title or "", url=args.source_url or "", known=known.frame
        )
        if res.unreadable:
            print(res.problems[0], file=sys.stderr)  # one line: file and why
            status = EXIT_UNREADABLE
            continue
        kept = [q for q in res.quotes if q.is_statement]
        unnamed = sum(1 for q in kept if not q.speaker)
        left = len(res.quotes) - len(kept)
        print(
            f"{path.name}: {len(kept)} statements ({unnamed} from unnamed sources, speaker empty); "
            f"{left} quoted phrase{'s' if left != 1 else ''} left out (names, scare quotes, institutions)",
            file=sys.stderr,
        )
        if not (date or (res.article and res.article.date)) and kept:
            print(f"{path.name}: the article has no date; pass --date YYYY-MM-DD so the rows upload", file=sys.stderr)
            status = max(status, EXIT_ROW_ERRORS)
        rows.extend(res.records)
    if not rows and status == EXIT_UNREADABLE:
        return status  # nothing readable: the one line per file on stderr says why
    if args.format == "json":
        sys.stdout.write(
            json.dumps([{k: r.get(k, "") for k in OUTPUT_COLUMNS} for r in rows], ensure_ascii=False, indent=1) + "\n"
        )
    else:
        sys.stdout.flush()
        sys.stdout.buffer.write(records_csv(rows))
        sys.stdout.buffer.flush()
    return status


STATEMENT_FIELDS = ["id", "speaker", "date", "stance", "score", "confidence", "reader"]
SPEAKER_FIELDS = ["speaker", "n", "estimate", "low", "high", "verdict", "reader"]


def reader_from_args(args, source, frame=None):
    """The reader ``--reader`` names (default: ``csv`` with ``--readings``, else
    ``readers.default_reader_name()``), built for these statements.

    The nli and llm readers take their model and URL from ``--reader-model`` / ``--reader-url``, else
    from the operator's environment (``STANCE_EXPLORER_NLI_MODEL``, ``STANCE_EXPLORER_LLM_URL``,
    ``STANCE_EXPLORER_LLM_MODEL``); the llm reader's key only from ``STANCE_EXPLORER_LLM_API_KEY``.

    Args:
        args: the parsed ``stance`` arguments (``reader``, ``reader_model``, ``reader_url``, ``readings``).
        source: the statements' vector source (the axis reader's model and stores).
        frame: the statements (a readings row may name its statement by id alone).

    Returns:
        A reader.

    Raises:
        ReaderUnavailable: when it cannot run here.
    """
    readings = getattr(args, "readings", None)
    name = args.reader or ("csv" if readings is not None else default_reader_name())
    options = {}
    if getattr(args, "reader_model", None):
        options["model"] = args.reader_model
    if getattr(args, "reader_url", None):
        options["url"] = args.reader_url
    if name == "csv" and readings is not None:
        options.update(readings=readings, frame=frame)
    return make_reader(name, source=source, **options)


def reader_id(reader) -> str:
    """The ``reader`` field of every output row: the reader's name and its model (version).

    Args:
        reader: the reader.

    Returns:
        "name (version)".
    """
    return f"{reader.name} ({reader.version})"


def _stance_reader(args, source, frame, axis):
    """The ``stance`` command's reader (its readings file's bad rows printed by file, line and column),
    after ``--engine ray`` has filled its cache; None after a one-line message when it cannot run."""
    try:
        reader = reader_from_args(args, source, frame)
    except ReaderUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return None
    for p in getattr(reader, "problems", ()):
        print(p, file=sys.stderr)
    if getattr(args, "engine", "local") == "ray" and not _read_stance_on_ray(args, reader, axis, frame):
        return None
    return reader


def _read_stance_on_ray(args, reader, axis, frame) -> bool:
    """``stance --engine ray``: fill the reader's readings cache on Ray Data first (stance/readers/on_ray.py),
    so the plain reading that follows finds every statement cached. False (after a message) when it cannot."""
    from functools import partial

    from stance_explorer import stance as T
    from stance_explorer.scale import distributed
    from stance_explorer.stance.readers.on_ray import read_on_ray

    if not distributed.available():
        print(f"error: --engine ray needs Ray: {distributed.INSTALL_HINT}", file=sys.stderr)
        return False
    # The factory travels to each worker, which builds its own reader there (one model per worker).
    settings = argparse.Namespace(reader=reader.name, reader_model=args.reader_model, reader_url=args.reader_url)
    try:
        report = read_on_ray(
            T.reader_texts(frame),
            axis,
            store_root=args.store,
            reader_factory=partial(reader_from_args, settings, None),
            workers=args.workers,
            address=args.address,
        )
    except ReaderUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return False
    print(
        f"(ray: {report.statements} statements, {report.cached} cached, {report.read} read now by "
        f"{args.workers} workers, {report.not_read} not read)",
        file=sys.stderr,
    )
    return True


def _statement_records(frame, arrays) -> list[dict]:
    """One record per statement; one without an id of its own gets its row position (0-based, in the order printed)."""

    ids = frame[S.ID].astype(str).tolist()
    stems = frame[S.SOURCE_FILE].astype(str).map(lambda f: Path(f).stem or "row").tolist()
    lines = frame[S.SOURCE_LINE].tolist()
    records = []
    for i in range(len(frame)):
        sid = ids[i]
        if sid == f"{stems[i]}:{lines[i]}":  # the reader's stand-in for a missing id
            sid = str(i)
        records.append(
            {
                "id": sid,
                "speaker": frame[S.SPEAKER].iat[i],
                "date": f"{frame[S.DATE].iat[i]:%Y-%m-%d}",
                "stance": LABELS[int(arrays.label[i])],
                "score": round(float(arrays.score[i]), 4),
                "confidence": round(float(arrays.confidence[i]), 4),
            }
        )
    return records


def _speaker_records(frame, arrays) -> list[dict]:
    """One record per speaker, with the page's honesty rules: no interval and no side from one or two statements."""

    est = speaker_estimates(frame, arrays)

    def num(x) -> float | None:
        return None if x is None or not math.isfinite(float(x)) else round(float(x), 4)

    return [
        {
            "speaker": r.speaker,
            "n": int(r.n),
            "estimate": num(r.estimate),
            "low": num(r.low),
            "high": num(r.high),
            "verdict": r.verdict,
        }
        for r in est.itertuples(index=False)
    ]


def _print_records(records: list[dict], fields: list[str], fmt: str) -> None:
    """JSON (null for no value) or CSV (empty cell; every cell neutralized against formula injection)."""

    if fmt == "json":
        json.dump(records, sys.stdout, ensure_ascii=False, indent=1)
        print()
        return

    writer = csv.DictWriter(sys.stdout, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for rec in records:
        writer.writerow({k: "" if v is None else neutralize_cell(v) for k, v in rec.items()})


def cmd_stance(args) -> int:
    """One stance record per statement on an axis (zero-shot, or taught by --labels)."""

    try:
        axis = Axis(args.target, args.favor or "", args.against or "")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    results = _read_all(args)
    for res in results:
        if res.unreadable:
            for p in res.problems:
                print(p, file=sys.stderr)
            return EXIT_UNREADABLE
    frame = merge_datasets([Dataset.without_vectors(r.frame) for r in results]).frame
    labels = None
    if args.labels is not None:
        read = read_labels(args.labels, frame=frame)
        if read.unreadable:
            print(read.problems[0], file=sys.stderr)  # one line naming the file and the problem
            return EXIT_UNREADABLE
        for p in read.problems:
            print(p, file=sys.stderr)
        labels = read.labels
    encoder = _encoder(args)  # loads nothing until it encodes
    store = EmbeddingStore(args.store, encoder.model_id)
    if frame.empty:
        print("No statements to score.", file=sys.stderr)
        return EXIT_ROW_ERRORS
    # Stored vectors first: for data the store already holds, nothing is encoded.
    source = VectorSource(ChosenModel.of_vectors(store.model_id), sink=store, encoder=encoder)
    reader = _stance_reader(args, source, frame, axis)
    if reader is None:
        return EXIT_UNREADABLE
    vectors = None
    if reader.name == "axis" or args.labels is not None:
        got = source.statement_vectors(frame)
        vectors = got.vectors
        if got.new:
            print(f"(embedded {got.new} statements that were not in the store)", file=sys.stderr)
    hand = np.full(len(frame), -1, dtype=np.int64)
    if labels is not None:
        rows, codes = labels.rows(frame_hashes(frame))
        hand[rows] = codes
        if len(rows) == 0:
            print("note: none of the labels matches a statement in these files; reading zero-shot.", file=sys.stderr)
    cache = ReadingCache(reader, args.store) if reader.cacheable else None
    try:
        reading = read_claim(reader, axis, frame, vectors=vectors, hand=hand, cache=cache)
    except ReaderUnavailable as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_UNREADABLE
    arrays = reading.arrays
    if reading.new:
        print(f"(read {reading.new} statements with the {reader.name} reader; the rest were cached)", file=sys.stderr)
    if args.by == "speaker":
        fields, records = SPEAKER_FIELDS, _speaker_records(frame, arrays)
    else:
        fields, records = STATEMENT_FIELDS, _statement_records(frame, arrays)
    for rec in records:
        rec["reader"] = reader_id(reader)
    _print_records(records, fields, args.format)
    unread = int((~reading.read).sum())
    if unread:
        print(f"note: {unread} statements were not read by this reader ({reading.first_note()}).", file=sys.stderr)
    mode = f"taught by {int((hand >= 0).sum())} labels" if reading.taught else "zero-shot"
    what = (
        f"{len(records)} speakers over {len(frame)} statements"
        if args.by == "speaker"
        else f"{len(records)} statements"
    )
    print(f"({what}; {mode}; each stance is the {reader.name} reader's reading, with its confidence)", file=sys.stderr)
    return EXIT_OK


def model_opts(p: argparse.ArgumentParser) -> None:
    """--model, --backend, --device and --store, shared by every command that reads vectors.

    Args:
        p: The subcommand's parser; the options are added to it.
    """
    p.add_argument(
        "--model",
        default=None,
        metavar="minilm|multilingual|PATH",
        help="minilm: packaged all-MiniLM-L6-v2, English (default); multilingual: USE multilingual v3, "
        "Spanish and English in one space, no torch; or a sentence-transformers model path",
    )
    p.add_argument(
        "--backend",
        choices=["st", "onnx", "gpu"],
        default="st",
        help="st: exact fp32 sentence-transformers (default); onnx: int8 ONNX Runtime, ~5x faster on CPU; "
        "gpu: fp16 pipelined encoder for CUDA (falls back to the CPU). Each has its own model id in the store.",
    )
    p.add_argument("--device", default=None, help="torch device, e.g. cuda (falls back to cpu with a message)")
    p.add_argument("--store", type=Path, default=STORE_DIR, help="embedding store folder (default: embeddings/)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every subcommand, each set to run its ``cmd_*`` handler.

    Returns:
        The parser.
    """
    parser = argparse.ArgumentParser(
        prog="python -m stance_explorer", description="Validate, embed and search statement CSVs."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    _add_data_commands(sub)
    _add_search_commands(sub)
    _add_reading_commands(sub)
    return parser


def _add_data_commands(sub) -> None:
    """validate, embed, index, corpus, map: getting statements and their vectors in."""
    p = sub.add_parser("validate", help="print every problem in statement CSVs (exit 0 ok, 1 row errors, 2 unreadable)")
    p.add_argument("files", nargs="+", type=Path)
    _add_read_options(p)
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("embed", help="fill the embedding store for statement CSVs, encoding only new texts")
    p.add_argument("files", nargs="+", type=Path)
    _add_read_options(p)
    model_opts(p)
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.add_argument(
        "--engine",
        choices=["local", "ray"],
        default="local",
        help="ray: embed on Ray Data, one model per worker (requirements-scale.txt)",
    )
    p.add_argument(
        "--address", default=None, help="with --engine ray: join this Ray cluster (default: start Ray on this machine)"
    )
    p.add_argument(
        "--workers", type=int, default=2, help="with --engine ray: embedding workers, one model each (default 2)"
    )
    p.set_defaults(func=cmd_embed)

    p = sub.add_parser(
        "index", help="build the approximate nearest-neighbour index for search past a few 100k statements"
    )
    p.add_argument("--data", type=Path, default=BUNDLED_CSV)
    model_opts(p)
    p.set_defaults(func=cmd_index)

    p = sub.add_parser(
        "corpus", help="build a corpus folder (Parquet rows, per speaker x topic x month sums) for data past memory"
    )
    p.add_argument("files", nargs="+", type=Path, help="statement files, CSV or Parquet; embed them first")
    p.add_argument(
        "--out", type=Path, required=True, help="the corpus folder to write (replaced whole when the build ends)"
    )
    _add_dayfirst(p)  # the reader's size limits apply per file as they are
    model_opts(p)
    p.set_defaults(func=cmd_corpus)

    p = sub.add_parser("map", help="compute the 2-D map of a statements file and store it beside its vectors")
    p.add_argument("--data", type=Path, default=BUNDLED_CSV)
    p.add_argument(
        "--method",
        choices=METHODS,
        default=DEFAULT_METHOD,
        help=f"projection (default {DEFAULT_METHOD}; see benchmarks/projection.py)",
    )
    p.add_argument("--name", default="bundled", help="map name; the app reads 'bundled' for the data it opens with")
    model_opts(p)
    p.set_defaults(func=cmd_map)


def _add_search_commands(sub) -> None:
    """similar, like: finding statements."""
    p = sub.add_parser(
        "similar",
        help='print the statements that best match a phrase, by meaning and by words (a "phrase in double quotes" must appear)',
    )
    p.add_argument("phrase")
    p.add_argument("--data", type=Path, default=BUNDLED_CSV)
    p.add_argument("--speaker", action="append", help="only this speaker (repeatable)")
    p.add_argument("--topic", default=None)
    p.add_argument("--top", type=int, default=10)
    model_opts(p)
    p.set_defaults(func=cmd_similar)

    p = sub.add_parser("like", help="print who else said something close to one statement, and when its speaker did")
    p.add_argument("id", help="the statement's id (e.g. S190)")
    p.add_argument("--data", type=Path, default=BUNDLED_CSV)
    p.add_argument("--top", type=int, default=5)
    model_opts(p)
    p.set_defaults(func=cmd_like)


def _add_reading_commands(sub) -> None:
    """stance, quotes: reading positions and attributions."""
    p = sub.add_parser(
        "stance", help="print each statement's stance (favor/against/none, score, confidence) on an axis"
    )
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument("--target", required=True, help='what the statements take a position on, e.g. "the USMCA"')
    p.add_argument("--favor", default=None, help="the favor pole in words (default: derived from the target)")
    p.add_argument("--against", default=None, help="the against pole in words (default: derived from the target)")
    p.add_argument("--labels", type=Path, default=None, help="labels CSV (id, text_sha256, label) to teach the axis")
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.add_argument(
        "--by",
        choices=["statement", "speaker"],
        default="statement",
        help="one record per statement (default), or per speaker: n, estimate, 95%% interval (low, high) and verdict",
    )
    p.add_argument(
        "--reader",
        choices=list(READER_NAMES),
        default=None,
        help="who reads each statement against the claim: builtin (the shipped cross-encoder), axis (the "
        "embedding axis, a topic measure), nli (a cross-encoder NLI model), llm (an OpenAI-compatible "
        "endpoint), csv (readings made elsewhere). Default: the built-in reader where it beats the axis, else the axis",
    )
    p.add_argument("--reader-model", default=None, metavar="PATH_OR_ID", help="the nli or llm reader's model")
    p.add_argument("--reader-url", default=None, metavar="URL", help="the llm reader's OpenAI-compatible base URL")
    p.add_argument(
        "--readings",
        type=Path,
        default=None,
        metavar="FILE.csv",
        help="readings made elsewhere (id, text_sha256, claim, stance, confidence, reader) for --reader csv",
    )
    p.add_argument(
        "--engine",
        choices=["local", "ray"],
        default="local",
        help="ray: read on Ray Data first, one reader per worker, into the readings cache (requirements-scale.txt)",
    )
    p.add_argument("--address", default=None, help="with --engine ray: join this Ray cluster (default: start one here)")
    p.add_argument("--workers", type=int, default=2, help="with --engine ray: reading workers (default 2)")
    _add_read_options(p)
    model_opts(p)
    p.set_defaults(func=cmd_stance)

    p = sub.add_parser(
        "quotes",
        help="extract attributed statements from news articles (.txt, .md, .html); CSV that uploads as is (exit 2 unreadable)",
    )
    p.add_argument("files", nargs="+", type=Path)
    p.add_argument(
        "--date", default=None, help="the article's date, YYYY-MM-DD (else the HTML's or the text's own date)"
    )
    p.add_argument("--source-title", default=None, help="the source's title (else the HTML's)")
    p.add_argument("--source-url", default=None, help="the article's URL (else the HTML's)")
    p.add_argument(
        "--known",
        type=Path,
        default=BUNDLED_CSV,
        help="statements whose speakers and roles resolve mentions (default: the bundled data)",
    )
    p.add_argument("--format", choices=["csv", "json"], default="csv")
    p.set_defaults(func=cmd_quotes)


def main(argv: list[str] | None = None) -> int:
    """Run the command line: parse ``argv``, run the subcommand, turn any error into one line on stderr.

    Args:
        argv: The arguments after the program name; None for ``sys.argv[1:]``.

    Returns:
        The exit status: the command's own, 130 when interrupted, 2 after an unexpected error.
    """
    prepare_process()
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except KeyboardInterrupt:
        print("Interrupted; everything embedded so far is saved.", file=sys.stderr)
        return 130
    except Exception as exc:  # the last line of defence: one readable line, never a traceback
        kind = "" if isinstance(exc, EncoderUnavailable) else f"{type(exc).__name__}: "
        print(f"error: {kind}{exc}", file=sys.stderr)
        return EXIT_UNREADABLE


if __name__ == "__main__":
    sys.exit(main())
