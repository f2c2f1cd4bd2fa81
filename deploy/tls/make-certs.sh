#!/usr/bin/env bash
# Makes a throwaway certificate authority and, signed by it, a key and certificate for each broker (a PKCS#12
# keystore, as the brokers read it) and for the application (PEM, as librdkafka reads it), for
# deploy/docker-compose.tls.yaml. Nothing here is fit for production: the CA key sits next to the certificates
# and the keystore password is in the compose file.
#
#   deploy/tls/make-certs.sh            # writes deploy/tls/out/
#
# Needs openssl (1.1.1 or later). keytool is not needed: Kafka reads PKCS#12 keystores and PEM truststores.
set -euo pipefail

out="${1:-$(dirname "${BASH_SOURCE[0]}")/out}"
password="${KEYSTORE_PASSWORD:-concertbooking}"
days=365
mkdir -p "$out"
cd "$out"

# The CA: its certificate is the truststore of every broker and client.
openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days "$days" \
  -keyout ca.key -out ca.crt -subj "/CN=ConcertBooking throwaway CA" 2>/dev/null

# Signs a certificate for $1 (the common name) valid for the DNS names in $2 (comma-separated).
issue() {
  local name=$1 dns=$2 usage=$3
  openssl req -newkey rsa:2048 -nodes -sha256 -keyout "$name.key" -out "$name.csr" -subj "/CN=$name" 2>/dev/null
  printf 'subjectAltName=%s\nextendedKeyUsage=%s\n' "$(sed 's/[^,]*/DNS:&/g' <<<"$dns")" "$usage" >"$name.ext"
  openssl x509 -req -in "$name.csr" -CA ca.crt -CAkey ca.key -CAcreateserial -sha256 -days "$days" \
    -extfile "$name.ext" -out "$name.crt" 2>/dev/null
  rm "$name.csr" "$name.ext"
}

# Each broker answers to its name on the compose network and to localhost through its published port.
for broker in kafka1 kafka2 kafka3; do
  issue "$broker" "$broker,localhost" serverAuth,clientAuth
  openssl pkcs12 -export -in "$broker.crt" -inkey "$broker.key" -certfile ca.crt -name "$broker" \
    -passout "pass:$password" -out "$broker.p12"
  rm "$broker.key"
done

# A client certificate for the application, for when the brokers require one (ssl.client.auth=required).
issue concertbooking concertbooking clientAuth

# For Kafka's own tools inside a broker container (the health check): the CA as truststore.
printf 'security.protocol=SSL\nssl.truststore.type=PEM\nssl.truststore.location=/etc/kafka/tls/ca.crt\n' >client.properties

# Read by the brokers (uid 1000), the application (uid 1654) and Kafka UI inside their containers.
chmod 644 ./*.crt ./*.p12 ./*.key client.properties
chmod 600 ca.key
echo "TLS material in $(pwd): ca.crt, kafka{1,2,3}.p12 (password: $password), concertbooking.crt/.key"
