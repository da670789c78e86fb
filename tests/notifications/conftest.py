"""Notification fixtures: the ticket categories and driver of tests/tickets, every user of the
world with an e-mail address, and a redis-server of the test's own for the outage test."""

import socket
import subprocess
import time

import pytest

from community.models import User
from config.celery import app as celery_app
from tests.tickets.conftest import Driver, make_categories


@pytest.fixture
def categories(world):
    return {
        world.a.community.pk: make_categories(world.a.community),
        world.b.community.pk: make_categories(world.b.community),
    }


@pytest.fixture
def drive(categories) -> Driver:
    return Driver(categories)


@pytest.fixture
def emails(world):
    """Every member of the world gets <username>@example.org (factories give none)."""
    for user in User.objects.all():
        user.email = f"{user.username}@example.org"
        user.save(update_fields=["email"])


class RedisServer:
    """A redis-server on a free local port, started and stopped by the test itself (the
    machine's Redis on 6379 is shared with others and never touched). No persistence."""

    def __init__(self, workdir):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    def reachable(self) -> bool:
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
        except OSError:
            return False
        return True

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no", "--dir", str(self.workdir)),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while not self.reachable():
            assert time.monotonic() < deadline, "redis-server did not start"
            time.sleep(0.05)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def real_broker(redis_server):
    """Celery publishes to `redis_server` for real (CELERY_TASK_ALWAYS_EAGER=False), and leaves
    the root logger alone when a test worker starts; restored afterwards."""
    conf = celery_app.conf
    saved = (conf.broker_url, conf.task_always_eager, conf.worker_hijack_root_logger)
    conf.broker_url, conf.task_always_eager = redis_server.url, False
    conf.worker_hijack_root_logger = False
    forget_broker_connections()
    yield redis_server
    conf.broker_url, conf.task_always_eager, conf.worker_hijack_root_logger = saved
    forget_broker_connections()


def forget_broker_connections() -> None:
    """Drop the app's pooled broker connections, so the next publish uses the broker_url set
    now. (app.close() keeps a pool that has no idle connection: an empty pool is falsy.)"""
    celery_app.close()
    celery_app._pool = None
    celery_app.amqp._producer_pool = None
