cp -a "$ROOT/specs/tutorial" old
cp -a "$ROOT/specs/tutorial" new
