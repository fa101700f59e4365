# a raw control byte (U+0001) on line 28, column 8: libyaml reports only
# its byte offset, and the position must still be line:column
mkdir -p spec
{ echo 'platform: x'; for i in $(seq 1 26); do echo "# comment line $i"; done; printf 'env: "a\001b"\n'; } > spec/platform.yaml
