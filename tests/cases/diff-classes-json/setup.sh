cp -a "$ROOT/tests/cases/diff-classes/old" "$ROOT/tests/cases/diff-classes/new" .
