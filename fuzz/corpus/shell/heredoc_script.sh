set -e
# install packages
apk update
apk add git bash
adduser -S --shell /bin/bash app
