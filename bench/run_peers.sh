#!/usr/bin/env bash
# Sets up the peers in a virtualenv (target/peers-venv) and runs bench/peers.py.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
if [ ! -x target/peers-venv/bin/python ]; then
  python3 -m venv target/peers-venv
  target/peers-venv/bin/pip install --quiet numpy scipy networkx
fi
exec target/peers-venv/bin/python bench/peers.py "$@"
