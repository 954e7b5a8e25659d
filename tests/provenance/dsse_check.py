#!/usr/bin/python3
"""Verifies an eifkit provenance envelope without eifkit's code: the DSSE envelope is read
and its pre-authentication encoding built here from the DSSE v1 protocol text, and the
ECDSA signature is checked by Debian's python3-securesystemslib (SSlibKey, schemes
ecdsa-sha2-nistp256/384). Debian 12 ships securesystemslib 0.26, which predates its own
`securesystemslib.dsse` module, so PAE is spelled out below.

usage: dsse_check.py ENVELOPE CERTIFICATE.pem
Prints the statement's predicateType and subject digest on success; exit 1 when the
signature does not verify, 2 for unusable input.
"""
import base64
import json
import subprocess
import sys

from securesystemslib.exceptions import UnverifiedSignatureError, VerificationError
from securesystemslib.signer import Signature, SSlibKey


def pae(payload_type: str, payload: bytes) -> bytes:
    t = payload_type.encode()
    return b"DSSEv1 %d %s %d %s" % (len(t), t, len(payload), payload)


def main() -> int:
    envelope_path, cert_path = sys.argv[1], sys.argv[2]
    with open(envelope_path, "rb") as f:
        envelope = json.load(f)
    payload = base64.b64decode(envelope["payload"], validate=True)
    payload_type = envelope["payloadType"]
    if payload_type != "application/vnd.in-toto+json":
        print(f"payloadType {payload_type!r} is not in-toto's", file=sys.stderr)
        return 2
    public_pem = subprocess.run(
        ["openssl", "x509", "-in", cert_path, "-noout", "-pubkey"],
        check=True, capture_output=True, text=True).stdout
    curve = subprocess.run(
        ["openssl", "pkey", "-pubin", "-noout", "-text"], input=public_pem,
        check=True, capture_output=True, text=True).stdout
    if "P-256" in curve or "prime256v1" in curve:
        scheme = "ecdsa-sha2-nistp256"
    elif "P-384" in curve or "secp384r1" in curve:
        scheme = "ecdsa-sha2-nistp384"
    else:
        print("securesystemslib 0.26 checks only P-256 and P-384 ECDSA keys", file=sys.stderr)
        return 2
    # securesystemslib's key ids are hex; the certificate's SHA-256 fingerprint is the one
    # eifkit puts in the envelope as its keyid hint.
    fingerprint = subprocess.run(
        ["openssl", "x509", "-in", cert_path, "-noout", "-fingerprint", "-sha256"],
        check=True, capture_output=True, text=True).stdout
    keyid = fingerprint.split("=", 1)[1].strip().replace(":", "").lower()
    key = SSlibKey(keyid, "ecdsa", scheme, {"public": public_pem})
    data = pae(payload_type, payload)
    for s in envelope["signatures"]:
        sig = base64.b64decode(s["sig"], validate=True)
        try:
            key.verify_signature(Signature(keyid, sig.hex()), data)
        except UnverifiedSignatureError:
            continue
        except VerificationError as e:
            print(f"securesystemslib could not check the signature: {e.__cause__ or e}",
                  file=sys.stderr)
            return 2
        statement = json.loads(payload)
        print("keyid " + ("matches" if s.get("keyid") == keyid else "differs"))
        print(statement["predicateType"])
        print(statement["subject"][0]["digest"]["sha384"])
        return 0
    print("no signature verifies", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
