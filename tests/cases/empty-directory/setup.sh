mkdir -p spec/docs
echo "# notes" > spec/docs/README.md
