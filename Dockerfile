# compcalc service image.
#
#   docker build -t compcalc .
#   docker run -p 8000:8000 -e COMPCALC_DATABASE_URL=postgresql+psycopg://... compcalc
#
# Without COMPCALC_DATABASE_URL the service uses SQLite in /data (mount a volume there to keep it).

# --- build: a self-contained virtualenv with the pinned dependencies and the app ---------------
FROM python:3.11-slim AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# Dependencies first, from the lock alone, so this layer is cached until the lock changes.
COPY requirements.lock ./
RUN pip install -r requirements.lock

COPY pyproject.toml README.md ./
COPY app ./app
RUN pip install --no-deps . && python -c "import app.main"

# --- runtime: the venv, the migrations and nothing else -------------------------------------
FROM python:3.11-slim AS runtime

ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    COMPCALC_ENVIRONMENT=production \
    COMPCALC_DATABASE_URL=sqlite:////data/compcalc.db

# WeasyPrint (the PDF payslips, docs/exports.md) needs Pango at runtime, and the documents need
# a font with Cyrillic letters; nothing else from Debian.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system compcalc \
    && useradd --system --gid compcalc --no-create-home --home-dir /srv/compcalc compcalc \
    && mkdir -p /data \
    && chown compcalc:compcalc /data

COPY --from=builder /opt/venv /opt/venv
WORKDIR /srv/compcalc
COPY alembic.ini ./
COPY migrations ./migrations
COPY docker/docker-entrypoint.sh /usr/local/bin/docker-entrypoint.sh

USER compcalc

EXPOSE 8000

# python:slim has no curl; the interpreter's urllib is enough for a liveness probe.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4)"]

ENTRYPOINT ["docker-entrypoint.sh"]
