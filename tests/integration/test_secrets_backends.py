"""Every secret backend honours one contract: file, OS keyring (keyrings.alt's file backend),
OpenBao (a real dev server) and, read-only, the environment; plus the lookup chain."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from tests.support.openbao import OpenBao, openbao_server
from volex.adapters.secrets.chain import ChainedSecretStore, build_secret_store
from volex.adapters.secrets.env import EnvSecretStore
from volex.adapters.secrets.file import FileSecretStore
from volex.adapters.secrets.keyring_store import KeyringSecretStore
from volex.adapters.secrets.redact import redact_text
from volex.adapters.secrets.vault import VaultSecretStore
from volex.config import load_settings
from volex.errors import ConfigError, SecretError

KEY = "AKIA-contract-key-0123456789"
SECRET = "contract-secret-abcdefghijklmnop"


@pytest.fixture(scope="module")
def bao(tmp_path_factory: pytest.TempPathFactory) -> OpenBao:
    with openbao_server(tmp_path_factory.mktemp("bao")) as server:
        yield server


@pytest.fixture
def plaintext_keyring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """keyrings.alt's file backend, in this test's own directory."""
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyrings.alt.file.PlaintextKeyring")
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg"


@pytest.fixture(params=["file", "keyring", "vault"])
def store(request: pytest.FixtureRequest, tmp_path: Path, unique_prefix: str):
    if request.param == "file":
        return FileSecretStore(tmp_path / "secrets.toml")
    if request.param == "keyring":
        request.getfixturevalue("plaintext_keyring")
        return KeyringSecretStore(service=unique_prefix)
    bao = request.getfixturevalue("bao")
    return VaultSecretStore("secret", unique_prefix,
                            environ={"VAULT_ADDR": bao.addr, "VAULT_TOKEN": bao.root_token})


def test_set_get_list_delete(store) -> None:
    assert store.get("binance") is None
    assert store.names() == []
    store.set("binance", {"api_key": KEY, "secret": SECRET})
    store.set("Kraken", {"api_key": KEY + "-k", "secret": SECRET + "-k", "password": "pass-phrase-1"})
    assert store.get("binance") == {"api_key": KEY, "secret": SECRET}
    assert store.get("kraken")["password"] == "pass-phrase-1"  # names are case-insensitive
    assert store.names() == ["binance", "kraken"]
    store.set("binance", {"api_key": KEY + "2", "secret": SECRET + "2"})
    assert store.get("binance")["api_key"] == KEY + "2"
    assert store.delete("binance") is True
    assert store.delete("binance") is False
    assert store.get("binance") is None
    assert store.names() == ["kraken"]


def test_values_are_masked_once_seen_and_never_in_repr(store) -> None:
    store.set("okx", {"api_key": KEY + "-okx", "secret": SECRET + "-okx"})
    values = store.get("okx")
    assert KEY not in repr(values) and SECRET not in str(values) and KEY not in repr(store)
    assert redact_text(f"failed with {SECRET}-okx inside") == "failed with *** inside"


def test_bad_names_and_empty_values_are_refused(store) -> None:
    with pytest.raises(SecretError, match="bad secret name"):
        store.set("../etc/passwd", {"api_key": KEY, "secret": SECRET})
    with pytest.raises(SecretError, match="empty"):
        store.set("binance", {"api_key": " ", "secret": ""})
    assert store.names() == []


def test_file_is_created_0600_and_refused_when_others_can_read_it(tmp_path: Path) -> None:
    path = tmp_path / "home" / "secrets.toml"
    FileSecretStore(path).set("binance", {"api_key": KEY, "secret": SECRET})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    path.chmod(0o644)
    with pytest.raises(SecretError, match=r"other users can access it \(mode 644\); run: chmod 600"):
        FileSecretStore(path).get("binance")
    path.chmod(0o600)
    assert FileSecretStore(path).get("binance")["secret"] == SECRET


def test_a_broken_file_is_reported_without_its_content(tmp_path: Path) -> None:
    path = tmp_path / "secrets.toml"
    path.write_text(f'[binance]\napi_key = "{KEY}"\nsecret = {SECRET}\n')
    path.chmod(0o600)
    with pytest.raises(SecretError, match="not valid TOML") as err:
        FileSecretStore(path).get("binance")
    assert KEY not in str(err.value) and SECRET not in str(err.value)


def test_env_backend_reads_volex_variables_and_is_read_only() -> None:
    env = {"VOLEX_BINANCE_API_KEY": KEY, "VOLEX_BINANCE_SECRET": SECRET,
           "VOLEX_OKX_API_KEY": "okx-key-123456", "VOLEX_OKX_API_SECRET": "okx-secret-123456",
           "VOLEX_OKX_PASSPHRASE": "okx-pass-123456", "VOLEX_HOME": "/tmp/x"}
    store = EnvSecretStore(env)
    assert store.get("binance") == {"api_key": KEY, "secret": SECRET}
    assert store.get("okx") == {"api_key": "okx-key-123456", "secret": "okx-secret-123456",
                                "password": "okx-pass-123456"}
    assert store.names() == ["binance", "okx"]
    with pytest.raises(SecretError, match="read-only: export VOLEX_BINANCE_API_KEY"):
        store.set("binance", {"api_key": "x" * 10, "secret": "y" * 10})
    with pytest.raises(SecretError, match="unset those variables"):
        store.delete("binance")


def test_vault_approle_login_with_mount_and_prefix(bao: OpenBao, unique_prefix: str) -> None:
    role_id, secret_id = bao.approle("secret", unique_prefix)
    store = VaultSecretStore("secret", unique_prefix, environ={
        "VAULT_ADDR": bao.addr, "VAULT_ROLE_ID": role_id, "VAULT_SECRET_ID": secret_id})
    store.set("binance", {"api_key": KEY, "secret": SECRET})
    assert store.get("binance")["secret"] == SECRET
    # It really lives at secret/data/<prefix>/binance, where the bao CLI would look.
    raw = bao.client().secrets.kv.v2.read_secret_version(
        path=f"{unique_prefix}/binance", mount_point="secret", raise_on_deleted_version=True)
    assert raw["data"]["data"]["api_key"] == KEY
    # The AppRole may not read outside its prefix.
    outside = VaultSecretStore("secret", unique_prefix + "-other", environ={
        "VAULT_ADDR": bao.addr, "VAULT_ROLE_ID": role_id, "VAULT_SECRET_ID": secret_id})
    with pytest.raises(SecretError, match="permission denied"):
        outside.get("binance")


def test_vault_failures_are_clear_and_never_show_the_token(bao: OpenBao, unique_prefix: str) -> None:
    bad_token = "s.not-a-real-token-0123456789abcdef"
    store = VaultSecretStore("secret", unique_prefix,
                             environ={"VAULT_ADDR": bao.addr, "VAULT_TOKEN": bad_token})
    with pytest.raises(SecretError, match="rejected VAULT_TOKEN") as err:
        store.get("binance")
    assert bad_token not in str(err.value)
    down = VaultSecretStore("secret", unique_prefix, timeout_s=1, environ={
        "VAULT_ADDR": "http://127.0.0.1:9", "VAULT_TOKEN": bad_token})
    with pytest.raises(SecretError, match="unreachable") as err:
        down.get("binance")
    assert bad_token not in str(err.value)
    with pytest.raises(ConfigError, match="needs VAULT_ADDR"):
        VaultSecretStore(environ={}).get("binance")


def test_default_chain_is_env_then_file_when_no_real_keyring(monkeypatch: pytest.MonkeyPatch,
                                                               volex_home: Path) -> None:
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    chain = build_secret_store(load_settings())
    # keyrings.alt's plaintext file is the only keyring here: it does not count as one.
    assert [s.backend for s in chain.stores] == ["env", "file"]
    assert "keyring" in chain.skipped
    assert chain.set("binance", {"api_key": KEY, "secret": SECRET}) == "file"
    assert (volex_home / "secrets.toml").exists()
    monkeypatch.setenv("VOLEX_BINANCE_API_KEY", "env-wins-key-000")
    monkeypatch.setenv("VOLEX_BINANCE_SECRET", "env-wins-secret-000")
    assert chain.get("binance")["api_key"] == "env-wins-key-000"
    assert chain.locations() == {"binance": ["env", "file"]}
    assert chain.where("binance").startswith("env ")


def test_configured_backend_and_order(plaintext_keyring: Path, monkeypatch: pytest.MonkeyPatch,
                                      volex_home: Path) -> None:
    monkeypatch.setenv("VOLEX_SECRETS_BACKEND", "keyring")
    chain = build_secret_store(load_settings())
    assert [s.backend for s in chain.stores] == ["keyring"]
    chain.set("binance", {"api_key": KEY, "secret": SECRET})
    assert not (volex_home / "secrets.toml").exists()
    assert plaintext_keyring.exists()  # keyrings.alt wrote its file there
    monkeypatch.delenv("VOLEX_SECRETS_BACKEND")
    (volex_home / "config.toml").write_text('[secrets]\norder = ["file", "keyring"]\n')
    chain = build_secret_store(load_settings())
    assert [s.backend for s in chain.stores] == ["file", "keyring"]  # explicitly chosen
    assert chain.get("binance")["api_key"] == KEY
    assert chain.set("kraken", {"api_key": KEY, "secret": SECRET}, backend="keyring") == "keyring"
    assert chain.locations() == {"binance": ["keyring"], "kraken": ["keyring"]}
    monkeypatch.setenv("VOLEX_SECRETS_BACKEND", "etcd")
    with pytest.raises(ConfigError, match="unknown secrets backend 'etcd'"):
        build_secret_store(load_settings())


def test_chain_delete_removes_from_every_writable_store(tmp_path: Path) -> None:
    first, second = FileSecretStore(tmp_path / "a.toml"), FileSecretStore(tmp_path / "b.toml")
    first.backend = "file-a"
    chain = ChainedSecretStore([EnvSecretStore({}), first, second])
    first.set("binance", {"api_key": KEY, "secret": SECRET})
    second.set("binance", {"api_key": KEY, "secret": SECRET})
    assert chain.delete("binance") is True
    assert chain.get("binance") is None and chain.names() == []
    assert first.names() == [] and second.names() == []
