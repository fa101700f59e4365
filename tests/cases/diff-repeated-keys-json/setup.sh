bash "$ROOT/tests/cases/diff-repeated-keys/setup.sh"
