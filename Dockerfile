# portalwatch service image. BASE_IMAGE can be swapped for a local base (no registry reachable in tests).
ARG BASE_IMAGE=python:3.11-slim
FROM ${BASE_IMAGE}

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 VIRTUAL_ENV=/opt/venv PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv && useradd --create-home --uid 10001 portalwatch
WORKDIR /app
COPY pyproject.toml README.md scrapy.cfg ./
COPY crawler ./crawler
COPY spiders ./spiders
COPY storage ./storage
COPY monitor ./monitor
RUN pip install --no-cache-dir . && mkdir -p /app/data && chown portalwatch /app/data
USER portalwatch
VOLUME ["/app/data"]
CMD ["portalwatch", "run", "--once"]
