# The case room as one container image: the server binary and the built
# interface. Build from the repository root:
#
#   docker build -t vorgangsraum .
#
# The image runs `vorgangsraum serve` on port 8080 with its data under /data
# (SQLite and documents, unless DATABASE_URL and VR_STORE=s3 point elsewhere;
# see deploy/ for two instances behind a proxy on PostgreSQL and S3).

FROM rust:1.95-bookworm AS build
RUN apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends npm python3 \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The project's own scripts install the wasm tools and build the interface,
# exactly as on a developer's machine.
ENV VR_CACHE=/cache CARGO_TARGET_DIR=/cache/target
RUN scripts/setup run \
    && scripts/build-frontend \
    && cargo build --release --locked -p server --bin vorgangsraum \
    && cp /cache/target/release/vorgangsraum /usr/local/bin/vorgangsraum

FROM debian:bookworm-slim
RUN apt-get update -qq \
    && apt-get install -y -qq --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home-dir /data --create-home vorgangsraum
COPY --from=build /usr/local/bin/vorgangsraum /usr/local/bin/vorgangsraum
COPY --from=build /src/frontend/dist /srv/vorgangsraum/frontend
USER vorgangsraum
WORKDIR /data
ENV VR_DATA_DIR=/data \
    VR_FRONTEND_DIR=/srv/vorgangsraum/frontend \
    VR_BIND=0.0.0.0:8080 \
    VR_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/readyz || exit 1
ENTRYPOINT ["vorgangsraum"]
CMD ["serve"]
