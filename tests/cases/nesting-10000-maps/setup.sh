mkdir -p spec
python3 -c "print('platform: deep\nextra: ' + '{k: ' * 10000 + 'v' + '}' * 10000)" > spec/platform.yaml
