# syntax=docker/dockerfile:1
# Multi-stage build: compile in the Rust image, run in a slim Debian image.
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock clippy.toml ./
COPY src ./src
COPY templates ./templates
COPY migrations ./migrations
RUN cargo build --release --locked --bin ssw-api

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --no-create-home ssw
COPY --from=build /src/target/release/ssw-api /usr/local/bin/ssw-api
USER ssw
ENV SSW_BIND=0.0.0.0:8080 RUST_LOG=info
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 \
    CMD curl -fsS http://127.0.0.1:8080/health/ready || exit 1
ENTRYPOINT ["ssw-api"]
CMD ["serve"]
