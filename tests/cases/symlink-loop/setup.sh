mkdir -p spec/services
printf 'platform: x\n' > spec/platform.yaml
ln -s .. spec/services/loop
