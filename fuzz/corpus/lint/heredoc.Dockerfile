FROM alpine:3.20
RUN <<EOF
set -e
apk add --no-cache curl
curl -fsSL https://example.com/install.sh | sh
EOF
COPY <<-'CONF' /etc/app.conf
	key = $NOT_EXPANDED
	CONF
RUN python3 <<PY > /tmp/out && echo done
print("hi")
PY
