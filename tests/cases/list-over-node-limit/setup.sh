# a plain list of 1,000,001 scalars, without a single alias: too large,
# and the message must not blame aliases
mkdir -p spec
python3 -c 'import sys; sys.stdout.write("platform: x\nitems:\n" + "- a\n" * 1000001)' > spec/platform.yaml
