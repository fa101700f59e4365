mkdir -p spec
printf 'platform: x\n' > spec/platform.yaml
chmod 000 spec/platform.yaml
