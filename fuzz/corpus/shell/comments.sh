apt-get update # refresh && rm -rf /
echo '#no' a#b # trailing
  # indented comment
