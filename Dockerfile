# rtctl in a container, for CI systems that run steps in images:
#
#   docker build -t rtctl \
#     --build-arg VERSION="$(git describe --tags --always)" \
#     --build-arg COMMIT="$(git rev-parse HEAD)" .
#   docker run --rm -v "$PWD:/work" --user "$(id -u):$(id -g)" \
#     -e RESCUETIME_API_KEY rtctl plan .
#
# The image holds the binary and nothing else: no shell, no secrets. Pass the
# API key at run time (-e RESCUETIME_API_KEY), never as a build argument.
# --user lets apply write its journal (.rtctl/) into the mounted directory;
# without it rtctl runs as the image's nonroot user (uid 65532).
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=""
ARG COMMIT=""
# The go build line is run by cmd/rtctl's tests (TestDockerfileBuildLine).
RUN CGO_ENABLED=0 go build -trimpath -buildvcs=false -ldflags="-s -w -X main.version=${VERSION} -X main.commit=${COMMIT}" -o /out/rtctl ./cmd/rtctl

# static-debian12 has CA certificates and the time zone database; nonroot
# runs as uid 65532.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/rtctl /usr/local/bin/rtctl
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/rtctl"]
