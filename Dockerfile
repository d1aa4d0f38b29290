# Stance Explorer in a container, for hosts that run one (Hugging Face Spaces, Cloud Run, Fly.io...).
# CPU-only torch (deploy/requirements.txt), a non-root user, the bundled statements and their
# vectors baked in, the int8 search model built at image build time, hosted mode on.
# This file was not built where it was written (no Docker engine there): see README, "Deploy".
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    STANCE_EXPLORER_HOSTED=1 \
    PORT=8501

WORKDIR /app

# Dependencies first: this layer is rebuilt only when the pins change.
COPY deploy/requirements.txt deploy/requirements.txt
COPY requirements-nodeps.txt requirements-nodeps.txt
RUN pip install -r deploy/requirements.txt && pip install --no-deps -r requirements-nodeps.txt

# The app, its data and the committed vectors (embeddings/); .dockerignore leaves out tests,
# benchmarks, docs and local caches. Files stay owned by root: the app cannot change them.
COPY . .

# Build the int8 ONNX search model now, so a hosted search never needs torch at run time.
RUN python -c "from stance_explorer.encoders.onnx import OnnxInt8Encoder; OnnxInt8Encoder().load()" \
    && test -f embeddings/onnx/*/model.int8.onnx

RUN useradd --create-home --uid 1000 app
USER app

EXPOSE 8501
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD python -c "import os, sys, urllib.request as u; url = 'http://127.0.0.1:' + os.environ['PORT'] + '/_stcore/health'; sys.exit(u.urlopen(url, timeout=4).read().strip() != b'ok')"

# exec: streamlit becomes PID 1 and gets the host's stop signal. $PORT: Cloud Run sets it.
CMD ["sh", "-c", "exec streamlit run app.py --server.port=${PORT} --server.address=0.0.0.0 --server.headless=true --server.fileWatcherType=none --browser.gatherUsageStats=false"]
