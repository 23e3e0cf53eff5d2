# WindFlow image: the server and the web console. Build: docker build -t windflow .
# Needs registry access for the base images and the toolchain; not exercised by the test suite
# (this machine reaches no image registry). Tool versions follow scripts/frontend-tools.sh.
FROM rust:1.95-bookworm AS build
RUN rustup target add wasm32-unknown-unknown \
    && cargo install trunk --version 0.21.14 --locked \
    && cargo install wasm-bindgen-cli --version 0.2.130 \
    && cargo install wasm_split_cli_support --version 0.2.4 --locked --features build-binary \
    && apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# The wasm-bindgen shim (code splitting) first on PATH, as in scripts/build-frontend.sh; then
# the brotli and gzip copies the server sends.
RUN npm ci --prefix frontend/e2e --no-audit --no-fund \
    && cd frontend && WF_WASM_SPLIT_STASH=/tmp/wasm-split \
       PATH="/src/frontend/tools/shim:/src/frontend/e2e/node_modules/.bin:$PATH" trunk build --release \
    && node /src/scripts/precompress.mjs /src/frontend/dist
RUN cargo build --release --locked -p windflow-server

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/windflow --create-home windflow
COPY --from=build /src/target/release/windflow /usr/local/bin/windflow
COPY --from=build /src/frontend/dist /usr/share/windflow/web
USER windflow
WORKDIR /var/lib/windflow
ENV WINDFLOW_LISTEN=0.0.0.0:8080 WINDFLOW_DATA_DIR=/var/lib/windflow/data WINDFLOW_LOG_FORMAT=json \
    WINDFLOW_WEB_DIR=/usr/share/windflow/web
EXPOSE 8080
ENTRYPOINT ["windflow"]
CMD ["serve"]
