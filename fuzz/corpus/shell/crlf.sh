apt-get update && \
  apt-get install -y curl
echo done
