#!/usr/bin/env bash
# The people mentioned most often in a folder of documents (default: seeds/).
set -euo pipefail
folder="${1:-seeds/}"
seedner extract "$folder" -f jsonl --types PER -q \
  | jq -r '.entities[].norm' \
  | sort | uniq -c | sort -rn | head -20
