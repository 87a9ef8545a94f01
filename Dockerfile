# syntax=docker/dockerfile:1
#
# productready itself, as a container image. Build from the repository root:
#   docker build -t productready .
# Scan a repository mounted read-only at /src and write the reports to a second mount:
#   docker run --rm -v "$PWD:/src:ro" -v "$PWD/productready-report:/out" productready \
#     scan /src --format json,sarif,html --fail-on high --output-dir /out
# (the output folder must be writable by UID 10001, e.g. created with mkdir and chmod 0777 or
#  chowned to 10001). The exit code is productready's: 0 passed, 1 gate failed, 2 bad input,
#  3 scan incomplete, 4 internal error.
#
# python:3.12-slim pinned by digest (a tag can be moved, a digest cannot); keep the tag for
# readability and let Dependabot or Renovate (docker ecosystem) bump the digest.

# Build stage: build and install productready with its scanners into a virtualenv.
FROM python:3.12-slim@sha256:78387bc3881b8273120a12ebe6c1ab22b018ccc2c9adf565ae1ac9b536e184ea AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /build
# Only what the wheel needs (pyproject's hatch config); .dockerignore keeps everything else out.
COPY pyproject.toml README.md ./
COPY src/ src/
COPY controls/ controls/
COPY rulesets/ rulesets/
COPY reports/ reports/
COPY schemas/ schemas/
RUN python -m venv /opt/productready \
    && /opt/productready/bin/pip install --no-cache-dir /build

# Runtime stage: the virtualenv, git (productready lists a work tree's files with git ls-files)
# and an unprivileged user; no compilers, no pip cache, no build context.
FROM python:3.12-slim@sha256:78387bc3881b8273120a12ebe6c1ab22b018ccc2c9adf565ae1ac9b536e184ea
LABEL org.opencontainers.image.title="productready" \
      org.opencontainers.image.description="How far is a software product from ISO 27001, SOC 2 and OWASP ASVS certification? Scans a repository, fails closed, writes a gap report." \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="0.1.0"

# The mounted repository belongs to another UID; mark only /src as safe for git so the file list
# comes from git ls-files (productready runs it with core.fsmonitor off and never executes repo code).
RUN apt-get update \
    && apt-get install -y --no-install-recommends git \
    && rm -rf /var/lib/apt/lists/* \
    && git config --system --add safe.directory /src \
    && groupadd --system --gid 10001 productready \
    && useradd --system --uid 10001 --gid productready --create-home --home-dir /home/productready \
       --shell /usr/sbin/nologin productready

COPY --from=build /opt/productready /opt/productready

ENV PATH=/opt/productready/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1

USER 10001:10001
WORKDIR /src

# A CLI, not a service: the check only proves the entry point starts (`productready version` would
# start every scanner, which can take a minute). Containers normally exit before the first probe.
HEALTHCHECK --interval=5m --timeout=30s --retries=1 CMD ["productready", "--help"]

ENTRYPOINT ["productready"]
CMD ["--help"]
