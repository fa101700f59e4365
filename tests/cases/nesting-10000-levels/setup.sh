mkdir -p spec
python3 -c "print('platform: deep\nextra: ' + '[' * 10000 + ']' * 10000)" > spec/platform.yaml
