# ptrd container image: build on Debian 12 with the same -dev packages as
# scripts/install-deps.sh, run on debian:12-slim with only the shared libraries
# the binary links (tests/deploy/check_deploy.sh checks both lists).
#   docker build -t ptrd:0.1.0 .

FROM debian:12 AS build
# Keep in step with the "libraries" lines of scripts/install-deps.sh.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      g++ cmake make pkg-config ca-certificates \
      libyaml-cpp-dev libcurl4-openssl-dev nlohmann-json3-dev libc-ares-dev \
      prometheus-cpp-dev libcli11-dev libspdlog-dev libfmt-dev libcpp-httplib-dev \
      libidn2-dev libssl-dev zlib1g-dev libldns-dev libexpat1-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
# Only the binary: tests, benchmarks and the lab need GoogleTest and DNS servers.
RUN cmake -S . -B /build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DPTRD_BUILD_TESTS=OFF -DPTRD_BUILD_BENCH=OFF -DPTRD_BUILD_INTEGRATION=OFF \
 && cmake --build /build -j"$(nproc)" --target ptrd \
 && install -D -m 0755 -s /build/cmd/ptrd /out/ptrd

FROM debian:12-slim
# Runtime libraries of the binary (their own dependencies come with them), and
# CA certificates for the providers' TLS (verification is always on).
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      ca-certificates libcurl4 libc-ares2 libyaml-cpp0.7 libfmt9 libidn2-0 \
      libspdlog1.10 libprometheus-cpp-core1.0 libprometheus-cpp-pull1.0 libcpp-httplib0.11 libldns3 libexpat1 \
 && rm -rf /var/lib/apt/lists/*
COPY --from=build /out/ptrd /usr/local/bin/ptrd
# Numeric non-root user (the "nonroot" uid of distroless images): Kubernetes'
# runAsNonRoot can only verify a numeric USER.
USER 65532:65532
EXPOSE 9153
ENTRYPOINT ["/usr/local/bin/ptrd"]
CMD ["--help"]
