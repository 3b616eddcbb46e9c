"""The Kafka broker's jars: fetched once with Maven (``deploy/kafka/pom.xml``) into
``RUN_DIR/kafka/libs``, and fetched again only when the pom changes.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess

from deploy._common import DEPLOY_DIR, step
from deploy.kafka_config import kafka_dir

POM = DEPLOY_DIR / "kafka" / "pom.xml"


def ensure_libs() -> None:
    """Copy the broker jars into ``RUN_DIR/kafka/libs`` with Maven unless they match the pom."""
    libs = kafka_dir() / "libs"
    digest = hashlib.sha256(POM.read_bytes()).hexdigest()
    marker = libs / ".pom.sha256"
    if marker.exists() and marker.read_text().strip() == digest and any(libs.glob("kafka_2.13-*.jar")):
        return
    mvn = shutil.which("mvn")
    if not mvn:
        raise RuntimeError("mvn not found (needed once to fetch the Kafka jars); run: sudo deploy/setup.sh")
    tmp = kafka_dir() / "libs.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    with step(f"kafka: fetch broker jars with Maven into {libs}"):
        proc = subprocess.run(
            [mvn, "-B", "-q", "-f", str(POM), "dependency:copy-dependencies", f"-DoutputDirectory={tmp}"],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
        if proc.returncode != 0:
            raise RuntimeError(
                f"maven failed (exit {proc.returncode}):\n{proc.stdout[-4000:]}{proc.stderr[-4000:]}"
            )
        (tmp / ".pom.sha256").write_text(digest + "\n")
        shutil.rmtree(libs, ignore_errors=True)
        tmp.rename(libs)


def installed_version() -> str | None:
    """The Kafka version of the jars in ``RUN_DIR/kafka/libs``, if any are there."""
    jars = sorted((kafka_dir() / "libs").glob("kafka_2.13-*.jar"))
    return jars[-1].stem.removeprefix("kafka_2.13-") if jars else None
