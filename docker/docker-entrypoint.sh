#!/bin/sh
# Container entrypoint: bring the schema up to date, then serve.
#
# With arguments, runs them instead (e.g. `docker run IMAGE compcalc --help`), skipping both.
set -eu

if [ "$#" -gt 0 ]; then
    exec "$@"
fi

# Migrate before the first worker starts, so no request ever sees an old schema.
alembic upgrade head

# uvicorn, through compcalc's own launcher (app/cli/serve.py: TCP_NODELAY with several workers).
exec compcalc serve \
    --host 0.0.0.0 --port 8000 \
    --workers "${COMPCALC_WORKERS:-1}"
