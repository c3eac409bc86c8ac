# syntax=docker/dockerfile:1
# Images of the hybrid-rag apps. Build from the repository root:
#   docker build --target reranker-server -t hybrid-rag/reranker-server .
#   docker build --target reranker-server-gpu -t hybrid-rag/reranker-server:gpu .
#   docker build --target demo -t hybrid-rag/demo .
#   docker build --target search-server -t hybrid-rag/search-server .
# docker-compose.yml builds them for you. Node runs the TypeScript sources directly (type
# stripping), so there is no compile step; workspace packages stay outside node_modules.

ARG NODE_IMAGE=node:24-bookworm-slim
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04

# ---- the workspace sources, without anything built or installed
FROM ${NODE_IMAGE} AS workspace
ENV CI=true \
    ONNXRUNTIME_NODE_INSTALL=skip \
    ONNXRUNTIME_NODE_INSTALL_CUDA=skip
WORKDIR /app
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml tsconfig.base.json ./
# pnpm from the npm registry at the version package.json pins (corepack's signature check fails
# on registries that serve no signatures, e.g. mirrors).
RUN npm install -g --no-audit --no-fund "pnpm@$(node -p 'require("./package.json").packageManager.split("@")[1]')"
COPY packages packages
COPY apps apps
COPY benchmarks benchmarks

# ---- production dependencies of one app each
FROM workspace AS reranker-server-dependencies
RUN pnpm install --frozen-lockfile --prod --filter "@hybrid-rag/reranker-server..."

FROM workspace AS search-server-dependencies
RUN pnpm install --frozen-lockfile --prod --filter "@hybrid-rag/cli..."

FROM workspace AS demo-dependencies
RUN pnpm install --frozen-lockfile --prod --filter "@hybrid-rag/demo..."

# ---- the reranking service (CPU)
FROM ${NODE_IMAGE} AS reranker-server
ENV NODE_ENV=production \
    NIM_MODEL_PATH=/models/reranker \
    NIM_HTTP_API_PORT=8000
WORKDIR /app
COPY --from=reranker-server-dependencies --chown=node:node /app /app
USER node
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=30 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.NIM_HTTP_API_PORT||8000)+'/v1/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "apps/reranker-server/src/main.ts"]

# ---- the reranking service on an NVIDIA GPU: CUDA runtime + onnxruntime's CUDA provider
# `hybrid-rag-gpu install` runs onnxruntime-node's own installer for the CUDA major it offers
# (12 in onnxruntime-node 1.30; no GPU is needed at build time), as users do on a host.
FROM reranker-server-dependencies AS reranker-server-gpu-dependencies
RUN cd packages/models && node src/gpu/gpu-cli.ts install --cuda 12 --no-check

FROM ${CUDA_IMAGE} AS reranker-server-gpu
COPY --from=workspace /usr/local/bin/node /usr/local/bin/node
ENV NODE_ENV=production \
    NIM_MODEL_PATH=/models/reranker \
    NIM_HTTP_API_PORT=8000 \
    RERANKER_EXECUTION_PROVIDER=cuda
RUN useradd --create-home --uid 10001 reranker
WORKDIR /app
COPY --from=reranker-server-gpu-dependencies --chown=reranker:reranker /app /app
USER reranker
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=30 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.NIM_HTTP_API_PORT||8000)+'/v1/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
CMD ["node", "apps/reranker-server/src/main.ts"]

# ---- the demo web app
FROM ${NODE_IMAGE} AS demo
ENV NODE_ENV=production \
    DEMO_HOST=0.0.0.0 \
    DEMO_PORT=3000
WORKDIR /app
COPY --from=demo-dependencies --chown=node:node /app /app
USER node
EXPOSE 3000
CMD ["node", "apps/demo/src/main.ts"]

# ---- `hybrid-rag serve`: a collection's search over HTTP (the collection and its embedding
# model are mounted; see docker-compose.yml)
FROM ${NODE_IMAGE} AS search-server
ENV NODE_ENV=production
WORKDIR /app
COPY --from=search-server-dependencies --chown=node:node /app /app
USER node
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=30 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:8080/v1/health/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "apps/cli/src/bin.ts", "serve"]
CMD ["/collection", "--host", "0.0.0.0", "--port", "8080", "--allow-no-key", "--embedding-model", "use-lite"]
