# syntax=docker/dockerfile:1
# The tracker image: the wheel and its locked dependencies, served by gunicorn as an
# unprivileged user. From the repository root:
#
#   docker build -t tracker .
#
# compose.yaml runs it with PostgreSQL, two app servers and two schedulers; README
# "Running it as a service" covers configuration, backups and upgrades.
# tests/packaging/test_wheel.py runs this file's install and serve commands without Docker.

ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG NODE_IMAGE=node:22-bookworm-slim

# 1. GOV.UK Frontend from the npm registry, built into tracker/static/govuk (make assets).
FROM ${NODE_IMAGE} AS assets
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY assets/ assets/
COPY scripts/build_assets.sh scripts/
COPY tracker/static/ tracker/static/
RUN bash scripts/build_assets.sh

# 2. The wheel (make wheel), built with the locked build tools.
FROM ${PYTHON_IMAGE} AS wheel
WORKDIR /src
COPY requirements/build.txt requirements/
RUN pip install --no-cache-dir --require-hashes -r requirements/build.txt
COPY pyproject.toml setup.py README.md ./
COPY tracker/ tracker/
COPY templates/ templates/
COPY migrations/ migrations/
COPY --from=assets /src/tracker/static/govuk/ tracker/static/govuk/
RUN pip wheel --no-cache-dir --no-deps --no-build-isolation -w /dist .

# 3. The image: a virtual environment with the locked runtime dependencies, then the
#    wheel. No compilers, no source tree, no test tools.
FROM ${PYTHON_IMAGE}
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/tracker/bin:$PATH \
    TRACKER_ENV_NAME=production \
    TRACKER_INSTANCE_PATH=/var/lib/tracker \
    PORT=8000
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/tracker --create-home \
      --shell /usr/sbin/nologin tracker
COPY requirements/runtime.txt /tmp/runtime.txt
RUN python -m venv /opt/tracker \
 && /opt/tracker/bin/pip install --no-cache-dir --require-hashes -r /tmp/runtime.txt \
 && rm /tmp/runtime.txt
COPY --from=wheel /dist/ /tmp/dist/
RUN /opt/tracker/bin/pip install --no-cache-dir --no-deps /tmp/dist/*.whl \
 && rm -rf /tmp/dist
# Numeric, so a platform that requires a non-root user (runAsNonRoot) can check it.
USER 10001:10001
WORKDIR /var/lib/tracker
EXPOSE 8000
# The process is up (the scheduler's containers turn this off: they serve no HTTP).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request as u; u.urlopen('http://127.0.0.1:%s%s/healthz' % (os.environ['PORT'], os.environ.get('SCRIPT_NAME', '')), timeout=4)"]
CMD ["gunicorn", "--config", "python:tracker.gunicorn_conf"]
