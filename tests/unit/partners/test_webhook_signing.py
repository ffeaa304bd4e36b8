"""Standard Webhooks signing, checked against the reference library and a fixed vector."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from datetime import UTC, datetime

import pytest
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from brandhub.partners.webhook_signing import (
    SignatureError,
    generate_secret,
    sign,
    signature_header,
    verify,
    webhook_headers,
)

# The example in the Standard Webhooks specification.
SPEC_SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
SPEC_ID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
SPEC_TIMESTAMP = 1614265330
SPEC_BODY = b'{"test": 2432232314}'
SPEC_SIGNATURE = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

BODY = b'{"type":"handoff.received","data":{"handoffId":"SGFuZG9mZjox","title":"Soupe \xc3\xa0 l\'ail"}}'
NOW = 1_700_000_000


class TestSecrets:
    def test_generated_secret_shape(self) -> None:
        secret = generate_secret()
        assert secret.startswith("whsec_")
        assert len(base64.b64decode(secret.removeprefix("whsec_"), validate=True)) == 32
        assert generate_secret() != secret

    @pytest.mark.parametrize("secret", ["whsec_", "whsec_c2hvcnQ=", "whsec_not base64!"])
    def test_bad_secrets_are_refused(self, secret: str) -> None:
        with pytest.raises(ValueError):
            sign(secret, "msg_1", NOW, BODY)


class TestSign:
    def test_specification_vector(self) -> None:
        assert sign(SPEC_SECRET, SPEC_ID, SPEC_TIMESTAMP, SPEC_BODY) == SPEC_SIGNATURE

    def test_fixed_vector_computed_independently(self) -> None:
        key = bytes(range(32))
        secret = "whsec_" + base64.b64encode(key).decode()
        signed = b"msg_2Lx1.1700000000." + BODY
        expected = "v1," + base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
        assert sign(secret, "msg_2Lx1", NOW, BODY) == expected

    def test_unpadded_secret_is_accepted(self) -> None:
        key = bytes(range(25))
        padded = "whsec_" + base64.b64encode(key).decode()
        assert padded.endswith("=")
        assert sign(padded.rstrip("="), "m", NOW, BODY) == sign(padded, "m", NOW, BODY)

    def test_headers(self) -> None:
        secret = generate_secret()
        headers = webhook_headers([secret], "msg_1", NOW, BODY)
        assert headers == {
            "webhook-id": "msg_1",
            "webhook-timestamp": str(NOW),
            "webhook-signature": sign(secret, "msg_1", NOW, BODY),
            "content-type": "application/json",
        }

    def test_no_secret(self) -> None:
        with pytest.raises(ValueError):
            signature_header([], "msg_1", NOW, BODY)
        with pytest.raises(ValueError):
            signature_header(generate_secret(), "msg_1", NOW, BODY)  # a str, not a list

    @pytest.mark.parametrize("timestamp", [-1, 1.5, True])
    def test_bad_timestamp(self, timestamp: object) -> None:
        with pytest.raises(ValueError):
            sign(generate_secret(), "msg_1", timestamp, BODY)  # type: ignore[arg-type]


class TestReferenceLibrary:
    def test_ours_verify_with_standardwebhooks(self) -> None:
        secret = generate_secret()
        now = int(time.time())  # the library checks against the real clock
        headers = webhook_headers([secret], "msg_ours", now, BODY)
        assert Webhook(secret).verify(BODY, headers) == json.loads(BODY)

    def test_rotation_header_verifies_with_standardwebhooks(self) -> None:
        old, new = generate_secret(), generate_secret()
        now = int(time.time())
        headers = webhook_headers([old, new], "msg_rot", now, BODY)
        Webhook(old).verify(BODY, headers)
        Webhook(new).verify(BODY, headers)
        with pytest.raises(WebhookVerificationError):
            Webhook(generate_secret()).verify(BODY, headers)

    def test_theirs_verify_with_ours(self) -> None:
        secret = generate_secret()
        moment = datetime.fromtimestamp(NOW, tz=UTC)
        signature = Webhook(secret).sign("msg_theirs", moment, BODY.decode())
        headers = {
            "Webhook-Id": "msg_theirs",
            "Webhook-Timestamp": str(NOW),
            "Webhook-Signature": signature,
        }
        verify(secret, headers, BODY, now=NOW)
        assert signature == sign(secret, "msg_theirs", NOW, BODY)


class TestVerify:
    secret = generate_secret()

    def headers(self, **overrides: str) -> dict[str, str]:
        return webhook_headers([self.secret], "msg_1", NOW, BODY) | overrides

    def test_valid(self) -> None:
        verify(self.secret, self.headers(), BODY, now=NOW)

    def test_rotation_each_secret_alone_verifies(self) -> None:
        old, new = generate_secret(), generate_secret()
        headers = webhook_headers([old, new], "msg_1", NOW, BODY)
        assert len(headers["webhook-signature"].split(" ")) == 2
        verify(old, headers, BODY, now=NOW)
        verify(new, headers, BODY, now=NOW)
        with pytest.raises(SignatureError):
            verify(generate_secret(), headers, BODY, now=NOW)

    def test_tampered_body(self) -> None:
        with pytest.raises(SignatureError):
            verify(self.secret, self.headers(), BODY + b" ", now=NOW)

    def test_tampered_id(self) -> None:
        with pytest.raises(SignatureError):
            verify(self.secret, self.headers(**{"webhook-id": "msg_2"}), BODY, now=NOW)

    def test_tampered_timestamp(self) -> None:
        headers = self.headers(**{"webhook-timestamp": str(NOW + 1)})
        with pytest.raises(SignatureError):
            verify(self.secret, headers, BODY, now=NOW)

    def test_tolerance(self) -> None:
        verify(self.secret, self.headers(), BODY, now=NOW + 300)
        verify(self.secret, self.headers(), BODY, now=NOW - 300)
        with pytest.raises(SignatureError, match="too old"):
            verify(self.secret, self.headers(), BODY, now=NOW + 301)
        with pytest.raises(SignatureError, match="too new"):
            verify(self.secret, self.headers(), BODY, now=NOW - 301)
        verify(self.secret, self.headers(), BODY, now=NOW + 3600, tolerance=3600)

    @pytest.mark.parametrize("missing", ["webhook-id", "webhook-timestamp", "webhook-signature"])
    def test_missing_header(self, missing: str) -> None:
        headers = self.headers()
        del headers[missing]
        with pytest.raises(SignatureError, match="missing"):
            verify(self.secret, headers, BODY, now=NOW)

    @pytest.mark.parametrize("timestamp", ["soon", "1.7e9", "-5", "9" * 5000, ""])
    def test_malformed_timestamp(self, timestamp: str) -> None:
        with pytest.raises(SignatureError):
            verify(self.secret, self.headers(**{"webhook-timestamp": timestamp}), BODY, now=NOW)

    @pytest.mark.parametrize(
        "signature", ["", "v1,", "v1,@@@", "garbage", "v2,{sig}", "v1a,{sig}", "{sig}"]
    )
    def test_malformed_or_foreign_signatures(self, signature: str) -> None:
        good = sign(self.secret, "msg_1", NOW, BODY)
        value = signature.format(sig=good.removeprefix("v1,"))
        with pytest.raises(SignatureError):
            verify(self.secret, self.headers(**{"webhook-signature": value}), BODY, now=NOW)

    def test_unknown_versions_are_skipped(self) -> None:
        good = sign(self.secret, "msg_1", NOW, BODY)
        headers = self.headers(**{"webhook-signature": f"v1a,xyz v2,abc {good}"})
        verify(self.secret, headers, BODY, now=NOW)


class TestSignedByTheLibrary:
    def test_standardwebhooks_is_a_runtime_dependency(self) -> None:
        import tomllib
        from pathlib import Path

        project = tomllib.loads((Path(__file__).parents[3] / "pyproject.toml").read_text())
        runtime = [
            d.split(">")[0].split("=")[0].strip() for d in project["project"]["dependencies"]
        ]
        assert "standardwebhooks" in runtime

    def test_a_lenient_library_secret_is_checked_strictly_first(self) -> None:
        # The library alone would skip the "!" and the space and sign with some other key.
        with pytest.raises(ValueError, match="base64"):
            sign("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2La LaSw!", "msg_1", NOW, BODY)

    def test_non_utf8_body_is_refused_by_verify(self) -> None:
        secret = generate_secret()
        headers = webhook_headers([secret], "msg_1", NOW, BODY)
        with pytest.raises(SignatureError):
            verify(secret, headers, b"\xff\xfe", now=NOW)
