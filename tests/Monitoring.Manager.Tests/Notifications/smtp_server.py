"""An SMTP server for the email notification tests: Debian's aiosmtpd with STARTTLS (required) or implicit TLS,
and AUTH with one user. Each message is written to --out as NNN.eml (the bytes received) beside NNN.json (the
envelope). Prints 'ready' once it accepts connections; runs until killed."""
import argparse
import json
import os
import ssl
import time

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

parser = argparse.ArgumentParser()
parser.add_argument("--port", type=int, required=True)
parser.add_argument("--cert", required=True)
parser.add_argument("--key", required=True)
parser.add_argument("--mode", choices=["starttls", "tls"], required=True)
parser.add_argument("--user", required=True)
parser.add_argument("--password", required=True)
parser.add_argument("--out", required=True)
args = parser.parse_args()


class Save:
    async def handle_DATA(self, server, session, envelope):
        name = os.path.join(args.out, str(time.time_ns()))
        with open(name + ".json", "w") as f:
            json.dump({"from": envelope.mail_from, "to": envelope.rcpt_tos, "tls": session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None}, f)
        with open(name + ".tmp", "wb") as f:
            f.write(envelope.original_content or envelope.content)
        os.replace(name + ".tmp", name + ".eml")
        return "250 2.0.0 Ok: queued for the test"


def authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == args.user and auth_data.password.decode() == args.password
    return AuthResult(success=ok, handled=False)


context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(args.cert, args.key)
common = dict(hostname="127.0.0.1", port=args.port, authenticator=authenticate, auth_required=True)
if args.mode == "starttls":
    controller = Controller(Save(), tls_context=context, require_starttls=True, auth_require_tls=True, **common)
else:
    controller = Controller(Save(), ssl_context=context, auth_require_tls=False, **common)
controller.start()
print("ready", flush=True)
while True:
    time.sleep(3600)
