cp -a "$ROOT/specs/tutorial" old
cp -a "$ROOT/specs/tutorial" new
printf "    regoin: uksouth\n" >> new/services/orders.yaml
