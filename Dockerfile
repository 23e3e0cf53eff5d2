# WindFlow server image. Build: docker build -t windflow . (needs registry access for the base
# images; not exercised by the test suite, which has no registry).
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked -p windflow-server

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /var/lib/windflow --create-home windflow
COPY --from=build /src/target/release/windflow /usr/local/bin/windflow
USER windflow
WORKDIR /var/lib/windflow
ENV WINDFLOW_LISTEN=0.0.0.0:8080 WINDFLOW_DATA_DIR=/var/lib/windflow/data WINDFLOW_LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK CMD ["/bin/sh", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080"]
ENTRYPOINT ["windflow"]
CMD ["serve"]
