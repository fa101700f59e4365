mkdir -p spec
printf 'platform: big\n' > spec/platform.yaml
head -c 52428800 /dev/zero | tr '\0' '#' > spec/huge.yaml
