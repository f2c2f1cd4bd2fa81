#!/usr/bin/env bash
# Checks the deployment files with Docker Compose's own parser, which needs no Docker engine: each stack and the TLS
# variant must resolve (`config`), and the TLS script must make certificates that verify against its CA. The
# semantic checks (settings, cluster id, ports, images) are tests: DeploymentFileTests. Run by .ci/run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if docker compose version >/dev/null 2>&1; then
  compose=(docker compose)
elif command -v docker-compose >/dev/null; then
  compose=(docker-compose)
else
  echo "deploy/check: neither 'docker compose' nor 'docker-compose' is installed" >&2
  exit 2
fi

"${compose[@]}" -f docker-compose.yaml config -q
"${compose[@]}" -f docker-compose.yaml -f docker-compose.tls.yaml config -q
"${compose[@]}" -f docker-compose.kafka.yaml config -q

tls=$(mktemp -d)
trap 'rm -rf "$tls"' EXIT
tls/make-certs.sh "$tls" >/dev/null
openssl verify -CAfile "$tls/ca.crt" "$tls"/kafka{1,2,3}.crt "$tls/concertbooking.crt" >/dev/null
for broker in kafka1 kafka2 kafka3; do
  openssl pkcs12 -in "$tls/$broker.p12" -passin pass:concertbooking -noout
done

echo "deploy/check: 3 compose stacks resolve with ${compose[*]}; TLS material verifies against its CA"
