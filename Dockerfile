# portalwatch service image: the daemon (`portalwatch run`) as a non-root user in a virtualenv.
#
# BASE_IMAGE can be swapped for a local base: the container test builds from
# localhost/portalwatch-base:bookworm (tests/container/container-base.sh, a copy of the shared tool) because no image registry
# is reachable there. Any Debian-like image with python3.11 + venv + useradd works.
#
#   docker build -t portalwatch .
#   podman --runtime runc build --format docker --network=host \
#     --build-arg BASE_IMAGE=localhost/portalwatch-base:bookworm -t localhost/portalwatch .
#
# `--format docker` matters for podman: the OCI image format has no HEALTHCHECK, podman drops it.
ARG BASE_IMAGE=python:3.11-slim

# --- requirements: the dependency list alone, out of pyproject.toml ----------------------------
# Its own stage so that editing pyproject.toml elsewhere (tool settings, pytest markers) leaves the
# requirements file byte-identical and the slow dependency layer below cached.
FROM ${BASE_IMAGE} AS requirements
LABEL org.opencontainers.image.title=portalwatch
COPY pyproject.toml /tmp/
RUN python -c 'import tomllib; print("\n".join(tomllib.load(open("/tmp/pyproject.toml", "rb"))["project"]["dependencies"]))' \
    > /tmp/requirements.txt

# --- the image ----------------------------------------------------------------------------------
# One stage, layered from rarely to often changing: a code change rebuilds only the last small
# layers (about 1 MB), and the layers of older builds are dangling images that can be pruned
# without losing the dependency layer, which the current image still uses.
FROM ${BASE_IMAGE}
LABEL org.opencontainers.image.title=portalwatch \
      org.opencontainers.image.description="Crawler and monitor for Vietnamese provincial news portals"
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH
# A fixed uid so bind-mounted data folders can be chowned to it on the host. Its home is the working
# directory, created bare (no skeleton dotfiles).
# Document text (crawler/documents/): pdftotext/pdftoppm, Tesseract with Vietnamese data, antiword and
# catdoc for legacy .doc. The same list as the Makefile's DOCUMENT_PACKAGES. fonts-dejavu-core: the
# weekly charts' Vietnamese labels (web/charts.py; the Makefile's CHART_FONT_PACKAGES).
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
       poppler-utils tesseract-ocr tesseract-ocr-vie antiword catdoc fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --uid 10001 --user-group --home-dir /app --no-create-home --shell /usr/sbin/nologin portalwatch \
    && python -m venv /opt/venv
# Dependencies first (the networked, slow part), so a warm rebuild downloads nothing. setuptools and
# wheel come along so the project itself builds without build isolation (no second index trip).
COPY --from=requirements /tmp/requirements.txt /tmp/requirements.txt
RUN pip install -r /tmp/requirements.txt "setuptools>=68" wheel
# The project from its own files, a regular (non-editable) install into site-packages; the registry
# YAML, migrations and monitor data must come from package data. /src is not on sys.path (the
# working directory is /app), so a file missing from the package fails here, not in production.
COPY pyproject.toml README.md /src/
COPY crawler /src/crawler
COPY spiders /src/spiders
COPY storage /src/storage
COPY monitor /src/monitor
COPY web /src/web
# /src goes again once installed: the running image holds exactly one copy of the code.
RUN pip install --no-build-isolation /src && rm -rf /src
COPY docker/entrypoint.sh docker/healthcheck.py /usr/local/lib/portalwatch/
# scrapy.cfg lets `scrapy list` / `scrapy crawl ID` work in the working directory, as in a checkout.
COPY scrapy.cfg /app/
# The default database (sqlite:///data/portalwatch.db) is relative to /app: it lands in the volume.
RUN mkdir -p /app/data && chown portalwatch:portalwatch /app /app/data \
    && chmod 0755 /usr/local/lib/portalwatch/entrypoint.sh
WORKDIR /app
USER portalwatch
VOLUME ["/app/data"]
EXPOSE 8080
# Asks the daemon's own /healthz (200 healthy, 503 not) on PORTALWATCH_HTTP_PORT; python because the
# slim base has no curl. start-period covers the entrypoint's migration retries and the first start.
HEALTHCHECK --interval=30s --timeout=10s --start-period=90s --retries=3 \
    CMD ["python", "/usr/local/lib/portalwatch/healthcheck.py"]
# The daemon stops cleanly on SIGTERM within 15 s; give it 20 s before SIGKILL (`docker stop -t 20`,
# compose: stop_grace_period).
STOPSIGNAL SIGTERM
# Migrates (with retries until the database answers), then execs the command.
ENTRYPOINT ["/usr/local/lib/portalwatch/entrypoint.sh"]
CMD ["portalwatch", "run"]
