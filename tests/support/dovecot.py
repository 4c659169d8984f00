"""A real Dovecot IMAP server for tests, started in the foreground from a generated config.

Debian's package runs as root here, so mail processes use the `mail` user (Dovecot refuses
uid 0), and the directory is 0755 so that the auth process can read the passwd file.
"""

from __future__ import annotations

import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
first_valid_uid = 8
mail_location = maildir:{root}/mail/%u
mail_privileged_group = mail
default_login_user = dovecot
default_internal_user = dovecot
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid=mail gid=mail home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
protocol imap {{
  mail_max_userip_connections = 50
}}
"""


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Dovecot:
    user = "info"
    password = "imap-test-secret"

    def __init__(self, root: Path) -> None:
        self.root = root
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None
        root.mkdir(parents=True, exist_ok=True)
        os.chmod(root, 0o755)
        for sub in ("run", "state", "mail"):
            (root / sub).mkdir(exist_ok=True)
        mail = pwd.getpwnam("mail")
        os.chown(root / "mail", mail.pw_uid, mail.pw_gid)
        (root / "passwd").write_text(f"{self.user}:{{PLAIN}}{self.password}::::::\n")
        os.chmod(root / "passwd", 0o644)
        (root / "dovecot.conf").write_text(CONFIG.format(root=root, port=self.port))

    @property
    def maildir(self) -> Path:
        return self.root / "mail" / self.user

    def start(self) -> None:
        binary = dovecot_binary()
        if binary is None:
            raise RuntimeError("Dovecot is not installed: run scripts/install-system-deps.sh")
        with (self.root / "stderr.log").open("ab") as errors:
            self.process = subprocess.Popen([binary, "-F", "-c", str(self.root / "dovecot.conf")],
                                            stdout=subprocess.DEVNULL, stderr=errors)
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot exited: {(self.root / 'stderr.log').read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as s:
                    if s.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("dovecot did not start listening")

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.process = None
        # Dovecot's children can linger a moment; wait for the port to close.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                time.sleep(0.05)
            except OSError:
                return

    def change_uidvalidity(self) -> None:
        """Stopped server: give INBOX a new UIDVALIDITY (all UIDs change), as after a restore."""
        uidlist = self.maildir / "dovecot-uidlist"
        text = uidlist.read_text()
        old = int(re.search(r" V(\d+)", text.splitlines()[0]).group(1))
        lines = [re.sub(r" V\d+", f" V{old + 1000}", text.splitlines()[0])]
        uid = 0
        for line in text.splitlines()[1:]:
            uid += 1
            lines.append(re.sub(r"^\d+", str(uid), line))
        first = re.sub(r" N\d+", f" N{uid + 1}", lines[0])
        uidlist.write_text("\n".join([first, *lines[1:]]) + "\n")
        for index in self.maildir.glob("dovecot.index*"):
            index.unlink()
