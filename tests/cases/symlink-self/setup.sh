mkdir -p spec
ln -s self.yaml spec/self.yaml
