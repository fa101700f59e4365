# Every kind of entry a spec folder may hold that is not read: each is named
# in a note, none is read (the tutorial spec checks clean with all of them
# beside it, each written to break the check if it were read), and the
# summary counts them.  Also: the build's own output inside the folder.
set -e
cp -r "$ROOT/specs/tutorial" spec
bad='service: [broken'
cd spec/services
printf '%s\n' "$bad" > companies.YAML        # upper-case extension
printf '%s\n' "$bad" > orders.yaml~          # editor backups and swap files
printf '%s\n' "$bad" > '#orders.yaml#'
printf '%s\n' "$bad" > .orders.yaml.swp
printf '%s\n' "$bad" > .hidden.yaml          # hidden
printf '%s\n' "$bad" > notes.txt             # another extension
mkdir .git && printf '%s\n' "$bad" > .git/config.yaml
ln -s nowhere.yaml dangling.yaml             # a link to nothing
mkfifo pipe.yaml                             # not a regular file
mkdir nested && printf 'platform: other\n' > nested/platform.yaml \
    && printf '%s\n' "$bad" > nested/x.yaml  # a separate spec
cd ../..
# topoc's own output (YAML documents among its files) inside the spec
"$TOPOC" build spec -o built -q
mv built spec/out
