#!/usr/bin/env bash
# Docker HEALTHCHECK: healthy when the node's HTTP server answers GET /health/ready with 200.
# A node serves only its role's port, so the first port that answers is its own. No curl in the
# JRE image: bash's /dev/tcp speaks the one request.
set -u
for port in "${WRITE_SIDE_PORT:-8081}" "${READ_API_PORT:-8082}" "${ADMIN_PORT:-8083}"; do
  if exec 3<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
    printf 'GET /health/ready HTTP/1.0\r\nHost: localhost\r\n\r\n' >&3
    read -r -t 2 status_line <&3 || status_line=""
    exec 3<&- 3>&-
    case "$status_line" in
      "HTTP/1."?" 200"*) exit 0 ;;
      *) echo "not ready on port $port: ${status_line:-no answer}"; exit 1 ;;
    esac
  fi
done
echo "no Readside HTTP port answers"
exit 1
