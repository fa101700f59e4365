#!/usr/bin/env bash
# bench.sh BUILD - the benchmark table (see bench.py).
exec python3 "$(dirname "$0")/bench.py" "${1:-build}"
