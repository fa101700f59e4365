mkdir -p spec
printf 'platform: caf\xe9\nteams: {}\n' > spec/platform.yaml
