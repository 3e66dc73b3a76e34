# gateway-sidecar: runs beside the gateway, reading its logs (shared volume) and metrics.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PATH=/opt/venv/bin:$PATH \
    SIDECAR_CONFIG=/etc/sidecar/sidecar.yaml

WORKDIR /app

# Dependencies in their own layer: only a change to pyproject.toml rebuilds it. The install
# steps are scripts/install.sh, the same script `make test` runs.
COPY pyproject.toml README.md ./
COPY scripts/install.sh scripts/install.sh
RUN mkdir -p sidecar && echo '__version__ = "0"' > sidecar/__init__.py \
    && ./scripts/install.sh /opt/venv deps

COPY sidecar ./sidecar
COPY rules ./rules
COPY evals ./evals
RUN ./scripts/install.sh /opt/venv app

RUN useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin sidecar \
    && mkdir -p /app/data && chown sidecar /app/data
USER sidecar

# Configuration: the file named by SIDECAR_CONFIG (mount it at /etc/sidecar/sidecar.yaml) and
# SIDECAR_* environment variables. `sidecar eval` scores /app/evals/cases with /app/rules.
EXPOSE 8081
VOLUME ["/app/data"]
# The health check reads the same configuration as `run`, so it follows server.port.
HEALTHCHECK --interval=15s --timeout=3s --start-period=10s --retries=3 CMD ["sidecar", "healthcheck"]
ENTRYPOINT ["sidecar"]
CMD ["run"]
