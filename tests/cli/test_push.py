"""``compcalc push``: a scheme file stored and published in a real ``compcalc serve``."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.cli import push as push_module
from app.db.session import Database
from app.engine import scheme_hash
from app.io import load_scheme
from app.services import keys
from tests.support.localserver import free_port
from tests.support.pushservice import PushService, push_service

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def service(
    tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path
) -> Iterator[PushService]:
    with push_service(tmp_path_factory.mktemp("push"), sqlite_template) as running:
        yield running


def _scheme(tmp_path: Path, key: str, source: str = "acme.yaml", name: str | None = None) -> Path:
    """An example scheme under another key (each test its own scheme), maybe renamed."""
    text = (ROOT / "examples" / source).read_text("utf-8")
    text, found = re.subn(r"^key: acme-sales\b", f"key: {key}", text, count=1, flags=re.M)
    assert found == 1
    if name is not None:
        text, found = re.subn(r"^name: [^#\n]*", f"name: {name}", text, count=1, flags=re.M)
        assert found == 1
    path = tmp_path / f"{key}.yaml"
    path.write_text(text, "utf-8")
    return path


def _push(service: PushService, *args: str, key: str | None = None) -> tuple[int, str, str]:
    env = {"COMPCALC_API_KEY": service.key if key is None else key, "COMPCALC_API_URL": None}
    result = CliRunner().invoke(cli, ["push", *args, "--url", service.base], env=env)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.stdout, result.stderr


def _scheme_state(service: PushService, key: str) -> dict[str, Any]:
    with service.client() as client:
        answer = client.get(f"/v1/schemes/{key}")
    assert answer.status_code == 200, answer.text
    state: dict[str, Any] = answer.json()
    return state


def test_store_publish_then_nothing_to_do(service: PushService, tmp_path: Path) -> None:
    path = _scheme(tmp_path, "push-flow")

    code, out, err = _push(service, str(path))
    assert (code, err) == (0, "")
    assert out == f"push-flow: stored {path} as draft version 1\n"
    state = _scheme_state(service, "push-flow")
    assert [(v["version"], v["status"]) for v in state["history"]] == [(1, "draft")]
    local = scheme_hash(load_scheme(str(path), max_bytes=1 << 20).scheme)
    assert state["history"][0]["content_hash"] == local
    with service.client() as client:
        text = client.get(
            "/v1/schemes/push-flow/versions/1", headers={"Accept": "application/yaml"}
        )
    assert text.text == path.read_text("utf-8")

    code, out, err = _push(service, str(path), "--publish")
    assert (code, out, err) == (0, "push-flow: published version 1\n", "")
    state = _scheme_state(service, "push-flow")
    assert [(v["version"], v["status"]) for v in state["history"]] == [(1, "published")]

    for extra in ((), ("--publish",)):
        code, out, err = _push(service, str(path), *extra)
        assert (code, err) == (push_module.UNCHANGED, "")
        assert out == f"push-flow: {path} is identical to published version 1, nothing to do\n"
    # A comment changes the text, not the content: still nothing to do.
    path.write_text("# reviewed\n" + path.read_text("utf-8"), "utf-8")
    assert _push(service, str(path))[0] == 3
    assert _scheme_state(service, "push-flow")["versions"] == 1


def test_a_changed_file_is_the_next_draft(service: PushService, tmp_path: Path) -> None:
    path = _scheme(tmp_path, "push-change")
    assert _push(service, str(path), "--publish")[:2] == (
        0,
        f"push-change: stored {path} as draft version 1\npush-change: published version 1\n",
    )
    _scheme(tmp_path, "push-change", name="Acme sales organisation 2028")

    code, out, err = _push(service, str(path))
    assert (code, out, err) == (0, f"push-change: stored {path} as draft version 2\n", "")
    code, out, _ = _push(service, str(path))
    assert (code, out) == (
        3,
        f"push-change: {path} is identical to draft version 2, nothing to do\n",
    )
    code, out, _ = _push(service, str(path), "--publish")
    assert (code, out) == (0, "push-change: published version 2\n")
    history = _scheme_state(service, "push-change")["history"]
    assert [(v["version"], v["status"]) for v in history] == [(1, "published"), (2, "published")]


def test_checks_refuse_the_publication(service: PushService, tmp_path: Path) -> None:
    path = _scheme(tmp_path, "push-gap", source="invalid/BASE_GAP.yaml")

    code, out, err = _push(service, str(path), "--publish")

    assert code == push_module.REFUSED, err
    assert out == f"push-gap: stored {path} as draft version 1\n"
    finding, summary = err.splitlines()
    assert finding.startswith(f"{path}:54:15: error BASE_GAP: the sales.rep base 60 000.00 is")
    assert finding.endswith("(at departments.sales.roles.rep.base)")
    assert summary == (
        "compcalc push: push-gap version 1 fails the checks and stays a draft: fix the file "
        "and push it again"
    )
    state = _scheme_state(service, "push-gap")
    assert state["latest_published_version"] is None
    assert [(v["version"], v["status"]) for v in state["history"]] == [(1, "draft")]

    # Without --publish the draft is stored and the push says what publishing would refuse.
    _scheme(tmp_path, "push-gap", source="invalid/BASE_GAP.yaml", name="Acme, second try")
    code, out, err = _push(service, str(path))
    assert (code, out) == (0, f"push-gap: stored {path} as draft version 2\n")
    assert err.splitlines()[0].startswith(f"{path}:54:15: error BASE_GAP:")
    assert err.splitlines()[1] == (
        "compcalc push: publishing version 2 would be refused until these are fixed"
    )


def test_a_file_that_cannot_be_read_is_never_sent(tmp_path: Path) -> None:
    # Nothing listens on this port: a request would end in "cannot reach the service".
    url = f"http://127.0.0.1:{free_port()}"
    env = {"COMPCALC_API_KEY": "cck_unused"}
    broken = str(ROOT / "examples" / "invalid" / "unparseable" / "SYNTAX.yaml")
    result = CliRunner().invoke(cli, ["push", broken, "--url", url], env=env)
    assert result.exit_code == push_module.CANNOT_RUN
    located, said = result.stderr.splitlines()
    assert located.startswith(f"{broken}:55:24: error SYNTAX: ")
    assert said == f"compcalc push: {broken}: nothing was sent"

    invalid = str(ROOT / "examples" / "invalid" / "MISSING_KEY.yaml")
    result = CliRunner().invoke(cli, ["push", invalid, "--url", url], env=env)
    assert result.exit_code == push_module.REFUSED
    assert result.stderr.splitlines() == [
        f"{invalid}:82:7: error MISSING_KEY: required key 'base' is missing "
        "(at departments.clients.roles.rep.base)",
        f"compcalc push: {invalid} is not a valid scheme; nothing was sent",
    ]


def test_no_key_no_url_no_service(
    service: PushService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(_scheme(tmp_path, "push-none"))
    code, out, err = _push(service, path, key="")
    assert (code, out) == (2, "")
    assert err == (
        "compcalc push: set COMPCALC_API_KEY to an API key with the schemes:write scope "
        "(and schemes:publish for --publish)\n"
    )
    result = CliRunner().invoke(cli, ["push", path], env={"COMPCALC_API_KEY": service.key,
                                                         "COMPCALC_API_URL": None})  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == (
        "compcalc push: --url (or COMPCALC_API_URL): give the service's http:// or https:// URL\n"
    )

    monkeypatch.setattr(push_module, "RETRY_DELAYS", (0.0, 0.0))
    down = f"http://127.0.0.1:{free_port()}"
    env = {"COMPCALC_API_KEY": service.key}
    result = CliRunner().invoke(cli, ["push", path, "--url", down], env=env)
    assert result.exit_code == push_module.CANNOT_RUN
    assert result.stderr.startswith(f"compcalc push: cannot reach the service at {down}: ")

    code, _, err = _push(service, path, key="cck_not-a-key")
    assert code == push_module.REFUSED
    assert err.startswith("compcalc push: 401 ")
    with service.client() as client:
        assert client.get("/v1/schemes/push-none").status_code == 404  # nothing was stored


def test_a_key_that_cannot_publish_stores_the_draft(service: PushService, tmp_path: Path) -> None:
    database = Database(service.database_url)
    writer = keys.create_key(database, "writer", ["schemes:write"])[1]
    database.dispose()
    path = _scheme(tmp_path, "push-scope")

    code, out, err = _push(service, str(path), "--publish", key=writer)

    assert code == push_module.REFUSED
    assert out == f"push-scope: stored {path} as draft version 1\n"
    assert err == (
        "compcalc push: 403 SCOPE_MISSING: this operation needs the scope schemes:publish\n"
    )
    history = _scheme_state(service, "push-scope")["history"]
    assert [(v["version"], v["status"]) for v in history] == [(1, "draft")]


def test_a_server_that_is_not_compcalc(
    service: PushService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def page(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, html="<html>a web site</html>")

    def connect(base: str, key: str) -> httpx.Client:
        return httpx.Client(base_url=base, transport=httpx.MockTransport(page))

    monkeypatch.setattr(push_module, "connect", connect)
    code, out, err = _push(service, str(_scheme(tmp_path, "push-html")))
    assert (code, out) == (push_module.CANNOT_RUN, "")
    assert err == f"compcalc push: {service.base} answered 200 without JSON: is it compcalc?\n"


class _LosesFirstAnswer(httpx.BaseTransport):
    """Sends every request; the answer to the first write never arrives (a dropped link)."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.writes: list[str | None] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        response = self.inner.handle_request(request)
        if request.method == "POST":
            self.writes.append(request.headers.get("Idempotency-Key"))
            if len(self.writes) == 1:
                response.read()
                raise httpx.ReadError("connection reset", request=request)
        return response

    def close(self) -> None:
        self.inner.close()


def test_a_retried_push_stores_one_version(
    service: PushService, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    transport = _LosesFirstAnswer()

    def connect(base: str, key: str) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"}
        return httpx.Client(base_url=base, headers=headers, transport=transport)

    monkeypatch.setattr(push_module, "connect", connect)
    monkeypatch.setattr(push_module, "RETRY_DELAYS", (0.0, 0.0))
    path = _scheme(tmp_path, "push-retry")

    code, out, err = _push(service, str(path), "--publish")

    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"push-retry: stored {path} as draft version 1",
        "push-retry: published version 1",
    ]
    store, retry, publish = transport.writes
    assert store is not None and store == retry and publish not in (None, store)
    history = _scheme_state(service, "push-retry")["history"]
    assert [(v["version"], v["status"]) for v in history] == [(1, "published")]
