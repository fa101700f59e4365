# Positions are counted as libyaml counts them: lines end at LF, CR LF, CR
# alone, NEL, LS and PS; columns count characters.  Each file has a typo
# after multi-byte characters on its third line, and the quoted line must
# be that line whatever ends it.  Errors that libyaml gives as an offset
# (a control byte, after a CR) or that look at the byte there (a tab, the
# end of the file) must use bytes, not characters.
mkdir -p spec
printf 'platform: p\nenvironments: {production: {region: uksouth, address-space: 10.0.0.0/16, domain: p.example}}\nteams: {t: {email: [t@p.example]}}\n' > spec/platform.yaml
svc() { # NAME BREAK: a service whose lines end with BREAK
    printf "service: $1${2}kind: api${2}t\xc3\xabam: t # \xc3\xa9\xc3\xa9${2}runtime: {im\xc3\xa4ge: a, cp\xc3\xbc: 1}${2}" > "spec/$1.yaml"
}
svc crlf '\r\n'
svc cr '\r'
svc nel '\xc2\x85'
svc ls '\xe2\x80\xa8'
svc ps '\xe2\x80\xa9'
printf 'service: \xc3\xa4\rregoin: \001\n' > spec/control-after-cr.yaml
printf 'service: \xc3\xa4\nroutes:\n\t- x\n' > spec/tab-after-utf8.yaml
printf 'service: \xc3\xa4\nroutes: [\xc3\xbc,\n' > spec/end-after-utf8.yaml
