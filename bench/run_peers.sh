#!/usr/bin/env bash
# Sets up the peers in a virtualenv (target/peers-venv) and runs bench/peers.py.
# Usage: bench/run_peers.sh [SIZES...] [--quick]
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
if ! target/peers-venv/bin/python -c "import numpy, scipy, pandas, networkx, igraph" 2>/dev/null; then
  python3 -m venv target/peers-venv
  target/peers-venv/bin/pip install --quiet numpy scipy pandas networkx igraph
fi
exec target/peers-venv/bin/python bench/peers.py "$@"
