FROM alpine
RUN apk add curl \
    git
FROBNICATE now
