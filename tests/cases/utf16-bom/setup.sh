mkdir -p spec
printf '\xff\xfep\x00l\x00' > spec/platform.yaml
