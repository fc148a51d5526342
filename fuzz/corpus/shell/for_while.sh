for pkg in curl wget $(cat extra.txt); do apt-get install -y "$pkg"; done
cat list | while read -r p; do
  pip install "$p"
done
until curl -sf http://localhost; do sleep 1; done
for ((i=0;i<3;i++)); do echo $i; done
