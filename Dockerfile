# Builds the portal (Node), then the single dichtbij binary that embeds it
# (pure Go: FerretDB's SQLite backend needs no cgo), into a minimal image.
FROM node:20-bookworm-slim AS portal
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=portal /src/frontend/dist ./frontend/dist
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/dichtbij .

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/dichtbij /dichtbij
ENV DICHTBIJ_ADDR=0.0.0.0:8080 \
    DICHTBIJ_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 CMD ["/dichtbij", "healthcheck"]
ENTRYPOINT ["/dichtbij"]
