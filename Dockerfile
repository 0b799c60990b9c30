# sgaudit container image (docs/fleet.md). Build:  docker build -t sgaudit:0.1.0 .
# Run:  docker run --rm --read-only --tmpfs /tmp --tmpfs /work:uid=10001,gid=10001 sgaudit:0.1.0 demo
#
# The base is a Node 20 LTS tag, never `latest`; pin it by digest in your registry mirror
# (`--build-arg NODE_IMAGE=node:20-bookworm-slim@sha256:…`) for reproducible builds.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY package.json package-lock.json ./
# Install scripts are not needed to build or run sgaudit (and are not run by the test suite either).
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && chmod 0755 dist/cli.js

FROM ${NODE_IMAGE}
# Everything sgaudit writes that is not an output goes under $TMPDIR (object-store staging): mount a
# writable /tmp and the root filesystem can be read-only.
ENV NODE_ENV=production \
    TMPDIR=/tmp \
    HOME=/tmp \
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
WORKDIR /opt/sgaudit
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY templates ./templates
COPY schema ./schema
RUN ln -s /opt/sgaudit/dist/cli.js /usr/local/bin/sgaudit \
 && mkdir -p /work && chown 10001:10001 /work
# A numeric uid that exists in no image's passwd: Kubernetes' runAsNonRoot can verify it.
USER 10001:10001
# The working directory holds the store (snapshots/) and reports/ unless flags say otherwise: mount a
# volume (or an emptyDir, with the store in object storage) here.
WORKDIR /work
ENTRYPOINT ["sgaudit"]
CMD ["--help"]
