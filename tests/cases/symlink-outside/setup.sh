# a spec whose service file is a link to a file outside the spec folder

mkdir -p spec/services outside
cp -r "$ROOT/specs/tutorial/." spec/
printf 'service: secret\npassword: hunter2\n' > outside/secret.yaml
ln -s ../../outside/secret.yaml spec/services/secret.yaml
