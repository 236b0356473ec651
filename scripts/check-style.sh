#!/usr/bin/env bash
# Checks the length of C# lines: prints file:line for every tracked *.cs line longer than the
# max_line_length of .editorconfig's [*.cs] section, with its length in characters, and exits 1
# if there is any. Editors honour max_line_length but Roslyn does not enforce it; this script does.
set -euo pipefail
cd "$(dirname "$0")/.."

limit=$(awk '
  /^[[:space:]]*\[/ { section = $0; gsub(/^[[:space:]]+|[[:space:]]+$/, "", section); next }
  section == "[*.cs]" && /^[[:space:]]*max_line_length[[:space:]]*=/ {
    sub(/^[^=]*=[[:space:]]*/, ""); sub(/[[:space:]]+$/, ""); print; exit
  }' .editorconfig)
if [[ ! $limit =~ ^[0-9]+$ ]]; then
  echo "check-style: .editorconfig has no numeric max_line_length under [*.cs] (found '$limit')" >&2
  exit 1
fi

# awk reads bytes (LC_ALL=C, the same in mawk and gawk); leaving out UTF-8 continuation bytes
# (0x80-0xBF) counts characters, so a line with → or × is not over the limit too early.
over=$(git ls-files -z '*.cs' | LC_ALL=C xargs -0 -r awk -v limit="$limit" '
  { line = $0; gsub(/[\200-\277]/, "", line)
    if (length(line) > limit) printf "%s:%d: %d characters (limit %d)\n", FILENAME, FNR, length(line), limit }')
files=$(git ls-files '*.cs' | wc -l)
if [[ -n $over ]]; then
  printf '%s\n' "$over"
  echo "check-style: $(printf '%s\n' "$over" | wc -l) lines longer than $limit characters in $(printf '%s\n' "$over" | cut -d: -f1 | sort -u | wc -l) of $files C# files" >&2
  exit 1
fi
echo "check-style: $files C# files, no line longer than $limit characters" >&2
