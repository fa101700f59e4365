# 75,000 unknown keys and 75,000 repeats of one key in a single map: every
# one is reported, and quoting their lines must stay linear (it was once
# quadratic: 47 s for this input; the runner stops a case after 60 s).
mkdir -p spec
printf 'platform: p\nenvironments: {production: {region: uksouth, address-space: 10.0.0.0/16, domain: p.example}}\nteams: {t: {email: [t@p.example]}}\n' > spec/platform.yaml
python3 -c "
print('service: s\nkind: api\nteam: t\nruntime: {image: a}')
for i in range(75000): print(f'k{i}: v')
for i in range(75000): print('a: v')" > spec/svc.yaml
